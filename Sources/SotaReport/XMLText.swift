/// Text made safe for XML and HTML: element content and attribute values alike.
package enum XMLText {
    /// `text` with `<`, `>`, `&`, `"` and `'` replaced by entities, so user text (experiment names, run ids) can
    /// never open a tag, close an attribute or start a script in the report.
    package static func escape(_ text: String) -> String {
        // Most text (run ids, numbers, dates) needs nothing replaced; the report escapes every cell of every run.
        if !text.utf8.contains(where: needsEscape) { return text }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            // Control characters other than tab and newline are not allowed in XML 1.0 at all.
            case "\t", "\n": escaped.unicodeScalars.append(character)
            case _ where character.value < 0x20 || character.value == 0x7F: escaped += "\u{FFFD}"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// Whether a UTF-8 byte starts something ``escape(_:)`` replaces: markup, a control character (tab and newline
    /// too, to keep this check simple) or DEL. Bytes of non-ASCII characters are never replaced.
    private static func needsEscape(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), UInt8(ascii: "\""), UInt8(ascii: "'"), 0x7F: true
        default: byte < 0x20
        }
    }
}
