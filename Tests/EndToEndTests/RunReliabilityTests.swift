import Foundation
import SotaSupport
import SotaTestSupport
import Testing

/// A project whose train and evaluate programs are quick shell scripts, for crash and concurrency tests of the binary.
private func scriptedProject(train: String = #"echo "$1" >> trained.txt; echo "$1" > "$2/$1.out""#) -> TemporaryDirectory {
    let folder = TemporaryDirectory()
    folder.write("sota.yaml", "project: scripted\n")
    folder.write("train.sh", "set -e\n" + train + "\n")
    folder.write("evaluate.sh", "set -e\necho '{\"nrmse\": 0.1}' > \"$1\"\n")
    folder.write("train.yaml", """
    experiment: scripted
    seed: 3
    training:
      command: [sh, train.sh, "{stage}", "{checkpoint_dir}"]
      epochs: 1
      learning_rate: 0.1
      checkpoint: c.out
      stages: [{name: a, outputs: [a.out]}, {name: b, outputs: [b.out]}, {name: c, outputs: [c.out]}]
    resources: {platform: cpu}
    pipeline: {small_eval: eval.yaml, full_eval: eval.yaml}
    """)
    folder.write("eval.yaml", """
    evaluation: {command: [sh, evaluate.sh, "{metrics}"], metrics: metrics.json}
    gates: [{metric: nrmse, direction: lower, threshold: 0.5}]
    """)
    return folder
}

private func runEnvironment(_ extra: [String: String]) -> [String: String] {
    ProcessInfo.processInfo.environment.merging(extra) { $1 }
}

/// Spawns the binary with extra environment variables.
private func sota(_ arguments: [String], in folder: String, environment: [String: String] = [:]) throws -> BinaryRun {
    try BinaryRun(arguments, in: folder, environment: runEnvironment(environment))
}

private func runID(in folder: TemporaryDirectory) throws -> String {
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.url("runs"))
    return try #require(names.count == 1 ? names.first : nil, "\(names)")
}

private func leaderboardRows(_ folder: TemporaryDirectory) throws -> [[String: Any]] {
    let run = try sota(["leaderboard", "--json", "--top", "1000"], in: folder.path)
    return try #require((try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])?["runs"] as? [[String: Any]], "\(run.out)\(run.err)")
}

@Suite struct RunReliabilityTests {
    @Test(arguments: ["spawn:b", "marker:b", "gate:small_eval", "gate:full_eval", "index"])
    func killedAtAnyPointResumes(point: String) throws {
        let folder = scriptedProject()
        let killed = try sota(["run", "--train-config", "train.yaml"], in: folder.path, environment: ["SOTA_FAULT_INJECT": point])
        #expect(killed.status == 9 || killed.status == 128 + 9 || killed.status != 0, "\(point): \(killed.status)")
        let id = try runID(in: folder)
        let manifest = try String(contentsOfFile: folder.url("runs/\(id)/manifest.json"), encoding: .utf8)
        #expect((try? JSONSerialization.jsonObject(with: Data(manifest.utf8))) != nil, "manifest must stay valid JSON after kill -9")
        let before = (try? String(contentsOfFile: folder.url("trained.txt"), encoding: .utf8)) ?? ""
        let resumed = try sota(["run", "--resume", String(id.prefix(20))], in: folder.path)
        #expect(resumed.status == 0, "\(point): \(resumed.out)\(resumed.err)")
        let after = try String(contentsOfFile: folder.url("trained.txt"), encoding: .utf8)
        // Stages finished before the kill never run again.
        #expect(after.hasPrefix(before))
        #expect(after.split(separator: "\n") == ["a", "b", "c"], "\(point): \(after)")
        #expect(try leaderboardRows(folder).filter { $0["run_id"] as? String == id }.count == 1)
    }

    @Test func killedMidTrainingResumes() throws {
        // The child kills sota with SIGKILL while it is itself still working; its parent is the guardian that sota
        // starts every child under, so sota is the grandparent. The guardian stops the child as sota dies.
        let folder = scriptedProject(train: #"""
        if [ "$1" = b ] && [ ! -f killed-once ]; then touch killed-once; kill -9 "$(ps -o ppid= -p $PPID | tr -d ' ')"; sleep 1; fi
        echo "$1" >> trained.txt; echo "$1" > "$2/$1.out"
        """#)
        let killed = try sota(["run", "--train-config", "train.yaml"], in: folder.path)
        #expect(killed.status != 0)
        let id = try runID(in: folder)
        let resumed = try sota(["run", "--resume", id], in: folder.path)
        #expect(resumed.status == 0, "\(resumed.out)\(resumed.err)")
        #expect(resumed.out.contains("a: already done") || resumed.out.contains("- a: already done"))
        let trained = try String(contentsOfFile: folder.url("trained.txt"), encoding: .utf8).split(separator: "\n")
        #expect(trained.filter { $0 == "a" }.count == 1)
        #expect(try leaderboardRows(folder).count == 1)
    }

    @Test func sixteenConcurrentRunsLoseNothing() throws {
        let folder = scriptedProject()
        let processes: [Process] = try (0..<16).map { _ in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: BinaryRun.binary)
            process.arguments = ["run", "--train-config", "train.yaml"]
            process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
            process.environment = runEnvironment(["NO_COLOR": "1"])
            process.standardOutput = FileHandle.nullDevice
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            return process
        }
        for process in processes { process.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let rows = try leaderboardRows(folder)
        #expect(rows.count == 16)
        #expect(Set(rows.compactMap { $0["run_id"] as? String }).count == 16)
    }

    @Test func corruptLeaderboardStopsTheRunBeforeAnyChildAndStaysUntouched() throws {
        let folder = scriptedProject()
        let garbage = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }
        folder.write(".sota/leaderboard.sqlite", garbage)
        let run = try sota(["run", "--train-config", "train.yaml"], in: folder.path)
        #expect(run.status == 1)
        #expect(run.err.contains("leaderboard.sqlite"))
        #expect(Paths.kind(of: folder.url("trained.txt")) == .missing)
        #expect(Paths.kind(of: folder.url("runs")) == .missing)
        #expect(Array(FileManager.default.contents(atPath: folder.url(".sota/leaderboard.sqlite")) ?? Data()) == garbage)
    }

    @Test func sigintStopsTheChildAndLeavesAResumableRun() throws {
        let folder = scriptedProject(train: #"""
        if [ "$1" = b ] && [ ! -f slow-once ]; then touch slow-once; echo started > b.started; sleep 30; fi
        echo "$1" >> trained.txt; echo "$1" > "$2/$1.out"
        """#)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BinaryRun.binary)
        process.arguments = ["run", "--train-config", "train.yaml", "--grace", "1s"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        process.environment = runEnvironment(["NO_COLOR": "1"])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<200 where Paths.kind(of: folder.url("b.started")) == .missing { usleep(25_000) }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let id = try runID(in: folder)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.url("runs/\(id)/manifest.json")))) as? [String: Any]
        #expect(manifest?["status"] as? String == "interrupted")
        let resumed = try sota(["run", "--resume", id], in: folder.path)
        #expect(resumed.status == 0, "\(resumed.out)\(resumed.err)")
    }
}

@Suite struct SweepTests {
    @Test func sweepRunsEveryValueOnePerDeviceAndWritesItsManifest() throws {
        let folder = scriptedProject(train: #"""
        echo "$1 $CUDA_VISIBLE_DEVICES" >> "devices-$SOTA_RUN_ID.txt"
        echo "$1" > "$2/$1.out"
        """#)
        let dry = try sota(["run", "--train-config", "train.yaml", "--sweep", "seed=1,2,3", "--gpus", "0,1", "--dry-run"], in: folder.path)
        #expect(dry.status == 0)
        #expect(dry.out.contains("3 runs on 2 devices (0, 1)"))
        #expect(Paths.kind(of: folder.url("runs")) == .missing)
        let run = try sota(["run", "--train-config", "train.yaml", "--sweep", "seed=1,2,3", "--gpus", "0,1",
                            "--set", "resources.platform=cuda"], in: folder.path)
        #expect(run.status == 0, "\(run.out)\(run.err)")
        let sweeps = try FileManager.default.contentsOfDirectory(atPath: folder.url("runs")).filter { $0.hasPrefix("sweep-") }
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.url("runs/\(sweeps[0])/sweep.json")))) as? [String: Any])
        #expect(manifest["expected"] as? Int == 3)
        #expect(manifest["completed"] as? Int == 3)
        let runs = try #require(manifest["runs"] as? [[String: Any]])
        #expect(runs.map { $0["device"] as? String } == ["0", "1", "0"])
        for entry in runs {
            let id = try #require(entry["run_id"] as? String)
            let devices = try String(contentsOfFile: folder.url("devices-\(id).txt"), encoding: .utf8)
            #expect(devices.split(separator: "\n").allSatisfy { $0.hasSuffix(" \(entry["device"] as? String ?? "?")") })
        }
        #expect(try leaderboardRows(folder).count == 3)
    }

    @Test func membersGetDistinctSeedsAndTheDevicesTheyAskFor() throws {
        let folder = scriptedProject(train: #"""
        echo "$CUDA_VISIBLE_DEVICES" > "devices-$SOTA_RUN_ID.txt"
        echo "$1" > "$2/$1.out"
        """#)
        let run = try sota(["run", "--train-config", "train.yaml", "--sweep", "training.learning_rate=0.1,0.2,0.3", "--gpus", "0,1,2,3,4",
                            "--set", "resources.gpus=2", "--set", "resources.platform=cuda"], in: folder.path)
        #expect(run.status == 0, "\(run.out)\(run.err)")
        #expect(run.out.contains("one run per 2 devices"))
        let sweep = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.url("runs")).first { $0.hasPrefix("sweep-") })
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.url("runs/\(sweep)/sweep.json")))) as? [String: Any])
        let entries = try #require(manifest["runs"] as? [[String: Any]])
        #expect(entries.map { $0["device"] as? String } == ["0,1", "2,3", "0,1"])
        var seeds: [String] = []
        for entry in entries {
            let id = try #require(entry["run_id"] as? String)
            let devices = try String(contentsOfFile: folder.url("devices-\(id).txt"), encoding: .utf8)
            #expect(devices == "\(entry["device"] as? String ?? "?")\n")
            let config = try String(contentsOfFile: folder.url("runs/\(id)/config.yaml"), encoding: .utf8)
            seeds += config.split(separator: "\n").filter { $0.hasPrefix("seed:") }.map(String.init)
        }
        // The config's seed is 3: member i runs with seed 3 + i, as a Slurm sweep's task i does.
        #expect(seeds == ["seed: 3", "seed: 4", "seed: 5"])
        let tooFew = try sota(["run", "--train-config", "train.yaml", "--sweep", "seed=1,2", "--gpus", "0", "--set", "resources.gpus=2"], in: folder.path)
        #expect(tooFew.status == 64)
        #expect(tooFew.err.contains("each run needs 2 devices"))
    }

    @Test func aSweepResumesAsAWhole() throws {
        // The member with seed 2 fails its stage b once; resuming the sweep finishes it and leaves the others alone.
        let folder = scriptedProject(train: #"""
        if [ "$SOTA_SEED" = 2 ] && [ "$1" = b ] && [ ! -f failed-once ]; then touch failed-once; exit 1; fi
        echo "$SOTA_SEED $1" >> trained.txt
        echo "$1" > "$2/$1.out"
        """#)
        let first = try sota(["run", "--train-config", "train.yaml", "--sweep", "seed=1,2,3"], in: folder.path)
        #expect(first.status == 2, "\(first.out)\(first.err)")
        #expect(first.err.contains("sota run --resume sweep-") || first.out.contains("1 failed"))
        let sweep = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.url("runs")).first { $0.hasPrefix("sweep-") })
        let resumed = try sota(["run", "--resume", sweep], in: folder.path)
        #expect(resumed.status == 0, "\(resumed.out)\(resumed.err)")
        #expect(resumed.out.contains("1 of 3 runs to finish"))
        #expect(resumed.out.contains("3 of 3 completed, 0 failed"))
        let trained = try String(contentsOfFile: folder.url("trained.txt"), encoding: .utf8).split(separator: "\n")
        // Seed 2's stage a finished before the failure and is not redone; every other stage ran once.
        #expect(trained.sorted() == ["1 a", "1 b", "1 c", "2 a", "2 b", "2 c", "3 a", "3 b", "3 c"])
        #expect(try leaderboardRows(folder).count == 3)
        let again = try sota(["run", "--resume", sweep], in: folder.path)
        #expect(again.out.contains("0 of 3 runs to finish"))
    }

    @Test func aBadValueStopsTheWholeSweepBeforeAnyRun() throws {
        let folder = scriptedProject()
        let run = try sota(["run", "--train-config", "train.yaml", "--sweep", "training.epochs=1,zero"], in: folder.path)
        #expect(run.status == 1)
        #expect(run.err.contains("run 1 (training.epochs=zero"))
        #expect(Paths.kind(of: folder.url("runs")) == .missing)
    }
}

@Suite struct PromoteTests {
    @Test func passingRunIsPromotedAndTheReplacedConfigKept() throws {
        let folder = scriptedProject()
        let first = try sota(["run", "--train-config", "train.yaml", "--promote"], in: folder.path)
        #expect(first.status == 0, "\(first.out)\(first.err)")
        #expect(first.out.contains("promoted to configs/scripted.yaml"))
        #expect(FileManager.default.contents(atPath: folder.url("configs/scripted.yaml")) == FileManager.default.contents(atPath: folder.url("train.yaml")))
        let second = try sota(["run", "--train-config", "train.yaml", "--promote", "--set", "seed=4"], in: folder.path)
        #expect(second.status == 0)
        #expect(second.out.contains("the previous config is kept in configs/.previous/scripted-"))
        let promoted = try String(contentsOfFile: folder.url("configs/scripted.yaml"), encoding: .utf8)
        #expect(promoted.hasPrefix("# Promoted from run "))
        #expect(promoted.contains("seed: 4"))
        let kept = try FileManager.default.contentsOfDirectory(atPath: folder.url("configs/.previous"))
        #expect(kept.filter { $0.hasSuffix(".yaml") }.count == 1)
        // Beside it: the production history both promotions were recorded in, and the file that keeps git out.
        #expect(Set(kept.filter { !$0.hasSuffix(".yaml") }) == [".gitignore", "promotions.json"], "\(kept)")
    }

    @Test func rejectedRunIsNotPromoted() throws {
        let folder = scriptedProject()
        folder.write("evaluate.sh", "echo '{\"nrmse\": 0.9}' > \"$1\"\n")
        let run = try sota(["run", "--train-config", "train.yaml", "--promote"], in: folder.path)
        #expect(run.status == 3)
        #expect(run.out.contains("not promoted"))
        #expect(Paths.kind(of: folder.url("configs")) == .missing)
    }
}

@Suite struct StandaloneAndIndexCommandTests {
    @Test func trainRunsOneStageWithTheRunEnvironment() throws {
        let folder = scriptedProject(train: #"echo "stage=$SOTA_STAGE epochs=$SOTA_EPOCHS"; echo "$1" > "$2/$1.out""#)
        let run = try sota(["train", "--config", "train.yaml", "--stage", "b", "--epochs", "3", "--output-dir", "out"], in: folder.path)
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("stage=b epochs=3"))
        #expect(Paths.kind(of: folder.url("out/b.out")) == .file)
        #expect(Paths.kind(of: folder.url("out/a.out")) == .missing)
        let typo = try sota(["train", "--config", "train.yaml", "--stage", "bb"], in: folder.path)
        #expect(typo.status == 64)
        #expect(typo.err.contains("did you mean b?"))
    }

    @Test func evaluateShowsMetricsAndGates() throws {
        let folder = scriptedProject()
        folder.write("ckpt.out", "weights\n")
        let run = try sota(["evaluate", "--checkpoint", "ckpt.out", "--config", "eval.yaml", "--output", "m.json"], in: folder.path)
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("nrmse: 0.1"))
        #expect(run.out.contains("gate nrmse: pass"))
        #expect(Paths.kind(of: folder.url("m.json")) == .file)
        let missing = try sota(["evaluate", "--checkpoint", "nope", "--config", "eval.yaml"], in: folder.path)
        #expect(missing.status == 64)
    }

    @Test func compareShowsConfigDifferencesAndMetricDeltas() throws {
        let folder = scriptedProject()
        #expect(try sota(["run", "--train-config", "train.yaml"], in: folder.path).status == 0)
        folder.write("evaluate.sh", "echo '{\"nrmse\": 0.08}' > \"$1\"\n")
        #expect(try sota(["run", "--train-config", "train.yaml", "--set", "seed=9"], in: folder.path).status == 0)
        let ids = try FileManager.default.contentsOfDirectory(atPath: folder.url("runs")).sorted()
        let run = try sota(["compare", ids[0], ids[1], "--json"], in: folder.path)
        #expect(run.status == 0, "\(run.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        let differences = try #require(object["config_differences"] as? [[String: Any]])
        #expect(differences.count == 1)
        #expect(differences.first?["key"] as? String == "seed")
        let metrics = try #require(object["metrics"] as? [[String: Any]])
        // Both runs may start within one second, so their ids need not sort in run order: check the arithmetic.
        let full = try #require(metrics.first { $0["phase"] as? String == "full_eval" })
        let (a, b, delta) = (full["a"] as? Double ?? 0, full["b"] as? Double ?? 0, full["delta"] as? Double ?? 0)
        #expect(Set([a, b]) == [0.1, 0.08])
        #expect(abs(delta - (b - a)) < 1e-12)
        let text = try sota(["compare", ids[0], ids[1]], in: folder.path)
        #expect(text.out.contains(a > b ? "-20.0%" : "+25.0%"))
        #expect(text.out.contains("gate"), "\(text.out)")

        // Any number of runs side by side, each measured from the first.
        folder.write("evaluate.sh", "echo '{\"nrmse\": 0.05}' > \"$1\"\n")
        #expect(try sota(["run", "--train-config", "train.yaml", "--set", "seed=11"], in: folder.path).status == 0)
        let three = try FileManager.default.contentsOfDirectory(atPath: folder.url("runs")).sorted()
        let many = try sota(["compare"] + three + ["--json"], in: folder.path)
        #expect(many.status == 0, "\(many.err)")
        let side = try #require(try JSONSerialization.jsonObject(with: Data(many.out.utf8)) as? [String: Any])
        #expect((side["runs"] as? [String])?.count == 3)
        let seeds = try #require((side["config_differences"] as? [[String: Any]])?.first { $0["key"] as? String == "seed" })
        #expect((seeds["values"] as? [String]).map(Set.init)?.count == 3, "\(seeds)")
        let fullEval = try #require((side["metrics"] as? [[String: Any]])?.first { $0["phase"] as? String == "full_eval" })
        #expect((fullEval["values"] as? [Double]).map(Set.init) == [0.1, 0.08, 0.05], "\(fullEval)")
        #expect((fullEval["deltas"] as? [Any])?.count == 3)
        #expect((side["gates"] as? [[String: Any]])?.isEmpty == false)
        let table = try sota(["compare"] + three, in: folder.path)
        #expect(table.out.contains("3 = \(three[2])"), "\(table.out)")
        let one = try sota(["compare", three[0]], in: folder.path)
        #expect(one.status == 64 && one.err.contains("at least two runs"), "\(one.err)")
    }

    @Test func ingestIsIdempotentAndRebuildRecreatesTheIndex() throws {
        let folder = scriptedProject()
        #expect(try sota(["run", "--train-config", "train.yaml"], in: folder.path).status == 0)
        try FileManager.default.removeItem(atPath: folder.url(".sota"))
        #expect(try leaderboardRows(folder).isEmpty)
        let first = try sota(["ingest", "runs"], in: folder.path)
        #expect(first.out.contains("ingested 1 run"))
        _ = try sota(["ingest", "runs"], in: folder.path)
        #expect(try leaderboardRows(folder).count == 1)
        folder.write("runs/broken/manifest.json", "{not json")
        let partial = try sota(["ingest", "runs"], in: folder.path)
        #expect(partial.status == 1)
        #expect(partial.err.contains("runs/broken/manifest.json"))
        try FileManager.default.removeItem(atPath: folder.url(".sota"))
        let rebuilt = try sota(["leaderboard", "--rebuild", "--json"], in: folder.path)
        #expect(rebuilt.err.contains("rebuilt the leaderboard from 1 run"))
        #expect(try leaderboardRows(folder).count == 1)
    }
}
