import SotaPlan
import SotaRunRecord
import SotaSupport
import SotaTestSupport
import Testing
@testable import SotaIndex

/// The one-pass bests the weekly report reads give what the window-function queries they replaced gave, ties included.
@Suite struct MetricBestsTests {
    /// 240 runs over 9 days and 7 experiments, with values from a small set so that values, and often stamps too, tie.
    private func board() throws -> Leaderboard {
        let board = try Leaderboard.inMemory()
        var generator = SystemRandomNumberGenerator()
        for index in 0..<240 {
            let minute = Int.random(in: 0..<9, using: &generator) * 1440 + Int.random(in: 0..<3, using: &generator) * 600
            let value = [0.1, 0.2, 0.25, 0.3][Int.random(in: 0..<4, using: &generator)]
            let id = "run-\(String(index, radix: 16))"
            var manifest = RunManifestFactory.make(
                id, experiment: "exp-\(index % 7)", minute: minute,
                metrics: index % 11 == 0 ? [:] : ["full_eval": ["nrmse": value]], passed: true, gpuType: "A100-80GB",
                stages: [("operator", "train", .succeeded, 60)]
            )
            manifest.updated = RunManifestFactory.timestamp(minute + (index % 5) * 10)
            try board.ingest(manifest, manifestPath: "runs/\(id)/manifest.json")
        }
        return board
    }

    /// The queries the report ran before, as the reference.
    private func reference(_ board: Leaderboard, direction: MetricDirection) throws -> Leaderboard.MetricBests {
        try board.read { db in
            let days = try db.fetchAll(sql: """
                SELECT day, run_id, value FROM (
                    SELECT substr(r.updated, 1, 10) AS day, r.run_id, m.value,
                           row_number() OVER (PARTITION BY substr(r.updated, 1, 10)
                                              ORDER BY m.value \(direction.sqlOrder), r.updated, r.run_id) AS place
                    FROM metrics AS m CROSS JOIN runs AS r ON r.run_id = m.run_id
                    WHERE m.phase = 'full_eval' AND m.name = 'nrmse'
                )
                WHERE place = 1
                ORDER BY day
                """).map { try Leaderboard.DailyBest(day: $0.stored("day"), runID: $0.stored("run_id"), value: $0.stored("value")) }
            let experiments = try db.fetchAll(sql: """
                SELECT experiment, run_id, value, runs FROM (
                    SELECT r.experiment, r.run_id, m.value, count(*) OVER (PARTITION BY r.experiment) AS runs,
                           row_number() OVER (PARTITION BY r.experiment
                                              ORDER BY m.value \(direction.sqlOrder), r.created, r.run_id) AS place
                    FROM metrics AS m CROSS JOIN runs AS r ON r.run_id = m.run_id
                    WHERE m.phase = 'full_eval' AND m.name = 'nrmse'
                )
                WHERE place = 1
                ORDER BY value \(direction.sqlOrder), experiment
                """).map {
                    try Leaderboard.ExperimentBest(experiment: $0.stored("experiment"), runID: $0.stored("run_id"), value: $0.stored("value"), runs: $0.stored("runs"))
                }
            return Leaderboard.MetricBests(days: days, experiments: experiments)
        }
    }

    @Test(arguments: MetricDirection.allCases) func matchesTheWindowQueries(direction: MetricDirection) throws {
        for _ in 0..<5 {
            let board = try board()
            let bests = try board.metricBests(metric: "nrmse", phase: "full_eval", direction: direction)
            #expect(bests == (try reference(board, direction: direction)))
            #expect(bests.days.count == 9 && bests.experiments.count == 7)
            #expect(try board.dailyBest(metric: "nrmse", phase: "full_eval", direction: direction) == bests.days)
            #expect(try board.experimentBests(metric: "nrmse", phase: "full_eval", direction: direction) == bests.experiments)
        }
    }

    @Test func aMetricNoRunMeasuredHasNoBests() throws {
        #expect(try board().metricBests(metric: "missing", phase: "full_eval", direction: .lower) == .init(days: [], experiments: []))
    }

    @Test func theBestsReadTheIndexInRunOrderWithoutASort() throws {
        let plan = try board().read { db in
            try db.fetchAll(sql: """
                EXPLAIN QUERY PLAN SELECT r.run_id, r.experiment, r.created, r.updated, m.value
                FROM metrics AS m CROSS JOIN runs AS r ON r.run_id = m.run_id
                WHERE +m.phase = ? AND +m.name = ?
                ORDER BY m.run_id
                """, arguments: ["full_eval", "nrmse"]).map { try $0.stored("detail") as String }
        }
        #expect(plan == ["SCAN m", "SEARCH r USING PRIMARY KEY (run_id=?)"])
    }
}
