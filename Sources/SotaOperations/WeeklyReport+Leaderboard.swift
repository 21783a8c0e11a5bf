import FoundationEssentials
import SotaConfig
import SotaIndex
import SotaPlan
import SotaReport
import SotaRunRecord
import SotaSupport

extension WeeklyReport {
    /// Weeks of cost the chart shows, ending with the report's week.
    package static let costWeeks = 12

    /// The report's leaderboard, runs and series, read from `board`, with GPU time priced by `pricing`.
    ///
    /// The archive and catalog sections are left empty for the caller to fill. The best-over-time series stops at
    /// the period's end, so a report for a past week shows the progress up to that week; the leaderboard and the
    /// per-experiment bests are as the index stands now.
    package static func read(from board: Leaderboard, projectName: String, metric: Metric, period: Period, top: Int,
                     pricing: GPUPricing, generatedAt: Date) throws(LeaderboardError) -> WeeklyReport {
        let direction = metric.direction
        let ranked = try board.top(metric: metric.name, phase: metric.phase, direction: direction, limit: top)
        let details = try board.reportRuns(ids: ranked.map(\.runID), metric: metric.name, phase: metric.phase)
        let byID = Dictionary(details.map { ($0.runID, $0) }) { first, _ in first }
        let leaderboard = ranked.map { row in
            let run = byID[row.runID]
            return LeaderboardEntry(
                rank: row.rank, runID: row.runID, experiment: row.experiment, value: row.value, passed: row.passed,
                gpu: row.gpuType, gpuCount: run?.gpuCount ?? 1,
                cost: pricing.cost(gpuType: row.gpuType, gpuCount: run?.gpuCount ?? 1, seconds: row.totalSeconds),
                finished: date(run?.updated ?? row.created),
                parameters: row.parameters.mapValues { $0.text }, trackerURL: row.trackerURL
            )
        }

        let start = Timestamp.string(period.start), end = Timestamp.string(period.end)
        let finished = try board.finishedRuns(from: start, to: end, metric: metric.name, phase: metric.phase)
        let weekRuns = finished.map { run in
            WeekRun(runID: run.runID, experiment: run.experiment, status: run.status, started: date(run.created),
                    finished: date(run.updated), duration: run.totalSeconds,
                    cost: pricing.cost(gpuType: run.gpuType, gpuCount: run.gpuCount, seconds: run.totalSeconds),
                    value: run.value, passed: run.passed)
        }

        // The history series, kept current in the index: only days and experiments whose runs changed are read.
        let firstWeek = ISOWeek(containing: period.week.start.addingTimeInterval(-Double(costWeeks - 1) * 7 * 86_400))
        let series = try board.reportSeries(metric: metric.name, phase: metric.phase, direction: direction,
                                            gpuFrom: day(firstWeek.start), gpuTo: day(period.week.end))
        let days = series.days
            .map { DailyBest(day: date($0.day + "T00:00:00Z"), value: $0.value, runID: $0.runID) }
            .filter { $0.day < period.end }
        let experiments = series.experiments
            .map { ExperimentBest(experiment: $0.experiment, value: $0.value, runID: $0.runID, runs: $0.runs) }
        let usage = series.gpuDays
        let costs = costByWeek(usage, through: period.week, pricing: pricing)

        var notes: [String] = []
        let unpriced = Dictionary(grouping: finished.filter { pricing.cost(gpuType: $0.gpuType, gpuCount: $0.gpuCount, seconds: 0) == nil }) {
            $0.gpuType ?? ""
        }
        for (gpu, runs) in unpriced.sorted(by: { $0.key < $1.key }) {
            let count = "\(runs.count) run\(runs.count == 1 ? "" : "s") of this period"
            notes.append(pricing.table == nil
                ? "\(count) used GPU type `\(gpu)`, but there is no price table (\(pricing.tablePath)); their cost is unknown."
                : "\(count) used GPU type `\(gpu)`, which has no price in \(pricing.tablePath); their cost is left out.")
        }
        var report = WeeklyReport(
            projectName: projectName, metric: metric, period: period, generatedAt: generatedAt,
            currency: pricing.table?.currency ?? "USD", leaderboard: leaderboard, weekRuns: weekRuns,
            series: Series(bestByDay: days, bestByExperiment: experiments, costByWeek: costs),
            archiveCandidates: [], catalogSummary: [], notes: notes
        )
        report.curves = curves(of: leaderboard, from: try board.stepHistories(runIDs: leaderboard.prefix(curveRuns).map(\.runID)),
                               ranking: metric.name)
        return report
    }

    /// Runs whose step histories the report overlays: the leaderboard's best.
    package static let curveRuns = 5

    /// The curves of the best runs' histories: the ranking metric's when they logged it per step, and the loss; else
    /// the metric most of them logged. At most two charts, so a project logging dozens of metrics keeps a short report.
    static func curves(of leaderboard: [LeaderboardEntry], from histories: [String: StepHistory], ranking: String) -> [Curve] {
        let best = leaderboard.prefix(curveRuns).filter { histories[$0.runID]?.isEmpty == false }
        guard !best.isEmpty else { return [] }
        var counts: [String: Int] = [:]
        for entry in best { for name in histories[entry.runID]?.names ?? [] { counts[name, default: 0] += 1 } }
        var metrics = [ranking, "loss"].filter { counts[$0] != nil }
        if metrics.isEmpty, let common = counts.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key { metrics = [common] }
        return metrics.map { name in
            Curve(metric: name, lines: best.compactMap { entry in
                guard let points = histories[entry.runID]?.series[name], !points.isEmpty else { return nil }
                return Curve.Line(runID: entry.runID, rank: entry.rank, points: points.map { [Double($0.step), $0.value] })
            })
        }
    }

    /// GPU time priced and summed per ISO week, from the first week with any run through `last`, empty weeks included.
    package static func costByWeek(_ usage: [Leaderboard.GPUTime], through last: ISOWeek, pricing: GPUPricing) -> [WeeklyCost] {
        var weeks: [ISOWeek: WeeklyCost] = [:]
        for day in usage {
            let week = ISOWeek(containing: date(day.day + "T00:00:00Z"))
            var total = weeks[week] ?? WeeklyCost(week: week, cost: 0, runs: 0, unpricedRuns: 0)
            total.runs += day.runs
            if let cost = pricing.cost(gpuType: day.gpuType, gpuCount: 1, seconds: day.gpuSeconds) {
                total.cost += cost
            } else {
                total.unpricedRuns += day.runs
            }
            weeks[week] = total
        }
        guard var week = weeks.keys.min() else { return [] }
        var result: [WeeklyCost] = []
        while week <= last {
            result.append(weeks[week] ?? WeeklyCost(week: week, cost: 0, runs: 0, unpricedRuns: 0))
            week = week.next
        }
        return result
    }

    /// The UTC day of `date` as the index keys days: `2026-01-05`.
    private static func day(_ date: Date) -> String {
        String(Timestamp.string(date).prefix(10))
    }

    /// A manifest timestamp as a date; the index only holds timestamps sota wrote, so the fallback is never seen.
    private static func date(_ text: String) -> Date {
        Timestamp.date(text) ?? Date(timeIntervalSince1970: 0)
    }
}
