import SotaSupport
import SotaConfig

/// A command-line value a run or sweep operation cannot use (a malformed `--set`, `--sweep` or `--gpus`): the
/// command reports it as a usage error, exit status 64.
package struct RunUsageError: Error, Sendable, CustomStringConvertible {
    /// The message, naming the flag or value.
    package var description: String

    /// Creates an error.
    package init(_ description: String) {
        self.description = description
    }

    /// A usage error from a located diagnostic: `location: message (hint)`.
    package init(_ diagnostic: Diagnostic, withHint: Bool) {
        description = "\(diagnostic.location.map { "\($0): " } ?? "")\(diagnostic.message)"
            + (withHint ? diagnostic.hint.map { " (\($0))" } ?? "" : "")
    }
}

/// Turns `--set` flags into overrides.
package enum RunOverrides {
    /// The overrides `assignments` state, failing on the first malformed one.
    package static func parse(_ assignments: [String]) throws(RunUsageError) -> [ConfigOverride] {
        var overrides: [ConfigOverride] = []
        for assignment in assignments {
            switch ConfigOverride.parse(assignment) {
            case .success(let override): overrides.append(override)
            case .failure(let error): throw RunUsageError(error.diagnostic, withHint: true)
            }
        }
        return overrides
    }
}
