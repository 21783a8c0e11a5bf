import Foundation
import SotaSupport
import SotaTestSupport
import SotaWorkspace
import Testing

@Suite struct WorkspaceOperationsTests {
    @Test func creationWritesConfigNotesAndMetadataAndRefusesTheSameNameTwice() throws {
        let fixture = WorkspaceFixture()
        let folder = try fixture.experiment("wide", sets: ["latent.dim=32", "operator.pdet.input_dim=32"])
        #expect(folder.display == "experiments/\(ExperimentCreation.day(fixture.now))-wide")
        let config = try String(contentsOfFile: folder.configPath, encoding: .utf8)
        #expect(config.contains("experiment: wide\n") && config.contains("  dim: 32\n"))
        let notes = try String(contentsOfFile: folder.notesPath, encoding: .utf8)
        #expect(notes.contains("- `latent.dim`: 16 -> 32") && notes.contains("- `operator.pdet.input_dim`: 16 -> 32"))
        let metadata = try ExperimentMetadata.read(path: folder.metadataPath, display: "m")
        #expect(metadata.name == "wide" && metadata.baseConfig.path == "configs/train_burgers_golden.yaml")
        #expect(metadata.git.state == "no-repository")
        #expect(throws: WorkspaceError.self) { try fixture.experiment("wide") }
        #expect(fixture.tree().filter { $0.contains(".new-") }.isEmpty, "no staging folder is left behind")
    }

    @Test func anInvalidConfigCreatesNothing() throws {
        let fixture = WorkspaceFixture()
        do {
            try fixture.experiment("bad", sets: ["latent.dim=100"])
            Issue.record("created")
        } catch let error as WorkspaceError {
            #expect(error.diagnostics.contains { $0.message.contains("must be at most 64") })
        }
        #expect(fixture.tree().isEmpty)
    }

    @Test func surveyDerivesStatesFromRunsAndArchiveMovesTheFinishedOnes() throws {
        let fixture = WorkspaceFixture()
        try fixture.experiment("good")
        try fixture.experiment("bad")
        try fixture.experiment("fresh")
        try fixture.run("r1", experiment: "good", nrmse: 0.3, passed: false)
        try fixture.run("r2", experiment: "good", nrmse: 0.05, passed: true)
        try fixture.run("r3", experiment: "bad", nrmse: 0.4, passed: false)
        let survey = try WorkspaceSurvey.take(fixture.workspace, now: fixture.now)
        let states = Dictionary(uniqueKeysWithValues: survey.experiments.map { ($0.name, $0.decision.state) })
        #expect(states == ["good": .success, "bad": .failed, "fresh": .active])
        let good = try #require(survey.experiments.first { $0.name == "good" })
        #expect(good.bestRun?.run.id == "r2" && good.bestRun?.value == 0.05)
        #expect(good.bestMetrics["nrmse"] == .init(value: 0.05, runID: "r2"))

        let finished = survey.experiments.filter { LifecycleState.finished.contains($0.decision.state) }
        let moves = try ExperimentMover(workspace: fixture.workspace, environment: [:]).archive(finished, now: fixture.now)
        #expect(moves.map(\.name).sorted() == ["bad", "good"])
        let after = try WorkspaceSurvey.take(fixture.workspace, now: fixture.now)
        #expect(Dictionary(uniqueKeysWithValues: after.experiments.map { ($0.name, $0.folder.location) })
                == ["good": .archived, "bad": .archived, "fresh": .active])
        let archived = try #require(after.experiments.first { $0.name == "good" })
        #expect(archived.metadata?.status == "archived" && archived.metadata?.archivedAt != nil)
        #expect(archived.metadata?.runs == ["r1", "r2"])
        #expect(Paths.kind(of: fixture.folder.url("experiments-archive/.archive-journal.json")) == .missing)

        let restored = try ExperimentMover(workspace: fixture.workspace, environment: [:]).restore(archived, now: fixture.now)
        #expect(restored.to == "experiments/\(ExperimentCreation.day(fixture.now))-good")
        let back = try #require(try WorkspaceSurvey.take(fixture.workspace, now: fixture.now).experiments.first { $0.name == "good" })
        #expect(back.folder.location == .active && back.runs.count == 2)
        #expect(back.metadata?.restoredFrom == archived.folder.display && back.metadata?.archivedAt == nil)
        #expect(back.decision.state == .active, "a restore protects the experiment for active_days")
    }

    @Test func anExistingTargetRefusesTheWholeArchive() throws {
        let fixture = WorkspaceFixture()
        let one = try fixture.experiment("one")
        try fixture.experiment("two")
        try fixture.run("r1", experiment: "one", nrmse: 0.1, passed: true)
        try fixture.run("r2", experiment: "two", nrmse: 0.1, passed: true)
        fixture.folder.write("experiments-archive/\(one.name)/keep.txt", "x")
        let before = fixture.tree()
        let survey = try WorkspaceSurvey.take(fixture.workspace, now: fixture.now)
        #expect(throws: WorkspaceError.self) {
            try ExperimentMover(workspace: fixture.workspace, environment: [:]).archive(survey.experiments.filter { $0.folder.location == .active }, now: fixture.now)
        }
        #expect(fixture.tree() == before, "nothing moved, no journal left")
    }

    @Test func recoveryFinishesTheMovesAJournalRecords() throws {
        let fixture = WorkspaceFixture()
        let one = try fixture.experiment("one")
        let two = try fixture.experiment("two")
        // As if killed after moving `one` but before `two`.
        try FileManager.default.createDirectory(atPath: fixture.folder.url("experiments-archive"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: one.path, toPath: fixture.folder.url("experiments-archive/\(one.name)"))
        let journal = ArchiveJournal(operation: .archive, started: "2026-01-01T00:00:00.000Z", moves: [
            .init(name: "one", from: one.display, to: "experiments-archive/\(one.name)"),
            .init(name: "two", from: two.display, to: "experiments-archive/\(two.name)"),
        ])
        try AtomicFile.write(journal.encoded(), to: fixture.folder.url("experiments-archive/.archive-journal.json"))
        let report = try ExperimentMover(workspace: fixture.workspace, environment: [:]).recover()
        #expect(report == ["finished an interrupted archive: \(two.display) -> experiments-archive/\(two.name)"])
        let survey = try WorkspaceSurvey.take(fixture.workspace, now: fixture.now)
        #expect(survey.experiments.allSatisfy { $0.folder.location == .archived } && survey.experiments.count == 2)
        #expect(survey.experiments.first { $0.name == "two" }?.metadata?.archivedAt == "2026-01-01T00:00:00.000Z")
        #expect(try ExperimentMover(workspace: fixture.workspace, environment: [:]).recover().isEmpty, "the journal is gone")
    }

    @Test func catalogListsProductionAndExperimentConfigs() throws {
        let fixture = WorkspaceFixture()
        try fixture.experiment("wide", sets: ["latent.dim=32", "operator.pdet.input_dim=32"])
        try fixture.run("r1", experiment: "wide", nrmse: 0.05, passed: true)
        let catalog = try ConfigCatalog.build(fixture.workspace, now: fixture.now)
        #expect(catalog.problems.isEmpty)
        #expect(catalog.rows.map(\.path) == ["configs/train_burgers_golden.yaml", "experiments/\(ExperimentCreation.day(fixture.now))-wide/config.yaml"])
        #expect(catalog.rows.map(\.location) == ["production", "active"])
        #expect(catalog.rows[1].status == "success" && catalog.rows[1].bestRun == "r1" && catalog.rows[1].runs == 1)
        #expect(catalog.rows.map { $0.parameters[0] } == [.int(16), .int(32)])
        let metadata = try ExperimentMetadata.read(path: fixture.folder.url("experiments/\(ExperimentCreation.day(fixture.now))-wide/metadata.json"), display: "m")
        #expect(catalog.rows[1].configHash == metadata.configHash, "the catalog hashes configs as the loader does")
    }
}
