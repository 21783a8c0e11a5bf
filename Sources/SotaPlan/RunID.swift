import Foundation

/// Run identifiers: sortable by start time, unique across machines (`20261123-142501-9f3a2b1c`).
public enum RunID {
    /// A new id for a run starting at `date`.
    public static func make(at date: Date = Date(), random: UInt32 = UInt32.random(in: 0...UInt32.max)) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        let hex = String(random, radix: 16)
        return "\(parts.year ?? 0)\(two(parts.month))\(two(parts.day))-\(two(parts.hour))\(two(parts.minute))\(two(parts.second))-"
            + String(repeating: "0", count: 8 - hex.count) + hex
    }
}
