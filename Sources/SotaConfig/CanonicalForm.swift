import SotaSupport

/// The canonical spelling of a config, so that key order, comments, quoting and number formatting never
/// change its identity.
package enum CanonicalForm {
    /// The tree normalized by the schema: integers written where numbers are expected become doubles.
    package static func normalize(_ node: ConfigNode, schema: SchemaType?) -> ConfigNode {
        var node = node
        switch (node.value, schema) {
        case (.int(let value), .number?):
            node.value = .double(Double(value))
        case (.sequence(let items), _):
            node.value = .sequence(items.map { normalize($0, schema: schema?.element) })
        case (.mapping(let entries), _):
            node.value = .mapping(entries.map {
                ConfigEntry(key: $0.key, keyLocation: $0.keyLocation, value: normalize($0.value, schema: schema?.child($0.key)))
            })
        default:
            break
        }
        return node
    }

    /// Compact JSON with keys sorted at every level.
    package static func json(_ node: ConfigNode) -> String {
        jsonValue(node, sorted: true).rendered(pretty: false)
    }

    /// The SHA-256 of the canonical JSON, as hexadecimal.
    package static func hash(_ node: ConfigNode) -> String {
        SHA256.hex(of: json(node).utf8)
    }

    /// The tree as a JSON value, keys in file order unless `sorted`.
    package static func jsonValue(_ node: ConfigNode, sorted: Bool) -> JSONValue {
        switch node.value {
        case .null: .null
        case .bool(let value): .bool(value)
        case .int(let value): .int(value)
        case .double(let value): .double(value)
        case .string(let value): .string(value)
        case .sequence(let items): .array(items.map { jsonValue($0, sorted: sorted) })
        case .mapping(let entries):
            .object((sorted ? entries.sorted { $0.key < $1.key } : entries).map { ($0.key, jsonValue($0.value, sorted: sorted)) })
        }
    }
}

extension ConfigNode {
    /// Whether two values mean the same: numbers by value (`8` and `8.0`), anything else by canonical JSON.
    package static func sameValue(_ a: ConfigNode, _ b: ConfigNode) -> Bool {
        if let x = a.numberValue, let y = b.numberValue { return x == y }
        return CanonicalForm.json(a) == CanonicalForm.json(b)
    }
}
