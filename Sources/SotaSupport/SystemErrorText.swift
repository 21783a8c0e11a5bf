import FoundationEssentials
import Glibc

/// The reason a file-system call failed, in the system's words ("No such file or directory").
///
/// sota links FoundationEssentials only (full Foundation brings ICU and triples the binary), which has no
/// `localizedDescription`: its `CocoaError` carries the `errno` behind it as the underlying `POSIXError`, and
/// `strerror` words that the way every other message of sota does.
package enum SystemErrorText {
    /// The system's reason behind `error`, else its own description.
    package static func reason(_ error: any Error) -> String {
        if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
        if let cocoa = error as? CocoaError {
            if let posix = cocoa.userInfo["NSUnderlyingError"] as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
            switch cocoa.code {
            case .fileNoSuchFile, .fileReadNoSuchFile: return String(cString: strerror(ENOENT))
            case .fileWriteNoPermission, .fileReadNoPermission: return String(cString: strerror(EACCES))
            case .fileWriteFileExists: return String(cString: strerror(EEXIST))
            case .fileWriteOutOfSpace: return String(cString: strerror(ENOSPC))
            default: return "file system error \(cocoa.code.rawValue)"
            }
        }
        if let described = error as? CustomStringConvertible { return described.description }
        return String(describing: error)
    }
}

extension StringProtocol {
    /// The text without the whitespace (newlines included) at either end.
    package func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }

    /// The text followed by spaces up to `width` characters (left as it is when already as wide).
    package func rightPadded(_ width: Int) -> String {
        String(self) + String(repeating: " ", count: Swift.max(0, width - count))
    }
}
