import Foundation
import SotaSupport
import SotaRunRecord
import SotaConfig
import SotaIndex
import SotaPlan
import SotaRun
import SotaOperations
import SotaTestSupport

/// What the launch use cases need from the outside, made of real parts: the demo project in a temporary folder, a
/// config loader, and the leaderboard as a real SQLite file.
enum LaunchFixtures {
    /// Copies the demo project (sota.yaml, configs, scripts, data) into `folder`, with `yaml` appended to sota.yaml.
    static func demoProject(in folder: TemporaryDirectory, under prefix: String = "", appending yaml: String = "") throws {
        for item in ["sota.yaml", "configs", "scripts", "data"] { folder.copy(Paths.join(Repository.root, item), to: prefix + item) }
        let original = try String(contentsOfFile: folder.url(prefix + "sota.yaml"), encoding: .utf8)
        folder.write(prefix + "sota.yaml", original + yaml)
    }

    /// The project at `root`.
    static func project(_ root: String) -> Project {
        Project.load(root: root, displayRoot: root).0
    }

    /// Loads `trainPath` with `--set` assignments and its `pipeline:` evaluation configs, as the command's loader does.
    static func loader(project: Project, trainPath: String) -> LaunchPipelineLoader {
        { assignments, diagnostics in
            let overrides = try assignments.map { try ConfigOverride.parse($0).get() }
            let loader = ConfigLoader(project: project, searchPath: ProcessInfo.processInfo.environment["PATH"])
            let training = loader.load(path: trainPath, displayPath: trainPath, overrides: overrides)
            diagnostics += training.diagnostics
            guard let config = training.config else { return nil }
            func evaluation(_ path: Located<String>?) -> RunConfig? {
                guard let path else { return nil }
                let loaded = loader.load(path: project.resolve(path.value), displayPath: path.value)
                diagnostics += loaded.diagnostics
                return loaded.config
            }
            let pipeline = PipelineConfigs(training: config, smallEval: evaluation(config.smallEvalConfig), fullEval: evaluation(config.fullEvalConfig))
            return diagnostics.hasErrors ? nil : pipeline
        }
    }

    /// Stand-in Slurm programs in `folder/bin` that log their arguments to `folder/calls-NAME`: sbatch prints job ids
    /// 101, 102, ... (or fails on the call number in `folder/sbatch-fails-at`), squeue prints `folder/squeue.txt`,
    /// scancel succeeds.
    static func slurmTools(in folder: TemporaryDirectory) -> [String: String] {
        folder.write("bin/sbatch", """
        #!/bin/sh
        echo "$*" >>"\(folder.url("calls-sbatch"))"
        n=$(wc -l <"\(folder.url("calls-sbatch"))")
        if [ -f "\(folder.url("sbatch-fails-at"))" ] && [ "$n" -eq "$(cat "\(folder.url("sbatch-fails-at"))")" ]; then
          echo "sbatch: error: Batch job submission failed: Invalid partition name specified" >&2
          exit 1
        fi
        echo $((100 + n))
        """)
        folder.write("bin/squeue", "#!/bin/sh\necho \"$*\" >>\"\(folder.url("calls-squeue"))\"\ncat \"\(folder.url("squeue.txt"))\"\n")
        folder.write("bin/sacct", "#!/bin/sh\necho \"sacct: error: Slurm accounting storage is disabled\" >&2\nexit 1\n")
        folder.write("bin/scancel", "#!/bin/sh\necho \"$*\" >>\"\(folder.url("calls-scancel"))\"\n")
        for program in ["sbatch", "squeue", "sacct", "scancel"] { chmod(folder.url("bin/\(program)"), 0o755) }
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = folder.url("bin") + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        return environment
    }

    /// The lines a stand-in program logged, one per call.
    static func calls(_ program: String, in folder: TemporaryDirectory) -> [String] {
        ((try? String(contentsOfFile: folder.url("calls-\(program)"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}

/// The leaderboard file as the status use case records into it.
struct LeaderboardFile: RunIndex {
    let board: Leaderboard

    func baseline(metric: String, phase: String, direction: MetricDirection, experiment: String) throws -> GateEvaluator.Baseline? {
        try board.baseline(metric: metric, phase: phase, direction: direction, experiment: experiment)
    }

    func record(_ manifest: RunManifest, manifestPath: String) throws {
        try board.ingest(manifest, manifestPath: manifestPath)
    }
}
