import Foundation
import SotaRunRecord
@testable import SotaIndex
import SotaTestSupport
import SotaSupport
import Testing
@testable import SotaRunRecord

/// The writer's column lists against the schema's tables, and each column against the manifest field that fills it:
/// a column added by a migration, or a binding out of order, fails here rather than in a report.
@Suite struct RunWriterColumnTests {
    @Test func theWritersColumnsAreTheSchemasColumns() throws {
        let board = try Leaderboard.inMemory()
        for (table, columns) in [("runs", RunWriter.Columns.runs), ("metrics", RunWriter.Columns.metrics),
                                 ("stage_timings", RunWriter.Columns.stageTimings), ("gate_outcomes", RunWriter.Columns.gateOutcomes),
                                 ("params", RunWriter.Columns.params), ("step_metrics", RunWriter.Columns.stepMetrics)] {
            #expect(try board.columnNames(of: table).sorted() == columns.sorted(), "\(table)")
            #expect(Set(columns).count == columns.count, "\(table) lists a column twice")
        }
    }

    /// A run whose every indexed field holds a value no other field holds.
    private static func distinctRun() -> RunManifest {
        var manifest = RunManifestFactory.make("R-columns", experiment: "exp-columns", minute: 7, metrics: ["full_eval": ["nrmse": 0.125]],
                                               passed: true, gpuType: "GPU-TYPE", observed: "GPU-SEEN",
                                               stages: [("stage-a", "train", .succeeded, 61.5)],
                                               gates: [.init(name: "gate-a", phase: "full_eval", metric: "nrmse", direction: "lower", threshold: 0.5,
                                                             value: 0.125, baseline: 0.25, baselineRun: "R-base", requiredImprovement: 0.0625,
                                                             passed: true, reason: "why-a")])
        manifest.host = "host-a"
        manifest.hardware.gpuCount = 3
        manifest.git = .init(commit: "commit-a", branch: "main", dirty: true, dirtyFiles: ["f"], state: "repository")
        manifest.config = .init(path: "configs/a.yaml", hash: "hash-a")
        manifest.stages[0].work = 4096
        manifest.stages[0].attempts = 2
        manifest.trackerURL = "https://tracker/a"
        manifest.parameters = ["lr": .number(0.5), "name": .text("n-a"), "flag": .flag(true)]
        return manifest
    }

    @Test func eachFieldLandsInItsOwnColumn() throws {
        var manifest = Self.distinctRun()
        let folder = TemporaryDirectory()
        let runDirectory = Paths.join(folder.path, "runs/R-columns")
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
        try Data(#"{"step": 7, "name": "loss", "value": 0.75}"#.utf8).write(to: URL(fileURLWithPath: Paths.join(runDirectory, "steps.jsonl")))
        manifest.stepMetrics = "steps.jsonl"
        let manifestPath = Paths.join(runDirectory, "manifest.json")
        for replacing in [false, true] {
            let board = try Leaderboard.inMemory()
            // The first write inserts; a second of the same run takes the UPDATE and the deletes.
            for _ in 0..<(replacing ? 2 : 1) { try board.ingest(manifest, manifestPath: manifestPath) }
            let run = try board.quotedRows(of: "runs", columns: RunWriter.Columns.runs, runID: "R-columns")
            #expect(run == [[
                "'R-columns'", "'exp-columns'", "'succeeded'", "'\(manifest.created)'", "'\(manifest.updated)'", "'configs/a.yaml'", "'hash-a'",
                "'commit-a'", "1", "'host-a'", "'GPU-TYPE'", "3", "61.5", "1", "'\(manifestPath)'", "'GPU-SEEN'",
                "'https://tracker/a'",
            ]], "replacing: \(replacing)")
            #expect(try board.quotedRows(of: "step_metrics", columns: RunWriter.Columns.stepMetrics, runID: "R-columns")
                == [["'R-columns'", "'loss'", "7", "0.75"]])
            #expect(try board.quotedRows(of: "params", columns: RunWriter.Columns.params, runID: "R-columns")
                == [["'R-columns'", "'flag'", "1.0", "'true'"], ["'R-columns'", "'lr'", "0.5", "NULL"], ["'R-columns'", "'name'", "NULL", "'n-a'"]])
            #expect(try board.quotedRows(of: "metrics", columns: RunWriter.Columns.metrics, runID: "R-columns")
                == [["'R-columns'", "'full_eval'", "'nrmse'", "0.125"]])
            #expect(try board.quotedRows(of: "stage_timings", columns: RunWriter.Columns.stageTimings, runID: "R-columns")
                == [["'R-columns'", "0", "'stage-a'", "'train'", "61.5", "'succeeded'", "2", "'\(manifest.stages[0].finished ?? "")'", "4096.0"]])
            #expect(try board.quotedRows(of: "gate_outcomes", columns: RunWriter.Columns.gateOutcomes, runID: "R-columns")
                == [["'R-columns'", "0", "'gate-a'", "'full_eval'", "'nrmse'", "'lower'", "0.5", "0.125", "0.25", "'R-base'", "0.0625", "1", "'why-a'"]])
        }
    }
}
