import Foundation
import SotaSupport
import SotaRunRecord
import SotaTestSupport
import Testing
@testable import SotaRunRecord

/// The one scanner of run folders, on a real runs folder: what counts as a run, how a prefix finds one, and what a
/// damaged manifest becomes.
@Suite struct RunDirectoryScannerTests {
    /// A runs folder holding two runs, a damaged manifest, a sweep folder, a folder without a manifest, a hidden
    /// folder and a loose file.
    private static func runsFolder() throws -> TemporaryDirectory {
        let folder = TemporaryDirectory()
        try RunManifestFactory.write(RunManifestFactory.make("20261123-141000-aaaaaaaa"), into: folder.url("runs/20261123-141000-aaaaaaaa"))
        try RunManifestFactory.write(RunManifestFactory.make("20261123-141500-bbbbbbbb", experiment: "other"),
                                     into: folder.url("runs/20261123-141500-bbbbbbbb"))
        _ = folder.write("runs/20261123-142000-cccccccc/\(RunLayout.manifest)", "{ not json")
        _ = folder.write("runs/\(RunLayout.sweepFolderPrefix)20261123-143000-dddddddd/\(RunLayout.sweepManifest)", "{}")
        _ = folder.write("runs/20261123-144000-eeeeeeee/\(RunLayout.logs)/train-a.log", "")
        _ = folder.write("runs/.hidden/\(RunLayout.manifest)", "{}")
        _ = folder.write("runs/notes.txt", "")
        return folder
    }

    @Test func runsAreTheFoldersWithAManifestReadOrRefused() throws {
        let folder = try Self.runsFolder()
        let runs = RunDirectoryScanner.runs(inRunsFolder: folder.url("runs"))
        #expect(runs.map(\.name) == ["20261123-141000-aaaaaaaa", "20261123-141500-bbbbbbbb", "20261123-142000-cccccccc"])
        #expect(try runs[0].outcome.get() == IndexedRun(RunManifestFactory.make("20261123-141000-aaaaaaaa")))
        #expect(try runs[1].outcome.get().experiment == "other")
        #expect(throws: RunFolderProblem.self) { try runs[2].outcome.get() }
        #expect(RunDirectoryScanner.runs(inRunsFolder: folder.url("missing")).isEmpty)
    }

    @Test func aPrefixFindsRunsAndSweeps() throws {
        let folder = try Self.runsFolder()
        let runs = folder.url("runs")
        #expect(RunDirectoryScanner.folders(in: runs, startingWith: "20261123-1410") == ["20261123-141000-aaaaaaaa"])
        #expect(RunDirectoryScanner.folders(in: runs, startingWith: "20261123-14").count == 4)
        #expect(RunDirectoryScanner.folders(in: runs, startingWith: "", sweeps: true) == ["sweep-20261123-143000-dddddddd"])
        #expect(RunDirectoryScanner.folders(in: runs, startingWith: "2027").isEmpty)
    }

    @Test func holdsFoldersLooksOnlyForAVisibleFolder() throws {
        let folder = try Self.runsFolder()
        #expect(RunDirectoryScanner.holdsFolders(folder.url("runs")))
        _ = folder.write("empty/.hidden/x", "")
        _ = folder.write("empty/file", "")
        #expect(!RunDirectoryScanner.holdsFolders(folder.url("empty")))
        #expect(!RunDirectoryScanner.holdsFolders(folder.url("missing")))
    }

    @Test func argumentsExpandToManifestsAndNameWhatHoldsNone() throws {
        let folder = try Self.runsFolder()
        let (paths, problems) = RunDirectoryScanner.manifests(in: [folder.url("runs"), folder.url("runs/20261123-141000-aaaaaaaa"), folder.url("nowhere")])
        #expect(paths.map { Paths.lastComponent(of: Paths.parent(of: $0)) } == [
            "20261123-141000-aaaaaaaa", "20261123-141500-bbbbbbbb", "20261123-142000-cccccccc", "20261123-141000-aaaaaaaa",
        ])
        #expect(problems.map(\.path) == [folder.url("runs/20261123-144000-eeeeeeee"), folder.url("nowhere")])
    }
}
