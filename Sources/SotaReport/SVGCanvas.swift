/// Builds one SVG image element by element, escaping every piece of text and spelling every coordinate the same way.
///
/// Colours and fonts are attributes rather than CSS classes, so a chart looks the same inline in the report and
/// saved on its own.
struct SVGCanvas {
    /// Where a text's `x` sits relative to the text.
    enum Anchor: String {
        case start, middle, end
    }

    /// The image's width in pixels.
    let width: Double
    /// The image's height in pixels.
    let height: Double
    private var elements: [String] = []

    /// An empty canvas.
    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A straight line.
    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1) {
        elements.append("<line x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" y2=\"\(Self.number(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\"/>")
    }

    /// A rectangle; `title` becomes its tooltip.
    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, radius: Double = 0, title: String? = nil) {
        let attributes = "x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(max(width, 0)))\" height=\"\(Self.number(max(height, 0)))\""
            + (radius > 0 ? " rx=\"\(Self.number(radius))\"" : "") + " fill=\"\(fill)\""
        elements.append(Self.element("rect", attributes, title: title))
    }

    /// A circle; `title` becomes its tooltip.
    mutating func circle(x: Double, y: Double, radius: Double, fill: String, stroke: String? = nil, title: String? = nil) {
        let attributes = "cx=\"\(Self.number(x))\" cy=\"\(Self.number(y))\" r=\"\(Self.number(radius))\" fill=\"\(fill)\""
            + (stroke.map { " stroke=\"\($0)\" stroke-width=\"1.5\"" } ?? "")
        elements.append(Self.element("circle", attributes, title: title))
    }

    /// An unfilled path through `commands` (`M`, `H`, `V`, `L` with absolute coordinates).
    mutating func path(_ commands: String, stroke: String, width: Double = 2) {
        elements.append("<path d=\"\(commands)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\" stroke-linejoin=\"round\"/>")
    }

    /// A line of text, escaped; `rotation` turns it about its anchor point (−90 reads bottom to top).
    mutating func text(_ content: String, x: Double, y: Double, anchor: Anchor = .start, size: Double = 11,
                       weight: Int? = nil, fill: String = SVGChart.Palette.text, rotation: Double? = nil, title: String? = nil) {
        var attributes = "x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" font-size=\"\(Self.number(size))\" fill=\"\(fill)\""
        if anchor != .start { attributes += " text-anchor=\"\(anchor.rawValue)\"" }
        if let weight { attributes += " font-weight=\"\(weight)\"" }
        if let rotation { attributes += " transform=\"rotate(\(Self.number(rotation)) \(Self.number(x)) \(Self.number(y)))\"" }
        let tooltip = title.map { "<title>\(XMLText.escape($0))</title>" } ?? ""
        elements.append("<text \(attributes)>\(tooltip)\(XMLText.escape(content))</text>")
    }

    /// The finished image: `title` is its accessible name (and the first child, as SVG wants).
    func rendered(title: String) -> String {
        var lines = ["<svg class=\"chart\" viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" role=\"img\" font-family=\"\(SVGChart.fontFamily)\">",
                     "<title>\(XMLText.escape(title))</title>"]
        lines += elements
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A coordinate to one decimal, without a trailing `.0`: compact, and identical on every machine.
    ///
    /// Values past a billion pixels (a point far off a chart's scale) are clamped there, so the conversion to `Int`
    /// never traps.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = (min(max(value, -1e9), 1e9) * 10).rounded()
        let whole = Int(tenths / 10)
        let fraction = Int(abs(tenths).truncatingRemainder(dividingBy: 10))
        if fraction == 0 { return "\(whole)" }
        return "\(tenths < 0 && whole == 0 ? "-" : "")\(whole).\(fraction)"
    }

    /// Roughly how wide `text` is at `size` pixels in a sans-serif face; generous, so labels get room.
    static func textWidth(_ text: String, size: Double) -> Double {
        Double(text.count) * size * 0.6
    }

    /// `text` cut to at most `characters`, with an ellipsis when cut.
    static func truncated(_ text: String, characters: Int) -> String {
        text.count <= characters ? text : String(text.prefix(max(characters - 1, 1))) + "…"
    }

    private static func element(_ name: String, _ attributes: String, title: String?) -> String {
        guard let title else { return "<\(name) \(attributes)/>" }
        return "<\(name) \(attributes)><title>\(XMLText.escape(title))</title></\(name)>"
    }
}
