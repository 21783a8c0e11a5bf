import FoundationEssentials
import SotaSupport
import Glibc

/// How the report spells numbers, money, durations and dates: fixed, locale-free, and the same on every machine.
package enum ReportFormat {
    /// A metric value with four significant digits, as `sota leaderboard` prints it (`0.1234`, `1.5e-05`).
    package static func metric(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : value < 0 ? "-inf" : "inf" }
        return NumberFormat.general(value, significant: 4)
    }

    /// An amount of money: `$1.23` for USD, `EUR 1.23` otherwise; small amounts keep four decimals so a run of
    /// a few seconds does not read as free.
    package static func money(_ amount: Double, currency: String) -> String {
        let symbol = currency == "USD" ? "$" : currency + " "
        guard amount.isFinite else { return "?" }
        if amount == 0 { return symbol + "0.00" }
        let magnitude = abs(amount)
        if magnitude < 0.000_05 { return (amount < 0 ? "-" : "") + "<" + symbol + "0.0001" }
        return (amount < 0 ? "-" : "") + symbol + NumberFormat.fixed(magnitude, decimals: magnitude < 0.01 ? 4 : 2)
    }

    /// A duration as `45s`, `12m 05s`, `3h 20m`, `2d 4h`; `?` for a negative or non-finite one.
    ///
    /// Total over every `Double` (durations come from the leaderboard, which a person can edit): past a billion
    /// days the count of days is printed in `%g` form rather than converted to an `Int`.
    package static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        if seconds < 60 { return seconds < 10 ? NumberFormat.fixed(seconds, decimals: 1) + "s" : "\(Int(seconds.rounded()))s" }
        guard seconds < 86_400e9 else { return NumberFormat.general(seconds / 86_400, significant: 3) + "d" }
        let total = Int(seconds.rounded())
        let (days, hours, minutes, rest) = (total / 86_400, total % 86_400 / 3600, total % 3600 / 60, total % 60)
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(two(minutes))m" }
        return "\(minutes)m \(two(rest))s"
    }

    /// `2026-01-05 14:03` in UTC.
    package static func dateTime(_ date: Date) -> String {
        let parts = fields(date)
        return "\(parts.year)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute))"
    }

    /// `2026-01-05` in UTC.
    package static func day(_ date: Date) -> String {
        let parts = fields(date)
        return "\(parts.year)-\(two(parts.month))-\(two(parts.day))"
    }

    /// `Jan 5` in UTC, for chart ticks.
    package static func shortDay(_ date: Date) -> String {
        let parts = fields(date)
        return "\(monthNames[parts.month - 1]) \(parts.day)"
    }

    /// `Mon 5 Jan 2026` in UTC, for the report's period.
    package static func longDay(_ date: Date) -> String {
        let parts = fields(date)
        return "\(weekdayNames[parts.weekdayFromSunday]) \(parts.day) \(monthNames[parts.month - 1]) \(parts.year)"
    }

    /// The calendar year of `date` in UTC.
    static func year(_ date: Date) -> Int { fields(date).year }

    /// The UTC calendar fields of `date` (proleptic Gregorian, as C's gmtime), by the arithmetic of ``ISOWeek``; a
    /// date no report can hold (not finite, or beyond ±95 million years) reads as 1970-01-01 00:00.
    static func fields(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, weekdayFromSunday: Int) {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        guard seconds.isFinite, abs(seconds) < 3e15 else { return (1970, 1, 1, 0, 0, 4) }
        let whole = Int(seconds)
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let secondOfDay = whole - days * 86_400
        let civil = ISOWeek.civil(fromDays: days)
        return (civil.year, civil.month, civil.day, secondOfDay / 3600, secondOfDay % 3600 / 60, (ISOWeek.weekdayFromMonday(days) + 1) % 7)
    }

    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
