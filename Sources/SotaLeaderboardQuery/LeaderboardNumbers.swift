internal import Glibc

/// The number and duration spellings of leaderboard output, without Foundation.
///
/// `number`, `shortNumber` and `duration` spell values exactly as SotaBasics' `JSONValue.number`,
/// `JSONValue.shortNumber` and `DurationValue.description` do; they are repeated here because SotaBasics links
/// Foundation, which the fast path of `sota leaderboard` must not load. `QuickLeaderboardTests` checks that the
/// two spellings agree.
package enum LeaderboardNumbers {
    /// The shortest decimal that reads back as the same double; integral values keep a `.0`; non-finite is `null`.
    package static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int(value)) + ".0"
        }
        return "\(value)"
    }

    /// `1` rather than `1.0`, else the shortest round-trip spelling.
    package static func shortNumber(_ value: Double) -> String {
        let text = number(value)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

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

    /// Compact human spelling of seconds: `45s`, `12m30s`, `2h05m`.
    package static func duration(seconds: Double) -> String {
        guard seconds.isFinite else { return "∞" }
        if seconds >= 1e12 { return "\(shortNumber((seconds / 86400).rounded()))d" }
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole)s" }
        if whole >= 86400 * 10 { return "\(whole / 86400)d" }
        if whole < 3600 {
            let s = whole % 60
            return s == 0 ? "\(whole / 60)m" : "\(whole / 60)m\(s < 10 ? "0" : "")\(s)s"
        }
        let minutes = (whole % 3600) / 60
        return "\(whole / 3600)h\(minutes < 10 ? "0" : "")\(minutes)m"
    }
}
