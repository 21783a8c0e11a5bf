import Foundation
import SotaSupport
import SotaTestSupport
import Testing

/// Issue 13 item 18: cost estimates are calibrated only from past runs that had the GPU being priced, by the hardware
/// each run recorded, never by the GPU its config declared.
///
/// The runs are the demo project's with one quick training stage and evaluations that write their metrics at once:
/// calibration reads only what each run recorded, and six full demo runs took half a minute of the suite.
@Suite(.serialized) struct CostCalibrationTests {
    let folder = TemporaryDirectory()

    /// A training config declaring an A100, as the demo's golden config does, whose one stage takes no time.
    static let config = """
    experiment: calibration
    seed: 17
    data:
      path: data/burgers_1d.npz
      manifest: data/SHA256SUMS
      samples: 960
      arrays:
        u_train: {dtype: float32, shape: [24, 41, 64]}
        u_test: {dtype: float32, shape: [8, 41, 64]}
        x: {dtype: float64, shape: [64]}
    latent:
      dim: 16
    operator:
      pdet: {input_dim: 16, ridge: 1.0e-6}
    training:
      command: [sh, -c, 'echo "{}" >"$1/$0.json" && echo "{}" >"$1/checkpoint.json"', "{stage}", "{checkpoint_dir}"]
      epochs: 20
      batch_size: 64
      learning_rate: 0.05
      checkpoint: checkpoint.json
      stages:
        - {name: operator, outputs: [operator.json, checkpoint.json], timeout: 1m}
    resources:
      gpu: A100-80GB
      gpus: 1
      platform: cuda
      throughput: {A100-80GB: 4.0}
    pipeline:
      small_eval: configs/quick_eval.yaml
      full_eval: configs/quick_eval.yaml

    """

    /// An evaluation that passes its gate at once.
    static let evaluation = """
    evaluation:
      command: [sh, -c, 'echo "{\\"nrmse\\": 0.1}" >"$0"', "{metrics}"]
      split: u_test
      trajectories: 2
      horizon: 10
      metrics: metrics.json
      timeout: 1m
    gates:
      - {metric: nrmse, direction: lower, threshold: 0.30}

    """

    init() {
        for item in ["sota.yaml", "configs", "data"] { folder.copy(Paths.join(Repository.root, item), to: item) }
        _ = folder.write("configs/calibration.yaml", Self.config)
        _ = folder.write("configs/quick_eval.yaml", Self.evaluation)
    }

    private func sota(_ arguments: [String], path: String? = nil) throws -> BinaryRun {
        var environment = ProcessInfo.processInfo.environment
        if let path { environment["PATH"] = path + ":" + (environment["PATH"] ?? "/usr/bin:/bin") }
        return try BinaryRun(arguments, in: folder.path, environment: environment)
    }

    /// The training stage `operator`'s estimate source in `sota dry-run --estimate-only --json`.
    private func operatorSource(_ extra: [String] = []) throws -> String {
        let run = try sota(["dry-run", "configs/calibration.yaml", "--estimate-only", "--json"] + extra)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any], "\(run.err)")
        let stages = try #require((object["estimate"] as? [String: Any])?["stages"] as? [[String: Any]])
        return try #require(stages.first { $0["stage"] as? String == "operator" }?["source"] as? String)
    }

    @Test func runsOnACPUNeverCalibrateTheA100EstimateOfTheConfigTheyRan() throws {
        // The config declares an A100; this machine has none (no nvidia-smi), so the runs record `cpu`.
        for _ in 0..<3 {
            let run = try sota(["run", "--train-config", "configs/calibration.yaml"])
            #expect(run.status == 0, "\(run.err)")
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
            let run = try sota(["run", "--train-config", "configs/calibration.yaml"], path: folder.url("gpu-bin"))
            #expect(run.status == 0, "\(run.err)")
        }
        let calibrated = try operatorSource()
        #expect(calibrated.hasPrefix("median of 3 past runs on A100-80GB"), "\(calibrated)")
        #expect(try operatorSource(["--gpu", "CPU"]).hasPrefix("median of 3 past runs on CPU"))
    }
}
