import FoundationEssentials
internal import CSQLite
import SotaSupport

/// The leaderboard: an SQLite index of run manifests, for ranking runs, finding baselines and calibrating costs.
///
/// The manifests in the run directories stay the source of truth; the index can always be rebuilt from them.
/// Many processes may write to one index at once (WAL mode, a generous busy timeout, IMMEDIATE transactions),
/// and opening is guarded by an advisory lock on `path + ".lock"`, so brand-new files are set up exactly once.
package final class Leaderboard: Sendable {
    /// The largest `limit` ``top(metric:phase:direction:limit:experiment:)`` accepts.
    package static let maximumLimit = LeaderboardTopQuery.maximumLimit
    /// How long a writer waits for another writer before giving up, in seconds.
    static let busyTimeout: TimeInterval = 60

    /// The database file, or `:memory:`.
    package let path: String
    /// The one connection; ``SQLiteDatabase`` serialises this process's use of it.
    let database: SQLiteDatabase

    private init(path: String, database: SQLiteDatabase) {
        self.path = path
        self.database = database
    }

    /// Opens the leaderboard at `path`, creating the file (and, with `createsFolder`, its parent folders) when missing.
    ///
    /// A file that is not SQLite, or an SQLite file that is not a leaderboard, is reported and left byte-for-byte
    /// as it was, and nothing is created beside it: the file is inspected read-only before the lock file is made
    /// or anything writes to it.
    ///
    /// - Parameter createsFolder: false when the folder was named by the user (`SOTA_LEADERBOARD`) and must exist.
    /// - Throws: `.notADatabase`, `.foreignDatabase`, `.corrupt`, `.newerSchema` or `.cannotOpen`, each naming `path`.
    package convenience init(path: String, createsFolder: Bool = true) throws(LeaderboardError) {
        _ = try DatabaseFileInspection.inspect(path: path)
        let folder = Paths.parent(of: path)
        if Paths.kind(of: folder) != .directory {
            guard createsFolder else { throw .cannotOpen(path: path, reason: "its folder \(folder) does not exist") }
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw .cannotOpen(path: path, reason: "cannot create its folder \(folder)")
            }
        }
        let database = try FileLock(path: path + ".lock").withLock(database: path) { () throws(LeaderboardError) in
            let state = try DatabaseFileInspection.inspect(path: path)
            let database: SQLiteDatabase
            do {
                database = try SQLiteDatabase(path: path, options: Self.options())
            } catch {
                throw Self.translate(error, path: path)
            }
            do throws(LeaderboardError) {
                try Self.setUp(database, path: path, isNew: state == .new, wal: true)
            } catch {
                Self.leaveUntouchedIfDamaged(error, database)
                throw error
            }
            return database
        }
        self.init(path: path, database: database)
    }

    /// A fresh, empty leaderboard in memory, for tests.
    package static func inMemory() throws(LeaderboardError) -> Leaderboard {
        let path = ":memory:"
        do {
            let database = try SQLiteDatabase(path: path, options: options())
            try setUp(database, path: path, isNew: true, wal: false)
            return Leaderboard(path: path, database: database)
        } catch {
            throw translate(error, path: path)
        }
    }

    /// Settings every connection to the index makes (``LeaderboardRecorder`` too); see `options()`.
    static let connectionPragmas = "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; PRAGMA journal_size_limit = 4194304"

    /// How the index's connection is opened: a busy timeout, foreign keys enforced, and the pragmas below.
    private static func options() -> SQLiteConnection.Options {
        var options = SQLiteConnection.Options()
        options.busyTimeout = busyTimeout
        options.foreignKeys = true
        options.prepare = { db in
            // The index can be rebuilt from the manifests, so WAL's NORMAL durability is plenty. A 64 MiB page
            // cache keeps a bulk ingest's pages in memory until commit instead of spilling them to the WAL, and
            // in-memory temporary storage keeps a rebuild's index sort off the disk.
            try db.execute(sql: connectionPragmas)
            // The WAL and its index stay on disk between processes: the last close still checkpoints everything
            // into the database file and, with a journal size limit set, truncates the WAL to nothing, so the
            // database file alone is always complete. Every `sota run` would otherwise create both files and
            // delete them again, which costs more than the run's insert. The limit also keeps a WAL grown by a
            // rebuild from staying large.
            var persist: Int32 = 1
            sqlite3_file_control(db.handle, nil, SQLITE_FCNTL_PERSIST_WAL, &persist)
        }
        return options
    }

    /// Switches to WAL, stamps the application id on new files, refuses newer schemas, and migrates.
    private static func setUp(_ database: SQLiteDatabase, path: String, isNew: Bool, wal: Bool) throws(LeaderboardError) {
        let migrator = LeaderboardSchema.migrator
        do {
            try database.withConnection { db in
                // 16 KiB pages: a bulk ingest builds its B-trees and writes its WAL frames with a quarter of the
                // page operations 4 KiB pages need. The size holds from the first write and cannot change in WAL
                // mode, so only a new file gets it.
                if isNew { try db.execute(sql: "PRAGMA page_size = \(LeaderboardSchema.pageSize)") }
                if wal, try db.fetchOne(String.self, sql: "PRAGMA journal_mode") != "wal" {
                    let mode = try db.fetchOne(String.self, sql: "PRAGMA journal_mode = WAL")
                    guard mode == "wal" else {
                        throw LeaderboardError.cannotOpen(path: path, reason: "cannot switch to WAL mode (got \(mode ?? "nothing"))")
                    }
                }
                if isNew {
                    try db.execute(sql: "PRAGMA application_id = \(LeaderboardSchema.applicationID)")
                }
                let applied = try migrator.appliedIdentifiers(db)
                let unknown = applied.subtracting(migrator.migrations)
                if !unknown.isEmpty { throw LeaderboardError.newerSchema(path: path, unknownMigrations: unknown.sorted()) }
                // Opening an up-to-date index writes nothing, so it never waits for another process's write.
                if try !migrator.hasCompletedMigrations(db) { try migrator.migrate(db) }
            }
        } catch {
            throw translate(error, path: path)
        }
    }

    /// Maps whatever SQLite or a read of a stored value threw to a ``LeaderboardError`` naming `path`.
    static func translate(_ error: any Error, path: String) -> LeaderboardError {
        if let error = error as? LeaderboardError { return error }
        if let error = error as? StoredValueMismatch { return .corrupt(path: path, reason: error.reason) }
        if let problem = error as? IngestReport.Problem { return .badManifest(problem) }
        guard let error = error as? SQLiteError else { return .sqlite(path: path, message: "\(error)") }
        // By the primary code, as the extended ones (SQLITE_CORRUPT_INDEX, SQLITE_CANTOPEN_ISDIR, ...) only refine it.
        switch error.primaryCode {
        case SQLITE_NOTADB: return .notADatabase(path: path)
        case SQLITE_CORRUPT: return .corrupt(path: path, reason: error.message)
        case SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_READONLY, SQLITE_AUTH: return .cannotOpen(path: path, reason: error.message)
        default: return .sqlite(path: path, message: error.message)
        }
    }

    /// Keeps `database`'s close from writing to a file found damaged (see ``SQLiteSetup/leaveFilesUntouchedOnClose(_:)``).
    static func leaveUntouchedIfDamaged(_ error: LeaderboardError, _ database: SQLiteDatabase) {
        switch error {
        case .corrupt, .notADatabase:
            // Only fails when called from inside one of the database's own closures, which no caller does.
            _ = try? database.withConnection { db in SQLiteSetup.leaveFilesUntouchedOnClose(db.handle) }
        default:
            break
        }
    }

    /// The error as a ``LeaderboardError``; a damaged file is then left as it is when the connection closes.
    private func failure(_ error: any Error) -> LeaderboardError {
        let translated = Self.translate(error, path: path)
        Self.leaveUntouchedIfDamaged(translated, database)
        return translated
    }

    /// Runs `body` in a read transaction.
    func read<T>(_ body: (SQLiteConnection) throws -> T) throws(LeaderboardError) -> T {
        do {
            return try database.read(body)
        } catch {
            throw failure(error)
        }
    }

    /// Runs `body` in one IMMEDIATE write transaction, so concurrent writers queue on the busy timeout
    /// instead of failing to upgrade a read lock.
    func write<T>(_ body: (SQLiteConnection) throws -> T) throws(LeaderboardError) -> T {
        do {
            return try database.write(body)
        } catch {
            throw failure(error)
        }
    }

    /// Like ``write(_:)``, with foreign-key enforcement off for the transaction.
    ///
    /// The bulk paths write each run's children right after the run and delete them explicitly, so integrity holds
    /// by construction, and the checks (a parent lookup per child row, a scan of every child table per deleted run)
    /// would only cost time. SQLite ignores the pragma inside a transaction, hence the order.
    func bulkWrite<T>(_ body: (SQLiteConnection) throws -> T) throws(LeaderboardError) -> T {
        do {
            return try database.withConnection { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
                return try db.transaction(.immediate) { try body(db) }
            }
        } catch {
            throw failure(error)
        }
    }
}
