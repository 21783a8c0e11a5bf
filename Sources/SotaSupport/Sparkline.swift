/// A series drawn in one line of block characters (`▁▂▃▄▅▆▇█`), for a terminal table.
package enum Sparkline {
    /// The eight bar heights, lowest first.
    static let bars: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// `values` drawn in at most `width` characters: each character is the mean of the values that fall in its
    /// column, scaled between the series' least and greatest value. A flat series is drawn at mid height; an empty
    /// one (or one with a non-finite value only) is the empty string.
    package static func render(_ values: [Double], width: Int = 24) -> String {
        let finite = values.filter(\.isFinite)
        guard !finite.isEmpty, width > 0 else { return "" }
        let columns = min(width, finite.count)
        var means: [Double] = []
        means.reserveCapacity(columns)
        for column in 0..<columns {
            let start = column * finite.count / columns
            let end = max((column + 1) * finite.count / columns, start + 1)
            means.append(finite[start..<end].reduce(0, +) / Double(end - start))
        }
        guard let low = means.min(), let high = means.max() else { return "" }
        let span = high - low
        return String(means.map { value -> Character in
            guard span > 0, span.isFinite else { return bars[3] }
            let level = Int(((value - low) / span * Double(bars.count - 1)).rounded())
            return bars[min(max(level, 0), bars.count - 1)]
        })
    }
}
