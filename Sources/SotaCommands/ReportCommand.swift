import ArgumentParser
import Foundation
import SotaSupport
import SotaConfig
import SotaIndex
import SotaReport
import SotaWorkspace

/// `sota report --weekly`: the weekly maintenance in one command, written as one self-contained HTML page.
struct ReportCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the weekly report: leaderboard, the week's runs, plots, archive candidates and catalog.",
        discussion: """
        Writes one self-contained HTML file (inline styles and SVG plots, no scripts, nothing fetched from the network) with summary cards, the best metric over time, the best metric by experiment, cost per ISO week, the leaderboard, the week's runs, what the weekly maintenance would archive, and the config catalog. Costs are GPU time × GPUs × the price table's price per GPU-hour. Times are UTC.

        The default period is the last 7 days; --week picks an ISO week (Monday to Sunday) by any day in it or by name. The default folder is reports/YYYY-Www/ in the project.

        Examples:
          sota report --weekly
          sota report --weekly --week 2026-01-07 --output /tmp/report
          sota report --weekly --metric nrmse --phase small_eval --json
        """
    )

    @Flag(help: "The weekly report (the only kind so far).")
    var weekly = false

    @Option(help: ArgumentHelp("The folder to write report.html into (default: reports/YYYY-Www/ in the project).", valueName: "dir"))
    var output: String?

    @Option(help: ArgumentHelp("The ISO week to report, by any day in it (2026-01-07) or by name (2026-W02); default: the last 7 days.",
                               valueName: "day"))
    var week: String?

    @Option(help: ArgumentHelp("The metric to rank and plot.", valueName: "name"))
    var metric: String = "nrmse"

    @Option(help: ArgumentHelp("The evaluation phase whose metric counts: full_eval or small_eval.", valueName: "phase"))
    var phase: String = "full_eval"

    @Option(help: ArgumentHelp("Which way is better: lower or higher.", valueName: "direction"))
    var direction: String = "lower"

    @Option(help: ArgumentHelp("How many leaderboard runs to show.", valueName: "n"))
    var top: Int = 10

    @Flag(help: "Archive the finished and stale experiments the report lists (sota archive --status all), instead of only listing them.")
    var apply = false

    @Flag(help: "Print the report as JSON (report.html is written all the same).")
    var json = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard weekly else { throw ValidationError("choose a report: --weekly") }
        if let week, ISOWeek(naming: week) == nil {
            throw ValidationError("--week must be a day like 2026-01-07 or a week like 2026-W02, got `\(week)`")
        }
        guard MetricDirection(rawValue: direction) != nil else { throw ValidationError("--direction must be lower or higher") }
        guard (1...1000).contains(top) else { throw ValidationError("--top must be between 1 and 1000") }
    }

    func run(in context: CommandContext) throws -> Int32 {
        let (project, problems) = context.project(explicit: global.project)
        if problems.hasErrors { return Standalone.report(problems, context) }
        let now = Date()
        let period = week.flatMap(ISOWeek.init(naming:)).map(WeeklyReport.Period.init(week:))
            ?? WeeklyReport.Period(start: now.addingTimeInterval(-7 * 86_400), end: now)

        let pricing = loadPricing(project: project, context: context)
        let boardPath = LeaderboardIndex.path(project: project, environment: context.environment)
        let indexExists = Paths.kind(of: boardPath) == .file
        var report: WeeklyReport
        do {
            // A report never creates the index: without one, it is a report of no runs.
            let board = indexExists ? try Leaderboard(path: boardPath) : try Leaderboard.inMemory()
            report = try WeeklyReport.read(
                from: board, projectName: project.name,
                metric: .init(name: metric, phase: phase, direction: .init(rawValue: direction)!),
                period: period, top: top, pricing: pricing, generatedAt: now
            )
        } catch {
            context.console.err("error: \(error)")
            return ExitStatus.checkFailed
        }
        if !indexExists {
            report.notes.append("There is no leaderboard yet (\(context.display(boardPath))): runs appear after `sota run` or `sota ingest`.")
        }
        let folder = output.map(context.absolute) ?? project.resolve(Paths.join("reports", period.week.label))
        let catalog: ConfigCatalog
        do {
            catalog = try maintain(&report, workspace: Workspace(project: project), now: now, context: context)
        } catch {
            context.console.err("error: \(error)")
            return ExitStatus.checkFailed
        }
        let file = Paths.join(folder, "report.html")
        do {
            // The default reports/ folder is sota's output, which git ignores (see OwnedFolder); --output is the user's.
            if output == nil { try OwnedFolder.prepare(project.resolve("reports"), display: "reports") }
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            context.console.err("error: cannot create the report folder \(context.display(folder)): \(error.localizedDescription)")
            return ExitStatus.checkFailed
        }
        do {
            try AtomicFile.write(WeeklyReportHTML.render(report), to: file)
            try AtomicFile.write(Array(catalog.csv().utf8), to: Paths.join(folder, "catalog.csv"))
        } catch {
            context.console.err("error: \(error)")
            return ExitStatus.checkFailed
        }
        if json {
            context.console.out(try report.json())
            context.console.err("wrote \(context.display(file))")
        } else {
            context.console.out(summary(report))
            context.console.out("wrote \(context.display(file))")
        }
        return ExitStatus.success
    }

    /// Why `--apply` archived nothing.
    private struct MaintenanceRefusal: Error, CustomStringConvertible {
        var description: String
    }

    /// The weekly maintenance: the experiments `sota archive --status all` would move (moved with `--apply`), then
    /// the catalog of every config as it stands afterwards.
    private func maintain(_ report: inout WeeklyReport, workspace: Workspace, now: Date, context: CommandContext) throws -> ConfigCatalog {
        // An archive or restore killed half-way is finished first, as every workspace command does.
        for line in try ExperimentMover(workspace: workspace, environment: context.environment).recover() {
            context.console.err("note: \(line)")
        }
        let survey = try WorkspaceSurvey.take(workspace, now: now)
        let broken = survey.experiments.filter { $0.folder.location == .active && !$0.isHealthy }
        for summary in broken {
            report.notes.append("\(summary.folder.display) cannot be read (\(summary.problems.first!)); fix it, then archive.")
        }
        let candidates = survey.experiments.filter {
            $0.folder.location == .active && $0.isHealthy && ArchiveCommand.Selection.all.states.contains($0.decision.state)
        }
        if apply, !candidates.isEmpty {
            guard broken.isEmpty else {
                throw MaintenanceRefusal(description: "nothing archived: fix or remove the unreadable experiments first (sota archive --list-only shows them)")
            }
            for move in try ExperimentMover(workspace: workspace, environment: context.environment).archive(candidates, now: now) {
                // On standard error with --json, which keeps standard output for the JSON alone.
                let line = "archived \(move.from) -> \(move.to)"
                if json { context.console.err(line) } else { context.console.out(line) }
            }
        }
        report.archiveCandidates = candidates.map {
            ArchiveCandidateRow(experiment: $0.name, status: $0.decision.state.rawValue, reason: $0.decision.reason,
                                lastActivity: $0.lastActivity, applied: apply)
        }
        let catalog = try ConfigCatalog.build(workspace, now: now)
        report.catalogSummary = catalog.rows.map {
            CatalogSummaryRow(location: $0.location, name: $0.name, status: $0.status, bestMetric: $0.bestValue, runs: $0.runs)
        }
        return catalog
    }

    /// The project's price table; problems with it are warnings, since the report is useful without costs.
    private func loadPricing(project: Project, context: CommandContext) -> GPUPricing {
        let path = project.resolve(project.pricesPath)
        var pricing = GPUPricing(table: nil, tablePath: context.display(path))
        guard Paths.kind(of: path) != .missing else { return pricing }
        let (table, diagnostics) = PriceTable.load(path: path, displayPath: context.display(path))
        let renderer = DiagnosticRenderer(style: context.console.errStyle)
        for diagnostic in diagnostics { context.console.err(renderer.render(diagnostic)) }
        pricing.table = table
        return pricing
    }

    /// A few lines for the terminal: the period, the runs, the best run, the cost and the maintenance sections.
    private func summary(_ report: WeeklyReport) -> String {
        let period = report.period
        let span = period.isoWeek.map { "\($0.label) (\(ReportFormat.longDay(period.start)) – \(ReportFormat.longDay(period.end.addingTimeInterval(-1))))" }
            ?? "\(ReportFormat.dateTime(period.start)) – \(ReportFormat.dateTime(period.end)) UTC"
        let runs = report.weekRuns.count
        var lines = ["Weekly report for \(report.projectName): \(span)"]
        lines.append("  runs     \(runs) finished, \(report.passedThisWeek) passed, \(report.failedThisWeek) failed")
        if let best = report.bestThisWeek, let value = best.value {
            lines.append("  best     \(ReportFormat.metric(value)) \(report.metric.phase) \(report.metric.name)  \(best.runID) (\(best.experiment))")
        } else {
            lines.append("  best     no run of the period measured \(report.metric.phase) \(report.metric.name)")
        }
        let unpriced = report.unpricedThisWeek
        lines.append("  cost     \(ReportFormat.money(report.costThisWeek, currency: report.currency))"
                     + (unpriced > 0 ? " (\(unpriced) run\(unpriced == 1 ? "" : "s") without a price)" : ""))
        let archive = report.archiveCandidates.count, plural = archive == 1 ? "" : "s"
        let applied = report.archiveCandidates.contains { $0.applied }
        lines.append("  archive  " + (archive == 0 ? "nothing to archive"
            : applied ? "archived \(archive) experiment\(plural) into experiments-archive/ (sota experiment restore NAME brings one back)"
            : "\(archive) experiment\(plural) to archive (--apply moves them into experiments-archive/)"))
        lines.append("  catalog  \(report.catalogSummary.count) config\(report.catalogSummary.count == 1 ? "" : "s")")
        for note in report.notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n")
    }
}
