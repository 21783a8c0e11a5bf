import ArgumentParser
import FoundationEssentials
import Glibc
import SotaSupport
import SotaConfig
import SotaPlan
import SotaIndex
import SotaRun
import SotaOperations
import SotaWorkspace
import SotaRunRecord

/// `sota run`: the whole pipeline, from validation to gating, in a run directory that survives any interruption.
struct RunCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Validate, train, evaluate and gate a config; record it in the leaderboard.",
        discussion: """
        Stage 1 validates the config, the dataset and the plan before any child starts. Stage 2 runs the training stages, each as a child process in its own process group with its output in runs/<id>/logs/. Stage 3 runs the small evaluation: a failing proxy gate stops the run. Stage 4 runs the full evaluation; stage 5 decides the gates and updates the leaderboard.

        A stage succeeds only when its child exits 0 and its declared outputs exist and are non-empty. Ctrl-C stops the children and leaves a run that continues from its first unfinished stage with `sota run --resume RUN_ID`.

        Exit status: 0 passed, 1 validation failed, 2 a stage failed, 3 a gate rejected the run, 130 interrupted.

        Examples:
          sota run --train-config configs/train_burgers_golden.yaml
          sota run --train-config configs/train_burgers_golden.yaml \\
              --set training.epochs=40
          sota run --resume 20261123-141503-9f3a2b1c
          sota run --train-config configs/train_burgers_golden.yaml \\
              --sweep training.epochs=10,20,40 --gpus 0,1
        """
    )

    /// The devices a run uses when `--gpus` is not given.
    static let defaultDevices = "0"
    /// The stop grace period when `--grace` is not given.
    static let defaultGrace = "10s"

    @Option(help: ArgumentHelp("The training config; repeat to run several.", valueName: "file"), completion: CompletionCandidates.config)
    var trainConfig: [String] = []

    @Option(help: ArgumentHelp("Run once per value: key=v1,v2 (keys may be comma-separated to move together; repeat for a grid).", valueName: "keys=values"))
    var sweep: [String] = []

    @Flag(help: "Show which run goes to which device, and run nothing.")
    var dryRun = false

    @Option(help: .hidden)
    var runId: String?

    @Flag(help: "When every gate passes, copy the config into configs/<experiment>.yaml and record the promotion.")
    var promote = false

    @Option(help: ArgumentHelp("Proxy-gate evaluation config (default: the config's pipeline.small_eval).", valueName: "file"), completion: CompletionCandidates.config)
    var smallEvalConfig: String?

    @Option(help: ArgumentHelp("Full evaluation config (default: the config's pipeline.full_eval).", valueName: "file"), completion: CompletionCandidates.config)
    var fullEvalConfig: String?

    @Option(help: ArgumentHelp("Continue an interrupted or failed run (a unique prefix of its id is enough).", valueName: "run-id"), completion: CompletionCandidates.runs)
    var resume: String?

    /// With --resume: run only up to this step (train, small_eval, full_eval) and leave the run pending, or `gate`
    /// to finish and decide it; either way the leaderboard is only read, never written. A Slurm stage job runs this.
    @Option(help: .hidden)
    var step: String?

    @OptionGroup var overrides: OverrideOptions
    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Retries of a failed stage (default: training.max_retries, else 0).", valueName: "n"))
    var maxRetries: Int?

    @Option(help: ArgumentHelp("Device ids for the children: CUDA_VISIBLE_DEVICES or HIP_VISIBLE_DEVICES.", valueName: "ids"))
    var gpus: String = RunCommand.defaultDevices

    @Option(help: ArgumentHelp("Time a stopped child gets between SIGTERM and SIGKILL.", valueName: "duration"))
    var grace: String = RunCommand.defaultGrace

    @Flag(name: [.short, .long], help: "Stream each stage's output as the child writes it (without it, a failed stage shows its last lines).")
    var verbose = false

    @Flag(help: "Print the run's result as JSON on standard output (progress goes to standard error).")
    var json = false

    /// The command line as plain values, which ``RunOptions/fastParse(_:)`` also produces.
    var options: RunOptions {
        RunOptions(
            trainConfig: trainConfig, sweep: sweep, dryRun: dryRun, runId: runId, promote: promote,
            smallEvalConfig: smallEvalConfig, fullEvalConfig: fullEvalConfig, resume: resume, step: step,
            assignments: overrides.assignments, projectPath: global.project, maxRetries: maxRetries, gpus: gpus, grace: grace,
            verbose: verbose, json: json
        )
    }

    func validate() throws {
        try options.validate()
    }

    func run(in context: CommandContext) throws -> Int32 {
        try options.run(in: context)
    }
}

/// What `sota run` was asked to do, as plain values: ArgumentParser's property wrappers cost more to build than
/// the whole command line is worth to parse, so the common command lines skip them (see `fastParse`).
struct RunOptions: Equatable {
    /// `--train-config`, in order.
    var trainConfig: [String] = []
    /// `--sweep` axes, in order.
    var sweep: [String] = []
    /// `--dry-run`.
    var dryRun = false
    /// `--run-id` (hidden: sweeps and Slurm jobs name their runs).
    var runId: String?
    /// `--promote`.
    var promote = false
    /// `--small-eval-config`.
    var smallEvalConfig: String?
    /// `--full-eval-config`.
    var fullEvalConfig: String?
    /// `--resume`.
    var resume: String?
    /// `--step` (hidden: one phase of a Slurm stage job).
    var step: String?
    /// The `--set` overrides.
    var assignments: [String] = []
    /// `--project`.
    var projectPath: String?
    /// `--max-retries`.
    var maxRetries: Int?
    /// `--gpus`.
    var gpus: String = RunCommand.defaultDevices
    /// `--grace`.
    var grace: String = RunCommand.defaultGrace
    /// `--verbose`.
    var verbose = false
    /// `--json`.
    var json = false

    /// Checks the options together, as usage errors; both parsers call it.
    func validate() throws {
        if trainConfig.isEmpty, resume == nil { throw ValidationError("give --train-config FILE, or --resume RUN_ID") }
        if !trainConfig.isEmpty, resume != nil { throw ValidationError("--resume continues a recorded run; it takes no --train-config") }
        if let runId {
            do {
                _ = try RunID(parsing: runId)
            } catch {
                throw ValidationError("--run-id: \(error.reason)")
            }
        }
        if resume != nil, !assignments.isEmpty { throw ValidationError("--resume reuses the run's recorded overrides; drop --set") }
        if let step {
            guard resume != nil else { throw ValidationError("--step runs one step of a recorded run; give --resume RUN_ID") }
            guard step == "gate" || PlannedStep.Phase(rawValue: step) != nil else {
                throw ValidationError("--step takes train, small_eval, full_eval or gate; found \(step)")
            }
            if promote { throw ValidationError("--step writes only the run directory; promote from the submitting machine") }
        }
        if let maxRetries, !(0...10).contains(maxRetries) { throw ValidationError("--max-retries must be between 0 and 10") }
        guard let period = DurationValue(parsing: grace), period <= .maximum else {
            throw ValidationError("--grace must be a duration such as 10s, at most \(DurationValue.maximum); found \(grace)")
        }
        if verbose, trainConfig.count > 1 || !sweep.isEmpty || resume?.hasPrefix(RunLayout.sweepFolderPrefix) == true {
            throw ValidationError("--verbose streams one run's output; a sweep's members write theirs to their logs")
        }
        if json, dryRun { throw ValidationError("--json reports runs that ran; --dry-run shows the plan only") }
        guard SweepPlan.devices(parsing: gpus) != nil else {
            throw ValidationError("--gpus takes device ids such as 0 or 0,1; found `\(gpus)`")
        }
    }

    /// Runs what the options ask for: one run (``RunOperation``) or a sweep (``SweepOperation``), printing as it goes.
    func run(in context: CommandContext) throws -> Int32 {
        let (project, projectProblems) = context.project(explicit: projectPath, near: trainConfig.first)
        if projectProblems.hasErrors {
            let status = RunConsole.notStarted(projectProblems, console: context.console)
            if json { context.console.out(RunResultJSON.notStarted(projectProblems, status: status).rendered(pretty: true)) }
            return status
        }
        let sweepMode: SweepOperation.Request.Mode?
        if let resume, resume.hasPrefix(RunLayout.sweepFolderPrefix) {
            sweepMode = .resume(resume)
        } else {
            sweepMode = resume == nil && (trainConfig.count > 1 || !sweep.isEmpty || dryRun) ? .start(configs: trainConfig, axes: sweep, dryRun: dryRun) : nil
        }
        do {
            if let sweepMode {
                let request = SweepOperation.Request(mode: sweepMode, assignments: assignments, devices: gpus, maxRetries: maxRetries, grace: grace,
                                                     project: project, environment: context.environment, workingDirectory: context.workingDirectory)
                let result = try SweepOperation()(request, observe: SweepCommandSupport.printer(context, toStandardError: json))
                return SweepCommandSupport.report(result, context: context, json: json, project: project)
            }
            guard let gracePeriod = DurationValue(parsing: grace) else { throw ValidationError("--grace must be a duration such as 10s; found \(grace)") }
            let request = RunOperation.Request(
                trainConfig: trainConfig.first.map(context.absolute), smallEvalConfig: smallEvalConfig.map(context.absolute),
                fullEvalConfig: fullEvalConfig.map(context.absolute), assignments: assignments, runID: runId, resume: resume, step: step,
                promote: promote, maxRetries: maxRetries, devices: gpus, gracePeriod: gracePeriod, project: project,
                environment: context.environment, workingDirectory: context.workingDirectory)
            // With --json the progress goes to standard error, so the live line is drawn when that is a terminal.
            let console = RunConsole(console: context.console, interactive: isatty(json ? 2 : 1) == 1 && context.environment["TERM"] != "dumb",
                                     verbose: verbose, primaryMetric: project.primaryMetricName, progressToStandardError: json)
            let result = try RunOperation(leaderboards: LeaderboardIndex.openers(project: project, environment: context.environment))(
                request, observe: { console.handle($0) })
            let status = console.report(result, context: context)
            if json { context.console.out(RunResultJSON.document(result, status: status, project: project, context: context).rendered(pretty: true)) }
            return status
        } catch let usage as RunUsageError {
            throw ValidationError(usage.description)
        }
    }
}

extension LeaderboardIndex: RunLeaderboard {
    /// How `sota run` opens the project's leaderboard: the file ``path(project:environment:)`` names, recorded into
    /// through ``LeaderboardRecorder`` when it is current; a Slurm step job only reads baselines (``BaselineOnlyIndex``).
    static func openers(project: Project, environment: [String: String]) -> RunLeaderboards {
        RunLeaderboards(open: { forRecording in try LeaderboardIndex.open(project: project, environment: environment, forRecording: forRecording) },
                        baselineOnly: { BaselineOnlyIndex.open(project: project, environment: environment) })
    }
}
