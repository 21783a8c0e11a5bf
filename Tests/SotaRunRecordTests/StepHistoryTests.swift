import Foundation
import SotaSupport
@testable import SotaRunRecord
import SotaTestSupport
import Testing

/// The step-history file: both line shapes, the lines it skips and says why, repeated steps, thinning.
@Suite struct StepHistoryTests {
    private func parse(_ text: String) -> StepHistory { StepHistory.parse(Array(text.utf8)) }

    @Test func readsOnePointPerLineAndManyPerLine() {
        let history = parse("""
            {"step": 0, "name": "loss", "value": 2.5}
            {"step": 10, "loss": 1.25, "accuracy": 0.5, "_runtime": 3.2}
            {"_step": 20, "loss": 0.5}
            """)
        #expect(history.names == ["accuracy", "loss"])
        #expect(history.series["loss"] == [.init(step: 0, value: 2.5), .init(step: 10, value: 1.25), .init(step: 20, value: 0.5)])
        #expect(history.series["accuracy"] == [.init(step: 10, value: 0.5)])
        #expect(history.skippedLines == 0)
        #expect(history.pointsRead == 4)
    }

    @Test func aStepWrittenAgainKeepsItsLastValueAndPointsComeInStepOrder() {
        let history = parse("""
            {"step": 20, "loss": 3}
            {"step": 10, "loss": 2}
            {"step": 20, "loss": 1}
            """)
        #expect(history.series["loss"] == [.init(step: 10, value: 2), .init(step: 20, value: 1)])
    }

    @Test func linesThatAreNotStepRecordsAreSkippedAndTheFirstIsNamed() {
        let history = parse("""
            {"step": 1, "loss": 1}

            not json
            {"loss": 2}
            {"step": -1, "loss": 2}
            {"step": 1.5, "loss": 2}
            {"step": 2, "name": "loss", "value": "0.1"}
            {"step": 3}
            {"step": 4, "loss": 1e400}
            {"step": 5, "loss": 0.5
            """)
        #expect(history.series["loss"] == [.init(step: 1, value: 1)])
        #expect(history.skippedLines == 8)
        #expect(history.firstProblem?.line == 3)
        #expect(history.warning(file: "runs/R/steps.jsonl")?.hasPrefix("runs/R/steps.jsonl:3: not a JSON object") == true)
        #expect(history.warning(file: "f")?.hasSuffix("the line was skipped (and 7 more lines)") == true)
        let quoted = parse(#"{"step": 2, "name": "loss", "value": "0.1"}"#)
        #expect(quoted.firstProblem?.reason == #"`value` of `loss` is the string "0.1", not a number"#)
        let fractional = parse(#"{"step": 1.5, "loss": 2}"#)
        #expect(fractional.firstProblem?.reason == "`step` must be a whole number from 0 to 2^53, found 1.5")
    }

    @Test func thinningKeepsTheEndsAndTheSpike() {
        var points = (0..<10_000).map { StepHistory.Point(step: $0, value: 1.0 / Double($0 + 1)) }
        points[5_000].value = 50
        let thinned = StepHistory(series: ["loss": points]).thinned(to: 100)
        let kept = thinned.series["loss"] ?? []
        #expect(kept.count == 100)
        #expect(kept.first == points.first)
        #expect(kept.last == points.last)
        #expect(kept.contains(points[5_000]), "the spike at step 5000 is kept")
        #expect(zip(kept, kept.dropFirst()).allSatisfy { $0.step < $1.step })
        // A short series is left alone.
        #expect(StepHistory(series: ["a": Array(points.prefix(50))]).thinned(to: 100).series["a"]?.count == 50)
    }

    @Test func readsAFileInChunksAndANameThatIsNotThereIsNil() throws {
        let folder = TemporaryDirectory()
        // Longer than one read chunk, so lines cross chunk boundaries.
        let lines = (0..<40_000).map { #"{"step": \#($0), "loss": \#(Double($0) * 0.5), "lr": 0.001}"# }
        let path = folder.write("steps.jsonl", lines.joined(separator: "\n") + "\n")
        let history = try #require(try StepHistory.read(path, maximumPoints: 200))
        #expect(history.pointsRead == 80_000)
        #expect(history.skippedLines == 0)
        #expect(history.series["loss"]?.count == 200)
        #expect(history.series["loss"]?.last == .init(step: 39_999, value: 19_999.5))
        #expect(try StepHistory.read(folder.url("absent.jsonl")) == nil)
    }

    @Test func namesFromAManifestMustStayInTheRunDirectory() {
        for bad in ["", "/etc/passwd", "../steps.jsonl", "a/../../b", "a//b", "a\u{1}b"] {
            #expect(!RunLayout.isPlainRelativeName(bad), "\(bad)")
        }
        for good in ["steps.jsonl", "logs/steps.jsonl", ".hidden"] {
            #expect(RunLayout.isPlainRelativeName(good), "\(good)")
        }
    }
}

/// The allocation-free scanner of usual lines agrees with the general JSON reader on every line, usual or not.
@Suite struct StepLineScannerParityTests {
    private static let keys = [#""step""#, #""_step""#, #""loss""#, #""acc""#, #""name""#, #""value""#, #""_rt""#, #""lr""#, #""a\u0062""#,
                               #""é""#, #""""#, #""na me""#]
    private static let values = ["1", "0", "-0", "2.5", "1e400", #""loss""#, #""x\"y""#, "true", "null", "[1]", "{}", "1.5",
                                 "9007199254740993", "-3", "0.1e-2", "01", "1.", #""""#, "12345678901234567890"]

    /// The history the general reader alone gives: each line through it, the last value of a step kept.
    private func reference(_ lines: [String]) -> (series: [String: [StepHistory.Point]], skipped: Int, first: Int?) {
        var points: [String: [Int: Double]] = [:]
        var skipped = 0, first: Int?
        for (number, line) in lines.enumerated() {
            if line.allSatisfy({ $0 == " " }) { continue }
            let bytes = Array(line.utf8)
            switch bytes.withUnsafeBytes({ StepHistory.points(in: $0) }) {
            case .success(let found): for (name, step, value) in found { points[name, default: [:]][step] = value }
            case .failure:
                skipped += 1
                if first == nil { first = number + 1 }
            }
        }
        return (points.mapValues { $0.sorted { $0.key < $1.key }.map { StepHistory.Point(step: $0.key, value: $0.value) } }, skipped, first)
    }

    @Test func randomLinesReadTheSameEitherWay() {
        var random = SplitMix(state: 20261207)
        for _ in 0..<200 {
            var lines: [String] = []
            for _ in 0..<Int.random(in: 1...30, using: &random) {
                let members = (0..<Int.random(in: 0...5, using: &random)).map { _ in
                    Self.keys.randomElement(using: &random)! + ": " + Self.values.randomElement(using: &random)!
                }
                // Most lines in the usual shape, so both paths and their mixing are exercised.
                let usual = [#""step": \#(Int.random(in: 0...50, using: &random))"#, #""loss": \#(Double(Int.random(in: 0...999, using: &random)) / 100)"#]
                var body = (Bool.random(using: &random) ? usual : []) + members
                body.shuffle(using: &random)
                var line = "{" + body.joined(separator: ", ") + "}"
                switch Int.random(in: 0..<12, using: &random) {
                case 0: line += ","
                case 1: line.removeLast()
                case 2: line = "  " + line + " \r"
                default: break
                }
                lines.append(line)
            }
            let history = StepHistory.parse(Array(lines.joined(separator: "\n").utf8))
            let expected = reference(lines)
            #expect(history.series.filter { !$0.value.isEmpty } == expected.series, "\(lines)")
            #expect(history.skippedLines == expected.skipped && history.firstProblem?.line == expected.first, "\(lines)")
        }
    }
}
