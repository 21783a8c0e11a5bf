import SotaSupport
/// The SQL that ranks runs for `sota leaderboard`: the one text both the full ``Leaderboard`` and ``LeaderboardReader`` run.
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
    /// The values for the statement's `?` placeholders, in order: phase, metric (then, for a query driven by a
    /// hyperparameter, its key and text value), the experiment if any, then the other `--where` conditions' values.
    package let arguments: [String]

    /// The result columns, in order; readers that fetch by position rely on it.
    package static let columns = ["run_id", "experiment", "value", "status", "passed", "created", "config_hash",
                                  "git_commit", "gpu_type", "total_seconds", "tracker_url"]

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
                   r.gpu_type, r.total_seconds, r.tracker_url
            FROM metrics AS m CROSS JOIN runs AS r ON r.run_id = m.run_id
            WHERE m.phase = ? AND m.name = ?\(filter)
            ORDER BY m.value \(direction.sqlOrder), r.created ASC, r.run_id ASC
            LIMIT \(limit)
            """
        // END leaderboard top query
        self.arguments = arguments
    }

    /// The query for a selective `--where`: the same ranking driven from the `params` index by the condition at
    /// `index`, the few runs it admits then sorted, instead of walking the metric's index best-first past every run
    /// it refuses (100,000 correlated lookups, about 0.8 s, when no run matches). ``choosingPlan(count:)`` picks it.
    init?(metric: String, phase: String, direction: MetricDirection, limit: Int, experiment: String?,
          conditions: LeaderboardFilter, drivenBy index: Int) {
        guard (1...Self.maximumLimit).contains(limit), let test = conditions.parameterTest(index, alias: "d") else { return nil }
        var arguments = [phase, metric] + test.arguments
        var filter = ""
        if let experiment {
            filter = " AND r.experiment = ?"
            arguments.append(experiment)
        }
        let (text, values) = conditions.sql(rankedMetric: metric, phase: phase, skipping: index)
        filter += text
        arguments += values
        sql = """
            SELECT r.run_id, r.experiment, m.value, r.status, r.passed, r.created, r.config_hash, r.git_commit,
                   r.gpu_type, r.total_seconds, r.tracker_url
            FROM params AS d CROSS JOIN metrics AS m ON m.run_id = d.run_id AND m.phase = ? AND m.name = ?
                 CROSS JOIN runs AS r ON r.run_id = m.run_id
            WHERE \(test.text)\(filter)
            ORDER BY m.value \(direction.sqlOrder), r.created ASC, r.run_id ASC
            LIMIT \(limit)
            """
        self.arguments = arguments
    }

    /// The plan for this ranking: the best-first walk, or, when a hyperparameter condition admits fewer than
    /// ``drivenPlanLimit`` runs, the query driven from that condition.
    ///
    /// Walking passes about `limit × runs / admitted` refused runs before it has `limit`; driving sorts the admitted
    /// ones. Under the cap driving costs at most a few milliseconds whatever the index holds, and counting stops at
    /// the cap, so the choice itself stays under a millisecond.
    ///
    /// - Parameter count: runs a count statement (SQL, text arguments) and returns its number; nil on any error.
    package static func choosingPlan(metric: String, phase: String, direction: MetricDirection, limit: Int, experiment: String?,
                                     conditions: LeaderboardFilter?, count: (String, [String]) -> Int?) -> LeaderboardTopQuery? {
        let walk = LeaderboardTopQuery(metric: metric, phase: phase, direction: direction, limit: limit, experiment: experiment,
                                       conditions: conditions)
        guard let conditions else { return walk }
        var best: (index: Int, admitted: Int)?
        for index in conditions.conditions.indices {
            guard let (text, arguments) = conditions.countSQL(index, cap: drivenPlanLimit), let admitted = count(text, arguments) else { continue }
            if admitted < best?.admitted ?? Int.max { best = (index, admitted) }
        }
        guard let best, best.admitted < drivenPlanLimit else { return walk }
        return LeaderboardTopQuery(metric: metric, phase: phase, direction: direction, limit: limit, experiment: experiment,
                                   conditions: conditions, drivenBy: best.index) ?? walk
    }

    /// Below this many admitted runs a `--where` query is driven from the `params` index (measured at 100,000 runs:
    /// `seed = 99999`, which no run meets, 790 ms walking and a few ms driven).
    static let drivenPlanLimit = 2000

    /// The hyperparameters of `count` runs, their ids bound in order: `run_id, key, num, text` rows.
    package static func parametersSQL(count: Int) -> String {
        "SELECT run_id, key, num, text FROM params WHERE run_id IN (" + Array(repeating: "?", count: count).joined(separator: ", ") + ")"
    }
}
