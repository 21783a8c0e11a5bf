import Foundation
import SotaReport
import Testing

@Suite struct SVGChartTests {
    private let days = ReportSamples.busy.series.bestByDay.map {
        SVGChart.TimePoint(date: $0.day, value: $0.value, label: $0.runID)
    }

    @Test func bestOverTimeGolden() {
        let svg = SVGChart.bestOverTime(days, title: "Best nrmse over time", valueLabel: "full_eval nrmse", lowerIsBetter: true)
        GoldenFile.check(SVGChart.standalone(svg), "best_over_time.svg")
        // The running best only ever falls: 0.095 → 0.0518 → 0.0433, so three filled (record) points, plus the legend's.
        #expect(svg.components(separatedBy: "fill=\"#2563eb\"").count - 1 == 4)
        #expect(svg.contains("<title>2026-01-09: 0.0433 (20260109-173000-3a4b5c6d)</title>"))
        #expect(svg.contains(">2025</text>") && svg.contains(">2026</text>"), "the year is named where it changes")
    }

    @Test func higherIsBetterRunsTheBestUpwards() {
        let svg = SVGChart.bestOverTime(days, title: "t", valueLabel: "v", lowerIsBetter: false)
        // 0.095 → 0.21 → 0.3141 are the records when higher is better (plus the legend's filled point).
        #expect(svg.components(separatedBy: "fill=\"#2563eb\"").count - 1 == 4)
        #expect(svg.contains("<title>t: best 0.3141 over 6 points</title>"))
    }

    @Test func logScaleWhenValuesSpanDecades() {
        let points = [0.9, 0.05, 0.0007].enumerated().map {
            SVGChart.TimePoint(date: ReportSamples.date(day: $0.offset), value: $0.element, label: "r\($0.offset)")
        }
        let svg = SVGChart.bestOverTime(points, title: "Loss", valueLabel: "loss", lowerIsBetter: true)
        GoldenFile.check(SVGChart.standalone(svg), "best_over_time_log.svg")
        #expect(svg.contains("Loss (log scale)"))
        #expect(svg.contains(">1e-4</text>"))
        let linear = SVGChart.bestOverTime(points, title: "Loss", valueLabel: "loss", lowerIsBetter: true, axis: .linear)
        #expect(!linear.contains("log scale"))
    }

    @Test func emptyOnePointFlatAndNonFiniteData() {
        let empty = SVGChart.bestOverTime([], title: "Best", valueLabel: "v", lowerIsBetter: true)
        #expect(empty.contains(">No runs yet</text>"))
        GoldenFile.check(SVGChart.standalone(empty), "placeholder.svg")
        let onlyJunk = [SVGChart.TimePoint(date: ReportSamples.date(day: 0), value: .nan, label: "a"),
                        SVGChart.TimePoint(date: ReportSamples.date(day: 1), value: .infinity, label: "b")]
        #expect(SVGChart.bestOverTime(onlyJunk, title: "Best", valueLabel: "v", lowerIsBetter: true) == empty)
        #expect(SVGChart.barChart([SVGChart.Bar(label: "x", value: .nan)], title: "Best", valueLabel: "v") == empty)
        #expect(SVGChart.columns([], title: "Best", valueLabel: "v") == empty)

        let one = SVGChart.bestOverTime([SVGChart.TimePoint(date: ReportSamples.date(day: 3), value: 0.25, label: "r")],
                                        title: "One", valueLabel: "v", lowerIsBetter: true)
        let flat = SVGChart.bestOverTime((0..<3).map { SVGChart.TimePoint(date: ReportSamples.date(day: $0), value: 0.25, label: "r\($0)") } + onlyJunk,
                                         title: "Flat", valueLabel: "v", lowerIsBetter: true)
        for svg in [one, flat] {
            #expect(!svg.contains("NaN") && !svg.contains("inf"), "no non-finite coordinate")
            #expect(svg.contains(">0.24</text>") && svg.contains(">0.26</text>"), "the axis brackets the value")
        }
        #expect(flat.contains("over 3 points"), "non-finite points are skipped")
    }

    @Test func barChartGoldenSortedAndEscaped() {
        let bars = ReportSamples.busy.series.bestByExperiment.map { SVGChart.Bar(label: $0.experiment, value: $0.value) }
        let svg = SVGChart.barChart(bars, title: "Best nrmse by experiment", valueLabel: "full_eval nrmse")
        GoldenFile.check(SVGChart.standalone(svg), "by_experiment.svg")
        #expect(!svg.contains("<script>"))
        #expect(svg.contains("&lt;script&gt;"))
        #expect(svg.contains("fill=\"#059669\""), "the first (best) bar is highlighted")
        let many = (0..<25).map { SVGChart.Bar(label: "e\($0)", value: Double($0 + 1)) }
        let capped = SVGChart.barChart(many, title: "t", valueLabel: "v")
        #expect(capped.contains("… and 5 more"))
        #expect(!capped.contains(">e20</text>"))
    }

    @Test func columnsGoldenWithYearsUnderWeeks() {
        let weeks = ReportSamples.busy.series.costByWeek.enumerated().map { index, week in
            SVGChart.Bar(label: "W\(week.week.week)", sublabel: index == 0 || week.week.week == 1 ? "\(week.week.year)" : nil, value: week.cost)
        }
        let svg = SVGChart.columns(weeks, title: "Cost per week", valueLabel: "cost (USD)") { ReportFormat.money($0, currency: "USD") }
        GoldenFile.check(SVGChart.standalone(svg), "cost_per_week.svg")
        #expect(svg.contains(">$3.15</text>"))
        let zero = SVGChart.columns([SVGChart.Bar(label: "W1", value: 0)], title: "t", valueLabel: "v")
        #expect(zero.contains(">0</text>") && !zero.contains("NaN"))
    }

    @Test func standaloneAddsTheNamespaceOnly() {
        let svg = SVGChart.placeholder(title: "t")
        #expect(!svg.contains("http"), "inline SVG needs no namespace, so the page holds no URL")
        #expect(SVGChart.standalone(svg).contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\""))
    }
}

/// The weekly report's step-history chart: the best runs' curves overlaid.
@Suite struct CurveChartTests {
    static let lines: [SVGChart.CurveLine] = (0..<3).map { run in
        let scale = Double(300 + 150 * run), floor = 0.05 * Double(run + 1)
        let points: [(step: Double, value: Double)] = stride(from: 0.0, through: 1000.0, by: 100.0).map { step in
            (step: step, value: 2.3 * exp(-step / scale) + floor)
        }
        return SVGChart.CurveLine(label: "#\(run + 1) run-\(run)", points: points)
    }

    @Test func curvesGolden() {
        let svg = SVGChart.curves(Self.lines, title: "loss by step, best 3 runs", valueLabel: "loss")
        GoldenFile.check(SVGChart.standalone(svg), "curves.svg")
        #expect(svg.components(separatedBy: "<path ").count - 1 == 3, "one line per run")
        #expect(svg.contains("<title>#1 run-0: 0.1321 at step 1000</title>"), "the last point of the best run")
        #expect(svg.contains(">#3 run-2</text>"), "a legend entry per run")
        #expect(svg.contains("<title>loss by step, best 3 runs: 3 runs to step 1000</title>"))
    }

    @Test func emptyHostileAndTooManyLines() {
        #expect(SVGChart.curves([], title: "t", valueLabel: "v").contains(">No step history</text>"))
        let hostile = SVGChart.curves([SVGChart.CurveLine(label: "x", points: [(0, .nan), (.infinity, 1), (1e300, 2), (5, 1e308)])],
                                      title: "t", valueLabel: "v")
        #expect(hostile.contains("<svg "), "non-finite points are skipped and huge ones drawn without a trap")
        let many = (0..<12).map { SVGChart.CurveLine(label: "r\($0)", points: [(0, Double($0)), (1, Double($0) + 1)]) }
        let svg = SVGChart.curves(many, title: "t", valueLabel: "v")
        #expect(svg.components(separatedBy: "<path ").count - 1 == SVGChart.lineColours.count, "at most one line per colour")
    }
}
