import SotaSupport

/// One `--set key.path=value` from the command line.
package struct ConfigOverride: Sendable, Hashable {
    /// The key path to set.
    package var keyPath: KeyPath
    /// The value as typed; parsed as a YAML scalar or flow collection.
    package var valueText: String
    /// The flag as the user wrote it, used as the location of every diagnostic about it.
    package var flag: String

    /// Where diagnostics about this override point.
    package var location: SourceLocation { SourceLocation(file: flag) }

    /// Parses `key.path=value`; a diagnostic naming the flag when it is malformed.
    package static func parse(_ text: String) -> Result<ConfigOverride, DiagnosticError> {
        let flag = "--set \(text)"
        guard let equals = text.firstIndex(of: "=") else {
            return .failure(DiagnosticError(.error(
                at: SourceLocation(file: flag), "`--set` expects KEY=VALUE, found no `=`",
                hint: "for example: --set model.width=32"
            )))
        }
        let key = String(text[..<equals]).trimmingSpaces()
        guard let path = KeyPath(parsing: key) else {
            return .failure(DiagnosticError(.error(
                at: SourceLocation(file: flag), "`\(key)` is not a key path",
                hint: "write keys separated by dots, with list indices in brackets: training.stages[0].epochs"
            )))
        }
        return .success(ConfigOverride(keyPath: path, valueText: String(text[text.index(after: equals)...]), flag: flag))
    }
}

/// A diagnostic carried as an error, for APIs that fail with one located problem.
package struct DiagnosticError: Error, Sendable {
    /// The problem.
    package var diagnostic: Diagnostic

    /// Wraps a diagnostic.
    package init(_ diagnostic: Diagnostic) {
        self.diagnostic = diagnostic
    }
}

/// Applies overrides to a config tree, refusing paths the schema does not know.
struct OverrideApplier {
    let schema: SchemaType

    func apply(_ overrides: [ConfigOverride], to root: ConfigNode) -> (ConfigNode, [Diagnostic]) {
        var root = root
        var diagnostics: [Diagnostic] = []
        for override in overrides {
            let loaded = YAMLLoader().load(bytes: Array(override.valueText.utf8), displayPath: override.flag)
            if loaded.diagnostics.hasErrors {
                diagnostics += loaded.diagnostics.map { diagnostic in
                    var copy = diagnostic
                    copy.location = override.location
                    copy.message = "invalid value: " + copy.message
                    return copy
                }
                continue
            }
            let value = Self.restamp(loaded.root ?? ConfigNode(.null, at: override.location), at: override.location)
            do throws(DiagnosticError) {
                root = try set(value, in: root, at: override.keyPath.components[...], walked: KeyPath(), schema: schema, override: override)
            } catch {
                diagnostics.append(error.diagnostic)
            }
        }
        return (root, diagnostics)
    }

    private func set(
        _ value: ConfigNode, in node: ConfigNode, at rest: ArraySlice<KeyPath.Component>,
        walked: KeyPath, schema: SchemaType?, override: ConfigOverride
    ) throws(DiagnosticError) -> ConfigNode {
        guard let component = rest.first else { return value }
        var node = node
        switch component {
        case .key(let key):
            let here = walked.appending(key)
            guard var entries = node.entries else {
                throw DiagnosticError(.error(at: override.location, keyPath: here.description,
                                             "cannot set `\(here)`: `\(walked)` is \(node.kindDescription), not a mapping"))
            }
            let childSchema = schema?.child(key)
            if let index = entries.firstIndex(where: { $0.key == key }) {
                entries[index].value = try set(value, in: entries[index].value, at: rest.dropFirst(), walked: here,
                                               schema: childSchema, override: override)
            } else {
                guard childSchema != nil else {
                    let candidates = Set(entries.map(\.key)).union(Self.knownKeys(schema))
                    let suggestion = Suggestions.closest(to: key, in: candidates.sorted())
                    throw DiagnosticError(.error(
                        at: override.location, keyPath: here.description, "unknown key path `\(override.keyPath)`",
                        hint: suggestion.map { "did you mean `\(walked.appending($0))`?" }
                    ))
                }
                let empty = ConfigNode(rest.count > 1 ? .mapping([]) : .null, at: override.location)
                let child = try set(value, in: empty, at: rest.dropFirst(), walked: here, schema: childSchema, override: override)
                entries.append(ConfigEntry(key: key, keyLocation: override.location, value: child))
            }
            node.value = .mapping(entries)
        case .index(let index):
            let here = walked.appending(index)
            guard var items = node.items else {
                throw DiagnosticError(.error(at: override.location, keyPath: here.description,
                                             "cannot set `\(here)`: `\(walked)` is \(node.kindDescription), not a list"))
            }
            guard items.indices.contains(index) else {
                throw DiagnosticError(.error(at: override.location, keyPath: here.description,
                                             "index \(index) is out of range: `\(walked)` has \(items.count) item\(items.count == 1 ? "" : "s")"))
            }
            items[index] = try set(value, in: items[index], at: rest.dropFirst(), walked: here, schema: schema?.element, override: override)
            node.value = .sequence(items)
        }
        return node
    }

    private static func knownKeys(_ schema: SchemaType?) -> [String] {
        if case .mapping(let mapping)? = schema { return mapping.fields.map(\.name) }
        return []
    }

    /// The node with every location replaced by the flag's, so diagnostics name the flag.
    static func restamp(_ node: ConfigNode, at location: SourceLocation) -> ConfigNode {
        var node = node
        node.location = location
        switch node.value {
        case .sequence(let items): node.value = .sequence(items.map { restamp($0, at: location) })
        case .mapping(let entries):
            node.value = .mapping(entries.map {
                ConfigEntry(key: $0.key, keyLocation: location, value: restamp($0.value, at: location))
            })
        default: break
        }
        return node
    }
}
