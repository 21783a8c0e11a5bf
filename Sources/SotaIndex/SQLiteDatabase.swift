internal import CSQLite
internal import Glibc

/// One SQLite connection shared by the threads of a process, one closure at a time.
///
/// The index is opened once per process and read or written from whichever thread a command runs on, so the
/// connection sits behind a lock. ``read(_:)`` and ``write(_:)`` wrap the closure in a transaction of the kind the
/// index has always used (see each); ``withConnection(_:)`` runs it with none, for pragmas that cannot run inside
/// one (`journal_mode`, `foreign_keys`).
///
/// The lock is error-checking: a closure that calls back into the same database (which would deadlock) gets an
/// ``SQLiteError`` (`SQLITE_MISUSE`) instead.
final class SQLiteDatabase: @unchecked Sendable {
    // @unchecked: `connection` is a non-Sendable class, and every use of it holds `lock`; nothing else is mutable.

    /// The file, or `:memory:`.
    let path: String
    private let connection: SQLiteConnection
    private let lock = ConnectionLock()

    /// Opens `path` (see ``SQLiteConnection/init(path:options:)``).
    init(path: String, options: SQLiteConnection.Options) throws {
        self.path = path
        connection = try SQLiteConnection(path: path, options: options)
    }

    /// Runs `body` with the connection and no transaction of its own.
    func withConnection<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try lock.locked { try body(connection) }
    }

    /// Runs `body` in a DEFERRED transaction with writes refused: a consistent snapshot for every statement of
    /// `body`, which never waits for a writer in WAL mode. (Reads have always been made so:
    /// `PRAGMA query_only`, then `BEGIN DEFERRED`.)
    func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try withConnection { db in try db.readOnly { try db.transaction(.deferred) { try body(db) } } }
    }

    /// Runs `body` in one IMMEDIATE transaction: it takes the write lock at once, waiting on the busy timeout, so
    /// concurrent writers queue instead of failing to upgrade a read lock (which no timeout can wait out).
    func write<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try withConnection { db in try db.transaction(.immediate) { try body(db) } }
    }
}

/// A pthread mutex of the error-checking kind, so that locking it again from the thread that holds it is reported
/// (`EDEADLK`) instead of hanging.
private final class ConnectionLock: @unchecked Sendable {
    // @unchecked: the mutex is the synchronisation; its storage is allocated once and never moves.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_ERRORCHECK))
        pthread_mutex_init(mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` holding the lock.
    ///
    /// - Throws: ``SQLiteError`` (`SQLITE_MISUSE`) when this thread already holds it, or what `body` throws.
    func locked<T>(_ body: () throws -> T) throws -> T {
        let code = pthread_mutex_lock(mutex)
        guard code == 0 else {
            throw SQLiteError(code: SQLITE_MISUSE, message: code == EDEADLK
                ? "the database was used again from inside one of its own closures" : "cannot lock the database connection (error \(code))")
        }
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
