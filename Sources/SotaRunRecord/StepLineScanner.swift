/// Reads the usual step-history line, `{"step": 100, "loss": 0.31, "accuracy": 0.82}`, without allocating: keys are
/// matched against the names seen before, numbers converted from the bytes. It accepts only lines whose reading
/// cannot differ from the general JSON reader's (``MetricsFile``): ASCII keys without escapes, each once, number
/// values (a `name` string beside a `value` number, also without escapes), a whole step from 0 to 2^53, finite
/// values. Anything else is left to that reader, which also explains what is wrong.
///
/// Measured on 1.5 million three-metric lines (`bench/step_history.sh`, a whole `sota leaderboard --rebuild`): 8.7 s
/// with the general reader alone (0.76× Python's `json.loads` of the same files), 2.4 s with this scanner (0.26×).
struct StepLineScanner {
    /// Metric names by index, in the order first seen.
    private(set) var names: [String] = []
    private var nameBytes: [[UInt8]] = []
    private var indexByName: [String: Int] = [:]
    /// The last line's step, when ``scan(_:)`` accepted it.
    private(set) var step = 0
    /// The last line's points, by name index, when ``scan(_:)`` accepted it.
    private(set) var values: [(name: Int, value: Double)] = []
    /// Keys of the line being read, for the repeated-key check.
    private var seenKeys: [Int] = []

    /// The index of `name`, added when new.
    mutating func index(of name: String) -> Int {
        if let index = indexByName[name] { return index }
        names.append(name)
        nameBytes.append(Array(name.utf8))
        indexByName[name] = names.count - 1
        return names.count - 1
    }

    /// Reads `line` into ``step`` and ``values``; false when it is not in the usual shape.
    mutating func scan(_ line: UnsafeRawBufferPointer) -> Bool {
        values.removeAll(keepingCapacity: true)
        seenKeys.removeAll(keepingCapacity: true)
        var cursor = 0
        func skipSpace() {
            while cursor < line.count, line[cursor] == 0x20 || line[cursor] == 0x09 || line[cursor] == 0x0D { cursor += 1 }
        }
        skipSpace()
        guard cursor < line.count, line[cursor] == UInt8(ascii: "{") else { return false }
        cursor += 1
        var stepValue: Double?, underscoreStep: Double?, nameValue: Int?, valueValue: Double?
        skipSpace()
        if cursor < line.count, line[cursor] == UInt8(ascii: "}") { return false }
        while true {
            skipSpace()
            guard let key = readKey(line, &cursor) else { return false }
            skipSpace()
            guard cursor < line.count, line[cursor] == UInt8(ascii: ":") else { return false }
            cursor += 1
            skipSpace()
            guard cursor < line.count else { return false }
            if line[cursor] == UInt8(ascii: "\"") {
                // Only `name` may hold a string: the one-point shape.
                guard key == .name, nameValue == nil, let name = readName(line, &cursor) else { return false }
                nameValue = name
            } else {
                guard let number = readNumber(line, &cursor), number.isFinite else { return false }
                switch key {
                case .step: stepValue = number
                case .underscoreStep: underscoreStep = number
                case .value: valueValue = number
                case .ignored: break
                case .name: return false
                case .metric(let index): values.append((index, number))
                }
            }
            skipSpace()
            guard cursor < line.count else { return false }
            if line[cursor] == UInt8(ascii: ",") { cursor += 1; continue }
            guard line[cursor] == UInt8(ascii: "}") else { return false }
            cursor += 1
            break
        }
        skipSpace()
        guard cursor == line.count else { return false }
        guard let whole = stepValue ?? underscoreStep, whole >= 0, whole <= Double(StepHistory.maximumStep), whole.rounded() == whole else {
            return false
        }
        step = Int(whole)
        if let nameValue {
            guard let valueValue else { return false }
            values = [(nameValue, valueValue)]
        } else {
            // `value` without `name` is a metric called value, as the general reader reads it.
            if let valueValue { values.append((index(of: "value"), valueValue)) }
            guard !values.isEmpty else { return false }
        }
        return true
    }

    private enum Key: Equatable {
        case step, underscoreStep, name, value, ignored
        case metric(Int)
    }

    /// A key: `"` ASCII printable bytes without `\` or `"` `"`, not seen before on this line.
    private mutating func readKey(_ line: UnsafeRawBufferPointer, _ cursor: inout Int) -> Key? {
        guard let key = Self.plainString(line, &cursor) else { return nil }
        let found: Key
        let code: Int
        if key.elementsEqual("step".utf8) {
            (found, code) = (.step, -1)
        } else if key.elementsEqual("_step".utf8) {
            (found, code) = (.underscoreStep, -2)
        } else if key.elementsEqual("name".utf8) {
            (found, code) = (.name, -3)
        } else if key.elementsEqual("value".utf8) {
            (found, code) = (.value, -4)
        } else {
            let index = index(of: key)
            // `_runtime`, `_timestamp`: not metrics, but named (and checked for repeats) like the rest.
            (found, code) = (key[0] == UInt8(ascii: "_") ? .ignored : .metric(index), index)
        }
        // A repeated key is an error the general reader names.
        guard !seenKeys.contains(code) else { return nil }
        seenKeys.append(code)
        return found
    }

    /// A `name` string's metric index: printable ASCII without escapes.
    private mutating func readName(_ line: UnsafeRawBufferPointer, _ cursor: inout Int) -> Int? {
        Self.plainString(line, &cursor).map { index(of: $0) }
    }

    /// The index of the name spelled by `bytes`, added when new; a known name costs no allocation.
    private mutating func index(of bytes: UnsafeRawBufferPointer) -> Int {
        nameBytes.firstIndex { $0.elementsEqual(bytes) } ?? index(of: String(decoding: bytes, as: UTF8.self))
    }

    /// The bytes of a string at `cursor`, 1 to 128 printable ASCII characters without `\` (whose reading could need
    /// unescaping), moving past its closing quote; nil otherwise.
    private static func plainString(_ line: UnsafeRawBufferPointer, _ cursor: inout Int) -> UnsafeRawBufferPointer? {
        guard cursor < line.count, line[cursor] == UInt8(ascii: "\"") else { return nil }
        let start = cursor + 1
        var end = start
        while end < line.count, line[end] != UInt8(ascii: "\"") {
            let byte = line[end]
            guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else { return nil }
            end += 1
        }
        guard end < line.count, end > start, end - start <= 128 else { return nil }
        cursor = end + 1
        return UnsafeRawBufferPointer(rebasing: line[start..<end])
    }

    /// A number in JSON's grammar, converted as Swift's `Double(String)` does (the C locale); nil when malformed.
    private func readNumber(_ line: UnsafeRawBufferPointer, _ cursor: inout Int) -> Double? {
        let start = cursor
        func digits() -> Int {
            let from = cursor
            while cursor < line.count, line[cursor] >= 0x30, line[cursor] <= 0x39 { cursor += 1 }
            return cursor - from
        }
        if cursor < line.count, line[cursor] == UInt8(ascii: "-") { cursor += 1 }
        guard cursor < line.count, line[cursor] >= 0x30, line[cursor] <= 0x39 else { return nil }
        let first = line[cursor]
        cursor += 1
        if first != 0x30 { _ = digits() }
        if cursor < line.count, line[cursor] == UInt8(ascii: ".") {
            cursor += 1
            guard digits() > 0 else { return nil }
        }
        if cursor < line.count, line[cursor] == UInt8(ascii: "e") || line[cursor] == UInt8(ascii: "E") {
            cursor += 1
            if cursor < line.count, line[cursor] == UInt8(ascii: "+") || line[cursor] == UInt8(ascii: "-") { cursor += 1 }
            guard digits() > 0 else { return nil }
        }
        // Up to 15 bytes a Swift string is stored inline: no allocation for the usual numbers.
        return Double(String(decoding: UnsafeRawBufferPointer(rebasing: line[start..<cursor]), as: UTF8.self))
    }
}
