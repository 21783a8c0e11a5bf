import Foundation
import SotaSupport
import SotaTestSupport
import SotaWorkspace
import Testing

/// A crafted `.archive-journal.json` moves nothing outside `experiments/` and `experiments-archive/`.
@Suite struct ArchiveJournalConfinementTests {
    /// Writes `moves` as an archive (or restore) journal, runs recovery, and checks it refused naming the entry and
    /// moved nothing.
    private func refuses(_ fixture: WorkspaceFixture, _ moves: [ArchiveJournal.Move], operation: ArchiveJournal.Operation = .archive,
                         mentioning text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let journal = fixture.folder.url("experiments-archive/\(ArchiveJournal.fileName)")
        try FileManager.default.createDirectory(atPath: Paths.parent(of: journal), withIntermediateDirectories: true)
        try AtomicFile.write(ArchiveJournal(operation: operation, started: "2026-01-01T00:00:00.000Z", moves: moves).encoded(), to: journal)
        let before = fixture.tree()
        do {
            _ = try ExperimentMover(workspace: fixture.workspace, environment: [:]).recover()
            Issue.record("the journal was trusted", sourceLocation: sourceLocation)
        } catch {
            #expect(error.description.contains("experiments-archive/.archive-journal.json: damaged journal"), "\(error)", sourceLocation: sourceLocation)
            #expect(error.description.contains(text), "\(error)", sourceLocation: sourceLocation)
            #expect(error.description.hasSuffix("nothing was moved"), sourceLocation: sourceLocation)
        }
        #expect(fixture.tree() == before, "nothing moved", sourceLocation: sourceLocation)
        #expect(Paths.kind(of: journal) == .file, "the journal is kept for the user to inspect", sourceLocation: sourceLocation)
    }

    @Test func movesOutOfTheProjectAreRefused() throws {
        let fixture = WorkspaceFixture()
        let one = try fixture.experiment("one")
        let outside = TemporaryDirectory()
        try refuses(fixture, [.init(name: "one", from: one.display, to: Paths.join(outside.path, one.name.description))],
                    mentioning: "moves[0]: `to` is `\(outside.path)")
        try refuses(fixture, [.init(name: "one", from: one.display, to: "experiments-archive/../../\(one.name)")], mentioning: "`to`")
        #expect(Paths.kind(of: Paths.join(outside.path, one.name.description)) == .missing)
    }

    @Test func outsideFoldersAreNotPulledIn() throws {
        let fixture = WorkspaceFixture()
        try fixture.experiment("one")
        let outside = TemporaryDirectory()
        outside.write("2026-01-01-stolen/config.yaml", "x: 1\n")
        try refuses(fixture, [.init(name: "stolen", from: outside.url("2026-01-01-stolen"), to: "experiments/2026-01-01-stolen")],
                    operation: .restore, mentioning: "`from`")
        // A symbolic link inside experiments-archive/ that leads outside is refused too.
        try FileManager.default.createSymbolicLink(atPath: fixture.folder.url("experiments-archive/2026-01-01-stolen"),
                                                   withDestinationPath: outside.url("2026-01-01-stolen"))
        try refuses(fixture, [.init(name: "stolen", from: "experiments-archive/2026-01-01-stolen", to: "experiments/2026-01-02-stolen")],
                    operation: .restore, mentioning: "is a symbolic link")
        #expect(Paths.kind(of: outside.url("2026-01-01-stolen/config.yaml")) == .file)
    }

    @Test func directionsAndNamesMustMatchTheOperation() throws {
        let fixture = WorkspaceFixture()
        let one = try fixture.experiment("one")
        try refuses(fixture, [.init(name: "one", from: one.display, to: "experiments/2026-01-01-one")], mentioning: "not an experiment folder directly inside experiments-archive/")
        try refuses(fixture, [.init(name: "other", from: one.display, to: "experiments-archive/\(one.name)")], mentioning: "not of `other`")
        try refuses(fixture, [.init(name: "one", from: one.display, to: "experiments-archive/2020-01-01-one")], mentioning: "keeps the folder's name")
        try refuses(fixture, [.init(name: "one", from: one.display, to: "experiments-archive/.hidden")], mentioning: "`to`")
    }
}
