import Foundation
@testable import SotaReport
import Testing

@Suite struct ChartScaleTests {
    @Test func linearTicksAreNiceNumbersCoveringTheData() {
        let scale = ChartScale.linear(covering: [0.013, 0.87])
        #expect(scale.ticks == [0, 0.2, 0.4, 0.6, 0.8, 1.0])
        #expect(scale.lower == 0 && scale.upper == 1)
        #expect(scale.ticks.map(scale.label(for:)) == ["0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let wide = ChartScale.linear(covering: [-340, 1_210])
        #expect(wide.ticks == [-500, 0, 500, 1000, 1500])
        #expect(wide.label(for: 1000) == "1000")
    }

    @Test func decimalTicksAreExact() {
        let tenths = ChartScale.linear(covering: [0.1, 0.35])
        #expect(tenths.ticks == [0.1, 0.2, 0.3, 0.4])
        #expect(tenths.ticks.contains(0.3), "3 × 0.1 must be 0.3, not 0.30000000000000004")
        let twentieths = ChartScale.linear(covering: [0.02, 0.18])
        #expect(twentieths.ticks == [0, 0.05, 0.1, 0.15, 0.2])
        #expect(twentieths.ticks.map(twentieths.label(for:)) == ["0", "0.05", "0.10", "0.15", "0.20"])
    }

    @Test func emptyFlatAndNonFiniteDataStillGiveASpan() {
        let empty = ChartScale.linear(covering: [])
        #expect(empty.lower < empty.upper)
        let flat = ChartScale.linear(covering: [0.5, 0.5, 0.5])
        #expect(flat.lower < 0.5 && flat.upper > 0.5)
        #expect(flat.position(of: 0.5, from: 0, to: 100).isFinite)
        let zero = ChartScale.linear(covering: [0, 0], includeZero: true)
        #expect(zero.lower == 0 && zero.upper > 0)
        let junk = ChartScale.linear(covering: [.nan, .infinity, 2, -.infinity])
        #expect(junk.lower < 2 && junk.upper > 2)
        #expect(ChartScale.logarithmic(covering: [.nan]) == nil)
    }

    @Test func positionsMapTheSpanOntoPixelsEitherWay() {
        let scale = ChartScale.linear(covering: [0, 10])
        #expect(scale.position(of: 0, from: 200, to: 20) == 200)
        #expect(scale.position(of: 10, from: 200, to: 20) == 20)
        #expect(scale.position(of: 5, from: 0, to: 100) == 50)
    }

    @Test func logarithmicAxisOnlyForPositiveValuesSpanningDecades() {
        let scale = ChartScale.automatic(covering: [0.0004, 0.02, 0.9])
        #expect(scale.kind == .logarithmic)
        #expect(scale.ticks == [0.0001, 0.001, 0.01, 0.1, 1])
        #expect(scale.ticks.map(scale.label(for:)) == ["1e-4", "0.001", "0.01", "0.1", "1"])
        #expect(scale.position(of: 0.01, from: 0, to: 400) == 200)
        #expect(ChartScale.automatic(covering: [0.01, 0.9]).kind == .linear, "under two decades stays linear")
        #expect(ChartScale.automatic(covering: [0, 0.001, 10]).kind == .linear, "zero cannot sit on a log axis")
        #expect(ChartScale.logarithmic(covering: [-1, 10]) == nil)
        let single = ChartScale.logarithmic(covering: [5])!
        #expect(single.ticks == [1, 10])
        let many = ChartScale.logarithmic(covering: [1e-12, 1e6])!
        #expect(many.ticks.count <= 8)
        #expect(many.lower <= 1e-12 && many.upper >= 1e6)
    }

    @Test func tinyAndHugeLinearTicksUseExponents() {
        let tiny = ChartScale.linear(covering: [0.00001, 0.00005])
        #expect(tiny.ticks.map(tiny.label(for:)) == ["1e-5", "2e-5", "3e-5", "4e-5", "5e-5"])
        let huge = ChartScale.linear(covering: [0, 4e7])
        #expect(huge.label(for: 2e7) == "2e7")
        #expect(ChartScale.exponential(2.5e-5) == "2.5e-5")
    }
}
