import Foundation
import SotaSupport
import SotaRunRecord
@testable import SotaIndex
import SotaTestSupport
import Testing

/// The step histories the index keeps: read from the run folders as the manifests name them, thinned, replaced
/// when a run is indexed again, rebuilt from the files, and read back by run id off the primary key.
@Suite struct StepHistoryIndexTests {
    private func run(_ id: String, history name: String?, in folder: TemporaryDirectory) throws -> RunManifest {
        var manifest = RunManifestFactory.make(id, metrics: ["full_eval": ["accuracy": 0.9]], passed: true)
        manifest.stepMetrics = name
        manifest.trackerURL = "https://tracker/\(id)"
        try RunManifestFactory.write(manifest, into: folder.url("runs/\(id)"))
        return manifest
    }

    @Test func aRebuildReadsEachRunsHistoryFromItsFolder() throws {
        let folder = TemporaryDirectory()
        _ = try run("A", history: "steps.jsonl", in: folder)
        folder.write("runs/A/steps.jsonl", (0..<2_000).map { #"{"step": \#($0), "loss": \#(1.0 / Double($0 + 1))}"# }.joined(separator: "\n")
                     + "\n{\"step\": 7, \"name\": \"accuracy\", \"value\": 0.5}\nhalf a li")
        // A manifest that names a file outside its run directory is not followed.
        _ = try run("B", history: "../A/steps.jsonl", in: folder)
        // One that names a file that is not there has no history.
        _ = try run("C", history: "gone.jsonl", in: folder)
        let board = try Leaderboard(path: folder.url("index.sqlite"))
        #expect(try board.rebuild(runDirectories: [folder.url("runs")]).ingested == 3)
        let histories = try board.stepHistories(runIDs: ["A", "B", "C", "unknown"])
        #expect(Array(histories.keys) == ["A"])
        let loss = try #require(histories["A"]?.series["loss"])
        #expect(loss.count == StepHistory.maximumPoints)
        #expect(loss.first == .init(step: 0, value: 1) && loss.last?.step == 1_999)
        #expect(histories["A"]?.series["accuracy"] == [.init(step: 7, value: 0.5)])
        #expect(try board.stepHistories(runIDs: ["A"], names: ["accuracy"])["A"]?.names == ["accuracy"])
        #expect(try board.trackerURLs(runIDs: ["A", "C"]) == ["A": "https://tracker/A", "C": "https://tracker/C"])
    }

    @Test func indexingARunAgainReplacesItsHistory() throws {
        let folder = TemporaryDirectory()
        let manifest = try run("A", history: "steps.jsonl", in: folder)
        let path = folder.url("runs/A/manifest.json")
        folder.write("runs/A/steps.jsonl", "{\"step\": 1, \"loss\": 3}\n{\"step\": 2, \"loss\": 2}\n")
        let board = try Leaderboard.inMemory()
        try board.ingest(manifest, manifestPath: path)
        folder.write("runs/A/steps.jsonl", "{\"step\": 5, \"acc\": 0.5}\n")
        try board.ingest(manifest, manifestPath: path)
        #expect(try board.stepHistories(runIDs: ["A"])["A"] == StepHistory(series: ["acc": [.init(step: 5, value: 0.5)]]))
    }

    @Test func historiesAreReadOffThePrimaryKey() throws {
        let board = try Leaderboard.inMemory()
        let plan = try board.read { db in
            try db.fetchAll(sql: "EXPLAIN QUERY PLAN SELECT run_id, name, step, value FROM step_metrics WHERE run_id IN (?, ?) ORDER BY run_id, name, step",
                             arguments: ["A", "B"]).map { try $0.stored("detail") as String }
        }
        #expect(plan == ["SEARCH step_metrics USING PRIMARY KEY (run_id=?)"], "\(plan)")
    }
}
