import SotaSupport
/// The SQL that ranks runs for `sota leaderboard`: the one text both the GRDB leaderboard and ``LeaderboardReader`` run.
///
/// The limit is a literal in the SQL text (a bound LIMIT hides it from the planner, which may then pick a plan
/// that sorts every joined row), and `CROSS JOIN` keeps `metrics` as the outer loop so its `(phase, name, value)`
/// index serves the ORDER BY even when an experiment filter is present. Ties go to the earlier run, then the
/// smaller id. `bench/leaderboard_top.sh` reads the literal between the BEGIN/END comments and runs it through the
/// `sqlite3` CLI, so the benchmark compares against exactly this query.
package struct LeaderboardTopQuery: Sendable, Equatable {
    /// The largest limit accepted (`--top`).
    package static let maximumLimit = 100_000

    /// The statement; its result columns are ``columns``, in that order.
    package let sql: String
    /// The values for the statement's `?` placeholders, in order: phase, metric, then the experiment if any.
    package let arguments: [String]

    /// The result columns, in order; readers that fetch by position rely on it.
    package static let columns = ["run_id", "experiment", "value", "status", "passed", "created", "config_hash",
                                  "git_commit", "gpu_type", "total_seconds"]

    /// The query for the best `limit` runs by `metric` of `phase`; nil when `limit` is outside `1...maximumLimit`.
    ///
    /// - Parameter experiment: only this experiment's runs; nil for all.
    /// - Parameter conditions: `--where`'s conditions on hyperparameters and metrics; nil for none.
    package init?(metric: String, phase: String, direction: MetricDirection, limit: Int, experiment: String?,
                  conditions: LeaderboardFilter? = nil) {
        guard (1...Self.maximumLimit).contains(limit) else { return nil }
        var arguments = [phase, metric]
        var filter = ""
        if let experiment {
            filter = " AND r.experiment = ?"
            arguments.append(experiment)
        }
        if let conditions {
            let (text, values) = conditions.sql(rankedMetric: metric, phase: phase)
            filter += text
            arguments += values
        }
        // BEGIN leaderboard top query: bench/leaderboard_top.sh runs this literal through the sqlite3 CLI.
        sql = """
            SELECT r.run_id, r.experiment, m.value, r.status, r.passed, r.created, r.config_hash, r.git_commit,
                   r.gpu_type, r.total_seconds
            FROM metrics AS m CROSS JOIN runs AS r ON r.run_id = m.run_id
            WHERE m.phase = ? AND m.name = ?\(filter)
            ORDER BY m.value \(direction.sqlOrder), r.created ASC, r.run_id ASC
            LIMIT \(limit)
            """
        // END leaderboard top query
        self.arguments = arguments
    }

    /// The hyperparameters of `count` runs, their ids bound in order: `run_id, key, num, text` rows.
    package static func parametersSQL(count: Int) -> String {
        "SELECT run_id, key, num, text FROM params WHERE run_id IN (" + Array(repeating: "?", count: count).joined(separator: ", ") + ")"
    }
}
