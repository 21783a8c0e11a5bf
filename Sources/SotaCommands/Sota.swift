import ArgumentParser
import SotaSupport
import SotaIndex

/// The `sota` command: experiment lifecycle and gating for ML research teams.
package struct Sota: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "sota",
        abstract: "Validate, price, run, gate and file ML experiments.",
        discussion: """
        Start with the demo in this repository:
          sota validate config configs/train_burgers_golden.yaml
          sota validate data configs/train_burgers_golden.yaml
          sota dry-run configs/train_burgers_golden.yaml
          sota run --train-config configs/train_burgers_golden.yaml
          sota leaderboard
          sota experiment new longer-training --set training.epochs=40
          sota archive --list-only
          sota catalog > catalog.csv
          sota report --weekly

        Exit status: 0 success, 1 a check failed (invalid config, data mismatch, plan check), 2 a run's stage failed, 3 a gate rejected the run, 64 usage error, 70 internal error, 130 interrupted.

        Shell completions: sota --generate-completion-script bash|zsh|fish

        Every --json output is one JSON object with "schema_version": 1 (docs/json.md).
        """,
        version: SotaVersion.line,
        subcommands: [Validate.self, DryRun.self, RunCommand.self, TrainCommand.self, EvaluateCommand.self,
                      LeaderboardCommand.self, CompareCommand.self, IngestCommand.self, ExperimentCommand.self, PromoteCommand.self,
                      ArchiveCommand.self, CatalogCommand.self, ReportCommand.self, LaunchCommand.self, StatusCommand.self,
                      ResumeCommand.self, CancelCommand.self, SchemaCommand.self, InitCommand.self]
    )

    package init() {}

    /// Runs `sota` with `arguments` in `context` and returns the exit status, printing errors and help itself.
    ///
    /// Tests call this in-process; the executable calls it with the real process's context.
    package static func main(arguments: [String], context: CommandContext) -> Int32 {
        SQLiteSetup.configure()
        do {
            try OverrideOptions.checkStrayAssignments(arguments) { Paths.kind(of: context.absolute($0)) != .missing }
            if let unknown = unknownCommand(arguments) {
                context.console.err(unknown)
                return ExitStatus.usage
            }
            if arguments.first == "run", let options = RunOptions.fastParse(Array(arguments.dropFirst())) {
                return try options.run(in: context)
            }
            var command = try quickParse(arguments) ?? parseAsRoot(arguments)
            if let contextual = command as? any ContextualCommand {
                return try contextual.run(in: context)
            }
            try command.run()
            return ExitStatus.success
        } catch {
            let code = exitCode(for: error).rawValue
            let message = fullMessage(for: error)
            if !message.isEmpty {
                code == 0 ? context.console.out(message) : context.console.err(message)
            }
            return code
        }
    }
}

extension Sota {
    /// The message for a first argument that names no command (`sota leaderbord`), with the closest command; nil
    /// when it is a command, an option or absent. The full parser would say only "Unexpected argument".
    static func unknownCommand(_ arguments: [String]) -> String? {
        guard let name = arguments.first, !name.hasPrefix("-") else { return nil }
        let names = configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
        guard !names.contains(name) else { return nil }
        let suggestion = Suggestions.closest(to: name, in: names).map { "\n    hint: did you mean `sota \($0)`?" } ?? ""
        return "error: unknown command `\(name)`\(suggestion)\n`sota --help` lists the commands."
    }

    /// Parses `arguments` with only the named subcommand's tree, or returns nil to leave them to the full parser.
    ///
    /// Building the whole command tree reflects over every command's properties, a few milliseconds on each
    /// start. Parsing against the named subcommand alone gives the same command for a valid command line; help
    /// requests, completion scripts and every error go through the full parser, so their text names `sota`.
    /// `sota run`, which starts once per run, does not come here when ``RunOptions/fastParse(_:)`` reads its
    /// command line (see `main(arguments:context:)`).
    static func quickParse(_ arguments: [String]) -> (any ParsableCommand)? {
        guard let name = arguments.first,
              // Every subcommand names itself: deriving a name from the type would cost a reflection per command.
              let type = configuration.subcommands.first(where: { $0.configuration.commandName == name }),
              !arguments.contains(where: { $0 == "-h" || $0 == "--help" || $0 == "help" || $0.hasPrefix("--generate-completion") || $0 == "--experimental-dump-help" })
        else { return nil }
        return try? type.parseAsRoot(Array(arguments.dropFirst()))
    }
}

/// A command that runs against an explicit ``CommandContext`` and returns its exit status.
package protocol ContextualCommand: ParsableCommand {
    /// Does the command's work and returns the exit status.
    func run(in context: CommandContext) throws -> Int32
}

extension ContextualCommand {
    /// Runs in the live context; ArgumentParser calls this when the command is used outside ``Sota/main(arguments:context:)``.
    package func run() throws {
        let status = try run(in: .live())
        if status != 0 { throw ExitCode(status) }
    }
}

/// Options every command shares.
package struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The project root (default: the nearest folder with sota.yaml).", valueName: "dir"), completion: .directory)
    package var project: String?

    package init() {}
}

/// Options for commands that load configs.
package struct OverrideOptions: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a config value, e.g. --set training.epochs=40 (repeatable).", valueName: "key=value"))
    package var assignments: [String] = []

    package init() {}
}
