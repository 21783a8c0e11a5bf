/// An experiment's name, checked to be safe as a folder name, in a shell and in a URL.
///
/// Letters, digits, `-`, `_` and `.`; not starting with `.` (hidden files, `..`) or `-` (read as a flag);
/// at most ``maximumLength`` characters. Everything else (slashes, spaces, control characters, shell
/// metacharacters) is refused with the reason.
public struct ExperimentName: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The longest name accepted.
    public static let maximumLength = 64

    /// The name.
    public let text: String

    /// Checks `text` and wraps it.
    ///
    /// - Throws: ``WorkspaceError/invalidName(_:reason:)`` saying what is wrong.
    public init(validating text: String) throws(WorkspaceError) {
        if let reason = Self.problem(with: text) { throw .invalidName(text, reason: reason) }
        self.text = text
    }

    /// Why `text` is not a valid name, or nil when it is.
    public static func problem(with text: String) -> String? {
        guard let first = text.unicodeScalars.first else { return "the name is empty" }
        let count = text.unicodeScalars.count
        if count > maximumLength { return "\(count) characters, more than \(maximumLength)" }
        if text.contains("/") || text.contains("\\") { return "it contains a path separator" }
        if text == "." || text == ".." || text.hasPrefix("..") { return "it would name a parent or current folder" }
        for scalar in text.unicodeScalars where !isAllowed(scalar) {
            if scalar.value < 0x20 || scalar.value == 0x7F { return "it contains a control character (U+\(hex(scalar.value)))" }
            if scalar == " " { return "it contains a space" }
            if scalar.value > 0x7F { return "it contains `\(scalar)`, which is not ASCII" }
            return "it contains `\(scalar)`, which a shell or a file system treats specially"
        }
        if first == "." { return "it starts with `.`, which hides the folder" }
        if first == "-" { return "it starts with `-`, which commands read as a flag" }
        return nil
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": true
        default: false
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    public var description: String { text }

    public static func < (lhs: ExperimentName, rhs: ExperimentName) -> Bool { lhs.text < rhs.text }
}

/// An experiment folder's name: `YYYY-MM-DD-name`, the creation (or restore) day and the experiment's name.
public struct ExperimentFolderName: Sendable, Hashable, CustomStringConvertible {
    /// `YYYY-MM-DD`.
    public var day: String
    /// The experiment name.
    public var name: ExperimentName

    /// Pairs a day and a name.
    public init(day: String, name: ExperimentName) {
        self.day = day
        self.name = name
    }

    /// Splits a folder name; nil when it does not start with a date and a dash, or the rest is not a valid name.
    public init?(parsing folder: String) {
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
    static func isDay(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let month = Int(parts[1]), let day = Int(parts[2]) else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }

    public var description: String { "\(day)-\(name.text)" }
}
