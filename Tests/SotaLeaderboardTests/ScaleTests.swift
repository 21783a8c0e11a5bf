import Foundation
import SotaLeaderboard
import SotaPlan
import SotaTestSupport
import Testing

/// The index at the size the leaderboard is built for: 100,000 runs.
@Suite struct ScaleTests {
    private static let runCount = 100_000

    /// Runs spread over ten experiments, with three metrics each and a value that repeats every 1,000 runs (ties).
    private static func manifests() -> [(manifest: RunManifest, manifestPath: String)] {
        (0..<runCount).map { i in
            let id = String(format: "2026%07d-%08x", i, i &* 2_654_435_761 & 0xFFFF_FFFF)
            let nrmse = Double((i &* 7_919) % 1_000) / 1_000
            let manifest = RunManifestFactory.make(
                id, experiment: "exp-\(i % 10)", minute: i,
                metrics: ["full_eval": ["nrmse": nrmse, "mse": nrmse * nrmse], "small_eval": ["nrmse": nrmse + 0.01]],
                passed: i % 3 == 0
            )
            return (manifest, "runs/\(id)/manifest.json")
        }
    }

    @Test func topIsServedByTheMetricIndexAt100kRuns() throws {
        let folder = TemporaryDirectory()
        let board = try Leaderboard(path: folder.url("leaderboard.sqlite"))
        let entries = Self.manifests()
        let clock = ContinuousClock()
        let started = clock.now
        let report = try board.ingest(entries)
        let elapsed = clock.now - started
        #expect(report.ingested == Self.runCount)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("bulk ingest of \(Self.runCount) in-memory manifests: \(String(format: "%.2f", seconds)) s, \(Int(Double(Self.runCount) / seconds)) runs/s")

        for experiment in [nil, "exp-3"] as [String?] {
            for direction in MetricDirection.allCases {
                let plan = try board.topQueryPlan(metric: "nrmse", phase: "full_eval", direction: direction, limit: 10, experiment: experiment)
                print("EXPLAIN QUERY PLAN top(\(direction), experiment: \(experiment ?? "all")):\n  " + plan.joined(separator: "\n  "))
                #expect(plan.first?.contains("INDEX metrics_phase_name_value (phase=? AND name=?)") == true, "\(plan)")
                #expect(!plan.contains { $0.contains("USE TEMP B-TREE FOR ORDER BY") }, "\(plan)")
            }
        }

        let topStarted = clock.now
        let rows = try board.top(metric: "nrmse", phase: "full_eval", direction: .lower, limit: 10)
        let filtered = try board.top(metric: "nrmse", phase: "full_eval", direction: .higher, limit: 10, experiment: "exp-3")
        print("top 10 twice at \(Self.runCount) runs: \(clock.now - topStarted)")
        // nrmse 0 is reached by runs 0, 1000, 2000, ...: the ten oldest of them, in order.
        #expect(rows.map(\.value) == Array(repeating: 0, count: 10))
        #expect(rows.map(\.runID) == (0..<10).map { entries[$0 * 1_000].manifest.runID })
        let exp3 = entries.filter { $0.manifest.experiment == "exp-3" }.map { $0.manifest.metrics["full_eval"]!["nrmse"]! }
        #expect(filtered.allSatisfy { $0.experiment == "exp-3" })
        #expect(filtered.map(\.value) == Array(exp3.sorted(by: >).prefix(10)))
        let passedExp1 = entries.filter { $0.manifest.experiment == "exp-1" && $0.manifest.passed == true }
        #expect(try board.baseline(metric: "nrmse", phase: "full_eval", direction: .lower, experiment: "exp-1")?.value
                == passedExp1.map { $0.manifest.metrics["full_eval"]!["nrmse"]! }.min())
        #expect(try board.stageDurations(stage: "operator", gpuType: "A100-80GB").count == 50)
        #expect(try board.runIDs(matchingPrefix: "20260099999").count == 1)
    }

    @Test func bulkIngestFromRunDirectories() throws {
        let folder = TemporaryDirectory()
        let count = 5_000
        for i in 0..<count {
            let manifest = RunManifestFactory.make(
                "R\(i)", minute: i, metrics: ["full_eval": ["nrmse": Double(i % 97) / 97], "small_eval": ["nrmse": 0.5]],
                passed: true, stages: [("operator", "train", .succeeded, 60), ("steady_prior", "train", .succeeded, 30),
                                       ("small_eval", "small_eval", .succeeded, 5), ("full_eval", "full_eval", .succeeded, 20)]
            )
            try RunManifestFactory.write(manifest, into: folder.url("runs/R\(i)"))
        }
        let board = try Leaderboard(path: folder.url("runs/.sota/leaderboard.sqlite"))
        let clock = ContinuousClock()
        let started = clock.now
        let report = try board.rebuild(runDirectories: [folder.url("runs")])
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("rebuild from \(count) run directories: \(String(format: "%.2f", seconds)) s, \(Int(Double(count) / seconds)) runs/s")
        #expect(report == IngestReport(ingested: count, problems: []))
        #expect(try board.runCount() == count)
    }
}
