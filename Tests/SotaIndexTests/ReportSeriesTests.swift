import SotaPlan
import SotaRunRecord
import SotaSupport
import SotaTestSupport
import Testing
@testable import SotaIndex

/// The stored report series, kept current by triggers and recomputed day by day and experiment by experiment, always
/// equal what a full read of the index gives, through inserts, updates that move a run to another day or experiment,
/// deletions, a change of metric and a rebuild.
@Suite struct ReportSeriesTests {
    private let gpuFrom = "2026-01-01", gpuTo = "2026-02-01"

    /// A run on `day` (0 to 8 of January 2026) with `value`, finished or not.
    private func manifest(_ index: Int, experiment: Int, day: Int, value: Double?, status: RunManifest.Status = .succeeded,
                          gpuType: String? = "A100-80GB") -> RunManifest {
        let minute = day * 1440 + (index % 3) * 600
        var manifest = RunManifestFactory.make(
            "run-\(index)", experiment: "exp-\(experiment)", minute: minute,
            metrics: value.map { ["full_eval": ["nrmse": $0, "mse": $0 * $0]] } ?? [:], passed: true, gpuType: gpuType,
            stages: [("operator", "train", .succeeded, Double(60 + index % 7))]
        )
        manifest.updated = RunManifestFactory.timestamp(minute + (index % 5) * 10)
        manifest.status = status
        return manifest
    }

    /// What a full read gives, the reference for the stored series.
    private func full(_ board: Leaderboard, metric: String = "nrmse", direction: MetricDirection = .lower) throws -> Leaderboard.ReportSeries {
        let bests = try board.metricBests(metric: metric, phase: "full_eval", direction: direction)
        return Leaderboard.ReportSeries(days: bests.days, experiments: bests.experiments,
                                        gpuDays: try board.gpuTimeByDay(from: gpuFrom, to: gpuTo))
    }

    private func stored(_ board: Leaderboard, metric: String = "nrmse", direction: MetricDirection = .lower) throws -> Leaderboard.ReportSeries {
        try board.reportSeries(metric: metric, phase: "full_eval", direction: direction, gpuFrom: gpuFrom, gpuTo: gpuTo)
    }

    private func staleMarks(_ board: Leaderboard) throws -> [String] {
        try board.read { db in try db.fetchAll(String.self, sql: "SELECT kind || ':' || key FROM series_stale ORDER BY 1") }
    }

    @Test(arguments: MetricDirection.allCases) func staysEqualToAFullReadThroughEveryKindOfChange(direction: MetricDirection) throws {
        var generator = SystemRandomNumberGenerator()
        func random(_ range: Range<Int>) -> Int { Int.random(in: range, using: &generator) }
        let values = [0.1, 0.2, 0.25, 0.3]
        let board = try Leaderboard.inMemory()
        var next = 0
        for _ in 0..<120 {
            try board.ingest(manifest(next, experiment: random(0..<6), day: random(0..<9), value: values[random(0..<4)]), manifestPath: "runs/run-\(next)/manifest.json")
            next += 1
        }
        #expect(try stored(board, direction: direction) == full(board, direction: direction))
        #expect(try staleMarks(board).isEmpty)
        for round in 0..<12 {
            for _ in 0..<6 {
                switch random(0..<5) {
                case 0:
                    // A new run.
                    try board.ingest(manifest(next, experiment: random(0..<7), day: random(0..<9), value: values[random(0..<4)]),
                                     manifestPath: "runs/run-\(next)/manifest.json")
                    next += 1
                case 1:
                    // A known run moved to another day and experiment, with another value (a resume re-records it).
                    let index = random(0..<next)
                    try board.ingest(manifest(index, experiment: random(0..<7), day: random(0..<9), value: values[random(0..<4)]),
                                     manifestPath: "runs/run-\(index)/manifest.json")
                case 2:
                    // A known run that lost its metrics, or never finished.
                    let index = random(0..<next)
                    try board.ingest(manifest(index, experiment: random(0..<7), day: random(0..<9), value: nil,
                                              status: random(0..<2) == 0 ? .failed : .running, gpuType: random(0..<2) == 0 ? nil : "H100"),
                                     manifestPath: "runs/run-\(index)/manifest.json")
                case 3:
                    // A run deleted from the index (its metrics cascade).
                    let index = random(0..<next)
                    try board.write { db in try db.execute(sql: "DELETE FROM runs WHERE run_id = ?", arguments: ["run-\(index)"]) }
                default:
                    // A metric value edited in place.
                    try board.write { db in
                        try db.execute(sql: "UPDATE metrics SET value = ? WHERE run_id = ? AND name = 'nrmse'",
                                       arguments: [values[random(0..<4)], "run-\(random(0..<next))"])
                    }
                }
            }
            #expect(try stored(board, direction: direction) == full(board, direction: direction), "round \(round)")
        }
        // Another metric replaces the stored one; asking again for the first recomputes it.
        #expect(try stored(board, metric: "mse", direction: direction) == full(board, metric: "mse", direction: direction))
        #expect(try stored(board, direction: direction) == full(board, direction: direction))
    }

    @Test func aRebuildMarksEverythingStaleAndTheSeriesFollowTheFiles() throws {
        let board = try Leaderboard.inMemory()
        for index in 0..<20 {
            try board.ingest(manifest(index, experiment: index % 3, day: index % 5, value: Double(index) / 100), manifestPath: "runs/run-\(index)/manifest.json")
        }
        _ = try stored(board)
        _ = try board.rebuild(runDirectories: [])
        #expect(try staleMarks(board) == ["all:"])
        let empty = try stored(board)
        #expect(empty.days.isEmpty && empty.experiments.isEmpty && empty.gpuDays.isEmpty)
        #expect(empty == (try full(board)))
    }

    @Test func aMigratedIndexStartsWithEverythingStale() throws {
        let board = try Leaderboard.inMemory()
        #expect(try staleMarks(board) == ["all:"])
    }

    @Test func dayRangesHoldExactlyTheDaysStamps() {
        #expect(ReportSeriesTables.dayRange("2026-01-09")! == ("2026-01-09", "2026-01-0:"))
        #expect(ReportSeriesTables.dayRange("2026-01-31")! == ("2026-01-31", "2026-01-32"))
        for odd in ["2026-1-9", "", "２０２６-01-09", "2026-01-0\u{7F}", "2026-01-09T"] { #expect(ReportSeriesTables.dayRange(odd) == nil, "\(odd)") }
        // Every stamp of the day lies in its range; the neighbours' do not.
        let (from, to) = ReportSeriesTables.dayRange("2026-01-09")!
        for stamp in ["2026-01-09", "2026-01-09T00:00:00.000Z", "2026-01-09T23:59:59.999Z", "2026-01-09~"] { #expect(stamp >= from && stamp < to) }
        for stamp in ["2026-01-08T23:59:59.999Z", "2026-01-10T00:00:00.000Z", "2026-01-0"] { #expect(!(stamp >= from && stamp < to)) }
    }

    @Test func oddDayStampsAreRecomputedInFull() throws {
        let board = try Leaderboard.inMemory()
        for index in 0..<6 {
            try board.ingest(manifest(index, experiment: index % 2, day: index, value: Double(index)), manifestPath: "runs/run-\(index)/manifest.json")
        }
        _ = try stored(board)
        try board.write { db in try db.execute(sql: "UPDATE runs SET updated = 'yesterday' WHERE run_id = 'run-2'") }
        #expect(try stored(board) == full(board))
    }

    @Test func aStaleDayAndAStaleExperimentAreReadThroughIndexes() throws {
        let board = try Leaderboard.inMemory()
        let plans = try board.read { db in
            try [
                "r.updated >= '2026-01-09' AND r.updated < '2026-01-0:'", "r.experiment = 'exp-1'",
            ].map { condition in
                try db.fetchAll(sql: """
                    EXPLAIN QUERY PLAN SELECT r.run_id, r.experiment, r.created, r.updated, m.value
                    FROM runs AS r CROSS JOIN metrics AS m ON m.run_id = r.run_id AND m.phase = 'full_eval' AND m.name = 'nrmse'
                    WHERE \(condition)
                    """).map { try $0.stored("detail") as String }
            }
        }
        #expect(plans[0] == ["SEARCH r USING COVERING INDEX runs_updated (updated>? AND updated<?)",
                             "SEARCH m USING PRIMARY KEY (run_id=? AND phase=? AND name=?)"])
        #expect(plans[1] == ["SEARCH r USING INDEX runs_experiment (experiment=?)", "SEARCH m USING PRIMARY KEY (run_id=? AND phase=? AND name=?)"])
    }
}
