import FoundationEssentials
import SotaSupport
import SotaRunRecord
import SotaConfig
import SotaGit
import SotaLaunch
import SotaPlan
import SotaRun

/// Runs a config as a chain of Slurm jobs: prepares the run directories on this machine, writes one sbatch script per
/// stage (train → small eval → full eval → gate), and submits them as a chain; a sweep becomes one array job per stage.
package struct SlurmLaunch {
    /// What the user asked for: the `sota launch --backend slurm` flags (nil: launch.slurm in sota.yaml, then the config).
    package struct Options: Sendable {
        /// The config path as typed, for the summary.
        package var config = ""
        /// `--set` assignments, as typed.
        package var overrides: [String] = []
        /// `--sweep` axes, as typed.
        package var sweep: [String] = []
        /// `--partition`.
        package var partition: String?
        /// `--time`, HH:MM:SS.
        package var time: String?
        /// `--gpus`.
        package var gpus: Int?
        /// `--account`.
        package var account: String?
        /// `--qos`.
        package var qos: String?
        /// `--mem`.
        package var mem: String?
        /// `--cpus-per-task`.
        package var cpusPerTask: Int?
        /// `--max-parallel`.
        package var maxParallel: Int?
        /// `--dry-run`: submit nothing, write nothing.
        package var dryRun = false

        /// Options with every flag at its default.
        package init() {}
    }

    /// One launch.
    package struct Request: Sendable {
        /// The project.
        package var project: Project
        /// The training config (absolute).
        package var configPath: String
        /// The flags.
        package var options: Options
        /// This process's environment (the Slurm tools' PATH and settings).
        package var environment: [String: String]

        /// Creates a request.
        package init(project: Project, configPath: String, options: Options, environment: [String: String]) {
            self.project = project
            self.configPath = configPath
            self.options = options
            self.environment = environment
        }
    }

    /// How a launch ended.
    package enum Ending: Sendable {
        /// Stopped before anything was submitted (``Outcome/diagnostics`` says why).
        case refused
        /// A dry run: the summary and each stage's script (file name, text).
        case dryRun(summary: [String], scripts: [(name: String, text: String)])
        /// The chain is queued: its jobs (stage, job id) in order.
        case submitted(launchID: String, jobs: [(stage: String, jobID: String)], summary: [String], launchDirectory: String)
        /// sbatch refused a job (the jobs already submitted were cancelled again, as the message says).
        case submissionFailed(String)
    }

    /// What a launch did.
    package struct Outcome: Sendable {
        /// Problems and warnings in the order they were found: errors stop the launch.
        package var diagnostics: [Diagnostic]
        /// How it ended.
        package var ending: Ending
    }

    /// One run to prepare: its id, overrides and loaded configs.
    struct PreparedRun {
        var runID: String
        var overrides: [String]
        var configs: PipelineConfigs
    }

    /// Loads the launched configs (once per sweep task, with its assignments).
    package var loadPipeline: LaunchPipelineLoader
    /// The sota executable the nodes run when launch.slurm.sota does not name one.
    package var executable: () throws -> String

    /// Creates the use case with its collaborators.
    package init(loadPipeline: @escaping LaunchPipelineLoader, executable: @escaping () throws -> String) {
        self.loadPipeline = loadPipeline
        self.executable = executable
    }

    /// Submits (or, with `--dry-run`, shows) the chain.
    ///
    /// - Throws: the loader's usage error for a malformed `--set` assignment, or the executable lookup's error.
    package func run(_ request: Request) throws -> Outcome {
        let options = request.options
        var diagnostics: [Diagnostic] = []
        func refused(_ problems: [Diagnostic]) -> Outcome { Outcome(diagnostics: diagnostics + problems, ending: .refused) }
        var axes: [SweepAxis] = []
        for text in options.sweep {
            switch SweepAxis.parse(text) {
            case .success(let axis): axes.append(axis)
            case .failure(let error): return refused([error.diagnostic])
            }
        }
        let project = request.project
        let base = RunID.make().text
        let sweeping = !axes.isEmpty
        let launchID = sweeping ? RunLayout.sweepFolderPrefix + base : base
        let runs = try prepareRuns(request, axes: axes, base: base, diagnostics: &diagnostics)
        if diagnostics.hasErrors { return refused([]) }
        guard let first = runs.first?.configs else { return refused([]) }

        var problems: [Diagnostic] = []
        let resources = Self.resources(options, settings: project.launch, training: first.training, problems: &problems)
        let sota = try project.launch.slurmSota.map { project.resolve($0.value) } ?? executable()
        let runsDirectory = project.resolve(project.runsDirectory)
        let launchDirectory = Paths.join(runsDirectory, launchID)
        let stages = Self.stages(first)
        let plans = stages.map { stage in
            SlurmStagePlan(stage: stage, launchID: launchID,
                           runs: sweeping ? .array(base: base, tasks: Array(runs.indices)) : .single(runID: base),
                           projectRoot: project.root, runsDirectory: runsDirectory, sota: sota, resources: resources)
        }
        // The runs folder names every job's log file in #SBATCH --output: no space, `%` or quote in it.
        if let problem = SbatchValue.problem(runsDirectory) {
            problems.append(project.runsLocation.map {
                .error(at: $0, keyPath: "runs", "the runs folder \(runsDirectory) cannot name Slurm's log files: \(problem)")
            } ?? .error(at: nil, "the runs folder \(runsDirectory) (in the project folder) cannot name Slurm's log files: \(problem)",
                        hint: "set `runs:` in sota.yaml to a folder whose path has no spaces or shell characters"))
        }
        if problems.hasErrors { return refused(problems) }
        let scripts: [SbatchScript]
        do {
            scripts = try plans.map { (plan) throws(ScriptValueError) in try SbatchScript(plan) }
        } catch {
            return refused([.error(at: nil, error.description)])
        }
        let summary = Self.summary(config: options.config, launchID: launchID, runs: runs, resources: resources, stages: stages,
                                   sota: sota, projectRoot: project.root)
        if options.dryRun {
            return Outcome(diagnostics: diagnostics, ending: .dryRun(summary: summary, scripts: scripts.map { ("\($0.plan.stage.rawValue).sbatch", $0.text) }))
        }
        if let problems = prepareDirectories(runs, request: request) { return refused(problems) }
        let record = SlurmLaunchRecord(
            launchID: launchID, created: Timestamp.string(Date()), config: Paths.relative(request.configPath, to: project.root),
            overrides: options.overrides, sweep: options.sweep, runs: runs.map(\.runID), arrayBase: sweeping ? base : nil,
            stages: stages, resources: resources, sota: sota
        )
        return submit(scripts, record: record, to: launchDirectory, environment: request.environment, diagnostics: diagnostics, summary: summary)
    }

    /// Writes the scripts and the launch record into the launch folder, then submits the chain, recording each job id.
    private func submit(_ scripts: [SbatchScript], record start: SlurmLaunchRecord, to launchDirectory: String, environment: [String: String],
                        diagnostics: [Diagnostic], summary: [String]) -> Outcome {
        var record = start
        let recordPath = Paths.join(launchDirectory, LaunchRecord.fileName)
        do {
            try FileManager.default.createDirectory(atPath: Paths.join(launchDirectory, RunLayout.slurmScripts), withIntermediateDirectories: true)
            for script in scripts {
                try AtomicFile.write(script.text, to: Paths.join(launchDirectory, "slurm/\(script.plan.stage.rawValue).sbatch"), mode: 0o755)
            }
            try record.write(to: recordPath)
        } catch {
            return Outcome(diagnostics: diagnostics + [.error(at: nil, "cannot write the launch: \(error)")], ending: .refused)
        }
        let submitter = SlurmChainSubmitter(client: SlurmClient(environment: environment), directory: launchDirectory)
        if case .failure(let failure) = submitter.submit(scripts.map { ("slurm/\($0.plan.stage.rawValue).sbatch", $0.plan) }, record: &record, recordPath: recordPath) {
            return Outcome(diagnostics: diagnostics, ending: .submissionFailed(failure.message))
        }
        let jobs = (record.submissions.last?.jobs ?? []).map { (stage: $0.stage.rawValue, jobID: $0.jobID) }
        return Outcome(diagnostics: diagnostics, ending: .submitted(launchID: record.launchID, jobs: jobs, summary: summary, launchDirectory: launchDirectory))
    }

    /// Every run of the launch, loaded and checked before anything is written; seeds follow SweepPlan's policy (task i
    /// gets the config's seed + i unless the sweep sets `seed`). A sweep task's problems are prefixed with the task.
    private func prepareRuns(_ request: Request, axes: [SweepAxis], base: String, diagnostics: inout [Diagnostic]) throws -> [PreparedRun] {
        let options = request.options
        let sweeping = !axes.isEmpty
        var baseSeed: Int??
        var seedError: (any Error)?
        let jobs = SweepPlan.make(configs: [request.configPath], fixed: options.overrides, axes: axes, devices: ["0"],
                                  seedOf: sweeping ? { _, _ in
            if let known = baseSeed { return known }
            var probe: [Diagnostic] = []
            do {
                let seed = try loadPipeline(options.overrides, &probe)?.training.seed
                baseSeed = .some(seed)
                return seed
            } catch {
                seedError = error
                return nil
            }
        } : nil) {
            sweeping ? SlurmStagePlan.taskRunID(base: base, index: $0) : base
        }.jobs
        if let seedError { throw seedError }
        var runs: [PreparedRun] = []
        for job in jobs {
            var loaded: [Diagnostic] = []
            let configs = try loadPipeline(job.overrides, &loaded)
            diagnostics += sweeping ? loaded.map { item in
                var copy = item
                copy.message = "task \(job.index) (\(job.overrides.suffix(from: options.overrides.count).joined(separator: " "))): " + copy.message
                return copy
            } : loaded
            if let configs { runs.append(PreparedRun(runID: job.runID, overrides: job.overrides, configs: configs)) }
        }
        return runs
    }

    /// Creates every run directory before any job starts (the nodes resume them, and Slurm writes logs into them),
    /// checking the dataset and the plan once: every task shares them. Returns the problems that stopped it, if any.
    private func prepareDirectories(_ runs: [PreparedRun], request: Request) -> [Diagnostic]? {
        let project = request.project
        let git = PendingProvenance(path: project.root).wait()
        var dataRecords: [RunManifest.FileRecord]?
        for run in runs {
            let runRequest = RunRequest(training: run.configs.training, smallEval: run.configs.smallEval, fullEval: run.configs.fullEval,
                                        project: project, runID: run.runID, devices: "0", maxRetries: nil,
                                        gracePeriod: DurationValue(seconds: 10), environment: request.environment)
            let orchestrator = RunOrchestrator(request: runRequest, index: nil, observe: { _ in })
            if dataRecords == nil {
                let (checks, data) = orchestrator.validate()
                if checks.hasErrors { return checks }
                dataRecords = data
            }
            do {
                try orchestrator.prepare(data: dataRecords ?? [], git: git)
                try FileManager.default.createDirectory(atPath: Paths.join(project.resolve(project.runsDirectory), run.runID + "/slurm"),
                                                        withIntermediateDirectories: true)
            } catch {
                return [.error(at: nil, "cannot prepare run \(run.runID): \(error)")]
            }
        }
        return nil
    }

    /// The stage jobs a pipeline needs: train when it has training stages, each configured evaluation, then gate.
    package static func stages(_ configs: PipelineConfigs) -> [SlurmStage] {
        var stages: [SlurmStage] = []
        if !(configs.training.training?.stages ?? []).isEmpty { stages.append(.train) }
        if configs.smallEval?.evaluation != nil { stages.append(.smallEval) }
        if configs.fullEval?.evaluation != nil { stages.append(.fullEval) }
        return stages + [.gate]
    }
}
