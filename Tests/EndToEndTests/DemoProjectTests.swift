import Foundation
import SotaSupport
import SotaTestSupport
import Testing

/// Runs the demo's real programs exactly as `sota dry-run --json` plans them, in a copy of the project.
@Suite(.serialized) struct DemoProjectTests {
    private func json(_ run: BinaryRun) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any], "\(run.err)")
    }

    /// Executes the planned steps and returns the full evaluation's metrics.
    private func runPlannedPipeline(overrides: [String]) throws -> [String: Any] {
        let folder = TemporaryDirectory()
        for item in ["sota.yaml", "configs", "scripts", "data"] { folder.copy(Paths.join(Repository.root, item), to: item) }
        let sets = overrides.flatMap { ["--set", $0] }
        let plan = try json(try BinaryRun(["dry-run", "configs/train_burgers_golden.yaml", "--json"] + sets, in: folder.path))
        #expect(plan["valid"] as? Bool == true)
        let runDir = folder.url(try #require(plan["run_dir"] as? String))
        // What `sota run` will do before the first child: write the resolved configs into the run directory.
        for (source, target, extra) in [("configs/train_burgers_golden.yaml", "config.json", sets),
                                        ("configs/small_eval.yaml", "small_eval/config.json", []),
                                        ("configs/full_eval.yaml", "full_eval/config.json", [])] {
            let resolved = try BinaryRun(["validate", "config", source, "--print-config", "--format", "json"] + extra, in: folder.path)
            folder.write(Paths.relative(Paths.join(runDir, target), to: folder.path), resolved.out)
        }
        let environment = try #require(plan["environment"] as? [String: String])
        for step in try #require(plan["steps"] as? [[String: Any]]) {
            let argv = try #require(step["argv"] as? [String])
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = argv
            process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
            process.environment = ProcessInfo.processInfo.environment
                .merging(environment) { $1 }
                .merging((step["environment"] as? [String: String]) ?? [:]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "step \(step["name"] ?? "?") failed")
            for output in (step["outputs"] as? [String]) ?? [] {
                let size = (try? FileManager.default.attributesOfItem(atPath: Paths.join(runDir, output))[.size] as? Int) ?? 0
                #expect(size > 0, "\(output) missing or empty")
            }
        }
        let metrics = try Data(contentsOf: URL(fileURLWithPath: Paths.join(runDir, "full_eval/metrics.json")))
        return try #require(try JSONSerialization.jsonObject(with: metrics) as? [String: Any])
    }

    @Test func goldenConfigPassesItsGatesAndLatentDimMatters() throws {
        let golden = try #require(try runPlannedPipeline(overrides: [])["nrmse"] as? Double)
        #expect(golden < 0.25, "the golden config must pass the full-eval gate")
        let small = try #require(try runPlannedPipeline(overrides: ["latent.dim=4", "operator.pdet.input_dim=4"])["nrmse"] as? Double)
        #expect(small > golden * 2, "a 4-dimensional latent space must be clearly worse (\(small) vs \(golden))")
    }
}
