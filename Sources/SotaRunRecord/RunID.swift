import FoundationEssentials
import Glibc

/// A run's identifier: sortable by start time, unique across machines (`20261123-142501-9f3a2b1c`), and checked once,
/// here, wherever one is read (a flag, a manifest, a folder name).
///
/// ASCII letters, digits, `-` and `_`, not starting with `-` (read as a flag), at most ``maximumLength`` characters:
/// safe as a folder name, in a shell and in SQL `GLOB` patterns. No `/`, `.` or `..`, so a run id never leads out of
/// the runs folder.
package struct RunID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The id as written in folder names and manifests.
    package let text: String

    /// Why a text is not a run id.
    package struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// The text that was read.
        package var text: String
        /// What is wrong with it, in one phrase (`a run id is not empty`).
        package var reason: String

        /// "`text` is not a run id: reason".
        package var description: String { "`\(text)` is not a run id: \(reason)" }
    }

    /// The longest run id accepted (sota's own are 24 characters, a sweep's 30).
    package static let maximumLength = 128

    /// Checks `text` and wraps it.
    ///
    /// - Throws: ``Problem`` saying why `text` is not a run id.
    package init(parsing text: String) throws(Problem) {
        if let reason = Self.problem(with: text) { throw Problem(text: text, reason: reason) }
        self.text = text
    }

    /// The run id `text`, or nil when it is not one.
    package init?(_ text: String) {
        guard Self.problem(with: text) == nil else { return nil }
        self.text = text
    }

    /// A new id for a run starting at `date`.
    package static func make(at date: Date = Date(), random: UInt32 = UInt32.random(in: 0...UInt32.max)) -> RunID {
        // gmtime_r, not Calendar: building a Gregorian calendar costs about half a millisecond, on every run.
        var whole = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&whole, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let hex = String(random, radix: 16)
        return RunID(checked: "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))-\(two(parts.tm_hour))"
            + "\(two(parts.tm_min))\(two(parts.tm_sec))-" + String(repeating: "0", count: 8 - hex.count) + hex)
    }

    /// Wraps a text built here from digits and `-`, which is a run id by construction.
    private init(checked text: String) {
        self.text = text
    }

    /// The id of run `index` (from 0) of a sweep or Slurm array whose runs share this id as their base: `<id>-<index>`.
    package func member(_ index: Int) -> String { "\(text)-\(index)" }

    /// The id of the sweep started with this id as its base: `sweep-<id>`.
    package var sweep: String { RunLayout.sweepFolderPrefix + text }

    /// Why `text` cannot be a run id, or nil when it can: the one check behind ``init(parsing:)`` and every other
    /// place a run id is read.
    package static func problem(with text: String) -> String? {
        guard let first = text.utf8.first else { return "a run id is not empty" }
        if text.utf8.count > maximumLength { return "a run id has at most \(maximumLength) characters, found \(text.utf8.count)" }
        guard text.utf8.allSatisfy(isAllowed) else {
            return "a run id holds only letters, digits, `-` and `_`"
        }
        if first == UInt8(ascii: "-") { return "a run id does not start with `-`" }
        return nil
    }

    /// True when `text` is a valid run id.
    package static func isValid(_ text: String) -> Bool { problem(with: text) == nil }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    /// The text: a run id prints as itself.
    package var description: String { text }

    /// Ordered as the texts are, which for sota's own ids is the order of their start times.
    package static func < (lhs: RunID, rhs: RunID) -> Bool { lhs.text < rhs.text }

    /// Decodes a JSON string, refusing one that is not a run id.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the text as a JSON string.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
