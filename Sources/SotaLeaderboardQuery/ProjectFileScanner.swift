import SotaPrimitives
/// Reads the `leaderboard:` key of a simple `sota.yaml` without a YAML parser.
///
/// The full command loads the project file with libyaml and validates it against the project schema; a file with
/// a problem makes it print diagnostics instead of a leaderboard. The fast path cannot repeat that validation, so
/// it only accepts files it can prove valid line by line, and leaves every other file to the full command:
///
/// - comments and blank lines;
/// - top-level `project:`, `runs:`, `prices:` and `leaderboard:` with a simple plain scalar (letters, digits,
///   `_ . / -` and inner spaces, and not one YAML would read as a number, boolean or null) or a single-line
///   quoted string without escapes, optionally followed by a comment;
/// - `sections:` as a flow list of simple plain scalars (`[notes, extra]`, or `[]`);
/// - `constraints: []`.
///
/// Everything else — rules under `constraints`, block lists, tabs, anchors, repeated keys, unknown keys — makes
/// ``leaderboardPath(in:)`` return nil.
enum ProjectFileScanner {
    /// The result of a scan the fast path can trust.
    enum Outcome: Equatable {
        /// The file is valid and sets `leaderboard:` to this path.
        case leaderboard(String)
        /// The file is valid and does not set `leaderboard:`.
        case defaultLeaderboard
    }

    /// Scans the project file's bytes; nil when the file is outside the subset described above.
    static func scan(_ bytes: [UInt8]) -> Outcome? {
        guard let text = String(validating: bytes, as: UTF8.self),
              !bytes.contains(where: { $0 == 9 || $0 == 13 || $0 == 0 }), !text.hasPrefix("\u{FEFF}") else { return nil }
        var seen: [Substring] = []  // not a Set, for the reason given in LeaderboardRequest
        var leaderboard: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            // Only top-level keys; an indented line belongs to a structure this scanner does not read.
            guard trimmed.count == line.count, let colon = line.firstIndex(of: ":") else { return nil }
            let key = line[..<colon]
            guard !seen.contains(key) else { return nil }
            seen.append(key)
            let rest = line[line.index(after: colon)...]
            // `key:value` is one plain scalar in YAML, not a mapping entry.
            guard rest.isEmpty || rest.hasPrefix(" ") else { return nil }
            guard let value = stripComment(rest.drop { $0 == " " }) else { return nil }
            switch key {
            case "project", "runs", "prices", "leaderboard":
                guard let scalar = stringScalar(value) else { return nil }
                if key == "leaderboard" { leaderboard = scalar }
            case "sections":
                guard value.hasPrefix("["), value.hasSuffix("]") else { return nil }
                let inner = value.dropFirst().dropLast()
                if inner.allSatisfy({ $0 == " " }) { continue }
                for item in inner.split(separator: ",", omittingEmptySubsequences: false) {
                    guard let plain = plainScalar(item.drop { $0 == " " }), !plain.isEmpty else { return nil }
                }
            case "constraints":
                guard value == "[]" else { return nil }
            default:
                return nil
            }
        }
        guard !seen.isEmpty else { return nil }
        return leaderboard.map(Outcome.leaderboard) ?? .defaultLeaderboard
    }

    /// The value with a trailing ` # comment` and trailing spaces removed; nil when it holds a `#` it cannot place.
    private static func stripComment(_ value: Substring) -> Substring? {
        var end = value.endIndex
        if value.hasPrefix("#") {
            end = value.startIndex
        } else if let hash = value.firstIndex(of: "#") {
            // A `#` starts a comment only after a space; elsewhere it would be part of the scalar.
            guard value[value.index(before: hash)] == " " else { return nil }
            end = hash
        }
        var result = value[..<end]
        while result.hasSuffix(" ") { result = result.dropLast() }
        return result
    }

    /// A non-empty string value: a simple plain scalar or a single-line quoted string without escapes.
    private static func stringScalar(_ value: Substring) -> String? {
        if let quote = value.first, quote == "\"" || quote == "'" {
            guard value.count >= 2, value.last == quote else { return nil }
            let inner = value.dropFirst().dropLast()
            // Escapes (`\` in double quotes, `''` in single quotes) and blank strings are left to the full command.
            guard !inner.contains(quote), !(quote == "\"" && inner.contains(Character("\\"))),
                  inner.contains(where: { $0 != " " }) else { return nil }
            return String(inner)
        }
        return plainScalar(value).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A plain scalar from a conservative alphabet that YAML 1.2 reads as a string; nil otherwise.
    ///
    /// Checked byte by byte: ASCII letters and digits, `_ . / -`, and single inner spaces, starting with a letter,
    /// digit, `_`, `.` or `/`. (String-in-string searches would link `_StringProcessing` into `sota`.)
    private static func plainScalar(_ value: Substring) -> String? {
        var bytes = Array(value.utf8)
        while bytes.last == UInt8(ascii: " ") { bytes.removeLast() }
        guard let first = bytes.first else { return "" }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
        guard isAlphanumeric(first) || first == UInt8(ascii: "_") || first == UInt8(ascii: ".") || first == UInt8(ascii: "/") else {
            return nil
        }
        var previous: UInt8 = 0
        for byte in bytes {
            let allowed = isAlphanumeric(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: " ")
            guard allowed, !(byte == UInt8(ascii: " ") && previous == UInt8(ascii: " ")) else { return nil }
            previous = byte
        }
        let text = String(decoding: bytes, as: UTF8.self)
        return isString(text) ? text : nil
    }

    /// Whether YAML 1.2's core schema (as `ScalarResolver` applies it) reads the plain scalar `text` as a string.
    private static func isString(_ text: String) -> Bool {
        let special = ["~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
                                    ".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"]
        if special.contains(text) { return false }
        let bytes = Array(text.utf8)
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0"), bytes[1] == UInt8(ascii: "x") || bytes[1] == UInt8(ascii: "o") {
            return false
        }
        return !NumberSyntax.isDecimal(bytes)
    }
}
