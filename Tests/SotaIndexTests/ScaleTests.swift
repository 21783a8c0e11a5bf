import SotaSupport
import Foundation
import SotaIndex
import SotaPlan
import SotaTestSupport
import Testing
import SotaRunRecord

/// The index at the size the leaderboard is built for: 100,000 runs.
///
/// Opt-in with `SOTA_SCALE_TESTS=1` (CI sets it), so `swift test` stays quick; `bench/leaderboard_rebuild.sh` and
/// `bench/leaderboard_top.sh` time the same sizes with the release build.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["SOTA_SCALE_TESTS"] == "1", "set SOTA_SCALE_TESTS=1 to run"))
struct ScaleTests {
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
        #expect(try board.stageDurations(stage: "operator", onHardware: "A100-80GB").count == 50)
        #expect(try board.runIDs(matchingPrefix: "20260099999").count == 1)
    }

    @Test func bulkIngestFromRunDirectories() throws {
        let folder = TemporaryDirectory()
        let count = 2_000
        // One encoded manifest as a template; each run swaps in its id and metric (encoding 5,000 is slow in debug).
        let template = String(decoding: try RunManifestFactory.make(
            "RUN-ID", metrics: ["full_eval": ["nrmse": 0.125], "small_eval": ["nrmse": 0.5]], passed: true,
            stages: [("operator", "train", .succeeded, 60), ("steady_prior", "train", .succeeded, 30),
                     ("small_eval", "small_eval", .succeeded, 5), ("full_eval", "full_eval", .succeeded, 20)]
        ).encoded(), as: UTF8.self)
        #expect(template.contains("\"nrmse\" : 0.125"))
        mkdir(folder.url("runs"), 0o755)
        let pieces = template.components(separatedBy: "RUN-ID").map { $0.components(separatedBy: "\"nrmse\" : 0.125") }
        for i in 0..<count {
            let nrmse = "\"nrmse\" : \(Double(i % 97) / 97)"
            let directory = folder.url("runs/R\(i)")
            mkdir(directory, 0o755)
            Self.writeQuickly(directory + "/manifest.json", pieces.map { $0.joined(separator: nrmse) }.joined(separator: "R\(i)"))
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

    /// Writes a file without the flush and rename `FileManager` does, which dominate when making thousands.
    private static func writeQuickly(_ path: String, _ text: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0, "cannot create \(path)")
        var text = text
        text.withUTF8 { precondition(write(fd, $0.baseAddress, $0.count) == $0.count) }
        close(fd)
    }
}
