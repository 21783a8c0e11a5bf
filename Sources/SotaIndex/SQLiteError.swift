internal import CSQLite

/// An error SQLite reported: its result code, its message and, when a statement failed, that statement's SQL.
///
/// ``Leaderboard/translate(_:path:)`` turns it into a ``LeaderboardError`` naming the file, by its ``primaryCode``
/// (`SQLITE_NOTADB` is "not an SQLite database", `SQLITE_CORRUPT` a damaged file, and so on).
struct SQLiteError: Error, Equatable, CustomStringConvertible {
    /// The extended result code (connections are opened with extended codes on), such as `SQLITE_BUSY_SNAPSHOT`.
    var code: Int32
    /// SQLite's message (`sqlite3_errmsg`), or a sentence of ours for errors found before SQLite was asked.
    var message: String
    /// The statement that failed, when there was one.
    var sql: String?

    /// Creates an error.
    init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The error `code` left on `connection`, with the connection's current message.
    init(code: Int32, connection: OpaquePointer?, sql: String? = nil) {
        // `sqlite3_errmsg` describes the most recent failed call on the connection; with no connection at all (an
        // open that could not even allocate one) `sqlite3_errstr` names the code.
        let message: String
        if let connection, let text = sqlite3_errmsg(connection) {
            message = String(cString: text)
        } else if let text = sqlite3_errstr(code) {
            message = String(cString: text)
        } else {
            message = "SQLite error \(code)"
        }
        self.init(code: code, message: message, sql: sql)
    }

    /// The primary result code (`SQLITE_BUSY` for `SQLITE_BUSY_SNAPSHOT`): the low byte of ``code``.
    var primaryCode: Int32 { code & 0xFF }

    /// `SQLite error 1: near "SELEC": syntax error (while running: SELEC 1)`.
    var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " (while running: \(sql))" }
        return text
    }
}
