/// The values for a statement's `?` parameters, in order.
///
/// Written as an array literal of any convertible values (`[runID, phase, nil as String?]`) or made from an array
/// of strings; `+` and `+=` append, for queries whose conditions are assembled piece by piece.
struct SQLiteArguments: ExpressibleByArrayLiteral, Equatable, Sendable {
    /// The values, in parameter order.
    var values: [SQLiteValue]

    /// No arguments.
    init() {
        values = []
    }

    /// The values of `elements`, in order; `nil` binds NULL.
    init(arrayLiteral elements: (any SQLiteValueConvertible)?...) {
        values = elements.map { $0?.sqliteValue ?? .null }
    }

    /// One value per element of `elements`, in order.
    init<Values: Sequence>(_ elements: Values) where Values.Element: SQLiteValueConvertible {
        values = elements.map(\.sqliteValue)
    }

    /// `first`'s values followed by `second`'s.
    static func + (first: SQLiteArguments, second: SQLiteArguments) -> SQLiteArguments {
        var joined = first
        joined.values += second.values
        return joined
    }

    /// Appends `other`'s values.
    static func += (arguments: inout SQLiteArguments, other: SQLiteArguments) {
        arguments.values += other.values
    }

    /// Arguments of the stored `values`, in order.
    init(values: [SQLiteValue]) {
        self.values = values
    }
}
