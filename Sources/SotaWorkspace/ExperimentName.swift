import SotaConfig

/// An experiment's name, checked by ``ExperimentNameRule`` to be safe as a folder name, in a shell and in a URL.
package struct ExperimentName: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The longest name accepted.
    package static let maximumLength = ExperimentNameRule.maximumLength

    /// The name.
    package let text: String

    /// Checks `text` and wraps it.
    ///
    /// - Throws: ``WorkspaceError/invalidName(_:reason:)`` saying what is wrong.
    package init(validating text: String) throws(WorkspaceError) {
        if let reason = Self.problem(with: text) { throw .invalidName(text, reason: reason) }
        self.text = text
    }

    /// Why `text` is not a valid name, or nil when it is.
    package static func problem(with text: String) -> String? { ExperimentNameRule.problem(with: text) }

    package var description: String { text }

    package static func < (lhs: ExperimentName, rhs: ExperimentName) -> Bool { lhs.text < rhs.text }
}

/// An experiment folder's name: `YYYY-MM-DD-name`, the creation (or restore) day and the experiment's name.
package struct ExperimentFolderName: Sendable, Hashable, CustomStringConvertible {
    /// `YYYY-MM-DD`.
    package var day: String
    /// The experiment name.
    package var name: ExperimentName

    /// Pairs a day and a name.
    package init(day: String, name: ExperimentName) {
        self.day = day
        self.name = name
    }

    /// Splits a folder name; nil when it does not start with a date and a dash, or the rest is not a valid name.
    package init?(parsing folder: String) {
        let scalars = Array(folder.unicodeScalars)
        guard scalars.count > 11, scalars[10] == "-" else { return nil }
        let day = String(String.UnicodeScalarView(scalars[0..<10]))
        guard Self.isDay(day), let name = try? ExperimentName(validating: String(String.UnicodeScalarView(scalars[11...]))) else {
            return nil
        }
        self.day = day
        self.name = name
    }

    /// True for `YYYY-MM-DD` with a plausible month and day.
    static func isDay(_ text: String) -> Bool { ExperimentNameRule.isDay(text) }

    package var description: String { "\(day)-\(name.text)" }
}
