/// A value of the wrong kind in a leaderboard column: text where a number belongs, a number too large for an
/// integer column, NULL in a required one. sota never writes one; someone editing the file with `sqlite3` can.
///
/// ``Leaderboard`` reports it as a damaged file (``LeaderboardError/corrupt(path:reason:)``), like any other
/// damage, instead of stopping the process or guessing.
struct StoredValueMismatch: Error, Equatable {
    /// The column read.
    var column: String
    /// The stored value, as SQLite shows it (`'xyz'`, `1e+300`, `NULL`).
    var found: String
    /// What belongs there: `a number`, `an integer`, `text`, `0 or 1`.
    var expected: String

    /// The reason shown after the file's name.
    var reason: String { "column `\(column)` holds \(found) where \(expected) belongs" }
}

extension SQLiteRow {
    /// The value of `column` as `Value`, or ``StoredValueMismatch`` when the stored value does not convert.
    ///
    /// Every read of a stored value goes through here. The conversion starts from the stored value's storage
    /// class (``SQLiteValueConvertible/init(sqliteValue:)``), so it is as strict for a cursor's rows as for fetched
    /// ones: SQLite's own conversion (`sqlite3_column_double` on text) turns `'xyz'` into 0.
    func stored<Value: SQLiteValueConvertible>(_ column: String, as type: Value.Type = Value.self) throws -> Value {
        try stored(value(named: column), column: column)
    }

    /// The value at `index`, the column `column` of the query, read as ``stored(_:as:)`` reads it; for queries read
    /// row by row over the whole history, where looking each column up by name shows in the profile.
    func stored<Value: SQLiteValueConvertible>(at index: Int, _ column: String, as type: Value.Type = Value.self) throws -> Value {
        try stored(value(at: index), column: column)
    }

    private func stored<Value: SQLiteValueConvertible>(_ stored: SQLiteValue, column: String) throws -> Value {
        guard let value = Value(sqliteValue: stored) else {
            var found = stored.description
            if found.count > 40 { found = String(found.prefix(40)) + "…" }
            throw StoredValueMismatch(column: column, found: found, expected: Self.expectation(for: Value.self))
        }
        return value
    }

    /// How a message names what belongs in a column read as `type`.
    private static func expectation(for type: Any.Type) -> String {
        let name = String(describing: type)
        if name.contains("Double") { return "a number" }
        if name.contains("Int") { return "an integer" }
        if name.contains("Bool") { return "0 or 1" }
        return name.hasPrefix("Optional") ? "text or NULL" : "text"
    }
}
