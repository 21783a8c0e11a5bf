import GRDB
import GRDBSQLite
import SotaSupport
import SotaPlan
import Synchronization

/// Records runs into an existing, up-to-date leaderboard through SQLite's C interface alone.
///
/// `sota run` records one run per process, and opening the index through GRDB (its queue, functions, collations
/// and observers) costs about a millisecond, more than the insert. The recorder takes over only when the file is
/// already a leaderboard in WAL mode with exactly this build's migrations applied (the check the fast
/// `sota leaderboard` makes, ``ReadOnlyLeaderboard/isCurrent(_:)``). Anything else (a new file, a
/// pending migration, a newer schema, a foreign or corrupt file) makes ``openIfCurrent(path:)`` return nil, and
/// the caller opens ``Leaderboard`` as usual, which sets up, migrates or reports the problem as it always has.
public final class LeaderboardRecorder: Sendable {
    /// The database file.
    public let path: String
    /// The connection. The mutex serialises this process's use of it, as GRDB's queue would.
    private let connection: Mutex<OpaquePointer>

    private init(path: String, connection: sending OpaquePointer) {
        self.path = path
        self.connection = Mutex(connection)
    }

    deinit {
        // The last connection's close checkpoints the WAL into the database file, as GRDB's close does.
        connection.withLock { _ = sqlite3_close_v2($0) }
    }

    /// A recorder for the leaderboard at `path`, or nil when the file is not (yet) a current leaderboard.
    public static func openIfCurrent(path: String) -> LeaderboardRecorder? {
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
        guard ReadOnlyLeaderboard.isCurrent(handle), ReadOnlyLeaderboard.strings(handle, "PRAGMA journal_mode") == ["wal"],
              (try? execute(handle, Leaderboard.connectionPragmas + "; PRAGMA foreign_keys = ON")) != nil
        else {
            sqlite3_close_v2(handle)
            return nil
        }
        return LeaderboardRecorder(path: path, connection: handle)
    }

    /// Indexes one run (replacing whatever the index held for its id) in one IMMEDIATE transaction, so concurrent
    /// writers queue on the busy timeout.
    public func ingest(_ manifest: RunManifest, manifestPath: String) throws(LeaderboardError) {
        let path = self.path
        let failure: LeaderboardError? = connection.withLock { handle in
            do {
                try Self.execute(handle, "BEGIN IMMEDIATE")
            } catch {
                return Leaderboard.translate(error, path: path)
            }
            do {
                try RunWriter(handle).writeOne(IndexedRun(manifest), manifestPath: manifestPath)
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
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
    }
}
