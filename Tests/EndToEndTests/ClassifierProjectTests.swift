import Foundation
import SotaSupport
import SotaTestSupport
import Testing

/// A second project, not the demo: a classifier team's repository (`model:`, `optimizer:`, `training.max_steps`,
/// `wandb:`, `accuracy` higher-is-better) adopted with `sota init` and taken through every command by the binary.
@Suite struct ClassifierProjectTests {
    private func project() -> TemporaryDirectory {
        let folder = TemporaryDirectory()
        for item in ["configs", "train.py", "evaluate.py"] {
            folder.copy(Paths.join(Repository.root, "Tests/Fixtures/classifier/" + item), to: item)
        }
        return folder
    }

    private func json(_ run: BinaryRun) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(run.out.utf8))
    }

    @Test func adoptedWithInitThenValidatedRunRankedSweptComparedAndReported() throws {
        let folder = project()
        let before = try FileManager.default.contentsOfDirectory(atPath: folder.url("configs")).sorted().map { name in
            (name, try String(contentsOfFile: folder.url("configs/" + name), encoding: .utf8))
        }
        // A hand-made experiment folder, as teams keep them before sota: a dated folder with a config and no metadata.
        let base = try String(contentsOfFile: folder.url("configs/base.yaml"), encoding: .utf8)
        folder.write("experiments/2026-11-20-lr-probe/config.yaml", base.replacingOccurrences(of: "lr: 0.001", with: "lr: 0.003"))
        folder.write("experiments/scratch/config.yaml", base)
        let initRun = try BinaryRun(["init", "--train-command", "python3 train.py --config {config} --out {checkpoint_dir}",
                                     "--evaluate-command", "python3 evaluate.py --checkpoint {checkpoint} --out {metrics}",
                                     "--metric", "accuracy", "--direction", "higher"], in: folder.path)
        #expect(initRun.status == 0, "\(initRun.err)")
        #expect(initRun.out.contains("wrote sota.yaml"), "\(initRun.out)")
        #expect(initRun.out.contains("  sota run --train-config configs/base.yaml"), "\(initRun.out)")
        let after = try FileManager.default.contentsOfDirectory(atPath: folder.url("configs")).sorted().map { name in
            (name, try String(contentsOfFile: folder.url("configs/" + name), encoding: .utf8))
        }
        #expect(before.map(\.0) == after.map(\.0) && before.map(\.1) == after.map(\.1), "init changed the team's configs")
        #expect(initRun.out.contains("adopted experiments/2026-11-20-lr-probe as an experiment"), "\(initRun.out)")
        #expect(initRun.err.contains("experiments/scratch is left as it is: its name is not DAY-NAME"), "\(initRun.err)")
        #expect(Paths.kind(of: folder.url("experiments/scratch/metadata.json")) == .missing)
        let show = try BinaryRun(["experiment", "show", "lr-probe", "--json"], in: folder.path)
        #expect(show.status == 0, "\(show.out)\(show.err)")
        try FileManager.default.removeItem(atPath: folder.url("experiments/scratch"))
        let ignore = try String(contentsOfFile: folder.url(".gitignore"), encoding: .utf8)
        for line in ["runs/", ".sota/", "reports/", "configs/.previous/"] { #expect(ignore.contains(line + "\n")) }
        let again = try BinaryRun(["init"], in: folder.path)
        #expect(again.status == 1 && again.err.contains("sota.yaml already exists"), "\(again.err)")

        let validate = try BinaryRun(["validate", "config", "configs/base.yaml", "configs/wide.yaml", "configs/eval.yaml"], in: folder.path)
        #expect(validate.status == 0, "\(validate.out)\(validate.err)")
        // The inferred schema checks the team's keys: a wrong type is an error; in `model`, open since the configs hold
        // different keys there, a key one letter off a declared one is a warning. Each is located.
        folder.write("configs/typo.yaml", "model: {name: resnet18, depht: 3, depth: x, pretrained: true}\noptimizer: {name: adam, lr: 0.1}\n"
                     + "training: {max_steps: 5}\nwandb: {project: p}\n")
        let typo = try BinaryRun(["validate", "config", "configs/typo.yaml"], in: folder.path)
        #expect(typo.status == 1)
        #expect(typo.err.contains("configs/typo.yaml:1:25: warning: undeclared key `model.depht`"), "\(typo.err)")
        #expect(typo.err.contains("did you mean `model.depth`?"), "\(typo.err)")
        #expect(typo.err.contains("configs/typo.yaml:1:42: error: `model.depth` must be an integer"), "\(typo.err)")
        try FileManager.default.removeItem(atPath: folder.url("configs/typo.yaml"))

        // The team's trainer writes its W&B run page where sota asks (SOTA_TRACKER_URL_FILE).
        let projectFile = try String(contentsOfFile: folder.url("sota.yaml"), encoding: .utf8)
        // Its trainer counts steps: a stage's work is steps × batch, and the team knows its samples per second.
        folder.write("sota.yaml", projectFile + "\ntracker_url_file: tracker_url.txt\ncost: {work: [training.max_steps, training.batch_size], unit: samples}\n")

        let plan = try BinaryRun(["dry-run", "configs/base.yaml"], in: folder.path)
        #expect(plan.status == 0, "\(plan.err)")
        #expect(plan.out.contains("$ python3 train.py --config runs/"), "\(plan.out)")
        #expect(plan.out.contains("gate accuracy > 0.5"), "\(plan.out)")
        let priced = try BinaryRun(["dry-run", "configs/base.yaml", "--gpu", "A100-80GB", "--price", "2", "--set", "resources.throughput.A100-80GB=1600"],
                                   in: folder.path)
        #expect(priced.status == 0, "\(priced.err)")
        // 200 steps × 32 samples ÷ 1600 samples/s = 4 s, each number with where it was written.
        #expect(priced.out.contains("200 training.max_steps [configs/base.yaml:10:14] × 32 training.batch_size [configs/base.yaml:11:15] ÷ 1600 samples/s/GPU"),
                "\(priced.out)")

        for config in ["configs/base.yaml", "configs/wide.yaml"] {
            let run = try BinaryRun(["run", "--train-config", config], in: folder.path)
            #expect(run.status == 0, "\(config): \(run.out)\(run.err)")
            #expect(run.out.contains(" passed  accuracy 0."), "\(run.out)")
            // The trainer wrote its steps where `sota init`'s config_defaults asked (SOTA_STEP_METRICS_FILE).
            #expect(run.out.contains("step history (steps.jsonl, to step ") && run.out.contains("loss █"), "\(run.out)")
        }
        let sweep = try BinaryRun(["run", "--train-config", "configs/base.yaml", "--sweep", "optimizer.lr=1e-4,3e-3,1e-2"], in: folder.path)
        #expect(sweep.status == 0, "\(sweep.out)\(sweep.err)")

        // Higher accuracy ranks first without being told, and the swept hyperparameters are columns.
        let board = try BinaryRun(["leaderboard"], in: folder.path)
        #expect(board.status == 0 && board.err.isEmpty, "\(board.err)")
        let header = board.out.split(separator: "\n").first.map(String.init) ?? ""
        #expect(header.contains("accuracy") && header.contains("optimizer.lr") && header.contains("model.name"), "\(board.out)")
        let rows = try #require((try json(try BinaryRun(["leaderboard", "--json"], in: folder.path)) as? [String: Any])?["runs"] as? [[String: Any]])
        let values = rows.compactMap { $0["value"] as? Double }
        #expect(values.count == 5 && values == values.sorted(by: >), "\(values)")
        #expect((rows.first?["parameters"] as? [String: Any])?["optimizer.lr"] as? Double == 3e-3, "\(rows.first ?? [:])")
        let leaderURL = try #require(rows.first?["tracker_url"] as? String, "\(rows.first ?? [:])")
        #expect(leaderURL == "https://wandb.ai/vision-team/cls-demo/runs/\(rows.first?["run_id"] as? String ?? "")", "credentials are dropped")
        #expect(!board.out.contains("s3cret"))
        let filtered = try #require((try json(try BinaryRun(["leaderboard", "--json", "--where", "optimizer.lr < 5e-3 and model.name = resnet18"],
                                                            in: folder.path)) as? [String: Any])?["runs"] as? [[String: Any]])
        #expect(filtered.count == 3, "\(filtered)")
        #expect(filtered.allSatisfy { (($0["parameters"] as? [String: Any])?["optimizer.lr"] as? Double ?? 1) < 5e-3 })

        let ids = rows.compactMap { $0["run_id"] as? String }
        let compare = try BinaryRun(["compare"] + ids.prefix(3), in: folder.path)
        #expect(compare.status == 0, "\(compare.err)")
        #expect(compare.out.contains("3 = \(ids[2])") && compare.out.contains("accuracy"), "\(compare.out)")
        // Each run's step history as a sparkline with where it ended, and its tracker page.
        let historyRow = compare.out.split(separator: "\n").first { $0.hasPrefix("loss ") }.map(String.init) ?? ""
        #expect(compare.out.contains("history") && historyRow.contains("@"), "\(compare.out)")
        #expect(compare.out.contains("https://wandb.ai/vision-team/cls-demo/runs/\(ids[0])"), "\(compare.out)")

        // The catalog reads the configs as the runs got them, the project's defaults applied: none is invalid.
        let catalog = try BinaryRun(["catalog"], in: folder.path)
        #expect(catalog.status == 0 && !catalog.out.contains("invalid"), "\(catalog.out)\(catalog.err)")
        // base.yaml's best result came from the sweep's learning rate, not from the value the config holds: the row says so.
        let catalogRows = try #require((try json(try BinaryRun(["catalog", "--format", "json"], in: folder.path)) as? [String: Any])?["configs"] as? [[String: Any]])
        let baseRow = try #require(catalogRows.first { $0["path"] as? String == "configs/base.yaml" })
        #expect((baseRow["best_run_overrides"] as? String)?.contains("optimizer.lr=") == true, "\(baseRow)")

        let report = try BinaryRun(["report", "--weekly", "--json"], in: folder.path)
        #expect(report.status == 0, "\(report.err)")
        #expect(report.out.contains("\"accuracy\""), "\(report.out.prefix(400))")
        // The report's leaderboard shows the hyperparameters behind each result.
        #expect(report.out.contains("\"optimizer.lr\""), "\(report.out.prefix(800))")
        let week = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.url("reports")).first { $0.contains("-W") })
        let html = try String(contentsOfFile: folder.url("reports/\(week)/report.html"), encoding: .utf8)
        #expect(html.contains("optimizer.lr=0.003"), "the leader's learning rate is beside its result")
        #expect(html.contains("href=\"\(leaderURL)\""), "the leader links to its tracker page")
        #expect(!html.contains("s3cret"))
        // The best runs' step histories, overlaid: the ranking metric's and the loss.
        #expect(html.contains("accuracy by step, best 5 runs") && html.contains("loss by step, best 5 runs"), "the report draws the curves")
        #expect(Paths.kind(of: folder.url("runs")) == .directory)

        // The adopted experiment, run: its page shows each run's history and the best run's tracker page.
        let probe = try BinaryRun(["run", "--train-config", "experiments/2026-11-20-lr-probe/config.yaml"], in: folder.path)
        #expect(probe.status == 0, "\(probe.out)\(probe.err)")
        let page = try BinaryRun(["experiment", "show", "lr-probe"], in: folder.path)
        #expect(page.status == 0, "\(page.err)")
        #expect(page.out.contains("tracker        https://wandb.ai/vision-team/cls-demo/runs/"), "\(page.out)")
        #expect(page.out.contains("history") && page.out.contains("accuracy ▁"), "\(page.out)")
        let pageJSON = try #require(try json(try BinaryRun(["experiment", "show", "lr-probe", "--json"], in: folder.path)) as? [String: Any])
        let listed = try #require((pageJSON["run_list"] as? [[String: Any]])?.first)
        #expect(((listed["history"] as? [String: Any])?["loss"] as? [[Double]])?.first == [0, 2.35], "\(listed)")
    }
}
