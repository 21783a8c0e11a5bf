import SotaSupport

/// Checks that run before YAML parsing, to give precise messages for binary files and tab indentation.
enum TextCheck {
    /// The first NUL byte or invalid UTF-8 sequence, as an error at its line and column.
    static func firstProblem(in bytes: [UInt8], file: String) -> Diagnostic? {
        var line = 1, column = 1, index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let length: Int
            switch byte {
            case 0:
                return .error(at: SourceLocation(file: file, line: line, column: column),
                              "not a text file: NUL byte at offset \(index)", hint: "is this a binary file?")
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: length = 0
            }
            var valid = length > 0 && index + length <= bytes.count
            if valid, length > 1 {
                valid = bytes[(index + 1)..<(index + length)].allSatisfy { $0 & 0xC0 == 0x80 }
            }
            if valid, length > 1, String(validating: bytes[index..<(index + length)], as: UTF8.self) == nil { valid = false }
            guard valid else {
                return .error(at: SourceLocation(file: file, line: line, column: column),
                              "not UTF-8 text: invalid byte 0x\(String(byte, radix: 16)) at offset \(index)",
                              hint: "configs are UTF-8 text; is this a binary file?")
            }
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
            index += length
        }
        return nil
    }

    /// One error per line whose indentation contains a tab (YAML indents with spaces only).
    static func tabIndentation(in bytes: [UInt8], file: String) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var line = 1, index = 0
        while index < bytes.count {
            var column = 1, tabColumn: Int?
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
                if bytes[index] == UInt8(ascii: "\t"), tabColumn == nil { tabColumn = column }
                column += 1
                index += 1
            }
            let contentStart = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            let hasContent = contentStart < index && bytes[contentStart] != UInt8(ascii: "#") && bytes[contentStart] != UInt8(ascii: "\r")
            if let tabColumn, hasContent {
                diagnostics.append(.error(
                    at: SourceLocation(file: file, line: line, column: tabColumn),
                    "tab character in indentation", hint: "YAML indents with spaces; replace the tab with spaces"
                ))
            }
            index += 1
            line += 1
        }
        return diagnostics
    }
}
