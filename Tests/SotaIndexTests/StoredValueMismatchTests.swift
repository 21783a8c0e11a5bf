import Foundation
import SotaRunRecord
@testable import SotaIndex
import SotaPlan
import SotaTestSupport
import Testing
@testable import SotaRunRecord

/// A value of the wrong kind written into the index by hand (`sqlite3 … "update metrics set value='xyz'"`) is a
/// damaged leaderboard, reported like any other damage, in every query that reads the column (issue 13).
@Suite struct StoredValueMismatchTests {
    /// Every column a query reads that holds a number or a flag, with the queries that read it.
    static let columns: [(table: String, column: String)] = [
        ("runs", "total_seconds"), ("runs", "gpu_count"), ("runs", "passed"), ("runs", "git_dirty"),
        ("metrics", "value"),
        ("stage_timings", "seconds"), ("stage_timings", "attempts"), ("stage_timings", "work"),
        ("gate_outcomes", "threshold"), ("gate_outcomes", "value"), ("gate_outcomes", "baseline"),
        ("gate_outcomes", "required_improvement"), ("gate_outcomes", "passed"),
        ("promotions", "forced"), ("promotions", "rolled_back"),
    ]

    /// A leaderboard file holding one promoted run with a metric, a stage timing and a gate; closed on return.
    private func leaderboard(in folder: TemporaryDirectory) throws -> String {
        let path = folder.url("index.sqlite")
        let gate = RunManifest.GateRecord(name: "nrmse", phase: "full_eval", metric: "nrmse", direction: "lower", threshold: 0.3,
                                          value: 0.1, baseline: 0.2, baselineRun: "r0", requiredImprovement: 0.01, passed: true, reason: "ok")
        var manifest = RunManifestFactory.make("r1", metrics: ["full_eval": ["nrmse": 0.1]], passed: true, gates: [gate])
        manifest.stages[0].work = 100
        manifest.updated = RunManifestFactory.timestamp(2)
        let board = try Leaderboard(path: path)
        try board.ingest(manifest, manifestPath: "runs/r1/manifest.json")
        try board.recordPromotion(runID: "r1", experiment: "burgers", configPath: "c.yaml", productionPath: "configs/c.yaml",
                                  promotedAt: RunManifestFactory.timestamp(3), forced: false, previousPath: nil)
        return path
    }

    /// Every read query, each returning how many values it produced, so nothing is optimised away.
    private func readEverything(_ board: Leaderboard) throws(LeaderboardError) -> Int {
        var count = try board.top(metric: "nrmse", phase: "full_eval", direction: .lower, limit: 10).count
        count += try board.runSummary(id: "r1") == nil ? 0 : 1
        count += try board.baseline(metric: "nrmse", phase: "full_eval", direction: .lower, experiment: nil) == nil ? 0 : 1
        count += try board.baseline(metric: "nrmse", phase: "full_eval", direction: .lower, experiment: "nobody") == nil ? 0 : 1
        count += try board.stageDurations(stage: "operator", onHardware: "A100-80GB").count
        count += try board.promotions().count
        count += try board.finishedRuns(from: "2025", to: "2027", metric: "nrmse", phase: "full_eval").count
        count += try board.reportRuns(ids: ["r1"], metric: "nrmse", phase: "full_eval").count
        count += try board.dailyBest(metric: "nrmse", phase: "full_eval", direction: .lower).count
        count += try board.experimentBests(metric: "nrmse", phase: "full_eval", direction: .lower).count
        count += try board.gpuTimeByDay(from: "2025", to: "2027").count
        return count
    }

    private func sql(_ path: String, _ statement: String) throws {
        let run = try ProgramRun(["sqlite3", path, statement])
        #expect(run.status == 0, "sqlite3: \(run.err)")
    }

    @Test func textInTheMetricValueIsADamagedLeaderboard() throws {
        // The issue's reproducer.
        let folder = TemporaryDirectory()
        let path = try leaderboard(in: folder)
        try sql(path, "update metrics set value='xyz'")
        let board = try Leaderboard(path: path)
        #expect(throws: LeaderboardError.corrupt(path: path, reason: "column `value` holds \"xyz\" where a number belongs")) {
            try board.top(metric: "nrmse", phase: "full_eval", direction: .lower, limit: 10)
        }
        let message = "\(LeaderboardError.corrupt(path: path, reason: "column `value` holds \"xyz\" where a number belongs"))"
        #expect(message.contains("damaged SQLite file") && message.contains("sota leaderboard --rebuild"))
        // The baseline of an improvement gate reads through SQLite too, which would have taken 'xyz' for 0.
        #expect(throws: LeaderboardError.self) {
            try board.baseline(metric: "nrmse", phase: "full_eval", direction: .lower, experiment: nil)
        }
    }

    @Test func everyNumericColumnOfEveryTableIsCheckedByEveryQueryThatReadsIt() throws {
        let intact = TemporaryDirectory()
        let reference = try readEverything(try Leaderboard(path: try leaderboard(in: intact)))
        #expect(reference == 10, "every query but the baseline of an experiment without runs finds the run")
        let hostile = ["'xyz'", "''", "x'00ff'", "'1e400'", "9.5e300", "-9.5e300", "1e999", "-1e999", "9223372036854775807",
                       "-9223372036854775808", "0.5", "-0.0"]
        // Text and blobs never convert: every query reading the column refuses them. Numbers SQLite stores as
        // numbers (`'1e400'` becomes infinity) may be read, or refused when an integer column cannot hold them.
        let neverNumbers: Set<String> = ["'xyz'", "''", "x'00ff'"]
        for (table, column) in Self.columns {
            for value in hostile {
                // A copy of the intact file: building each anew (schema, ingest, promotion) was most of this test's time.
                let folder = TemporaryDirectory()
                let path = folder.url("index.sqlite")
                try FileManager.default.copyItem(atPath: intact.url("index.sqlite"), toPath: path)
                try sql(path, "update \(table) set \(column) = \(value)")
                do {
                    _ = try readEverything(try Leaderboard(path: path))
                    #expect(!neverNumbers.contains(value), "\(table).\(column) = \(value) was read as a number")
                } catch {
                    guard case .corrupt(path, let reason) = error else { Issue.record("\(table).\(column) = \(value): \(error)"); continue }
                    #expect(reason.hasPrefix("column `\(column)` holds "), "\(table).\(column) = \(value): \(reason)")
                }
            }
        }
    }
}
