import SotaSupport
import SotaConfig

/// One value that differs between an experiment's config and the config it started from.
package struct ConfigChange: Sendable, Equatable, CustomStringConvertible {
    /// The key path, such as `model.width`.
    package var keyPath: String
    /// The base config's value as text, nil when the key is new.
    package var old: String?
    /// The experiment's value as text, nil when the key is gone.
    package var new: String?

    /// Creates a change.
    package init(keyPath: String, old: String?, new: String?) {
        self.keyPath = keyPath
        self.old = old
        self.new = new
    }

    /// `model.width: 16 -> 32`.
    package var description: String { "\(keyPath): \(old ?? "(absent)") -> \(new ?? "(absent)")" }

    /// The leaves that differ between two config trees, in key-path order; keys in `ignoring` are left out.
    package static func diff(from base: ConfigNode, to new: ConfigNode, ignoring: Set<String> = []) -> [ConfigChange] {
        let before = flatten(base), after = flatten(new)
        return Set(before.keys).union(after.keys).subtracting(ignoring).sorted().compactMap { key in
            before[key] == after[key] ? nil : ConfigChange(keyPath: key, old: before[key], new: after[key])
        }
    }

    /// Every leaf of `node` as `key.path → text`; lists of plain values are one leaf, lists of mappings are walked.
    package static func flatten(_ node: ConfigNode) -> [String: String] {
        var leaves: [String: String] = [:]
        func walk(_ node: ConfigNode, _ path: KeyPath) {
            switch node.value {
            case .mapping(let entries) where !entries.isEmpty:
                for entry in entries { walk(entry.value, path.appending(entry.key)) }
            case .sequence(let items) where items.contains(where: { $0.entries != nil }):
                for (index, item) in items.enumerated() { walk(item, path.appending(index)) }
            default:
                if !path.isEmpty { leaves[path.description] = text(node) }
            }
        }
        walk(node, KeyPath())
        return leaves
    }

    /// A value as a reader would write it: `32`, `0.05`, `A100-80GB`, `[24, 41, 64]`.
    package static func text(_ node: ConfigNode) -> String {
        switch node.value {
        case .string(let value): value
        case .double(let value): JSONValue.shortNumber(value)
        default: CanonicalForm.jsonValue(node, sorted: true).rendered(pretty: false).replacing(",", with: ", ")
        }
    }
}
