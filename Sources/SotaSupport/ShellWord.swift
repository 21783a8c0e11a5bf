/// A value placed in a generated script as exactly one shell word: bash reads it back as the same text, as one
/// argument, and nothing in it ever runs or expands.
///
/// The one shell quoting in sota: generated scripts (onstart, sbatch) take configured values only as shell words, and
/// printed command lines (`sota dry-run`) quote with ``printable(_:)``, which is this quoting too.
package struct ShellWord: Sendable, Equatable {
    /// The value as given.
    package let value: String
    /// The value as it stands in the script: bare when it holds only plain characters, else single-quoted with each
    /// `'` spelled `'\''` (newlines, `$`, backquotes and non-ASCII text stay literal inside single quotes).
    package let rendered: String

    /// Characters that need no quoting anywhere in a word.
    private static let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=@%+,")

    /// Quotes `value`.
    ///
    /// - Parameter role: what the value is (`the run id`, `launch.repository`), for the error message.
    /// - Throws: ``ScriptValueError`` for a NUL character, which no shell word can carry (bash drops it).
    package init(_ value: String, role: String) throws(ScriptValueError) {
        if value.unicodeScalars.contains("\0") {
            throw ScriptValueError(value: value, role: role, reason: "it contains a NUL character")
        }
        self.value = value
        if !value.isEmpty, value.allSatisfy({ Self.plain.contains($0) }) {
            rendered = value
        } else {
            rendered = "'" + value.replacing("'", with: #"'\''"#) + "'"
        }
    }

    /// `word` as it would be typed in a shell, for printing: quoted as a script would quote it, with a NUL (which no
    /// shell word can carry, so only a damaged value holds one) shown as `\0` rather than refused.
    package static func printable(_ word: String) -> String {
        (try? ShellWord(word, role: "a printed word"))?.rendered ?? printable(word.replacing("\0", with: "\\0"))
    }

    /// A word sota itself spells (a stage name, a fixed file name): plain text that needs no check.
    package init(fixed value: String) {
        self.value = value
        rendered = value
    }

    /// True when the rendered word holds `$` or a backquote inside single quotes, which shellcheck would flag as
    /// "expressions don't expand in single quotes" although that is the point.
    package var hasLiteralExpansion: Bool { value.contains("$") || value.contains("`") }
}

/// A configured value that cannot be placed in a generated script, and why.
package struct ScriptValueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The value as given.
    package var value: String
    /// What the value is: a flag, a `sota.yaml` key, "the run id".
    package var role: String
    /// What is wrong with it.
    package var reason: String

    /// Creates an error.
    package init(value: String, role: String, reason: String) {
        self.value = value
        self.role = role
        self.reason = reason
    }

    package var description: String {
        let shown = value.unicodeScalars.map { $0.properties.generalCategory == .control ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
        return "\(role): `\(shown)` cannot be used: \(reason)"
    }
}
