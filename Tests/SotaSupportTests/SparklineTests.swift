import SotaSupport
import Testing

@Suite struct SparklineTests {
    @Test func scalesBetweenTheLeastAndGreatestValue() {
        #expect(Sparkline.render([0, 1, 2, 3, 4, 5, 6, 7]) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline.render([7, 6, 5, 4, 3, 2, 1, 0]) == "█▇▆▅▄▃▂▁")
    }

    @Test func averagesIntoTheWidthGiven() {
        let line = Sparkline.render((0..<1000).map(Double.init), width: 10)
        #expect(line.count == 10)
        #expect(line.first == "▁")
        #expect(line.last == "█")
    }

    @Test func flatEmptyAndNonFiniteSeries() {
        #expect(Sparkline.render([2, 2, 2]) == "▄▄▄")
        #expect(Sparkline.render([]) == "")
        #expect(Sparkline.render([.nan, .infinity]) == "")
        #expect(Sparkline.render([1, .nan, 3]) == "▁█")
        #expect(Sparkline.render([1, 2], width: 0) == "")
    }
}
