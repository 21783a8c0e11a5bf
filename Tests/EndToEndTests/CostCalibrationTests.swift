import Foundation
import SotaSupport
import SotaTestSupport
import Testing

/// Issue 13 item 18: cost estimates are calibrated only from past runs that had the GPU being priced, by the hardware
/// each run recorded, never by the GPU its config declared.
@Suite(.serialized) struct CostCalibrationTests {
    let folder = TemporaryDirectory()

    init() {
        for item in ["sota.yaml", "configs", "scripts", "data"] { folder.copy(Paths.join(Repository.root, item), to: item) }
    }

    private func sota(_ arguments: [String], path: String? = nil) throws -> BinaryRun {
        var environment = ProcessInfo.processInfo.environment
        if let path { environment["PATH"] = path + ":" + (environment["PATH"] ?? "/usr/bin:/bin") }
        return try BinaryRun(arguments, in: folder.path, environment: environment)
    }

    /// The training stage `operator`'s estimate source in `sota dry-run --estimate-only --json`.
    private func operatorSource(_ extra: [String] = []) throws -> String {
        let run = try sota(["dry-run", "configs/train_burgers_golden.yaml", "--estimate-only", "--json"] + extra)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any], "\(run.err)")
        let stages = try #require((object["estimate"] as? [String: Any])?["stages"] as? [[String: Any]])
        return try #require(stages.first { $0["stage"] as? String == "operator" }?["source"] as? String)
    }

    @Test func runsOnACPUNeverCalibrateTheA100EstimateOfTheConfigTheyRan() throws {
        // The demo config declares an A100; this machine has none (no nvidia-smi), so the runs record `cpu`.
        for _ in 0..<3 {
            let run = try sota(["run", "--train-config", "configs/train_burgers_golden.yaml"])
            #expect(run.status == 0 || run.status == 3, "\(run.err)")  // 3: a gate rejected it; the stages still ran
        }
        let runs = try FileManager.default.contentsOfDirectory(atPath: folder.url("runs")).filter { !$0.hasPrefix(".") }
        for runID in runs {
            let manifest = try String(contentsOfFile: folder.url("runs/\(runID)/manifest.json"), encoding: .utf8)
            #expect(manifest.contains("\"observed\" : \"cpu\"") && manifest.contains("\"gpu_type\" : \"A100-80GB\""), "\(runID)")
        }
        #expect(try operatorSource().hasPrefix("20 epochs"), "the A100 estimate keeps its throughput model")
        #expect(try operatorSource(["--gpu", "CPU"]).hasPrefix("median of 3 past runs on CPU"))

        // Three runs that had an A100 (a stand-in nvidia-smi, as the test machine has no GPU) calibrate it.
        folder.write("gpu-bin/nvidia-smi", "#!/bin/sh\nprintf '0, NVIDIA A100-SXM4-80GB\\n'\n")
        chmod(folder.url("gpu-bin/nvidia-smi"), 0o755)
        for _ in 0..<3 {
            let run = try sota(["run", "--train-config", "configs/train_burgers_golden.yaml"], path: folder.url("gpu-bin"))
            #expect(run.status == 0 || run.status == 3, "\(run.err)")  // 3: a gate rejected it; the stages still ran
        }
        let calibrated = try operatorSource()
        #expect(calibrated.hasPrefix("median of 3 past runs on A100-80GB"), "\(calibrated)")
        #expect(try operatorSource(["--gpu", "CPU"]).hasPrefix("median of 3 past runs on CPU"))
    }
}
