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
}
