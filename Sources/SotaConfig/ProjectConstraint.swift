import SotaSupport

/// A team rule from the project file, checked against every config without recompiling sota.
package struct ProjectConstraint: Sendable {
    /// What the rule demands.
    package enum Rule: Sendable {
        /// All present keys hold equal values.
        case equal([KeyPath])
        /// The key's integer value divides evenly by a number or by another key's value.
        case divisible(KeyPath, by: Divisor)
        /// The key's number lies within bounds.
        case range(KeyPath, min: Double?, max: Double?)
        /// The keys are present.
        case required([KeyPath])
        /// The key's value is one of these.
        case oneOf(KeyPath, [ConfigNode])
        /// Each present key's number is below the next's (`warmup_steps < max_steps`).
        case lessThan([KeyPath])
        /// When the first condition holds, the second must.
        case implies(Condition, then: Condition)
        /// Exactly one of the keys is present (`optimizer.adam` or `optimizer.sgd`).
        case exactlyOne([KeyPath])

        /// Every key the rule reads.
        var keyPaths: [KeyPath] {
            switch self {
            case .equal(let paths), .required(let paths), .lessThan(let paths), .exactlyOne(let paths): paths
            case .divisible(let path, .number): [path]
            case .divisible(let path, .key(let divisor)): [path, divisor]
            case .range(let path, _, _), .oneOf(let path, _): [path]
            case .implies(let premise, let conclusion): [premise.path, conclusion.path]
            }
        }
    }

    /// A key's presence, or its value, in an `implies` rule.
    package struct Condition: Sendable {
        /// The key.
        package var path: KeyPath
        /// The value it must hold; nil when being present is enough.
        package var equals: ConfigNode?

        /// Whether `root` meets the condition.
        func holds(in root: ConfigNode) -> Bool {
            guard let node = root.node(at: path) else { return false }
            return equals.map { ConfigNode.sameValue($0, node) } ?? true
        }

        /// `optimizer.name` is sgd / `optimizer.momentum` is set; with `must`, what the rule demands.
        func text(must: Bool = false) -> String {
            let verb = must ? "must be" : "is"
            return equals.map { "`\(path)` \(verb) \(ProjectConstraint.text($0))" } ?? "`\(path)` \(verb) set"
        }
    }

    /// The right-hand side of a divisibility rule.
    package enum Divisor: Sendable {
        case number(Int)
        case key(KeyPath)
    }

    /// The rule.
    package var rule: Rule
    /// Error (default) or warning.
    package var severity: Diagnostic.Severity
    /// The team's explanation, shown as a hint.
    package var message: String?
    /// Where the rule is written in the project file.
    package var location: SourceLocation
    /// The kind of config the rule applies to; nil for every config.
    package var appliesTo: RunConfig.Kind?

    /// The rule kinds, as written.
    static let ruleNames = ["equal", "less_than", "divisible", "range", "required", "one_of", "implies"]

    /// The shape of one rule in `sota.yaml`.
    static let schema: SchemaType = .mapping(MappingSchema([
        FieldSchema("equal", .list(.string(nonEmpty: true), minCount: 2), "key paths that must hold equal values"),
        FieldSchema("less_than", .list(.string(nonEmpty: true), minCount: 2), "key paths whose numbers must increase"),
        FieldSchema("divisible", .mapping(MappingSchema([
            FieldSchema("key", .string(nonEmpty: true), required: true, "the dividend"),
            FieldSchema("by", .anyValue, required: true, "an integer or a key path"),
        ])), "a key that must divide evenly"),
        FieldSchema("range", .mapping(MappingSchema([
            FieldSchema("key", .string(nonEmpty: true), required: true, "the key"),
            FieldSchema("min", .number(min: nil, exclusiveMin: false, max: nil), "lowest allowed"),
            FieldSchema("max", .number(min: nil, exclusiveMin: false, max: nil), "highest allowed"),
        ])), "a numeric range"),
        FieldSchema("required", .list(.string(nonEmpty: true), minCount: 1), "key paths that must be present"),
        FieldSchema("one_of", .anyValue, "key paths of which exactly one is present, or {key, values}: allowed values"),
        FieldSchema("implies", .mapping(MappingSchema([
            FieldSchema("if", .anyValue, required: true, "a key path, or {key, equals}"),
            FieldSchema("then", .anyValue, required: true, "a key path, or {key, equals}"),
        ])), "when one condition holds, another must"),
        FieldSchema("severity", .choice(["error", "warning"]), "error (default) or warning"),
        FieldSchema("applies_to", .choice(["training", "evaluation"]), "only configs of this kind (default: all)"),
        FieldSchema("message", .string(nonEmpty: true), "why the rule exists"),
    ]))

    /// Builds a constraint from its project-file entry, checked against `schema` first.
    static func parse(_ node: ConfigNode) -> Result<ProjectConstraint, DiagnosticError> {
        if let problem = SchemaValidator().validate(node, against: schema).first(where: { $0.severity == .error }) {
            return .failure(DiagnosticError(problem))
        }
        func path(_ value: ConfigNode?) throws(DiagnosticError) -> KeyPath {
            guard let value, let text = value.stringValue, let path = KeyPath(parsing: text) else {
                throw DiagnosticError(.error(at: value?.location ?? node.location, "not a key path: \(value?.kindDescription ?? "nothing")"))
            }
            return path
        }
        let kinds = ruleNames.filter { node[$0] != nil }
        guard kinds.count == 1, let kind = kinds.first, let spec = node[kind] else {
            return .failure(DiagnosticError(.error(
                at: node.location,
                kinds.isEmpty ? "a rule needs one of: " + ruleNames.joined(separator: ", ")
                              : "a rule holds one kind, found \(kinds.joined(separator: " and "))"
            )))
        }
        func paths(_ list: ConfigNode, atLeast count: Int) throws(DiagnosticError) -> [KeyPath] {
            guard let items = list.items, items.count >= count else {
                throw DiagnosticError(.error(at: list.location, "`\(kind)` needs a list of at least \(count) key paths"))
            }
            var out: [KeyPath] = []
            for item in items { out.append(try path(item)) }
            return out
        }
        func condition(_ value: ConfigNode?) throws(DiagnosticError) -> Condition {
            guard let value else {
                throw DiagnosticError(.error(at: spec.location, "`implies` needs `if` and `then`, each a key path or {key: PATH, equals: VALUE}"))
            }
            if value.stringValue != nil { return Condition(path: try path(value), equals: nil) }
            guard value.entries != nil else {
                throw DiagnosticError(.error(at: value.location, "a condition is a key path or {key: PATH, equals: VALUE}, found \(value.kindDescription)"))
            }
            return Condition(path: try path(value["key"]), equals: value["equals"])
        }
        do throws(DiagnosticError) {
            let rule: Rule
            switch kind {
            case "equal": rule = .equal(try paths(spec, atLeast: 2))
            case "less_than": rule = .lessThan(try paths(spec, atLeast: 2))
            case "required": rule = .required(try paths(spec, atLeast: 1))
            case "divisible":
                guard let by = spec["by"] else {
                    throw DiagnosticError(.error(at: spec.location, "`divisible` needs `key` and `by`"))
                }
                if let number = by.intValue, number > 0 {
                    rule = .divisible(try path(spec["key"]), by: .number(number))
                } else if by.stringValue != nil {
                    rule = .divisible(try path(spec["key"]), by: .key(try path(by)))
                } else {
                    throw DiagnosticError(.error(at: by.location, "`by` must be a positive integer or a key path"))
                }
            case "range":
                rule = .range(try path(spec["key"]), min: spec["min"]?.numberValue, max: spec["max"]?.numberValue)
            case "implies":
                rule = .implies(try condition(spec["if"]), then: try condition(spec["then"]))
            default:
                if spec.items != nil {
                    rule = .exactlyOne(try paths(spec, atLeast: 2))
                } else {
                    guard let values = spec["values"]?.items, !values.isEmpty else {
                        throw DiagnosticError(.error(at: spec.location, "`one_of` is a list of key paths (exactly one present) or {key: PATH, values: [...]}"))
                    }
                    rule = .oneOf(try path(spec["key"]), values)
                }
            }
            return .success(ProjectConstraint(
                rule: rule,
                severity: node["severity"]?.stringValue == "warning" ? .warning : .error,
                message: node["message"]?.stringValue,
                location: node.location,
                appliesTo: node["applies_to"]?.stringValue.flatMap(RunConfig.Kind.init(rawValue:))
            ))
        } catch {
            return .failure(error)
        }
    }

    /// The problems this rule finds in `config` (whose root is `root`, located by `file`).
    ///
    /// - Parameter failed: key paths that already failed their own checks (schema, built-in rules); a rule that
    ///   reads one of them, or a key inside one, says nothing, since its value is not what the config means.
    package func check(_ root: ConfigNode, file: String, failed: Set<String> = []) -> [Diagnostic] {
        if let appliesTo, root[appliesTo.rawValue] == nil { return [] }
        if rule.keyPaths.contains(where: { Self.isWithin($0.description, failed) }) { return [] }
        let hint = [message, "rule at \(location)"].compactMap { $0 }.joined(separator: "; ")
        func problem(_ at: SourceLocation, _ path: KeyPath?, _ text: String) -> Diagnostic {
            Diagnostic(severity, at: at, keyPath: path?.description, text, hint: hint)
        }
        switch rule {
        case .equal(let paths):
            let present = paths.compactMap { path in root.node(at: path).map { (path, $0) } }
            guard let (firstPath, first) = present.first else { return [] }
            // Some keys present and others not: the rule cannot hold, and silence would read as agreement.
            let missing = paths.filter { root.node(at: $0) == nil }.map {
                problem(SourceLocation(file: file, line: 1, column: 1), $0, "missing `\($0)`, which must equal `\(firstPath)` (\(Self.text(first)))")
            }
            return missing + present.dropFirst().compactMap { path, node in
                ConfigNode.sameValue(first, node) ? nil : problem(
                    node.location, path,
                    "`\(path)` (\(Self.text(node))) must equal `\(firstPath)` (\(Self.text(first))) at \(first.location)"
                )
            }
        case .divisible(let path, let divisor):
            guard let node = root.node(at: path), let value = node.intValue else { return [] }
            let by: Int
            let name: String
            switch divisor {
            case .number(let number): by = number; name = "\(number)"
            case .key(let keyPath):
                guard let other = root.node(at: keyPath) else {
                    return [problem(node.location, path, "`\(path)` must be divisible by `\(keyPath)`, which is missing")]
                }
                guard let otherValue = other.intValue else {
                    return [problem(other.location, keyPath, "`\(keyPath)` (\(Self.text(other))) must be an integer: `\(path)` must be divisible by it")]
                }
                guard otherValue != 0 else {
                    return [problem(other.location, keyPath, "`\(keyPath)` is 0, and `\(path)` must be divisible by it")]
                }
                by = otherValue; name = "`\(keyPath)` (\(otherValue))"
            }
            // The one overflowing case, Int.min by -1, divides evenly.
            let (remainder, overflow) = value.remainderReportingOverflow(dividingBy: by)
            return overflow || remainder == 0 ? [] : [problem(node.location, path, "`\(path)` (\(value)) must be divisible by \(name)")]
        case .range(let path, let min, let max):
            guard let node = root.node(at: path), let value = node.numberValue else { return [] }
            if let min, value < min {
                return [problem(node.location, path, "`\(path)` (\(Self.text(node))) must be at least \(JSONValue.shortNumber(min))")]
            }
            if let max, value > max {
                return [problem(node.location, path, "`\(path)` (\(Self.text(node))) must be at most \(JSONValue.shortNumber(max))")]
            }
            return []
        case .required(let paths):
            return paths.filter { root.node(at: $0) == nil }.map {
                problem(SourceLocation(file: file, line: 1, column: 1), $0, "missing `\($0)`, which this project requires")
            }
        case .lessThan(let paths):
            var out: [Diagnostic] = []
            var previous: (path: KeyPath, node: ConfigNode, value: Double)?
            for path in paths {
                guard let node = root.node(at: path), let value = node.numberValue else { continue }
                if let low = previous, !(low.value < value) {
                    out.append(problem(node.location, path, "`\(path)` (\(Self.text(node))) must be greater than `\(low.path)` (\(Self.text(low.node)))"))
                }
                previous = (path, node, value)
            }
            return out
        case .implies(let premise, let conclusion):
            guard premise.holds(in: root), !conclusion.holds(in: root) else { return [] }
            let at = root.node(at: conclusion.path)?.location ?? root.node(at: premise.path)?.location ?? SourceLocation(file: file, line: 1, column: 1)
            return [problem(at, conclusion.path, "when \(premise.text()), \(conclusion.text(must: true))")]
        case .exactlyOne(let paths):
            let present = paths.filter { root.node(at: $0) != nil }
            if present.count == 1 { return [] }
            if present.isEmpty {
                return [problem(SourceLocation(file: file, line: 1, column: 1), paths.first, "one of " + paths.map { "`\($0)`" }.joined(separator: ", ") + " must be set")]
            }
            return [problem(root.node(at: present[1])?.location ?? SourceLocation(file: file, line: 1, column: 1), present[1],
                            "only one of " + paths.map { "`\($0)`" }.joined(separator: ", ") + " may be set; found " + present.map { "`\($0)`" }.joined(separator: " and "))]
        case .oneOf(let path, let values):
            guard let node = root.node(at: path) else { return [] }
            if values.contains(where: { ConfigNode.sameValue($0, node) }) { return [] }
            return [problem(node.location, path,
                            "`\(path)` is \(Self.text(node)); allowed: " + values.map(Self.text).joined(separator: ", "))]
        }
    }

    /// Whether `path` is one of `failed` or inside one of them.
    private static func isWithin(_ path: String, _ failed: Set<String>) -> Bool {
        failed.contains { path == $0 || path.hasPrefix($0 + ".") || path.hasPrefix($0 + "[") }
    }

    fileprivate static func text(_ node: ConfigNode) -> String {
        node.sourceText ?? CanonicalForm.json(node)
    }
}
