/// RFC 4180 CSV: fields with commas, quotes or line breaks are quoted, quotes doubled, lines end in CRLF.
package enum CSV {
    /// The header and rows, each line ending in CRLF.
    package static func render(header: [String], rows: [[String]]) -> String {
        var out = ""
        func append(_ row: [String]) {
            for index in row.indices {
                if index > 0 { out += "," }
                out += field(row[index])
            }
            out += "\r\n"
        }
        append(header)
        for row in rows { append(row) }
        return out
    }

    /// One field, quoted when it must be.
    package static func field(_ text: String) -> String {
        // Scanning bytes, not characters: "\r\n" is one Character, so a character test would miss it.
        var copy = text
        guard copy.withUTF8({ $0.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 } }) else { return text }
        var quoted = "\""
        for character in text.unicodeScalars {
            if character == "\"" { quoted += "\"" }
            quoted.unicodeScalars.append(character)
        }
        return quoted + "\""
    }
}
