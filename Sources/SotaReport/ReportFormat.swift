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
        if let parts = civil(date) { return "\(parts.tm_year + 1900)-\(two(Int(parts.tm_mon) + 1))-\(two(Int(parts.tm_mday))) \(two(Int(parts.tm_hour))):\(two(Int(parts.tm_min)))" }
        let parts = ISOWeek.calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return "\(day(date)) \(two(parts.hour ?? 0)):\(two(parts.minute ?? 0))"
    }

    /// `2026-01-05` in UTC.
    package static func day(_ date: Date) -> String {
        if let parts = civil(date) { return "\(parts.tm_year + 1900)-\(two(Int(parts.tm_mon) + 1))-\(two(Int(parts.tm_mday)))" }
        let parts = ISOWeek.calendar.dateComponents([.year, .month, .day], from: date)
        return "\(parts.year ?? 1970)-\(two(parts.month ?? 1))-\(two(parts.day ?? 1))"
    }

    /// The UTC calendar fields of `date` from the C library, for years 1600 to 9999; nil outside them, where
    /// `Calendar` answers (its Gregorian calendar turns Julian before October 1582, which C's does not). A report
    /// formats thousands of dates, and each `Calendar` lookup cost as much as the rest of its table row.
    private static func civil(_ date: Date) -> tm? {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        // Years 1600 to 9999 lie well within ±3e11 seconds of 1970.
        guard seconds.isFinite, abs(seconds) < 3e11 else { return nil }
        var whole = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&whole, &parts) != nil, (1600...9999).contains(Int(parts.tm_year) + 1900) else { return nil }
        return parts
    }

    /// `Jan 5` in UTC, for chart ticks.
    package static func shortDay(_ date: Date) -> String {
        let parts = ISOWeek.calendar.dateComponents([.month, .day], from: date)
        return "\(monthNames[(parts.month ?? 1) - 1]) \(parts.day ?? 1)"
    }

    /// `Mon 5 Jan 2026` in UTC, for the report's period.
    package static func longDay(_ date: Date) -> String {
        let parts = ISOWeek.calendar.dateComponents([.year, .month, .day, .weekday], from: date)
        return "\(weekdayNames[(parts.weekday ?? 1) - 1]) \(parts.day ?? 1) \(monthNames[(parts.month ?? 1) - 1]) \(parts.year ?? 1970)"
    }

    /// The calendar year of `date` in UTC.
    static func year(_ date: Date) -> Int { ISOWeek.calendar.component(.year, from: date) }

    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
