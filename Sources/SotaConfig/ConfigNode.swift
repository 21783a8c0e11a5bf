import SotaSupport

/// A YAML value with its type resolved and its origin kept, so every diagnostic can point at it.
package struct ConfigNode: Sendable {
    /// The resolved value.
    package enum Value: Sendable {
        case null
        case bool(Bool)
        case int(Int)
        case double(Double)
        case string(String)
        case sequence([ConfigNode])
        case mapping([ConfigEntry])
    }

    /// The resolved value.
    package var value: Value
    /// Where the value was written: a file position or a `--set` flag.
    package var location: SourceLocation
    /// For scalars, the text as written (before type resolution).
    package var sourceText: String?
    /// For scalars, true when the text was quoted (and so is a string whatever it looks like).
    package var isQuoted: Bool

    /// Creates a node.
    package init(_ value: Value, at location: SourceLocation, sourceText: String? = nil, isQuoted: Bool = false) {
        self.value = value
        self.location = location
        self.sourceText = sourceText
        self.isQuoted = isQuoted
    }

    /// The mapping's entries, or nil for other kinds.
    package var entries: [ConfigEntry]? {
        if case .mapping(let entries) = value { return entries }
        return nil
    }

    /// The sequence's items, or nil for other kinds.
    package var items: [ConfigNode]? {
        if case .sequence(let items) = value { return items }
        return nil
    }

    /// The value for `key` in a mapping.
    package subscript(key: String) -> ConfigNode? {
        entries?.first { $0.key == key }?.value
    }

    /// The entry for `key` in a mapping, with the key's own location.
    package func entry(_ key: String) -> ConfigEntry? {
        entries?.first { $0.key == key }
    }

    /// An integer value (not a double, not a string of digits).
    package var intValue: Int? {
        if case .int(let value) = value { return value }
        return nil
    }

    /// A number: an integer or a double, as a double.
    package var numberValue: Double? {
        switch value {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// A string value.
    package var stringValue: String? {
        if case .string(let value) = value { return value }
        return nil
    }

    /// A boolean value.
    package var boolValue: Bool? {
        if case .bool(let value) = value { return value }
        return nil
    }

    /// True for an explicit null (`~`, `null` or nothing).
    package var isNull: Bool {
        if case .null = value { return true }
        return false
    }

    /// A short name for the kind of value, for messages: `an integer`, `a string "abc"`, `a mapping`.
    package var kindDescription: String {
        switch value {
        case .null: "null"
        case .bool(let value): "the boolean \(value)"
        case .int(let value): "the integer \(value)"
        case .double(let value): "the number \(sourceText ?? JSONValue.number(value))"
        case .string(let value):
            "the string \"\(value.count > 40 ? String(value.prefix(40)) + "…" : value)\""
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}

/// One `key: value` pair of a mapping.
package struct ConfigEntry: Sendable {
    /// The key text.
    package var key: String
    /// Where the key was written.
    package var keyLocation: SourceLocation
    /// The value.
    package var value: ConfigNode

    /// Creates an entry.
    package init(key: String, keyLocation: SourceLocation, value: ConfigNode) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}
