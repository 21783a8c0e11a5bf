import Foundation
@testable import SotaReport
import Testing

/// Values from an edited leaderboard reach the report's axes, positions and durations; each is drawn or spelled,
/// never converted to an `Int` that cannot hold it (issue 13: `1e19` seconds stopped the weekly report).
@Suite struct HostileValueTests {
    static let extremes: [Double] = [0, -0.0, 1, -1, 1e19, -1e19, 1e300, -1e300, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                     .leastNonzeroMagnitude, .leastNormalMagnitude, .leastNormalMagnitude / 1000, 9.2e18, .infinity, -.infinity, .nan]

    @Test func axesCoverAnyPairOfValues() {
        for a in Self.extremes {
            for b in Self.extremes {
                for scale in [ChartScale.linear(covering: [a, b]), ChartScale.linear(covering: [a, b], includeZero: true),
                              ChartScale.automatic(covering: [a, b])] {
                    #expect(scale.lower < scale.upper && scale.lower.isFinite && scale.upper.isFinite, "\(a), \(b): \(scale)")
                    #expect(!scale.ticks.isEmpty && scale.ticks.allSatisfy(\.isFinite), "\(a), \(b)")
                    for tick in scale.ticks { _ = scale.label(for: tick) }
                    for value in [a, b] { _ = SVGCanvas.number(scale.position(of: value, from: 0, to: 600)) }
                }
            }
        }
        let huge = ChartScale.linear(covering: [-1e308, 1e308])
        #expect(huge.ticks == [huge.lower, huge.upper], "a span past Double's range gets its two ends as ticks")
    }

    @Test func durationsOfAnySize() {
        #expect(ReportFormat.duration(1e19) == "1.16e+14d")
        #expect(ReportFormat.duration(.greatestFiniteMagnitude) == "2.08e+303d")
        #expect(ReportFormat.duration(-1e19) == "?" && ReportFormat.duration(.nan) == "?" && ReportFormat.duration(.infinity) == "?")
        #expect(ReportFormat.duration(90_061) == "1d 1h")
        #expect(SVGCanvas.number(1e300) == "1000000000" && SVGCanvas.number(-1e300) == "-1000000000")
    }
}
