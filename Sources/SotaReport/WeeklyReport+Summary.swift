import FoundationEssentials
import SotaSupport

extension WeeklyReport {
    /// Runs of the period whose gates all passed.
    package var passedThisWeek: Int { weekRuns.count { $0.passed == true } }

    /// Runs of the period that a gate rejected, or that failed before gating.
    package var failedThisWeek: Int { weekRuns.count { $0.passed == false || ($0.passed == nil && $0.status == "failed") } }

    /// The period's best run by the metric; a tie goes to the run that finished first.
    package var bestThisWeek: WeekRun? {
        weekRuns.reduce(nil) { best, run in
            guard let value = run.value, value.isFinite else { return best }
            guard let best, let incumbent = best.value else { return run }
            return metric.isBetter(value, than: incumbent) ? run : best
        }
    }

    /// What the period's priced runs cost.
    package var costThisWeek: Double { weekRuns.compactMap(\.cost).reduce(0, +) }

    /// Runs of the period without a price for their GPU type.
    package var unpricedThisWeek: Int { weekRuns.count { $0.cost == nil } }

    /// The file beside `report.html` that lists every run of the period, which the page shows only the best of
    /// when there are more than ``WeeklyReportHTML/weekRunsShown``.
    package static let runsFileName = "runs.csv"

    /// The period's runs the page lists: all of them, oldest first, up to `limit`; beyond it the `limit` best by
    /// the metric, best first (a tie goes to the run that finished first), so thousands of runs stay one screen.
    package func shownWeekRuns(limit: Int) -> [WeekRun] {
        guard weekRuns.count > limit else { return weekRuns }
        let measured = weekRuns.enumerated().filter { $0.element.value?.isFinite == true }
        let ranked = measured.sorted { first, second in
            let (a, b) = (first.element.value ?? 0, second.element.value ?? 0)
            if a != b { return metric.isBetter(a, than: b) }
            return first.offset < second.offset
        }
        return ranked.prefix(limit).map(\.element)
    }

    /// The report as pretty JSON with sorted snake_case keys, `schema_version` among them, and ISO 8601 dates, for `--json`.
    ///
    /// Non-finite numbers (which the leaderboard never stores) are spelled `"NaN"`, `"inf"`, `"-inf"`.
    package func json() throws -> String {
        let encoder = JSONEncoder.forFiles()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "NaN")
        return String(decoding: try encoder.encode(VersionedReport(report: self)), as: UTF8.self)
    }
}

/// The weekly report with the `--json` contract's `schema_version` beside its own members (docs/json.md).
private struct VersionedReport: Encodable {
    var report: WeeklyReport

    private enum CodingKeys: String, CodingKey {
        // Spelled in camel case: the encoder converts every key to snake case.
        case schemaVersion
    }

    func encode(to encoder: any Encoder) throws {
        // Both keyed containers of one encoder fill the same object, so the version sits among the report's members.
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(JSONOutput.schemaVersion, forKey: .schemaVersion)
        try report.encode(to: encoder)
    }
}
