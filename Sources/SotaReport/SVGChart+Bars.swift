extension SVGChart {
    /// The most bars a bar chart draws; the rest are counted in a footnote.
    package static let maximumBars = 20

    /// Horizontal bars, one per category, in the order given (best first, say), labelled with their values; the
    /// first bar is highlighted.
    ///
    /// - Parameters:
    ///   - bars: non-finite values are skipped; beyond ``maximumBars`` a footnote counts the rest.
    ///   - valueLabel: the value axis title.
    ///   - axis: the value axis's scaling; on a logarithmic axis bars start at its lowest decade.
    ///   - format: how a bar's value is spelled at its end.
    ///   - width: the image's width in pixels; the height follows from the number of bars.
    package static func barChart(_ bars: [Bar], title: String, valueLabel: String, axis: AxisMode = .automatic,
                                      format: (Double) -> String = ReportFormat.metric, width: Double = defaultWidth) -> String {
        let finite = bars.filter(\.value.isFinite)
        guard !finite.isEmpty else { return placeholder(title: title, width: width) }
        let shown = Array(finite.prefix(maximumBars))
        let scale = scale(shown.map(\.value), mode: axis, includeZero: true)
        let row = 26.0, top = 48.0
        let labelWidth = min(200, (shown.map { SVGCanvas.textWidth($0.label, size: 12) }.max() ?? 0) + 8)
        let left = 16 + labelWidth, right = width - 76
        let bottom = top + Double(shown.count) * row
        let hidden = finite.count - shown.count
        let height = bottom + 44 + (hidden > 0 ? 16 : 0)
        var canvas = SVGCanvas(width: width, height: height)
        canvas.text(title + (scale.kind == .logarithmic ? " (log scale)" : ""), x: 16, y: 24, size: 15, weight: 600)
        for tick in scale.ticks {
            let x = scale.position(of: tick, from: left, to: right)
            canvas.line(x, top - 4, x, bottom, stroke: Palette.grid)
            canvas.text(scale.label(for: tick), x: x, y: bottom + 16, anchor: .middle, fill: Palette.muted)
        }
        canvas.text(valueLabel, x: (left + right) / 2, y: bottom + 34, anchor: .middle, fill: Palette.muted)
        let base = scale.kind == .logarithmic ? scale.lower : 0
        let zero = scale.position(of: base, from: left, to: right)
        let characters = Int(labelWidth / (12 * 0.6))
        for (index, bar) in shown.enumerated() {
            let y = top + Double(index) * row
            let end = scale.position(of: bar.value, from: left, to: right)
            canvas.text(SVGCanvas.truncated(bar.label, characters: characters), x: left - 8, y: y + row / 2 + 4, anchor: .end,
                        size: 12, title: bar.label)
            canvas.rect(x: min(zero, end), y: y + 5, width: abs(end - zero), height: row - 10,
                        fill: index == 0 ? Palette.best : Palette.accent, radius: 2, title: bar.detail ?? "\(bar.label): \(format(bar.value))")
            canvas.text(format(bar.value), x: max(zero, end) + 6, y: y + row / 2 + 4, fill: Palette.text)
        }
        canvas.line(zero, top - 4, zero, bottom, stroke: Palette.axis)
        if hidden > 0 {
            canvas.text("… and \(hidden) more", x: left, y: height - 8, fill: Palette.muted)
        }
        return canvas.rendered(title: "\(title): \(finite.count) bar\(finite.count == 1 ? "" : "s")")
    }

    /// Vertical columns, one per category in the order given (weeks, oldest first), with values above the columns
    /// when there is room.
    ///
    /// - Parameters:
    ///   - bars: non-finite values are skipped; a ``Bar/sublabel`` is a second line under the category.
    ///   - valueLabel: the value axis title.
    ///   - format: how a value is spelled above its column.
    ///   - width: the image's width in pixels.
    package static func columns(_ bars: [Bar], title: String, valueLabel: String,
                               format: (Double) -> String = ReportFormat.metric, width: Double = defaultWidth,
                               height: Double = 280) -> String {
        let bars = bars.filter(\.value.isFinite)
        guard !bars.isEmpty else { return placeholder(title: title, width: width) }
        let scale = ChartScale.linear(covering: bars.map(\.value), includeZero: true)
        let left = valueAxisMargin(scale), right = width - 24, top = 48.0, bottom = height - 48
        var canvas = SVGCanvas(width: width, height: height)
        canvas.text(title, x: 16, y: 24, size: 15, weight: 600)
        drawValueAxis(scale, on: &canvas, left: left, right: right, top: top, bottom: bottom, title: valueLabel)
        let band = (right - left) / Double(bars.count)
        let barWidth = min(56, band * 0.7)
        let labelsFit = bars.allSatisfy { SVGCanvas.textWidth(format($0.value), size: 11) <= band - 4 }
        let zero = scale.position(of: 0, from: bottom, to: top)
        for (index, bar) in bars.enumerated() {
            let centre = left + band * (Double(index) + 0.5)
            let y = scale.position(of: bar.value, from: bottom, to: top)
            canvas.rect(x: centre - barWidth / 2, y: min(y, zero), width: barWidth, height: abs(zero - y), fill: Palette.cost,
                        radius: 2, title: bar.detail ?? "\(bar.label): \(format(bar.value))")
            if labelsFit {
                canvas.text(format(bar.value), x: centre, y: min(y, zero) - 5, anchor: .middle, fill: Palette.text)
            }
            canvas.text(bar.label, x: centre, y: bottom + 17, anchor: .middle, fill: Palette.muted)
            if let sublabel = bar.sublabel {
                canvas.text(sublabel, x: centre, y: bottom + 30, anchor: .middle, size: 10, fill: Palette.muted)
            }
        }
        return canvas.rendered(title: "\(title): \(bars.count) column\(bars.count == 1 ? "" : "s")")
    }
}
