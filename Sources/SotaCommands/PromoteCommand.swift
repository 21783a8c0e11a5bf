import ArgumentParser
import Foundation
import SotaSupport
import SotaConfig
import SotaGit
import SotaIndex
import SotaPlan
import SotaWorkspace
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
          sota promote experiments/2026-11-23-wider-latent/config.yaml
          sota promote experiments/2026-11-23-wider-latent/config.yaml --rename train_burgers_32dim --commit
          sota promote --rollback train_burgers_32dim
        """
    )

    @Argument(help: ArgumentHelp("The config to promote.", valueName: "config"))
    var config: String?

    @Option(help: ArgumentHelp("The production folder, inside the project.", valueName: "dir"))
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
        let renderer = DiagnosticRenderer(style: console.errStyle)
        if problems.hasErrors {
            for problem in problems { console.err(renderer.render(problem)) }
            return ExitStatus.checkFailed
        }
        func refuse(_ message: String, hint: String? = nil) -> Int32 {
            console.err(renderer.render(.error(at: nil, message, hint: hint)))
            return ExitStatus.checkFailed
        }
        let board: Leaderboard
        do {
            board = try LeaderboardIndex.open(project: project, environment: context.environment).board
        } catch {
            return refuse("\(error)", hint: "move the file aside, or set SOTA_LEADERBOARD to another path")
        }
        let who = GitCommitter.author(in: project.root) ?? context.environment["USER"] ?? "unknown"
        do {
            if let rollback { return try rollBack(rollback, project: project, board: board, who: who, context: context) }
            return try promote(project: project, board: board, who: who, context: context)
        } catch let refusal as ConfigPromotion.Refusal {
            return refuse(refusal.description, hint: refusal.hint)
        } catch let problem as WorkspaceError {
            return refuse("\(problem)")
        } catch let failure as GitCommitter.Failure {
            return refuse("the commit was not made: \(failure)")
        } catch {
            return refuse("\(error)")
        }
    }

    private func promote(project: Project, board: Leaderboard, who: String, context: CommandContext) throws -> Int32 {
        let console = context.console
        let path = context.absolute(config!)
        let loaded = ConfigLoader(project: project, searchPath: context.environment["PATH"]).load(path: path, displayPath: context.display(path))
        let renderer = DiagnosticRenderer(style: console.errStyle)
        for diagnostic in loaded.diagnostics where diagnostic.severity == .error { console.err(renderer.render(diagnostic)) }
        guard let runConfig = loaded.config, !loaded.diagnostics.hasErrors else {
            console.err("not promoted: \(context.display(path)) is not a valid config")
            return ExitStatus.checkFailed
        }
        guard runConfig.kind == .training else {
            throw ConfigPromotion.Refusal("\(runConfig.displayPath) is an evaluation config; promotion takes a training config")
        }
        if updateLeaderboard {
            let report = try board.ingest(runDirectories: [project.resolve(project.runsDirectory)])
            console.out("indexed \(report.ingested) run\(report.ingested == 1 ? "" : "s") from \(project.runsDirectory)/")
        }
        let passing = try board.passingRuns(configHash: runConfig.hash)
        guard passing.first != nil || force else {
            throw ConfigPromotion.Refusal(
                "no run of \(runConfig.displayPath) (config sha256 \(runConfig.hash.prefix(12))) passed every gate; it is not promoted",
                hint: "run it first (sota run --train-config \(runConfig.displayPath)), or promote anyway with --force (recorded as forced)")
        }
        let result = try Promotion(workspace: Workspace(project: project), board: board).promote(Promotion.Request(
            config: runConfig, runID: passing.first, productionDirectory: productionDir, rename: rename, promotedBy: who, commit: commit
        ))
        let outcome = result.outcome, runID = passing.first ?? "", summary = result.metricSummary
        if outcome.unchanged {
            console.out("\(outcome.destination) already holds this config; nothing to do")
            return ExitStatus.success
        }
        // Production and the records that could be written hold the promotion; say what is missing rather than undo it.
        for warning in result.warnings { console.err("warning: promoted, but \(warning)") }
        console.out("promoted \(runConfig.displayPath) to \(outcome.destination)"
                    + (runID.isEmpty ? " (forced: no run passed every gate)" : " (run \(runID)\(summary.isEmpty ? "" : ", \(summary)"))"))
        if let previous = outcome.previous { console.out("  the config it replaced is kept in \(previous); undo with: sota promote --rollback \(Paths.lastComponent(of: outcome.destination).split(separator: ".").first ?? "")") }
        if let commitID = result.record?.gitCommit { console.out("  committed \(commitID.prefix(12))") }
        if let metadata = result.metadataPath { console.out("  recorded in \(context.display(metadata))") }
        return ExitStatus.success
    }

    private func rollBack(_ name: String, project: Project, board: Leaderboard, who: String, context: CommandContext) throws -> Int32 {
        let file = try ConfigPromotion.fileName(for: name)
        let folder = try ConfigPromotion.productionFolder(productionDir, project: project)
        let productionPath = Paths.relative(Paths.join(folder, file), to: project.root)
        guard let last = try board.promotions(productionPath: productionPath).first(where: \.isCurrent) else {
            throw ConfigPromotion.Refusal("no promotion to \(productionPath) is recorded (or every one was rolled back already)",
                                          hint: "see the history with: sota experiment show NAME")
        }
        guard let previous = last.previousPath else {
            throw ConfigPromotion.Refusal("\(productionPath) had no production config before run \(last.runID)'s promotion, so there is nothing to restore",
                                          hint: "to retire it, delete \(productionPath) yourself")
        }
        if commit { _ = try GitCommitter().preflight(in: project.root) }
        let kept = try ConfigPromotion.rollback(productionPath: productionPath, previous: previous, project: project)
        var commitID: String?
        if commit {
            commitID = try GitCommitter().commit(files: [project.resolve(productionPath)],
                                                 message: "Roll back \(productionPath) to the config before run \(last.runID)\n\nRestored from: \(previous)\n",
                                                 in: project.root).id
        }
        let time = Timestamp.string(Date())
        try board.markPromotionRolledBack(id: last.id, at: time, by: who)
        try Promotion(workspace: Workspace(project: project), board: board).history(of: productionPath)
            .markRolledBack(destination: productionPath, promotedAt: last.promotedAt, at: time, by: who)
        let metadata = try Workspace(project: project).recordRollback(destination: productionPath, promotedAt: last.promotedAt,
                                                                      configPath: project.resolve(last.configPath), at: time)
        context.console.out("rolled back \(productionPath): restored \(previous)" + (kept.map { "; the rolled-back config is kept in \($0)" } ?? ""))
        if let commitID { context.console.out("  committed \(commitID.prefix(12))") }
        if let metadata { context.console.out("  recorded in \(context.display(metadata))") }
        return ExitStatus.success
    }
}
