import SotaSupport

/// The project's own config keys, declared in `sota.yaml` under `schema:` (or in a file `schema:` names), merged
/// with sota's pipeline keys into the schema every config of the project is checked against.
///
/// ```yaml
/// schema:
///   open: false                       # undeclared top-level sections are errors (the default)
///   fields:                           # by key path; a type name alone is the short form
///     model.depth: {type: integer, min: 1, required: true, description: residual blocks}
///     optimizer.name: {type: string, choices: [adam, sgd], default: adam}
///     wandb: {type: mapping, open: true}
///   rules:
///     - less_than: [training.warmup_steps, training.max_steps]
/// ```
package struct ProjectSchema: Sendable {
    /// One declared field: where it goes and what it accepts.
    package struct Declared: Sendable {
        /// The field's key path (keys only).
        package var path: KeyPath
        /// The field, named by the path's last key.
        package var field: FieldSchema
    }

    /// The declared fields in declaration order.
    package var fields: [Declared] = []
    /// Whether undeclared top-level sections are allowed.
    package var isOpen = false
    /// The cross-field rules under `schema.rules`.
    package var rules: [ProjectConstraint] = []

    /// The type names a field may declare, for messages and "did you mean".
    package static let typeNames = ["string", "text", "integer", "number", "boolean", "list", "mapping", "any",
                                    "file", "directory", "duration"]

    static let fieldKeys = ["type", "required", "min", "max", "exclusive_min", "choices", "pattern", "description",
                            "default", "open", "items", "min_items"]

    /// Reads a `schema:` mapping; every problem is located in the file that holds it.
    static func parse(_ node: ConfigNode) -> (ProjectSchema, [Diagnostic]) {
        var schema = ProjectSchema()
        var diagnostics: [Diagnostic] = []
        guard let entries = node.entries else {
            return (schema, [.error(at: node.location, keyPath: "schema", "`schema` must be a mapping or the name of a file holding one, found \(node.kindDescription)")])
        }
        for entry in entries {
            switch entry.key {
            case "open":
                guard let open = entry.value.boolValue else {
                    diagnostics.append(.error(at: entry.value.location, keyPath: "schema.open", "`schema.open` must be true or false, found \(entry.value.kindDescription)"))
                    continue
                }
                schema.isOpen = open
            case "fields":
                guard let fields = entry.value.entries else {
                    diagnostics.append(.error(at: entry.value.location, keyPath: "schema.fields",
                                              "`schema.fields` must be a mapping of key paths to field declarations, found \(entry.value.kindDescription)"))
                    continue
                }
                for field in fields {
                    switch declared(field) {
                    case .success(let declared): schema.fields.append(declared)
                    case .failure(let error): diagnostics.append(error.diagnostic)
                    }
                }
            case "rules":
                guard let rules = entry.value.items else {
                    diagnostics.append(.error(at: entry.value.location, keyPath: "schema.rules", "`schema.rules` must be a list of rules, found \(entry.value.kindDescription)"))
                    continue
                }
                for rule in rules {
                    switch ProjectConstraint.parse(rule) {
                    case .success(let constraint): schema.rules.append(constraint)
                    case .failure(let error): diagnostics.append(error.diagnostic)
                    }
                }
            default:
                diagnostics.append(.error(at: entry.keyLocation, keyPath: "schema.\(entry.key)", "unknown key `schema.\(entry.key)`",
                                          hint: Suggestions.closest(to: entry.key, in: ["open", "fields", "rules"]).map { "did you mean `schema.\($0)`?" }
                                            ?? "`schema` holds `fields`, `rules` and `open`"))
            }
        }
        return (schema, diagnostics)
    }

    /// One `key.path: declaration` entry.
    private static func declared(_ entry: ConfigEntry) -> Result<Declared, DiagnosticError> {
        guard let path = KeyPath(parsing: entry.key), !path.isEmpty,
              path.components.allSatisfy({ if case .key = $0 { true } else { false } }) else {
            return .failure(DiagnosticError(.error(at: entry.keyLocation, "`\(entry.key)` is not a key path of keys",
                                                   hint: "write keys separated by dots, such as `optimizer.lr`; a list's items are declared with `items:`")))
        }
        let name = path.lastKey ?? entry.key
        let spec = entry.value
        let where_ = "`\(entry.key)`"
        if let typeName = spec.stringValue {
            return typeNamed(typeName, at: spec.location, items: nil).map {
                var field = FieldSchema(name, $0, "")
                field.declaredAt = entry.keyLocation
                return Declared(path: path, field: field)
            }
        }
        guard let keys = spec.entries else {
            return .failure(DiagnosticError(.error(at: spec.location, keyPath: entry.key,
                                                   "\(where_) must be a type name or a mapping such as {type: integer, min: 1}, found \(spec.kindDescription)")))
        }
        for key in keys where !fieldKeys.contains(key.key) {
            return .failure(DiagnosticError(.error(
                at: key.keyLocation, keyPath: entry.key, "unknown field property `\(key.key)` in \(where_)",
                hint: Suggestions.closest(to: key.key, in: fieldKeys).map { "did you mean `\($0)`?" }
                    ?? "a field declares " + fieldKeys.map { "`\($0)`" }.joined(separator: ", ")
            )))
        }
        func number(_ key: String) throws(DiagnosticError) -> Double? {
            guard let node = spec[key] else { return nil }
            guard let value = node.numberValue, value.isFinite else {
                throw DiagnosticError(.error(at: node.location, keyPath: entry.key, "`\(key)` of \(where_) must be a finite number, found \(node.kindDescription)"))
            }
            return value
        }
        func flag(_ key: String) throws(DiagnosticError) -> Bool? {
            guard let node = spec[key] else { return nil }
            guard let value = node.boolValue else {
                throw DiagnosticError(.error(at: node.location, keyPath: entry.key, "`\(key)` of \(where_) must be true or false, found \(node.kindDescription)"))
            }
            return value
        }
        do throws(DiagnosticError) {
            let open = try flag("open")
            let typeNode = spec["type"]
            let typeName: String
            if let typeNode {
                guard let text = typeNode.stringValue else {
                    throw DiagnosticError(.error(at: typeNode.location, keyPath: entry.key, "`type` of \(where_) must be a type name, found \(typeNode.kindDescription)",
                                                 hint: "one of " + typeNames.joined(separator: ", ")))
                }
                typeName = text
            } else {
                typeName = open != nil ? "mapping" : "any"
            }
            var type = try typeNamed(typeName, at: typeNode?.location ?? entry.keyLocation, items: spec["items"]).get()
            let min = try number("min"), max = try number("max")
            if let min, let max, min > max {
                throw DiagnosticError(.error(at: spec["min"]?.location ?? spec.location, keyPath: entry.key, "`min` (\(JSONValue.shortNumber(min))) of \(where_) is above its `max` (\(JSONValue.shortNumber(max)))"))
            }
            switch type {
            case .integer:
                type = .integer(min: try min.map { value throws(DiagnosticError) in try whole(value, "min") },
                                max: try max.map { value throws(DiagnosticError) in try whole(value, "max") })
            case .number:
                type = .number(min: min, exclusiveMin: try flag("exclusive_min") ?? false, max: max)
            case .list(let element, _):
                let count = try number("min_items").map { value throws(DiagnosticError) in try whole(value, "min_items") } ?? 0
                type = .list(element, minCount: Swift.max(0, count))
            case .mapping:
                type = .mapping(MappingSchema([], open: open ?? false))
            default:
                for key in ["min", "max"] where spec[key] != nil {
                    throw DiagnosticError(.error(at: spec[key]!.location, keyPath: entry.key, "`\(key)` applies to integers and numbers; \(where_) is \(typeName)"))
                }
            }
            func whole(_ value: Double, _ key: String) throws(DiagnosticError) -> Int {
                guard value == value.rounded(), abs(value) < 9e15 else {
                    throw DiagnosticError(.error(at: spec[key]?.location ?? spec.location, keyPath: entry.key, "`\(key)` of integer field \(where_) must be a whole number"))
                }
                return Int(value)
            }
            var field = FieldSchema(name, type, required: try flag("required") ?? false, spec["description"]?.stringValue ?? "")
            field.declaredAt = entry.keyLocation
            if let choices = spec["choices"] {
                guard let items = choices.items, !items.isEmpty else {
                    throw DiagnosticError(.error(at: choices.location, keyPath: entry.key, "`choices` of \(where_) must be a non-empty list of values"))
                }
                for item in items {
                    let problems = SchemaValidator().validate(item, against: type, path: path)
                    if let problem = problems.first(where: { $0.severity == .error }) {
                        throw DiagnosticError(.error(at: item.location, keyPath: entry.key, "choice \(item.kindDescription) of \(where_) is not \(type.expectation)",
                                                     hint: problem.message))
                    }
                }
                field.choices = items
            }
            if let pattern = spec["pattern"] {
                guard let text = pattern.stringValue else {
                    throw DiagnosticError(.error(at: pattern.location, keyPath: entry.key, "`pattern` of \(where_) must be a regular expression as a string"))
                }
                do {
                    _ = try Regex(text)
                } catch {
                    throw DiagnosticError(.error(at: pattern.location, keyPath: entry.key, "`pattern` of \(where_) is not a valid regular expression: \(error)"))
                }
                field.pattern = text
            }
            if let value = spec["default"] {
                if field.isRequired {
                    throw DiagnosticError(.error(at: value.location, keyPath: entry.key, "\(where_) is both required and given a default",
                                                 hint: "a key with a default is never missing: drop `required: true` or the default"))
                }
                var probe = MappingSchema([field])
                probe.isOpen = false
                let problems = SchemaValidator().validate(ConfigNode(.mapping([ConfigEntry(key: name, keyLocation: value.location, value: value)]), at: value.location),
                                                          against: .mapping(probe))
                if let problem = problems.first(where: { $0.severity == .error }) {
                    throw DiagnosticError(.error(at: value.location, keyPath: entry.key, "the default of \(where_) does not fit its declaration: \(problem.message)"))
                }
                field.defaultValue = value
            }
            return .success(Declared(path: path, field: field))
        } catch {
            return .failure(error)
        }
    }

    private static func typeNamed(_ name: String, at location: SourceLocation, items: ConfigNode?) -> Result<SchemaType, DiagnosticError> {
        switch name {
        case "string": return .success(.string(nonEmpty: false))
        case "text": return .success(.string(nonEmpty: false, freeText: true))
        case "integer": return .success(.integer(min: nil, max: nil))
        case "number": return .success(.number(min: nil, exclusiveMin: false, max: nil))
        case "boolean": return .success(.boolean)
        case "mapping": return .success(.mapping(MappingSchema([])))
        case "any": return .success(.anyValue)
        case "file": return .success(.path(.file))
        case "directory": return .success(.path(.directory))
        case "duration": return .success(.duration)
        case "list":
            guard let items else { return .success(.list(.anyValue, minCount: 0)) }
            guard let itemName = items.stringValue, itemName != "list", itemName != "mapping" else {
                return .failure(DiagnosticError(.error(at: items.location, "`items` must name a scalar type: string, integer, number, boolean, file, directory or duration")))
            }
            return typeNamed(itemName, at: items.location, items: nil).map { .list($0, minCount: 0) }
        default:
            return .failure(DiagnosticError(.error(
                at: location, "unknown type `\(name)`",
                hint: Suggestions.closest(to: name, in: typeNames).map { "did you mean `\($0)`?" }
                    ?? "types: " + typeNames.joined(separator: ", ")
            )))
        }
    }

    /// sota's schema with these fields added: each mapping closed unless declared open, the top level closed unless
    /// `open: true`. A field may add to sota's sections (`training.max_steps`) but not redefine one of sota's keys.
    ///
    /// - Returns: the merged root and the problems of declarations that could not be placed.
    package func merged(into base: MappingSchema, extraSections: [String]) -> (MappingSchema, [Diagnostic]) {
        var root = base
        root.isOpen = isOpen
        Self.close(&root)
        var diagnostics: [Diagnostic] = []
        var explicit: Set<String> = []
        for declared in fields {
            let keys = declared.path.components.compactMap { if case .key(let key) = $0 { key } else { nil } }
            do throws(DiagnosticError) {
                try Self.insert(declared.field, keys: keys[...], walked: KeyPath(), into: &root, explicit: &explicit)
            } catch {
                diagnostics.append(error.diagnostic)
            }
        }
        for name in extraSections where root.field(name) == nil {
            root.fields.append(ConfigSchema.projectSection(name))
        }
        return (root, diagnostics)
    }

    /// Closes sota's open sections: once a project declares its schema, its keys in `training` are declared too.
    private static func close(_ mapping: inout MappingSchema) {
        for index in mapping.fields.indices {
            if case .mapping(var child) = mapping.fields[index].type {
                child.isOpen = false
                mapping.fields[index].type = .mapping(child)
            }
        }
    }

    private static func insert(_ field: FieldSchema, keys: ArraySlice<String>, walked: KeyPath,
                               into mapping: inout MappingSchema, explicit: inout Set<String>) throws(DiagnosticError) {
        guard let key = keys.first else { return }
        let here = walked.appending(key)
        let at = field.declaredAt ?? SourceLocation(file: "sota.yaml")
        let index = mapping.fields.firstIndex { $0.name == key }
        if keys.count == 1 {
            guard let index else {
                mapping.fields.append(field)
                explicit.insert(here.description)
                return
            }
            let existing = mapping.fields[index]
            if explicit.contains(here.description) {
                throw DiagnosticError(.error(at: at, keyPath: here.description, "`\(here)` is declared twice (first at \(existing.declaredAt.map { "\($0)" } ?? "above"))"))
            }
            // A section declared after its keys (or one of sota's sections) keeps its keys and takes the declared
            // openness, requiredness and description.
            guard case .mapping(var children) = existing.type, case .mapping(let declared) = field.type else {
                if !existing.isProjectField {
                    throw DiagnosticError(.error(at: at, keyPath: here.description, "`\(here)` is sota's own key (\(existing.summary)); declare only the project's keys",
                                                 hint: "sota already checks it; remove this declaration"))
                }
                throw DiagnosticError(.error(at: at, keyPath: here.description, "`\(here)` is declared as \(field.type.expectation), but other fields are declared inside it"))
            }
            children.isOpen = declared.isOpen
            var merged = field
            merged.type = .mapping(children)
            if !existing.isProjectField { merged.summary = field.summary.isEmpty ? existing.summary : field.summary }
            mapping.fields[index] = merged
            explicit.insert(here.description)
            return
        }
        if let index {
            guard case .mapping(var children) = mapping.fields[index].type else {
                let existing = mapping.fields[index]
                throw DiagnosticError(.error(at: at, keyPath: here.description,
                                             "`\(here)` is \(existing.isProjectField ? "declared" : "sota's") as \(existing.type.expectation), so it holds no key `\(keys.dropFirst().first ?? "")`"))
            }
            try insert(field, keys: keys.dropFirst(), walked: here, into: &children, explicit: &explicit)
            mapping.fields[index].type = .mapping(children)
        } else {
            var children = MappingSchema([])
            try insert(field, keys: keys.dropFirst(), walked: here, into: &children, explicit: &explicit)
            var section = FieldSchema(key, .mapping(children), "")
            section.declaredAt = at
            mapping.fields.append(section)
        }
    }
}

extension KeyPath {
    /// The last component when it is a key.
    package var lastKey: String? {
        if case .key(let key)? = components.last { return key }
        return nil
    }
}

extension SchemaType {
    /// Whether a config may hold a value at `path` under this schema: a declared key, or one inside an open
    /// mapping or an unchecked value.
    package func allows(_ path: KeyPath) -> Bool {
        var current: SchemaType = self
        for component in path.components {
            if case .anyValue = current { return true }
            switch component {
            case .key(let key):
                guard let child = current.child(key) else { return false }
                current = child
            case .index:
                guard let element = current.element else { return false }
                current = element
            }
        }
        return true
    }
}

extension SchemaType {
    /// Every key path the schema declares, sections and their keys, in declaration order (lists and dictionaries
    /// not entered).
    package var declaredPaths: [String] {
        guard case .mapping(let mapping) = self else { return [] }
        return mapping.fields.flatMap { field in
            [field.name] + field.type.declaredPaths.map { field.name + "." + $0 }
        }
    }

    /// The declared key path closest to `path`, for a "did you mean".
    package func suggestion(for path: KeyPath) -> String? {
        Suggestions.closest(to: path.description, in: declaredPaths)
    }
}
