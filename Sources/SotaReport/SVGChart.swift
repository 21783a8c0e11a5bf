import FoundationEssentials

/// The report's charts as SVG text: pure functions from values to markup, with every label escaped.
///
/// Each chart survives whatever the data holds: no values (a "no runs yet" placeholder), one value, identical
/// values, non-finite values (skipped), values spanning many decades (a logarithmic axis when asked or when
/// ``AxisMode/automatic`` finds more than two decades).
package enum SVGChart {
    /// One value at one time.
    package struct TimePoint: Sendable, Equatable {
        /// When.
        package var date: Date
        /// The value.
        package var value: Double
        /// What the point's tooltip names (a run id).
        package var label: String

        /// Creates a point.
        package init(date: Date, value: Double, label: String) {
            self.date = date
            self.value = value
            self.label = label
        }
    }

    /// One bar.
    package struct Bar: Sendable, Equatable {
        /// The category, shown beside or below the bar.
        package var label: String
        /// A second, smaller line under a column's label (a year under a week number), if any.
        package var sublabel: String?
        /// The value.
        package var value: Double
        /// The bar's tooltip.
        package var detail: String?

        /// Creates a bar.
        package init(label: String, sublabel: String? = nil, value: Double, detail: String? = nil) {
            self.label = label
            self.sublabel = sublabel
            self.value = value
            self.detail = detail
        }
    }

    /// How the value axis is scaled.
    package enum AxisMode: Sendable, Equatable {
        /// Logarithmic when the positive values span more than two decades, linear otherwise.
        case automatic
        /// Always linear.
        case linear
        /// Logarithmic when every value is positive, linear otherwise.
        case logarithmic
    }

    /// The colours, chosen to read on screen and paper and to keep their contrast in greyscale.
    enum Palette {
        static let text = "#1f2937"
        static let muted = "#6b7280"
        static let grid = "#e5e7eb"
        static let axis = "#9ca3af"
        static let accent = "#2563eb"
        static let accentLight = "#93c5fd"
        static let best = "#059669"
        static let cost = "#d97706"
        static let background = "#ffffff"
    }

    /// The system font stack, the same as the report page's.
    package static let fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

    /// The width charts are drawn at unless told otherwise; a page scales them down on narrow screens.
    package static let defaultWidth = 720.0

    /// A chart frame saying there is nothing to plot yet, with `message` in the middle.
    package static func placeholder(title: String, message: String = "No runs yet", width: Double = defaultWidth,
                                   height: Double = 150) -> String {
        var canvas = SVGCanvas(width: width, height: height)
        canvas.text(title, x: 16, y: 24, size: 15, weight: 600)
        canvas.rect(x: 16, y: 40, width: width - 32, height: height - 56, fill: "#f9fafb", radius: 6)
        canvas.text(message, x: width / 2, y: 40 + (height - 56) / 2 + 5, anchor: .middle, size: 14, fill: Palette.muted)
        return canvas.rendered(title: "\(title): \(message)")
    }

    /// `svg` as a file of its own: adds the SVG namespace, which inline SVG in HTML does without.
    package static func standalone(_ svg: String) -> String {
        guard svg.hasPrefix("<svg ") else { return svg }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" " + svg.dropFirst(5)
    }

    /// The value scale for `values` under `mode`.
    static func scale(_ values: [Double], mode: AxisMode, includeZero: Bool) -> ChartScale {
        switch mode {
        case .automatic: ChartScale.automatic(covering: values, includeZero: includeZero)
        case .linear: ChartScale.linear(covering: values, includeZero: includeZero)
        case .logarithmic: ChartScale.logarithmic(covering: values) ?? ChartScale.linear(covering: values, includeZero: includeZero)
        }
    }

    /// Horizontal grid lines and labels for `scale` on a vertical axis from `bottom` up to `top`, plus the axis
    /// title read bottom to top at the left edge.
    static func drawValueAxis(_ scale: ChartScale, on canvas: inout SVGCanvas, left: Double, right: Double, top: Double,
                              bottom: Double, title: String) {
        for tick in scale.ticks {
            let y = scale.position(of: tick, from: bottom, to: top)
            canvas.line(left, y, right, y, stroke: Palette.grid)
            canvas.text(scale.label(for: tick), x: left - 8, y: y + 4, anchor: .end, fill: Palette.muted)
        }
        canvas.line(left, bottom, right, bottom, stroke: Palette.axis)
        canvas.text(title, x: 14, y: (top + bottom) / 2, anchor: .middle, fill: Palette.muted, rotation: -90)
    }

    /// The left margin that fits `scale`'s tick labels and the rotated axis title.
    static func valueAxisMargin(_ scale: ChartScale) -> Double {
        let widest = scale.ticks.map { SVGCanvas.textWidth(scale.label(for: $0), size: 11) }.max() ?? 0
        return max(56, widest + 36)
    }
}
