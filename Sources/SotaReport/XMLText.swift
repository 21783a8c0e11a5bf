/// Text made safe for XML and HTML: element content and attribute values alike.
package enum XMLText {
    /// `text` with `<`, `>`, `&`, `"` and `'` replaced by entities, so user text (experiment names, run ids) can
    /// never open a tag, close an attribute or start a script in the report.
    package static func escape(_ text: String) -> String {
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
}
