import FoundationEssentials

/// The weekly report as one self-contained HTML page: inline style sheet, inline SVG charts, no scripts, and no
/// reference to anything outside the file, so it can be mailed, archived or opened offline.
///
/// Every piece of user text (experiment and run names, statuses, notes) is escaped.
package enum WeeklyReportHTML {
    /// The page for `report`.
    package static func render(_ report: WeeklyReport) -> String {
        let title = "\(report.projectName) — weekly report \(periodName(report.period))"
        var page = [
            "<!DOCTYPE html>",
            "<html lang=\"en\">",
            "<head>",
            "<meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<title>\(escape(title))</title>",
            "<style>\n\(styleSheet)\n</style>",
            "</head>",
            "<body>",
            "<main>",
        ]
        page += header(report)
        page += cards(report)
        if !report.notes.isEmpty {
            page += ["<ul class=\"notes\">"] + report.notes.map { "<li>\(escape($0))</li>" } + ["</ul>"]
        }
        page += charts(report)
        page += leaderboard(report)
        page += weekRuns(report)
        page += archive(report)
        page += catalog(report)
        page += [
            "<footer>Made by <code>sota report --weekly</code> at \(ReportFormat.dateTime(report.generatedAt)) UTC. "
                + "All times are UTC. This page is self-contained: no scripts, nothing loaded from the network.</footer>",
            "</main>",
            "</body>",
            "</html>",
        ]
        return page.joined(separator: "\n") + "\n"
    }

    /// The most runs of the period the page lists; more make the page slow to open and no easier to read.
    package static let weekRunsShown = 100

    /// The charts' drawing width: the page's content column, so they fill it and scale down with it.
    static let chartWidth = 960.0

    /// `2026-W02`, or `to 2026-01-12` for a period that is not an ISO week.
    static func periodName(_ period: WeeklyReport.Period) -> String {
        period.isoWeek?.label ?? "to \(ReportFormat.day(period.end))"
    }

    private static func header(_ report: WeeklyReport) -> [String] {
        let period = report.period
        let last = period.end.addingTimeInterval(-1)
        let span = period.isoWeek != nil
            ? "\(period.isoWeek!.label): \(ReportFormat.longDay(period.start)) – \(ReportFormat.longDay(last))"
            : "\(ReportFormat.dateTime(period.start)) – \(ReportFormat.dateTime(period.end)) UTC"
        return [
            "<header>",
            "<h1>\(escape(report.projectName)) <span class=\"kind\">weekly report</span></h1>",
            "<p class=\"meta\">\(escape(span)) · ranked by <strong>\(escape(report.metric.caption))</strong></p>",
            "</header>",
        ]
    }

    private static func cards(_ report: WeeklyReport) -> [String] {
        let runs = report.weekRuns.count
        let ungated = report.weekRuns.count { $0.passed == nil && $0.status != "failed" }
        let best = report.bestThisWeek
        let unpriced = report.unpricedThisWeek
        let experiments = Set(report.weekRuns.map(\.experiment)).count
        var bestDetail = best.map { "<span class=\"id\">\(escape($0.runID))</span> · \(escape($0.experiment))" } ?? "no run measured it"
        if let best, let leader = report.leaderboard.first {
            bestDetail += leader.runID == best.runID
                ? " · <span class=\"good\">new all-time best</span>"
                : " · all-time best \(escape(ReportFormat.metric(leader.value)))"
        }
        return [
            "<section class=\"cards\">",
            card("Runs this week", "\(runs)", runs == 0 ? "nothing finished" : "in \(experiments) experiment\(experiments == 1 ? "" : "s")"),
            card("Passed / failed",
                 "<span class=\"good\">\(report.passedThisWeek)</span> / <span class=\"bad\">\(report.failedThisWeek)</span>",
                 ungated == 0 ? "gates on \(escape(report.metric.phase))" : "\(ungated) not gated"),
            card("Best this week", best?.value.map { escape(ReportFormat.metric($0)) } ?? "—", bestDetail),
            card("Cost this week", escape(ReportFormat.money(report.costThisWeek, currency: report.currency)),
                 unpriced == 0 ? "GPU time × price per GPU-hour" : "\(unpriced) run\(unpriced == 1 ? "" : "s") without a price"),
            "</section>",
        ]
    }

    /// A summary card; `value` and `detail` are HTML, already escaped.
    private static func card(_ label: String, _ value: String, _ detail: String) -> String {
        "<div class=\"card\"><div class=\"label\">\(escape(label))</div><div class=\"value\">\(value)</div><div class=\"detail\">\(detail)</div></div>"
    }

    private static func charts(_ report: WeeklyReport) -> [String] {
        let metric = report.metric
        let valueLabel = "\(metric.phase) \(metric.name)"
        let overTime = SVGChart.bestOverTime(
            report.series.bestByDay.map { SVGChart.TimePoint(date: $0.day, value: $0.value, label: $0.runID) },
            title: "Best \(metric.name) over time", valueLabel: valueLabel, lowerIsBetter: metric.direction == .lower,
            width: chartWidth
        )
        let byExperiment = SVGChart.barChart(
            report.series.bestByExperiment.map {
                SVGChart.Bar(label: $0.experiment, value: $0.value,
                             detail: "\($0.experiment): \(ReportFormat.metric($0.value)) (\($0.runID), best of \($0.runs) run\($0.runs == 1 ? "" : "s"))")
            },
            title: "Best \(metric.name) by experiment", valueLabel: "\(valueLabel) (\(metric.direction.rawValue) is better)",
            width: chartWidth
        )
        var previousYear: Int?
        let weeks = report.series.costByWeek.map { week -> SVGChart.Bar in
            defer { previousYear = week.week.year }
            let detail = "\(week.week.label): \(ReportFormat.money(week.cost, currency: report.currency)), \(week.runs) run\(week.runs == 1 ? "" : "s")"
                + (week.unpricedRuns > 0 ? ", \(week.unpricedRuns) without a price" : "")
            return SVGChart.Bar(label: "W\(week.week.week < 10 ? "0" : "")\(week.week.week)",
                                sublabel: week.week.year != previousYear ? "\(week.week.year)" : nil, value: week.cost, detail: detail)
        }
        let cost = SVGChart.columns(weeks, title: "Cost per week", valueLabel: "cost (\(report.currency))",
                                    format: { ReportFormat.money($0, currency: report.currency) }, width: chartWidth)
        // The best runs' step histories, one chart per metric, overlaid.
        let curves = report.curves.map { curve in
            SVGChart.curves(curve.lines.map { line in
                SVGChart.CurveLine(label: "#\(line.rank) \(line.runID)",
                                   points: line.points.compactMap { $0.count == 2 ? (step: $0[0], value: $0[1]) : nil })
            }, title: "\(curve.metric) by step, best \(curve.lines.count) run\(curve.lines.count == 1 ? "" : "s")", valueLabel: curve.metric,
               width: chartWidth)
        }
        return ["<h2>Progress</h2>", "<div class=\"charts\">"]
            + ([overTime, byExperiment, cost] + curves).map { "<figure>\n\($0)</figure>" }
            + ["</div>"]
    }

    private static func leaderboard(_ report: WeeklyReport) -> [String] {
        guard !report.leaderboard.isEmpty else {
            return ["<h2>Leaderboard</h2>",
                    "<p class=\"empty\">No run has measured \(escape("\(report.metric.phase) \(report.metric.name)")) yet.</p>"]
        }
        var lines = ["<h2>Leaderboard <span class=\"count\">top \(report.leaderboard.count) of all time</span></h2>"]
        lines.append("<p class=\"lead\">Runs that finished in this report's period are marked <span class=\"tag\">new</span>.</p>")
        // The hyperparameters that differ among the ranked runs: what tells the leaders apart.
        let keys = Set(report.leaderboard.flatMap { $0.parameters.keys }).sorted().filter { key in
            let first = report.leaderboard.first?.parameters[key]
            return report.leaderboard.contains { $0.parameters[key] != first }
        }
        let rows = report.leaderboard.map { entry in
            let current = report.period.contains(entry.finished)
            let parameters = keys.compactMap { key in entry.parameters[key].map { "\(key)=\($0)" } }.joined(separator: " ")
            let gpu = entry.gpu.map { "\($0)\(entry.gpuCount > 1 ? " × \(entry.gpuCount)" : "")" } ?? "—"
            return (current, [
                Cell("\(entry.rank)", numeric: true),
                // A run with a tracker page links to it.
                Cell((entry.trackerURL.map { "<a class=\"id\" href=\"\(escape($0))\">\(escape(entry.runID))</a>" }
                        ?? "<span class=\"id\">\(escape(entry.runID))</span>") + (current ? "<span class=\"tag\">new</span>" : ""), style: "nowrap"),
                Cell(escape(entry.experiment), style: "text"),
                Cell(escape(ReportFormat.metric(entry.value)), numeric: true),
                Cell(gateBadge(entry.passed, status: nil)),
                Cell(escape(gpu), style: "nowrap"),
                Cell(escape(money(entry.cost, report)), numeric: true),
                Cell(escape(ReportFormat.dateTime(entry.finished)), style: "nowrap"),
            ] + (keys.isEmpty ? [] : [Cell(escape(parameters.isEmpty ? "—" : parameters), style: "text")]))
        }
        return lines + table(["#", "run", "experiment", report.metric.name, "gates", "GPU", "cost", "finished"] + (keys.isEmpty ? [] : ["parameters"]),
                             numeric: [0, 3, 6], rows: rows)
    }

    private static func weekRuns(_ report: WeeklyReport) -> [String] {
        let count = report.weekRuns.count
        var lines = ["<h2>This week's runs <span class=\"count\">\(count) run\(count == 1 ? "" : "s")</span></h2>"]
        guard count > 0 else { return lines + ["<p class=\"empty\">No run finished in this period.</p>"] }
        let shown = report.shownWeekRuns(limit: weekRunsShown)
        if shown.count < count {
            lines.append("<p class=\"lead\">The \(shown.count) best by \(escape(report.metric.name)), best first; every run of the period is in "
                         + "<a href=\"\(WeeklyReport.runsFileName)\">\(WeeklyReport.runsFileName)</a> beside this page.</p>")
        }
        let best = report.bestThisWeek?.runID
        let rows = shown.map { run in
            (false, [
                Cell("<span class=\"id\">\(escape(run.runID))</span>" + (run.runID == best ? "<span class=\"tag\">best</span>" : ""), style: "nowrap"),
                Cell(escape(run.experiment), style: "text"),
                Cell(statusBadge(run.status)),
                Cell(escape(ReportFormat.dateTime(run.started)), style: "nowrap"),
                Cell(escape(ReportFormat.duration(run.duration)), numeric: true),
                Cell(escape(money(run.cost, report)), numeric: true),
                Cell(escape(run.value.map(ReportFormat.metric) ?? "—"), numeric: true),
                Cell(gateBadge(run.passed, status: run.status)),
            ])
        }
        lines.append(contentsOf: table(["run", "experiment", "status", "started", "GPU time", "cost", report.metric.name, "gates"],
                                       numeric: [4, 5, 6], rows: rows))
        return lines
    }

    private static func archive(_ report: WeeklyReport) -> [String] {
        let candidates = report.archiveCandidates
        let applied = candidates.count(where: \.applied)
        var lines = ["<h2>Archive <span class=\"count\">\(candidates.count) experiment\(candidates.count == 1 ? "" : "s")</span></h2>"]
        guard !candidates.isEmpty else { return lines + ["<p class=\"empty\">Nothing to archive this week.</p>"] }
        lines.append(applied > 0
            ? "<p class=\"lead\">Moved \(applied) experiment\(applied == 1 ? "" : "s") to the archive.</p>"
            : "<p class=\"lead\">These would move to the archive; <code>sota report --weekly --apply</code> moves them.</p>")
        let rows = candidates.map { row in
            (false, [
                Cell(escape(row.experiment), style: "text"),
                Cell(statusBadge(row.status)),
                Cell(escape(row.reason), style: "text"),
                Cell(escape(row.lastActivity.map(ReportFormat.dateTime) ?? "—"), style: "nowrap"),
                Cell(row.applied ? "<span class=\"badge neutral\">archived</span>" : "<span class=\"badge warn\">would archive</span>"),
            ])
        }
        return lines + table(["experiment", "status", "reason", "last activity", "action"], numeric: [], rows: rows)
    }

    private static func catalog(_ report: WeeklyReport) -> [String] {
        let rows = report.catalogSummary
        var lines = ["<h2>Config catalog <span class=\"count\">\(rows.count) config\(rows.count == 1 ? "" : "s")</span></h2>"]
        guard !rows.isEmpty else { return lines + ["<p class=\"empty\">No configs catalogued.</p>"] }
        lines += table(["location", "name", "status", "best \(report.metric.name)", "runs"], numeric: [3, 4], rows: rows.map { row in
            (false, [
                Cell(escape(row.location), style: "nowrap"),
                Cell(escape(row.name), style: "text"),
                Cell(statusBadge(row.status)),
                Cell(escape(row.bestMetric.map(ReportFormat.metric) ?? "—"), numeric: true),
                Cell("\(row.runs)", numeric: true),
            ])
        })
        return lines
    }

    /// One table cell: `html` is already escaped.
    private struct Cell {
        var html: String
        var numeric = false
        var style: String?

        init(_ html: String, numeric: Bool = false, style: String? = nil) {
            self.html = html
            self.numeric = numeric
            self.style = style
        }
    }

    /// A table; each row says whether it belongs to the report's period (marked at its left edge).
    private static func table(_ headers: [String], numeric: Set<Int>, rows: [(Bool, [Cell])]) -> [String] {
        var lines = ["<div class=\"table-wrap\">", "<table>", "<thead><tr>"
            + headers.enumerated().map { "<th\(numeric.contains($0.offset) ? " class=\"num\"" : "")>\(escape($0.element))</th>" }.joined()
            + "</tr></thead>", "<tbody>"]
        for (current, cells) in rows {
            let classes = cells.map { cell -> String in
                let names = (cell.numeric ? ["num"] : []) + (cell.style.map { [$0] } ?? [])
                return names.isEmpty ? "<td>" : "<td class=\"\(names.joined(separator: " "))\">"
            }
            lines.append("<tr\(current ? " class=\"current\"" : "")>" + zip(classes, cells).map { "\($0)\($1.html)</td>" }.joined() + "</tr>")
        }
        return lines + ["</tbody>", "</table>", "</div>"]
    }

    private static func gateBadge(_ passed: Bool?, status: String?) -> String {
        switch passed {
        case true?: "<span class=\"badge good\">passed</span>"
        case false?: "<span class=\"badge bad\">rejected</span>"
        case nil: status == "failed" ? "<span class=\"badge bad\">not reached</span>" : "<span class=\"badge neutral\">not gated</span>"
        }
    }

    private static func statusBadge(_ status: String) -> String {
        let tone = switch status {
        case "succeeded", "success", "promoted", "production": "good"
        case "failed": "bad"
        case "rejected", "stale", "interrupted": "warn"
        default: "neutral"
        }
        return "<span class=\"badge \(tone)\">\(escape(status))</span>"
    }

    private static func money(_ amount: Double?, _ report: WeeklyReport) -> String {
        amount.map { ReportFormat.money($0, currency: report.currency) } ?? "—"
    }

    private static func escape(_ text: String) -> String { XMLText.escape(text) }
}
