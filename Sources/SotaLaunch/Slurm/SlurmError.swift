/// Why a Slurm command did not give an answer sota can use.
public struct SlurmError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The command, e.g. `sbatch`.
    public var command: String
    /// What went wrong, in Slurm's words when it gave some.
    public var reason: String

    /// Creates an error.
    public init(command: String, reason: String) {
        self.command = command
        self.reason = reason
    }

    /// `sbatch: <reason>`.
    public var description: String { "\(command): \(reason)" }
}
