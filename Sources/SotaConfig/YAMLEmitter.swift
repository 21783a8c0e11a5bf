import SotaSupport

/// Writes a config tree as block-style YAML that reads back to the same values.
package enum YAMLEmitter {
    /// The YAML text for `node`, ending with a newline.
    package static func emit(_ node: ConfigNode) -> String {
        var out = ""
        switch node.value {
        case .mapping(let entries) where !entries.isEmpty:
            writeEntries(entries, indent: 0, into: &out)
        case .sequence(let items) where !items.isEmpty:
            writeItems(items, indent: 0, into: &out)
        default:
            out = inline(node) + "\n"
        }
        return out
    }

    private static func writeEntries(_ entries: [ConfigEntry], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for entry in entries {
            out += pad + scalarText(entry.key) + ":"
            writeValue(entry.value, indent: indent, into: &out)
        }
    }

    private static func writeItems(_ items: [ConfigNode], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for item in items {
            if case .mapping(let entries) = item.value, !entries.isEmpty {
                var nested = ""
                writeEntries(entries, indent: indent + 2, into: &nested)
                out += pad + "- "
                out += String(nested.dropFirst(indent + 2))
            } else if case .sequence(let inner) = item.value, !inner.isEmpty, !isFlowable(inner) {
                out += pad + "-\n"
                writeItems(inner, indent: indent + 2, into: &out)
            } else {
                out += pad + "- " + inline(item) + "\n"
            }
        }
    }

    private static func writeValue(_ node: ConfigNode, indent: Int, into out: inout String) {
        switch node.value {
        case .mapping(let entries) where !entries.isEmpty:
            out += "\n"
            writeEntries(entries, indent: indent + 2, into: &out)
        case .sequence(let items) where !items.isEmpty && !isFlowable(items):
            out += "\n"
            writeItems(items, indent: indent + 2, into: &out)
        default:
            out += " " + inline(node) + "\n"
        }
    }

    private static func isFlowable(_ items: [ConfigNode]) -> Bool {
        items.allSatisfy {
            switch $0.value {
            case .sequence, .mapping: false
            default: true
            }
        } && items.count <= 12
    }

    /// A value on one line: scalars, and flow lists of scalars.
    package static func inline(_ node: ConfigNode) -> String {
        switch node.value {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .double(let value):
            value.isNaN ? ".nan" : value.isInfinite ? (value > 0 ? ".inf" : "-.inf") : doubleText(value)
        case .string(let value): scalarText(value)
        case .sequence(let items): "[" + items.map(inline).joined(with: ", ") + "]"
        case .mapping(let entries): "{" + entries.map { scalarText($0.key) + ": " + inline($0.value) }.joined(with: ", ") + "}"
        }
    }

    private static func doubleText(_ value: Double) -> String {
        let text = "\(value)"
        return text.contains(".") || text.contains("e") ? text : text + ".0"
    }

    /// Bytes that make a plain scalar mean something else (all ASCII). Bytes rather than a `Set<Character>`: the
    /// emitter runs on every `sota run`, and the set's first use costs a runtime conformance lookup.
    private static let special = Array(":#{}[],&*!|>'\"%@`\n\t\\".utf8)

    /// A string plain when that reads back as the same string, else double-quoted.
    package static func scalarText(_ text: String) -> String {
        let needsQuotes = text.isEmpty
            || text != text.trimmingSpaces()
            || text.utf8.contains(where: { Self.special.contains($0) })
            || text.hasPrefix("-") || text.hasPrefix("?")
            || ScalarResolver.resolve(plain: text).isNotString
            // YAML 1.1 readers (PyYAML among them) take these for booleans; quote them for everyone.
            || ["yes", "no", "on", "off", "y", "n"].contains(text.lowercased())
        if !needsQuotes { return text }
        var out = ""
        JSONValue.quote(text, into: &out)
        return out
    }
}

extension ConfigNode.Value {
    var isNotString: Bool {
        if case .string = self { return false }
        return true
    }
}
