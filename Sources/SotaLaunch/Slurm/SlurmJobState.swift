/// A Slurm job's state as squeue, scontrol and sacct spell it, plus `unknown` for a job nobody can account for.
package enum SlurmJobState: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Waiting for resources, a dependency or its turn.
    case pending
    /// Running (or configuring, completing).
    case running
    /// Exited 0.
    case completed
    /// Exited non-zero, or its node failed, ran out of memory or time.
    case failed(String)
    /// Cancelled by a user, or by Slurm because its dependency can never be met.
    case cancelled
    /// Neither the controller, accounting nor the run directory says what became of it: never taken as success.
    case unknown

    /// Parses a state name (`COMPLETED`, `CANCELLED by 0`, `PENDING`, ...).
    package init(parsing text: String) {
        let name = text.split(separator: " ").first.map(String.init)?.uppercased() ?? ""
        switch name {
        case "PENDING", "REQUEUED", "REQUEUE_FED", "REQUEUE_HOLD", "RESV_DEL_HOLD", "SUSPENDED", "STOPPED", "SPECIAL_EXIT": self = .pending
        case "RUNNING", "CONFIGURING", "COMPLETING", "RESIZING", "SIGNALING", "STAGE_OUT": self = .running
        case "COMPLETED": self = .completed
        case "CANCELLED", "REVOKED", "DEADLINE": self = .cancelled
        case "FAILED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "PREEMPTED": self = .failed(name)
        default: self = .unknown
        }
    }

    /// Whether the job will not change any more.
    package var isFinal: Bool {
        switch self {
        case .pending, .running: false
        case .completed, .failed, .cancelled, .unknown: true
        }
    }

    /// Whether the job ran and failed (so its exit code or signal says why).
    package var isFailure: Bool {
        if case .failed = self { return true }
        return false
    }

    /// Upper-case name, as Slurm prints it (`FAILED`, or the failure kind such as `TIMEOUT`).
    package var description: String {
        switch self {
        case .pending: "PENDING"
        case .running: "RUNNING"
        case .completed: "COMPLETED"
        case .failed(let kind): kind
        case .cancelled: "CANCELLED"
        case .unknown: "UNKNOWN"
        }
    }
}
