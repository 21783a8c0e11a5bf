import FoundationEssentials
import SotaSupport

extension SVGChart {
    /// One run's line on a curve chart.
    package struct CurveLine: Sendable, Equatable {
        /// The legend's text, e.g. `#1 20261123-1415`.
        package var label: String
        /// Points as (step, value), in step order; non-finite values are skipped.
        package var points: [(step: Double, value: Double)]

        /// Creates a line.
        package init(label: String, points: [(step: Double, value: Double)]) {
            self.label = label
            self.points = points
        }

        package static func == (lhs: CurveLine, rhs: CurveLine) -> Bool {
            lhs.label == rhs.label && lhs.points.map(\.step) == rhs.points.map(\.step) && lhs.points.map(\.value) == rhs.points.map(\.value)
        }
    }

    /// The colours of overlaid lines, the best run's first (the accent), then ones told apart in colour-blind vision.
    package static let lineColours = ["#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#65a30d", "#dc2626"]

    /// Lines of a metric against the training step, overlaid, each in its own colour with a legend entry; its last
    /// point is marked and carries a tooltip.
    ///
    /// - Parameters:
    ///   - lines: the best run first; at most ``lineColours`` count are drawn.
    ///   - valueLabel: the value axis title, e.g. `loss`.
    package static func curves(_ lines: [CurveLine], title: String, valueLabel: String, axis: AxisMode = .automatic,
                               width: Double = defaultWidth, height: Double = 300) -> String {
        let lines = lines.prefix(lineColours.count).map { line in
            CurveLine(label: line.label, points: line.points.filter { $0.step.isFinite && $0.value.isFinite })
        }.filter { !$0.points.isEmpty }
        let values = lines.flatMap { $0.points.map(\.value) }
        let steps = lines.flatMap { $0.points.map(\.step) }
        guard let lastStep = steps.max(), let firstStep = steps.min() else {
            return placeholder(title: title, message: "No step history", width: width)
        }
        let scale = scale(values, mode: axis, includeZero: false)
        let stepScale = ChartScale.linear(covering: [firstStep, max(lastStep, firstStep + 1)], tickCount: 6)
        let left = valueAxisMargin(scale), right = width - 24, top = 48.0
        // The legend sits under the step axis: one row per four runs.
        let legendRows = Double((lines.count + 3) / 4)
        let bottom = height - 44 - legendRows * 18
        var canvas = SVGCanvas(width: width, height: height)
        canvas.text(title + (scale.kind == .logarithmic ? " (log scale)" : ""), x: 16, y: 24, size: 15, weight: 600)
        drawValueAxis(scale, on: &canvas, left: left, right: right, top: top, bottom: bottom, title: valueLabel)
        func x(_ step: Double) -> Double { stepScale.position(of: step, from: left + 8, to: right - 8) }
        func y(_ value: Double) -> Double { scale.position(of: value, from: bottom, to: top) }
        for tick in stepScale.ticks where tick >= stepScale.lower && tick <= stepScale.upper {
            canvas.line(x(tick), bottom, x(tick), bottom + 4, stroke: Palette.axis)
            canvas.text(stepScale.label(for: tick), x: x(tick), y: bottom + 17, anchor: .middle, fill: Palette.muted)
        }
        canvas.text("step", x: right, y: bottom + 30, anchor: .end, fill: Palette.muted)
        // Drawn worst first, so the best run's line is on top.
        for (index, line) in lines.enumerated().reversed() {
            let colour = lineColours[index]
            var commands = ""
            for (position, point) in line.points.enumerated() {
                commands += (position == 0 ? "M" : " L") + "\(SVGCanvas.number(x(point.step))) \(SVGCanvas.number(y(point.value)))"
            }
            canvas.path(commands, stroke: colour, width: index == 0 ? 2.5 : 1.5)
            if let last = line.points.last {
                canvas.circle(x: x(last.step), y: y(last.value), radius: 3.5, fill: colour,
                              title: "\(line.label): \(ReportFormat.metric(last.value)) at step \(stepText(last.step))")
            }
        }
        for (index, line) in lines.enumerated() {
            let column = Double(index % 4), row = Double(index / 4)
            let legendX = left + column * (right - left) / 4, legendY = height - 14 - (legendRows - 1 - row) * 18
            canvas.line(legendX, legendY - 4, legendX + 18, legendY - 4, stroke: lineColours[index], width: 2.5)
            canvas.text(SVGCanvas.truncated(line.label, characters: 26), x: legendX + 24, y: legendY, fill: Palette.muted)
        }
        return canvas.rendered(title: "\(title): \(lines.count) run\(lines.count == 1 ? "" : "s") to step \(stepText(lastStep))")
    }

    /// A step as a whole number; one past what `Int` holds exactly (a hostile file's) in exponent form, never a trap.
    private static func stepText(_ step: Double) -> String {
        abs(step) < 1e15 ? String(Int(step.rounded())) : NumberFormat.general(step, significant: 6)
    }
}
