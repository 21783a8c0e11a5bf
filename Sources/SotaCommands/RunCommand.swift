import ArgumentParser
import Foundation
import SotaSupport
import SotaConfig
import SotaGit
import SotaIndex
import SotaPlan
import SotaRun
import SotaWorkspace
import SotaRunRecord

/// `sota run`: the whole pipeline, from validation to gating, in a run directory that survives any interruption.
struct RunCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Validate, train, evaluate and gate a config; record it in the leaderboard.",
        discussion: """
        Stage 1 validates the config, the dataset and the plan before any child starts. Stage 2 runs the training stages, each as a child process in its own process group with its output in runs/<id>/logs/. Stage 3 runs the small evaluation: a failing proxy gate stops the run. Stage 4 runs the full evaluation; stage 5 decides the gates and updates the leaderboard.

        A stage succeeds only when its child exits 0 and its declared outputs exist and are non-empty. Ctrl-C stops the children and leaves a run that `sota run --resume RUN_ID` continues from the first unfinished stage.

        Exit status: 0 passed, 1 validation failed, 2 a stage failed, 3 a gate rejected the run, 130 interrupted.

        Examples:
          sota run --train-config configs/train_burgers_golden.yaml
          sota run --train-config configs/train_burgers_golden.yaml --set latent.dim=32 --set operator.pdet.input_dim=32
          sota run --resume 20261123-141503-9f3a2b1c
          sota run --train-config configs/train_burgers_golden.yaml \\
              --sweep latent.dim,operator.pdet.input_dim=8,16,32 --gpus 0,1
        """
    )

    /// The devices a run uses when `--gpus` is not given.
    static let defaultDevices = "0"
    /// The stop grace period when `--grace` is not given.
    static let defaultGrace = "10s"

    @Option(help: ArgumentHelp("The training config; repeat to run several.", valueName: "file"))
    var trainConfig: [String] = []

    @Option(help: ArgumentHelp("Run once per value: key=v1,v2 (keys may be comma-separated to move together; repeat for a grid).", valueName: "keys=values"))
    var sweep: [String] = []

    @Flag(help: "Show which run goes to which device, and run nothing.")
    var dryRun = false

    @Option(help: .hidden)
    var runId: String?

    @Flag(help: "When every gate passes, copy the config into configs/<experiment>.yaml and record the promotion.")
    var promote = false

    @Option(help: ArgumentHelp("Proxy-gate evaluation config (default: the config's pipeline.small_eval).", valueName: "file"))
    var smallEvalConfig: String?

    @Option(help: ArgumentHelp("Full evaluation config (default: the config's pipeline.full_eval).", valueName: "file"))
    var fullEvalConfig: String?

    @Option(help: ArgumentHelp("Continue an interrupted or failed run (a unique prefix of its id is enough).", valueName: "run-id"))
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

    /// The command line as plain values, which ``RunOptions/fastParse(_:)`` also produces.
    var options: RunOptions {
        RunOptions(
            trainConfig: trainConfig, sweep: sweep, dryRun: dryRun, runId: runId, promote: promote,
            smallEvalConfig: smallEvalConfig, fullEvalConfig: fullEvalConfig, resume: resume, step: step,
            assignments: overrides.assignments, projectPath: global.project, maxRetries: maxRetries, gpus: gpus, grace: grace
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
        guard SweepPlan.devices(parsing: gpus) != nil else {
            throw ValidationError("--gpus takes device ids such as 0 or 0,1; found `\(gpus)`")
        }
    }

    func run(in context: CommandContext) throws -> Int32 {
        let (project, projectProblems) = context.project(explicit: projectPath, near: trainConfig.first)
        let console = context.console
        let renderer = DiagnosticRenderer(style: console.errStyle)
        func stop(_ diagnostics: [Diagnostic]) -> Int32 {
            for diagnostic in diagnostics { console.err(renderer.render(diagnostic)) }
            console.err("run not started: stage 1 validation failed (\(DiagnosticRenderer.summary(errors: diagnostics.filter { $0.severity == .error }.count, warnings: diagnostics.filter { $0.severity == .warning }.count)))")
            return ExitStatus.checkFailed
        }
        if projectProblems.hasErrors { return stop(projectProblems) }
        if resume == nil, trainConfig.count > 1 || !sweep.isEmpty || dryRun {
            return try SweepCommandSupport(options: self, project: project, context: context).run()
        }
        if let resume, RunLayout.isSweepFolderName(resume) {
            return try SweepCommandSupport(options: self, project: project, context: context).resume(resume)
        }
        let pendingGit = PendingProvenance(path: project.root)

        var existing: RunManifest?
        var runID = runId ?? RunID.make().text
        var trainPath = trainConfig.first.map(context.absolute)
        var overrideTexts = assignments
        var smallPath = smallEvalConfig.map(context.absolute)
        var fullPath = fullEvalConfig.map(context.absolute)
        if let resume {
            guard let (id, manifest) = RunLookup.find(resume, project: project, console: console) else { return ExitStatus.checkFailed }
            existing = manifest
            runID = id
            trainPath = project.resolve(manifest.config.path)
            overrideTexts = manifest.config.overrides
            smallPath = manifest.evalConfigs["small_eval"].map { project.resolve($0.path) }
            fullPath = manifest.evalConfigs["full_eval"].map { project.resolve($0.path) }
            if step != nil, manifest.status == .succeeded || manifest.status == .rejected {
                // A gate ended the run in an earlier step job; this one has nothing left to do.
                console.out("run \(id) already finished (\(manifest.status.rawValue)); nothing left for step \(step!)")
                return ExitStatus.success
            }
            if manifest.status == .succeeded || manifest.status == .rejected {
                // sota may have been killed after the manifest was final but before the leaderboard saw it.
                do {
                    try LeaderboardIndex.open(project: project, environment: context.environment)
                        .record(manifest, manifestPath: Paths.join(project.resolve(project.runsDirectory), RunLayout.manifest(ofRun: id)))
                } catch {
                    console.err("warning: the leaderboard was not updated: \(error)")
                }
                console.out("run \(id) already finished (\(manifest.status.rawValue)); nothing to resume")
                return manifest.status == .succeeded ? ExitStatus.success : ExitStatus.gateRejected
            }
        }
        let parsed = try OverrideParsing.parse(overrideTexts)
        var diagnostics: [Diagnostic] = []
        guard let configs = PipelineConfigs.load(
            trainPath: trainPath!, overrides: parsed, smallEvalPath: smallPath, fullEvalPath: fullPath,
            project: project, context: context, diagnostics: &diagnostics
        ) else { return stop(diagnostics) }
        let (trainConfig, small, full) = (configs.training, configs.smallEval, configs.fullEval)

        let index: LeaderboardIndex?
        do {
            // A step job only reads the leaderboard (BaselineOnlyIndex), so it neither opens nor creates it here.
            index = step != nil ? nil : try LeaderboardIndex.open(project: project, environment: context.environment, forRecording: true)
        } catch {
            return stop(diagnostics + [.error(at: nil, "\(error)", hint: "move the file aside, or set SOTA_LEADERBOARD to another path")])
        }
        let request = RunRequest(
            training: trainConfig, smallEval: small, fullEval: full, project: project, runID: runID, devices: gpus,
            maxRetries: maxRetries, gracePeriod: DurationValue(parsing: grace)!, environment: context.environment,
            lastPhase: step.flatMap(PlannedStep.Phase.init(rawValue:))
        )
        let observer = RunConsole(console: console, runDirectory: Paths.join(project.runsDirectory, runID),
                                  interactive: isatty(1) == 1 && context.environment["TERM"] != "dumb")
        let runIndex: any RunIndex = index ?? BaselineOnlyIndex.open(project: project, environment: context.environment)
        let orchestrator = RunOrchestrator(request: request, index: runIndex, observe: { observer.handle($0) })
        let (problems, data) = orchestrator.validate()
        diagnostics += problems
        if promote {
            // Whatever would stop the promotion is found before the run, not after it.
            do {
                try Promotion.preflight(trainConfig, workspace: Workspace(project: project))
            } catch {
                diagnostics.append(.error(at: nil, "--promote: \(error)", hint: (error as? ConfigPromotion.Refusal)?.hint))
            }
        }
        if diagnostics.hasErrors { return stop(diagnostics) }
        for diagnostic in diagnostics { console.err(renderer.render(diagnostic)) }

        let git = pendingGit.wait()
        if git.isDirty {
            console.err(renderer.render(.warning(at: nil, "the work tree has uncommitted changes (\(git.dirtyFiles.prefix(3).joined(separator: ", "))\(git.dirtyFiles.count > 3 ? ", …" : "")); the run records them but cannot be reproduced from a commit")))
        }
        try ChildProcess.prepareSignalHandling()
        let outcome: RunOutcome
        if let existing {
            console.out("resuming run \(runID) (\(Paths.join(project.runsDirectory, runID)))")
            outcome = try orchestrator.resume(existing)
        } else {
            console.out("run \(runID): \(trainConfig.displayPath) → \(Paths.join(project.runsDirectory, runID))/")
            outcome = try orchestrator.start(data: data, git: git)
        }
        observer.summary(outcome)
        if step != nil, outcome.exitStatus == ExitStatus.gateRejected {
            // A rejection is a decided run, not a failed job: the later step jobs find it finished and do nothing.
            return ExitStatus.success
        }
        if promote, outcome.exitStatus == ExitStatus.success {
            do {
                guard let board = try index?.board else { throw ConfigPromotion.Refusal("no leaderboard to record the promotion in") }
                let result = try Promotion(workspace: Workspace(project: project), board: board).promote(Promotion.Request(
                    config: trainConfig, runID: runID, promotedBy: GitCommitter.author(in: project.root) ?? context.environment["USER"]
                ))
                for warning in result.warnings { console.err("warning: promoted, but \(warning)") }
                let promotion = result.outcome
                console.out(promotion.unchanged ? "promoted: \(promotion.destination) already holds this config"
                            : "promoted to \(promotion.destination)" + (promotion.previous.map { " (the previous config is kept in \($0))" } ?? ""))
                if let metadata = result.metadataPath { console.out("  recorded in \(context.display(metadata))") }
            } catch {
                console.err("error: promotion failed: \(error); the run itself passed and is recorded")
                return ExitStatus.checkFailed
            }
        } else if promote {
            console.out("not promoted: the run did not pass every gate")
        }
        return outcome.exitStatus
    }
}

/// Finds a run directory by id or unique id prefix.
enum RunLookup {
    static func find(_ text: String, project: Project, console: Console) -> (String, RunManifest)? {
        guard let name = folder(text, project: project, console: console) else { return nil }
        let path = Paths.join(project.resolve(project.runsDirectory), RunLayout.manifest(ofRun: name))
        do {
            return (name, try RunManifest.read(path: path))
        } catch {
            console.err("error: \(error)")
            return nil
        }
    }

    /// The one folder of the runs folder whose name starts with `text` (a run, or a sweep with `sweeps: true`), or
    /// nil after saying why there is none.
    static func folder(_ text: String, sweeps: Bool = false, project: Project, console: Console) -> String? {
        do {
            _ = try RunID(parsing: text)
        } catch {
            console.err("error: \(error)")
            return nil
        }
        let kind = sweeps ? "sweep" : "run"
        let runs = project.resolve(project.runsDirectory)
        let names = RunDirectoryScanner.folders(in: runs, startingWith: text, sweeps: sweeps)
        guard names.count == 1 else {
            console.err(names.isEmpty ? "error: no \(kind) `\(text)` in \(project.runsDirectory)/"
                                      : "error: `\(text)` matches \(names.count) \(kind)s: \(names.prefix(5).joined(separator: ", "))")
            return nil
        }
        return names[0]
    }
}
