/// The rows of one statement, read one at a time (``next()``), each valid until the next call.
///
/// The cursor owns its statement: it runs it once and resets it at the end, on an error, or when dropped early
/// (a loop that stops at 50 matches), so no statement stays open to hold a read lock past the transaction.
final class SQLiteRowCursor {
    /// The statement read, whose current row is the last one ``next()`` returned.
    let statement: SQLiteStatement
    private var finished = false

    /// A cursor over `statement`, whose parameters are already bound.
    init(_ statement: SQLiteStatement) {
        self.statement = statement
    }

    deinit { statement.reset() }

    /// The next row, or nil once every row was read.
    ///
    /// - Throws: ``SQLiteError`` when SQLite fails while stepping (a damaged page, an interrupted read).
    func next() throws(SQLiteError) -> SQLiteRow? {
        guard !finished else { return nil }
        do {
            guard try statement.step() else {
                finished = true
                statement.reset()
                return nil
            }
        } catch {
            finished = true
            statement.reset()
            throw error
        }
        return SQLiteRow(currentRowOf: self)
    }

    /// Every remaining row, each passed through `transform` while it is current: the rows in place, the results kept.
    func map<T>(_ transform: (SQLiteRow) throws -> T) throws -> [T] {
        var results: [T] = []
        while let row = try next() { results.append(try transform(row)) }
        return results
    }
}
