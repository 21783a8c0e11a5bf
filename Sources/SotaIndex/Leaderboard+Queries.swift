import SotaSupport
import SotaPlan
import SotaRunRecord

extension Leaderboard {
    /// The best runs by one metric of one phase, best first; ties go to the earlier run, then the smaller id.
    ///
    /// Runs without the metric are not listed. The walk follows the `(phase, name, value)` index from the best
    /// value down, so without an experiment filter the cost grows with `limit`, not with the number of runs; with
    /// one, it grows with how far down the overall ranking the experiment's best runs sit.
    ///
    /// - Parameters:
    ///   - experiment: only this experiment's runs; nil for all.
    ///   - limit: rows to return, `1...100_000`.
    /// - Throws: `.invalidLimit` for a limit out of range, `.sqlite` naming the file otherwise.
    package func top(metric: String, phase: String, direction: MetricDirection, limit: Int,
                    experiment: String? = nil, conditions: LeaderboardFilter? = nil) throws(LeaderboardError) -> [LeaderboardRow] {
        let (sql, arguments) = try topQuery(metric: metric, phase: phase, direction: direction, limit: limit, experiment: experiment,
                                                 conditions: conditions)
        return try read { db in
            var rows = try db.fetchAll(sql: sql, arguments: arguments).enumerated().map { index, row in
                var ranked = try LeaderboardRow(
                    rank: index + 1, runID: row.stored("run_id"), experiment: row.stored("experiment"), value: row.stored("value"),
                    status: row.stored("status"), passed: row.stored("passed"), created: row.stored("created"), configHash: row.stored("config_hash"),
                    gitCommit: row.stored("git_commit"), gpuType: row.stored("gpu_type"), totalSeconds: row.stored("total_seconds")
                )
                ranked.trackerURL = try row.stored("tracker_url")
                return ranked
            }
            let positions = Dictionary(rows.enumerated().map { ($1.runID, $0) }, uniquingKeysWith: { first, _ in first })
            // Batches stay under SQLite's bound-parameter limit whatever --top asks for.
            for start in stride(from: 0, to: rows.count, by: 500) {
                let ids = rows[start..<min(rows.count, start + 500)].map(\.runID)
                for row in try db.fetchAll(sql: LeaderboardTopQuery.parametersSQL(count: ids.count), arguments: SQLiteArguments(ids)) {
                    guard let position = positions[try row.stored("run_id") as String] else { continue }
                    let key: String = try row.stored("key")
                    let number: Double? = try row.stored("num"), text: String? = try row.stored("text")
                    rows[position].parameters[key] = RunManifest.ParameterValue.stored(number: number, text: text)
                }
            }
            return rows
        }
    }

    /// SQLite's `EXPLAIN QUERY PLAN` lines for ``top(metric:phase:direction:limit:experiment:)``, for tests and `--explain`.
    package func topQueryPlan(metric: String, phase: String, direction: MetricDirection, limit: Int,
                              experiment: String? = nil, conditions: LeaderboardFilter? = nil) throws(LeaderboardError) -> [String] {
        let (sql, arguments) = try topQuery(metric: metric, phase: phase, direction: direction, limit: limit, experiment: experiment,
                                                 conditions: conditions)
        return try read { db in
            try db.fetchAll(sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { try $0.stored("detail") as String }
        }
    }

    /// The ranking query, shared with ``LeaderboardReader`` (see ``LeaderboardTopQuery``).
    private func topQuery(metric: String, phase: String, direction: MetricDirection, limit: Int,
                          experiment: String?, conditions: LeaderboardFilter? = nil) throws(LeaderboardError) -> (String, SQLiteArguments) {
        guard (1...LeaderboardTopQuery.maximumLimit).contains(limit) else { throw .invalidLimit(limit) }
        let counter = { (sql: String, arguments: [String]) -> Int? in
            try? self.read { db in try db.fetchOne(Int.self, sql: sql, arguments: SQLiteArguments(arguments)) }
        }
        guard let query = LeaderboardTopQuery.choosingPlan(metric: metric, phase: phase, direction: direction, limit: limit,
                                                           experiment: experiment, conditions: conditions, count: counter)
        else { throw .invalidLimit(limit) }
        return (query.sql, SQLiteArguments(query.arguments))
    }

    /// Everything indexed about run `id`, or nil when the index does not hold it.
    package func runSummary(id: String) throws(LeaderboardError) -> RunSummary? {
        try read { db in
            guard let row = try db.fetchOne(sql: "SELECT * FROM runs WHERE run_id = ?", arguments: [id]) else { return nil }
            var metrics: [String: [String: Double]] = [:]
            for metric in try db.fetchAll(sql: "SELECT phase, name, value FROM metrics WHERE run_id = ?", arguments: [id]) {
                try metrics[metric.stored("phase"), default: [:]][metric.stored("name")] = metric.stored("value")
            }
            let gates = try db.fetchAll(sql: "SELECT * FROM gate_outcomes WHERE run_id = ? ORDER BY position", arguments: [id]).map {
                try RunManifest.GateRecord(
                    name: $0.stored("name"), phase: $0.stored("phase"), metric: $0.stored("metric"), direction: $0.stored("direction"),
                    threshold: $0.stored("threshold"), value: $0.stored("value"), baseline: $0.stored("baseline"), baselineRun: $0.stored("baseline_run"),
                    requiredImprovement: $0.stored("required_improvement"), passed: $0.stored("passed"), reason: $0.stored("reason")
                )
            }
            let stages = try db.fetchAll(sql: "SELECT * FROM stage_timings WHERE run_id = ? ORDER BY position", arguments: [id]).map {
                try RunSummary.StageTiming(
                    stage: $0.stored("stage"), phase: $0.stored("phase"), seconds: $0.stored("seconds"), status: $0.stored("status"),
                    attempts: $0.stored("attempts"), finished: $0.stored("finished")
                )
            }
            return try RunSummary(
                runID: row.stored("run_id"), experiment: row.stored("experiment"), status: row.stored("status"), created: row.stored("created"),
                updated: row.stored("updated"), configPath: row.stored("config_path"), configHash: row.stored("config_hash"),
                gitCommit: row.stored("git_commit"), gitDirty: row.stored("git_dirty"), host: row.stored("host"), gpuType: row.stored("gpu_type"),
                gpuCount: row.stored("gpu_count"), totalSeconds: row.stored("total_seconds"), passed: row.stored("passed"),
                manifestPath: row.stored("manifest_path"), metrics: metrics, gates: gates, stages: stages
            )
        }
    }

    /// The indexed run ids that start with `prefix`, sorted, so users can type a unique prefix of an id.
    package func runIDs(matchingPrefix prefix: String) throws(LeaderboardError) -> [String] {
        // GLOB is case-sensitive and, given a literal prefix, walks the primary key; wildcards are bracketed.
        let pattern = prefix.map { "*?[".contains($0) ? "[\($0)]" : String($0) }.joined() + "*"
        return try read { db in
            try db.fetchAll(String.self, sql: "SELECT run_id FROM runs WHERE run_id GLOB ? ORDER BY run_id", arguments: [pattern])
        }
    }

    /// The value a run must beat for a "minimum improvement over production" gate.
    ///
    /// That is the run of the most recent promotion not rolled back, for `experiment` (for any experiment when
    /// nil), when that run is indexed with the metric; otherwise the best passed run (every gate passed) of
    /// `experiment`, or of all runs when nil. Nil when neither exists.
    package func baseline(metric: String, phase: String, direction: MetricDirection,
                         experiment: String?) throws(LeaderboardError) -> GateEvaluator.Baseline? {
        try read { db in
            let experimentArguments: SQLiteArguments = experiment.map { [$0] } ?? []
            let production = try db.fetchOne(sql: """
                SELECT run_id FROM promotions
                WHERE rolled_back = 0\(experiment == nil ? "" : " AND experiment = ?")
                ORDER BY promoted_at DESC, id DESC
                LIMIT 1
                """, arguments: experimentArguments).map { try $0.stored("run_id") as String }
            // A row read with `stored`, not `Double.fetchOne`: that converts through SQLite, which turns text into 0.
            if let production, let row = try db.fetchOne(sql: """
                SELECT value FROM metrics WHERE run_id = ? AND phase = ? AND name = ?
                """, arguments: [production, phase, metric]) {
                return try GateEvaluator.Baseline(runID: production, value: row.stored("value"))
            }
            let best = try db.fetchOne(sql: """
                SELECT m.run_id, m.value
                FROM metrics AS m CROSS JOIN runs AS r ON r.run_id = m.run_id
                WHERE m.phase = ? AND m.name = ? AND r.passed = 1\(experiment == nil ? "" : " AND r.experiment = ?")
                ORDER BY m.value \(direction.sqlOrder), r.created ASC, r.run_id ASC
                LIMIT 1
                """, arguments: [phase, metric] + experimentArguments)
            return try best.map { try GateEvaluator.Baseline(runID: $0.stored("run_id"), value: $0.stored("value")) }
        }
    }

    /// The most recent successful runs of `stage` (at most 50, newest first) on the GPU `gpu`, with their sizes, for
    /// cost calibration.
    ///
    /// A run counts only by the hardware it reported having (`hardware.observed` in its manifest), never by the GPU
    /// its config declared: a CPU run of an A100 config says nothing about an A100. Runs of unknown hardware (older
    /// manifests) never count. Names match as ``GPUName/isSeen(in:)`` says (`A100-80GB` is `NVIDIA A100-SXM4-80GB`),
    /// so the rows are filtered here, newest first, until 50 matched.
    package func stageDurations(stage: String, onHardware gpu: String) throws(LeaderboardError) -> [CostEstimator.PastStage] {
        let name = GPUName(gpu)
        return try read { db in
            let rows = try db.fetchCursor(sql: """
                SELECT s.seconds, s.work, r.observed_hardware
                FROM stage_timings AS s CROSS JOIN runs AS r ON r.run_id = s.run_id
                WHERE s.stage = ? AND s.status = 'succeeded' AND s.seconds IS NOT NULL AND r.observed_hardware IS NOT NULL
                ORDER BY s.finished DESC, r.created DESC, r.run_id DESC
                """, arguments: [stage])
            var found: [CostEstimator.PastStage] = []
            while found.count < 50, let row = try rows.next() {
                let seen: String = try row.stored("observed_hardware")
                guard name.isSeen(in: seen) else { continue }
                try found.append(CostEstimator.PastStage(seconds: row.stored("seconds"), work: row.stored("work")))
            }
            return found
        }
    }
}

extension Leaderboard {
    /// The metric (and its direction) the indexed runs gate most often in `phase`, or the direction `name` is gated
    /// with: what ranks runs when the project declares no metrics; with nothing gated, the metric most runs report.
    /// A scan of the gate outcomes (and metrics), so only for that case.
    ///
    /// - Returns: the metric and the direction it is gated with; a nil direction for a metric no run gates.
    package func gatedMetric(named name: String?, phase: String) throws(LeaderboardError) -> (name: String, direction: MetricDirection?)? {
        try read { db in
            // Nothing gated: the metric most runs report, its direction unknown.
            func reported() throws -> (name: String, direction: MetricDirection?)? {
                guard name == nil, let row = try db.fetchOne(sql: "SELECT name FROM metrics WHERE phase = ? GROUP BY name ORDER BY count(*) DESC, name LIMIT 1",
                                                              arguments: [phase]) else { return nil }
                return (try row.stored("name"), nil)
            }
            let sql = "SELECT metric, direction FROM gate_outcomes WHERE phase = ?" + (name == nil ? "" : " AND metric = ?")
                + " GROUP BY metric, direction ORDER BY count(*) DESC, metric LIMIT 1"
            let arguments: SQLiteArguments = name.map { [phase, $0] } ?? [phase]
            guard let row = try db.fetchOne(sql: sql, arguments: arguments),
                  let direction = MetricDirection(rawValue: try row.stored("direction") as String) else { return try reported() }
            return (try row.stored("metric"), direction)
        }
    }
}

extension Leaderboard {
    /// The step histories the index holds for `runIDs` (thinned as indexed), by run id; runs without one are left out.
    /// `names` keeps only those metrics when given. Each run's rows are read off the primary key of `step_metrics`.
    package func stepHistories(runIDs: [String], names: Set<String>? = nil) throws(LeaderboardError) -> [String: StepHistory] {
        guard !runIDs.isEmpty else { return [:] }
        return try read { db in
            var histories: [String: StepHistory] = [:]
            // Chunked: SQLite limits the parameters of one statement.
            for start in stride(from: 0, to: runIDs.count, by: 500) {
                let ids = Array(runIDs[start..<min(start + 500, runIDs.count)])
                let rows = try db.fetchCursor(sql: """
                    SELECT run_id, name, step, value FROM step_metrics
                    WHERE run_id IN (\(Array(repeating: "?", count: ids.count).joined(separator: ", ")))
                    ORDER BY run_id, name, step
                    """, arguments: SQLiteArguments(ids))
                while let row = try rows.next() {
                    let name: String = try row.stored(at: 1, "name")
                    if let names, !names.contains(name) { continue }
                    let point = try StepHistory.Point(step: row.stored(at: 2, "step"), value: row.stored(at: 3, "value"))
                    histories[try row.stored(at: 0, "run_id") as String, default: StepHistory()].series[name, default: []].append(point)
                }
            }
            return histories
        }
    }
}

extension Leaderboard {
    /// The tracker URLs the index holds for `runIDs`, by run id; runs without one are left out.
    package func trackerURLs(runIDs: [String]) throws(LeaderboardError) -> [String: String] {
        guard !runIDs.isEmpty else { return [:] }
        return try read { db in
            var urls: [String: String] = [:]
            for start in stride(from: 0, to: runIDs.count, by: 500) {
                let ids = Array(runIDs[start..<min(start + 500, runIDs.count)])
                for row in try db.fetchAll(sql: """
                    SELECT run_id, tracker_url FROM runs
                    WHERE tracker_url IS NOT NULL AND run_id IN (\(Array(repeating: "?", count: ids.count).joined(separator: ", ")))
                    """, arguments: SQLiteArguments(ids)) {
                    urls[try row.stored(at: 0, "run_id") as String] = try row.stored(at: 1, "tracker_url") as String
                }
            }
            return urls
        }
    }
}
