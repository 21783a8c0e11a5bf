import Foundation
@testable import SotaLeaderboard
import SotaPlan
import Testing

/// The fast path itself: manifests as `RunManifest` writes them are scanned, not decoded, and scan to the same rows.
@Suite struct ManifestScannerTests {
    private func scan(_ bytes: [UInt8]) -> IndexedRun? {
        bytes.withUnsafeBufferPointer { ManifestScanner.indexedRun($0) }
    }

    @Test func encodedManifestsTakeTheFastPath() throws {
        var manifests = [
            RunManifestFactory.make("plain", metrics: ["full_eval": ["nrmse": 0.25, "mse": 1e-9, "n": 3], "small_eval": ["nrmse": -0.5]],
                                    passed: true),
            RunManifestFactory.make("sparse", experiment: "βurgers 🚀", gpuType: nil, stages: [("operator", "train", .pending, nil)]),
        ]
        manifests[0].gates = [.init(name: "q", phase: "full_eval", metric: "nrmse", direction: "lower", threshold: 0.3, value: 0.25,
                                    baseline: nil, baselineRun: nil, requiredImprovement: nil, passed: true, reason: "nrmse = 0.25 < 0.3")]
        manifests[0].stages[0].exitCode = 0
        manifests[0].stages[0].outputs = [.init(path: "checkpoints/a.json", sha256: String(repeating: "ab", count: 32), size: 12)]
        manifests[1].git.commit = nil
        for manifest in manifests {
            let run = try #require(scan(Array(try manifest.encoded())), "\(manifest.runID) fell back to the full decoder")
            #expect(run == IndexedRun(manifest))
        }
    }

    @Test func escapesAndNewerSchemasAreLeftToTheFullDecoder() throws {
        var escaped = RunManifestFactory.make("escaped")
        escaped.host = "a \"quoted\" host"
        #expect(scan(Array(try escaped.encoded())) == nil)
        let newer = String(decoding: try RunManifestFactory.make("newer").encoded(), as: UTF8.self)
            .replacingOccurrences(of: "\"schema_version\" : 1", with: "\"schema_version\" : 2")
        #expect(scan(Array(newer.utf8)) == nil)
        #expect(scan(Array("{}".utf8)) == nil)
        #expect(scan([]) == nil)
    }
}
