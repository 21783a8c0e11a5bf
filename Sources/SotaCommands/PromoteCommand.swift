import ArgumentParser
import FoundationEssentials
import SotaSupport
import SotaConfig
import SotaGit
import SotaIndex
import SotaPlan
import SotaWorkspace
import SotaOperations
import SotaRunRecord

/// `sota promote`: copy a gated config into production, record who and why, and undo it with `--rollback`.
struct PromoteCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Copy a config whose run passed its gates into production; --rollback undoes the last promotion.",
        discussion: """
        The config must have a run that passed every gate with exactly this config (the same canonical hash: comments and key order aside); --force promotes without one and records that it was forced. The production file is written atomically; a production config of the same experiment is replaced and kept in <production-dir>/.previous/, one of another experiment is never replaced. The promotion (who, when, which run, the config it replaced, the commit) is recorded in the leaderboard.

        Exit status: 0 promoted (or already in production), 1 refused, 64 usage error.

        Examples:
          sota promote experiments/2026-11-23-longer-training/config.yaml
          sota promote experiments/2026-11-23-longer-training/config.yaml \\
              --rename train_burgers_40epochs --commit
          sota promote --rollback train_burgers_40epochs
        """
    )

    @Argument(help: ArgumentHelp("The config to promote.", valueName: "config"), completion: CompletionCandidates.config)
    var config: String?

    @Option(help: ArgumentHelp("The production folder, inside the project.", valueName: "dir"), completion: .directory)
    var productionDir = "configs"

    @Option(help: ArgumentHelp("The production file name (default: the config's experiment name).", valueName: "name"))
    var rename: String?

    @Option(help: ArgumentHelp("Undo the last promotion to <production-dir>/<name>.yaml: restore the config it replaced.", valueName: "name"))
    var rollback: String?

    @Flag(help: "Promote even without a run that passed every gate (recorded as forced).")
    var force = false

    @Flag(help: "Index the project's run directories first, so runs copied from other machines count.")
    var updateLeaderboard = false

    @Flag(help: "Commit the production config with git (author from git config; the message names the run and its metrics).")
    var commit = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        switch (config, rollback) {
        case (nil, nil): throw ValidationError("give the config to promote, or --rollback NAME")
        case (.some, .some): throw ValidationError("--rollback takes no config: it restores what <production-dir>/NAME.yaml held before")
        case (nil, .some):
            if force || rename != nil || updateLeaderboard { throw ValidationError("--force, --rename and --update-leaderboard apply to a promotion, not to --rollback") }
        case (.some, nil): break
        }
    }

    func run(in context: CommandContext) throws -> Int32 {
        let (project, problems) = context.project(explicit: global.project, near: config)
        let console = context.console
        if problems.hasErrors {
            console.report(problems)
            return ExitStatus.checkFailed
        }
        let board: Leaderboard
        do {
            board = try LeaderboardIndex.open(project: project, environment: context.environment).board
        } catch {
            console.error("\(error)", hint: "move the file aside, or set SOTA_LEADERBOARD to another path")
            return ExitStatus.checkFailed
        }
        do {
            if let rollback {
                let result = try Rollback(project: project, board: board, environment: context.environment)(
                    Rollback.Request(name: rollback, productionDirectory: productionDir, commit: commit))
                Self.print(result, context: context)
                return ExitStatus.success
            }
            let path = context.absolute(config ?? "")
            let request = Promotion.Request(config: .file(path: path, display: context.display(path)), force: force, updateLeaderboard: updateLeaderboard,
                                            productionDirectory: productionDir, rename: rename, commit: commit)
            let result = try Promotion(project: project, board: board, environment: context.environment)(request) { progress in
                guard case .indexed(let count, let folder) = progress else { return }
                console.out("indexed \(count) run\(count == 1 ? "" : "s") from \(folder)/")
            }
            Self.print(result, context: context)
            return ExitStatus.success
        } catch {
            Self.report(error, console: console)
            return ExitStatus.checkFailed
        }
    }

    /// Says why nothing was promoted or rolled back.
    private static func report(_ error: any Error, console: Console) {
        switch error {
        case let invalid as Promotion.InvalidConfig:
            console.report(invalid.diagnostics.filter { $0.severity == .error })
            console.err("not promoted: \(invalid.display) is not a valid config")
        case let refusal as ConfigPromotion.Refusal: console.error(refusal.description, hint: refusal.hint)
        case let failure as GitCommitter.Failure: console.error("the commit was not made: \(failure)")
        default: console.error("\(error)")
        }
    }

    /// Says what a rollback did.
    private static func print(_ result: Rollback.Result, context: CommandContext) {
        let console = context.console
        console.out("rolled back \(result.productionPath): restored \(result.restored)" + (result.kept.map { "; the rolled-back config is kept in \($0)" } ?? ""))
        if let commitID = result.commitID { console.out("  committed \(commitID.prefix(12))") }
        if let metadata = result.metadataPath { console.out("  recorded in \(context.display(metadata))") }
    }

    /// Says what a promotion did; production and the records that could be written hold it, so a record that could
    /// not be written is a warning rather than an undo.
    private static func print(_ result: Promotion.Result, context: CommandContext) {
        let console = context.console, outcome = result.outcome, summary = result.metricSummary
        if outcome.unchanged { return console.out("\(outcome.destination) already holds this config; nothing to do") }
        for warning in result.warnings { console.warning("promoted, but \(warning)") }
        console.out("promoted \(result.config.displayPath) to \(outcome.destination)" + (result.runID.map { runID in
            " (run \(runID)\(summary.isEmpty ? "" : ", \(summary)"))" } ?? " (forced: no run passed every gate)"))
        if let previous = outcome.previous {
            console.out("  the config it replaced is kept in \(previous); undo with: sota promote --rollback \(Paths.lastComponent(of: outcome.destination).split(separator: ".").first ?? "")")
        }
        if let commitID = result.record?.gitCommit { console.out("  committed \(commitID.prefix(12))") }
        if let metadata = result.metadataPath { console.out("  recorded in \(context.display(metadata))") }
    }
}
