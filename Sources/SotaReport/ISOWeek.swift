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
        // Days outside ±100,000 years (or not a number) are no week a report can hold: they count as 1970-W01.
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 3e15 else {
            self.init(year: 1970, week: 1)
            return
        }
        self.init(day: Int((seconds / 86_400).rounded(.down)))
    }

    /// The week holding the day `day` days after 1970-01-01: the week's Thursday decides its year.
    init(day: Int) {
        let thursday = day - Self.weekdayFromMonday(day) + 3
        let year = Self.civil(fromDays: thursday).year
        self.init(year: year, week: (thursday - Self.days(year: year, month: 1, day: 1)) / 7 + 1)
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
              (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.init(day: Self.days(year: year, month: month, day: day))
    }

    // Calendar arithmetic by hand: FoundationEssentials has no ISO 8601 calendar (it needs ICU, which sota does not
    // link), and days, weeks and UTC need none of a calendar's generality. Days count from 1970-01-01 (a Thursday).

    /// Days from 1970-01-01 to the proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, dayOfYear - (153 * monthIndex + 2) / 5 + 1)
    }

    /// 0 for Monday through 6 for Sunday.
    static func weekdayFromMonday(_ days: Int) -> Int { ((days % 7) + 7 + 3) % 7 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Monday 00:00 UTC, the first instant of the week.
    package var start: Date {
        // Week 1 is the week holding January 4th.
        let january4 = Self.days(year: year, month: 1, day: 4)
        let monday = january4 - Self.weekdayFromMonday(january4) + (week - 1) * 7
        return Date(timeIntervalSince1970: Double(monday) * 86_400)
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
