import Foundation
import SotaSupport
import SotaPlan
@testable import SotaRun
import Testing
import SotaRunRecord

@Suite struct StageMarkerTests {
    private func marker(outputs: Int, stage: String = "train \"s1\"\\/\n") -> StageMarker {
        StageMarker(
            stage: stage,
            inputs: .init(command: String(repeating: "a", count: 64), config: "", upstream: "é\u{1}"),
            outputs: (0..<outputs).map { RunManifest.FileRecord(path: "checkpoints/s\($0).pt", sha256: String(repeating: "f", count: 64), size: $0 * 1_000_003) },
            finished: "2026-11-23T18:40:00.123Z"
        )
    }

    @Test func handEncodingMatchesJSONEncoderByteForByte() throws {
        for outputs in [0, 1, 3] {
            let value = marker(outputs: outputs)
            let expected = try JSONEncoder.forFiles().encode(value)
            #expect(String(decoding: value.encoded(), as: UTF8.self) == String(decoding: expected, as: UTF8.self))
            #expect(try JSONDecoder().decode(StageMarker.self, from: Data(value.encoded())) == value)
        }
    }

    @Test func aWrittenMarkerReadsBack() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sota-marker-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/markers", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let value = marker(outputs: 2, stage: "s1")
        try value.write(in: directory)
        #expect(StageMarker.read(stage: value.stage, in: directory) == value)
    }
}

@Suite struct MetricsFileTests {
    private func parse(_ text: String) -> Result<[String: Double], MetricsProblem> {
        MetricsFile.parse(Array(text.utf8)).map(\.metrics)
    }

    @Test func numericTopLevelMembersAreTheMetrics() throws {
        let text = #"{"nrmse": 0.041, "mse": 1.7e-3, "epochs": 20, "ok": true, "name": "a \"b\" \u00e9\ud83d\ude00", "#
            + #""nested": {"x": [1, 2.5, {"y": null}], "z": -0.0}, "huge": 1e999, "neg": -12.5E+2}"#
        let metrics = try parse(text).get()
        #expect(metrics == ["nrmse": 0.041, "mse": 0.0017, "epochs": 20, "neg": -1250])
        // Foundation's reader agrees on the numbers (it refuses 1e999 outright, which this reader ignores as a
        // non-metric instead).
        let plain = text.replacingOccurrences(of: #""huge": 1e999, "#, with: "")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(plain.utf8)) as? [String: Any])
        for name in ["nrmse", "mse", "neg"] { #expect(object[name] as? Double == metrics[name], "\(name)") }
        #expect((object["name"] as? String) == "a \"b\" é😀")
    }

    @Test func invalidJSONAndNonObjectsAreNamed() {
        for text in ["{not json", "", "{\"a\": 1,}", "{\"a\": 01}", "{\"a\": .5}", "{\"a\": 1} x", "{\"a\": \"\u{1}\"}",
                     "{\"a\": tru}", "{\"a\": [1, 2}", "{\"a\": \"\\q\"}", "{\"a\": \"\\ud800\"}", "{'a': 1}"] {
            guard case .failure(let problem) = parse(text) else { Issue.record("accepted \(text)"); continue }
            #expect(problem.description == "is not valid JSON", "\(text)")
        }
        for text in ["[1, 2]", "1", "\"metrics\"", " null ", "true"] {
            guard case .failure(let problem) = parse(text) else { Issue.record("accepted \(text)"); continue }
            #expect(problem.description == "is not a JSON object", "\(text)")
        }
        #expect((try? parse(" { } ").get()) == [:])
        #expect((try? MetricsFile.parse([0xEF, 0xBB, 0xBF] + Array(#"{"nrmse": 0.5}"#.utf8)).get().metrics) == ["nrmse": 0.5])
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        guard case .failure = parse("{\"a\": \(deep)}") else { Issue.record("accepted 600 levels"); return }
    }
}
