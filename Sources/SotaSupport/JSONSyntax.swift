/// A strict JSON syntax check (RFC 8259) that says where the text stops being valid.
///
/// JSONDecoder says only that data is not valid JSON; a message pointing at `file:line:column` needs the place.
package enum JSONSyntax {
    /// Deeper nesting than this is reported as an error at the opening bracket, not followed: a hostile file of a
    /// million `[` must not exhaust the stack.
    package static let maximumDepth = 512

    /// The byte offset of the first error in `bytes`, or nil when they hold exactly one valid JSON value
    /// (surrounded by whitespace at most).
    package static func firstErrorOffset(_ bytes: [UInt8]) -> Int? {
        var checker = Checker(bytes: bytes)
        do {
            checker.skipSpace()
            try checker.value(depth: 0)
            checker.skipSpace()
            return checker.at == bytes.count ? nil : checker.at
        } catch {
            return checker.at
        }
    }

    /// 1-based line and column (in characters) of byte `offset` in `bytes`.
    package static func lineAndColumn(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for byte in bytes.prefix(min(max(0, offset), bytes.count)) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    private struct Stop: Error {}

    private struct Checker {
        let bytes: [UInt8]
        var at = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var current: UInt8? { at < bytes.count ? bytes[at] : nil }

        mutating func skipSpace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { at += 1 }
        }

        mutating func expect(_ byte: UInt8) throws(Stop) {
            guard current == byte else { throw Stop() }
            at += 1
        }

        mutating func literal(_ text: String) throws(Stop) {
            for byte in text.utf8 { try expect(byte) }
        }

        mutating func value(depth: Int) throws(Stop) {
            switch current {
            case UInt8(ascii: "{"):
                guard depth < JSONSyntax.maximumDepth else { throw Stop() }
                at += 1
                skipSpace()
                if current == UInt8(ascii: "}") { at += 1; return }
                while true {
                    try string()
                    skipSpace()
                    try expect(UInt8(ascii: ":"))
                    skipSpace()
                    try value(depth: depth + 1)
                    skipSpace()
                    if current == UInt8(ascii: ",") { at += 1; skipSpace(); continue }
                    try expect(UInt8(ascii: "}"))
                    return
                }
            case UInt8(ascii: "["):
                guard depth < JSONSyntax.maximumDepth else { throw Stop() }
                at += 1
                skipSpace()
                if current == UInt8(ascii: "]") { at += 1; return }
                while true {
                    try value(depth: depth + 1)
                    skipSpace()
                    if current == UInt8(ascii: ",") { at += 1; skipSpace(); continue }
                    try expect(UInt8(ascii: "]"))
                    return
                }
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            default: try number()
            }
        }

        mutating func string() throws(Stop) {
            try expect(UInt8(ascii: "\""))
            while let byte = current {
                switch byte {
                case UInt8(ascii: "\""):
                    at += 1
                    return
                case UInt8(ascii: "\\"):
                    at += 1
                    guard let escaped = current else { throw Stop() }
                    if escaped == UInt8(ascii: "u") {
                        at += 1
                        for _ in 0..<4 {
                            guard let hex = current, isHex(hex) else { throw Stop() }
                            at += 1
                        }
                    } else {
                        guard "\"\\/bfnrt".utf8.contains(escaped) else { throw Stop() }
                        at += 1
                    }
                case 0..<0x20:
                    throw Stop()
                default:
                    at += 1
                }
            }
            throw Stop()
        }

        mutating func number() throws(Stop) {
            if current == UInt8(ascii: "-") { at += 1 }
            guard let first = current, isDigit(first) else { throw Stop() }
            at += 1
            if first != UInt8(ascii: "0") { while let byte = current, isDigit(byte) { at += 1 } }
            if current == UInt8(ascii: ".") {
                at += 1
                guard let byte = current, isDigit(byte) else { throw Stop() }
                while let byte = current, isDigit(byte) { at += 1 }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                at += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { at += 1 }
                guard let byte = current, isDigit(byte) else { throw Stop() }
                while let byte = current, isDigit(byte) { at += 1 }
            }
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        func isHex(_ byte: UInt8) -> Bool {
            isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
        }
    }
}
