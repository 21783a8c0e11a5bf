import ArgumentParser
import FoundationEssentials
import SotaSupport
import SotaConfig
import SotaIndex
import SotaPlan
import SotaWorkspace
import SotaRunRecord

/// `sota leaderboard`: ranked runs from the SQLite index; `--rebuild` recreates it from the run directories.
struct LeaderboardCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "leaderboard",
        abstract: "Rank runs by a metric; rebuild the index from run directories.",
        discussion: """
        The leaderboard is an index of the run directories (runs/<id>/manifest.json), kept in SQLite at .sota/leaderboard.sqlite (or $SOTA_LEADERBOARD). `--rebuild` recreates it from the files, which are the truth.

        Examples:
          sota leaderboard
          sota leaderboard --metric accuracy --direction higher --top 20
          sota leaderboard --csv > leaderboard.csv
          sota leaderboard --rebuild
        """
    )

    @Option(help: ArgumentHelp("The metric to rank by (default: the project's primary metric).", valueName: "name"), completion: CompletionCandidates.metrics)
    var metric: String?

    @Option(help: ArgumentHelp("The evaluation phase whose metric ranks: full_eval or small_eval.", valueName: "phase"), completion: .list(OptionValues.phases))
    var phase: String = "full_eval"

    @Option(help: ArgumentHelp("Which way is better: lower or higher (default: as the project declares the metric).", valueName: "direction"), completion: .list(OptionValues.directions))
    var direction: String?

    @Option(help: ArgumentHelp("How many runs to show.", valueName: "n"))
    var top: Int = 10

    @Option(help: ArgumentHelp("Only this experiment's runs.", valueName: "name"), completion: CompletionCandidates.experiments)
    var experiment: String?

    @Option(name: .customLong("where"), help: ArgumentHelp(
        "Only runs whose hyperparameters and metrics meet these conditions, joined by `and`: 'optimizer.lr < 1e-3 and model.depth = 4'. A declared metric (or metrics.NAME) is a metric of the phase; any other name a hyperparameter.",
        valueName: "conditions"))
    var conditions: String?

    @Option(help: ArgumentHelp("Hyperparameter columns to show, comma-separated key paths (default: those that vary among the rows shown).",
                               valueName: "keys"))
    var columns: String?

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Print RFC 4180 CSV.")
    var csv = false

    @Flag(help: "Recreate the index from every run directory, then rank.")
    var rebuild = false

    @Flag(help: "Print SQLite's query plan for this ranking (EXPLAIN QUERY PLAN) instead of the ranking.")
    var explain = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (1...Leaderboard.maximumLimit).contains(top) else { throw ValidationError("--top must be between 1 and \(Leaderboard.maximumLimit)") }
        if let direction, MetricDirection(rawValue: direction) == nil { throw ValidationError("--direction must be lower or higher") }
        try OptionValues.check(phase, flag: "--phase", among: OptionValues.phases)
        if json, csv { throw ValidationError("choose one of --json and --csv") }
    }

    func run(in context: CommandContext) throws -> Int32 {
        let (project, problems) = context.project(explicit: global.project)
        if problems.hasErrors { return Standalone.report(problems, context) }
        let format: LeaderboardOutput.Format = json ? .json : csv ? .csv : .text
        let ranking = RankingMetric.resolve(metric: metric, direction: direction, phase: phase, project: project, context: context)
        if let note = ranking.note { context.console.warning(note) }
        let metric = ranking.name, order = ranking.direction
        var filter: LeaderboardFilter?
        if let conditions {
            do {
                filter = try LeaderboardFilter(parsing: conditions, metrics: Set(project.metrics.map(\.name) + [metric]))
            } catch {
                context.console.error(error.message, at: SourceLocation(file: "--where"))
                return ExitStatus.usage
            }
        }
        let chosen = columns.map { $0.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty } }
        func parameterColumns(_ rows: [LeaderboardRow]) -> [String] { chosen ?? LeaderboardOutput.varyingParameters(rows) }
        // A current index answers through the raw reader; an empty answer goes the full way, which also tells an
        // index that lost its runs from a project that has none.
        if explain {
            do {
                let board = try LeaderboardIndex.board(project: project, environment: context.environment)
                for line in try board.topQueryPlan(metric: metric, phase: phase, direction: order, limit: top, experiment: experiment,
                                                   conditions: filter) {
                    context.console.out(line)
                }
            } catch {
                context.console.error("\(error)")
                return ExitStatus.checkFailed
            }
            return ExitStatus.success
        }
        if !rebuild,
           let rows = LeaderboardReader.top(path: LeaderboardIndex.path(project: project, environment: context.environment), plan: { count in
               LeaderboardTopQuery.choosingPlan(metric: metric, phase: phase, direction: order, limit: top, experiment: experiment,
                                                conditions: filter, count: count)
           }),
           !rows.isEmpty {
            context.console.out(LeaderboardOutput.render(rows, format: format, metric: metric, phase: phase, experiment: experiment,
                                                         unindexedRuns: nil, parameters: parameterColumns(rows)), terminator: "")
            return ExitStatus.success
        }
        let board: Leaderboard
        do {
            board = try LeaderboardIndex.board(project: project, environment: context.environment)
        } catch {
            context.console.error("\(error)")
            return ExitStatus.checkFailed
        }
        if rebuild {
            // Promotions are rebuilt from the files too: production folders' histories and experiments' metadata.
            let (promotions, unreadable) = Workspace(project: project).recordedPromotions()
            let report = try board.rebuild(runDirectories: [project.resolve(project.runsDirectory)], promotions: promotions)
            for problem in report.problems { context.console.warning("\(problem)") }
            for problem in unreadable { context.console.warning("\(problem)") }
            context.console.err("rebuilt the leaderboard from \(report.ingested) run\(report.ingested == 1 ? "" : "s") in \(project.runsDirectory)/"
                                + (report.promotionsAdded == 0 ? "" : " and \(report.promotionsAdded) promotion\(report.promotionsAdded == 1 ? "" : "s") from the production history"))
        }
        let rows = try board.top(metric: metric, phase: phase, direction: order, limit: top, experiment: experiment, conditions: filter)
        // An index deleted (or pointed elsewhere) while runs/ is full would otherwise say there are no runs yet.
        var unindexed: String?
        if rows.isEmpty, format == .text, try board.runCount() == 0, RunDirectoryScanner.holdsFolders(project.resolve(project.runsDirectory)) {
            unindexed = project.runsDirectory
        }
        context.console.out(LeaderboardOutput.render(rows, format: format, metric: metric, phase: phase, experiment: experiment,
                                                     unindexedRuns: unindexed, parameters: parameterColumns(rows), conditions: conditions),
                            terminator: "")
        return ExitStatus.success
    }
}

/// `sota ingest DIR...`: adds run directories (from this machine, a cloud instance or a cluster) to the leaderboard.
struct IngestCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Add run directories to the leaderboard (idempotent by run id).",
        discussion: """
        Each argument is a run directory (holding manifest.json) or a folder of run directories. Runs already indexed are replaced, so ingesting twice changes nothing.

        Examples:
          sota ingest runs/
          sota ingest ~/results-from-cluster/20261123-141503-9f3a2b1c
        """
    )

    @Argument(help: ArgumentHelp("Run directories, or folders holding them.", valueName: "dir"), completion: .directory)
    var directories: [String]

    @OptionGroup var global: GlobalOptions

    func run(in context: CommandContext) throws -> Int32 {
        let (project, problems) = context.project(explicit: global.project)
        if problems.hasErrors { return Standalone.report(problems, context) }
        do {
            let board = try LeaderboardIndex.board(project: project, environment: context.environment)
            let report = try board.ingest(runDirectories: directories.map(context.absolute))
            for problem in report.problems { context.console.error("\(problem)") }
            context.console.out("ingested \(report.ingested) run\(report.ingested == 1 ? "" : "s")"
                                + (report.problems.isEmpty ? "" : "; \(report.problems.count) could not be read"))
            return report.problems.isEmpty ? ExitStatus.success : ExitStatus.checkFailed
        } catch {
            context.console.error("\(error)")
            return ExitStatus.checkFailed
        }
    }
}

