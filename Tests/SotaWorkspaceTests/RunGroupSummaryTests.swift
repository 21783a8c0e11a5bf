import Foundation
import SotaRunRecord
import SotaPlan
@testable import SotaWorkspace
import Testing

/// The hand-written form of a group summary reads back exactly what was written, awkward text and numbers included.
@Suite struct RunGroupSummaryTests {
    private func run(_ folder: String, _ status: RunManifest.Status, passed: Bool?, created: Double, gates: [RunManifest.GateRecord] = [],
                     metrics: [String: Double] = [:]) throws -> StoredRun {
        var manifest = RunManifest(
            runID: folder, experiment: "e", created: "2026-01-01T00:00:00.000Z", config: .init(path: "c.yaml", hash: "h"), evalConfigs: [:],
            git: .init(commit: nil, branch: nil, dirty: false, dirtyFiles: [], state: "no-repository"), data: [], host: "h",
            hardware: .init(gpuType: nil, gpuCount: 1, devices: "0", platform: "cpu"), stages: []
        )
        manifest.status = status
        manifest.passed = passed
        manifest.metrics = metrics.isEmpty ? [:] : ["full_eval": metrics]
        manifest.gates = gates
        var stored = StoredRun(manifest: manifest, folder: folder)
        stored.created = created
        stored.updated = created + 0.1
        return stored
    }

    @Test func awkwardTextAndNumbersReadBackExactly() throws {
        let gate = RunManifest.GateRecord(name: "n\trmse\\", phase: "full_eval", metric: "nrmse", direction: "lower", threshold: 0.25,
                                          value: 0.1 + 0.2, baseline: nil, baselineRun: "", requiredImprovement: 1e-300, passed: true, reason: "line\nbreak")
        let runs = [
            try run("a\tb", .succeeded, passed: true, created: 1.5, gates: [gate], metrics: ["nrmse": 0.1 + 0.2, "inf": .infinity, "tab\tname": -0.0]),
            try run("p", .running, passed: nil, created: 2),
            try run("g\nh", .rejected, passed: false, created: 3, metrics: ["nrmse": 0.5]),
        ]
        let summary = RunGroupSummary(runs)
        #expect(summary.best?.metric == "nrmse" && summary.keyRuns.count == 3)
        let decoded = try #require(RunGroupSummary.decode(try summary.encoded()))
        #expect(decoded == summary)
        #expect(decoded.keyRuns[0].gates == [gate] && decoded.keyRuns[0].metrics["inf"] == .infinity)
        #expect(decoded.keyRuns[1].metrics.isEmpty, "only the best run keeps its metrics")
    }

    @Test func damagedTextIsRefused() throws {
        let text = try RunGroupSummary([try run("a", .succeeded, passed: true, created: 1, metrics: ["nrmse": 0.1])]).encoded()
        #expect(RunGroupSummary.decode(text) != nil)
        for damaged in [text.replacingOccurrences(of: "sota run group 1", with: "sota run group 2"),
                        text.replacingOccurrences(of: "succeeded", with: "finished"),
                        text.replacingOccurrences(of: "\np\t", with: "\nq\t"),
                        String(text.dropLast(2)) + "x\n", ""] {
            #expect(RunGroupSummary.decode(damaged) == nil, "\(damaged)")
        }
    }
}

/// The project's declared metrics rank runs that no gate ranks: an ungated `accuracy` declared higher-is-better puts
/// the higher run first, in the summaries the index keeps as in a full listing.
@Suite struct RankingPreferenceTests {
    private func run(_ id: String, metrics: [String: Double], created: Double) -> ExperimentRun {
        var manifest = RunManifest(
            runID: id, experiment: "e", created: "2026-01-01T00:00:00.000Z", config: .init(path: "c.yaml", hash: "h"), evalConfigs: [:],
            git: .init(commit: nil, branch: nil, dirty: false, dirtyFiles: [], state: "no-repository"), data: [], host: "h",
            hardware: .init(gpuType: nil, gpuCount: 1, devices: "0", platform: "cpu"), stages: []
        )
        manifest.status = .succeeded
        manifest.passed = true
        manifest.metrics = ["full_eval": metrics]
        var run = ExperimentRun(manifest: manifest, directory: "", inProgress: false)
        run.updated = Date(timeIntervalSinceReferenceDate: created)
        return run
    }

    @Test func aDeclaredDirectionAndPrimaryMetricRankUngatedRuns() {
        let runs = [run("low", metrics: ["accuracy": 0.62, "loss": 0.9], created: 1), run("high", metrics: ["accuracy": 0.91, "loss": 0.3], created: 2)]
        // Without a declaration the first metric by name ranks, lower being better.
        #expect(RunRanking.bestRun(runs)?.run.id == "low")
        let declared = RankingPreference(primary: "accuracy", directions: ["accuracy": .higher, "loss": .lower])
        let best = RunRanking.bestRun(runs, preference: declared)
        #expect(best?.run.id == "high" && best?.metric == "accuracy" && best?.value == 0.91)
        #expect(RunRanking.bestMetrics(runs, preference: declared).mapValues(\.runID) == ["accuracy": "high", "loss": "high"])
        #expect(declared.rankingMetric(of: runs[0]) == "accuracy")
        // A primary metric no run measured leaves the runs' own ranking.
        let unmeasured = RankingPreference(primary: "f1", directions: ["f1": .higher])
        #expect(RunRanking.bestRun(runs, preference: unmeasured)?.metric == "accuracy")
        #expect(declared.key != unmeasured.key && RankingPreference.none.key == "")
    }
}
