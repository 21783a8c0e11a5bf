/// Where a value came from: a position in a file, or a command-line flag.
package struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The file path as the user named it, or the flag text (`--set model.width=8`).
    package var file: String
    /// 1-based line, or nil when the location is a flag or a whole file.
    package var line: Int?
    /// 1-based column in Unicode scalars, or nil when the line is unknown.
    package var column: Int?

    /// Creates a location in `file`, optionally at `line` and `column`.
    package init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:col`, `file:line` or `file`, the way compilers print positions.
    package var description: String {
        switch (line, column) {
        case let (line?, column?): "\(file):\(line):\(column)"
        case let (line?, nil): "\(file):\(line)"
        default: file
        }
    }
}
