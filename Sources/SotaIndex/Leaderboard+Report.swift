import SotaSupport

/// What `sota report --weekly` reads: the runs of a period, the best value per day and per experiment, and GPU time
/// per day for pricing. Days are UTC days, cut from the ISO 8601 timestamps the manifests store.
extension Leaderboard {
    /// One run as the report shows it, with one metric's value.
    package struct ReportRun: Sendable, Equatable {
        /// The run id.
        package var runID: String
        /// The experiment name.
        package var experiment: String
        /// Overall status (`succeeded`, `rejected`, `failed`, ...).
        package var status: String
        /// ISO 8601 creation time.
        package var created: String
        /// ISO 8601 time of the last change: a finished run's end.
        package var updated: String
        /// GPU type, if any.
        package var gpuType: String?
        /// GPUs used.
        package var gpuCount: Int
        /// Wall seconds of the stages that ran.
        package var totalSeconds: Double
        /// True when every gate passed; nil until gating ran.
        package var passed: Bool?
        /// The requested metric's value, when the run measured it.
        package var value: Double?

        /// Creates a run.
        package init(runID: String, experiment: String, status: String, created: String, updated: String, gpuType: String?,
                    gpuCount: Int, totalSeconds: Double, passed: Bool?, value: Double?) {
            self.runID = runID
            self.experiment = experiment
            self.status = status
            self.created = created
            self.updated = updated
            self.gpuType = gpuType
            self.gpuCount = gpuCount
            self.totalSeconds = totalSeconds
            self.passed = passed
            self.value = value
        }
    }

    /// The best value of one UTC day.
    package struct DailyBest: Sendable, Equatable {
        /// `2026-01-05`.
        package var day: String
        /// The run that reached the day's best value.
        package var runID: String
        /// The value.
        package var value: Double

        /// Creates a day's best.
        package init(day: String, runID: String, value: Double) {
            self.day = day
            self.runID = runID
            self.value = value
        }
    }

    /// The best value of one experiment.
    package struct ExperimentBest: Sendable, Equatable {
        /// The experiment.
        package var experiment: String
        /// The run that reached its best value.
        package var runID: String
        /// The value.
        package var value: Double
        /// How many of its runs measured the metric.
        package var runs: Int

        /// Creates an experiment's best.
        package init(experiment: String, runID: String, value: Double, runs: Int) {
            self.experiment = experiment
            self.runID = runID
            self.value = value
            self.runs = runs
        }
    }

    /// GPU time of the runs that finished on one UTC day on one GPU type.
    package struct GPUTime: Sendable, Equatable {
        /// `2026-01-05`.
        package var day: String
        /// The GPU type; nil for runs that named none.
        package var gpuType: String?
        /// Stage seconds × GPUs, summed over the runs.
        package var gpuSeconds: Double
        /// How many runs.
        package var runs: Int

        /// Creates a day's GPU time.
        package init(day: String, gpuType: String?, gpuSeconds: Double, runs: Int) {
            self.day = day
            self.gpuType = gpuType
            self.gpuSeconds = gpuSeconds
            self.runs = runs
        }
    }

    /// Statuses of runs that have not finished; the report leaves them out until they do.
    static let unfinished = "('pending', 'running')"

    /// GPU seconds (stage seconds × GPUs) and runs per UTC day and GPU type, of the finished runs matching
    /// `condition`: the one definition the report's GPU time is read (``gpuTimeByDay(from:to:)``) and stored
    /// (``ReportSeriesTables``) by.
    static func gpuTimeQuery(where condition: String) -> String {
        """
        SELECT substr(updated, 1, 10) AS day, gpu_type, sum(total_seconds * gpu_count) AS gpu_seconds, count(*) AS runs
        FROM runs WHERE \(condition) AND status NOT IN \(unfinished)
        GROUP BY day, gpu_type
        """
    }

    /// Runs that finished at or after `start` and before `end` (ISO 8601 UTC timestamps), oldest first, each with
    /// its value of `metric` in `phase` when it has one.
    package func finishedRuns(from start: String, to end: String, metric: String, phase: String) throws(LeaderboardError) -> [ReportRun] {
        try read { db in
            // A cursor, not `fetchAll`: a week can hold thousands of runs, read once without copying each row first.
            try db.fetchCursor(sql: """
                SELECT r.run_id, r.experiment, r.status, r.created, r.updated, r.gpu_type, r.gpu_count, r.total_seconds,
                       r.passed, m.value
                FROM runs AS r LEFT JOIN metrics AS m ON m.run_id = r.run_id AND m.phase = ? AND m.name = ?
                WHERE r.updated >= ? AND r.updated < ? AND r.status NOT IN \(Self.unfinished)
                ORDER BY r.updated, r.run_id
                """, arguments: [phase, metric, start, end]).map(Self.reportRun)
        }
    }

    /// The runs `ids`, in that order, each with its value of `metric` in `phase`; ids the index lacks are left out.
    package func reportRuns(ids: [String], metric: String, phase: String) throws(LeaderboardError) -> [ReportRun] {
        guard !ids.isEmpty else { return [] }
        let found = try read { db in
            try db.fetchAll(sql: """
                SELECT r.run_id, r.experiment, r.status, r.created, r.updated, r.gpu_type, r.gpu_count, r.total_seconds,
                       r.passed, m.value
                FROM runs AS r LEFT JOIN metrics AS m ON m.run_id = r.run_id AND m.phase = ? AND m.name = ?
                WHERE r.run_id IN (\(Array(repeating: "?", count: ids.count).joined(separator: ", ")))
                """, arguments: SQLiteArguments([phase, metric] + ids)).map(Self.reportRun)
        }
        let byID = Dictionary(found.map { ($0.runID, $0) }) { first, _ in first }
        return ids.compactMap { byID[$0] }
    }

    /// The best value of `metric` in `phase` for every UTC day on which a run with it finished, oldest day first;
    /// a tie goes to the run that finished first.
    package func dailyBest(metric: String, phase: String, direction: MetricDirection) throws(LeaderboardError) -> [DailyBest] {
        try metricBests(metric: metric, phase: phase, direction: direction).days
    }

    /// Every experiment's best value of `metric` in `phase`, best experiment first (ties by name); within an
    /// experiment a tie goes to the earlier run, as in the leaderboard.
    package func experimentBests(metric: String, phase: String, direction: MetricDirection) throws(LeaderboardError) -> [ExperimentBest] {
        try metricBests(metric: metric, phase: phase, direction: direction).experiments
    }

    /// ``dailyBest(metric:phase:direction:)`` and ``experimentBests(metric:phase:direction:)`` from one read of the
    /// index, as the weekly report needs both.
    package func metricBests(metric: String, phase: String, direction: MetricDirection) throws(LeaderboardError) -> MetricBests {
        try read { db in
            try MetricBestsReduction.read(db, metric: metric, phase: phase, direction: direction)
        }
    }

    /// GPU seconds (stage seconds × GPUs) of the runs that finished at or after `start` and before `end`, per UTC
    /// day and GPU type, oldest first; the caller prices them.
    package func gpuTimeByDay(from start: String, to end: String) throws(LeaderboardError) -> [GPUTime] {
        try read { db in
            try db.fetchAll(sql: Self.gpuTimeQuery(where: "updated >= ? AND updated < ?") + "\nORDER BY day, gpu_type",
                             arguments: [start, end]).map {
                try GPUTime(day: $0.stored("day"), gpuType: $0.stored("gpu_type"), gpuSeconds: $0.stored("gpu_seconds"), runs: $0.stored("runs"))
            }
        }
    }

    private static func reportRun(_ row: SQLiteRow) throws -> ReportRun {
        // By position, in the order both queries select: a lookup by name compares column names for every value,
        // which made reading a week of 8,000 runs ten times slower than SQLite's part.
        try ReportRun(runID: row.stored(at: 0, "run_id"), experiment: row.stored(at: 1, "experiment"), status: row.stored(at: 2, "status"),
                      created: row.stored(at: 3, "created"), updated: row.stored(at: 4, "updated"), gpuType: row.stored(at: 5, "gpu_type"),
                      gpuCount: row.stored(at: 6, "gpu_count"), totalSeconds: row.stored(at: 7, "total_seconds"), passed: row.stored(at: 8, "passed"),
                      value: row.stored(at: 9, "value"))
    }
}
