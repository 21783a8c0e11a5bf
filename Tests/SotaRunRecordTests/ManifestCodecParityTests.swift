import Foundation
import SotaSupport
import SotaRunRecord
import SotaTestSupport
import Testing
@testable import SotaRunRecord

/// The manifest's three codecs side by side: the `Codable` form (the reference), the hand encoder `sota run` writes
/// with, and the hand scanner the index reads with. Every field, hostile values included, must come out of each the
/// same, and the scanner must never accept a manifest the decoder refuses.
@Suite struct ManifestCodecParityTests {
    /// Texts that need escaping, are not ASCII, or are empty.
    private static let hostileTexts = [
        "", "plain", "quote \" inside", "back\\slash", "new\nline\ttab\r", "nul \u{0} and \u{1F}", "βurgers-é 🚀", "</script>",
        "a/b/../c", "\u{7F}\u{85}\u{2028}", String(repeating: "x", count: 3000),
    ]

    /// Texts the scanner reads itself (it leaves any string with an escape to the decoder).
    private static let plainTexts = ["", "plain", "βurgers-é 🚀", "</script>", "a/b/../c", "\u{85}\u{2028}", String(repeating: "x", count: 3000)]

    /// Numbers at the edges of what JSON and `Double` hold.
    private static let hostileNumbers: [Double] = [
        0, -0.0, 1, -2.5, 0.1 + 0.2, 1e-300, 1.5e300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
        123_456_789_012_345_680, 1e21, 1e-7, 2.5e-8,
    ]

    /// A manifest with every optional field set, its texts taken from `texts` and its numbers from the hostile list
    /// by `seed`.
    private static func manifest(_ seed: Int, texts: [String] = hostileTexts) -> RunManifest {
        func text(_ offset: Int) -> String { texts[(seed + offset) % texts.count] }
        func number(_ offset: Int) -> Double { hostileNumbers[(seed + offset) % hostileNumbers.count] }
        var manifest = RunManifest(
            runID: "R\(seed)", experiment: text(0), created: "2026-11-23T14:10:00.123Z",
            config: .init(path: text(1), hash: text(2), overrides: [text(3), "lr=\(number(0))"]),
            evalConfigs: ["small_eval": .init(path: text(4), hash: text(5)), text(6): .init(path: "", hash: "", overrides: [])],
            git: .init(commit: seed.isMultiple(of: 2) ? nil : text(7), branch: seed.isMultiple(of: 3) ? nil : text(8), dirty: seed.isMultiple(of: 2),
                       dirtyFiles: [text(9), text(10)], state: "repository"),
            data: [.init(path: text(11), sha256: text(12), size: seed.isMultiple(of: 2) ? Int.max : -1)],
            host: text(13),
            hardware: .init(gpuType: seed.isMultiple(of: 2) ? nil : text(14), gpuCount: seed, devices: text(15), platform: "cuda",
                            observed: seed.isMultiple(of: 3) ? nil : text(16)),
            stages: [.init(name: text(17), phase: "train", log: text(18), work: number(1)), .init(name: "small_eval", phase: "small_eval", log: "l")]
        )
        manifest.status = [.pending, .running, .succeeded, .failed, .rejected, .interrupted, .skipped][seed % 7]
        manifest.updated = "2026-11-23T14:10:0\(seed % 10).5+01:00"
        manifest.stages[0].status = .succeeded
        manifest.stages[0].started = "2026-11-23T14:10:00Z"
        manifest.stages[0].finished = "2026-11-23T14:11:00.999Z"
        manifest.stages[0].seconds = abs(number(2))
        manifest.stages[0].exitCode = seed.isMultiple(of: 2) ? Int32.min : 0
        manifest.stages[0].signal = seed.isMultiple(of: 2) ? nil : Int32.max
        manifest.stages[0].attempts = seed
        manifest.stages[0].outputs = [.init(path: text(19), sha256: text(20), size: 0)]
        manifest.stages[0].inputsFingerprint = text(21)
        manifest.metrics = ["full_eval": [text(22): number(3), "mse": number(4)], text(23): ["x": number(5)], "small_eval": [:]]
        manifest.gates = [.init(name: text(24), phase: "full_eval", metric: text(25), direction: "lower", threshold: number(6),
                                value: seed.isMultiple(of: 2) ? nil : number(7), baseline: number(8), baselineRun: text(26),
                                requiredImprovement: seed.isMultiple(of: 3) ? nil : number(9), passed: seed.isMultiple(of: 2), reason: text(27))]
        manifest.passed = seed.isMultiple(of: 3) ? nil : seed.isMultiple(of: 2)
        manifest.failures = [.init(stage: text(28), reason: text(29), log: seed.isMultiple(of: 2) ? nil : text(30))]
        manifest.trackerURL = seed.isMultiple(of: 3) ? nil : text(34)
        manifest.stepMetrics = seed.isMultiple(of: 5) ? nil : text(35)
        manifest.parameters = seed.isMultiple(of: 4) ? nil
            : [text(31): .number(number(10)), "optimizer.lr": .number(number(11)), text(32) + ".name": .text(text(33)), "flag": .flag(seed.isMultiple(of: 2))]
        return manifest
    }

    /// The scanner's reading of `bytes`, or nil when it leaves them to the decoder.
    private static func scanned(_ bytes: [UInt8]) -> IndexedRun? {
        bytes.withUnsafeBufferPointer { ManifestScanner.indexedRun($0) }
    }

    @Test func everyFieldRoundTripsThroughEveryCodec() throws {
        let folder = TemporaryDirectory()
        var scannedCount = 0
        for (seed, texts) in (0..<(Self.hostileTexts.count * 3)).map({ ($0, Self.hostileTexts) }) + (0..<21).map({ ($0, Self.plainTexts) }) {
            let manifest = Self.manifest(seed, texts: texts)
            // The hand encoder writes what JSONEncoder writes, byte for byte.
            let hand = try #require(manifest.handEncoded(), "seed \(seed)")
            #expect(hand == Array(try manifest.encoded()), "seed \(seed)")
            // The decoder reads back every field.
            #expect(try RunManifest.decode(Data(hand), path: "m.json") == manifest, "seed \(seed)")
            // The scanner reads the indexed fields as the decoder does, or leaves the file to it.
            if let run = Self.scanned(hand) {
                scannedCount += 1
                #expect(run == IndexedRun(manifest), "seed \(seed)")
            }
            // And the loader the scanner of run folders uses gives the same either way.
            let path = folder.write("R\(seed)-\(texts.count)/\(RunLayout.manifest)", hand)
            var buffer: [UInt8] = []
            #expect(try ManifestLoader.load(path, buffer: &buffer).get() == IndexedRun(manifest), "seed \(seed)")
        }
        // Texts without escapes take the fast path; the parity above is not all fallbacks.
        #expect(scannedCount > 0)
    }

    /// Every key of a full manifest, at every depth (the first element of each array), as a path of keys and indices.
    private static func keyPaths(_ value: Any, prefix: [Any] = []) -> [[Any]] {
        if let object = value as? [String: Any] {
            return object.keys.sorted().flatMap { key in [prefix + [key]] + keyPaths(object[key] as Any, prefix: prefix + [key]) }
        }
        if let array = value as? [Any], let first = array.first { return keyPaths(first, prefix: prefix + [0]) }
        return []
    }

    /// `value` with the member at `path` removed (`replacement` nil) or replaced.
    private static func changing(_ value: Any, at path: ArraySlice<Any>, to replacement: Any?) -> Any {
        guard let step = path.first else { return replacement as Any }
        if var object = value as? [String: Any], let key = step as? String {
            if path.count == 1, replacement == nil {
                object.removeValue(forKey: key)
            } else {
                object[key] = changing(object[key] as Any, at: path.dropFirst(), to: replacement)
            }
            return object
        }
        if var array = value as? [Any], let index = step as? Int {
            array[index] = changing(array[index], at: path.dropFirst(), to: replacement)
            return array
        }
        return value
    }

    @Test func theScannerNeverAcceptsWhatTheDecoderRefuses() throws {
        let fullBytes = try #require(Self.manifest(1, texts: Self.plainTexts).handEncoded())
        // The unchanged manifest takes the fast path, so each change below is the scanner's to judge.
        #expect(Self.scanned(fullBytes) != nil)
        let full = try JSONSerialization.jsonObject(with: Data(fullBytes))
        var checked = 0, scanned = 0
        for path in Self.keyPaths(full) {
            // Each key dropped, and its value swapped for one of another type.
            for replacement in [nil, "text", 7, [String: Any](), true] as [Any?] {
                let changed = Self.changing(full, at: path[...], to: replacement)
                let bytes = Array(try JSONSerialization.data(withJSONObject: changed, options: [.sortedKeys, .withoutEscapingSlashes]))
                let decoded = try? RunManifest.decode(Data(bytes), path: "m.json")
                let run = Self.scanned(bytes)
                let shown = path.map { "\($0)" }.joined(separator: ".")
                if let decoded {
                    if let run {
                        scanned += 1
                        #expect(run == IndexedRun(decoded), "\(shown) -> \(String(describing: replacement))")
                    }
                } else {
                    #expect(run == nil, "the scanner accepted what the decoder refuses: \(shown) -> \(String(describing: replacement))")
                }
                checked += 1
            }
        }
        #expect(checked > 300)
        // Optional fields dropped and keys the decoder ignores still scan: the comparison above is not vacuous.
        #expect(scanned > 0)
    }

    @Test func runIDsParseOnceAndRoundTripAsText() throws {
        let id = try RunID(parsing: "20261123-142501-9f3a2b1c")
        #expect(id.text == "20261123-142501-9f3a2b1c")
        #expect(try JSONDecoder().decode(RunID.self, from: Data(#""20261123-142501-9f3a2b1c""#.utf8)) == id)
        #expect(String(decoding: try JSONEncoder().encode(id), as: UTF8.self) == #""20261123-142501-9f3a2b1c""#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(RunID.self, from: Data(#""../etc""#.utf8)) }
        #expect(throws: RunID.Problem.self) { try RunID(parsing: "-rf") }
        #expect(RunID("a b") == nil)
        #expect(RunID.make().text.utf8.count == 24)
        #expect(RunID(RunID.make().text) != nil)
    }
}
