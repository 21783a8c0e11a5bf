import Foundation
import SotaReport
import Testing

@Suite struct WeeklyReportHTMLTests {
    @Test func busyWeekGolden() {
        GoldenFile.check(WeeklyReportHTML.render(ReportSamples.busy), "weekly_busy.html")
    }

    @Test func emptyProjectGolden() {
        let html = WeeklyReportHTML.render(ReportSamples.empty)
        GoldenFile.check(html, "weekly_empty.html")
        #expect(html.contains("No run finished in this period."))
        #expect(html.contains("Nothing to archive this week."))
        #expect(html.contains(">No runs yet</text>"))
        #expect(html.contains("EUR 0.00"))
    }

    @Test func selfContainedWithoutScriptsOrRemoteReferences() {
        for report in [ReportSamples.busy, ReportSamples.empty] {
            let html = WeeklyReportHTML.render(report).lowercased()
            for forbidden in ["http://", "https://", "src=", "<script", "<link", "@import", "url(", "//cdn", "<iframe"] {
                #expect(!html.contains(forbidden), "the page must not reference \(forbidden)")
            }
            #expect(html.hasPrefix("<!doctype html>"))
            #expect(html.contains("<meta charset=\"utf-8\">"))
        }
    }

    @Test func userTextIsEscapedEverywhere() {
        let html = WeeklyReportHTML.render(ReportSamples.busy)
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<config>"))
        #expect(!html.contains("<check>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;friends&quot;"))
        // Run table, archive table and chart: the hostile name appears escaped in each.
        #expect(html.components(separatedBy: "&lt;script&gt;alert").count - 1 >= 3)
    }

    @Test func summaryCardsAndSections() {
        let report = ReportSamples.busy
        let html = WeeklyReportHTML.render(report)
        #expect(report.passedThisWeek == 2)
        #expect(report.failedThisWeek == 2)
        #expect(report.bestThisWeek?.runID == "20260109-173000-3a4b5c6d")
        #expect(abs(report.costThisWeek - 2.111) < 1e-9)
        #expect(report.unpricedThisWeek == 1)
        #expect(html.contains("<title>burgers-demo — weekly report 2026-W02</title>"))
        #expect(html.contains("2026-W02: Mon 5 Jan 2026 – Sun 11 Jan 2026"))
        #expect(html.contains("new all-time best"))
        #expect(html.contains("1 run without a price"))
        #expect(html.contains("would archive"))
        #expect(html.contains("Config catalog <span class=\"count\">3 configs</span>"))
        // Leaderboard rows from this week are marked; the older ones are not.
        #expect(html.components(separatedBy: "<tr class=\"current\">").count - 1 == 2)
        #expect(html.contains("H100-80GB × 2"))
    }

    @Test func jsonCarriesEverySection() throws {
        let text = try ReportSamples.busy.json()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["project_name"] as? String == "burgers-demo")
        let period = try #require(object["period"] as? [String: Any])
        #expect(period["iso_week"] as? String == "2026-W02")
        #expect(period["start"] as? String == "2026-01-05T00:00:00Z")
        #expect((object["week_runs"] as? [Any])?.count == 4)
        #expect((object["archive_candidates"] as? [Any])?.count == 2)
        let series = try #require(object["series"] as? [String: Any])
        let weeks = try #require(series["cost_by_week"] as? [[String: Any]])
        #expect(weeks.first?["week"] as? String == "2025-W52")
        let leader = try #require((object["leaderboard"] as? [[String: Any]])?.first)
        #expect(leader["run_id"] as? String == "20260109-173000-3a4b5c6d")
        #expect(leader["gpu_count"] as? Int == 1)
        #expect(leader["finished"] as? String == "2026-01-09T18:05:00Z")
    }
}
