import Foundation
import SotaRunRecord
@testable import SotaIndex
import SotaPlan
import SotaTestSupport
import Testing
@testable import SotaRunRecord

/// Ingest refuses manifests sota never writes, on both readers (the fast scanner and the full decoder), and names
/// the file and the field.
@Suite struct IngestCheckTests {
    /// Writes `manifest` (changed as text by `edit`) under `runs/<folder>/`, ingests `runs/`, returns the report.
    private func ingest(folder: String, _ manifest: RunManifest, edit: (String) -> String = { $0 }) throws -> IngestReport {
        let directory = TemporaryDirectory()
        let text = String(decoding: try manifest.encoded(), as: UTF8.self)
        directory.write("runs/\(folder)/manifest.json", edit(text))
        let board = try Leaderboard.inMemory()
        let report = try board.ingest(runDirectories: [directory.url("runs")])
        #expect(try board.runCount() == report.ingested)
        return report
    }

    private func reason(_ report: IngestReport) -> String { report.problems.first?.reason ?? "(indexed)" }

    @Test func aRunIDMustBeValidAndNameItsFolder() throws {
        let other = try ingest(folder: "elsewhere", RunManifestFactory.make("R1"))
        #expect(other.ingested == 0 && reason(other).contains("`run_id`: `R1` differs from its folder `elsewhere`"), "\(reason(other))")
        #expect(other.problems.first?.path.hasSuffix("runs/elsewhere/manifest.json") == true)
        let climbing = try ingest(folder: "R1", RunManifestFactory.make("../R1"))
        #expect(climbing.ingested == 0 && reason(climbing).contains("`run_id`: `../R1` is not a run id"), "\(reason(climbing))")
        // Escaped strings take the full decoder: the same check applies there.
        let escaped = try ingest(folder: "R1", RunManifestFactory.make("R1")) { $0.replacingOccurrences(of: "\"run_id\" : \"R1\"", with: #""run_id" : "..\/R1""#) }
        #expect(escaped.ingested == 0 && reason(escaped).contains("is not a run id"), "\(reason(escaped))")
        #expect(try ingest(folder: "R1", RunManifestFactory.make("R1")).ingested == 1)
    }

    @Test(arguments: ["2026-13-01T00:00:00.000Z", "2026-02-30T00:00:00.000Z", "2026-01-01T25:00:00.000Z", "yesterday", "",
                      "0001-01-01T00:00:00Z", "2026-01-01T00:00:00.000"])
    func impossibleDatesAreRefused(date: String) throws {
        var manifest = RunManifestFactory.make("R1")
        manifest.created = date
        let report = try ingest(folder: "R1", manifest)
        #expect(report.ingested == 0 && reason(report).contains("`created`: `\(date)` is not a date and time"), "\(reason(report))")
        manifest = RunManifestFactory.make("R1")
        manifest.stages[0].finished = date
        #expect(reason(try ingest(folder: "R1", manifest)).contains("`stages[0].finished`"))
    }

    @Test(arguments: [-1, -1e19, 1e19, 4e8])
    func absurdDurationsAreRefused(seconds: Double) throws {
        let manifest = RunManifestFactory.make("R1", stages: [("operator", "train", .succeeded, seconds)])
        let report = try ingest(folder: "R1", manifest)
        #expect(report.ingested == 0 && reason(report).contains("`stages[0].seconds`"), "\(reason(report))")
        // A non-finite duration is no JSON number: sota writes no such manifest, and neither reader takes it.
        let infinite = try ingest(folder: "R1", RunManifestFactory.make("R1")) { $0.replacingOccurrences(of: "\"seconds\" : 60", with: "\"seconds\" : 1e999") }
        #expect(infinite.ingested == 0)
    }

    @Test func absurdCountsAreRefused() throws {
        var manifest = RunManifestFactory.make("R1")
        manifest.hardware.gpuCount = -3
        #expect(reason(try ingest(folder: "R1", manifest)).contains("`hardware.gpu_count`: -3"))
        manifest = RunManifestFactory.make("R1")
        manifest.stages[0].attempts = Int.max
        #expect(reason(try ingest(folder: "R1", manifest)).contains("`stages[0].attempts`"))
    }

    @Test func aSingleRunIsRefusedWithTheSameMessage() throws {
        let board = try Leaderboard.inMemory()
        #expect(throws: LeaderboardError.badManifest(.init(path: "runs/x/manifest.json",
                                                            reason: "`run_id`: `R1` differs from its folder `x`; sota never writes such a manifest"))) {
            try board.ingest(RunManifestFactory.make("R1"), manifestPath: "runs/x/manifest.json")
        }
        #expect(try board.runCount() == 0)
    }

    @Test func sweepFoldersInARunsFolderAreSkipped() throws {
        let directory = TemporaryDirectory()
        try RunManifestFactory.write(RunManifestFactory.make("R1"), into: directory.url("runs/R1"))
        directory.write("runs/sweep-20260101-000000-0a0b0c0d/sweep.json", "{}")
        directory.write("runs/sweep-20260101-000000-0a0b0c0d/logs/R1.log", "")
        // A run whose id starts like a sweep's is still a run.
        try RunManifestFactory.write(RunManifestFactory.make("sweep-run"), into: directory.url("runs/sweep-run"))
        let report = try Leaderboard.inMemory().ingest(runDirectories: [directory.url("runs")])
        #expect(report.ingested == 2 && report.problems.isEmpty, "\(report.problems)")
    }

    @Test func aRebuildMergesPromotionsFromTheFiles() throws {
        let board = try Leaderboard.inMemory()
        let kept = PromotionRecord(runID: "A", experiment: "e", configPath: "a.yaml", productionPath: "configs/e.yaml",
                                   promotedAt: RunManifestFactory.timestamp(1), forced: false)
        try board.recordPromotion(kept)
        let later = PromotionRecord(runID: "B", experiment: "e", configPath: "b.yaml", productionPath: "configs/e.yaml",
                                    promotedAt: RunManifestFactory.timestamp(2), forced: false, rolledBackAt: RunManifestFactory.timestamp(3))
        var rolled = kept
        rolled.rolledBackAt = RunManifestFactory.timestamp(4)
        let report = try board.rebuild(runDirectories: [], promotions: [later, rolled])
        #expect(report.promotionsAdded == 1)
        let promotions = try board.promotions()
        #expect(promotions.map(\.runID) == ["B", "A"])
        #expect(promotions.allSatisfy { !$0.isCurrent }, "rollbacks the files record are applied")
    }
}
