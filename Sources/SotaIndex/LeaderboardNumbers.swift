internal import Glibc

import SotaSupport

/// Number spellings of leaderboard output that SotaPrimitives does not have.
package enum LeaderboardNumbers {
    /// C's `%.4g`: four significant digits, as in the text table's metric column.
    ///
    /// glibc's `gcvt(value, 4, buffer)` is `sprintf(buffer, "%.*g", 4, value)`. Calling it rather than a variadic
    /// printf keeps Swift's `CVarArg` machinery, whose dynamic casts scan every protocol conformance in the
    /// binary, out of a fresh process.
    package static func fourSignificantDigits(_ value: Double) -> String {
        // 32 bytes hold any %.4g spelling ("-1.235e+308", "-nan").
        var buffer = [CChar](repeating: 0, count: 32)
        return buffer.withUnsafeMutableBufferPointer { String(cString: gcvt(value, 4, $0.baseAddress!)) }
    }
}
