internal import CSQLite
import SotaSupport
import SotaPlan
import Synchronization
import SotaRunRecord

/// Records runs into an existing, up-to-date leaderboard through SQLite's C interface alone, with ``RunWriter``.
///
/// `sota run` records one run per process, and opening the full ``Leaderboard`` (the read-only inspection, the lock
/// file, the set-up pragmas and the migrator's check) costs more than the insert. The recorder takes over only when the file is
/// already a leaderboard in WAL mode with exactly this build's migrations applied (``isCurrent(_:)``, which takes the
/// application id and the migration ids from ``LeaderboardSchema``). Anything else (a new file, a pending migration,
/// a newer schema, a foreign or corrupt file) makes ``openIfCurrent(path:)`` return nil, and the caller opens
/// ``Leaderboard`` as usual, which sets up, migrates or reports the problem as it always has.
package final class LeaderboardRecorder: Sendable {
    /// The database file.
    package let path: String
    /// The connection. The mutex serialises this process's use of it, as ``SQLiteDatabase`` does the full leaderboard's.
    private let connection: Mutex<OpaquePointer>

    private init(path: String, connection: sending OpaquePointer) {
        self.path = path
        self.connection = Mutex(connection)
    }

    deinit {
        // The last connection's close checkpoints the WAL into the database file, as SQLiteConnection's close does.
        connection.withLock { _ = sqlite3_close_v2($0) }
    }

    /// A recorder for the leaderboard at `path`, or nil when the file is not (yet) a current leaderboard.
    package static func openIfCurrent(path: String) -> LeaderboardRecorder? {
        guard (try? DatabaseFileInspection.inspect(path: path)) == .leaderboard else { return nil }
        var opened: OpaquePointer?
        guard sqlite3_open_v2(path, &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, nil) == SQLITE_OK, let handle = opened else {
            sqlite3_close_v2(opened)
            return nil
        }
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, Int32(Leaderboard.busyTimeout * 1000))
        var persist: Int32 = 1
        sqlite3_file_control(handle, nil, SQLITE_FCNTL_PERSIST_WAL, &persist)
        guard isCurrent(handle), strings(handle, "PRAGMA journal_mode") == ["wal"],
              (try? execute(handle, Leaderboard.connectionPragmas + "; PRAGMA foreign_keys = ON")) != nil
        else {
            sqlite3_close_v2(handle)
            return nil
        }
        return LeaderboardRecorder(path: path, connection: handle)
    }

    /// Indexes one run (replacing whatever the index held for its id) in one IMMEDIATE transaction, so concurrent
    /// writers queue on the busy timeout.
    package func ingest(_ manifest: RunManifest, manifestPath: String) throws(LeaderboardError) {
        let path = self.path
        let failure: LeaderboardError? = connection.withLock { handle in
            do {
                try Self.execute(handle, "BEGIN IMMEDIATE")
            } catch {
                return Leaderboard.translate(error, path: path)
            }
            do {
                try RunWriter(handle).writeOne(IndexedRun(manifest, manifestPath: manifestPath), manifestPath: manifestPath)
                try Self.execute(handle, "COMMIT")
                return nil
            } catch {
                _ = try? Self.execute(handle, "ROLLBACK")
                let failure = Leaderboard.translate(error, path: path)
                switch failure {
                case .corrupt, .notADatabase: SQLiteSetup.leaveFilesUntouchedOnClose(handle)
                default: break
                }
                return failure
            }
        }
        if let failure { throw failure }
    }

    /// Runs `sql` (one or more statements) to completion.
    private static func execute(_ handle: OpaquePointer, _ sql: String) throws {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else {
            throw SQLiteError(code: code, connection: handle, sql: sql)
        }
    }

    /// Whether `connection` holds a current sota leaderboard: its application id, and exactly the migrations this
    /// build knows, both as ``LeaderboardSchema`` states them.
    static func isCurrent(_ connection: OpaquePointer) -> Bool {
        guard let identifier = integer(connection, "PRAGMA application_id"), identifier == Int64(LeaderboardSchema.applicationID),
              let migrations = strings(connection, "SELECT identifier FROM grdb_migrations") else { return false }
        return migrations.sorted() == LeaderboardSchema.migrationIDs.sorted()
    }

    /// The first column of the only row of `sql`, as an integer.
    static func integer(_ connection: OpaquePointer, _ sql: String) -> Int64? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(connection, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            return nil
        }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW, sqlite3_column_type(statement, 0) == SQLITE_INTEGER else { return nil }
        return sqlite3_column_int64(statement, 0)
    }

    /// The first column of every row of `sql`, as text; nil when the query fails or a value is not text.
    static func strings(_ connection: OpaquePointer, _ sql: String) -> [String]? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(connection, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            return nil
        }
        defer { sqlite3_finalize(statement) }
        var values: [String] = []
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW:
                guard sqlite3_column_type(statement, 0) == SQLITE_TEXT, let text = sqlite3_column_text(statement, 0) else { return nil }
                values.append(String(cString: text))
            case SQLITE_DONE:
                return values
            default:
                return nil
            }
        }
    }
}
