import Foundation
import SotaSupport
import SotaIndex
import SotaPlan
import SotaTestSupport
import Testing
import SotaRunRecord

/// Manifests read from files (the fast scanner, or the full decoder when it gives up) index exactly as the same
/// manifests handed over in memory.
@Suite struct ManifestFileTests {
    /// Manifests covering optional fields, odd numbers, non-ASCII text and escapes.
    private static func variety() -> [RunManifest] {
        var plain = RunManifestFactory.make("plain", metrics: ["full_eval": ["nrmse": 0.25, "mse": 1e-9, "count": 3, "neg": -2.5]],
                                            passed: true)
        plain.config.overrides = ["seed=1"]
        var sparse = RunManifestFactory.make("sparse", gpuType: nil, stages: [("operator", "train", .pending, nil)])
        sparse.git = .init(commit: nil, branch: nil, dirty: true, dirtyFiles: ["a.py"], state: "no-commits")
        sparse.stages[0].finished = nil
        var gated = RunManifestFactory.make("gated", experiment: "βurgers-é 🚀", metrics: ["small_eval": ["nrmse": 0.3]], passed: false,
                                            stages: [("operator", "train", .succeeded, 1.5), ("small_eval", "small_eval", .failed, 2)])
        gated.gates = [
            .init(name: "q", phase: "small_eval", metric: "nrmse", direction: "lower", threshold: 0.25, value: 0.3, baseline: 0.2,
                  baselineRun: "R0", requiredImprovement: 0.01, passed: false, reason: "nrmse = 0.3 does not meet < 0.25"),
            .init(name: "m", phase: "small_eval", metric: "missing", direction: "higher", threshold: 1, value: nil, baseline: nil,
                  baselineRun: nil, requiredImprovement: nil, passed: false, reason: "metric `missing` is missing"),
        ]
        gated.status = .rejected
        var escaped = RunManifestFactory.make("escaped", metrics: ["full_eval": ["nrmse": 0.1]])
        escaped.host = "node \"one\"\\\n"
        escaped.failures = [.init(stage: "gate", reason: "tab\there", log: nil)]
        return [plain, sparse, gated, escaped]
    }

    /// The summary, with the manifest path (which differs by design) blanked.
    private func summary(_ board: Leaderboard, _ id: String) throws -> RunSummary? {
        var summary = try board.runSummary(id: id)
        summary?.manifestPath = ""
        return summary
    }

    @Test func filesIndexLikeManifestsInMemory() throws {
        let folder = TemporaryDirectory()
        let fromFiles = try Leaderboard.inMemory(), fromMemory = try Leaderboard.inMemory()
        for manifest in Self.variety() {
            try RunManifestFactory.write(manifest, into: folder.url("runs/\(manifest.runID)"))
            try fromMemory.ingest(manifest, manifestPath: "m")
        }
        let report = try fromFiles.ingest(runDirectories: [folder.url("runs")])
        #expect(report == IngestReport(ingested: 4, problems: []))
        for manifest in Self.variety() {
            let indexed = try #require(try summary(fromFiles, manifest.runID))
            #expect(indexed == (try summary(fromMemory, manifest.runID)))
        }
        #expect(try fromFiles.runSummary(id: "gated")?.experiment == "βurgers-é 🚀")
        #expect(try fromFiles.runSummary(id: "escaped")?.host == "node \"one\"\\\n")
    }

    /// Every cut and every corrupted byte either fails as `RunManifest.read` fails, or indexes what it decodes to.
    /// The cuts and corruptions are every 13th and 17th byte with `SOTA_FULL_CORPUS=1` (as CI runs), every third of
    /// those otherwise.
    @Test func damagedManifestsAgreeWithTheFullDecoder() throws {
        let folder = TemporaryDirectory()
        let bytes = Array(try Self.variety()[2].encoded())
        let text = String(decoding: bytes, as: UTF8.self)
        let spacing = ProcessInfo.processInfo.environment["SOTA_FULL_CORPUS"] == "1" ? 1 : 3
        var variants: [[UInt8]] = stride(from: 0, to: bytes.count, by: 13 * spacing).map { Array(bytes[..<$0]) }
        for position in stride(from: 1, to: bytes.count, by: 17 * spacing) {
            for replacement in [UInt8(ascii: "\""), UInt8(ascii: "}"), UInt8(ascii: "9"), 0xFF] {
                var variant = bytes
                variant[position] = replacement
                variants.append(variant)
            }
        }
        for (old, new) in [("\"schema_version\" : 1", "\"schema_version\" : 2"), ("\"state\" : \"repository\"", "\"state\" : null"),
                           ("\"attempts\" : 1", "\"attempts\" : 1.5"), ("\"log\" : \"logs/operator.log\"", "\"log\" : \"a\\qb\""),
                           ("\"host\" : \"node-1\"", "\"host\" : \"node-1\", \"extra\" : {\"x\" : [1, true, null]}")] {
            #expect(text.contains(old), "\(old)")
            variants.append(Array(text.replacingOccurrences(of: old, with: new).utf8))
        }
        variants.append(Array(repeating: UInt8(ascii: "["), count: 100_000))
        for (index, variant) in variants.enumerated() {
            // In a folder named after the run, as sota writes it; a variant that changes the id no longer matches it.
            let path = folder.write("v\(index)/gated/manifest.json", variant)
            let board = try Leaderboard.inMemory()
            let report = try board.ingest(runDirectories: [Paths.parent(of: path)])
            if let reference = try? RunManifest.read(path: path) {
                let expected = try Leaderboard.inMemory()
                var refusal: IngestReport.Problem?
                do {
                    try expected.ingest(reference, manifestPath: path)
                } catch {
                    guard case .badManifest(let problem) = error else { throw error }
                    refusal = problem
                }
                if let refusal {
                    // Decoded, but not a manifest sota writes (an impossible date, say): refused alike on both paths.
                    #expect(report.ingested == 0 && report.problems == [refusal], "variant \(index)")
                } else {
                    #expect(report.ingested == 1, "variant \(index)")
                    #expect(try summary(board, reference.runID) == (try summary(expected, reference.runID)), "variant \(index)")
                }
            } else {
                #expect(report.ingested == 0 && report.problems.map(\.path) == [path], "variant \(index) was indexed")
            }
        }
    }

    @Test func aManifestFileCanBeNamedDirectly() throws {
        let folder = TemporaryDirectory()
        try RunManifestFactory.write(RunManifestFactory.make("R1"), into: folder.url("runs/R1"))
        folder.write("notes.txt", "hello")
        let board = try Leaderboard.inMemory()
        let report = try board.ingest(runDirectories: [folder.url("runs/R1/manifest.json"), folder.url("notes.txt")])
        #expect(report.ingested == 1)
        #expect(report.problems.map(\.description) == [folder.url("notes.txt") + ": not a run directory or a manifest.json"])
    }
}

