import Foundation
import SotaSupport
import SotaRunRecord
import SotaConfig
import SotaPlan
import SotaOperations
import SotaTestSupport
import SotaWorkspace
import Testing

/// The workspace commands' inspection through the index matches the one that reads every run folder, whatever
/// state the index file is in.
@Suite struct WorkspaceInspectionTests {
    /// What the listings show of an inspection.
    private func shown(_ result: WorkspaceInspection.Result) -> [String] {
        result.survey.experiments.map {
            "\($0.folder.display) \($0.decision.state) \($0.decision.reason) \($0.runCount) \($0.bestRun?.run.id ?? "-") \($0.lastActivity.map(Timestamp.string) ?? "-")"
        }
    }

    private func inspect(_ project: OperationsProject, index: Bool, catalog: Bool = false) throws -> WorkspaceInspection.Result {
        try WorkspaceInspection()(.init(project: project.project, environment: [:], index: index ? project.index : nil, now: project.now,
                                        git: false, catalog: catalog))
    }

    @Test func aMissingIndexIsRebuiltWithAWarningAndGivesTheSameListing() throws {
        let project = try OperationsProject.standard()
        let truth = try inspect(project, index: false)
        let first = try inspect(project, index: true)
        #expect(first.warnings == ["the index .sota/leaderboard.sqlite was missing: rebuilt it from 5 runs in runs/"])
        #expect(shown(first) == shown(truth))
        let second = try inspect(project, index: true)
        #expect(second.warnings.isEmpty && shown(second) == shown(truth))
        #expect(try inspect(project, index: true, catalog: true).catalog?.rows == (try inspect(project, index: false, catalog: true)).catalog?.rows)
    }

    @Test func aProjectWithoutRunsGetsNoIndex() throws {
        let project = OperationsProject()
        try project.experiment("fresh")
        let result = try inspect(project, index: true)
        #expect(result.warnings.isEmpty && result.survey.experiments.count == 1)
        #expect(Paths.kind(of: project.index.path) == .missing)
    }

    @Test func aDamagedIndexIsLeftAloneAndTheFoldersAreRead() throws {
        let project = try OperationsProject.standard()
        let garbage = Array("not a database at all, just text that is long enough to have a header\n".utf8)
        project.folder.write(".sota/leaderboard.sqlite", garbage)
        let result = try inspect(project, index: true)
        #expect(result.warnings.count == 1 && result.warnings[0].contains("leaderboard.sqlite") && result.warnings[0].contains("sota leaderboard --rebuild"),
                "\(result.warnings)")
        #expect(shown(result) == shown(try inspect(project, index: false)))
        #expect(FileManager.default.contents(atPath: project.index.path).map(Array.init) == garbage, "the damaged file is left as it was")
    }

    @Test func anExperimentAddedEditedOrRemovedByHandShowsAtOnce() throws {
        let project = try OperationsProject.standard()
        _ = try inspect(project, index: true)
        try project.experiment("late")
        try project.run("20260101-000000-00000006", experiment: "late", nrmse: 0.01, passed: true)
        let bad = try #require(try FileManager.default.contentsOfDirectory(atPath: project.folder.url("experiments")).first { $0.hasSuffix("-bad") })
        project.folder.write("experiments/\(bad)/metadata.json", "{ broken")
        let fresh = try #require(try FileManager.default.contentsOfDirectory(atPath: project.folder.url("experiments")).first { $0.hasSuffix("-fresh") })
        try FileManager.default.removeItem(atPath: project.folder.url("experiments/\(fresh)"))
        let result = try inspect(project, index: true)
        #expect(shown(result) == shown(try inspect(project, index: false)))
        #expect(result.survey.experiments.map(\.name).sorted() == ["bad", "good", "late"])
        #expect(result.broken && result.survey.experiments.first { $0.name == "late" }?.decision.state == .success)
    }
}
