/// One problem found in user input, located and explained.
///
/// Validation collects every diagnostic before reporting, so a user fixes all problems in one pass.
package struct Diagnostic: Hashable, Sendable, Codable {
    /// How serious a diagnostic is.
    package enum Severity: String, Sendable, Codable, Comparable {
        case note, warning, error

        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }

        package static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// Error, warning or note.
    package var severity: Severity
    /// Where the problem is; nil for problems without a place (a missing flag, say).
    package var location: SourceLocation?
    /// The config key path involved (`training.stages[1].epochs`), when there is one.
    package var keyPath: String?
    /// What is wrong, in one sentence that reads well on its own.
    package var message: String
    /// A suggested fix, such as "did you mean `model.width`?".
    package var hint: String?

    /// Creates a diagnostic.
    package init(
        _ severity: Severity,
        at location: SourceLocation?,
        keyPath: String? = nil,
        _ message: String,
        hint: String? = nil
    ) {
        self.severity = severity
        self.location = location
        self.keyPath = keyPath
        self.message = message
        self.hint = hint
    }

    /// An error diagnostic.
    package static func error(
        at location: SourceLocation?, keyPath: String? = nil, _ message: String, hint: String? = nil
    ) -> Diagnostic {
        Diagnostic(.error, at: location, keyPath: keyPath, message, hint: hint)
    }

    /// A warning diagnostic.
    package static func warning(
        at location: SourceLocation?, keyPath: String? = nil, _ message: String, hint: String? = nil
    ) -> Diagnostic {
        Diagnostic(.warning, at: location, keyPath: keyPath, message, hint: hint)
    }

    /// The same diagnostic with its severity raised to error (for `--strict`).
    package func promotedToError() -> Diagnostic {
        var copy = self
        if copy.severity == .warning { copy.severity = .error }
        return copy
    }
}

extension Array where Element == Diagnostic {
    /// True when any diagnostic is an error.
    package var hasErrors: Bool { contains { $0.severity == .error } }

    /// Diagnostics ordered by file, line and column, keeping discovery order for ties.
    package func sortedByLocation() -> [Diagnostic] {
        enumerated().sorted { lhs, rhs in
            let l = lhs.element.location, r = rhs.element.location
            let lk = (l?.file ?? "", l?.line ?? 0, l?.column ?? 0)
            let rk = (r?.file ?? "", r?.line ?? 0, r?.column ?? 0)
            if lk != rk { return lk < rk }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }
}

extension Diagnostic {
    /// The JSON spelling shared by every `--json` output: severity, file, line, column, key, message, hint.
    package var jsonValue: JSONValue {
        var fields: [(String, JSONValue)] = [("severity", .string(severity.rawValue))]
        if let location {
            fields.append(("file", .string(location.file)))
            if let line = location.line { fields.append(("line", .int(line))) }
            if let column = location.column { fields.append(("column", .int(column))) }
        }
        if let keyPath { fields.append(("key", .string(keyPath))) }
        fields.append(("message", .string(message)))
        if let hint { fields.append(("hint", .string(hint))) }
        return .object(fields)
    }
}
