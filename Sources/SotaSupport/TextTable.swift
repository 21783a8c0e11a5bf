/// Left-aligned columns separated by two spaces, for terminal tables.
///
/// Widths count characters (grapheme clusters), the unit a terminal mostly advances by; the last column is
/// never padded, so lines carry no trailing spaces.
package enum TextTable {
    /// The header and rows as lines joined by `\n`, without a final newline.
    package static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for column in 0..<min(row.count, widths.count) { widths[column] = max(widths[column], row[column].count) }
        }
        // Plain loops rather than `joined`/`enumerated`: in a short command such as `sota leaderboard` a fresh
        // process would otherwise resolve their generic types at run time, which costs more than the rendering itself.
        var out = ""
        for line in 0..<all.count {
            if line > 0 { out += "\n" }
            let row = all[line]
            for index in 0..<row.count {
                if index > 0 { out += "  " }
                out += row[index]
                if index < row.count - 1, index < widths.count {
                    out += String(repeating: " ", count: max(0, widths[index] - row[index].count))
                }
            }
        }
        return out
    }
}
