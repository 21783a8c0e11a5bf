import Foundation
import SotaSupport
import SotaRunRecord
import Testing
@testable import SotaRunRecord

@Suite struct TimestampTests {
    @Test func handFormattingMatchesFoundationsISO8601() {
        let style = Date.ISO8601FormatStyle.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)
        for seconds in [0, 1_795_448_970.383_479, 951_782_400.999_9, 1_700_000_000.5, 4_102_444_799.001, 86_399.0] {
            let date = Date(timeIntervalSince1970: seconds)
            let expected = date.formatted(style).replacingOccurrences(of: "+0000", with: "Z")
            #expect(Timestamp.string(date) == expected, "at \(seconds)")
            #expect(Timestamp.date(Timestamp.string(date)).map { abs($0.timeIntervalSince(date)) < 0.001 } == true)
        }
    }
}

@Suite struct ManifestEncodingTests {
    private func manifest(detail: Bool) -> RunManifest {
        var manifest = RunManifest(
            runID: "20261123-141503-9f3a2b1c", experiment: "burgers \"golden\"\\/\n\t\u{1}é", created: "2026-11-23T14:15:03.123Z",
            config: .init(path: "configs/a.yaml", hash: "abc", overrides: detail ? ["latent.dim=32", "x=\"q\""] : []),
            evalConfigs: detail ? ["small_eval": .init(path: "s.yaml", hash: "1"), "full_eval": .init(path: "f.yaml", hash: "2")] : [:],
            git: .init(commit: detail ? "0123abcd" : nil, branch: detail ? "main" : nil, dirty: detail, dirtyFiles: detail ? ["a b", "c"] : [],
                       state: detail ? "repository" : "no-repository"),
            data: detail ? [.init(path: "data/x.npz", sha256: "ff", size: 1_234_567)] : [], host: "node-1",
            hardware: .init(gpuType: detail ? "A100-80GB" : nil, gpuCount: 2, devices: "0,1", platform: "cuda",
                            observed: detail ? "NVIDIA A100-SXM4-80GB" : nil),
            stages: [.init(name: "operator", phase: "train", log: "logs/train-operator.log"), .init(name: "small_eval", phase: "small_eval", log: "logs/small_eval.log")]
        )
        guard detail else { return manifest }
        manifest.status = .rejected
        manifest.stages[0].status = .succeeded
        manifest.stages[0].attempts = 2
        manifest.stages[0].started = "2026-11-23T14:15:03.200Z"
        manifest.stages[0].finished = "2026-11-23T14:15:04.200Z"
        manifest.stages[0].seconds = 1.000_123_4
        manifest.stages[0].exitCode = 0
        manifest.stages[0].outputs = [.init(path: "checkpoints/a.json", sha256: "aa", size: 0)]
        manifest.stages[0].inputsFingerprint = "fp"
        manifest.stages[0].work = 38_400
        manifest.stages[1].signal = 9
        manifest.metrics = ["small_eval": ["nrmse": 0.1, "mse": 1e-7, "count": 3, "big": 1.5e300, "neg": -0.0]]
        manifest.gates = [.init(name: "nrmse", phase: "small_eval", metric: "nrmse", direction: "lower", threshold: 0.05, value: 0.1,
                                baseline: 0.2, baselineRun: "r0", requiredImprovement: 0.01, passed: false, reason: "0.1 ≥ 0.05")]
        manifest.passed = false
        manifest.failures = [.init(stage: "gate", reason: "rejected", log: nil)]
        return manifest
    }

    @Test func handEncodingMatchesJSONEncoderByteForByte() throws {
        for detail in [false, true] {
            let value = manifest(detail: detail)
            let hand = try #require(value.handEncoded())
            #expect(String(decoding: hand, as: UTF8.self) == String(decoding: try value.encoded(), as: UTF8.self))
            #expect(try RunManifest.decode(Data(hand), path: "m.json") == value)
        }
    }

    @Test func nonFiniteMetricsFallBackToTheEncoder() {
        var value = manifest(detail: true)
        value.metrics["small_eval"]?["nrmse"] = .nan
        #expect(value.handEncoded() == nil)
    }
}
