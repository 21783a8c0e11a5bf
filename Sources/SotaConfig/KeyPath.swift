/// A path to a value in a config: `training.stages[1].epochs`.
package struct KeyPath: Hashable, Sendable, CustomStringConvertible {
    /// One step of a path.
    package enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    /// The steps from the root.
    package var components: [Component]

    /// Creates a path from components (the root when empty).
    package init(_ components: [Component] = []) {
        self.components = components
    }

    /// True for the root.
    package var isEmpty: Bool { components.isEmpty }

    /// This path extended by a key.
    package func appending(_ key: String) -> KeyPath { KeyPath(components + [.key(key)]) }

    /// This path extended by a list index.
    package func appending(_ index: Int) -> KeyPath { KeyPath(components + [.index(index)]) }

    /// Parses `a.b[2].c` or `a.b.2.c`; nil for empty segments or malformed brackets.
    package init?(parsing text: String) {
        guard !text.hasPrefix("[") else { return nil }
        var components: [Component] = []
        for segment in text.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(segment)
            guard let bracket = rest.firstIndex(of: "[") ?? Optional(rest.endIndex) else { return nil }
            let name = rest[..<bracket]
            if !name.isEmpty {
                if let index = Int(name), index >= 0, name.allSatisfy(\.isNumber) {
                    components.append(.index(index))
                } else {
                    components.append(.key(String(name)))
                }
            } else if bracket == rest.endIndex || components.isEmpty && bracket != rest.startIndex {
                return nil
            }
            rest = rest[bracket...]
            while !rest.isEmpty {
                guard rest.first == "[", let close = rest.firstIndex(of: "]"),
                      let index = Int(rest[rest.index(after: rest.startIndex)..<close]), index >= 0 else { return nil }
                components.append(.index(index))
                rest = rest[rest.index(after: close)...]
            }
        }
        guard !components.isEmpty else { return nil }
        self.components = components
    }

    package var description: String {
        var out = ""
        for component in components {
            switch component {
            case .key(let key): out += out.isEmpty ? key : "." + key
            case .index(let index): out += "[\(index)]"
            }
        }
        return out
    }
}

extension ConfigNode {
    /// The node at `path`, or nil when any step is missing.
    package func node(at path: KeyPath) -> ConfigNode? {
        var current = self
        for component in path.components {
            switch component {
            case .key(let key):
                guard let next = current[key] else { return nil }
                current = next
            case .index(let index):
                guard let items = current.items, items.indices.contains(index) else { return nil }
                current = items[index]
            }
        }
        return current
    }

    /// The node at a dotted path such as `model.width`.
    package func node(at dotted: String) -> ConfigNode? {
        KeyPath(parsing: dotted).flatMap { node(at: $0) }
    }
}
