import Foundation
import SotaRunRecord
import SotaTestSupport
import Testing
@testable import SotaRunRecord

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

    @Test func numbersReadAsTheStandardLibraryReadsThem() throws {
        // Numbers are converted from the file's bytes without building strings: the values must be exactly what
        // Double(text) and Int(text) give, and anything they refuse (or an infinite value) leaves the fast path.
        let text = String(decoding: try RunManifestFactory.make("numbers", metrics: ["full_eval": ["nrmse": 0.25]]).encoded(), as: UTF8.self)
        #expect(text.contains("\"nrmse\" : 0.25") && text.contains("\"attempts\" : 1"))
        let doubles = ["0", "-0", "7", "-2.5", "0.1", "1e-9", "2.5E+3", "1e300", "4.9e-324", "1.7976931348623157e308", "1e400",
                       "0.30000000000000004", "123456789012345678901234567890.123456789012345678901234567890e-10",
                       "1.00000000000000000000000000000000000000000000000000000000001"]
        for number in doubles {
            let run = scan(Array(text.replacingOccurrences(of: "\"nrmse\" : 0.25", with: "\"nrmse\" : \(number)").utf8))
            if let expected = Double(number), expected.isFinite {
                #expect(run?.metrics.first?.value.bitPattern == expected.bitPattern, "\(number)")
            } else {
                #expect(run == nil, "\(number)")
            }
        }
        for number in ["0", "-0", "42", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
                       "99999999999999999999"] {
            let run = scan(Array(text.replacingOccurrences(of: "\"attempts\" : 1", with: "\"attempts\" : \(number)").utf8))
            #expect(run?.stages.first?.attempts == Int(number), "\(number)")
        }
        for malformed in ["01", "1.", ".5", "-", "1e", "0x10", "+1", "1e+"] {
            #expect(scan(Array(text.replacingOccurrences(of: "\"nrmse\" : 0.25", with: "\"nrmse\" : \(malformed)").utf8)) == nil,
                    "\(malformed)")
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
