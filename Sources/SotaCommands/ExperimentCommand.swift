import ArgumentParser
import FoundationEssentials
import SotaSupport
import SotaConfig
import SotaPlan
import SotaWorkspace
import SotaRunRecord
import SotaOperations

/// `sota experiment`: create, list, show and restore experiments.
struct ExperimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Create, list, show and restore experiments (experiments/YYYY-MM-DD-name/).",
        discussion: """
        An experiment is a folder holding config.yaml, notes.md and metadata.json. Its state is derived, never kept by hand: running, active, promoted, success, failed, stale or archived (see `sota experiment list --help`).

        Examples:
          sota experiment new longer-training --set training.epochs=40
          sota experiment list --status success
          sota experiment show longer-training --json
          sota experiment restore longer-training

        Exit status: 0 success, 1 refused or a folder could not be read (the message names it), 64 usage error.
        """,
        subcommands: [ExperimentNew.self, ExperimentList.self, ExperimentShow.self, ExperimentRestore.self]
    )
}

/// `sota experiment new NAME`.
struct ExperimentNew: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create experiments/<today>-NAME/ from a config, with overrides, notes and metadata.",
        discussion: """
        The config is the base config with the --set overrides applied and `experiment: NAME` set; it must validate, or nothing is created. notes.md lists the changes against the base config. Without --from, the base is the project's only training config in configs/.

        Examples:
          sota experiment new longer-training --set training.epochs=40
          sota experiment new big-batch --from configs/train_burgers_golden.yaml \\
              --set training.batch_size=128
        """
    )

    @Argument(help: ArgumentHelp("The experiment's name: letters, digits, -, _ and . (not first).", valueName: "name"))
    var name: String

    @Option(name: .customLong("from"), help: ArgumentHelp("The config to start from (default: the only training config in configs/).", valueName: "config"), completion: CompletionCandidates.config)
    var base: String?

    @OptionGroup var overrides: OverrideOptions
    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the new experiment as JSON.")
    var json = false

    func validate() throws {
        _ = try WorkspaceCommandSupport.name(name)
    }

    func run(in context: CommandContext) throws -> Int32 {
        let experiment = try WorkspaceCommandSupport.name(name)
        let sets = try OverrideParsing.parse(overrides.assignments)
        guard let workspace = WorkspaceCommandSupport.workspace(global, context) else { return ExitStatus.checkFailed }
        if let base, Paths.kind(of: context.absolute(base)) != .file {
            throw ValidationError("--from: no config file at \(base)")
        }
        let request = ExperimentCreation.Request(name: experiment, baseConfig: base.map(context.absolute), overrides: sets,
                                                 now: Date(), searchPath: context.environment["PATH"])
        let outcome: ExperimentCreation.Outcome
        do {
            outcome = try ExperimentCreation(workspace: workspace).create(request)
        } catch {
            return WorkspaceCommandSupport.report(error, context)
        }
        context.console.report(outcome.warnings)
        let folder = outcome.folder.display
        if json {
            context.console.out(JSONOutput.document([
                ("name", .string(outcome.metadata.name)),
                ("folder", .string(folder)),
                ("base_config", .string(outcome.metadata.baseConfig.path)),
                ("config_hash", .string(outcome.metadata.configHash)),
                ("changes", .array(outcome.changes.map { change in
                    .object([("key", .string(change.keyPath)), ("old", change.old.map(JSONValue.string) ?? .null),
                             ("new", change.new.map(JSONValue.string) ?? .null)])
                })),
            ]).rendered(pretty: true))
            return ExitStatus.success
        }
        let style = context.console.outStyle
        context.console.out("\(style.green("created")) \(folder)/")
        let count = outcome.changes.count
        context.console.out("  config.yaml    from \(outcome.metadata.baseConfig.path), \(count) change\(count == 1 ? "" : "s")\(count == 0 ? "" : ":")")
        for change in outcome.changes { context.console.out("                   \(change)") }
        context.console.out("  notes.md       write the hypothesis under \"## Hypothesis\"")
        context.console.out("  metadata.json  config sha256 \(outcome.metadata.configHash.prefix(12))")
        context.console.out("next: sota run --train-config \(folder)/config.yaml")
        return ExitStatus.success
    }
}

/// `sota experiment list`.
struct ExperimentList: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List experiments with their derived state and why.",
        discussion: """
        States, first match wins: archived (in experiments-archive/), running (a run in progress), promoted (a promotion recorded), active (restored within lifecycle.active_days, default 7), success (a finished run passed its gates), failed (runs finished, none passed), active (a run updated or the experiment created within lifecycle.active_days), stale (no activity for lifecycle.stale_days, default 30), else active. Activity is the newest of runs, edits to the folder's files and commits touching it.

        Examples:
          sota experiment list
          sota experiment list --status stale
          sota experiment list --json
        """
    )

    @Option(help: ArgumentHelp("Only experiments in this state.", valueName: "state"))
    var status: LifecycleState?

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run(in context: CommandContext) throws -> Int32 {
        let now = Date()
        guard let request = WorkspaceCommandSupport.request(global, context, now: now),
              let survey = WorkspaceCommandSupport.inspect(request, context)?.survey else { return ExitStatus.checkFailed }
        let broken = WorkspaceCommandSupport.warnAboutProblems(survey, context)
        let shown = survey.experiments.filter { status == nil || $0.decision.state == status }
        if json {
            context.console.out(JSONOutput.document([("experiments", .array(shown.map { WorkspaceCommandSupport.json($0) }))]).rendered(pretty: true))
        } else if shown.isEmpty {
            context.console.out(survey.experiments.isEmpty ? "no experiments yet: sota experiment new NAME" : "no \(status?.rawValue ?? "") experiments")
        } else {
            context.console.out(TextTable.render(header: ["name", "status", "runs", "best", "last activity", "why"], rows: shown.map { summary in
                [summary.name, WorkspaceCommandSupport.state(summary), String(summary.runCount),
                 WorkspaceCommandSupport.best(summary), WorkspaceCommandSupport.age(summary.lastActivity, now: now), WorkspaceCommandSupport.why(summary)]
            }))
        }
        return broken ? ExitStatus.checkFailed : ExitStatus.success
    }
}

extension LifecycleState: ExpressibleByArgument {}

/// `sota experiment show NAME`.
struct ExperimentShow: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one experiment: state and why, runs, best metric and its gates, hypothesis.",
        discussion: """
        Examples:
          sota experiment show longer-training
          sota experiment show longer-training --json
        """
    )

    @Argument(help: ArgumentHelp("The experiment's name.", valueName: "name"), completion: CompletionCandidates.experiments)
    var name: String

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        _ = try WorkspaceCommandSupport.name(name)
    }

    func run(in context: CommandContext) throws -> Int32 {
        let experiment = try WorkspaceCommandSupport.name(name)
        let now = Date()
        guard let request = WorkspaceCommandSupport.request(global, context, now: now, detailing: [experiment.text]),
              let inspection = WorkspaceCommandSupport.inspect(request, context) else { return ExitStatus.checkFailed }
        let survey = inspection.survey
        let summary: ExperimentSummary
        switch WorkspaceInspection.find(experiment, in: survey) {
        case .success(let found): summary = found
        case .failure(let error): return WorkspaceCommandSupport.report(error, context)
        }
        guard let metadata = summary.metadata, summary.isHealthy else {
            for other in summary.problems.dropFirst() { WorkspaceCommandSupport.report(other, context) }
            return summary.problems.first.map { WorkspaceCommandSupport.report($0, context) } ?? ExitStatus.checkFailed
        }
        let trails = inspection.trails(of: summary.runs)
        if json {
            context.console.out(JSONOutput.document(WorkspaceCommandSupport.json(summary, details: true, trails: trails), wrappingAs: "experiment")
                .rendered(pretty: true))
            return ExitStatus.success
        }
        let style = context.console.outStyle
        var lines = ["\(style.bold(summary.name))  \(summary.folder.display)/"]
        lines.append("status         \(summary.decision.state.rawValue): \(summary.decision.reason)")
        lines.append("created        \(metadata.created) from \(metadata.baseConfig.path)")
        if let from = metadata.restoredFrom { lines.append("restored       from \(from) at \(metadata.restoredAt ?? "?")") }
        lines.append("last activity  \(summary.lastActivity.map(Timestamp.string) ?? "—") (\(WorkspaceCommandSupport.age(summary.lastActivity, now: now)))")
        lines.append("hypothesis     \(WorkspaceCommandSupport.hypothesis(summary) ?? "(not written yet: notes.md, ## Hypothesis)")")
        if let best = summary.bestRun {
            lines.append("best           \(best.metric) \(NumberFormat.general(best.value, significant: 4)) in run \(best.run.id); gates \(RunRanking.gateOutcome(best.run))")
            if let url = trails[best.run.id]?.trackerURL { lines.append("tracker        \(url)") }
        } else {
            lines.append("best           — (no finished run)")
        }
        for promotion in metadata.promotions {
            lines.append("promoted       run \(promotion.runID) to \(promotion.destination) at \(promotion.at)\(promotion.forced ? " (forced)" : "")")
        }
        context.console.out(lines.joined(separator: "\n"))
        if summary.runs.isEmpty {
            context.console.out("runs           none yet: sota run --train-config \(summary.folder.display)/config.yaml")
        } else {
            context.console.out("")
            // The step history, when the runs wrote one: a sparkline of the metric they rank by (else the loss).
            let withHistory = summary.runs.contains { trails[$0.id]?.history.isEmpty == false }
            let preference = RankingPreference(project: inspection.workspace.project)
            let header = ["run", "status", "updated", "metric", "gates"] + (withHistory ? ["history"] : [])
            context.console.out(TextTable.render(header: header, rows: summary.runs.map { run in
                let ranking = preference.rankingMetric(of: run)
                let metric = ranking.flatMap { name in run.metrics[name].map { "\(name) \(NumberFormat.general($0, significant: 4))" } } ?? "—"
                let row = [run.id, run.status, Timestamp.string(run.updated), metric, RunRanking.gateOutcome(run)]
                guard withHistory else { return row }
                let trail = trails[run.id]
                return row + [trail.flatMap { trail in trail.followedMetric(preferring: ranking).flatMap { trail.sparkline($0) } } ?? "—"]
            }))
        }
        return ExitStatus.success
    }
}

/// `sota experiment restore NAME`.
struct ExperimentRestore: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Move an archived experiment back to experiments/<today>-NAME/, keeping its runs.",
        discussion: """
        The metadata records where it came from (restored_from); its runs stay linked by name. A restored experiment counts as active for lifecycle.active_days.

        Example:
          sota experiment restore longer-training
        """
    )

    @Argument(help: ArgumentHelp("The archived experiment's name.", valueName: "name"), completion: CompletionCandidates.archivedExperiments)
    var name: String

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        _ = try WorkspaceCommandSupport.name(name)
    }

    func run(in context: CommandContext) throws -> Int32 {
        let experiment = try WorkspaceCommandSupport.name(name)
        let now = Date()
        guard let request = WorkspaceCommandSupport.request(global, context, now: now, git: false, detailing: [experiment.text]),
              let inspection = WorkspaceCommandSupport.inspect(request, context) else { return ExitStatus.checkFailed }
        let workspace = inspection.workspace
        do throws(WorkspaceError) {
            let summary = try WorkspaceInspection.find(experiment, in: inspection.survey).get()
            guard summary.folder.location == .archived else {
                throw WorkspaceError.experimentExists(name: summary.name, folder: summary.folder.display)
            }
            if let problem = summary.problems.first { throw problem }
            let move = try ExperimentMover(workspace: workspace, environment: context.environment).restore(summary, now: now)
            context.console.out("\(context.console.outStyle.green("restored")) \(move.from) -> \(move.to)")
            return ExitStatus.success
        } catch {
            return WorkspaceCommandSupport.report(error, context)
        }
    }
}
