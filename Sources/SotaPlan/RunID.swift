import Foundation

/// Run identifiers: sortable by start time, unique across machines (`20261123-142501-9f3a2b1c`).
public enum RunID {
    /// A new id for a run starting at `date`.
    public static func make(at date: Date = Date(), random: UInt32 = UInt32.random(in: 0...UInt32.max)) -> String {
        // gmtime_r, not Calendar: building a Gregorian calendar costs about half a millisecond, on every run.
        var whole = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&whole, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let hex = String(random, radix: 16)
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))-\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))-"
            + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// The longest run id accepted (sota's own are 24 characters, a sweep's 30).
    public static let maximumLength = 128

    /// Why `text` cannot be a run id, or nil when it can; the one check behind every place a run id is read (flags,
    /// manifests, folder names).
    ///
    /// ASCII letters, digits, `-` and `_`, not starting with `-` (read as a flag), at most ``maximumLength``
    /// characters: safe as a folder name, in a shell and in SQL `GLOB` patterns. No `/`, `.` or `..`, so a run id
    /// never leads out of the runs folder.
    public static func problem(with text: String) -> String? {
        guard let first = text.utf8.first else { return "a run id is not empty" }
        if text.utf8.count > maximumLength { return "a run id has at most \(maximumLength) characters, found \(text.utf8.count)" }
        guard text.utf8.allSatisfy(isAllowed) else {
            return "a run id holds only letters, digits, `-` and `_`"
        }
        if first == UInt8(ascii: "-") { return "a run id does not start with `-`" }
        return nil
    }

    /// True when `text` is a valid run id.
    public static func isValid(_ text: String) -> Bool { problem(with: text) == nil }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}
