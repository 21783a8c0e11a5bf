import FoundationEssentials
import SotaSupport

/// The metrics JSON an evaluate program writes: an object whose numeric members are the metrics.
package enum MetricsFile {
    /// The largest metrics file read: evaluate programs write a few numbers, not data.
    package static let sizeLimit = 16 << 20

    /// What a metrics file holds: its metrics, and what is wrong with each member that is not one.
    package struct Contents: Sendable, Equatable {
        /// The top-level members holding finite numbers.
        package var metrics: [String: Double]
        /// Every other top-level member, with what it is instead (`the string "0.1", not a number`,
        /// `1e400, beyond the range of a double`), so a gate on it can say more than "missing".
        package var nonMetrics: [String: String]
        /// The top-level members holding strings, whole (a step-history line's `name`).
        package var texts: [String: String] = [:]

        /// Why the gated metrics `names` cannot be read from `file` (each named with what it holds instead, or as
        /// missing); nil when all are numbers.
        package func problem(gated names: [String], file: String) -> String? {
            let absent = names.filter { metrics[$0] == nil }
            guard !absent.isEmpty else { return nil }
            let missing = absent.filter { nonMetrics[$0] == nil }
            let lacks = missing.isEmpty ? nil
                : "lacks the gated metric\(missing.count == 1 ? "" : "s") " + missing.map { "`\($0)`" }.joined(separator: ", ")
            let wrong = absent.compactMap { name in nonMetrics[name].map { "`\(name)` is \($0)" } }
            if wrong.isEmpty, let lacks { return "metrics file \(file) \(lacks)" }
            return "metrics file \(file): " + (wrong + (lacks.map { ["it \($0)"] } ?? [])).joined(separator: "; ")
        }
    }

    /// The numeric top-level members of the JSON object in `path`, or why it cannot be read.
    package static func read(_ path: String) -> Result<Contents, MetricsProblem> {
        let bytes: [UInt8]
        do {
            guard let read = try FileStream.readAll(path, limit: sizeLimit) else { return .failure(MetricsProblem("is larger than 16 MiB")) }
            bytes = read
        } catch {
            return .failure(MetricsProblem("cannot be read"))
        }
        return parse(bytes)
    }

    /// The top-level members of the JSON text `bytes`, sorted into metrics and the rest.
    ///
    /// A strict JSON reader of its own rather than `JSONDecoder`: every evaluation reads one, and the decoder's
    /// first use in a process costs more than the rest of the step's bookkeeping. Nested values are checked
    /// and skipped; booleans are not metrics (a JSON `true` must not read as 1). A key written twice at the top
    /// level is an error: which value the program meant cannot be known.
    package static func parse(_ bytes: some Collection<UInt8>) -> Result<Contents, MetricsProblem> {
        // A byte-order mark is not JSON, but some Windows tools write one: it is skipped.
        let bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : Array(bytes)
        var reader = JSONReader(bytes: bytes)
        reader.skipSpace()
        guard reader.peek == UInt8(ascii: "{") else {
            // Valid JSON that is not an object, or not JSON at all.
            var probe = JSONReader(bytes: bytes)
            return probe.skipDocument() ? .failure(MetricsProblem("is not a JSON object")) : .failure(MetricsProblem("is not valid JSON"))
        }
        var contents = Contents(metrics: [:], nonMetrics: [:])
        var repeated: String?
        guard reader.readObject(into: &contents, repeated: &repeated), reader.atEnd else { return .failure(MetricsProblem("is not valid JSON")) }
        if let repeated { return .failure(MetricsProblem("repeats the key `\(repeated)`; each metric must appear once")) }
        return .success(contents)
    }
}

/// Why a metrics file is unusable.
package struct MetricsProblem: Error, Sendable, CustomStringConvertible {
    /// The explanation.
    package var description: String

    package init(_ description: String) { self.description = description }
}

/// A cursor over JSON text that validates as it skips (RFC 8259, UTF-8).
private struct JSONReader {
    let bytes: [UInt8]
    var index = 0
    /// Nesting is capped so a hostile file cannot exhaust the stack.
    var depth = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Only whitespace is left.
    var atEnd: Bool {
        mutating get {
            skipSpace()
            return index == bytes.count
        }
    }

    mutating func skipSpace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    /// One whole value followed by nothing but whitespace.
    mutating func skipDocument() -> Bool {
        skipSpace()
        return skipValue() && atEnd
    }

    /// The top-level object, sorting its members into metrics and the rest; `repeated` gets the first key seen twice.
    mutating func readObject(into contents: inout MetricsFile.Contents, repeated: inout String?) -> Bool {
        index += 1
        skipSpace()
        if peek == UInt8(ascii: "}") { index += 1; return true }
        while true {
            skipSpace()
            guard let key = readString() else { return false }
            skipSpace()
            guard peek == UInt8(ascii: ":") else { return false }
            index += 1
            skipSpace()
            if repeated == nil, contents.metrics[key] != nil || contents.nonMetrics[key] != nil { repeated = key }
            let start = index
            guard let kind = readMember() else { return false }
            switch kind {
            case .number(let number) where number.isFinite:
                contents.metrics[key] = number
            case .number:
                contents.nonMetrics[key] = "\(excerpt(from: start)), beyond the range of a double"
            case .string(let text):
                contents.texts[key] = text
                contents.nonMetrics[key] = "the string \"\(text.count > 40 ? String(text.prefix(40)) + "…" : text)\", not a number"
            case .other(let what):
                contents.nonMetrics[key] = "\(what), not a number"
            }
            skipSpace()
            switch peek {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return true
            default: return false
            }
        }
    }

    /// What a top-level member holds.
    private enum Member {
        case number(Double)
        case string(String)
        /// A boolean, null, an object or an array, as a message names it.
        case other(String)
    }

    /// One member's value, or nil when it is malformed.
    private mutating func readMember() -> Member? {
        guard let byte = peek else { return nil }
        switch byte {
        case UInt8(ascii: "-"), 0x30...0x39: return readNumber().map(Member.number)
        case UInt8(ascii: "\""): return readString().map(Member.string)
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return skipValue() ? .other("a boolean") : nil
        case UInt8(ascii: "n"): return skipValue() ? .other("null") : nil
        case UInt8(ascii: "["): return skipValue() ? .other("a list") : nil
        default: return skipValue() ? .other("an object") : nil
        }
    }

    /// The text read since `start`, shortened for a message.
    private func excerpt(from start: Int) -> String {
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        return text.count > 24 ? String(text.prefix(24)) + "…" : text
    }

    mutating func skipValue() -> Bool {
        skipSpace()
        guard let byte = peek else { return false }
        switch byte {
        case UInt8(ascii: "{"): return skipContainer(close: UInt8(ascii: "}"), keyed: true)
        case UInt8(ascii: "["): return skipContainer(close: UInt8(ascii: "]"), keyed: false)
        case UInt8(ascii: "\""): return readString() != nil
        case UInt8(ascii: "t"): return skipLiteral("true")
        case UInt8(ascii: "f"): return skipLiteral("false")
        case UInt8(ascii: "n"): return skipLiteral("null")
        default: return readNumber() != nil
        }
    }

    private mutating func skipContainer(close: UInt8, keyed: Bool) -> Bool {
        depth += 1
        defer { depth -= 1 }
        guard depth <= 512 else { return false }
        index += 1
        skipSpace()
        if peek == close { index += 1; return true }
        while true {
            skipSpace()
            if keyed {
                guard readString() != nil else { return false }
                skipSpace()
                guard peek == UInt8(ascii: ":") else { return false }
                index += 1
            }
            guard skipValue() else { return false }
            skipSpace()
            if peek == UInt8(ascii: ",") { index += 1; continue }
            guard peek == close else { return false }
            index += 1
            return true
        }
    }

    private mutating func skipLiteral(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
        index += count
        return true
    }

    /// A string's value, or nil when it is malformed.
    mutating func readString() -> String? {
        guard peek == UInt8(ascii: "\"") else { return nil }
        index += 1
        var text = ""
        var run = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                guard let chunk = String(validating: bytes[run..<index], as: UTF8.self) else { return nil }
                text += chunk
                index += 1
                if byte == UInt8(ascii: "\"") { return text }
                guard let scalar = readEscape() else { return nil }
                text.unicodeScalars.append(scalar)
                run = index
                continue
            }
            guard byte >= 0x20 else { return nil }
            index += 1
        }
        return nil
    }

    private mutating func readEscape() -> Unicode.Scalar? {
        guard let byte = peek else { return nil }
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{8}"
        case UInt8(ascii: "f"): return "\u{C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            guard let unit = readHex4() else { return nil }
            if (0xD800..<0xDC00).contains(unit) {
                guard peek == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else { return nil }
                index += 2
                guard let low = readHex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
            }
            return Unicode.Scalar(unit)
        default: return nil
        }
    }

    private mutating func readHex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// A number in JSON's grammar (no leading zeros, no `+`, no bare `.`), or nil.
    mutating func readNumber() -> Double? {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        guard let first = peek, first >= 0x30, first <= 0x39 else { return nil }
        index += 1
        if first != 0x30 { skipDigits() }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard skipDigits() > 0 else { return nil }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard skipDigits() > 0 else { return nil }
        }
        // Out of Double's range reads as an infinity, which the caller reports as out of range.
        guard let text = String(validating: bytes[start..<index], as: UTF8.self), let value = Double(text) else { return nil }
        return value
    }

    @discardableResult
    private mutating func skipDigits() -> Int {
        let start = index
        while let byte = peek, byte >= 0x30, byte <= 0x39 { index += 1 }
        return index - start
    }
}
