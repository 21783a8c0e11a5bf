import SotaSupport

/// Everything one stage's sbatch script says: which run (or which sweep task's run), which step, what to ask for.
package struct SlurmStagePlan: Sendable, Equatable {
    /// The runs a script serves.
    package enum Runs: Sendable, Equatable {
        /// One run.
        case single(runID: String)
        /// A sweep as an array job: task `i` works on run `<base>-<i as 3 digits>`, prepared with its own seed.
        case array(base: String, tasks: [Int])
    }

    /// The stage the job runs.
    package var stage: SlurmStage
    /// The launch id, used in job names (the run id, or the sweep id).
    package var launchID: String
    /// The runs.
    package var runs: Runs
    /// The project root (absolute); compute nodes see the same path (shared filesystem).
    package var projectRoot: String
    /// The runs folder (absolute).
    package var runsDirectory: String
    /// The `sota` binary the node runs (absolute).
    package var sota: String
    /// What the job asks for.
    package var resources: SlurmResources

    /// Creates a plan.
    package init(stage: SlurmStage, launchID: String, runs: Runs, projectRoot: String, runsDirectory: String, sota: String,
                resources: SlurmResources) {
        self.stage = stage
        self.launchID = launchID
        self.runs = runs
        self.projectRoot = projectRoot
        self.runsDirectory = runsDirectory
        self.sota = sota
        self.resources = resources
    }

    /// The run id of sweep task `index` (`<base>-007`), the same spelling `sota run --sweep` uses.
    package static func taskRunID(base: String, index: Int) -> String {
        let digits = String(index)
        return base + "-" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }

    /// The job name: `sota-<stage>-<launch id>`.
    package var jobName: String { Self.jobName(stage: stage, launchID: launchID) }

    /// The name of `stage`'s job in launch `launchID`: unique per launch, so with the job id it identifies the job
    /// even after the controller reused the id.
    package static func jobName(stage: SlurmStage, launchID: String) -> String { "sota-\(stage.rawValue)-\(launchID)" }

    /// `--array` for a sweep: tasks as ranges (`0-499`, or `1,4-6` on a resubmission), `%K` when limited.
    package var arraySpec: String? {
        guard case .array(_, let tasks) = runs else { return nil }
        return Self.ranges(tasks) + (resources.maxParallel.map { "%\($0)" } ?? "")
    }

    /// Sorted task numbers folded into Slurm's range list: [0,1,2,5] → `0-2,5`.
    package static func ranges(_ tasks: [Int]) -> String {
        var parts: [String] = []
        var index = 0
        let sorted = Array(Set(tasks)).sorted()
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? String(sorted[index]) : "\(sorted[index])-\(sorted[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }

    /// Where Slurm writes the job's stdout and stderr: the run directory's `slurm/` folder, per stage (per task
    /// for an array, through `%3a`, which pads the task id as the run ids do).
    package var outputPattern: (stdout: String, stderr: String) {
        let folder: String
        switch runs {
        case .single(let runID): folder = "\(runsDirectory)/\(runID)/slurm"
        case .array(let base, _): folder = "\(runsDirectory)/\(base)-%3a/slurm"
        }
        return ("\(folder)/\(stage.rawValue).out", "\(folder)/\(stage.rawValue).err")
    }

    /// ``outputPattern`` as checked `#SBATCH` values: the runs folder and the run id must each stand in a directive
    /// (no space, `%` or control character); sota adds only `/`, the stage name and the `%3a` task pattern.
    package func logPaths() throws(ScriptValueError) -> (stdout: SbatchValue, stderr: SbatchValue) {
        let runs = try SbatchValue(runsDirectory, role: "the runs folder (`runs:` in sota.yaml) in #SBATCH --output")
        let folder: SbatchValue
        switch self.runs {
        case .single(let runID):
            folder = runs.appending(try SbatchValue(runID, role: "the run id")).appending(SbatchValue(composed: "slurm"))
        case .array(let base, _):
            let checked = try SbatchValue(base, role: "the sweep's run id")
            folder = runs.appending(SbatchValue(composed: checked.text + "-%3a")).appending(SbatchValue(composed: "slurm"))
        }
        return (folder.appending(SbatchValue(composed: stage.rawValue + ".out")), folder.appending(SbatchValue(composed: stage.rawValue + ".err")))
    }
}
