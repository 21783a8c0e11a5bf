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

        /// Every key the rule reads.
        var keyPaths: [KeyPath] {
            switch self {
            case .equal(let paths), .required(let paths): paths
            case .divisible(let path, .number): [path]
            case .divisible(let path, .key(let divisor)): [path, divisor]
            case .range(let path, _, _), .oneOf(let path, _): [path]
            }
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

    /// Builds a constraint from its project-file entry (already schema-checked).
    static func parse(_ node: ConfigNode) -> Result<ProjectConstraint, DiagnosticError> {
        func path(_ value: ConfigNode?) throws(DiagnosticError) -> KeyPath {
            guard let value, let text = value.stringValue, let path = KeyPath(parsing: text) else {
                throw DiagnosticError(.error(at: value?.location ?? node.location, "not a key path: \(value?.kindDescription ?? "nothing")"))
            }
            return path
        }
        let kinds = ["equal", "divisible", "range", "required", "one_of"].filter { node[$0] != nil }
        guard kinds.count == 1 else {
            return .failure(DiagnosticError(.error(
                at: node.location,
                kinds.isEmpty ? "a constraint needs one rule: equal, divisible, range, required or one_of"
                              : "a constraint holds one rule, found \(kinds.joined(separator: " and "))"
            )))
        }
        do throws(DiagnosticError) {
            let rule: Rule
            switch kinds[0] {
            case "equal":
                var paths: [KeyPath] = []
                for item in node["equal"]?.items ?? [] { paths.append(try path(item)) }
                rule = .equal(paths)
            case "divisible":
                let spec = node["divisible"]!
                let by = spec["by"]!
                if let number = by.intValue, number > 0 {
                    rule = .divisible(try path(spec["key"]), by: .number(number))
                } else if by.stringValue != nil {
                    rule = .divisible(try path(spec["key"]), by: .key(try path(by)))
                } else {
                    throw DiagnosticError(.error(at: by.location, "`by` must be a positive integer or a key path"))
                }
            case "range":
                let spec = node["range"]!
                rule = .range(try path(spec["key"]), min: spec["min"]?.numberValue, max: spec["max"]?.numberValue)
            case "required":
                var paths: [KeyPath] = []
                for item in node["required"]?.items ?? [] { paths.append(try path(item)) }
                rule = .required(paths)
            default:
                let spec = node["one_of"]!
                rule = .oneOf(try path(spec["key"]), spec["values"]?.items ?? [])
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
                Self.same(first, node) ? nil : problem(
                    node.location, path,
                    "`\(path)` (\(Self.text(node))) must equal `\(firstPath)` (\(Self.text(first)))"
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
        case .oneOf(let path, let values):
            guard let node = root.node(at: path) else { return [] }
            if values.contains(where: { Self.same($0, node) }) { return [] }
            return [problem(node.location, path,
                            "`\(path)` is \(Self.text(node)); allowed: " + values.map(Self.text).joined(separator: ", "))]
        }
    }

    /// Whether `path` is one of `failed` or inside one of them.
    private static func isWithin(_ path: String, _ failed: Set<String>) -> Bool {
        failed.contains { path == $0 || path.hasPrefix($0 + ".") || path.hasPrefix($0 + "[") }
    }

    private static func same(_ a: ConfigNode, _ b: ConfigNode) -> Bool {
        if let x = a.numberValue, let y = b.numberValue { return x == y }
        return CanonicalForm.json(a) == CanonicalForm.json(b)
    }

    private static func text(_ node: ConfigNode) -> String {
        node.sourceText ?? CanonicalForm.json(node)
    }
}
