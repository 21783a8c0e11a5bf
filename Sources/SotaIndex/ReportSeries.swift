import SotaSupport

/// The weekly report's history series kept in the index: each UTC day's GPU time per GPU type, and one metric's best
/// per day and per experiment. Reading them at 100,000 runs took 0.4 s a report, each time over all of history;
/// kept here, a report re-reads only the days and experiments whose runs changed since the last one.
///
/// Triggers on `runs` and `metrics` name every day and experiment a write touches in `series_stale` (the day of
/// the old row and of the new one, so a run that moves is seen in both); ``Leaderboard/reportSeries(metric:phase:direction:from:)``
/// recomputes exactly those, then empties the list. The metric series hold one metric at a time (the one last
/// asked for, named in `workspace_state`); another metric is computed in full and replaces them. A `('all', '')`
/// mark (set by the migration and by a rebuild) recomputes everything. Like every table of the index, these are
/// derived from the run folders alone.
enum ReportSeriesTables {
    /// The migration's identifier; a shipped migration is never edited, a change is a new one.
    static let migrationID = "report-series-v1"

    /// The `workspace_state` entry naming the metric the series hold.
    static let metricStateName = "series_metric"

    /// Adds the migration to `migrator`.
    static func register(in migrator: inout SQLiteMigrator) {
        migrator.registerMigration(migrationID) { db in
            try db.execute(sql: v1)
        }
    }

    /// Version 1.
    ///
    /// Query plans at 100,000 runs: a stale day's runs by `SEARCH r USING COVERING INDEX runs_updated (updated>? AND
    /// updated<?)`, each metric by the primary key of `metrics`; a stale experiment's runs by `SEARCH r USING INDEX
    /// runs_experiment (experiment=?)`; the stored series by their primary keys.
    static let v1 = """
        -- BEGIN report series schema v1
        CREATE TABLE series_stale (
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            PRIMARY KEY (kind, key)
        ) WITHOUT ROWID;

        CREATE TABLE series_gpu_days (
            day TEXT NOT NULL,
            gpu_type TEXT,
            gpu_seconds REAL NOT NULL,
            runs INTEGER NOT NULL
        );
        CREATE INDEX series_gpu_days_day ON series_gpu_days(day, gpu_type);

        CREATE TABLE series_metric_days (
            day TEXT NOT NULL PRIMARY KEY,
            run_id TEXT NOT NULL,
            value REAL NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE series_metric_experiments (
            experiment TEXT NOT NULL PRIMARY KEY,
            run_id TEXT NOT NULL,
            value REAL NOT NULL,
            runs INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TRIGGER runs_series_insert AFTER INSERT ON runs BEGIN
            INSERT OR IGNORE INTO series_stale VALUES ('day', substr(NEW.updated, 1, 10)), ('experiment', NEW.experiment);
        END;
        CREATE TRIGGER runs_series_update AFTER UPDATE ON runs BEGIN
            INSERT OR IGNORE INTO series_stale VALUES ('day', substr(OLD.updated, 1, 10)), ('experiment', OLD.experiment),
                ('day', substr(NEW.updated, 1, 10)), ('experiment', NEW.experiment);
        END;
        CREATE TRIGGER runs_series_delete AFTER DELETE ON runs BEGIN
            INSERT OR IGNORE INTO series_stale VALUES ('day', substr(OLD.updated, 1, 10)), ('experiment', OLD.experiment);
        END;
        CREATE TRIGGER metrics_series_insert AFTER INSERT ON metrics BEGIN
            INSERT OR IGNORE INTO series_stale
                SELECT 'day', substr(updated, 1, 10) FROM runs WHERE run_id = NEW.run_id
                UNION ALL SELECT 'experiment', experiment FROM runs WHERE run_id = NEW.run_id;
        END;
        CREATE TRIGGER metrics_series_update AFTER UPDATE ON metrics BEGIN
            INSERT OR IGNORE INTO series_stale
                SELECT 'day', substr(updated, 1, 10) FROM runs WHERE run_id IN (OLD.run_id, NEW.run_id)
                UNION ALL SELECT 'experiment', experiment FROM runs WHERE run_id IN (OLD.run_id, NEW.run_id);
        END;
        CREATE TRIGGER metrics_series_delete AFTER DELETE ON metrics BEGIN
            INSERT OR IGNORE INTO series_stale
                SELECT 'day', substr(updated, 1, 10) FROM runs WHERE run_id = OLD.run_id
                UNION ALL SELECT 'experiment', experiment FROM runs WHERE run_id = OLD.run_id;
        END;

        INSERT INTO series_stale VALUES ('all', '');
        -- END report series schema v1
        """

    /// Empties the series and marks everything stale (a rebuild).
    static func clear(_ db: SQLiteConnection) throws {
        try db.execute(sql: """
            DELETE FROM series_gpu_days; DELETE FROM series_metric_days; DELETE FROM series_metric_experiments;
            DELETE FROM series_stale; INSERT INTO series_stale VALUES ('all', '');
            DELETE FROM workspace_state WHERE name = '\(metricStateName)';
            """)
    }

    /// Brings the stored series up to date for `metric` in `phase`.
    static func refresh(_ db: SQLiteConnection, metric: String, phase: String, direction: MetricDirection) throws {
        var days: [String] = [], experiments: [String] = [], everything = false
        for row in try db.fetchAll(sql: "SELECT kind, key FROM series_stale") {
            let kind: String = try row.stored(at: 0, "kind"), key: String = try row.stored(at: 1, "key")
            switch kind {
            case "day": days.append(key)
            case "experiment": experiments.append(key)
            default: everything = true
            }
        }
        // A day is read by a range of `runs_updated`, which needs its key to be ten ASCII characters whose last can
        // be counted up; any other key (a hand-made manifest's odd timestamp) is rare enough to recompute all for.
        let ranges = days.map(dayRange)
        if ranges.contains(where: { $0 == nil }) { everything = true }
        let held = try db.fetchOne(String.self, sql: "SELECT value FROM workspace_state WHERE name = ?", arguments: [metricStateName])
        let wanted = [phase, metric, direction.rawValue].joined(separator: "\n")
        if everything {
            try db.execute(sql: "DELETE FROM series_gpu_days")
            try db.execute(sql: gpuDaysInsert(where: "1"))
        } else {
            for case let (day, range?) in zip(days, ranges) {
                try db.execute(sql: "DELETE FROM series_gpu_days WHERE day = ?", arguments: [day])
                try db.execute(sql: gpuDaysInsert(where: "updated >= ? AND updated < ?"), arguments: [range.from, range.to])
            }
        }
        if everything || held != wanted {
            let bests = try MetricBestsReduction.read(db, metric: metric, phase: phase, direction: direction)
            try db.execute(sql: "DELETE FROM series_metric_days; DELETE FROM series_metric_experiments")
            try store(bests, into: db)
            try db.execute(sql: "INSERT OR REPLACE INTO workspace_state (name, value) VALUES (?, ?)", arguments: [metricStateName, wanted])
        } else {
            var reduction = MetricBestsReduction(direction: direction)
            for case let (day, range?) in zip(days, ranges) {
                try db.execute(sql: "DELETE FROM series_metric_days WHERE day = ?", arguments: [day])
                try reduction.add(db, where: "r.updated >= ? AND r.updated < ?", arguments: [phase, metric, range.from, range.to], days: true)
            }
            for experiment in experiments {
                try db.execute(sql: "DELETE FROM series_metric_experiments WHERE experiment = ?", arguments: [experiment])
                try reduction.add(db, where: "r.experiment = ?", arguments: [phase, metric, experiment], experiments: true)
            }
            try store(reduction.result(), into: db)
        }
        try db.execute(sql: "DELETE FROM series_stale")
    }

    /// The stored series, with the GPU time of the days from `gpuDays.from` up to (not including) `gpuDays.to`.
    static func read(_ db: SQLiteConnection, direction: MetricDirection, gpuDays: (from: String, to: String)) throws -> Leaderboard.ReportSeries {
        let days = try db.fetchAll(sql: "SELECT day, run_id, value FROM series_metric_days ORDER BY day").map {
            try Leaderboard.DailyBest(day: $0.stored(at: 0, "day"), runID: $0.stored(at: 1, "run_id"), value: $0.stored(at: 2, "value"))
        }
        let order = direction == .lower ? "ASC" : "DESC"
        let experiments = try db.fetchAll(sql: "SELECT experiment, run_id, value, runs FROM series_metric_experiments ORDER BY value \(order), experiment").map {
            try Leaderboard.ExperimentBest(experiment: $0.stored(at: 0, "experiment"), runID: $0.stored(at: 1, "run_id"), value: $0.stored(at: 2, "value"),
                                           runs: $0.stored(at: 3, "runs"))
        }
        let gpu = try db.fetchAll(sql: "SELECT day, gpu_type, gpu_seconds, runs FROM series_gpu_days WHERE day >= ? AND day < ? ORDER BY day, gpu_type",
                                   arguments: [gpuDays.from, gpuDays.to]).map {
            try Leaderboard.GPUTime(day: $0.stored(at: 0, "day"), gpuType: $0.stored(at: 1, "gpu_type"), gpuSeconds: $0.stored(at: 2, "gpu_seconds"),
                                    runs: $0.stored(at: 3, "runs"))
        }
        return Leaderboard.ReportSeries(days: days, experiments: experiments, gpuDays: gpu)
    }

    /// The SQL that fills `series_gpu_days` from the finished runs matching `condition`.
    private static func gpuDaysInsert(where condition: String) -> String {
        "INSERT INTO series_gpu_days (day, gpu_type, gpu_seconds, runs)\n" + Leaderboard.gpuTimeQuery(where: condition)
    }

    /// Writes `bests` over the rows of their keys.
    private static func store(_ bests: Leaderboard.MetricBests, into db: SQLiteConnection) throws {
        for day in bests.days {
            try db.execute(sql: "INSERT OR REPLACE INTO series_metric_days (day, run_id, value) VALUES (?, ?, ?)", arguments: [day.day, day.runID, day.value])
        }
        for experiment in bests.experiments {
            try db.execute(sql: "INSERT OR REPLACE INTO series_metric_experiments (experiment, run_id, value, runs) VALUES (?, ?, ?, ?)",
                           arguments: [experiment.experiment, experiment.runID, experiment.value, experiment.runs])
        }
    }

    /// The `updated` range of a day key: `2026-01-05` gives `2026-01-05` up to (not including) `2026-01-06`, which
    /// holds exactly the strings that begin with the key. Nil for a key that is not ten ASCII characters.
    static func dayRange(_ day: String) -> (from: String, to: String)? {
        var bytes = Array(day.utf8)
        guard bytes.count == 10, bytes.allSatisfy({ $0 < 0x7F }), let last = bytes.last else { return nil }
        bytes[9] = last + 1
        return (day, String(decoding: bytes, as: UTF8.self))
    }
}

extension Leaderboard {
    /// The weekly report's history: one metric's best per day and per experiment, and GPU time per day.
    package struct ReportSeries: Sendable, Equatable {
        /// The metric's best per UTC day on which a run with it finished, oldest first.
        package var days: [DailyBest]
        /// The metric's best per experiment, best first (ties by name).
        package var experiments: [ExperimentBest]
        /// GPU time per UTC day and GPU type of the finished runs, oldest first.
        package var gpuDays: [GPUTime]
    }

    /// The report's history series for `metric` in `phase`, with the GPU time of the UTC days from `gpuFrom` up to
    /// (not including) `gpuTo` (`2026-01-05`).
    ///
    /// Brings the stored series up to date first (see ``ReportSeriesTables``). An index this process cannot write
    /// (a read-only file, a writer holding the lock past the timeout) is read in full instead, with the same result.
    package func reportSeries(metric: String, phase: String, direction: MetricDirection, gpuFrom: String, gpuTo: String) throws(LeaderboardError) -> ReportSeries {
        do {
            return try write { db in
                try ReportSeriesTables.refresh(db, metric: metric, phase: phase, direction: direction)
                return try ReportSeriesTables.read(db, direction: direction, gpuDays: (gpuFrom, gpuTo))
            }
        } catch {
            let bests = try metricBests(metric: metric, phase: phase, direction: direction)
            return ReportSeries(days: bests.days, experiments: bests.experiments, gpuDays: try gpuTimeByDay(from: gpuFrom, to: gpuTo))
        }
    }
}
