import Foundation
import SotaSupport
@testable import SotaIndex
import SotaTestSupport
import Testing

/// A leaderboard whose pages are damaged is refused and left exactly as it was, WAL and WAL index included.
@Suite struct DamagedIndexTests {
    private func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test func aDamagedIndexKeepsItsWALAndItsIndexFile() throws {
        let folder = TemporaryDirectory()
        let original = folder.url("live/leaderboard.sqlite"), copy = folder.url("copy/leaderboard.sqlite")
        try FileManager.default.createDirectory(atPath: folder.url("copy"), withIntermediateDirectories: true)
        do {
            let board = try Leaderboard(path: original)
            for index in 0..<20 { try board.ingest(RunManifestFactory.make("R\(index)"), manifestPath: "runs/R\(index)/manifest.json") }
        }
        do {
            // While the index is open its last write sits in the WAL: copied now, the files are as a crash leaves them.
            let board = try Leaderboard(path: original)
            try board.recordPromotion(runID: "R1", experiment: "burgers", configPath: "c.yaml", productionPath: "configs/b.yaml",
                                      promotedAt: RunManifestFactory.timestamp(9), forced: false, previousPath: nil)
            for suffix in ["", "-wal", "-shm"] { try FileManager.default.copyItem(atPath: original + suffix, toPath: copy + suffix) }
        }
        #expect((bytes(copy + "-wal")?.count ?? 0) > 0, "the WAL holds the writes")
        // Every page after the first (header and schema) is garbage.
        var damaged = try #require(bytes(copy))
        let pageSize = Int(damaged[16]) << 8 | Int(damaged[17])
        for index in pageSize..<damaged.count { damaged[index] = UInt8(truncatingIfNeeded: index &* 31) }
        try damaged.write(to: URL(fileURLWithPath: copy))
        let before = ["", "-wal", "-shm"].map { bytes(copy + $0) }

        let error = #expect(throws: LeaderboardError.self) { _ = try Leaderboard(path: copy).runCount() }
        guard case .corrupt? = error else { Issue.record("expected .corrupt, got \(String(describing: error))"); return }
        // The database and its WAL keep every byte; the WAL index (shared memory SQLite rebuilds on any open, a
        // read-only one too) is still there.
        #expect(bytes(copy) == before[0], "the database is as it was")
        #expect(bytes(copy + "-wal") == before[1], "the WAL is as it was")
        #expect(Paths.kind(of: copy + "-shm") == .file, "the WAL index is still there")
        #expect(Paths.kind(of: copy + ".lock") == .missing, "a refusal leaves no lock file")
    }
}
