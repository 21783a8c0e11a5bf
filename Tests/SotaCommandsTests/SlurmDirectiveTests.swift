import Foundation
import SotaSupport
import SotaTestSupport
import Testing

/// What each Slurm stage job asks for, from `launch.slurm` in sota.yaml and the flags, through the checked
/// `#SBATCH` path (issue 13, item 7 and the Slurm directives item), seen in `sota launch --backend slurm --dry-run`.
@Suite struct SlurmDirectiveTests {
    /// The demo project in a temporary folder, with `launch:` appended to its sota.yaml; `runs` replaces `runs: runs`.
    static func project(launch: String, runs: String = "runs") -> TemporaryDirectory {
        let folder = TemporaryDirectory()
        for item in ["configs", "scripts", "data"] { folder.copy(Paths.join(Repository.root, item), to: item) }
        let yaml = (try? String(contentsOfFile: Paths.join(Repository.root, "sota.yaml"), encoding: .utf8)) ?? ""
        folder.write("sota.yaml", yaml.replacingOccurrences(of: "runs: runs\n", with: "runs: \(runs)\n") + launch)
        return folder
    }

    static let dryRun = ["launch", "--config", "configs/train_burgers_golden.yaml", "--backend", "slurm", "--dry-run"]

    /// The sbatch text of `stage` in a dry run's output.
    static func script(_ stage: String, in output: String) -> String {
        let parts = output.components(separatedBy: "--- \(stage).sbatch ---\n")
        return parts.count > 1 ? String(parts[1].prefix { $0 != "-" || true }.components(separatedBy: "\n--- ")[0]) : ""
    }

    @Test func settingsBecomeDirectivesAndTheGateAsksForNoGPU() {
        let folder = Self.project(launch: """
        launch:
          slurm: {partition: gpu, qos: high, mem: 16G, cpus_per_task: 4, gpus: 2, extra: ["--constraint=a100", "#SBATCH --exclusive"]}

        """)
        let run = CommandRun(Self.dryRun, in: folder.path)
        #expect(run.status == 0, "\(run.err)")
        let train = Self.script("train", in: run.out)
        for line in ["#SBATCH --partition=gpu", "#SBATCH --qos=high", "#SBATCH --gres=gpu:2", "#SBATCH --cpus-per-task=4", "#SBATCH --mem=16G",
                     "#SBATCH --constraint=a100", "#SBATCH --exclusive"] {
            #expect(train.contains(line + "\n"), "\(line) in\n\(train)")
        }
        let gate = Self.script("gate", in: run.out)
        #expect(gate.contains("#SBATCH --mem=16G\n") && !gate.contains("--gres"), "\(gate)")
        #expect(run.out.contains("each job  partition gpu, qos high, 2 GPUs (none for gate), 4 CPUs, memory 16G, #SBATCH --constraint=a100 --exclusive"))
        let flags = CommandRun(Self.dryRun + ["--qos", "low", "--mem", "2000M", "--cpus-per-task", "1"], in: folder.path)
        #expect(flags.status == 0, "\(flags.err)")
        #expect(flags.out.contains("#SBATCH --qos=low\n") && flags.out.contains("#SBATCH --mem=2000M\n") && flags.out.contains("#SBATCH --cpus-per-task=1\n"))
    }

    /// Issue 13, item 7: a space in `runs:` broke `#SBATCH --output=`; a line break ran the rest as a command.
    @Test func aRunsFolderThatCannotNameTheLogsIsLocated() {
        let spaced = Self.project(launch: "", runs: "\"my runs\"")
        let space = CommandRun(Self.dryRun, in: spaced.path)
        #expect(space.status == 1)
        #expect(space.err.contains("sota.yaml:3:7: error: the runs folder "), "\(space.err)")
        #expect(space.err.contains("cannot name Slurm's log files: it contains a space"), "\(space.err)")
        #expect(!space.out.contains("#SBATCH"))
        let broken = Self.project(launch: "", runs: "\"runs\\ntouch PWNED\"")
        let newline = CommandRun(Self.dryRun, in: broken.path)
        #expect(newline.status == 1)
        #expect(newline.err.contains("sota.yaml:3:7: error: `runs` contains a control character (U+000A), a line break"), "\(newline.err)")
        #expect(!newline.out.contains("#SBATCH"))
        let validate = CommandRun(["validate", "config", "configs/train_burgers_golden.yaml"], in: broken.path)
        #expect(validate.status != 0 && validate.err.contains("sota.yaml:3:7"), "\(validate.err)")
    }

    @Test func badSettingsAndFlagsAreNamedOrLocated() {
        let folder = Self.project(launch: """
        launch:
          slurm:
            partition: "gpu debug"
            mem: lots
            extra: ["--output=/tmp/elsewhere", "--comment=$(touch PWNED)"]

        """)
        let run = CommandRun(Self.dryRun, in: folder.path)
        // The settings start after the demo's own project file.
        let base = ((try? String(contentsOfFile: Paths.join(Repository.root, "sota.yaml"), encoding: .utf8)) ?? "").filter { $0 == "\n" }.count
        #expect(run.status == 1)
        #expect(run.err.contains("sota.yaml:\(base + 3):16: error: launch.slurm.partition: `gpu debug` cannot be used: it contains a space"), "\(run.err)")
        #expect(run.err.contains("sota.yaml:\(base + 4):10: error: launch.slurm.mem: `lots` cannot be used: memory is a whole number"), "\(run.err)")
        #expect(run.err.contains("sota.yaml:\(base + 5):13: error: launch.slurm.extra: `--output=/tmp/elsewhere` cannot be used: sota writes `--output` itself"), "\(run.err)")
        #expect(run.err.contains("sota.yaml:\(base + 5):40: error: launch.slurm.extra: `--comment=$(touch PWNED)` cannot be used"), "\(run.err)")
        #expect(StubCommands.files(named: "PWNED", under: folder.path).isEmpty)
        let plain = Self.project(launch: "")
        let flag = CommandRun(Self.dryRun + ["--qos", "a;b"], in: plain.path)
        #expect(flag.status == 1 && flag.err.contains("--qos: `a;b` cannot be used: it contains `;`"), "\(flag.err)")
    }
}
