import Foundation
import Testing
@testable import SotaReport

/// The report's calendar arithmetic against Foundation's ISO 8601 calendar (which the shipped binary does not link:
/// it needs ICU; the test process has it).
@Suite struct ISOWeekArithmeticTests {
    static let iso: Calendar = {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }()

    @Test func weeksAndDaysAgreeWithFoundationFrom1600To9999() {
        var generator = SystemRandomNumberGenerator()
        let low = -11_676_096_000.0, high = 253_402_300_799.0  // 1600-01-01 and 9999-12-31T23:59:59 UTC
        var samples = (0..<20_000).map { _ in Double.random(in: low...high, using: &generator).rounded(.down) }
        // Around New Year, where ISO years and calendar years part.
        for year in [1970, 2004, 2009, 2020, 2026, 2027, 2100, 2400] {
            for day in -4...4 { samples.append(Double(ISOWeek.days(year: year, month: 1, day: 1) + day) * 86_400 + 43_200) }
        }
        for seconds in samples {
            let date = Date(timeIntervalSince1970: seconds)
            let expected = Self.iso.dateComponents([.yearForWeekOfYear, .weekOfYear, .year, .month, .day, .hour, .minute, .weekday], from: date)
            let week = ISOWeek(containing: date)
            #expect(week.year == expected.yearForWeekOfYear && week.week == expected.weekOfYear, "\(seconds)")
            let fields = ReportFormat.fields(date)
            #expect(fields.year == expected.year && fields.month == expected.month && fields.day == expected.day, "\(seconds)")
            #expect(fields.hour == expected.hour && fields.minute == expected.minute && fields.weekdayFromSunday + 1 == expected.weekday, "\(seconds)")
            let start = Self.iso.date(from: DateComponents(weekday: 2, weekOfYear: week.week, yearForWeekOfYear: week.year))
            #expect(week.start == start, "\(seconds)")
        }
    }

    @Test func hostileDatesNeitherTrapNorLeaveTheRange() {
        for seconds in [Double.nan, .infinity, -.infinity, 1e300, -1e300, 3e15, -3e15] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(ISOWeek(containing: date) == ISOWeek(year: 1970, week: 1))
            #expect(ReportFormat.day(date) == "1970-01-01")
        }
    }

    @Test func namedDaysExistOrAreRefused() {
        #expect(ISOWeek(naming: "2026-02-29") == nil)
        #expect(ISOWeek(naming: "2024-02-29") == ISOWeek(year: 2024, week: 9))
        #expect(ISOWeek(naming: "2026-13-01") == nil)
        #expect(ISOWeek(naming: "2027-01-01") == ISOWeek(year: 2026, week: 53))
    }
}
