import Foundation
import SotaSupport
@testable import SotaIndex
import SotaPlan
import SotaTestSupport
import Testing

@Suite struct RecorderTests {
    private func bytes(_ path: String) -> [UInt8] {
        [UInt8](FileManager.default.contents(atPath: path) ?? Data())
    }

    @Test func aCurrentIndexRecordsRunsThatTheFullLeaderboardReads() throws {
        let folder = TemporaryDirectory()
        let path = folder.url(".sota/leaderboard.sqlite")
        try Leaderboard(path: path).ingest(RunManifestFactory.make("R0"), manifestPath: "runs/R0/manifest.json")
        do {
            let recorder = try #require(LeaderboardRecorder.openIfCurrent(path: path))
            var manifest = RunManifestFactory.make("R1", metrics: ["full_eval": ["nrmse": 0.3]])
            try recorder.ingest(manifest, manifestPath: "runs/R1/manifest.json")
            // Recording a run again replaces it, as the full leaderboard's ingest does.
            manifest.metrics = ["full_eval": ["nrmse": 0.2]]
            manifest.passed = true
            try recorder.ingest(manifest, manifestPath: "runs/R1/manifest.json")
        }
        // Closed: the run is in the database file itself, and the WAL is empty.
        #expect(bytes(path + "-wal").isEmpty)
        let board = try Leaderboard(path: path)
        #expect(try board.runCount() == 2)
        let summary = try #require(try board.runSummary(id: "R1"))
        #expect(summary.metrics == ["full_eval": ["nrmse": 0.2]])
        #expect(summary.passed == true)
        #expect(summary.manifestPath == "runs/R1/manifest.json")
    }

    @Test func anythingButACurrentLeaderboardIsLeftToTheFullOpen() throws {
        let folder = TemporaryDirectory()
        // Missing, empty, foreign, or not SQLite at all: nil, and the file is not touched.
        #expect(LeaderboardRecorder.openIfCurrent(path: folder.url("missing.sqlite")) == nil)
        #expect(!FileManager.default.fileExists(atPath: folder.url("missing.sqlite")))
        let empty = folder.write("empty.sqlite", [])
        #expect(LeaderboardRecorder.openIfCurrent(path: empty) == nil)
        let foreign = SQLiteFixture.database(tables: ["users"])
        let foreignPath = folder.write("foreign.sqlite", foreign)
        #expect(LeaderboardRecorder.openIfCurrent(path: foreignPath) == nil)
        #expect(bytes(foreignPath) == foreign)
        let noise = folder.write("noise.sqlite", Array(repeating: 7, count: 4096))
        #expect(LeaderboardRecorder.openIfCurrent(path: noise) == nil)
        #expect(bytes(noise) == Array(repeating: 7, count: 4096))
    }

    @Test func anIndexWithAMigrationThisBuildDoesNotKnowIsLeftToTheFullOpen() throws {
        let folder = TemporaryDirectory()
        let path = folder.url("leaderboard.sqlite")
        try Leaderboard(path: path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        #expect(LeaderboardRecorder.openIfCurrent(path: path) == nil)
        // The full open reports it.
        #expect(throws: LeaderboardError.self) { try Leaderboard(path: path) }
    }
}
