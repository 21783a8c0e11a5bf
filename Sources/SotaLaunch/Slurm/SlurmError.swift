/// Why a Slurm command did not give an answer sota can use.
package struct SlurmError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The command, e.g. `sbatch`.
    package var command: String
    /// What went wrong, in Slurm's words when it gave some.
    package var reason: String

    /// Creates an error.
    package init(command: String, reason: String) {
        self.command = command
        self.reason = reason
    }

    /// `sbatch: <reason>`.
    package var description: String { "\(command): \(reason)" }
}
