import Foundation
import SotaIndex
import SotaRunRecord
import SotaSupport
import SotaTestSupport
import Testing

/// The raw reader answers exactly what the full leaderboard answers, and declines every file it should not serve.
@Suite struct LeaderboardReaderTests {
    /// A leaderboard file with ties, gates passed, failed and never run, and a run without the metric.
    private func file(in folder: TemporaryDirectory) throws -> (path: String, board: Leaderboard) {
        let path = folder.url("board.sqlite")
        let board = try Leaderboard(path: path)
        let runs: [(String, String, Int, Double, Bool?)] = [
            ("A", "burgers", 1, 0.30, true), ("B", "burgers", 4, 0.10, true), ("C", "burgers", 3, 0.50, false),
            ("D", "burgers", 2, 0.10, nil), ("E", "burgers", 5, 0.20, true), ("H", "heat", 6, 0.01, true),
        ]
        for (id, experiment, minute, nrmse, passed) in runs {
            let manifest = RunManifestFactory.make(id, experiment: experiment, minute: minute,
                                                   metrics: ["full_eval": ["nrmse": nrmse], "small_eval": ["nrmse": 1 - nrmse]], passed: passed)
            try board.ingest(manifest, manifestPath: "runs/\(id)/manifest.json")
        }
        try board.ingest(RunManifestFactory.make("Z"), manifestPath: "runs/Z/manifest.json")
        return (path, board)
    }

    @Test func answersWhatTheFullLeaderboardAnswers() throws {
        let folder = TemporaryDirectory()
        let (path, board) = try file(in: folder)
        for direction in MetricDirection.allCases {
            for (phase, limit, experiment) in [("full_eval", 10, nil), ("full_eval", 2, "burgers"), ("small_eval", 3, nil), ("full_eval", 5, "nobody")] {
                let query = try #require(LeaderboardTopQuery(metric: "nrmse", phase: phase, direction: direction, limit: limit, experiment: experiment))
                let raw = try #require(LeaderboardReader.top(path: path, query), "\(direction) \(phase) \(limit)")
                #expect(raw == (try board.top(metric: "nrmse", phase: phase, direction: direction, limit: limit, experiment: experiment)))
            }
        }
    }

    @Test func declinesFilesItShouldNotServe() throws {
        let folder = TemporaryDirectory()
        let query = try #require(LeaderboardTopQuery(metric: "nrmse", phase: "full_eval", direction: .lower, limit: 10, experiment: nil))
        #expect(LeaderboardReader.top(path: folder.url("missing.sqlite"), query) == nil)
        folder.write("garbage.sqlite", Array(repeating: UInt8(0xA5), count: 4096))
        #expect(LeaderboardReader.top(path: folder.url("garbage.sqlite"), query) == nil)
        // A file with a migration this build does not know is left to the full leaderboard, which refuses it by name.
        let (path, _) = try file(in: folder)
        let insert = try ProgramRun(["sqlite3", path, "INSERT INTO grdb_migrations VALUES ('v99')"])
        #expect(insert.status == 0, "\(insert.err)")
        #expect(LeaderboardReader.top(path: path, query) == nil)
    }
}
