import Foundation
import SotaSupport
import SotaOperations
import SotaTestSupport
import SotaWorkspace
import Testing

@Suite struct ArchiveOperationTests {
    private func request(_ project: OperationsProject, _ mode: ArchiveOperation.Mode) -> ArchiveOperation.Request {
        .init(inspection: .init(project: project.project, environment: [:], index: project.index, now: project.now, git: false),
              states: Set(LifecycleState.finished), mode: mode)
    }

    @Test func listingPicksTheFinishedAndMovesNothing() throws {
        let project = try OperationsProject.standard()
        let result = try ArchiveOperation()(request(project, .listOnly))
        #expect(result.active.count == 3 && result.moves.isEmpty && !result.refused)
        #expect(result.chosen.count == 2 && result.chosen.allSatisfy { $0.hasSuffix("-good") || $0.hasSuffix("-bad") })
        #expect(try FileManager.default.contentsOfDirectory(atPath: project.folder.url("experiments")).count == 3)
    }

    @Test func applyingMovesThemAndSnapshotsEveryRun() throws {
        let project = try OperationsProject.standard()
        let dry = try ArchiveOperation()(request(project, .dryRun))
        #expect(dry.moves.map(\.name).sorted() == ["bad", "good"])
        let done = try ArchiveOperation()(request(project, .apply))
        #expect(done.moves == dry.moves)
        let good = try #require(try FileManager.default.contentsOfDirectory(atPath: project.folder.url("experiments-archive")).first { $0.hasSuffix("-good") })
        let metadata = try ExperimentMetadata.read(path: project.folder.url("experiments-archive/\(good)/metadata.json"), display: "m")
        // The index summary keeps only the runs the state depends on; the snapshot lists all three.
        #expect(metadata.runs == ["20260101-000000-00000001", "20260101-000000-00000002", "20260101-000000-00000003"])
        #expect(metadata.bestMetrics["nrmse"]?.runID == "20260101-000000-00000002")
        let after = try ArchiveOperation()(request(project, .listOnly))
        #expect(after.active.map(\.name) == ["fresh"])
    }

    @Test func anUnreadableExperimentRefusesEveryMove() throws {
        let project = try OperationsProject.standard()
        let fresh = try #require(try FileManager.default.contentsOfDirectory(atPath: project.folder.url("experiments")).first { $0.hasSuffix("-fresh") })
        project.folder.write("experiments/\(fresh)/metadata.json", "{ broken")
        let result = try ArchiveOperation()(request(project, .apply))
        #expect(result.refused && result.moves.isEmpty)
        #expect(Paths.kind(of: project.folder.url("experiments-archive")) == .missing)
    }
}
