import Foundation
import SotaSupport
import SotaPlan
import SotaTestSupport
import Testing
import SotaRunRecord

@Suite struct ReportCommandTests {
    /// A project with four runs in 2026-W02 (5–11 January 2026) and two from earlier weeks, in run directories.
    private func project() throws -> TemporaryDirectory {
        let folder = TemporaryDirectory()
        folder.copy(Paths.join(Fixtures.project, "sota.yaml"), to: "sota.yaml")
        folder.copy(Paths.join(Fixtures.project, "schema.yaml"), to: "schema.yaml")
        folder.copy(Paths.join(Fixtures.project, "configs/prices.yaml"), to: "configs/prices.yaml")
        let runs: [(id: String, experiment: String, start: String, end: String, nrmse: Double?, passed: Bool?,
                    status: RunManifest.Status, gpu: String?, gpus: Int, seconds: Double)] = [
            ("20251222-100000-aaaaaaaa", "burgers-golden", "2025-12-22T10:00:00.000Z", "2025-12-22T11:00:00.000Z", 0.09, true, .succeeded, "A100-80GB", 1, 3600),
            ("20251230-100000-bbbbbbbb", "latent-16", "2025-12-30T10:00:00.000Z", "2025-12-30T10:30:00.000Z", 0.07, true, .succeeded, "H100-80GB", 2, 1800),
            ("20260105-090000-cccccccc", "burgers-golden", "2026-01-05T09:00:00.000Z", "2026-01-05T10:00:00.000Z", 0.05, true, .succeeded, "A100-80GB", 1, 3600),
            ("20260106-090000-dddddddd", "latent-8", "2026-01-06T09:00:00.000Z", "2026-01-06T09:30:00.000Z", 0.31, false, .rejected, "A100-80GB", 1, 1800),
            ("20260107-090000-eeeeeeee", "<b>bold</b>", "2026-01-07T09:00:00.000Z", "2026-01-07T09:05:00.000Z", nil, nil, .failed, "TPU-v5e", 4, 300),
            ("20260111-230000-ffffffff", "burgers-golden", "2026-01-11T23:00:00.000Z", "2026-01-11T23:59:00.000Z", 0.04, true, .succeeded, "A100-80GB", 1, 1800),
        ]
        for run in runs {
            var manifest = RunManifest(
                runID: run.id, experiment: run.experiment, created: run.start,
                config: .init(path: "configs/train.yaml", hash: "hash-\(run.id)"), evalConfigs: [:],
                git: .init(commit: nil, branch: nil, dirty: false, dirtyFiles: [], state: "no-repository"),
                data: [], host: "node-1", hardware: .init(gpuType: run.gpu, gpuCount: run.gpus, devices: "0", platform: "cuda"),
                stages: [RunManifest.StageRecord(name: "operator", phase: "train", log: "logs/operator.log")]
            )
            manifest.stages[0].status = .succeeded
            manifest.stages[0].seconds = run.seconds
            manifest.stages[0].attempts = 1
            manifest.stages[0].finished = run.end
            manifest.status = run.status
            manifest.updated = run.end
            manifest.passed = run.passed
            manifest.metrics = run.nrmse.map { ["full_eval": ["nrmse": $0]] } ?? [:]
            try FileManager.default.createDirectory(atPath: folder.url("runs/\(run.id)"), withIntermediateDirectories: true)
            try manifest.write(to: folder.url("runs/\(run.id)/manifest.json"))
        }
        let ingest = CommandRun(["ingest", "runs"], in: folder.path)
        #expect(ingest.status == 0, "\(ingest.err)")
        #expect(ingest.out == "ingested 6 runs\n")
        return folder
    }

    private func read(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    @Test func weeklyReportOfAnISOWeek() throws {
        let folder = try project()
        let run = CommandRun(["report", "--weekly", "--week", "2026-01-07"], in: folder.path)
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("Weekly report for burgers-demo: 2026-W02 (Mon 5 Jan 2026 – Sun 11 Jan 2026)"))
        #expect(run.out.contains("runs     4 finished, 2 passed, 2 failed"))
        #expect(run.out.contains("best     0.04 full_eval nrmse  20260111-230000-ffffffff (burgers-golden)"))
        // 1 h + 0.5 h + 0.5 h on one A100 at $1.60; the TPU run has no price.
        #expect(run.out.contains("cost     $3.20 (1 run without a price)"))
        #expect(run.out.contains("note: 1 run of this period used GPU type `TPU-v5e`, which has no price in configs/prices.yaml"))
        #expect(run.out.hasSuffix("wrote reports/2026-W02/report.html\n"))

        let html = read(folder.url("reports/2026-W02/report.html"))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<title>burgers-demo — weekly report 2026-W02</title>"))
        #expect(!html.contains("<b>bold</b>") && html.contains("&lt;b&gt;bold&lt;/b&gt;"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"))
        // The leaderboard ranks all five measured runs; this week's are marked.
        #expect(html.components(separatedBy: "<tr class=\"current\">").count - 1 == 3)
        #expect(html.contains("H100-80GB × 2"))
        #expect(html.contains(">$2.70<"), "0.5 h on two H100s at $2.70 per GPU-hour")
        // Cost per week from the first week with a run (2025-W52) to the report's week.
        #expect(html.contains(">W52</text>") && html.contains(">W01</text>") && html.contains(">W02</text>"))
        #expect(html.contains("Nothing to archive this week.") && html.contains("No configs catalogued."))
        #expect(Paths.kind(of: folder.url(".sota/leaderboard.sqlite")) == .file)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.url("reports/2026-W02"))
        #expect(leftovers.sorted() == ["catalog.csv", "report.html", "runs.csv"], "written atomically, no temporary file left")
    }

    @Test func jsonAndAnOutputFolder() throws {
        let folder = try project()
        let run = CommandRun(["report", "--weekly", "--week", "2026-W02", "--output", "out/weekly", "--json"], in: folder.path)
        #expect(run.status == 0, "\(run.err)")
        #expect(run.err == "wrote out/weekly/report.html\n")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        #expect(object["project_name"] as? String == "burgers-demo")
        let runs = try #require(object["week_runs"] as? [[String: Any]])
        #expect(runs.map { $0["run_id"] as? String } == ["20260105-090000-cccccccc", "20260106-090000-dddddddd",
                                                         "20260107-090000-eeeeeeee", "20260111-230000-ffffffff"])
        #expect(runs[0]["cost"] as? Double == 1.6)
        #expect(runs[2]["cost"] == nil, "no price, no cost")
        let leaderboard = try #require(object["leaderboard"] as? [[String: Any]])
        #expect(leaderboard.map { $0["rank"] as? Int } == [1, 2, 3, 4, 5])
        #expect(leaderboard.first?["run_id"] as? String == "20260111-230000-ffffffff")
        let series = try #require(object["series"] as? [String: Any])
        #expect((series["best_by_day"] as? [Any])?.count == 5)
        #expect((series["best_by_experiment"] as? [[String: Any]])?.map { $0["experiment"] as? String }
                == ["burgers-golden", "latent-16", "latent-8"])
        let weeks = try #require(series["cost_by_week"] as? [[String: Any]])
        #expect(weeks.map { $0["week"] as? String } == ["2025-W52", "2026-W01", "2026-W02"])
        #expect(weeks.last?["unpriced_runs"] as? Int == 1)
        #expect((object["archive_candidates"] as? [Any])?.isEmpty == true)
        #expect(Paths.kind(of: folder.url("out/weekly/report.html")) == .file)
    }

    @Test func higherIsBetterAndAnotherMetric() throws {
        let folder = try project()
        let run = CommandRun(["report", "--weekly", "--week", "2026-01-05", "--direction", "higher", "--json"], in: folder.path)
        #expect(run.status == 0, "\(run.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        #expect((object["leaderboard"] as? [[String: Any]])?.first?["run_id"] as? String == "20260106-090000-dddddddd")
        let none = CommandRun(["report", "--weekly", "--week", "2026-01-05", "--metric", "accuracy"], in: folder.path)
        #expect(none.status == 0)
        #expect(none.out.contains("best     no run of the period measured full_eval accuracy"))
    }

    @Test func aProjectWithoutRunsGetsAnEmptyReportAndNoIndex() {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", "project: fresh\n")
        let run = CommandRun(["report", "--weekly", "--week", "2026-01-07"], in: folder.path)
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("runs     0 finished"))
        #expect(run.out.contains("note: There is no leaderboard yet (.sota/leaderboard.sqlite)"))
        #expect(Paths.kind(of: folder.url(".sota/leaderboard.sqlite")) == .missing, "a report never creates the index")
        #expect(read(folder.url("reports/2026-W02/report.html")).contains(">No runs yet</text>"))
    }

    @Test func badUsageIsRefusedBeforeAnythingIsWritten() {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", "project: fresh\n")
        for (arguments, message) in [
            (["report"], "choose a report: --weekly"),
            (["report", "--weekly", "--week", "2026-02-30"], "--week must be a day like 2026-01-07 or a week like 2026-W02, got `2026-02-30`"),
            (["report", "--weekly", "--direction", "up"], "--direction must be lower or higher"),
            (["report", "--weekly", "--top", "0"], "--top must be between 1 and 1000"),
        ] {
            let run = CommandRun(arguments, in: folder.path)
            #expect(run.status == 64, "\(arguments)")
            #expect(run.err.contains(message), "\(run.err)")
        }
        #expect(Paths.kind(of: folder.url("reports")) == .missing)
    }

    @Test func anUnwritableOutputIsAnErrorNamingIt() {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", "project: fresh\n")
        folder.write("taken", "a file where the folder should go\n")
        let run = CommandRun(["report", "--weekly", "--output", "taken/sub"], in: folder.path)
        #expect(run.status == 1)
        #expect(run.err.contains("taken/sub"), "\(run.err)")
    }
}

@Suite struct WeeklyMaintenanceTests {
    @Test func theReportListsWhatWouldBeArchivedAndApplyArchivesIt() throws {
        let folder = TemporaryDirectory()
        for file in ["sota.yaml", "configs/train_burgers_golden.yaml", "configs/small_eval.yaml", "configs/full_eval.yaml",
                     "configs/prices.yaml", "scripts/train.py", "scripts/evaluate.py", "scripts/burgers_lib.py",
                     "data/burgers_1d.npz", "data/SHA256SUMS"] {
            try FileManager.default.createDirectory(atPath: Paths.parent(of: folder.url(file)), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Paths.join(Repository.root, file), toPath: folder.url(file))
        }
        #expect(CommandRun(["experiment", "new", "tiny", "--set", "latent.dim=4", "--set", "operator.pdet.input_dim=4"], in: folder.path).status == 0)
        let experiment = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.url("experiments")).first { $0.hasSuffix("-tiny") })
        let run = CommandRun(["run", "--train-config", "experiments/\(experiment)/config.yaml"], in: folder.path)
        #expect([0, 3].contains(run.status), "\(run.err)")

        let listed = CommandRun(["report", "--weekly", "--output", "out"], in: folder.path)
        #expect(listed.status == 0, "\(listed.err)")
        #expect(listed.out.contains("archive  1 experiment to archive (--apply moves them into experiments-archive/)"), "\(listed.out)")
        var html = try String(contentsOfFile: folder.url("out/report.html"), encoding: .utf8)
        #expect(html.contains("tiny"))
        #expect(Paths.kind(of: folder.url("experiments/\(experiment)")) == .directory)
        let csv = try String(contentsOfFile: folder.url("out/catalog.csv"), encoding: .utf8)
        #expect(csv.contains("experiments/\(experiment)/config.yaml,active,tiny,"), "\(csv)")

        let applied = CommandRun(["report", "--weekly", "--output", "out", "--apply"], in: folder.path)
        #expect(applied.status == 0, "\(applied.err)")
        #expect(applied.out.contains("archived experiments/\(experiment) -> experiments-archive/\(experiment)"), "\(applied.out)")
        // The summary says what was done, not what could be.
        #expect(applied.out.contains("archive  archived 1 experiment into experiments-archive/"), "\(applied.out)")
        #expect(Paths.kind(of: folder.url("experiments-archive/\(experiment)")) == .directory)
        #expect(Paths.kind(of: folder.url("experiments/\(experiment)")) == .missing)
        html = try String(contentsOfFile: folder.url("out/report.html"), encoding: .utf8)
        #expect(html.contains("archived"))
        let after = try String(contentsOfFile: folder.url("out/catalog.csv"), encoding: .utf8)
        #expect(after.contains("experiments-archive/\(experiment)/config.yaml,archived,tiny,"), "\(after)")
    }
}
