/// The leaderboard's tables, as a timeline of migrations.
///
/// A migration that has shipped is never edited: a schema change is a new migration (`v2`, ...) appended to
/// ``migrator``. `bench/leaderboard_top.sh` reads each version's SQL between its BEGIN/END markers from this file.
enum LeaderboardSchema {
    /// `PRAGMA application_id` of every leaderboard file: the bytes `sota` (0x736F7461).
    static let applicationID: Int32 = 0x736F_7461

    /// The page size of new leaderboard files, in bytes; files made with another size keep theirs.
    static let pageSize = 16384

    /// The identifiers of every migration, in order, as ``migrator`` registers them: what a current file has applied.
    /// The raw recorder (``LeaderboardRecorder/isCurrent(_:)``) checks a file against this list.
    static let migrationIDs: [String] = migrator.migrations

    /// Every migration, in order.
    static var migrator: SQLiteMigrator {
        var migrator = SQLiteMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3") { db in
            try db.execute(sql: v3)
        }
        WorkspaceTables.register(in: &migrator)
        migrator.registerMigration("v4") { db in
            try db.execute(sql: v4)
        }
        ReportSeriesTables.register(in: &migrator)
        migrator.registerMigration("v5") { db in
            try db.execute(sql: v5)
        }
        migrator.registerMigration("v6") { db in
            try db.execute(sql: v6)
        }
        migrator.registerMigration("v7") { db in
            try db.execute(sql: v7)
        }
        return migrator
    }

    /// Version 1: runs and what was measured about them, plus promotions (which outlive a rebuild).
    ///
    /// Child tables cascade from `runs`; `promotions` deliberately does not, so rebuilding the index keeps
    /// the promotion history. Metric values are never NULL (non-finite values are not stored).
    static let v1 = """
        -- BEGIN leaderboard schema v1
        CREATE TABLE runs (
            run_id TEXT NOT NULL PRIMARY KEY,
            experiment TEXT NOT NULL,
            status TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            config_path TEXT NOT NULL,
            config_hash TEXT NOT NULL,
            git_commit TEXT,
            git_dirty INTEGER NOT NULL,
            host TEXT NOT NULL,
            gpu_type TEXT,
            gpu_count INTEGER NOT NULL,
            total_seconds REAL NOT NULL,
            passed INTEGER,
            manifest_path TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX runs_experiment ON runs(experiment);

        CREATE TABLE metrics (
            run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
            phase TEXT NOT NULL,
            name TEXT NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (run_id, phase, name)
        ) WITHOUT ROWID;
        CREATE INDEX metrics_phase_name_value ON metrics(phase, name, value);

        CREATE TABLE stage_timings (
            run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            stage TEXT NOT NULL,
            phase TEXT NOT NULL,
            seconds REAL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            finished TEXT,
            PRIMARY KEY (run_id, position)
        ) WITHOUT ROWID;
        CREATE INDEX stage_timings_stage ON stage_timings(stage, status, finished);

        CREATE TABLE gate_outcomes (
            run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            phase TEXT NOT NULL,
            metric TEXT NOT NULL,
            direction TEXT NOT NULL,
            threshold REAL NOT NULL,
            value REAL,
            baseline REAL,
            baseline_run TEXT,
            required_improvement REAL,
            passed INTEGER NOT NULL,
            reason TEXT NOT NULL,
            PRIMARY KEY (run_id, position)
        ) WITHOUT ROWID;

        CREATE TABLE promotions (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL,
            experiment TEXT NOT NULL,
            config_path TEXT NOT NULL,
            production_path TEXT NOT NULL,
            promoted_at TEXT NOT NULL,
            forced INTEGER NOT NULL DEFAULT 0,
            previous_path TEXT,
            rolled_back INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX promotions_experiment ON promotions(experiment, promoted_at);
        -- END leaderboard schema v1
        """

    /// Version 2: who promoted, the commit a promotion made, and when and by whom it was rolled back; each stage's
    /// size (epochs × samples), so cost calibration compares runs of similar size.
    static let v2 = """
        -- BEGIN leaderboard schema v2
        ALTER TABLE promotions ADD COLUMN promoted_by TEXT;
        ALTER TABLE promotions ADD COLUMN git_commit TEXT;
        ALTER TABLE promotions ADD COLUMN rolled_back_at TEXT;
        ALTER TABLE promotions ADD COLUMN rolled_back_by TEXT;
        CREATE INDEX promotions_production ON promotions(production_path, id);
        ALTER TABLE stage_timings ADD COLUMN work REAL;
        -- END leaderboard schema v2
        """

    /// Version 3: the hardware each run reported having (`manifest.json`'s `hardware.observed`: a GPU product name, or
    /// `cpu`), so cost calibration uses only runs on the GPU being estimated, whatever their configs declared. Runs
    /// indexed before have NULL (unknown hardware) until the index is rebuilt from their manifests.
    static let v3 = """
        -- BEGIN leaderboard schema v3
        ALTER TABLE runs ADD COLUMN observed_hardware TEXT;
        -- END leaderboard schema v3
        """

    /// Version 4: the runs in order of when they last changed, with the columns the weekly report reads, so a period's
    /// runs and its GPU time are a range of this index rather than a scan of every run (`run_id` is listed so the
    /// report's order, `updated, run_id`, is the index's).
    static let v4 = """
        -- BEGIN leaderboard schema v4
        CREATE INDEX runs_updated ON runs(updated, run_id, status, experiment, created, gpu_type, gpu_count, total_seconds, passed);
        -- END leaderboard schema v4
        """

    /// Version 5: each run's hyperparameters (`manifest.json`'s `parameters`), so the leaderboard shows the ones that
    /// vary and `--where` filters on them. A number is in `num`, a string in `text`, a boolean in both (1 and `true`).
    /// Runs indexed before have none until the index is rebuilt from their manifests.
    static let v5 = """
        -- BEGIN leaderboard schema v5
        CREATE TABLE params (
            run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            num REAL,
            text TEXT,
            PRIMARY KEY (run_id, key)
        ) WITHOUT ROWID;
        CREATE INDEX params_key_num ON params(key, num);
        CREATE INDEX params_key_text ON params(key, text);
        -- END leaderboard schema v5
        """

    /// Version 6: the run's page in the team's tracker (`manifest.json`'s `tracker_url`), shown by the leaderboard's
    /// JSON and the weekly report. Runs indexed before have NULL until the index is rebuilt from their manifests.
    static let v6 = """
        -- BEGIN leaderboard schema v6
        ALTER TABLE runs ADD COLUMN tracker_url TEXT;
        -- END leaderboard schema v6
        """

    /// Version 7: each run's step history (the file its manifest names as `step_metrics`), thinned to at most
    /// ``StepHistory/maximumPoints`` points per metric, for sparklines and the weekly report's curves. Runs indexed
    /// before have none until the index is rebuilt from their folders.
    static let v7 = """
        -- BEGIN leaderboard schema v7
        CREATE TABLE step_metrics (
            run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            step INTEGER NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (run_id, name, step)
        ) WITHOUT ROWID;
        -- END leaderboard schema v7
        """
}
