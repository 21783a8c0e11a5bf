import SotaIndex
import SotaPlan
import SotaTestSupport
import Testing
import SotaRunRecord

@Suite struct QueryTests {
    /// Five burgers runs and one heat run; B and D tie on nrmse, D being older.
    private func board() throws -> Leaderboard {
        let board = try Leaderboard.inMemory()
        let runs: [(String, String, Int, Double, Bool?)] = [
            ("A", "burgers", 1, 0.30, true), ("B", "burgers", 4, 0.10, true), ("C", "burgers", 3, 0.50, false),
            ("D", "burgers", 2, 0.10, nil), ("E", "burgers", 5, 0.20, true), ("H", "heat", 6, 0.01, true),
        ]
        for (id, experiment, minute, nrmse, passed) in runs {
            let manifest = RunManifestFactory.make(id, experiment: experiment, minute: minute,
                                                   metrics: ["full_eval": ["nrmse": nrmse], "small_eval": ["nrmse": 1 - nrmse]],
                                                   passed: passed)
            try board.ingest(manifest, manifestPath: "runs/\(id)/manifest.json")
        }
        // A run without the metric is never listed.
        try board.ingest(RunManifestFactory.make("Z"), manifestPath: "runs/Z/manifest.json")
        return board
    }

    @Test func topRanksLowerIsBetterWithTiesToTheOlderRun() throws {
        let rows = try board().top(metric: "nrmse", phase: "full_eval", direction: .lower, limit: 4)
        #expect(rows.map(\.runID) == ["H", "D", "B", "E"])
        #expect(rows.map(\.rank) == [1, 2, 3, 4])
        #expect(rows[1].passed == nil)
        #expect(rows[0].experiment == "heat")
        #expect(rows[0].configHash == "hash-H")
        #expect(rows[0].gitCommit == "0123abcd")
        #expect(rows[0].gpuType == "A100-80GB")
        #expect(rows[0].totalSeconds == 60)
        #expect(rows[0].status == "succeeded")
    }

    @Test func topRanksHigherIsBetterAndFiltersByExperiment() throws {
        let board = try board()
        let higher = try board.top(metric: "nrmse", phase: "full_eval", direction: .higher, limit: 10, experiment: "burgers")
        #expect(higher.map(\.runID) == ["C", "A", "E", "D", "B"])
        let small = try board.top(metric: "nrmse", phase: "small_eval", direction: .higher, limit: 2)
        #expect(small.map(\.runID) == ["H", "D"])
        #expect(small.map(\.value) == [0.99, 0.9])
        #expect(try board.top(metric: "nrmse", phase: "full_eval", direction: .lower, limit: 5, experiment: "none").isEmpty)
        #expect(try board.top(metric: "missing", phase: "full_eval", direction: .lower, limit: 5).isEmpty)
    }

    @Test func topRefusesLimitsOutOfRange() throws {
        let board = try board()
        for limit in [0, -1, 100_001] {
            #expect(throws: LeaderboardError.invalidLimit(limit)) {
                try board.top(metric: "nrmse", phase: "full_eval", direction: .lower, limit: limit)
            }
        }
        #expect("\(LeaderboardError.invalidLimit(0))" == "leaderboard limit must be between 1 and 100000, got 0")
        #expect(try board.top(metric: "nrmse", phase: "full_eval", direction: .lower, limit: 100_000).count == 6)
    }

    @Test func baselineIsProductionElseTheBestPassedRun() throws {
        let board = try board()
        // No promotion: the best passed burgers run (D ties B but never passed its gates).
        #expect(try board.baseline(metric: "nrmse", phase: "full_eval", direction: .lower, experiment: "burgers")
                == GateEvaluator.Baseline(runID: "B", value: 0.1))
        #expect(try board.baseline(metric: "nrmse", phase: "full_eval", direction: .lower, experiment: nil)?.runID == "H")
        #expect(try board.baseline(metric: "nrmse", phase: "full_eval", direction: .higher, experiment: "burgers")?.runID == "A")
        #expect(try board.baseline(metric: "nrmse", phase: "full_eval", direction: .lower, experiment: "none") == nil)

        // Promotions: the most recent one not rolled back wins, whatever its value; other experiments do not count.
        let first = try board.recordPromotion(runID: "E", experiment: "burgers", configPath: "runs/E/config.yaml",
                                              productionPath: "production/burgers.yaml", promotedAt: RunManifestFactory.timestamp(10),
                                              forced: false, previousPath: nil)
        try board.recordPromotion(runID: "H", experiment: "heat", configPath: "runs/H/config.yaml",
                                  productionPath: "production/heat.yaml", promotedAt: RunManifestFactory.timestamp(11),
                                  forced: false, previousPath: nil)
        #expect(try board.baseline(metric: "nrmse", phase: "full_eval", direction: .lower, experiment: "burgers")
                == GateEvaluator.Baseline(runID: "E", value: 0.2))
        let second = try board.recordPromotion(runID: "A", experiment: "burgers", configPath: "runs/A/config.yaml",
                                               productionPath: "production/burgers.yaml", promotedAt: RunManifestFactory.timestamp(12),
                                               forced: true, previousPath: "production/archive/burgers.yaml")
        #expect(second > first)
        #expect(try board.baseline(metric: "nrmse", phase: "full_eval", direction: .lower, experiment: "burgers")?.runID == "A")
        try board.markPromotionRolledBack(id: second)
        #expect(try board.baseline(metric: "nrmse", phase: "full_eval", direction: .lower, experiment: "burgers")?.runID == "E")
        // A production run without the metric falls back to the best passed run.
        #expect(try board.baseline(metric: "nrmse", phase: "train", direction: .lower, experiment: "burgers") == nil)
    }

    @Test func promotionHistoryRecordsWhoWhenAndTheRollback() throws {
        let board = try board()
        let id = try board.recordPromotion(PromotionRecord(
            runID: "B", experiment: "burgers", configPath: "experiments/b/config.yaml", productionPath: "configs/burgers.yaml",
            promotedAt: RunManifestFactory.timestamp(20), promotedBy: "Ada <ada@example.com>", previousPath: "configs/.previous/x.yaml",
            gitCommit: "0123abcd"))
        try board.recordPromotion(PromotionRecord(runID: "H", experiment: "heat", configPath: "h.yaml", productionPath: "configs/heat.yaml",
                                                  promotedAt: RunManifestFactory.timestamp(21), forced: true))
        var history = try board.promotions(productionPath: "configs/burgers.yaml")
        #expect(history.count == 1)
        #expect(history[0] == PromotionRecord(id: id, runID: "B", experiment: "burgers", configPath: "experiments/b/config.yaml",
                                              productionPath: "configs/burgers.yaml", promotedAt: RunManifestFactory.timestamp(20),
                                              promotedBy: "Ada <ada@example.com>", previousPath: "configs/.previous/x.yaml", gitCommit: "0123abcd"))
        #expect(history[0].isCurrent)
        try board.markPromotionRolledBack(id: id, at: RunManifestFactory.timestamp(30), by: "Bob")
        history = try board.promotions(experiment: "burgers")
        #expect(history[0].rolledBackAt == RunManifestFactory.timestamp(30) && history[0].rolledBackBy == "Bob" && !history[0].isCurrent)
        #expect(try board.promotions().map(\.experiment) == ["heat", "burgers"])
        #expect(try board.passingRuns(configHash: "nope").isEmpty)
    }

    @Test func runIDsMatchAPrefix() throws {
        let board = try Leaderboard.inMemory()
        // Run ids hold no GLOB wildcards (RunID.problem(with:)), but a prefix typed by a user may.
        for id in ["20261123-141000-aaaa1111", "20261123-141000-aabb2222", "20261124-090000-cccc3333", "x_y"] {
            try board.ingest(RunManifestFactory.make(id), manifestPath: "runs/\(id)/manifest.json")
        }
        #expect(try board.runIDs(matchingPrefix: "20261123") == ["20261123-141000-aaaa1111", "20261123-141000-aabb2222"])
        #expect(try board.runIDs(matchingPrefix: "20261123-141000-aab") == ["20261123-141000-aabb2222"])
        #expect(try board.runIDs(matchingPrefix: "2026112?").isEmpty)
        #expect(try board.runIDs(matchingPrefix: "x*").isEmpty)
        #expect(try board.runIDs(matchingPrefix: "x_") == ["x_y"])
        #expect(try board.runIDs(matchingPrefix: "X").isEmpty)
        #expect(try board.runIDs(matchingPrefix: "").count == 4)
    }

    @Test func stageDurationsAreRecentSuccessesOnTheGPU() throws {
        let board = try Leaderboard.inMemory()
        for i in 0..<60 {
            let gpu = i % 2 == 0 ? "A100-80GB" : "H100-80GB"
            let status: RunManifest.Status = i % 10 == 9 ? .failed : .succeeded
            let manifest = RunManifestFactory.make("R\(i)", minute: i, gpuType: gpu,
                                                   stages: [("operator", "train", status, Double(i)), ("full_eval", "full_eval", .succeeded, 1)])
            var sized = manifest
            sized.stages[0].work = i % 4 == 0 ? Double(i * 100) : nil
            try board.ingest(sized, manifestPath: "runs/R\(i)/manifest.json")
        }
        let a100 = try board.stageDurations(stage: "operator", onHardware: "A100-80GB")
        #expect(a100.map(\.seconds) == stride(from: 58.0, through: 0, by: -2).map { $0 })
        // The size goes in and out with the timing, through both the fast scanner and the decoder.
        #expect(a100.first { $0.seconds == 56 }?.work == 5600 && a100.first { $0.seconds == 58 }?.work == nil)
        let h100 = try board.stageDurations(stage: "operator", onHardware: "H100 80GB").map(\.seconds)
        #expect(h100.first == 57, "`H100 80GB` is `NVIDIA H100-80GB`, however it is spelled")
        #expect(!h100.contains(59) && !h100.contains(49))
        #expect(try board.stageDurations(stage: "nothing", onHardware: "A100-80GB").isEmpty)
    }

    /// Issue 13 item 18: twenty CPU runs of a config that declares an A100 made the A100 estimate 9 s. Only the
    /// hardware a run reported counts; runs of unknown hardware (older manifests) never calibrate.
    @Test func durationsComeOnlyFromRunsThatHadTheGPU() throws {
        let board = try Leaderboard.inMemory()
        for i in 0..<20 {
            try board.ingest(RunManifestFactory.make("cpu\(i)", minute: i, gpuType: "A100-80GB", observed: "cpu",
                                                     stages: [("operator", "train", .succeeded, 9)]), manifestPath: "runs/cpu\(i)/manifest.json")
        }
        for i in 0..<5 {
            try board.ingest(RunManifestFactory.make("old\(i)", minute: 30 + i, gpuType: "A100-80GB", observed: .some(nil),
                                                     stages: [("operator", "train", .succeeded, 7)]), manifestPath: "runs/old\(i)/manifest.json")
            try board.ingest(RunManifestFactory.make("a10-\(i)", minute: 40 + i, gpuType: "A10", observed: "NVIDIA A10",
                                                     stages: [("operator", "train", .succeeded, 5)]), manifestPath: "runs/a10-\(i)/manifest.json")
        }
        #expect(try board.stageDurations(stage: "operator", onHardware: "A100-80GB").isEmpty)
        #expect(try board.stageDurations(stage: "operator", onHardware: "CPU").map(\.seconds) == Array(repeating: 9, count: 20))
        #expect(try board.stageDurations(stage: "operator", onHardware: "A10").map(\.seconds) == Array(repeating: 5, count: 5))
        for i in 0..<3 {
            try board.ingest(RunManifestFactory.make("gpu\(i)", minute: 50 + i, gpuType: "A100-80GB", observed: "NVIDIA A100-SXM4-80GB",
                                                     stages: [("operator", "train", .succeeded, 3600)]), manifestPath: "runs/gpu\(i)/manifest.json")
        }
        #expect(try board.stageDurations(stage: "operator", onHardware: "A100-80GB").map(\.seconds) == [3600, 3600, 3600])
    }
}
