/// Where a value came from: a position in a file, or a command-line flag.
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The file path as the user named it, or the flag text (`--set latent.dim=8`).
    public var file: String
    /// 1-based line, or nil when the location is a flag or a whole file.
    public var line: Int?
    /// 1-based column in Unicode scalars, or nil when the line is unknown.
    public var column: Int?

    /// Creates a location in `file`, optionally at `line` and `column`.
    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:col`, `file:line` or `file`, the way compilers print positions.
    public var description: String {
        switch (line, column) {
        case let (line?, column?): "\(file):\(line):\(column)"
        case let (line?, nil): "\(file):\(line)"
        default: file
        }
    }
}
