import Foundation
import SotaIndex
import SotaPlan
import SotaTestSupport
import Testing
import SotaRunRecord

@Suite struct IngestTests {
    @Test func ingestingTheSameRunTwiceKeepsOneRowAndTheNewestValues() throws {
        let folder = TemporaryDirectory()
        let board = try Leaderboard(path: folder.url("runs/.sota/leaderboard.sqlite"))
        var manifest = RunManifestFactory.make("R1", metrics: ["full_eval": ["nrmse": 0.3, "mse": 0.09]])
        try board.ingest(manifest, manifestPath: "runs/R1/manifest.json")
        try board.ingest(manifest, manifestPath: "runs/R1/manifest.json")
        #expect(try board.runCount() == 1)

        manifest.metrics = ["full_eval": ["nrmse": 0.2]]
        manifest.passed = true
        try board.ingest(manifest, manifestPath: "runs/R1/manifest.json")
        let summary = try #require(try board.runSummary(id: "R1"))
        #expect(try board.runCount() == 1)
        #expect(summary.metrics == ["full_eval": ["nrmse": 0.2]])
        #expect(summary.passed == true)
        #expect(summary.stages.count == 1)
    }

    @Test func summaryHoldsTheRowGatesAndStages() throws {
        let board = try Leaderboard.inMemory()
        let gate = RunManifest.GateRecord(name: "quality", phase: "full_eval", metric: "nrmse", direction: "lower", threshold: 0.25,
                                          value: 0.2, baseline: 0.22, baselineRun: "R0", requiredImprovement: 0.01,
                                          passed: true, reason: "nrmse = 0.2 < 0.25")
        let manifest = RunManifestFactory.make(
            "R1", metrics: ["full_eval": ["nrmse": 0.2]], passed: true,
            stages: [("operator", "train", .succeeded, 60), ("full_eval", "full_eval", .succeeded, 12.5)], gates: [gate]
        )
        try board.ingest(manifest, manifestPath: "runs/R1/manifest.json")
        let summary = try #require(try board.runSummary(id: "R1"))
        #expect(summary.gates == [gate])
        #expect(summary.stages.map(\.stage) == ["operator", "full_eval"])
        #expect(summary.stages.map(\.seconds) == [60, 12.5])
        #expect(summary.totalSeconds == 72.5)
        #expect(summary.gpuType == "A100-80GB")
        #expect(summary.manifestPath == "runs/R1/manifest.json")
        #expect(try board.runSummary(id: "R2") == nil)
    }

    @Test func badManifestsAreReportedWhileTheRestIsIngested() throws {
        let folder = TemporaryDirectory()
        for id in ["A", "B", "C"] {
            try RunManifestFactory.write(RunManifestFactory.make(id, metrics: ["full_eval": ["nrmse": 0.1]]), into: folder.url("runs/\(id)"))
        }
        folder.write("runs/D/manifest.json", "{ not json")
        folder.write("runs/E/train.log", "no manifest yet\n")
        folder.write("runs/.sota/leaderboard.sqlite", "")
        folder.write("runs/README.md", "loose files beside run directories are ignored\n")
        folder.write("single/S/manifest.json", String(decoding: try RunManifestFactory.make("S").encoded(), as: UTF8.self))

        let board = try Leaderboard(path: folder.url("index.sqlite"))
        folder.write("lost/train.log", "a run directory without its manifest\n")
        let report = try board.ingest(runDirectories: [folder.url("runs"), folder.url("single/S"), folder.url("missing"), folder.url("lost")])
        #expect(report.ingested == 4)
        #expect(report.problems.map(\.description) == [
            folder.url("runs/E") + ": no manifest.json",
            folder.url("missing") + ": no such directory",
            folder.url("lost") + ": no manifest.json (not a run directory, nor a folder of run directories)",
            folder.url("runs/D/manifest.json") + ": not valid JSON",
        ])
        #expect(try board.runIDs(matchingPrefix: "") == ["A", "B", "C", "S"])
        #expect(try board.runSummary(id: "A")?.manifestPath == folder.url("runs/A/manifest.json"))
    }

    @Test func rowsGatheredAcrossRunsAllArriveWithTheirPositions() throws {
        // Child rows go in up to 32 per statement, gathered across runs: counts around and above that size, a run
        // with none, and a run already indexed that is replaced mid-batch (its old rows gone, its new ones kept).
        let board = try Leaderboard.inMemory()
        func manifest(_ id: String, metricCount: Int, stageCount: Int, gateCount: Int) -> RunManifest {
            let metrics = Dictionary(uniqueKeysWithValues: (0..<metricCount).map { ("m\($0)", Double($0) / 8) })
            let stages = (0..<stageCount).map { (name: "s\($0)", phase: "train", status: RunManifest.Status.succeeded, seconds: Double?(Double($0))) }
            let gates = (0..<gateCount).map {
                RunManifest.GateRecord(name: "g\($0)", phase: "full_eval", metric: "m0", direction: "lower", threshold: Double($0),
                                       value: 0, baseline: nil, baselineRun: nil, requiredImprovement: nil, passed: true, reason: "r\($0)")
            }
            return RunManifestFactory.make(id, metrics: metricCount == 0 ? [:] : ["full_eval": metrics], stages: stages, gates: gates)
        }
        try board.ingest(manifest("B", metricCount: 3, stageCount: 2, gateCount: 1), manifestPath: "runs/B/manifest.json")
        let shapes = [("A", 31, 33, 2), ("B", 40, 1, 0), ("C", 0, 0, 0), ("D", 70, 65, 33), ("E", 1, 6, 1)]
        let report = try board.ingest(shapes.map { (manifest($0.0, metricCount: $0.1, stageCount: $0.2, gateCount: $0.3), "runs/\($0.0)/manifest.json") })
        #expect(report.ingested == shapes.count)
        for (id, metricCount, stageCount, gateCount) in shapes {
            let summary = try #require(try board.runSummary(id: id))
            #expect(summary.metrics["full_eval"]?.count ?? 0 == metricCount, "\(id)")
            #expect(summary.stages.map(\.stage) == (0..<stageCount).map { "s\($0)" }, "\(id)")
            #expect(summary.gates.map(\.name) == (0..<gateCount).map { "g\($0)" }, "\(id)")
            #expect(summary.gates.map(\.reason) == (0..<gateCount).map { "r\($0)" }, "\(id)")
        }
        #expect(try board.runSummary(id: "D")?.metrics["full_eval"]?["m69"] == 69.0 / 8)
    }

    @Test func aFolderOfRunFoldersReportsTheOneWithoutAManifest() throws {
        // Only folders: the listing does not look inside each; the loader names the folder that lacks a manifest.
        let folder = TemporaryDirectory()
        for id in ["A", "C"] {
            try RunManifestFactory.write(RunManifestFactory.make(id), into: folder.url("runs/\(id)"))
        }
        folder.write("runs/B/train.log", "interrupted before its manifest\n")
        let board = try Leaderboard.inMemory()
        let report = try board.ingest(runDirectories: [folder.url("runs")])
        #expect(report.ingested == 2)
        #expect(report.problems.map(\.description) == [folder.url("runs/B") + ": no manifest.json"])
    }

    @Test func duplicateRunIDsInOneBatchKeepTheFirst() throws {
        let folder = TemporaryDirectory()
        // The same run copied from two machines.
        try RunManifestFactory.write(RunManifestFactory.make("A", metrics: ["full_eval": ["nrmse": 0.1]]), into: folder.url("one/A"))
        try RunManifestFactory.write(RunManifestFactory.make("A", metrics: ["full_eval": ["nrmse": 0.9]]), into: folder.url("two/A"))
        let board = try Leaderboard.inMemory()
        let report = try board.ingest(runDirectories: [folder.url("one"), folder.url("two")])
        #expect(report.ingested == 1)
        #expect(report.problems.map(\.path) == [folder.url("two/A/manifest.json")])
        #expect(try board.runSummary(id: "A")?.metrics["full_eval"]?["nrmse"] == 0.1)
    }

    @Test func rebuildReplacesRunsAndKeepsPromotions() throws {
        let folder = TemporaryDirectory()
        for id in ["A", "B", "C"] {
            try RunManifestFactory.write(RunManifestFactory.make(id, metrics: ["full_eval": ["nrmse": 0.1]]), into: folder.url("runs/\(id)"))
        }
        let board = try Leaderboard(path: folder.url("runs/.sota/leaderboard.sqlite"))
        #expect(try board.ingest(runDirectories: [folder.url("runs")]).ingested == 3)
        // An indexed run that is no longer on disk, and a promotion that must survive.
        try board.ingest(RunManifestFactory.make("GONE"), manifestPath: "elsewhere/GONE/manifest.json")
        try board.recordPromotion(runID: "A", experiment: "burgers", configPath: "runs/A/config.yaml",
                                  productionPath: "production/burgers.yaml", promotedAt: RunManifestFactory.timestamp(5),
                                  forced: false, previousPath: nil)
        try FileManager.default.removeItem(atPath: folder.url("runs/C"))
        folder.write("runs/D/manifest.json", "[]")

        let report = try board.rebuild(runDirectories: [folder.url("runs")])
        #expect(report.ingested == 2)
        #expect(report.problems.count == 1)
        #expect(try board.runIDs(matchingPrefix: "") == ["A", "B"])
        #expect(try board.baseline(metric: "nrmse", phase: "full_eval", direction: .lower, experiment: "burgers")?.runID == "A")
    }

    @Test func aBulkIngestIndexesMetricsByOneSortAndPutsTheIndexesBack() throws {
        let folder = TemporaryDirectory()
        let count = 1_000
        for number in 0..<count {
            // Scrambled values, so the best run is neither the first nor the last written.
            let nrmse = Double((number * 7_919) % count) / Double(count) + 0.001
            try RunManifestFactory.write(RunManifestFactory.make("R\(number)", metrics: ["full_eval": ["nrmse": nrmse]], passed: true),
                                         into: folder.url("runs/R\(number)"))
        }
        let bulk = try Leaderboard(path: folder.url("bulk.sqlite"))
        let indexes = try bulk.indexNames(on: "metrics")
        #expect(!indexes.isEmpty)
        #expect(try bulk.ingest(runDirectories: [folder.url("runs")]).ingested == count)
        #expect(try bulk.indexNames(on: "metrics") == indexes)
        #expect(try bulk.runCount() == count)
        #expect(try bulk.baseline(metric: "nrmse", phase: "full_eval", direction: .lower, experiment: "burgers")?.runID == "R0")
        // A small batch into the now larger index goes row by row and finds the same answers.
        try RunManifestFactory.write(RunManifestFactory.make("BEST", metrics: ["full_eval": ["nrmse": 0.0001]], passed: true), into: folder.url("more/BEST"))
        #expect(try bulk.ingest(runDirectories: [folder.url("more")]).ingested == 1)
        #expect(try bulk.baseline(metric: "nrmse", phase: "full_eval", direction: .lower, experiment: "burgers")?.runID == "BEST")
        #expect(try bulk.indexNames(on: "metrics") == indexes)
    }

    @Test func manifestsInMemoryIngestInBulk() throws {
        let board = try Leaderboard.inMemory()
        let entries = (0..<100).map { (manifest: RunManifestFactory.make("R\($0)"), manifestPath: "runs/R\($0)/manifest.json") }
        #expect(try board.ingest(entries) == IngestReport(ingested: 100, problems: []))
        #expect(try board.ingest(entries).ingested == 100)
        #expect(try board.runCount() == 100)
    }
}
