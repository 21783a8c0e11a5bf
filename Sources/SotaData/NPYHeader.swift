import SotaConfig

/// The header of a NumPy `.npy` array: element type, shape and where the data starts.
package struct NPYHeader: Sendable, Equatable {
    /// Element type.
    package var dtype: NumpyDType
    /// Array shape.
    package var shape: [Int]
    /// True for column-major data.
    package var fortranOrder: Bool
    /// Bytes from the start of the NPY file to the first data byte.
    package var dataOffset: Int

    /// Bytes of data the header promises: the product of the shape times the item size, `Int.max` when
    /// that product does not fit in 64 bits (a corrupt or hostile header).
    package var dataByteCount: Int {
        var total = dtype.itemSize
        for dimension in shape {
            let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
            if overflow { return Int.max }
            total = product
        }
        return total
    }

    /// The shape as `[24, 41, 64]`.
    package var shapeDescription: String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

    /// Why a header could not be read.
    package enum ParseError: Error, Equatable, CustomStringConvertible {
        case notNPY
        case truncated(needed: Int)
        case unsupportedVersion(UInt8)
        case malformed(String)

        package var description: String {
            switch self {
            case .notNPY: "not an NPY array (missing the \\x93NUMPY magic)"
            case .truncated(let needed): "header is cut short: needs \(needed) bytes"
            case .unsupportedVersion(let version): "unsupported NPY format version \(version)"
            case .malformed(let why): "malformed NPY header: \(why)"
            }
        }
    }

    /// Parses a header from the first bytes of an NPY file (at least the whole header must be present).
    package static func parse(_ bytes: [UInt8]) throws(ParseError) -> NPYHeader {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 6 else { throw bytes.elementsEqual(magic.prefix(bytes.count)) ? .truncated(needed: 10) : .notNPY }
        guard Array(bytes[0..<6]) == magic else { throw .notNPY }
        guard bytes.count >= 10 else { throw .truncated(needed: 10) }
        let major = bytes[6]
        let lengthSize: Int
        switch major {
        case 1: lengthSize = 2
        case 2, 3: lengthSize = 4
        default: throw .unsupportedVersion(major)
        }
        let prefix = 8 + lengthSize
        guard bytes.count >= prefix else { throw .truncated(needed: prefix) }
        var headerLength = 0
        for index in (0..<lengthSize).reversed() { headerLength = headerLength << 8 | Int(bytes[8 + index]) }
        guard bytes.count >= prefix + headerLength else { throw .truncated(needed: prefix + headerLength) }
        let text = String(decoding: bytes[prefix..<(prefix + headerLength)], as: UTF8.self)
        let fields = try PythonLiteral.parseDict(text)
        guard case .string(let descr)? = fields["descr"] else { throw .malformed("no 'descr' string") }
        guard let dtype = NumpyDType(parsing: descr) else { throw .malformed("unsupported dtype '\(descr)'") }
        guard case .tuple(let dims)? = fields["shape"] else { throw .malformed("no 'shape' tuple") }
        guard case .bool(let fortran)? = fields["fortran_order"] else { throw .malformed("no 'fortran_order' flag") }
        return NPYHeader(dtype: dtype, shape: dims, fortranOrder: fortran, dataOffset: prefix + headerLength)
    }
}

/// The tiny subset of Python literal syntax that NPY headers use: `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
enum PythonLiteral {
    enum Value: Equatable {
        case string(String)
        case bool(Bool)
        case tuple([Int])
    }

    static func parseDict(_ text: String) throws(NPYHeader.ParseError) -> [String: Value] {
        var scanner = Scanner(Array(text.utf8))
        var result: [String: Value] = [:]
        try scanner.expect(UInt8(ascii: "{"))
        while true {
            scanner.skipSpaces()
            if scanner.consume(UInt8(ascii: "}")) { return result }
            let key = try scanner.string()
            scanner.skipSpaces()
            try scanner.expect(UInt8(ascii: ":"))
            scanner.skipSpaces()
            result[key] = try scanner.value()
            scanner.skipSpaces()
            if !scanner.consume(UInt8(ascii: ",")) {
                scanner.skipSpaces()
                try scanner.expect(UInt8(ascii: "}"))
                return result
            }
        }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func skipSpaces() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x09 { index += 1 }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func expect(_ byte: UInt8) throws(NPYHeader.ParseError) {
            skipSpaces()
            guard consume(byte) else { throw .malformed("expected '\(Character(UnicodeScalar(byte)))' at offset \(index)") }
        }

        mutating func string() throws(NPYHeader.ParseError) -> String {
            guard index < bytes.count, bytes[index] == 0x27 || bytes[index] == 0x22 else { throw .malformed("expected a quoted key at offset \(index)") }
            let quote = bytes[index]
            index += 1
            let start = index
            while index < bytes.count, bytes[index] != quote { index += 1 }
            guard index < bytes.count else { throw .malformed("unterminated string") }
            defer { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func value() throws(NPYHeader.ParseError) -> Value {
            guard index < bytes.count else { throw .malformed("missing value") }
            switch bytes[index] {
            case 0x27, 0x22: return .string(try string())
            case UInt8(ascii: "T"), UInt8(ascii: "F"):
                for (word, value) in [("True", true), ("False", false)] where bytes[index...].starts(with: word.utf8) {
                    index += word.utf8.count
                    return .bool(value)
                }
                throw .malformed("expected True or False")
            case UInt8(ascii: "("):
                index += 1
                var dims: [Int] = []
                while true {
                    skipSpaces()
                    if consume(UInt8(ascii: ")")) { return .tuple(dims) }
                    let start = index
                    while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
                    guard let dim = Int(String(decoding: bytes[start..<index], as: UTF8.self)) else { throw .malformed("bad shape entry") }
                    dims.append(dim)
                    // Python 2 headers spell large dimensions with an `L` suffix.
                    _ = consume(UInt8(ascii: "L"))
                    skipSpaces()
                    if !consume(UInt8(ascii: ",")) {
                        skipSpaces()
                        guard consume(UInt8(ascii: ")")) else { throw .malformed("expected ')' in shape") }
                        return .tuple(dims)
                    }
                }
            default:
                throw .malformed("unexpected value at offset \(index)")
            }
        }
    }
}
