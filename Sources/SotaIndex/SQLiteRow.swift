/// One result row: its values by column index or by column name.
///
/// A row from ``SQLiteConnection/fetchAll(sql:arguments:)`` or ``SQLiteConnection/fetchOne(sql:arguments:)`` holds
/// copies of its values. A row from a cursor (``SQLiteRowCursor``) reads its statement's current row in place, so a
/// pass over the whole history copies nothing it does not keep; it is valid only until the cursor moves on, and is
/// read at once, never stored (call ``copy()`` to keep one).
///
/// Reads are not checked against the column's declared type, only against the stored value's storage class, through
/// ``stored(_:as:)`` and ``stored(at:_:as:)`` (see `Row+StoredValue.swift`).
struct SQLiteRow {
    private enum Storage {
        case copied([SQLiteValue])
        /// The cursor, not only its statement: a cursor resets its statement when it goes, and the row must keep
        /// reading its values even when the cursor was a temporary (`try db.fetchCursor(...).next()`).
        case live(SQLiteRowCursor)
    }

    private let storage: Storage
    /// The result columns' names, in order.
    let columnNames: [String]

    /// A row of the copied `values`, in the order of `columnNames`.
    init(values: [SQLiteValue], columnNames: [String]) {
        storage = .copied(values)
        self.columnNames = columnNames
    }

    /// The current row of `cursor`, read in place.
    init(currentRowOf cursor: SQLiteRowCursor) {
        storage = .live(cursor)
        columnNames = cursor.statement.columnNames
    }

    /// How many columns the row has.
    var count: Int { columnNames.count }

    /// The value at column `index` (from 0); NULL for an index outside the row, which only a mistake of ours can
    /// ask for, and which then reads as a missing value instead of stopping the process.
    func value(at index: Int) -> SQLiteValue {
        switch storage {
        case .copied(let values):
            return values.indices.contains(index) ? values[index] : .null
        case .live(let cursor):
            guard columnNames.indices.contains(index) else { return .null }
            return cursor.statement.value(at: Int32(truncatingIfNeeded: index))
        }
    }

    /// The value of the column named `name` (see ``SQLiteStatement/columnIndex(named:)``); NULL when no column has
    /// that name, as earlier releases read a missing column.
    func value(named name: String) -> SQLiteValue {
        if let index = columnNames.firstIndex(of: name) { return value(at: index) }
        let folded = name.lowercased()
        guard let index = columnNames.firstIndex(where: { $0.lowercased() == folded }) else { return .null }
        return value(at: index)
    }

    /// A row holding copies of this row's values, valid for as long as it is kept.
    func copy() -> SQLiteRow {
        switch storage {
        case .copied: return self
        case .live: return SQLiteRow(values: columnNames.indices.map(value(at:)), columnNames: columnNames)
        }
    }
}
