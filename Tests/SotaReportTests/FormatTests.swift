import Foundation
import SotaReport
import Testing

@Suite struct FormatTests {
    @Test func escapesEveryMarkupCharacter() {
        #expect(XMLText.escape("<script>alert('x') & \"y\"</script>")
            == "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;")
        #expect(XMLText.escape("plain ünïcode ✓") == "plain ünïcode ✓")
        #expect(XMLText.escape("bell\u{07}") == "bell\u{FFFD}", "control characters are not XML")
    }

    /// The report's own calendar arithmetic spells every date as Foundation's Gregorian calendar does, across leap
    /// years, centuries and negative times, from 1600 to 9999; before October 1582 Foundation turns Julian, while
    /// the report stays proleptic Gregorian as ISO 8601 (and C's gmtime) do.
    @Test func datesReadTheSameAsThroughTheCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        var generator = SystemRandomNumberGenerator()
        var instants = (0..<3000).map { _ in Double(Int64.random(in: -11_676_096_000...253_402_300_799, using: &generator)) + 0.5 }
        instants += [0, -1, 951_782_400, 4_107_542_400, -11_676_096_000, 253_402_300_799]
        for seconds in instants {
            let date = Date(timeIntervalSince1970: seconds)
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
            func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
            let day = "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day))"
            #expect(ReportFormat.day(date) == day, "\(seconds)")
            #expect(ReportFormat.dateTime(date) == "\(day) \(two(parts.hour)):\(two(parts.minute))", "\(seconds)")
        }
        #expect(ReportFormat.day(Date(timeIntervalSince1970: -62_135_596_800)) == "1-01-01")
        #expect(ReportFormat.day(Date(timeIntervalSince1970: 253_402_300_800)) == "10000-01-01")
    }

    @Test func isoWeeksFollowTheThursdayRule() {
        // 1 January 2026 is a Thursday, so that week is 2026-W01 and starts on 29 December 2025.
        let newYear = ReportSamples.date(day: 0)
        #expect(ISOWeek(containing: newYear) == ISOWeek(year: 2026, week: 1))
        #expect(ReportFormat.day(ISOWeek(year: 2026, week: 1).start) == "2025-12-29")
        // 1 January 2027 is a Friday: it still belongs to 2026-W53.
        #expect(ISOWeek(containing: ReportSamples.date(day: 365)) == ISOWeek(year: 2026, week: 53))
        #expect(ISOWeek(year: 2026, week: 53).next == ISOWeek(year: 2027, week: 1))
        let week = ReportSamples.week
        #expect(week.label == "2026-W02")
        #expect(ReportFormat.dateTime(week.start) == "2026-01-05 00:00")
        #expect(week.end.timeIntervalSince(week.start) == 7 * 86_400)
        #expect(ISOWeek(label: "2026-W02") == week)
        #expect(ISOWeek(label: "2026-W54") == nil)
        #expect(ISOWeek(label: "26-W02") == nil)
        for text in ["2026-W02", "2026-01-05", "2026-01-11"] { #expect(ISOWeek(naming: text) == week, "\(text)") }
        #expect(ISOWeek(naming: "2026-01-12") == ISOWeek(year: 2026, week: 3))
        for text in ["2026-02-30", "2026-1-5", "yesterday", "2026-01-05T00:00", "", "２０２６-01-05"] { #expect(ISOWeek(naming: text) == nil, "\(text)") }
    }

    @Test func numbersMoneyAndDurations() {
        #expect(ReportFormat.metric(0.043312) == "0.04331")
        #expect(ReportFormat.metric(1.5e-5) == "1.5e-05")
        #expect(ReportFormat.metric(.nan) == "NaN")
        #expect(ReportFormat.money(2.111, currency: "USD") == "$2.11")
        #expect(ReportFormat.money(0.0044, currency: "USD") == "$0.0044")
        #expect(ReportFormat.money(0, currency: "EUR") == "EUR 0.00")
        #expect(ReportFormat.money(0.00001, currency: "USD") == "<$0.0001")
        #expect(ReportFormat.duration(4.3) == "4.3s")
        #expect(ReportFormat.duration(75) == "1m 15s")
        #expect(ReportFormat.duration(2 * 3600 + 5 * 60) == "2h 05m")
        #expect(ReportFormat.duration(3 * 86_400 + 7200) == "3d 2h")
        #expect(ReportFormat.longDay(ReportSamples.week.start) == "Mon 5 Jan 2026")
        #expect(ReportFormat.shortDay(ReportSamples.date(day: 40)) == "Feb 10")
    }
}
