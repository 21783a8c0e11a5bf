internal import CSQLite

/// One prepared SQLite statement: bind its parameters, step it, read the columns of its current row.
///
/// A statement belongs to the connection that prepared it and must not outlive it: ``SQLiteConnection`` finalizes
/// the statements it caches before it closes, and the others (a cursor's, ``RunWriter``'s) live inside one
/// transaction. It is not thread-safe; the connection's owner serialises its use (``SQLiteDatabase``).
final class SQLiteStatement {
    /// The SQL it was prepared from.
    let sql: String
    /// The names of its result columns, in order (empty for a statement that returns no rows).
    let columnNames: [String]
    /// How many parameters (`?`, `?NNN`) it takes: the highest parameter index.
    let parameterCount: Int32

    private let handle: OpaquePointer
    private let connection: OpaquePointer

    /// `SQLITE_TRANSIENT`, which Swift cannot import: SQLite copies bound text and blobs before the bind returns, so
    /// a Swift string's storage need not outlive the call.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Prepares the one statement `sql` holds on `connection`.
    ///
    /// - Parameter persistent: for a statement kept and reused many times (a cache's, a bulk writer's): SQLite then
    ///   takes its memory from the general heap instead of the connection's small lookaside pool.
    /// - Throws: ``SQLiteError`` for SQL SQLite refuses (with SQLite's message, such as `near "SELEC": syntax
    ///   error`), for text holding no statement, and for text holding more than one (use
    ///   ``SQLiteConnection/execute(sql:arguments:)`` for a script).
    convenience init(connection: OpaquePointer, sql: String, persistent: Bool = false) throws(SQLiteError) {
        var prepared: OpaquePointer?
        var trailing = false
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let code = sql.withCString { start -> Int32 in
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v3(connection, start, -1, flags, &prepared, &tail)
            trailing = tail.map(Self.holdsStatement) ?? false
            return code
        }
        guard code == SQLITE_OK else {
            sqlite3_finalize(prepared)
            throw SQLiteError(code: code, connection: connection, sql: sql)
        }
        guard let prepared else { throw SQLiteError(code: SQLITE_MISUSE, message: "no SQL statement in the text", sql: sql) }
        guard !trailing else {
            sqlite3_finalize(prepared)
            throw SQLiteError(code: SQLITE_MISUSE, message: "more than one SQL statement in the text", sql: sql)
        }
        self.init(prepared: prepared, connection: connection, sql: sql)
    }

    /// Takes over `prepared`, a statement prepared on `connection` from `sql`; it is finalized with this object.
    init(prepared: OpaquePointer, connection: OpaquePointer, sql: String) {
        handle = prepared
        self.connection = connection
        self.sql = sql
        parameterCount = sqlite3_bind_parameter_count(prepared)
        let count = sqlite3_column_count(prepared)
        columnNames = count > 0 ? (0..<count).map { sqlite3_column_name(prepared, $0).map { String(cString: $0) } ?? "" } : []
    }

    deinit { sqlite3_finalize(handle) }

    /// Whether the text at `tail` (what `sqlite3_prepare_v3` left) holds anything but white space.
    ///
    /// Comments count as text here: a trailing comment is harmless, but none of our SQL ends with one, and
    /// reporting it beats silently ignoring a second statement.
    private static func holdsStatement(_ tail: UnsafePointer<CChar>) -> Bool {
        var cursor = tail
        while cursor.pointee != 0 {
            switch cursor.pointee {
            case 0x20, 0x09, 0x0A, 0x0D, 0x3B: cursor += 1  // space, tab, newline, return, a stray `;`
            default: return true
            }
        }
        return false
    }

    // MARK: Binding

    /// Binds `arguments` to the parameters in order, after clearing the previous run's state.
    ///
    /// - Throws: ``SQLiteError`` (`SQLITE_RANGE`) when the count differs from ``parameterCount``, or what SQLite
    ///   reports for a value it cannot take.
    func bind(_ arguments: SQLiteArguments) throws(SQLiteError) {
        sqlite3_reset(handle)
        guard arguments.values.count == Int(parameterCount) else {
            throw SQLiteError(code: SQLITE_RANGE, message: "\(arguments.values.count) arguments for \(parameterCount) parameters", sql: sql)
        }
        for (offset, value) in arguments.values.enumerated() {
            // `offset` < parameterCount, an Int32, so the conversion cannot fail.
            let code = bind(value, at: Int32(truncatingIfNeeded: offset + 1))
            guard code == SQLITE_OK else { throw SQLiteError(code: code, connection: connection, sql: sql) }
        }
    }

    /// Binds `value` to parameter `index` (from 1); returns SQLite's result code.
    @discardableResult
    func bind(_ value: SQLiteValue, at index: Int32) -> Int32 {
        switch value {
        case .null: sqlite3_bind_null(handle, index)
        case .integer(let integer): sqlite3_bind_int64(handle, index, integer)
        case .real(let real): sqlite3_bind_double(handle, index, real)
        case .text(let text): bind(text, at: index)
        case .blob(let bytes):
            bytes.withUnsafeBytes { buffer in
                // An empty buffer may have no address, and a NULL pointer would bind NULL instead of an empty blob.
                guard let start = buffer.baseAddress, !buffer.isEmpty else { return sqlite3_bind_zeroblob(handle, index, 0) }
                return sqlite3_bind_blob64(handle, index, start, sqlite3_uint64(buffer.count), Self.transient)
            }
        }
    }

    /// Binds `value` as TEXT to parameter `index`; returns SQLite's result code.
    @discardableResult
    func bind(_ value: String, at index: Int32) -> Int32 {
        var value = value
        return value.withUTF8 { bytes in
            // The 64-bit call takes any length without a narrowing conversion; SQLite refuses (SQLITE_TOOBIG)
            // what exceeds its own limit. An empty string is bound from a literal, never from a nil address.
            guard let start = bytes.baseAddress, !bytes.isEmpty else {
                return sqlite3_bind_text64(handle, index, "", 0, Self.transient, UInt8(SQLITE_UTF8))
            }
            return start.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                sqlite3_bind_text64(handle, index, $0, sqlite3_uint64(bytes.count), Self.transient, UInt8(SQLITE_UTF8))
            }
        }
    }

    /// Binds `value`, or NULL, as TEXT.
    @discardableResult
    func bind(_ value: String?, at index: Int32) -> Int32 {
        guard let value else { return sqlite3_bind_null(handle, index) }
        return bind(value, at: index)
    }

    /// Binds `value` as REAL; NaN, which SQLite would store as NULL anyway, binds NULL.
    @discardableResult
    func bind(_ value: Double?, at index: Int32) -> Int32 {
        guard let value, !value.isNaN else { return sqlite3_bind_null(handle, index) }
        return sqlite3_bind_double(handle, index, value)
    }

    /// Binds `value` as INTEGER.
    @discardableResult
    func bind(_ value: Int?, at index: Int32) -> Int32 {
        guard let value else { return sqlite3_bind_null(handle, index) }
        return sqlite3_bind_int64(handle, index, Int64(value))
    }

    /// Binds `value` as the INTEGER 0 or 1.
    @discardableResult
    func bind(_ value: Bool?, at index: Int32) -> Int32 {
        guard let value else { return sqlite3_bind_null(handle, index) }
        return sqlite3_bind_int64(handle, index, value ? 1 : 0)
    }

    // MARK: Running

    /// Binds `arguments` (when given) and runs the statement to completion, discarding any rows, then resets it.
    func execute(arguments: SQLiteArguments? = nil) throws(SQLiteError) {
        if let arguments { try bind(arguments) }
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Advances to the next row: true when there is one, false when the statement has finished.
    ///
    /// After false or an error the statement needs ``reset()`` (``execute(arguments:)`` and the cursors do it)
    /// before it runs again; its bindings stay until rebound.
    func step() throws(SQLiteError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code: throw SQLiteError(code: code, connection: connection, sql: sql)
        }
    }

    /// Ends the current run, so the statement can run again (and holds no read lock meanwhile).
    func reset() {
        sqlite3_reset(handle)
    }

    /// Whether the statement is between its first step and its reset (a cached statement in use by a cursor).
    var isRunning: Bool { sqlite3_stmt_busy(handle) != 0 }

    // MARK: Reading the current row

    /// The value of column `index` (from 0) of the current row, by its storage class; NULL past the last column.
    func value(at index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT:
            // Up to the first NUL, invalid UTF-8 repaired: as text was always read, and as LeaderboardReader reads it.
            guard let text = sqlite3_column_text(handle, index) else { return .null }
            return .text(String(cString: text))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, index))
            guard let start = sqlite3_column_blob(handle, index), count > 0 else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: start, count: count)))
        default:
            return .null
        }
    }

    /// The index of the result column named `name`: the first exact match, else the first whose name differs only in
    /// ASCII case (SQLite's own rule for names); nil when there is none.
    func columnIndex(named name: String) -> Int? {
        if let index = columnNames.firstIndex(of: name) { return index }
        let folded = name.lowercased()
        return columnNames.firstIndex { $0.lowercased() == folded }
    }
}
