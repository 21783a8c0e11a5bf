internal import CSQLite

/// One open SQLite connection: running SQL, fetching rows, transactions, and a cache of prepared statements.
///
/// Not thread-safe: ``SQLiteDatabase`` owns one behind a lock and hands it to one closure at a time. Errors are
/// ``SQLiteError``s, plus ``StoredValueMismatch`` from the typed fetches; nothing here stops the process on what a
/// file holds.
final class SQLiteConnection {
    /// How a connection is opened and set up; every field reproduces a setting the index has always been opened with.
    struct Options {
        /// Opens with `SQLITE_OPEN_READONLY` (a missing file is then an error) instead of read-write, creating the file.
        var readOnly = false
        /// How long a statement waits for another connection's lock before failing with `SQLITE_BUSY`, in seconds;
        /// nil fails at once. SQLite's busy handler sleeps and retries meanwhile.
        var busyTimeout: Double?
        /// Turns on foreign-key enforcement (`PRAGMA foreign_keys = ON`), which SQLite leaves off by default.
        var foreignKeys = false
        /// Runs once the connection is set up, before it is checked to be a database: per-connection pragmas.
        var prepare: ((SQLiteConnection) throws -> Void)?

        /// The defaults: read-write, no busy timeout, no foreign keys, nothing to prepare.
        init() {}
    }

    /// The kind of lock a transaction takes at its start (`BEGIN DEFERRED/IMMEDIATE/EXCLUSIVE`).
    enum TransactionKind: String {
        /// Locks on first use: a read transaction, or one whose upgrade to writing may fail with `SQLITE_BUSY`
        /// at once, whatever the timeout, when another connection wrote meanwhile.
        case deferred = "DEFERRED"
        /// Takes the write lock at the start, waiting on the busy timeout: writers queue instead of failing.
        case immediate = "IMMEDIATE"
        /// As immediate; in WAL mode the same.
        case exclusive = "EXCLUSIVE"
    }

    /// The `sqlite3 *` handle, for the C calls made outside this wrapper (``RunWriter``'s statements).
    let handle: OpaquePointer
    /// The file the connection opened, or `:memory:`.
    let path: String
    private let readOnlyOpen: Bool
    private var statementCache: [String: SQLiteStatement] = [:]
    private var closed = false

    /// Opens `path` and sets the connection up as `options` say.
    ///
    /// The set-up follows the order the index was always opened in: busy timeout, double-quoted strings off (see the shim), foreign keys,
    /// extended result codes, `options.prepare`, then one read of `sqlite_master`, so a file that is not a database
    /// (`SQLITE_NOTADB`) or is damaged fails here rather than at first use. A connection that found the file damaged
    /// is closed without checkpointing into it.
    ///
    /// - Throws: ``SQLiteError``, or what `options.prepare` throws.
    init(path: String, options: Options) throws {
        var opened: OpaquePointer?
        let flags = options.readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            // SQLite allocates a handle even for a failed open (for its message); it must be closed all the same.
            let error = SQLiteError(code: code, connection: opened)
            sqlite3_close_v2(opened)
            throw error
        }
        handle = opened
        self.path = path
        readOnlyOpen = options.readOnly
        do {
            try configure(options)
        } catch {
            if let error = error as? SQLiteError, error.primaryCode == SQLITE_NOTADB || error.primaryCode == SQLITE_CORRUPT {
                SQLiteSetup.leaveFilesUntouchedOnClose(handle)
            }
            close()
            throw error
        }
    }

    deinit { close() }

    private func configure(_ options: Options) throws {
        if let timeout = options.busyTimeout {
            // Clamped, not converted: a timeout beyond Int32's milliseconds (24 days) waits that long anyway.
            sqlite3_busy_timeout(handle, Int32(clamping: (timeout * 1000).clampedToInt64))
        }
        sota_sqlite3_disable_double_quoted_strings(handle)
        if options.foreignKeys { try execute(sql: "PRAGMA foreign_keys = ON") }
        let code = sqlite3_extended_result_codes(handle, 1)
        guard code == SQLITE_OK else { throw SQLiteError(code: code, connection: handle) }
        try options.prepare?(self)
        // Opening reads nothing: a picture opened as a database only fails here.
        _ = try fetchCursor(sql: "SELECT * FROM sqlite_master LIMIT 1").next()
    }

    /// Finalizes the cached statements and closes the connection; later calls do nothing.
    ///
    /// `sqlite3_close_v2` defers the close until statements still alive elsewhere are finalized, so an
    /// outstanding statement cannot keep the file open for ever nor make this fail. The last connection to a WAL
    /// file checkpoints it on close (unless ``SQLiteSetup/leaveFilesUntouchedOnClose(_:)`` said otherwise).
    func close() {
        guard !closed else { return }
        closed = true
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    // MARK: Running SQL

    /// Runs `sql`, one statement or several separated by `;`, to completion, discarding any rows.
    ///
    /// `arguments` are shared out in order: each statement takes as many as it has parameters.
    ///
    /// - Throws: ``SQLiteError`` for SQL SQLite refuses, for too few or too many arguments, and for any failure
    ///   while running; statements before the failing one have run.
    func execute(sql: String, arguments: SQLiteArguments = SQLiteArguments()) throws {
        var remaining = arguments.values[...]
        try sql.withCString { start in
            var cursor = start
            while cursor.pointee != 0 {
                var prepared: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let code = sqlite3_prepare_v3(handle, cursor, -1, 0, &prepared, &tail)
                guard code == SQLITE_OK else {
                    sqlite3_finalize(prepared)
                    throw SQLiteError(code: code, connection: handle, sql: sql)
                }
                if let prepared {
                    let text = sqlite3_sql(prepared).map { String(cString: $0) } ?? sql
                    let statement = SQLiteStatement(prepared: prepared, connection: handle, sql: text)
                    let count = Int(statement.parameterCount)
                    guard remaining.count >= count else {
                        throw SQLiteError(code: SQLITE_RANGE, message: "too few arguments for the statements", sql: sql)
                    }
                    try statement.execute(arguments: SQLiteArguments(values: Array(remaining.prefix(count))))
                    remaining = remaining.dropFirst(count)
                }
                // A nil statement is a stretch of comments or a lone `;`: go on after it, never round in place.
                guard let tail, tail != cursor else { break }
                cursor = tail
            }
        }
        guard remaining.isEmpty else {
            throw SQLiteError(code: SQLITE_RANGE, message: "\(remaining.count) arguments more than the statements take", sql: sql)
        }
    }

    /// A new statement for `sql` (exactly one statement); see ``SQLiteStatement/init(connection:sql:persistent:)``.
    func makeStatement(sql: String) throws(SQLiteError) -> SQLiteStatement {
        try SQLiteStatement(connection: handle, sql: sql)
    }

    /// The statement for `sql`, prepared on first use and kept for the connection's lifetime.
    ///
    /// For statements run many times (a row per loop pass, every read's pragmas): a prepare parses and plans the
    /// SQL, which costs more than running a small statement. When the cached one is in use (a cursor still
    /// reading it) a fresh, uncached statement is returned instead, so two uses never share one run.
    func cachedStatement(sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let statement = statementCache[sql] {
            if !statement.isRunning { return statement }
            return try makeStatement(sql: sql)
        }
        let statement = try SQLiteStatement(connection: handle, sql: sql, persistent: true)
        statementCache[sql] = statement
        return statement
    }

    // MARK: Fetching

    /// A cursor over the rows of `sql` (one statement) with `arguments` bound.
    func fetchCursor(sql: String, arguments: SQLiteArguments = SQLiteArguments()) throws(SQLiteError) -> SQLiteRowCursor {
        let statement = try makeStatement(sql: sql)
        try statement.bind(arguments)
        return SQLiteRowCursor(statement)
    }

    /// Every row of `sql` (one statement) with `arguments` bound, each holding copies of its values.
    func fetchAll(sql: String, arguments: SQLiteArguments = SQLiteArguments()) throws(SQLiteError) -> [SQLiteRow] {
        let cursor = try fetchCursor(sql: sql, arguments: arguments)
        var rows: [SQLiteRow] = []
        while let row = try cursor.next() { rows.append(row.copy()) }
        return rows
    }

    /// The first row of `sql` (one statement) with `arguments` bound, holding copies of its values; nil when there is
    /// none. The statement is not run past that row.
    func fetchOne(sql: String, arguments: SQLiteArguments = SQLiteArguments()) throws(SQLiteError) -> SQLiteRow? {
        try fetchCursor(sql: sql, arguments: arguments).next()?.copy()
    }

    /// The first column of every row of `sql`, each read as `type` reads a stored value.
    ///
    /// - Throws: ``SQLiteError``, or ``StoredValueMismatch`` for a value that is not a `Value` (NULL included,
    ///   unless `Value` is an optional).
    func fetchAll<Value: SQLiteValueConvertible>(_ type: Value.Type, sql: String, arguments: SQLiteArguments = SQLiteArguments()) throws -> [Value] {
        let cursor = try fetchCursor(sql: sql, arguments: arguments)
        var values: [Value] = []
        while let row = try cursor.next() { values.append(try row.stored(at: 0, row.columnNames.first ?? "")) }
        return values
    }

    /// The first column of the first row of `sql`, read as `type` reads a stored value; nil when there is no row or
    /// the value is NULL.
    ///
    /// - Throws: ``SQLiteError``, or ``StoredValueMismatch`` for a value that is neither NULL nor a `Value`.
    func fetchOne<Value: SQLiteValueConvertible>(_ type: Value.Type, sql: String, arguments: SQLiteArguments = SQLiteArguments()) throws -> Value? {
        guard let row = try fetchCursor(sql: sql, arguments: arguments).next() else { return nil }
        return try row.stored(at: 0, row.columnNames.first ?? "", as: Value?.self)
    }

    // MARK: State

    /// The rowid of the last row this connection inserted into a rowid table.
    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// How many rows the last INSERT, UPDATE or DELETE changed.
    var changes: Int { Int(sqlite3_changes64(handle)) }

    /// Whether a transaction is open (the connection is out of autocommit mode).
    var isInsideTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    // MARK: Transactions

    /// Runs `body` in a transaction of `kind`: committed when it returns, rolled back when it or the commit throws.
    ///
    /// - Throws: the first error: `body`'s, or the BEGIN's or COMMIT's ``SQLiteError``. A transaction SQLite rolled
    ///   back by itself during `body` (after `SQLITE_FULL`, `SQLITE_IOERR`, ...) whose error `body` swallowed is
    ///   reported as `SQLITE_ABORT` rather than committed as if nothing happened.
    func transaction<T>(_ kind: TransactionKind, _ body: () throws -> T) throws -> T {
        try execute(sql: "BEGIN \(kind.rawValue) TRANSACTION")
        do {
            let result = try body()
            guard isInsideTransaction else {
                throw SQLiteError(code: SQLITE_ABORT, message: "the transaction was rolled back after an error", sql: nil)
            }
            try execute(sql: "COMMIT TRANSACTION")
            return result
        } catch {
            // SQLite may have rolled back already (SQLITE_BUSY on COMMIT leaves it open, an I/O error does not).
            if isInsideTransaction { try? execute(sql: "ROLLBACK TRANSACTION") }
            throw error
        }
    }

    /// Runs `body` with writes refused (`PRAGMA query_only`), as a read must not change the file; a connection
    /// opened read-only needs no pragma.
    func readOnly<T>(_ body: () throws -> T) throws -> T {
        guard !readOnlyOpen else { return try body() }
        try cachedStatement(sql: "PRAGMA query_only = 1").execute()
        let result: T
        do {
            result = try body()
        } catch {
            try? cachedStatement(sql: "PRAGMA query_only = 0").execute()
            throw error
        }
        try cachedStatement(sql: "PRAGMA query_only = 0").execute()
        return result
    }
}

extension Double {
    /// The value as an `Int64`, clamped to its range; NaN gives 0. For settings, where a conversion must not trap.
    fileprivate var clampedToInt64: Int64 {
        guard !isNaN else { return 0 }
        if self >= 9.223_372_036_854_775_807e18 { return .max }
        if self <= -9.223_372_036_854_775_808e18 { return .min }
        return Int64(self)
    }
}
