import ArgumentParser
import FoundationEssentials
import SotaSupport
import SotaConfig
import SotaIndex
import SotaReport
import SotaWorkspace
import SotaOperations

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
          sota report --weekly --metric accuracy --phase small_eval --json
        """
    )

    @Flag(help: "The weekly report (the only kind so far).")
    var weekly = false

    @Option(help: ArgumentHelp("The folder to write report.html, runs.csv and catalog.csv into (default: reports/YYYY-Www/ in the project).", valueName: "dir"), completion: .directory)
    var output: String?

    @Option(help: ArgumentHelp("The ISO week to report, by any day in it (2026-01-07) or by name (2026-W02); default: the last 7 days.",
                               valueName: "day"))
    var week: String?

    @Option(help: ArgumentHelp("The metric to rank and plot (default: the project's primary metric).", valueName: "name"), completion: CompletionCandidates.metrics)
    var metric: String?

    @Option(help: ArgumentHelp("The evaluation phase whose metric counts: full_eval or small_eval.", valueName: "phase"), completion: .list(OptionValues.phases))
    var phase: String = "full_eval"

    @Option(help: ArgumentHelp("Which way is better: lower or higher (default: as the project declares the metric).", valueName: "direction"), completion: .list(OptionValues.directions))
    var direction: String?

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
        if let direction, MetricDirection(rawValue: direction) == nil { throw ValidationError("--direction must be lower or higher") }
        try OptionValues.check(phase, flag: "--phase", among: OptionValues.phases)
        guard (1...1000).contains(top) else { throw ValidationError("--top must be between 1 and 1000") }
    }

    func run(in context: CommandContext) throws -> Int32 {
        let (project, problems) = context.project(explicit: global.project)
        if problems.hasErrors { return Standalone.report(problems, context) }
        let now = Date()
        let period = week.flatMap(ISOWeek.init(naming:)).map(WeeklyReport.Period.init(week:))
            ?? WeeklyReport.Period(start: now.addingTimeInterval(-7 * 86_400), end: now)
        let index = WorkspaceCommandSupport.index(project, context)
        let ranking = RankingMetric.resolve(metric: metric, direction: direction, phase: phase, project: project, context: context)
        if let note = ranking.note { context.console.warning(note) }
        let request = WeeklyReportOperation.Request(
            project: project, environment: context.environment, index: index, period: period,
            metric: .init(name: ranking.name, phase: phase, direction: ranking.direction), top: top, pricing: loadPricing(project: project, context: context),
            apply: apply, output: output.map(context.absolute), now: now
        )
        let result: WeeklyReportOperation.Result
        do {
            result = try WeeklyReportOperation()(request)
        } catch {
            context.console.error(error.description)
            return ExitStatus.checkFailed
        }
        WorkspaceCommandSupport.printNotes(recovered: result.recovered, warnings: result.warnings, context)
        for move in result.moved {
            // On standard error with --json, which keeps standard output for the JSON alone.
            let line = "archived \(move.from) -> \(move.to)"
            if json { context.console.err(line) } else { context.console.out(line) }
        }
        if json {
            context.console.out(try result.report.json())
            context.console.err("wrote \(context.display(result.file))")
        } else {
            context.console.out(summary(result.report))
            context.console.out("wrote \(context.display(result.file))")
        }
        return ExitStatus.success
    }

    /// The project's price table; problems with it are warnings, since the report is useful without costs.
    private func loadPricing(project: Project, context: CommandContext) -> GPUPricing {
        let path = project.resolve(project.pricesPath)
        var pricing = GPUPricing(table: nil, tablePath: context.display(path))
        guard Paths.kind(of: path) != .missing else { return pricing }
        let (table, diagnostics) = PriceTable.load(path: path, displayPath: context.display(path))
        context.console.report(diagnostics)
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
