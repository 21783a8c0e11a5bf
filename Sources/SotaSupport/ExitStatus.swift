/// sota's exit statuses, the one list every command returns from; documented in `sota --help` and the README.
package enum ExitStatus {
    /// Success: every check passed, every stage finished and every gate passed.
    package static let success: Int32 = 0
    /// A check failed: invalid config, data mismatch, unmet plan check, an unreadable file (no child started).
    package static let checkFailed: Int32 = 1
    /// A stage failed (non-zero exit, missing outputs, timeout, bad metrics).
    package static let stageFailed: Int32 = 2
    /// The run finished but a gate rejected it.
    package static let gateRejected: Int32 = 3
    /// Bad command-line usage.
    package static let usage: Int32 = 64
    /// A bug in sota.
    package static let internalError: Int32 = 70
    /// sota was interrupted; the run can be resumed.
    package static let interrupted: Int32 = 130
}
