import Foundation
import SotaTestSupport
import Testing
@testable import SotaIndex

/// Index files made by earlier releases, which GRDB's `DatabaseMigrator` migrated, open as up to date; new files get
/// every migration; the migrator runs each migration once, in order, recorded in `grdb_migrations`.
@Suite struct MigrationCompatibilityTests {
    /// Every migration's SQL by identifier, as `LeaderboardSchema.migrator` registers them.
    private static let migrationSQL: [String: String] = [
        "v1": LeaderboardSchema.v1, "v2": LeaderboardSchema.v2, "v3": LeaderboardSchema.v3, WorkspaceTables.migrationID: WorkspaceTables.v1,
        "v4": LeaderboardSchema.v4, ReportSeriesTables.migrationID: ReportSeriesTables.v1, "v5": LeaderboardSchema.v5,
        "v6": LeaderboardSchema.v6, "v7": LeaderboardSchema.v7,
    ]

    private func sqlite3(_ path: String, _ script: String) throws -> String {
        let run = try ProgramRun(["sqlite3", path], input: script)
        #expect(run.status == 0, "sqlite3: \(run.err)")
        return run.out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func theTableOfMigrationsTestedHereIsTheSchemasWhole() {
        #expect(Set(Self.migrationSQL.keys) == Set(LeaderboardSchema.migrationIDs))
        #expect(LeaderboardSchema.migrationIDs == ["v1", "v2", "v3", "workspace-v1", "v4", "report-series-v1", "v5", "v6", "v7"])
    }

    @Test func anIndexAnEarlierReleaseMigratedOpensWithoutRunningAnyMigrationAgain() throws {
        let folder = TemporaryDirectory()
        let path = folder.url("leaderboard.sqlite")
        // Made with the sqlite3 CLI as the previous release left a file: WAL, 16 KiB pages, the application id, every
        // migration's SQL in order, and the migrator's grdb_migrations table recording each identifier.
        var script = """
            PRAGMA page_size = 16384;
            PRAGMA journal_mode = WAL;
            PRAGMA application_id = \(LeaderboardSchema.applicationID);
            CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);

            """
        for identifier in LeaderboardSchema.migrationIDs {
            script += (Self.migrationSQL[identifier] ?? "") + ";\nINSERT INTO grdb_migrations VALUES ('\(identifier)');\n"
        }
        _ = try sqlite3(path, script)
        let schemaVersion = try sqlite3(path, "PRAGMA schema_version;")
        let schema = try sqlite3(path, "SELECT type, name, sql FROM sqlite_master ORDER BY name;")

        #expect(LeaderboardRecorder.openIfCurrent(path: path) != nil, "the raw recorder takes it as current")
        do {
            let board = try Leaderboard(path: path)
            try board.ingest(RunManifestFactory.make("R1", metrics: ["full_eval": ["nrmse": 0.1]]), manifestPath: "runs/R1/manifest.json")
            #expect(try board.runCount() == 1)
        }
        // Any migration run again would have changed the schema (and failed on its CREATE TABLE first).
        #expect(try sqlite3(path, "PRAGMA schema_version;") == schemaVersion)
        #expect(try sqlite3(path, "SELECT type, name, sql FROM sqlite_master ORDER BY name;") == schema)
        #expect(try sqlite3(path, "SELECT identifier FROM grdb_migrations ORDER BY rowid;")
                == LeaderboardSchema.migrationIDs.joined(separator: "\n"))
    }

    @Test func anEmptyFileIsMigratedFully() throws {
        let folder = TemporaryDirectory()
        let path = folder.write("leaderboard.sqlite", [])
        #expect(try Leaderboard(path: path).runCount() == 0)
        #expect(try sqlite3(path, "SELECT identifier FROM grdb_migrations ORDER BY rowid;") == LeaderboardSchema.migrationIDs.joined(separator: "\n"))
        #expect(try sqlite3(path, "PRAGMA application_id;") == "\(LeaderboardSchema.applicationID)")
        #expect(try sqlite3(path, "PRAGMA journal_mode;") == "wal")
        let tables = try sqlite3(path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;").split(separator: "\n")
        #expect(tables == ["gate_outcomes", "grdb_migrations", "metrics", "params", "promotions", "run_folders", "run_groups", "runs",
                           "series_gpu_days", "series_metric_days", "series_metric_experiments", "series_stale", "stage_timings",
                           "step_metrics", "workspace_state"])
        // The same schema as a file migrated by the sqlite3 CLI from the same SQL.
        let reference = folder.url("reference.sqlite")
        _ = try sqlite3(reference, LeaderboardSchema.migrationIDs.map { Self.migrationSQL[$0] ?? "" }.joined(separator: ";\n") + ";")
        let ours = try sqlite3(path, "SELECT type, name, sql FROM sqlite_master WHERE tbl_name <> 'grdb_migrations' ORDER BY name;")
        #expect(ours == (try sqlite3(reference, "SELECT type, name, sql FROM sqlite_master ORDER BY name;")))
    }

    @Test func theMigratorRunsOnlyWhatIsMissingInOrderOnce() throws {
        let db = try SQLiteConnection(path: ":memory:", options: SQLiteConnection.Options())
        let ran = RanMigrations()
        var migrator = SQLiteMigrator()
        for identifier in ["a", "b", "c", "d"] {
            migrator.registerMigration(identifier) { db in
                ran.names.append(identifier)
                try db.execute(sql: "CREATE TABLE \(identifier) (x)")
            }
        }
        #expect(try migrator.appliedIdentifiers(db).isEmpty && !migrator.hasCompletedMigrations(db))
        // A file an older build migrated up to `b`.
        try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY); CREATE TABLE a (x); CREATE TABLE b (x);"
                       + "INSERT INTO grdb_migrations VALUES ('a'), ('b')")
        try migrator.migrate(db)
        #expect(ran.names == ["c", "d"])
        #expect(try migrator.hasCompletedMigrations(db))
        try migrator.migrate(db)
        #expect(ran.names == ["c", "d"], "nothing runs twice")
        #expect(try migrator.appliedIdentifiers(db) == ["a", "b", "c", "d"])
    }

    @Test func aFailingMigrationIsRolledBackWithItsRecordAndStopsTheRest() throws {
        let db = try SQLiteConnection(path: ":memory:", options: SQLiteConnection.Options())
        var migrator = SQLiteMigrator()
        migrator.registerMigration("good") { db in try db.execute(sql: "CREATE TABLE good (x)") }
        migrator.registerMigration("bad") { db in try db.execute(sql: "CREATE TABLE half (x); CREATE TABLE good (x)") }
        migrator.registerMigration("after") { db in try db.execute(sql: "CREATE TABLE after (x)") }
        #expect(throws: SQLiteError.self) { try migrator.migrate(db) }
        #expect(try migrator.appliedIdentifiers(db) == ["good"])
        #expect(try db.fetchAll(String.self, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") == ["good", "grdb_migrations"])
    }

    @Test func foreignKeysAreOffDuringAMigrationAndOnAgainAfter() throws {
        var options = SQLiteConnection.Options()
        options.foreignKeys = true
        let db = try SQLiteConnection(path: ":memory:", options: options)
        let seen = RanMigrations()
        var migrator = SQLiteMigrator()
        migrator.registerMigration("look") { db in
            seen.names.append(String(try db.fetchOne(Int.self, sql: "PRAGMA foreign_keys") ?? -1))
        }
        try migrator.migrate(db)
        #expect(seen.names == ["0"])
        #expect(try db.fetchOne(Int.self, sql: "PRAGMA foreign_keys") == 1)
    }
}

/// What the migrations of a test ran, in order.
private final class RanMigrations: @unchecked Sendable {
    // @unchecked: used from the test's own thread only.
    var names: [String] = []
}
