import FoundationEssentials
import SotaSupport

/// The end of a step's log as someone reading a failure wants it: what the child wrote in its latest attempt (a
/// traceback, usually), without sota's own header and footer lines, safe to print on a terminal.
package enum StepLogTail {
    /// How much of the log's end is read: enough for a long traceback, bounded however much the child wrote.
    static let window: UInt64 = 16 * 1024
    /// The longest line shown; the log keeps the whole line.
    static let lineLimit = 400

    /// The last `limit` lines the child of the latest attempt wrote to the log at `path` (none when it wrote
    /// nothing or the log cannot be read).
    package static func lines(of path: String, limit: Int = 20) -> [String] {
        guard limit > 0, let (text, cut) = end(of: path, bytes: window) else { return [] }
        return lines(ofText: text, cutAtStart: cut, limit: limit)
    }

    /// The last non-empty line of the log at `path`, whoever wrote it, as ``printable(_:)`` shows it: what the live
    /// line and the heartbeat show of a running stage, read from the log's last 512 bytes five times a second.
    package static func lastLine(of path: String) -> String {
        guard let (text, _) = end(of: path, bytes: 512) else { return "" }
        return text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).last.map { printable(String($0)) }?.trimmingSpaces() ?? ""
    }

    /// The last `bytes` of the file at `path` as text, and whether that begins mid-file (so perhaps mid-line).
    private static func end(of path: String, bytes: UInt64) -> (text: String, cut: Bool)? {
        guard let (data, cut) = FileRange.tail(path, count: bytes) else { return nil }
        return (String(decoding: data, as: UTF8.self), cut)
    }

    /// ``lines(of:limit:)`` on the text read; `cutAtStart` says the text begins mid-line.
    static func lines(ofText text: String, cutAtStart: Bool, limit: Int) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if cutAtStart, !lines.isEmpty { lines.removeFirst() }
        // sota writes `=== sota: STEP attempt N of M, TIME ===` then `$ COMMAND` before each attempt.
        if let header = lines.lastIndex(where: { $0.hasPrefix("=== sota: ") && $0.contains(" attempt ") }) {
            lines.removeSubrange(...header)
            if lines.first?.hasPrefix("$ ") == true { lines.removeFirst() }
        }
        lines = lines.filter { !$0.hasPrefix("=== sota: ") }.map(printable)
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        while let first = lines.first, first.allSatisfy(\.isWhitespace) { lines.removeFirst() }
        return Array(lines.suffix(limit))
    }

    /// A line as a terminal should show it: what a progress bar last drew after its carriage returns, without
    /// colour and cursor sequences, other control characters as `?`, and cut with `…` after ``lineLimit`` characters.
    package static func printable(_ line: String) -> String {
        let drawn = line.split(separator: "\r", omittingEmptySubsequences: true).last.map(String.init) ?? ""
        var result = String.UnicodeScalarView()
        var scalars = drawn.unicodeScalars.makeIterator()
        var count = 0
        while let scalar = scalars.next() {
            guard count < lineLimit else {
                result.append("…")
                break
            }
            if scalar == "\u{1B}" {
                // ESC [ parameters final-byte (CSI), or ESC and one more character.
                guard let next = scalars.next() else { break }
                if next == "[" {
                    while let byte = scalars.next(), !(0x40...0x7E).contains(byte.value) {}
                }
                continue
            }
            let value = scalar.value
            let control = value < 0x20 && scalar != "\t" || value == 0x7F || (0x80...0x9F).contains(value)
            result.append(control ? "?" : scalar)
            count += 1
        }
        return String(result)
    }
}
