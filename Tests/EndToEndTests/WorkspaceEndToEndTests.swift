import Foundation
import SotaSupport
import SotaTestSupport
import Testing

/// The experiment lifecycle through the built binary, on a copy of the demo project.
@Suite struct WorkspaceEndToEndTests {
    private func demo() -> TemporaryDirectory {
        let folder = TemporaryDirectory()
        for item in ["sota.yaml", "configs", "scripts", "data", "experiments", "experiments-archive"] {
            folder.copy(Paths.join(Repository.root, item), to: item)
        }
        return folder
    }

    private func json(_ run: BinaryRun) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(run.out.utf8))
    }

    private func experimentFolders(_ folder: TemporaryDirectory, _ top: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.url(top))) ?? []).filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
    }

    @Test func newRunShowCatalogArchiveRestore() throws {
        let folder = demo()
        let created = try BinaryRun(["experiment", "new", "wider-latent", "--set", "latent.dim=32", "--set", "operator.pdet.input_dim=32"], in: folder.path)
        #expect(created.status == 0, "\(created.err)")
        let name = try #require(experimentFolders(folder, "experiments").first)
        #expect(name.hasSuffix("-wider-latent"))
        #expect(created.out.contains("latent.dim: 16 -> 32"))

        let run = try BinaryRun(["run", "--train-config", "experiments/\(name)/config.yaml"], in: folder.path)
        #expect(run.status == 0, "\(run.err)")

        let show = try BinaryRun(["experiment", "show", "wider-latent", "--json"], in: folder.path)
        #expect(show.status == 0, "\(show.err)")
        let shown = try #require(try json(show) as? [String: Any])
        #expect(shown["status"] as? String == "success")
        let best = try #require(shown["best"] as? [String: Any])
        #expect(best["metric"] as? String == "nrmse")
        #expect((best["value"] as? Double).map { $0 < 0.25 } == true)
        #expect((best["gates"] as? String)?.hasPrefix("passed") == true)
        let text = try BinaryRun(["experiment", "show", "wider-latent"], in: folder.path)
        #expect(text.out.contains("status         success: run "))

        let catalog = try BinaryRun(["catalog"], in: folder.path)
        #expect(catalog.status == 0, "\(catalog.err)")
        // CRLF line ends (RFC 4180, the one CSV writer): "\r\n" is one Character, a newline.
        let lines = catalog.out.split(whereSeparator: \.isNewline)
        #expect(catalog.out.hasSuffix("\r\n") && lines.count == 3, "header, the golden config and the experiment: \(catalog.out)")
        #expect(lines.last?.hasPrefix("experiments/\(name)/config.yaml,active,wider-latent,success,") == true)
        #expect(lines.last?.contains(",32,20,64,0.05,A100-80GB,") == true)

        let dryRun = try BinaryRun(["archive", "--dry-run"], in: folder.path)
        #expect(dryRun.status == 0, "\(dryRun.err)")
        #expect(dryRun.out.contains("would archive experiments/\(name) -> experiments-archive/\(name)  (success)"))
        #expect(experimentFolders(folder, "experiments") == [name])

        let archive = try BinaryRun(["archive"], in: folder.path)
        #expect(archive.status == 0, "\(archive.err)")
        #expect(experimentFolders(folder, "experiments").isEmpty)
        #expect(experimentFolders(folder, "experiments-archive") == [name])

        let restore = try BinaryRun(["experiment", "restore", "wider-latent"], in: folder.path)
        #expect(restore.status == 0, "\(restore.err)")
        let restored = try #require(experimentFolders(folder, "experiments").first)
        #expect(experimentFolders(folder, "experiments-archive").isEmpty)
        let after = try #require(try json(try BinaryRun(["experiment", "show", "wider-latent", "--json"], in: folder.path)) as? [String: Any])
        #expect(after["restored_from"] as? String == "experiments-archive/\(name)")
        #expect(after["runs"] as? Int == 1, "its runs stay linked")
        #expect(after["folder"] as? String == "experiments/\(restored)")
    }

    /// Kills `sota archive` at each crash point and checks the next command finishes the job: every experiment
    /// ends in exactly one place, archived.
    @Test(arguments: ["archive:after-journal", "archive:after-move:1", "archive:after-move:2"])
    func aKilledArchiveIsFinishedByTheNextCommand(point: String) throws {
        let folder = demo()
        var names: [String] = []
        for name in ["alpha", "beta", "gamma"] {
            #expect(try BinaryRun(["experiment", "new", name], in: folder.path).status == 0)
            let created = try #require(experimentFolders(folder, "experiments").first { $0.hasSuffix("-\(name)") })
            names.append(created)
            // Old and untouched: stale, so archived by default.
            let metadata = folder.url("experiments/\(created)/metadata.json")
            var text = try String(contentsOfFile: metadata, encoding: .utf8)
            let line = try #require(text.split(separator: "\n").first { $0.contains("\"created\"") })
            text = text.replacingOccurrences(of: line, with: "  \"created\" : \"2020-01-01T00:00:00.000Z\",")
            try Data(text.utf8).write(to: URL(fileURLWithPath: metadata))
            for file in ["config.yaml", "notes.md"] {
                try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_577_836_800)],
                                                      ofItemAtPath: folder.url("experiments/\(created)/\(file)"))
            }
        }
        var environment = ProcessInfo.processInfo.environment
        environment["SOTA_FAULT_INJECT"] = point
        let killed = try BinaryRun(["archive"], in: folder.path, environment: environment)
        #expect(killed.status == 9 || killed.status == 137, "killed by SIGKILL, got \(killed.status): \(killed.err)")
        #expect(Paths.kind(of: folder.url("experiments-archive/.archive-journal.json")) == .file)
        let active = experimentFolders(folder, "experiments"), archived = experimentFolders(folder, "experiments-archive")
        #expect(Set(active).isDisjoint(with: archived) && Set(active + archived) == Set(names), "each experiment in exactly one place")

        let list = try BinaryRun(["experiment", "list"], in: folder.path)
        #expect(list.status == 0, "\(list.err)")
        #expect(list.err.contains("note: finished an interrupted archive"), "\(list.err)")
        #expect(experimentFolders(folder, "experiments").isEmpty)
        #expect(experimentFolders(folder, "experiments-archive") == names)
        #expect(Paths.kind(of: folder.url("experiments-archive/.archive-journal.json")) == .missing)
        for name in names {
            let metadata = try String(contentsOfFile: folder.url("experiments-archive/\(name)/metadata.json"), encoding: .utf8)
            #expect(metadata.contains("\"status\" : \"archived\"") && metadata.contains("\"archived_at\""))
        }
        let again = try BinaryRun(["archive"], in: folder.path)
        #expect(again.status == 0 && again.out.contains("nothing to archive"))
    }
}
