import Foundation
import SotaSupport
import SotaIndex
import SotaTestSupport
import Synchronization
import Testing

@Suite struct OpeningTests {
    private func bytes(_ path: String) -> [UInt8] {
        [UInt8](FileManager.default.contents(atPath: path) ?? Data())
    }

    /// Files next to `path` other than its lock file (`-wal`, `-shm`, `-journal`).
    private func companions(_ path: String) throws -> [String] {
        let name = Paths.lastComponent(of: path)
        return try FileManager.default.contentsOfDirectory(atPath: Paths.parent(of: path))
            .filter { $0.hasPrefix(name) && $0 != name && $0 != name + ".lock" }
    }

    @Test func newFileIsStampedAndInWALMode() throws {
        let folder = TemporaryDirectory()
        let path = folder.url("deep/er/leaderboard.sqlite")
        do {
            let board = try Leaderboard(path: path)
            try board.ingest(RunManifestFactory.make("R1"), manifestPath: "runs/R1/manifest.json")
        }
        let header = bytes(path)
        #expect(Array(header[68..<72]) == Array("sota".utf8))
        #expect(header[18] == 2 && header[19] == 2)
        // 16 KiB pages (big-endian page size at offset 16).
        #expect(Int(header[16]) << 8 | Int(header[17]) == 16384)
        // Reopening finds the run; opening is idempotent.
        #expect(try Leaderboard(path: path).runCount() == 1)
        #expect(try Leaderboard(path: path).runIDs(matchingPrefix: "R") == ["R1"])
    }

    @Test func emptyFileIsTakenAsNew() throws {
        let folder = TemporaryDirectory()
        let path = folder.write("leaderboard.sqlite", [])
        #expect(try Leaderboard(path: path).runCount() == 0)
    }

    @Test func randomBytesAreReportedAndLeftUntouched() throws {
        let folder = TemporaryDirectory()
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<8192).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let path = folder.write("runs/.sota/leaderboard.sqlite", noise)
        #expect(throws: LeaderboardError.notADatabase(path: path)) { try Leaderboard(path: path) }
        #expect(bytes(path) == noise)
        #expect(try companions(path).isEmpty)
        #expect("\(LeaderboardError.notADatabase(path: path))".hasPrefix(path + ": not an SQLite database"))
    }

    @Test func damagedSQLiteIsReportedAndLeftUntouched() throws {
        let folder = TemporaryDirectory()
        // A valid header in front of garbage pages: SQLite itself must reject it.
        var damaged = SQLiteFixture.database(tables: ["users"])
        for index in 100..<damaged.count { damaged[index] = UInt8(truncatingIfNeeded: index &* 31) }
        let path = folder.write("leaderboard.sqlite", damaged)
        let error = #expect(throws: LeaderboardError.self) { try Leaderboard(path: path) }
        guard case .corrupt(path, _)? = error else { Issue.record("expected .corrupt, got \(String(describing: error))"); return }
        #expect(bytes(path) == damaged)
        #expect(try companions(path).isEmpty)
        // Too short to hold a header.
        let stub = folder.write("short.sqlite", Array("SQLite format 3\0".utf8))
        #expect(throws: LeaderboardError.notADatabase(path: stub)) { try Leaderboard(path: stub) }
    }

    @Test func foreignSQLiteIsReportedAndLeftUntouched() throws {
        let folder = TemporaryDirectory()
        let foreign = SQLiteFixture.database(tables: ["users", "orders"])
        let path = folder.write("runs/.sota/leaderboard.sqlite", foreign)
        #expect(throws: LeaderboardError.foreignDatabase(path: path, tables: ["orders", "users"])) { try Leaderboard(path: path) }
        #expect(bytes(path) == foreign)
        #expect(try companions(path).isEmpty)
        #expect("\(LeaderboardError.foreignDatabase(path: path, tables: ["orders", "users"]))"
                == "\(path): not a sota leaderboard (it holds tables: orders, users); refusing to touch it")

        // Another application's empty database is not ours to take over either.
        let stamped = SQLiteFixture.database(tables: [], applicationID: 0x1234_5678)
        let other = folder.write("other.sqlite", stamped)
        #expect(throws: LeaderboardError.foreignDatabase(path: other, tables: [])) { try Leaderboard(path: other) }
        #expect(bytes(other) == stamped)

        // An SQLite file with no tables and no application id is as good as empty.
        let blank = folder.write("blank.sqlite", SQLiteFixture.database(tables: []))
        #expect(try Leaderboard(path: blank).runCount() == 0)
    }

    @Test func directoryInTheWayIsReported() throws {
        let folder = TemporaryDirectory()
        folder.write("leaderboard.sqlite/keep", "")
        let path = folder.url("leaderboard.sqlite")
        #expect(throws: LeaderboardError.cannotOpen(path: path, reason: "it is a directory")) { try Leaderboard(path: path) }
    }

    @Test func eightWritersOnABrandNewFileLoseNothing() throws {
        let folder = TemporaryDirectory()
        let path = folder.url("runs/.sota/leaderboard.sqlite")
        let writers = 8, runsEach = 40
        let errors = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            do {
                let board = try Leaderboard(path: path)
                for run in 0..<runsEach {
                    let id = "W\(writer)-\(run)"
                    try board.ingest(RunManifestFactory.make(id, minute: run, metrics: ["full_eval": ["nrmse": Double(run)]]),
                                     manifestPath: "runs/\(id)/manifest.json")
                    // Reads interleaved with other processes' writes.
                    _ = try board.top(metric: "nrmse", phase: "full_eval", direction: .lower, limit: 3)
                }
                // A bulk write competing with the single ones.
                let bulk = (0..<runsEach).map { (manifest: RunManifestFactory.make("B\(writer)-\($0)"), manifestPath: "m") }
                _ = try board.ingest(bulk)
            } catch {
                errors.withLock { $0.append("writer \(writer): \(error)") }
            }
        }
        #expect(errors.withLock { $0 } == [])
        #expect(try Leaderboard(path: path).runCount() == 2 * writers * runsEach)
    }
}
