import Foundation
import SotaSupport
import SotaTestSupport
import Testing

/// A copy of the demo project (not a git repository) with one experiment, `wide`, and a snapshot of its files.
private final class WorkspaceProject {
    let folder = TemporaryDirectory()
    private(set) var experiment = ""

    init(experiment name: String? = "wide") throws {
        for item in ["sota.yaml", "configs", "scripts", "data", "experiments", "experiments-archive"] {
            folder.copy(Paths.join(Repository.root, item), to: item)
        }
        if let name {
            let created = sota(["experiment", "new", name])
            #expect(created.status == 0, "\(created.err)")
            experiment = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.url("experiments")).first { $0.hasSuffix("-\(name)") })
        }
    }

    func sota(_ arguments: [String]) -> CommandRun { CommandRun(arguments, in: folder.path) }

    /// `experiments/<day>-wide/<file>`.
    func path(_ file: String) -> String { folder.url("experiments/\(experiment)/\(file)") }

    /// Every file under the project with its content, to prove a refused command changed nothing.
    func snapshot() -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let next = enumerator?.nextObject() as? String {
            var info = stat()
            guard lstat(folder.url(next), &info) == 0 else { continue }
            files[next] = info.st_mode & S_IFMT == S_IFREG ? FileManager.default.contents(atPath: folder.url(next)) ?? Data() : Data([1])
        }
        return files
    }

    /// Runs `arguments` and checks it fails with `status`, says `message` on standard error and changes nothing.
    @discardableResult
    func refuses(_ arguments: [String], status: Int32 = 1, saying message: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> CommandRun {
        let before = snapshot()
        let run = sota(arguments)
        #expect(run.status == status, "\(arguments): \(run.err)", sourceLocation: sourceLocation)
        #expect(run.err.contains(message), "\(arguments): \(run.err)", sourceLocation: sourceLocation)
        #expect(snapshot() == before, "\(arguments) changed files", sourceLocation: sourceLocation)
        return run
    }
}

@Suite struct WorkspaceCommandTests {
    @Test func missingMetadataIsNamed() throws {
        let project = try WorkspaceProject()
        try FileManager.default.removeItem(atPath: project.path("metadata.json"))
        project.refuses(["experiment", "show", "wide"], saying: "experiments/\(project.experiment)/metadata.json: error: missing; every experiment folder holds one")
        project.refuses(["experiment", "list"], saying: "metadata.json: error: missing")
        project.refuses(["archive"], saying: "nothing archived: fix or remove the experiments above first")
    }

    @Test func malformedMetadataIsLocatedByLineAndColumn() throws {
        let project = try WorkspaceProject()
        try Data("{\n  \"schema_version\": 1,\n  \"name\": wide\n}\n".utf8).write(to: URL(fileURLWithPath: project.path("metadata.json")))
        project.refuses(["experiment", "show", "wide"], saying: "experiments/\(project.experiment)/metadata.json:3:11: error: not valid JSON")
    }

    @Test func metadataWithWrongTypesNamesTheKey() throws {
        let project = try WorkspaceProject()
        let text = try String(contentsOfFile: project.path("metadata.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"runs\" : [\n\n  ]", with: "\"runs\" : [1]")
        try Data(text.utf8).write(to: URL(fileURLWithPath: project.path("metadata.json")))
        project.refuses(["experiment", "show", "wide"], saying: "metadata.json: error: wrong type at `runs[0]`: expected a string")
    }

    @Test func aNewerSchemaVersionIsRefused() throws {
        let project = try WorkspaceProject()
        let text = try String(contentsOfFile: project.path("metadata.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"schema_version\" : 1", with: "\"schema_version\" : 9")
        try Data(text.utf8).write(to: URL(fileURLWithPath: project.path("metadata.json")))
        project.refuses(["experiment", "show", "wide"], saying: "schema_version 9 is newer than this sota understands (1); upgrade sota")
    }

    @Test func aFolderWithoutConfigIsNamed() throws {
        let project = try WorkspaceProject()
        try FileManager.default.removeItem(atPath: project.path("config.yaml"))
        project.refuses(["experiment", "show", "wide"], saying: "error: experiments/\(project.experiment) has no config.yaml")
        let catalog = project.refuses(["catalog"], saying: "has no config.yaml")
        #expect(catalog.out.contains("experiments/\(project.experiment)/config.yaml,active,wide,invalid,"))
    }

    @Test func aConfigLinkLeavingTheProjectIsRefused() throws {
        let project = try WorkspaceProject()
        let outside = TemporaryDirectory()
        let target = outside.write("config.yaml", try String(contentsOfFile: project.path("config.yaml"), encoding: .utf8))
        try FileManager.default.removeItem(atPath: project.path("config.yaml"))
        try FileManager.default.createSymbolicLink(atPath: project.path("config.yaml"), withDestinationPath: target)
        project.refuses(["experiment", "show", "wide"], saying: "config.yaml is a symbolic link to")
        project.refuses(["experiment", "show", "wide"], saying: "outside the project")
    }

    @Test func anExistingArchiveTargetMovesNothing() throws {
        let project = try WorkspaceProject()
        try FileManager.default.removeItem(atPath: project.path("config.yaml"))
        try FileManager.default.copyItem(atPath: project.folder.url("configs/train_burgers_golden.yaml"), toPath: project.path("config.yaml"))
        // Old enough to be stale, so `sota archive` wants to move it.
        let metadata = try String(contentsOfFile: project.path("metadata.json"), encoding: .utf8)
        let created = try #require(metadata.split(separator: "\n").first { $0.contains("\"created\"") })
        try Data(metadata.replacingOccurrences(of: created, with: "  \"created\" : \"2020-01-01T00:00:00.000Z\",").utf8)
            .write(to: URL(fileURLWithPath: project.path("metadata.json")))
        for file in ["config.yaml", "notes.md"] {
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_577_836_800)], ofItemAtPath: project.path(file))
        }
        let listed = project.sota(["archive", "--list-only"])
        #expect(listed.out.contains("wide  stale   yes"), "\(listed.out)")
        // A file, not a folder: the survey does not take it for an archived experiment, the archive must not replace it.
        project.folder.write("experiments-archive/\(project.experiment)", "x")
        project.refuses(["archive"], saying: "error: experiments-archive/\(project.experiment) exists already; nothing was moved")
    }

    @Test func anUnwritableArchiveIsRefusedBeforeAnythingMoves() throws {
        let project = try WorkspaceProject()
        try FileManager.default.removeItem(atPath: project.folder.url("experiments-archive"))
        if getuid() == 0 {
            // Root ignores permissions; a file where the archive folder belongs fails the same way for everyone.
            project.folder.write("experiments-archive", "not a folder")
            project.refuses(["experiment", "list"], saying: "error: experiments-archive is not a folder")
            project.refuses(["archive"], saying: "error: experiments-archive is not a folder")
        } else {
            try FileManager.default.createDirectory(atPath: project.folder.url("experiments-archive"), withIntermediateDirectories: false)
            chmod(project.folder.url("experiments"), 0o555)
            defer { chmod(project.folder.url("experiments"), 0o755) }
            project.refuses(["experiment", "new", "other"], saying: "Permission denied")
        }
    }

    @Test(arguments: [("../x", "path separator"), ("a/b", "path separator"), ("a;rm -rf", "`;`"), ("a\u{1}b", "control character"),
                      ("", "the name is empty")])
    func badNamesAreUsageErrors(name: String, reason: String) throws {
        let project = try WorkspaceProject(experiment: nil)
        let run = project.refuses(["experiment", "new", name], status: 64, saying: "invalid experiment name")
        #expect(run.err.contains(reason), "\(run.err)")
        project.refuses(["experiment", "show", name], status: 64, saying: reason)
    }

    @Test func anExistingNameIsRefusedWhereverItLives() throws {
        let project = try WorkspaceProject()
        project.refuses(["experiment", "new", "wide"], saying: "an experiment named `wide` exists already: experiments/\(project.experiment)")
        try FileManager.default.moveItem(atPath: project.folder.url("experiments/\(project.experiment)"),
                                         toPath: project.folder.url("experiments-archive/2020-01-01-wide"))
        project.refuses(["experiment", "new", "wide"], saying: "exists already: experiments-archive/2020-01-01-wide")
    }

    @Test func unknownStatusValuesAreUsageErrors() throws {
        let project = try WorkspaceProject()
        project.refuses(["experiment", "list", "--status", "done"], status: 64, saying: "--status")
        project.refuses(["archive", "--status", "active"], status: 64, saying: "--status")
    }

    @Test func aMissingOrWrongBaseConfigIsRefused() throws {
        let project = try WorkspaceProject(experiment: nil)
        project.refuses(["experiment", "new", "x", "--from", "configs/nope.yaml"], status: 64, saying: "--from: no config file at configs/nope.yaml")
        project.refuses(["experiment", "new", "x", "--from", "configs/small_eval.yaml"], saying: "is an evaluation config")
    }

    @Test func invalidOverridesCreateNothing() throws {
        let project = try WorkspaceProject(experiment: nil)
        project.refuses(["experiment", "new", "x", "--set", "latent.dim=100"], saying: "--set latent.dim=100: error: `latent.dim` (100) must be at most 64")
        project.refuses(["experiment", "new", "x", "--set", "latent.dimm=8"], saying: "did you mean `latent.dim`?")
        project.refuses(["experiment", "new", "x", "--set", "latent.dim"], status: 64, saying: "`--set` expects KEY=VALUE")
    }

    @Test func outsideAGitRepositoryItWorksAndSaysSo() throws {
        let project = try WorkspaceProject()
        let metadata = try String(contentsOfFile: project.path("metadata.json"), encoding: .utf8)
        #expect(metadata.contains("\"state\" : \"no-repository\""))
        let list = project.sota(["experiment", "list", "--json"])
        #expect(list.status == 0, "\(list.err)")
        #expect(list.out.contains("\"status\": \"active\""))
    }

    @Test func strayFoldersAndUnknownNamesAreExplained() throws {
        let project = try WorkspaceProject()
        project.folder.write("experiments/scratch/x.txt", "x")
        let list = project.sota(["experiment", "list"])
        #expect(list.status == 0 && list.err.contains("experiments/scratch is not an experiment folder (expected YYYY-MM-DD-name); skipped"))
        project.refuses(["experiment", "show", "wid"], saying: "did you mean `wide`?")
        project.refuses(["experiment", "restore", "wide"], saying: "an experiment named `wide` exists already")
    }

    @Test func aFileWhereTheExperimentsFolderBelongsIsNamed() throws {
        let project = try WorkspaceProject(experiment: nil)
        try FileManager.default.removeItem(atPath: project.folder.url("experiments"))
        project.folder.write("experiments", "oops")
        project.refuses(["experiment", "new", "x"], saying: "error: experiments is not a folder")
    }

    @Test func aCorruptJournalIsNamedAndNothingMoves() throws {
        let project = try WorkspaceProject()
        project.folder.write("experiments-archive/.archive-journal.json", "{\"moves\": [")
        project.refuses(["archive"], saying: "experiments-archive/.archive-journal.json")
    }

    @Test func catalogOutputBlockedByAFileIsNamed() throws {
        let project = try WorkspaceProject()
        // A missing folder is made (as `report --output` does); a file where the folder should be is refused.
        project.folder.write("blocked", "a file\n")
        project.refuses(["catalog", "--output", "blocked/catalog.csv"], saying: "--output blocked/catalog.csv: error:")
        let written = project.sota(["catalog", "--format", "json", "--output", "catalog.json"])
        #expect(written.status == 0, "\(written.err)")
        #expect(try String(contentsOfFile: project.folder.url("catalog.json"), encoding: .utf8).contains("\"location\": \"production\""))
    }
}
