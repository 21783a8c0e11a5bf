import SotaSupport

/// A value placed in a generated script as exactly one shell word: bash reads it back as the same text, as one
/// argument, and nothing in it ever runs or expands.
///
/// The only way to put a configured value into ``ScriptText``; the quoting is done once, here.
public struct ShellWord: Sendable, Equatable {
    /// The value as given.
    public let value: String
    /// The value as it stands in the script: bare when it holds only plain characters, else single-quoted with each
    /// `'` spelled `'\''` (newlines, `$`, backquotes and non-ASCII text stay literal inside single quotes).
    public let rendered: String

    /// Characters that need no quoting anywhere in a word.
    private static let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=@%+,")

    /// Quotes `value`.
    ///
    /// - Parameter role: what the value is (`the run id`, `launch.repository`), for the error message.
    /// - Throws: ``ScriptValueError`` for a NUL character, which no shell word can carry (bash drops it).
    public init(_ value: String, role: String) throws(ScriptValueError) {
        if value.unicodeScalars.contains("\0") {
            throw ScriptValueError(value: value, role: role, reason: "it contains a NUL character")
        }
        self.value = value
        if !value.isEmpty, value.allSatisfy({ Self.plain.contains($0) }) {
            rendered = value
        } else {
            rendered = "'" + value.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
        }
    }

    /// A run id as a word: letters, digits, `.`, `_` and `-`, starting with a letter or digit, as sota makes them. A
    /// run id names a folder and a Slurm log, and stands after options on command lines.
    init(runID: String, role: String = "the run id") throws(ScriptValueError) {
        let allowed = runID.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
        guard let first = runID.unicodeScalars.first, allowed, first.properties.isAlphabetic || ("0"..."9").contains(first) else {
            throw ScriptValueError(value: runID, role: role, reason: "a run id holds only letters, digits, `.`, `_` and `-`, and starts with a letter or digit")
        }
        try self.init(runID, role: role)
    }

    /// A git commit id as a word: 4 to 64 hexadecimal digits, so `git checkout` never reads it as an option.
    init(commit: String) throws(ScriptValueError) {
        guard (4...64).contains(commit.count), commit.allSatisfy(\.isHexDigit) else {
            throw ScriptValueError(value: commit, role: "the commit", reason: "a commit id is 4 to 64 hexadecimal digits")
        }
        try self.init(commit, role: "the commit")
    }

    /// A word sota itself spells (a stage name, a fixed file name): plain text that needs no check.
    init(fixed value: String) {
        self.value = value
        rendered = value
    }

    /// True when the rendered word holds `$` or a backquote inside single quotes, which shellcheck would flag as
    /// "expressions don't expand in single quotes" although that is the point.
    var hasLiteralExpansion: Bool { value.contains("$") || value.contains("`") }
}

/// A configured value that cannot be placed in a generated script, and why.
public struct ScriptValueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The value as given.
    public var value: String
    /// What the value is: a flag, a `sota.yaml` key, "the run id".
    public var role: String
    /// What is wrong with it.
    public var reason: String

    /// Creates an error.
    public init(value: String, role: String, reason: String) {
        self.value = value
        self.role = role
        self.reason = reason
    }

    public var description: String {
        let shown = value.unicodeScalars.map { $0.properties.generalCategory == .control ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
        return "\(role): `\(shown)` cannot be used: \(reason)"
    }
}
