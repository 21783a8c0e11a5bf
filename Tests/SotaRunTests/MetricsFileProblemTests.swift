@testable import SotaRun
import SotaRunRecord
import Testing

/// A gated metric that is present but not a number is named with what it is, not reported as missing.
@Suite struct MetricsFileProblemTests {
    private func contents(_ text: String) throws -> MetricsFile.Contents {
        try MetricsFile.parse(Array(text.utf8)).get()
    }

    @Test func outOfRangeAndQuotedNumbersSayWhatIsWrong() throws {
        let read = try contents(#"{"nrmse": 1e400, "mse": "0.1", "ok": true, "gone": null, "list": [1], "obj": {}, "neg": -1e400, "fine": 0.5}"#)
        #expect(read.metrics == ["fine": 0.5])
        #expect(read.nonMetrics["nrmse"] == "1e400, beyond the range of a double")
        #expect(read.nonMetrics["neg"] == "-1e400, beyond the range of a double")
        #expect(read.nonMetrics["mse"] == "the string \"0.1\", not a number")
        #expect(read.nonMetrics["ok"] == "a boolean, not a number")
        #expect(read.nonMetrics["gone"] == "null, not a number")
        #expect(read.nonMetrics["list"] == "a list, not a number")
        #expect(read.nonMetrics["obj"] == "an object, not a number")
        #expect(read.problem(gated: ["nrmse"], file: "eval/metrics.json")
                == "metrics file eval/metrics.json: `nrmse` is 1e400, beyond the range of a double")
        #expect(read.problem(gated: ["mse", "rmse"], file: "m.json")
                == "metrics file m.json: `mse` is the string \"0.1\", not a number; it lacks the gated metric `rmse`")
        #expect(read.problem(gated: ["rmse", "mae"], file: "m.json") == "metrics file m.json lacks the gated metrics `rmse`, `mae`")
        #expect(read.problem(gated: ["fine"], file: "m.json") == nil)
    }

    @Test func aRepeatedKeyIsAnError() {
        for text in [#"{"nrmse": 0.1, "nrmse": 0.2}"#, #"{"nrmse": 0.1, "x": 1, "nrmse": "a"}"#, #"{"a": null, "a": null}"#] {
            guard case .failure(let problem) = MetricsFile.parse(Array(text.utf8)) else { Issue.record("accepted \(text)"); continue }
            #expect(problem.description.hasPrefix("repeats the key `"), "\(text)")
        }
        // Only top-level keys are metrics; a nested object may repeat its own keys' names.
        #expect((try? contents(#"{"a": {"nrmse": 1}, "nrmse": 0.5}"#).metrics) == ["nrmse": 0.5])
    }
}
