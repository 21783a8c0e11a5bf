import Foundation
import SotaSupport
import SotaOperations
import SotaReport
import SotaTestSupport
import Testing

@Suite struct WeeklyReportOperationTests {
    private func request(_ project: OperationsProject, apply: Bool = false) -> WeeklyReportOperation.Request {
        .init(project: project.project, environment: [:], index: project.index, period: .init(start: project.now.addingTimeInterval(-7 * 86_400), end: project.now),
              metric: .init(name: "nrmse", phase: "full_eval", direction: .lower), top: 10, pricing: GPUPricing(table: nil, tablePath: "prices.yaml"),
              apply: apply, output: project.folder.url("out"), now: project.now)
    }

    @Test func withoutAnIndexTheReportSaysSoAndCreatesNone() throws {
        let project = try OperationsProject.standard()
        let result = try WeeklyReportOperation()(request(project))
        #expect(result.report.notes.contains { $0.hasPrefix("There is no leaderboard yet (.sota/leaderboard.sqlite)") })
        #expect(Paths.kind(of: project.index.path) == .missing, "a report never creates the index")
        #expect(result.report.archiveCandidates.map(\.experiment).sorted() == ["bad", "good"])
        let csv = try String(contentsOfFile: project.folder.url("out/catalog.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("path,location,") && csv.hasSuffix("\r\n"), "the one CSV writer: CRLF")
    }

    @Test func withAnIndexTheMaintenanceReadsItAndApplyArchives() throws {
        let project = try OperationsProject.standard()
        _ = try WorkspaceInspection()(.init(project: project.project, environment: [:], index: project.index, now: project.now, git: false))
        let listed = try WeeklyReportOperation()(request(project))
        #expect(listed.warnings.isEmpty && listed.moved.isEmpty && listed.report.leaderboard.first?.runID == "20260101-000000-00000002")
        let applied = try WeeklyReportOperation()(request(project, apply: true))
        #expect(applied.moved.map(\.name).sorted() == ["bad", "good"])
        #expect(applied.report.catalogSummary.filter { $0.location == "archived" }.count == 2)
        #expect(Paths.kind(of: project.folder.url("out/report.html")) == .file)
    }

    /// A week of runs, one with every character CSV quotes in its experiment's name.
    private func weekReport(runs count: Int) -> WeeklyReport {
        let start = Date(timeIntervalSince1970: 1_767_571_200)  // 2026-01-05, a Monday
        let runs = (0..<count).map { index -> WeeklyReport.WeekRun in
            let started = start.addingTimeInterval(Double(index) * 3600.5)
            let failed = index % 4 == 3
            let experiment = index == 1 ? "a, \"quoted\"\nname" : "exp-\(index % 3)"
            let value: Double? = failed ? nil : Double(index % 7) / 10 + 0.05
            let passed: Bool? = failed ? nil : index % 5 != 0
            return WeeklyReport.WeekRun(runID: "run-\(index)", experiment: experiment, status: failed ? "failed" : "succeeded", started: started,
                                        finished: started.addingTimeInterval(600), duration: 590.25, cost: index % 2 == 0 ? 1.5 : nil,
                                        value: value, passed: passed)
        }
        return WeeklyReport(projectName: "p", metric: .init(name: "nrmse", phase: "full_eval", direction: .lower),
                            period: .init(start: start, end: start.addingTimeInterval(7 * 86_400)), generatedAt: start, currency: "EUR",
                            leaderboard: [], weekRuns: runs, series: .init(), archiveCandidates: [], catalogSummary: [])
    }

    @Test func theWeeksRunsFileGolden() {
        let csv = weekReport(runs: 6).runsCSV()
        #expect(GoldenFile.mismatch(csv, "Tests/SotaOperationsTests/Golden/weekly_runs.csv") == nil)
        #expect(csv.hasPrefix("run_id,experiment,status,started,finished,gpu_seconds,cost_eur,full_eval.nrmse,passed\r\n"))
    }

    @Test func aBusyWeekShowsItsBestRunsAndPointsToTheFileOfAll() {
        let report = weekReport(runs: 400)
        let shown = report.shownWeekRuns(limit: WeeklyReportHTML.weekRunsShown)
        #expect(shown.count == WeeklyReportHTML.weekRunsShown)
        let values = shown.compactMap(\.value)
        #expect(values.count == shown.count && values == values.sorted(), "best first, lower is better")
        // Ties keep the period's order (the earlier run first).
        let firstTie = shown.filter { $0.value == values[0] }.map(\.runID)
        #expect(firstTie == report.weekRuns.filter { $0.value == values[0] }.prefix(firstTie.count).map(\.runID))
        let html = WeeklyReportHTML.render(report)
        #expect(html.contains("The 100 best by nrmse, best first; every run of the period is in <a href=\"runs.csv\">runs.csv</a>"))
        // The 100 rows, and the summary card naming the period's best run.
        #expect(html.components(separatedBy: "<span class=\"id\">run-").count - 1 == 101)
        #expect(html.contains(">400 runs</span>"))
        // Up to the limit, every run is listed in the period's order, as before.
        let quiet = weekReport(runs: 12)
        #expect(quiet.shownWeekRuns(limit: WeeklyReportHTML.weekRunsShown) == quiet.weekRuns)
        #expect(!WeeklyReportHTML.render(quiet).contains("runs.csv"))
    }

    @Test func theReportWritesEveryRunOfThePeriodBesideThePage() throws {
        let project = try OperationsProject.standard()
        _ = try WorkspaceInspection()(.init(project: project.project, environment: [:], index: project.index, now: project.now, git: false))
        let result = try WeeklyReportOperation()(request(project))
        let csv = try String(contentsOfFile: project.folder.url("out/runs.csv"), encoding: .utf8)
        #expect(csv.components(separatedBy: "\r\n").count - 2 == result.report.weekRuns.count)
        #expect(csv == result.report.runsCSV())
    }
}
