import FoundationEssentials
import SotaSupport
import Glibc

/// A numeric chart axis: the span of data it shows, where values land in pixels, and tick marks at nice numbers.
///
/// The span always ends on ticks, so the axis never stops at a ragged value; an empty or flat series still gets a
/// span of non-zero width, so no position is ever a division by zero.
package struct ChartScale: Sendable, Equatable {
    /// How values map to positions.
    package enum Kind: Sendable, Equatable {
        /// Equal distances for equal differences.
        case linear
        /// Equal distances for equal ratios; every value must be positive.
        case logarithmic
    }

    /// How values map to positions.
    package var kind: Kind
    /// The smallest value on the axis.
    package var lower: Double
    /// The largest value on the axis, always greater than ``lower``.
    package var upper: Double
    /// Tick values, ascending, all within `lower...upper`.
    package var ticks: [Double]
    /// The tick step as a power of ten, for labels: a step of 0.05 has `stepExponent` -2.
    var stepExponent: Int

    /// Values spanning more than this ratio (two decades) read better on a logarithmic axis.
    package static let logarithmicRatio = 100.0

    /// A linear axis covering the finite `values`, with about `tickCount` ticks.
    ///
    /// - Parameter includeZero: extend the span to 0, as bars need.
    package static func linear(covering values: [Double], tickCount: Int = 5, includeZero: Bool = false) -> ChartScale {
        let finite = values.filter(\.isFinite)
        var lower = finite.min() ?? 0, upper = finite.max() ?? 1
        if includeZero {
            lower = min(lower, 0)
            upper = max(upper, 0)
        }
        if lower == upper {
            // One value, or identical ones: centre it in a span of ±10 % (±1 around zero).
            let pad = lower == 0 ? 1 : abs(lower) * 0.1
            lower = includeZero && lower >= 0 ? 0 : lower - pad
            upper = includeZero && upper < 0 ? 0 : upper + pad
        }
        // Values from an edited leaderboard can span more than a Double holds (-1e308 to 1e308) or less than
        // a normal number: such an axis gets its two ends as ticks instead of nice steps.
        let width = upper - lower
        guard width.isFinite, width >= Self.smallestSpan, abs(lower) <= Self.largestMagnitude, abs(upper) <= Self.largestMagnitude else {
            return plain(lower: lower, upper: upper)
        }
        let span = niceNumber(width, rounding: false)
        let step = niceStep(span.value / Double(min(max(tickCount - 1, 1), 100)))
        guard let first = Int(exactly: (lower / step.value).rounded(.down)), let last = Int(exactly: (upper / step.value).rounded(.up)),
              first < .max, case let (steps, overflow) = last.subtractingReportingOverflow(first), !overflow, steps <= 1000
        else { return plain(lower: lower, upper: upper) }
        let ticks = (first...max(last, first + 1)).map { step.multiple($0) }
        guard let low = ticks.first, let high = ticks.last, low.isFinite, high.isFinite, low < high else {
            return plain(lower: lower, upper: upper)
        }
        return ChartScale(kind: .linear, lower: low, upper: high, ticks: ticks, stepExponent: step.exponent)
    }

    /// Nice steps are computed only for spans at least this wide and values at most ``largestMagnitude`` from
    /// zero, where every power of ten involved is a finite, normal Double.
    static let smallestSpan = 1e-290
    /// See ``smallestSpan``.
    static let largestMagnitude = 1e290

    /// A linear axis whose ticks are just its ends, for values no nice step fits; ends that are not finite, or not
    /// in order, become the widest finite span.
    private static func plain(lower: Double, upper: Double) -> ChartScale {
        var (lower, upper) = (lower, upper)
        if !(lower.isFinite && upper.isFinite && lower < upper && (upper - lower).isFinite) {
            (lower, upper) = lower.isFinite && upper.isFinite && lower < upper
                ? (lower / 2, upper / 2) : (-Double.greatestFiniteMagnitude / 2, Double.greatestFiniteMagnitude / 2)
        }
        return ChartScale(kind: .linear, lower: lower, upper: upper, ticks: [lower, upper], stepExponent: 0)
    }

    /// A logarithmic axis from the decade at or below the smallest value to the decade at or above the largest,
    /// ticked at powers of ten; nil when a value is zero or negative, or none is finite.
    package static func logarithmic(covering values: [Double]) -> ChartScale? {
        let finite = values.filter(\.isFinite)
        guard let smallest = finite.min(), let largest = finite.max(), smallest > 0 else { return nil }
        // Decades of normal Doubles only (1e-300 ... 1e300), so every tick is finite and non-zero.
        let low = Int(max(-300, min(300, log10(smallest).rounded(.down))))
        var high = Int(max(-300, min(300, log10(largest).rounded(.up))))
        if high == low { high += 1 }
        // At most about six labelled decades, so labels never crowd.
        let stride = max(1, (high - low + 5) / 6)
        let exponents = Swift.stride(from: low, through: high, by: stride).map { $0 }
        let top = exponents.last! < high ? exponents.last! + stride : high
        let ticks = (exponents + (top > exponents.last! ? [top] : [])).map { power(of: $0) }
        return ChartScale(kind: .logarithmic, lower: ticks.first!, upper: ticks.last!, ticks: ticks, stepExponent: 0)
    }

    /// Logarithmic when the positive `values` span more than ``logarithmicRatio``, linear otherwise.
    package static func automatic(covering values: [Double], tickCount: Int = 5, includeZero: Bool = false) -> ChartScale {
        let finite = values.filter(\.isFinite)
        if let smallest = finite.min(), let largest = finite.max(), smallest > 0, largest / smallest > logarithmicRatio,
           let scale = logarithmic(covering: finite) {
            return scale
        }
        return linear(covering: finite, tickCount: tickCount, includeZero: includeZero)
    }

    /// The position of `value` between `start` (at ``lower``) and `end` (at ``upper``); `end` may be the smaller
    /// number, as on a y axis whose pixels grow downwards. Values outside the span extrapolate.
    package func position(of value: Double, from start: Double, to end: Double) -> Double {
        let fraction: Double
        switch kind {
        case .linear:
            fraction = (value - lower) / (upper - lower)
        case .logarithmic:
            // Non-positive values sit at the bottom of the axis rather than at minus infinity.
            fraction = value > 0 ? (log10(value) - log10(lower)) / (log10(upper) - log10(lower)) : 0
        }
        return start + fraction * (end - start)
    }

    /// A tick's label: as many decimals as the step needs (`0.05`, `0.1`, `200`), or `1e-5` style for very small
    /// and very large numbers.
    package func label(for tick: Double) -> String {
        if tick == 0 { return "0" }
        let magnitude = max(abs(lower), abs(upper))
        switch kind {
        case .logarithmic:
            let exponent = Int(log10(tick).rounded())
            return (-3...4).contains(exponent) ? plain(tick, decimals: max(0, -exponent)) : "1e\(exponent)"
        case .linear:
            if magnitude >= 1e6 || stepExponent < -4 { return Self.exponential(tick) }
            return plain(tick, decimals: max(0, -stepExponent))
        }
    }

    private func plain(_ value: Double, decimals: Int) -> String {
        NumberFormat.fixed(value, decimals: decimals)
    }

    /// `2.5e-5`, `1e6`: C's `%g` without its padded exponent.
    static func exponential(_ value: Double) -> String {
        let text = NumberFormat.general(value, significant: 3)
        guard let e = text.firstIndex(of: "e") else { return text }
        let mantissa = text[..<e]
        var exponent = text[text.index(after: e)...]
        let negative = exponent.first == "-"
        exponent = exponent.drop { $0 == "+" || $0 == "-" || $0 == "0" }
        return "\(mantissa)e\(negative ? "-" : "")\(exponent.isEmpty ? "0" : String(exponent))"
    }

    /// A step of 1, 2 or 5 (or 10) times a power of ten, multiplied exactly (`3 × 0.1` is `0.3`, not `0.30000000000000004`).
    struct Step {
        /// 1, 2, 5 or 10.
        var mantissa: Int
        /// The power of ten.
        var exponent: Int

        var value: Double { multiple(1) }

        /// `count` steps, computed as an integer scaled by a power of ten so decimal ticks come out exact.
        func multiple(_ count: Int) -> Double {
            let units = Double(count * mantissa)
            return exponent >= 0 ? units * ChartScale.power(of: exponent) : units / ChartScale.power(of: -exponent)
        }
    }

    /// Heckbert's "nice number": 1, 2, 5 or 10 times a power of ten, rounded to the nearest (`rounding`) or up.
    static func niceNumber(_ value: Double, rounding: Bool) -> (value: Double, mantissa: Int, exponent: Int) {
        let exponent = Int(log10(value).rounded(.down))
        let fraction = value / power(of: exponent)
        let mantissa: Int
        if rounding {
            mantissa = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        } else {
            mantissa = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        }
        let step = mantissa == 10 ? Step(mantissa: 1, exponent: exponent + 1) : Step(mantissa: mantissa, exponent: exponent)
        return (step.value, step.mantissa, step.exponent)
    }

    static func niceStep(_ value: Double) -> Step {
        let nice = niceNumber(value, rounding: true)
        return Step(mantissa: nice.mantissa, exponent: nice.exponent)
    }

    /// 10 to the `exponent`, exact for the exponents a chart meets.
    static func power(of exponent: Int) -> Double {
        exponent >= 0 ? (0..<exponent).reduce(1.0) { value, _ in value * 10 } : 1 / power(of: -exponent)
    }
}
