/// sota's exit statuses, the one list every command returns from; documented in `sota --help` and the README.
public enum ExitStatus {
    /// Success: every check passed, every stage finished and every gate passed.
    public static let success: Int32 = 0
    /// A check failed: invalid config, data mismatch, unmet plan check, an unreadable file (no child started).
    public static let checkFailed: Int32 = 1
    /// A stage failed (non-zero exit, missing outputs, timeout, bad metrics).
    public static let stageFailed: Int32 = 2
    /// The run finished but a gate rejected it.
    public static let gateRejected: Int32 = 3
    /// Bad command-line usage.
    public static let usage: Int32 = 64
    /// A bug in sota.
    public static let internalError: Int32 = 70
    /// sota was interrupted; the run can be resumed.
    public static let interrupted: Int32 = 130
}
