import FoundationEssentials

extension SVGChart {
    /// A line chart of the running best over time: each point is one period's best (a day's, a run's), and the
    /// step line is the best so far; points that set a new best are filled.
    ///
    /// - Parameters:
    ///   - points: in any order; non-finite values are skipped.
    ///   - valueLabel: the value axis title, e.g. `full_eval loss`.
    ///   - lowerIsBetter: which way the running best moves.
    ///   - axis: the value axis's scaling; logarithmic needs positive values.
    ///   - pointLegend: what one point is, for the legend.
    ///   - width: the image's width in pixels; the height is fixed by `height`.
    package static func bestOverTime(_ points: [TimePoint], title: String, valueLabel: String, lowerIsBetter: Bool,
                                    axis: AxisMode = .automatic, pointLegend: String = "daily best", width: Double = defaultWidth,
                                    height: Double = 300) -> String {
        let points = points.filter(\.value.isFinite).sorted { ($0.date, $0.label) < ($1.date, $1.label) }
        guard let first = points.first, let last = points.last else { return placeholder(title: title, width: width) }
        let scale = scale(points.map(\.value), mode: axis, includeZero: false)
        let left = valueAxisMargin(scale), right = width - 24, top = 48.0, bottom = height - 44
        var canvas = SVGCanvas(width: width, height: height)
        canvas.text(title + (scale.kind == .logarithmic ? " (log scale)" : ""), x: 16, y: 24, size: 15, weight: 600)
        drawLegend(on: &canvas, right: width - 24, y: 24, pointLegend: pointLegend)
        drawValueAxis(scale, on: &canvas, left: left, right: right, top: top, bottom: bottom, title: valueLabel)

        // Half a day of room on either side keeps the first and last points off the axis ends.
        let start = first.date.addingTimeInterval(-43_200), end = last.date.addingTimeInterval(43_200)
        let span = end.timeIntervalSince(start)
        func x(_ date: Date) -> Double { left + 8 + date.timeIntervalSince(start) / span * (right - left - 16) }
        func y(_ value: Double) -> Double { scale.position(of: value, from: bottom, to: top) }
        drawDateAxis(on: &canvas, start: start, end: end, x: x, bottom: bottom, maxTicks: Int((right - left) / 84))

        var best = first.value, records: Set<Int> = [0]
        var commands = "M\(SVGCanvas.number(x(first.date))) \(SVGCanvas.number(y(best)))"
        for (index, point) in points.enumerated().dropFirst() where lowerIsBetter ? point.value < best : point.value > best {
            best = point.value
            records.insert(index)
            commands += " H\(SVGCanvas.number(x(point.date))) V\(SVGCanvas.number(y(best)))"
        }
        commands += " H\(SVGCanvas.number(x(last.date)))"
        canvas.path(commands, stroke: Palette.accent)
        for (index, point) in points.enumerated() {
            let record = records.contains(index)
            canvas.circle(x: x(point.date), y: y(point.value), radius: record ? 4 : 3.5,
                          fill: record ? Palette.accent : Palette.background, stroke: record ? nil : Palette.accentLight,
                          title: "\(ReportFormat.day(point.date)): \(ReportFormat.metric(point.value)) (\(point.label))")
        }
        return canvas.rendered(title: "\(title): best \(ReportFormat.metric(best)) over \(points.count) point\(points.count == 1 ? "" : "s")")
    }

    private static func drawLegend(on canvas: inout SVGCanvas, right: Double, y: Double, pointLegend: String) {
        let pointX = right - 148 - SVGCanvas.textWidth(pointLegend, size: 11)
        canvas.circle(x: pointX, y: y - 4, radius: 3.5, fill: Palette.background, stroke: Palette.accentLight)
        canvas.text(pointLegend, x: pointX + 8, y: y, fill: Palette.muted)
        canvas.line(right - 136, y - 4, right - 116, y - 4, stroke: Palette.accent, width: 2)
        canvas.circle(x: right - 126, y: y - 4, radius: 4, fill: Palette.accent)
        canvas.text("running best", x: right - 108, y: y, fill: Palette.muted)
    }

    /// Day ticks along the bottom: every day, every other day, or Mondays every one or more weeks, whichever
    /// keeps at most `maxTicks` labels; the year goes under the first label and wherever it changes.
    private static func drawDateAxis(on canvas: inout SVGCanvas, start: Date, end: Date, x: (Date) -> Double, bottom: Double,
                                     maxTicks: Int) {
        let day = 86_400.0
        let days = end.timeIntervalSince(start) / day
        let stepDays = [1, 2, 7, 14, 28, 56, 91, 182, 364, 728].first { days / Double($0) <= Double(max(maxTicks, 2)) } ?? 1456
        // Ticks sit on UTC midnights; weekly steps on Mondays (1970-01-05 was one).
        let monday = 4.0 * day, step = Double(stepDays) * day
        let origin = stepDays >= 7 ? monday : 0
        var tick = ((start.timeIntervalSince1970 - origin) / step).rounded(.up) * step + origin
        var previousYear: Int?
        while tick <= end.timeIntervalSince1970 {
            let date = Date(timeIntervalSince1970: tick), position = x(date)
            canvas.line(position, bottom, position, bottom + 4, stroke: Palette.axis)
            canvas.text(ReportFormat.shortDay(date), x: position, y: bottom + 17, anchor: .middle, fill: Palette.muted)
            let year = ReportFormat.year(date)
            if year != previousYear {
                canvas.text("\(year)", x: position, y: bottom + 30, anchor: .middle, size: 10, fill: Palette.muted)
                previousYear = year
            }
            tick += step
        }
    }
}
