/// One value as SQLite stores it: its storage class and its content.
///
/// Values read from the index are taken by their storage class first, never through SQLite's own conversions,
/// which turn the text `'xyz'` into the number 0: see ``SQLiteValueConvertible/init(sqliteValue:)``.
enum SQLiteValue: Equatable, Sendable {
    /// NULL.
    case null
    /// An INTEGER: a signed 64-bit integer.
    case integer(Int64)
    /// A REAL: an IEEE double (never NaN once stored; SQLite stores NaN as NULL).
    case real(Double)
    /// TEXT, as UTF-8.
    case text(String)
    /// A BLOB: bytes as stored.
    case blob([UInt8])

    /// The value as a message shows it: `NULL`, `42`, `0.5`, `"xyz"` (quoted as Swift quotes a string), `2 bytes`.
    var description: String {
        switch self {
        case .null: "NULL"
        case .integer(let value): String(value)
        case .real(let value): "\(value)"
        case .text(let value): String(reflecting: value)
        case .blob(let bytes): "\(bytes.count) bytes"
        }
    }
}

/// A Swift type that can be bound to a statement parameter and read back from a column.
///
/// The conversions from a stored value are strict, and the same as the index always made them: an
/// integer column read as `Double` is widened, a real read as an integer is truncated when it fits, text is never a
/// number and a number never text, and NULL is only an `Optional`'s `nil`. A value that does not convert gives nil,
/// which ``SQLiteRow/stored(_:as:)`` reports as a damaged file instead of guessing.
protocol SQLiteValueConvertible {
    /// The value to bind.
    var sqliteValue: SQLiteValue { get }
    /// The Swift value of a stored one, or nil when the stored value is not of this type.
    init?(sqliteValue: SQLiteValue)
}

extension String: SQLiteValueConvertible {
    /// Binds as TEXT.
    var sqliteValue: SQLiteValue { .text(self) }

    /// TEXT, or a BLOB holding valid UTF-8.
    init?(sqliteValue: SQLiteValue) {
        switch sqliteValue {
        case .text(let text): self = text
        case .blob(let bytes):
            guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
            self = text
        default: return nil
        }
    }
}

extension Int64: SQLiteValueConvertible {
    /// Binds as INTEGER.
    var sqliteValue: SQLiteValue { .integer(self) }

    /// INTEGER, or a REAL within Int64's range, truncated toward zero.
    init?(sqliteValue: SQLiteValue) {
        switch sqliteValue {
        case .integer(let value): self = value
        case .real(let value):
            // `Int64(exactly:)` would refuse 0.5; earlier releases truncated, and so does this. Checked first, as converting
            // NaN or a value out of range traps. 2^63 itself is out of range, hence `<`.
            guard value >= -9.223_372_036_854_775_808e18, value < 9.223_372_036_854_775_808e18 else { return nil }
            self = Int64(value)
        default: return nil
        }
    }
}

extension Int: SQLiteValueConvertible {
    /// Binds as INTEGER.
    var sqliteValue: SQLiteValue { .integer(Int64(self)) }

    /// As `Int64`, when the value fits.
    init?(sqliteValue: SQLiteValue) {
        guard let value = Int64(sqliteValue: sqliteValue).flatMap({ Int(exactly: $0) }) else { return nil }
        self = value
    }
}

extension Int32: SQLiteValueConvertible {
    /// Binds as INTEGER.
    var sqliteValue: SQLiteValue { .integer(Int64(self)) }

    /// As `Int64`, when the value fits.
    init?(sqliteValue: SQLiteValue) {
        guard let value = Int64(sqliteValue: sqliteValue).flatMap({ Int32(exactly: $0) }) else { return nil }
        self = value
    }
}

extension Double: SQLiteValueConvertible {
    /// Binds as REAL; SQLite stores NaN as NULL.
    var sqliteValue: SQLiteValue { .real(self) }

    /// REAL, or INTEGER widened.
    init?(sqliteValue: SQLiteValue) {
        switch sqliteValue {
        case .integer(let value): self = Double(value)
        case .real(let value): self = value
        default: return nil
        }
    }
}

extension Bool: SQLiteValueConvertible {
    /// Binds as the INTEGER 0 or 1, as SQLite stores booleans.
    var sqliteValue: SQLiteValue { .integer(self ? 1 : 0) }

    /// A number, true when not zero; text is never a boolean (SQLite's own reading of `'1english'` as true is
    /// not one to repeat).
    init?(sqliteValue: SQLiteValue) {
        switch sqliteValue {
        case .integer(let value): self = value != 0
        case .real(let value): self = value != 0
        default: return nil
        }
    }
}

extension Optional: SQLiteValueConvertible where Wrapped: SQLiteValueConvertible {
    /// Binds `nil` as NULL.
    var sqliteValue: SQLiteValue { self?.sqliteValue ?? .null }

    /// NULL as `nil`; anything else as `Wrapped` reads it, and no value at all when that fails.
    init?(sqliteValue: SQLiteValue) {
        if sqliteValue == .null {
            self = .none
        } else if let value = Wrapped(sqliteValue: sqliteValue) {
            self = .some(value)
        } else {
            return nil
        }
    }
}
