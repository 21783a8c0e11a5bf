import Foundation
import SotaSupport
import SotaIndex
import SotaTestSupport
import Testing

/// A project of one experiment, `exp`, whose configs differ only in the NRMSE their evaluation reports, so each
/// run's verdict is known in advance; `c.yaml` gates on beating production by 0.05.
private struct TruthProject {
    let folder = TemporaryDirectory()
    var root: String { folder.path }

    init() {
        folder.write("sota.yaml", "project: truth\n")
        for (name, nrmse, extra) in [("a", 0.3, ""), ("b", 0.1, ""), ("c", 0.2, ", min_improvement: {absolute: 0.05}")] {
            folder.write("\(name).yaml", """
                experiment: exp
                seed: 1
                training:
                  command: [sh, -c, 'echo \(name) > "$SOTA_CHECKPOINT_DIR/model.out"']
                  epochs: 1
                  learning_rate: 0.1
                  checkpoint: model.out
                  stages: [{name: fit, outputs: [model.out]}]
                resources: {platform: cpu}
                pipeline: {full_eval: eval-\(name).yaml}

                """)
            folder.write("eval-\(name).yaml", """
                evaluation:
                  command: [sh, -c, 'echo "{\\"nrmse\\": \(nrmse)}" > "$SOTA_METRICS"']
                  metrics: metrics.json
                gates: [{metric: nrmse, direction: lower, threshold: 0.5\(extra)}]

                """)
        }
    }

    func sota(_ arguments: String..., environment: [String: String]? = nil) -> CommandRun {
        environment.map { CommandRun(arguments, in: root, environment: $0) } ?? CommandRun(arguments, in: root)
    }

    func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: folder.url(path)).map { String(decoding: $0, as: UTF8.self) }
    }

    var indexPath: String { folder.url(".sota/leaderboard.sqlite") }

    /// The promotions table, without row ids.
    func promotions() throws -> [PromotionRecord] {
        try Leaderboard(path: indexPath).promotions().map { var record = $0; record.id = 0; return record }
    }

    /// Deletes the index file and its companions, as a user clearing space would.
    func deleteIndex() {
        for suffix in ["", "-wal", "-shm", ".lock"] { unlink(indexPath + suffix) }
    }

    /// The run folders' names.
    func runIDs() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.url("runs"))) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }
}

@Suite struct FilesAreTheTruthTests {
    @Test func aRebuildAfterTheIndexWasDeletedRestoresPromotionsAndTheImprovementVerdict() throws {
        let project = TruthProject()
        #expect(project.sota("run", "--train-config", "a.yaml").status == 0)
        #expect(project.sota("run", "--train-config", "b.yaml").status == 0)
        let promoted = project.sota("promote", "a.yaml")
        #expect(promoted.status == 0, "\(promoted.err)")
        // Production is run a (0.3): c (0.2) beats it by 0.1. The best passed run, b (0.1), it would not beat.
        let before = project.sota("run", "--train-config", "c.yaml")
        #expect(before.status == 0, "\(before.out)\(before.err)")
        let promotions = try project.promotions()
        #expect(promotions.count == 1 && promotions[0].productionPath == "configs/exp.yaml")
        #expect(project.read("configs/.previous/promotions.json")?.contains("\"destination\" : \"configs/exp.yaml\"") == true)

        project.deleteIndex()
        let rebuilt = project.sota("leaderboard", "--rebuild")
        #expect(rebuilt.status == 0, "\(rebuilt.err)")
        #expect(rebuilt.err.contains("and 1 promotion from the production history"), "\(rebuilt.err)")
        #expect(try project.promotions() == promotions)
        let after = project.sota("run", "--train-config", "c.yaml")
        #expect(after.status == 0, "the verdict changed after the rebuild: \(after.out)\(after.err)")

        // A second rebuild adds nothing twice.
        #expect(project.sota("leaderboard", "--rebuild").status == 0)
        #expect(try project.promotions() == promotions)
    }

    @Test func runPromoteRecordsThePromotionWhereSotaPromoteDoes() throws {
        let project = TruthProject()
        let created = project.sota("experiment", "new", "wide", "--from", "a.yaml")
        #expect(created.status == 0, "\(created.err)")
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: project.folder.url("experiments")).first { $0.hasSuffix("-wide") })
        let run = project.sota("run", "--train-config", "experiments/\(folder)/config.yaml", "--promote")
        #expect(run.status == 0, "\(run.out)\(run.err)")
        #expect(run.out.contains("promoted to configs/wide.yaml"), "\(run.out)")
        let metadata = try #require(project.read("experiments/\(folder)/metadata.json"))
        #expect(metadata.contains("\"status\" : \"promoted\""), "\(metadata)")
        #expect(metadata.contains("\"destination\" : \"configs/wide.yaml\""))
        #expect(try project.promotions().map(\.productionPath) == ["configs/wide.yaml"])
        #expect(project.read("configs/.previous/promotions.json")?.contains("configs/wide.yaml") == true)
        let show = project.sota("experiment", "show", "wide")
        #expect(show.out.contains("status         promoted"), "\(show.out)")
        let catalog = project.sota("catalog", "--format", "json")
        let rows = try #require((try JSONSerialization.jsonObject(with: Data(catalog.out.utf8)) as? [String: Any])?["configs"] as? [[String: Any]])
        let row = try #require(rows.first { ($0["path"] as? String)?.hasPrefix("experiments/") == true })
        #expect(row["promoted_to"] as? String == "configs/wide.yaml", "\(catalog.out)")
    }

    @Test func runPromoteChecksWhatWouldStopThePromotionBeforeRunning() throws {
        let project = TruthProject()
        #expect(project.sota("experiment", "new", "wide", "--from", "a.yaml").status == 0)
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: project.folder.url("experiments")).first { $0.hasSuffix("-wide") })
        project.folder.write("experiments/\(folder)/metadata.json", "{ broken")
        let run = project.sota("run", "--train-config", "experiments/\(folder)/config.yaml", "--promote")
        #expect(run.status == 1, "\(run.out)\(run.err)")
        #expect(run.err.contains("--promote: experiments/\(folder)/metadata.json"), "\(run.err)")
        #expect(project.runIDs().isEmpty, "no run started")
    }

    @Test func aPathInTheExperimentNameFailsValidationWithItsLocation() throws {
        let project = TruthProject()
        project.folder.write("evil.yaml", project.read("a.yaml")!.replacingOccurrences(of: "experiment: exp", with: "experiment: ../../evil"))
        let validated = project.sota("validate", "config", "evil.yaml")
        #expect(validated.status == 1)
        #expect(validated.err.contains("evil.yaml:1:13: error: `experiment` `../../evil` is not a valid experiment name"), "\(validated.err)")
        let run = project.sota("run", "--train-config", "evil.yaml", "--promote")
        #expect(run.status == 1 && run.err.contains("run not started"), "\(run.err)")
        #expect(project.runIDs().isEmpty)
    }

    @Test func ingestNamesTheFileAndFieldOfManifestsSotaNeverWrites() throws {
        let project = TruthProject()
        #expect(project.sota("run", "--train-config", "a.yaml").status == 0)
        let good = try #require(project.runIDs().first)
        let manifest = try #require(project.read("runs/\(good)/manifest.json"))
        func plant(_ folder: String, _ change: (String) -> String) {
            project.folder.write("incoming/\(folder)/manifest.json", change(manifest))
        }
        plant("other-name") { $0 }
        plant("20260101-000000-deadbeef") { $0.replacingOccurrences(of: good, with: "../20260101-000000-deadbeef") }
        plant("20260101-000001-deadbeef") {
            $0.replacingOccurrences(of: good, with: "20260101-000001-deadbeef").replacingOccurrences(of: "\"created\" : \"20", with: "\"created\" : \"2026-13-45T00:00:00.000Z\", \"x\" : \"20")
        }
        plant("20260101-000002-deadbeef") {
            $0.replacingOccurrences(of: good, with: "20260101-000002-deadbeef")
                .replacingOccurrences(of: #""seconds" : "#, with: #""seconds" : -1e19, "was" : "#)
        }
        let ingest = project.sota("ingest", "incoming")
        #expect(ingest.status == 1)
        #expect(ingest.out.contains("ingested 0 runs; 4 could not be read"), "\(ingest.out)\(ingest.err)")
        #expect(ingest.err.contains("incoming/other-name/manifest.json: `run_id`: `\(good)` differs from its folder `other-name`"), "\(ingest.err)")
        #expect(ingest.err.contains("incoming/20260101-000000-deadbeef/manifest.json: `run_id`: `../20260101-000000-deadbeef` is not a run id"))
        #expect(ingest.err.contains("incoming/20260101-000001-deadbeef/manifest.json: `created`: `2026-13-45T00:00:00.000Z` is not a date"))
        #expect(ingest.err.contains("incoming/20260101-000002-deadbeef/manifest.json: `stages[0].seconds`: -1e+19 is not a duration"), "\(ingest.err)")
        #expect(try Leaderboard(path: project.indexPath).runCount() == 1, "only the run sota made is indexed")
    }

    @Test func sweepFoldersAreSkippedQuietlyByIngestAndRebuild() throws {
        let project = TruthProject()
        #expect(project.sota("run", "--train-config", "a.yaml").status == 0)
        #expect(project.sota("run", "--train-config", "b.yaml").status == 0)
        // What a local sweep and a Slurm sweep leave beside their runs.
        project.folder.write("runs/sweep-20260101-000000-0a0b0c0d/sweep.json", "{}\n")
        project.folder.write("runs/sweep-20260101-000000-0a0b0c0d/logs/x.log", "")
        project.folder.write("runs/sweep-20260101-000001-0a0b0c0d/launch.json", "{}\n")
        let ingest = project.sota("ingest", "runs")
        #expect(ingest.status == 0 && ingest.err.isEmpty, "\(ingest.out)\(ingest.err)")
        #expect(ingest.out == "ingested 2 runs\n")
        let rebuild = project.sota("leaderboard", "--rebuild")
        #expect(rebuild.status == 0 && !rebuild.err.contains("warning"), "\(rebuild.err)")
    }

    @Test func anEmptyIndexBesideRunFoldersSuggestsARebuild() throws {
        let project = TruthProject()
        #expect(project.sota("run", "--train-config", "a.yaml").status == 0)
        project.deleteIndex()
        let shown = project.sota("leaderboard")
        #expect(shown.status == 0)
        #expect(shown.out == "the leaderboard index is empty, but runs/ holds run folders; `sota leaderboard --rebuild` indexes them\n", "\(shown.out)")
        #expect(project.sota("leaderboard", "--rebuild").status == 0)
        #expect(project.sota("leaderboard").out.contains("exp"))
    }

    @Test func aMissingLeaderboardFolderNamedBySOTALeaderboardIsRefusedAndNothingIsCreated() throws {
        let project = TruthProject()
        var environment = ProcessInfo.processInfo.environment
        environment["SOTA_LEADERBOARD"] = project.folder.url("no/such/dir/x.sqlite")
        let run = project.sota("leaderboard", environment: environment)
        #expect(run.status == 1)
        #expect(run.err.contains("named by SOTA_LEADERBOARD="), "\(run.err)")
        #expect(Paths.kind(of: project.folder.url("no")) == .missing)
    }

    @Test func aRefusedDatabaseLeavesNoLockFileBehind() throws {
        let project = TruthProject()
        project.folder.write(".sota/leaderboard.sqlite", "not a database at all, just text that is long enough to have a header\n")
        let run = project.sota("leaderboard")
        #expect(run.status == 1 && run.err.contains("not an SQLite database"), "\(run.err)")
        #expect(Paths.kind(of: project.indexPath + ".lock") == .missing)
        #expect(try FileManager.default.contentsOfDirectory(atPath: project.folder.url(".sota")) == ["leaderboard.sqlite"])
    }

    @Test func aKilledRunIsShownInterruptedNotRunning() throws {
        let project = TruthProject()
        #expect(project.sota("experiment", "new", "wide", "--from", "a.yaml").status == 0)
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: project.folder.url("experiments")).first { $0.hasSuffix("-wide") })
        #expect(project.sota("run", "--train-config", "experiments/\(folder)/config.yaml").status == 0)
        let id = try #require(project.runIDs().first)
        // As a sota killed mid-run leaves it: the manifest says running, and no process holds the run's lock.
        let manifest = try #require(project.read("runs/\(id)/manifest.json"))
        project.folder.write("runs/\(id)/manifest.json", manifest.replacingOccurrences(of: "\"status\" : \"succeeded\"", with: "\"status\" : \"running\""))
        let show = project.sota("experiment", "show", "wide")
        #expect(show.status == 0, "\(show.err)")
        #expect(show.out.contains("\(id)  interrupted"), "\(show.out)")
        #expect(!show.out.contains("running"), "\(show.out)")
        let json = project.sota("experiment", "show", "wide", "--json")
        #expect(json.out.contains("\"interrupted\""), "\(json.out)")
    }

    @Test func catalogOutputCreatesItsFolder() throws {
        let project = TruthProject()
        let run = project.sota("catalog", "--output", "docs/sub/catalog.csv")
        #expect(run.status == 0, "\(run.err)")
        #expect(project.read("docs/sub/catalog.csv")?.hasPrefix("path,") == true)
        project.folder.write("file", "x")
        let blocked = project.sota("catalog", "--output", "file/catalog.csv")
        #expect(blocked.status == 1 && blocked.err.contains("--output file/catalog.csv"), "\(blocked.err)")
    }

    @Test func whatSotaWritesLeavesTheWorkTreeClean() throws {
        let project = TruthProject()
        func git(_ arguments: String...) throws -> String {
            let process = Process(), output = Pipe()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
            process.arguments = ["-C", project.root] + arguments
            process.environment = ["GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com", "GIT_COMMITTER_NAME": "Ada",
                                   "GIT_COMMITTER_EMAIL": "ada@example.com", "HOME": project.root]
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        _ = try git("init", "-q", "-b", "main")
        project.folder.write(".gitignore", "runs/\n.sota/\n")
        _ = try git("add", "-A")
        _ = try git("commit", "-q", "-m", "start")
        #expect(project.sota("run", "--train-config", "a.yaml").status == 0)
        #expect(project.sota("promote", "a.yaml").status == 0)
        _ = try git("add", "configs/exp.yaml")
        _ = try git("commit", "-q", "-m", "production")
        // A second promotion keeps the replaced config in configs/.previous/; the weekly report writes reports/.
        #expect(project.sota("run", "--train-config", "b.yaml").status == 0)
        #expect(project.sota("promote", "b.yaml").status == 0)
        _ = try git("commit", "-q", "-am", "production again")
        let report = project.sota("report", "--weekly")
        #expect(report.status == 0, "\(report.err)")
        #expect(Paths.kind(of: project.folder.url("configs/.previous/promotions.json")) == .file)
        #expect(try git("status", "--porcelain", "--untracked-files=all") == "", "sota's outputs are ignored")
        // sota's own dirty check (the one `sota launch` refuses on) agrees.
        let run = project.sota("run", "--train-config", "a.yaml")
        #expect(run.status == 0 && !run.err.contains("uncommitted changes"), "\(run.err)")
    }
}
