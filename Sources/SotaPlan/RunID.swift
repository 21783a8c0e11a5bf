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
}
