import Foundation
import SotaSupport
import SotaRunRecord
import SotaPlan
import SotaIndex
import SotaTestSupport
import SotaWorkspace
import Testing

/// The index's mirror of the runs folder gives the same survey and catalog as reading every manifest, before and
/// after changes made behind sota's back.
@Suite struct RunFolderIndexTests {
    /// A project with experiments in every state and runs of every kind: passed, rejected, failed, pending, a
    /// `running` one whose sota is gone, runs of a production config, a damaged manifest and a folder without one.
    private func project() throws -> WorkspaceFixture {
        let fixture = WorkspaceFixture()
        for name in ["good", "bad", "mixed", "fresh", "old"] { try fixture.experiment(name) }
        try fixture.run("20260101-000000-00000001", experiment: "good", nrmse: 0.3, passed: false, daysAgo: 3)
        try fixture.run("20260101-000000-00000002", experiment: "good", nrmse: 0.05, passed: true, daysAgo: 2)
        try fixture.run("20260101-000000-00000003", experiment: "good", nrmse: 0.05, passed: true, daysAgo: 1)
        try fixture.run("20260101-000000-00000004", experiment: "bad", nrmse: 0.4, passed: false, daysAgo: 5)
        try fixture.run("20260101-000000-00000005", experiment: "bad", nrmse: 0.5, passed: false, status: .failed, daysAgo: 4)
        try fixture.run("20260101-000000-00000006", experiment: "mixed", nrmse: 0.2, passed: true, status: .running, daysAgo: 1)
        try fixture.run("20260101-000000-00000007", experiment: "mixed", nrmse: 0.1, passed: false, status: .pending, daysAgo: 0.5)
        try fixture.run("20260101-000000-00000008", experiment: "old", nrmse: 0.2, passed: true, daysAgo: 40)
        try fixture.run("20260101-000000-00000009", experiment: "gone", nrmse: 0.2, passed: true, daysAgo: 1)
        try fixture.run("20260101-000000-00000010", experiment: "good", nrmse: 0.1, passed: true, daysAgo: 1, config: "configs/train_burgers_golden.yaml")
        fixture.folder.write("runs/20260101-000000-00000011/manifest.json", "{ not json")
        fixture.folder.write("runs/20260101-000000-00000012/stdout.log", "no manifest here\n")
        return fixture
    }

    /// The index of `fixture`, its stamps trusted (as if read a minute after the files were written).
    private func index(_ fixture: WorkspaceFixture) throws -> RunFolderIndex {
        let board = try Leaderboard(path: fixture.folder.url(".sota/leaderboard.sqlite"))
        return RunFolderIndex(board: board, runsFolder: fixture.folder.url("runs"), display: "runs", now: Date().addingTimeInterval(60))
    }

    /// Everything the commands show of a survey, as comparable text.
    private func shown(_ survey: WorkspaceSurvey, details: Bool = false) -> [String] {
        survey.experiments.map { summary in
            var fields = [summary.folder.display, summary.decision.state.rawValue, summary.decision.reason, String(summary.runCount),
                          summary.lastActivity.map(Timestamp.string) ?? "-", summary.problems.map(\.description).joined(separator: ";"),
                          summary.bestRun.map { "\($0.run.id) \($0.metric) \($0.value) \(RunRanking.gateOutcome($0.run))" } ?? "-",
                          summary.runs.filter { $0.outcome == .inProgress }.map(\.id).joined(separator: ",")]
            if details {
                fields += summary.runs.map { "\($0.id) \($0.status) \($0.updated.timeIntervalSinceReferenceDate) \($0.metrics) \($0.gates.count)" }
                fields += summary.bestMetrics.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.value)@\($0.value.runID)" }
            }
            return fields.joined(separator: " | ")
        }
    }

    /// Asserts that the index gives what the folders give: survey, detailed survey and catalog.
    private func expectParity(_ fixture: WorkspaceFixture, _ index: RunFolderIndex, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let workspace = fixture.workspace, now = fixture.now
        let scanned = try WorkspaceSurvey.take(workspace, now: now, git: false)
        let indexed = try WorkspaceSurvey.take(workspace, now: now, git: false, runs: .index(index, detailing: []))
        #expect(indexed.indexProblem == nil, sourceLocation: sourceLocation)
        #expect(shown(indexed) == shown(scanned), sourceLocation: sourceLocation)
        let names = Set(scanned.experiments.map(\.name))
        let detailed = try WorkspaceSurvey.take(workspace, now: now, git: false, runs: .index(index, detailing: names))
        #expect(shown(detailed, details: true) == shown(scanned, details: true), sourceLocation: sourceLocation)
        #expect(detailed.experiments.allSatisfy(\.hasAllRuns) && !indexed.experiments.contains { $0.hasAllRuns && $0.runCount > 0 })
        let catalog = try ConfigCatalog.build(workspace, now: now, git: false)
        let indexedCatalog = try ConfigCatalog.build(workspace, now: now, git: false, runs: .index(index, detailing: []))
        #expect(indexedCatalog.rows == catalog.rows && indexedCatalog.problems == catalog.problems, sourceLocation: sourceLocation)
    }

    @Test func theIndexGivesTheSameSurveyAndCatalogAsTheFolders() throws {
        let fixture = try project()
        let index = try index(fixture)
        try expectParity(fixture, index)
        let survey = try WorkspaceSurvey.take(fixture.workspace, now: fixture.now, git: false, runs: .index(index, detailing: []))
        let states = Dictionary(uniqueKeysWithValues: survey.experiments.map { ($0.name, $0.decision.state) })
        #expect(states == ["good": .success, "bad": .failed, "mixed": .active, "fresh": .active, "old": .success])
        let catalog = try ConfigCatalog.build(fixture.workspace, now: fixture.now, git: false, runs: .index(index, detailing: []))
        #expect(catalog.rows.first { $0.location == "production" }?.runs == 1, "runs of a production config are counted by its path")
    }

    @Test func aChangedMetricDeclarationReRanksTheSummaries() throws {
        let fixture = try project()
        var index = try index(fixture)
        func best(_ experiment: String) throws -> String? {
            let survey = try WorkspaceSurvey.take(fixture.workspace, now: fixture.now, git: false, runs: .index(index, detailing: []))
            return survey.experiments.first { $0.name == experiment }?.bestRun?.run.id
        }
        // `good`'s runs measured nrmse 0.3, 0.05, 0.05 and 0.1: its gates say lower is better (the earlier 0.05 leads);
        // declared higher-is-better, the 0.3 leads.
        #expect(try best("good") == "20260101-000000-00000002")
        index.preference = RankingPreference(primary: "nrmse", directions: ["nrmse": .higher])
        #expect(try best("good") == "20260101-000000-00000001")
        #expect(try index.refresh() == RunFolderIndex.Refresh(read: 0, removed: 0), "re-ranked once, then kept")
    }

    @Test func anUnchangedRunsFolderIsNotReadAgain() throws {
        let fixture = try project()
        let index = try index(fixture)
        let first = try index.refresh()
        #expect(first.read == 11, "every entry with a manifest, the damaged one included")
        #expect(try index.refresh() == RunFolderIndex.Refresh(read: 0, removed: 0))
    }

    @Test func changesBehindSotasBackShowOnTheNextCommand() throws {
        let fixture = try project()
        let index = try index(fixture)
        try index.refresh()
        // A run copied in from a cluster, an unfinished run's manifest edited in place (as a resumed run's is), one
        // deleted, a damaged one repaired.
        try fixture.run("20260101-000000-00000020", experiment: "fresh", nrmse: 0.01, passed: true, daysAgo: 0.2)
        let edited = fixture.folder.url("runs/20260101-000000-00000005/manifest.json")
        let text = try String(contentsOfFile: edited, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\"status\" : \"failed\"", with: "\"status\" : \"running\"").utf8).write(to: URL(fileURLWithPath: edited))
        try FileManager.default.removeItem(atPath: fixture.folder.url("runs/20260101-000000-00000008"))
        try fixture.run("20260101-000000-00000011", experiment: "old", nrmse: 0.3, passed: false, daysAgo: 2)
        try expectParity(fixture, index)
        let survey = try WorkspaceSurvey.take(fixture.workspace, now: fixture.now, git: false, runs: .index(index, detailing: []))
        #expect(survey.experiments.first { $0.name == "fresh" }?.decision.state == .success)
        #expect(survey.experiments.first { $0.name == "old" }?.decision.state == .failed)
    }

    @Test func aRunInProgressIsSeenThroughItsLock() throws {
        let fixture = try project()
        let index = try index(fixture)
        try index.refresh()
        var lock: RunDirectoryLock? = try RunDirectoryLock(runDirectory: fixture.folder.url("runs/20260101-000000-00000006"), lockingTheDirectory: false)
        let survey = try WorkspaceSurvey.take(fixture.workspace, now: fixture.now, git: false, runs: .index(index, detailing: []))
        #expect(survey.experiments.first { $0.name == "mixed" }?.decision == LifecycleDecision(.running, "run 20260101-000000-00000006 is in progress"))
        try expectParity(fixture, index)
        lock = nil
        _ = lock
        #expect(try WorkspaceSurvey.take(fixture.workspace, now: fixture.now, git: false, runs: .index(index, detailing: []))
            .experiments.first { $0.name == "mixed" }?.decision.state == .active)
    }

    @Test func aRebuildClearsTheMirrorAndTheNextSurveyRefillsIt() throws {
        let fixture = try project()
        let index = try index(fixture)
        try index.refresh()
        // A finished run's manifest, which sota never rewrites, edited by hand: `sota leaderboard --rebuild` shows it.
        fixture.folder.write("runs/20260101-000000-00000002/manifest.json", "[]")
        _ = try index.board.rebuild(runDirectories: [fixture.folder.url("runs")])
        #expect(try index.board.runFolderNames().isEmpty)
        #expect(try index.refresh().read == 11)
        try expectParity(fixture, index)
    }

    @Test func aRunsFolderMovedElsewhereIsMirroredAfresh() throws {
        let fixture = try project()
        let index = try index(fixture)
        try index.refresh()
        let other = TemporaryDirectory()
        let elsewhere = RunFolderIndex(board: index.board, runsFolder: other.path, display: "runs", now: index.now)
        #expect(try elsewhere.refresh() == RunFolderIndex.Refresh(read: 0, removed: 0))
        #expect(try index.board.runFolderNames().isEmpty)
        #expect(try index.refresh().read == 11)
    }
}
