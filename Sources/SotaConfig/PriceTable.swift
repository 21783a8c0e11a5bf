import SotaSupport

/// GPU prices per GPU-hour, from the project's editable price table (`configs/prices.yaml`).
package struct PriceTable: Sendable {
    /// One GPU type's price and where it is written.
    package struct Entry: Sendable {
        /// Price per GPU-hour.
        package var price: Double
        /// Its position in the price table.
        package var location: SourceLocation

        /// Creates an entry.
        package init(price: Double, location: SourceLocation) {
            self.price = price
            self.location = location
        }
    }

    /// Currency code shown with amounts.
    package var currency: String
    /// Prices by GPU type.
    package var entries: [String: Entry]
    /// The price table file as displayed.
    package var displayPath: String

    /// Creates a price table.
    package init(currency: String, entries: [String: Entry], displayPath: String) {
        self.currency = currency
        self.entries = entries
        self.displayPath = displayPath
    }

    /// Loads the price table; diagnostics for a missing or malformed file.
    package static func load(path: String, displayPath: String) -> (PriceTable?, [Diagnostic]) {
        let loaded = YAMLLoader().load(path: path, displayPath: displayPath)
        guard let root = loaded.root else { return (nil, loaded.diagnostics) }
        var diagnostics = loaded.diagnostics
        diagnostics += SchemaValidator().validate(root, against: schema)
        guard !diagnostics.hasErrors else { return (nil, diagnostics) }
        var entries: [String: Entry] = [:]
        for entry in root["gpus"]?.entries ?? [] {
            entries[entry.key] = Entry(price: entry.value.numberValue ?? 0, location: entry.value.location)
        }
        return (PriceTable(currency: root["currency"]?.stringValue ?? "USD", entries: entries, displayPath: displayPath), diagnostics)
    }

    static let schema: SchemaType = .mapping(MappingSchema([
        FieldSchema("currency", .string(nonEmpty: true), "currency code"),
        FieldSchema("gpus", .dictionary(.number(min: 0, exclusiveMin: false, max: nil)), required: true, "price per GPU-hour by type"),
    ]))
}
