import SotaSupport

/// A project's config schema (sota's keys and the project's) as JSON Schema draft-07, the dialect editors'
/// YAML language servers validate and complete with while the user types.
package enum JSONSchemaExport {
    /// The whole document for configs of `project`: training and evaluation configs alike, with the project's
    /// required top-level keys demanded only of training configs (as `sota validate config` does), and nothing
    /// demanded that the project's `config_defaults`/`evaluation_defaults` supply.
    package static func document(for project: Project) -> JSONValue {
        var supplied: Set<String> = []
        func collect(_ node: ConfigNode?, _ prefix: String) {
            for entry in node?.entries ?? [] {
                let path = prefix.isEmpty ? entry.key : prefix + "." + entry.key
                supplied.insert(path)
                collect(entry.value, path)
            }
        }
        collect(project.trainingDefaults, "")
        collect(project.evaluationDefaults, "")
        var members: [(String, JSONValue)] = [
            ("$schema", .string("http://json-schema.org/draft-07/schema#")),
            ("title", .string("\(project.name) config")),
            ("description", .string("Written by `sota schema --json-schema`; regenerate it after editing sota.yaml.")),
        ]
        guard case .object(let root) = render(project.evaluationSchema, field: nil, path: "", supplied: supplied) else { return .object(members) }
        members += root
        if case .mapping(let training) = project.schema {
            let required = training.fields.filter { $0.isRequired && $0.isProjectField && !supplied.contains($0.name) }.map { JSONValue.string($0.name) }
            if !required.isEmpty {
                members.append(("if", .object([("required", .array([.string("training")]))])))
                members.append(("then", .object([("required", .array(required))])))
            }
        }
        return .object(members)
    }

    /// The JSON Schema of one value; `field` adds its description, choices, pattern and default.
    static func render(_ type: SchemaType, field: FieldSchema?, path: String = "", supplied: Set<String> = []) -> JSONValue {
        func child(_ name: String) -> String { path.isEmpty ? name : path + "." + name }
        var out: [(String, JSONValue)] = []
        switch type {
        case .integer(let min, let max):
            out.append(("type", .string("integer")))
            if let min { out.append(("minimum", .int(min))) }
            if let max { out.append(("maximum", .int(max))) }
        case .number(let min, let exclusiveMin, let max):
            out.append(("type", .string("number")))
            if let min { out.append((exclusiveMin ? "exclusiveMinimum" : "minimum", .double(min))) }
            if let max { out.append(("maximum", .double(max))) }
        case .string(let nonEmpty, _):
            out.append(("type", .string("string")))
            if nonEmpty { out.append(("minLength", .int(1))) }
        case .path:
            out.append(("type", .string("string")))
            out.append(("minLength", .int(1)))
        case .choice(let words):
            out.append(("enum", .array(words.map(JSONValue.string))))
        case .boolean:
            out.append(("type", .string("boolean")))
        case .duration:
            out.append(("anyOf", .array([
                .object([("type", .string("number")), ("exclusiveMinimum", .int(0))]),
                .object([("type", .string("string")), ("pattern", .string("^\\s*([0-9.]+\\s*[smhd]?\\s*)+$"))]),
            ])))
        case .command:
            out.append(("type", .string("array")))
            out.append(("minItems", .int(1)))
            out.append(("items", .object([("type", .array([.string("string"), .string("number")]))])))
        case .dtype:
            out.append(("type", .string("string")))
        case .shape:
            out.append(("type", .string("array")))
            out.append(("items", .object([("anyOf", .array([
                .object([("type", .string("integer")), ("minimum", .int(0))]), .object([("type", .string("null"))]),
            ]))])))
        case .list(let element, let minCount):
            out.append(("type", .string("array")))
            if minCount > 0 { out.append(("minItems", .int(minCount))) }
            out.append(("items", render(element, field: nil, path: path + "[]", supplied: supplied)))
        case .mapping(let mapping):
            out.append(("type", .string("object")))
            out.append(("properties", .object(mapping.fields.map { ($0.name, render($0.type, field: $0, path: child($0.name), supplied: supplied)) })))
            let required = mapping.fields.filter { $0.isRequired && !supplied.contains(child($0.name)) }.map { JSONValue.string($0.name) }
            if !required.isEmpty { out.append(("required", .array(required))) }
            if !mapping.isOpen { out.append(("additionalProperties", .bool(false))) }
        case .dictionary(let value):
            out.append(("type", .string("object")))
            out.append(("additionalProperties", render(value, field: nil, path: path + ".*", supplied: supplied)))
        case .anyValue:
            break
        }
        if let field {
            if !field.summary.isEmpty { out.insert(("description", .string(field.summary)), at: 0) }
            if !field.choices.isEmpty { out.append(("enum", .array(field.choices.map { CanonicalForm.jsonValue($0, sorted: false) }))) }
            if let pattern = field.pattern { out.append(("pattern", .string("^(?:" + pattern + ")$"))) }
            if let value = field.defaultValue { out.append(("default", CanonicalForm.jsonValue(value, sorted: false))) }
        }
        return .object(out)
    }

    /// One line per key path for `sota schema`: the path, its type, whether it is required, and whose key it is.
    package static func listing(for project: Project) -> [(path: String, type: String, required: Bool, owner: String, summary: String)] {
        var rows: [(path: String, type: String, required: Bool, owner: String, summary: String)] = []
        func walk(_ type: SchemaType, _ prefix: String) {
            guard case .mapping(let mapping) = type else { return }
            for field in mapping.fields {
                let path = prefix.isEmpty ? field.name : prefix + "." + field.name
                var typeText = typeName(field.type)
                if !field.choices.isEmpty { typeText += " (" + field.choices.map { $0.sourceText ?? CanonicalForm.json($0) }.joined(separator: "|") + ")" }
                var summary = field.summary
                if let value = field.defaultValue { summary += (summary.isEmpty ? "" : "; ") + "default \(value.sourceText ?? CanonicalForm.json(value))" }
                rows.append((path, typeText, field.isRequired, field.isProjectField ? "project" : "sota", summary))
                walk(field.type, path)
            }
        }
        walk(project.schema, "")
        return rows
    }

    /// The type as a word for listings: `integer ≥ 1`, `mapping (open)`, `list of string`.
    static func typeName(_ type: SchemaType) -> String {
        switch type {
        case .integer(let min, let max):
            return "integer" + (min.map { " ≥ \($0)" } ?? "") + (max.map { " ≤ \($0)" } ?? "")
        case .number(let min, let exclusiveMin, let max):
            return "number" + (min.map { (exclusiveMin ? " > " : " ≥ ") + JSONValue.shortNumber($0) } ?? "") + (max.map { " ≤ " + JSONValue.shortNumber($0) } ?? "")
        case .string(_, let freeText): return freeText ? "text" : "string"
        case .path(.file): return "file"
        case .path(.directory): return "directory"
        case .choice(let words): return words.joined(separator: "|")
        case .boolean: return "boolean"
        case .duration: return "duration"
        case .command: return "command"
        case .dtype: return "dtype"
        case .shape: return "shape"
        case .list(let element, _): return "list of " + typeName(element)
        case .mapping(let mapping): return mapping.isOpen ? "mapping (open)" : "mapping"
        case .dictionary(let value): return "mapping of " + typeName(value)
        case .anyValue: return "any"
        }
    }
}
