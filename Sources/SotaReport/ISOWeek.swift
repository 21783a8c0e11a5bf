import FoundationEssentials

/// An ISO 8601 week (Monday to Sunday, week 1 holding the year's first Thursday), in UTC.
///
/// Reports are weekly and run timestamps are UTC, so a week here is always a UTC week: the same runs fall in the
/// same week on every machine.
package struct ISOWeek: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The ISO week-numbering year (which differs from the calendar year around New Year).
    package var year: Int
    /// 1...53.
    package var week: Int

    /// Creates a week from its numbers; no range check (use ``init(containing:)`` for dates).
    package init(year: Int, week: Int) {
        self.year = year
        self.week = week
    }

    /// The week holding `date`.
    package init(containing date: Date) {
        let parts = Self.calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
        self.init(year: parts.yearForWeekOfYear ?? 1970, week: parts.weekOfYear ?? 1)
    }

    /// Parses `2026-W03`; nil for anything else.
    package init?(label: String) {
        let parts = label.split(separator: "-W", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]), let week = Int(parts[1]),
              (1...53).contains(week) else { return nil }
        self.init(year: year, week: week)
    }

    /// Parses a week as a user names it: `2026-W02`, or any day in it as `2026-01-07`; nil for anything else,
    /// including days that do not exist (`2026-02-30`).
    package init?(naming text: String) {
        if let week = ISOWeek(label: text) {
            self = week
            return
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              let date = Self.calendar.date(from: DateComponents(year: year, month: month, day: day)),
              Self.calendar.dateComponents([.year, .month, .day], from: date) == DateComponents(year: year, month: month, day: day)
        else { return nil }
        self.init(containing: date)
    }

    /// The ISO calendar in UTC, shared by everything in the report that speaks of days and weeks.
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// Monday 00:00 UTC, the first instant of the week.
    package var start: Date {
        Self.calendar.date(from: DateComponents(weekday: 2, weekOfYear: week, yearForWeekOfYear: year))!
    }

    /// The next Monday 00:00 UTC, the first instant after the week.
    package var end: Date { start.addingTimeInterval(7 * 86_400) }

    /// The week after this one.
    package var next: ISOWeek { ISOWeek(containing: end) }

    /// `2026-W03`, the ISO 8601 spelling; also the default report folder's name.
    package var label: String { "\(year)-W\(week < 10 ? "0" : "")\(week)" }

    /// Same as ``label``.
    package var description: String { label }

    package static func < (lhs: ISOWeek, rhs: ISOWeek) -> Bool { (lhs.year, lhs.week) < (rhs.year, rhs.week) }

    /// Encodes as the ``label``.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(label)
    }

    /// Decodes a ``label``.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let week = ISOWeek(label: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO week like 2026-W03: \(text)")
        }
        self = week
    }
}
