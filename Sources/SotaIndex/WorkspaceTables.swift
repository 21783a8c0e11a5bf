/// The index's tables for workspace commands (`experiment list/show`, `archive`, `catalog`, the weekly report):
/// every run folder as last read, and each experiment's and config's runs reduced to what those commands show.
///
/// Derived from the run folders alone, like the leaderboard's tables: ``Leaderboard/rebuild(runDirectories:promotions:)``
/// clears them and the next workspace command refills them from the files. They are kept apart from `runs` because
/// they mirror one folder (the project's `runs/`) entry by entry, damaged manifests included, while `runs` holds
/// every run ever ingested from anywhere, one row per run id.
enum WorkspaceTables {
    /// The migration's identifier; a shipped migration is never edited, a change is a new one.
    static let migrationID = "workspace-v1"

    /// Adds the workspace tables' migrations to `migrator`, after the leaderboard's own.
    static func register(in migrator: inout SQLiteMigrator) {
        migrator.registerMigration(migrationID) { db in
            try db.execute(sql: v1)
        }
    }

    /// Version 1.
    ///
    /// `run_folders`: one row per entry of the runs folder holding a manifest. `stamp` is the manifest's file stamp
    /// when it was read (NULL when it changed too recently to trust, so it is read again); `record` is the run as
    /// workspace commands use it (JSON), NULL with `problem` set when the manifest could not be read; `settled` is 1
    /// for a finished run (succeeded or rejected), whose manifest sota never writes again, so only the others are
    /// stat'ed by every refresh (`run_folders_settled` holds their stamps, so listing them reads nothing else).
    /// `run_groups`: per experiment (`kind` 'experiment') and per config path ('config'), the runs reduced to what
    /// the lifecycle and the listings need (JSON). `workspace_state`: which runs folder the rows mirror and the
    /// stamp of the runs folder itself at the last refresh (a run folder added or removed changes it).
    ///
    /// Query plans at 100,000 runs (`bench/workspace_scale.sh` prints and checks them): the state by
    /// `SEARCH workspace_state USING PRIMARY KEY`; summaries by `SEARCH run_groups USING PRIMARY KEY (kind=?)`;
    /// an experiment's or a config's runs by `SEARCH run_folders USING INDEX run_folders_experiment/_config`, in
    /// folder order without a temporary B-tree (the primary key ends each index entry); a folder's row by its
    /// primary key; the unfinished runs' stamps by `SEARCH ... USING COVERING INDEX run_folders_settled (settled=?)`;
    /// every folder name (only when `runs/` itself changed) by `SCAN ... USING COVERING INDEX run_folders_settled`.
    static let v1 = """
        -- BEGIN workspace schema v1
        CREATE TABLE run_folders (
            folder TEXT NOT NULL PRIMARY KEY,
            stamp TEXT,
            experiment TEXT,
            config_path TEXT,
            record TEXT,
            problem TEXT,
            settled INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE INDEX run_folders_experiment ON run_folders(experiment);
        CREATE INDEX run_folders_config ON run_folders(config_path);
        CREATE INDEX run_folders_settled ON run_folders(settled, folder, stamp);

        CREATE TABLE run_groups (
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            summary TEXT NOT NULL,
            PRIMARY KEY (kind, key)
        ) WITHOUT ROWID;

        CREATE TABLE workspace_state (
            name TEXT NOT NULL PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;
        -- END workspace schema v1
        """

    /// Empties every workspace table, so the next workspace command reads every run folder again.
    static func clear(_ db: SQLiteConnection) throws {
        try db.execute(sql: "DELETE FROM run_folders; DELETE FROM run_groups; DELETE FROM workspace_state")
    }
}
