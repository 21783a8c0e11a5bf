import FoundationEssentials

/// Renders diagnostics as compiler-style text or as JSON.
package struct DiagnosticRenderer: Sendable {
    /// Colours and bold text, used only when writing to a terminal without NO_COLOR.
    package var style: TextStyle

    /// Creates a renderer with the given text style.
    package init(style: TextStyle = .plain) {
        self.style = style
    }

    /// `path:line:col: error: message` followed by an indented hint line when there is one.
    package func render(_ diagnostic: Diagnostic) -> String {
        var out = ""
        if let location = diagnostic.location {
            out += style.bold("\(location):") + " "
        }
        out += severityLabel(diagnostic.severity) + " "
        out += style.bold(diagnostic.message)
        if let hint = diagnostic.hint {
            out += "\n    " + style.dim("hint: ") + hint
        }
        return out
    }

    /// Every diagnostic followed by a summary line such as `2 errors, 1 warning`.
    package func render(_ diagnostics: [Diagnostic]) -> String {
        var lines = diagnostics.map(render)
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        if errors + warnings > 0 {
            lines.append(Self.summary(errors: errors, warnings: warnings))
        }
        return lines.joined(separator: "\n")
    }

    /// `3 errors, 1 warning` with correct plurals.
    package static func summary(errors: Int, warnings: Int) -> String {
        func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        return [errors > 0 ? count(errors, "error") : nil, warnings > 0 ? count(warnings, "warning") : nil]
            .compactMap { $0 }.joined(separator: ", ")
    }

    private func severityLabel(_ severity: Diagnostic.Severity) -> String {
        switch severity {
        case .error: style.red("error:")
        case .warning: style.yellow("warning:")
        case .note: style.cyan("note:")
        }
    }
}
