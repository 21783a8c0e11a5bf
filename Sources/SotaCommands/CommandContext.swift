import FoundationEssentials
import SotaSupport
import SotaConfig

/// Everything one invocation needs from the outside world: output, environment and working directory.
///
/// Commands take it as a parameter, so tests run them in-process with a capturing console and a temporary folder.
package struct CommandContext: Sendable {
    /// Where output goes.
    package var console: Console
    /// The environment variables.
    package var environment: [String: String]
    /// The folder relative paths on the command line are relative to.
    package var workingDirectory: String

    /// Creates a context.
    package init(console: Console, environment: [String: String], workingDirectory: String) {
        self.console = console
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// The real process: standard streams, real environment, current directory.
    package static func live() -> CommandContext {
        let environment = ProcessEnvironment.current()
        return CommandContext(console: .standard(environment: environment), environment: environment,
                              workingDirectory: Paths.currentDirectory)
    }

    /// An absolute path for a path typed on the command line.
    package func absolute(_ path: String) -> String {
        Paths.absolute(path, relativeTo: workingDirectory)
    }

    /// A path as the user would type it from here: relative when inside the working directory.
    package func display(_ path: String) -> String {
        Paths.relative(path, to: workingDirectory)
    }

    /// The project: `--project`, else the nearest `sota.yaml` above the working directory or `near`, else the working directory.
    package func project(explicit: String?, near path: String? = nil) -> (Project, [Diagnostic]) {
        let root: String
        if let explicit {
            root = absolute(explicit)
        } else if let found = Project.locateRoot(from: workingDirectory) {
            root = found
        } else if let path, let found = Project.locateRoot(from: Paths.parent(of: absolute(path))) {
            root = found
        } else {
            root = workingDirectory
        }
        return Project.load(root: root, displayRoot: display(root))
    }
}
