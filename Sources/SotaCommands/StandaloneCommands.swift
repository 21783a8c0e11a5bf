import ArgumentParser
import FoundationEssentials
import SotaSupport
import SotaConfig
import SotaPlan
import SotaRun
import SotaRunRecord

/// `sota train`: one training stage (or all of them) without the orchestrator, output on the terminal.
struct TrainCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Run training stages directly, for debugging: no gates, no leaderboard.",
        discussion: """
        Runs the config's train program with the same arguments and environment `sota run` gives it, its output straight on the terminal. Outputs go to --output-dir (default .sota/scratch/train-<id>/).

        Examples:
          sota train --config configs/train_burgers_golden.yaml \\
              --stage operator --epochs 1
          sota train --config configs/train_burgers_golden.yaml --output-dir /tmp/ckpt
        """
    )

    @Option(help: ArgumentHelp("The training config.", valueName: "file"), completion: CompletionCandidates.config)
    var config: String

    @Option(help: ArgumentHelp("Run only this stage (default: all, in order).", valueName: "name"))
    var stage: String?

    @Option(help: ArgumentHelp("Epochs for the stage(s), overriding the config.", valueName: "n"))
    var epochs: Int?

    @Option(help: ArgumentHelp("Where outputs go; earlier stages' outputs are read from here too.", valueName: "dir"), completion: .directory)
    var outputDir: String?

    @OptionGroup var overrides: OverrideOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
    }

    func run(in context: CommandContext) throws -> Int32 {
        let (project, problems) = context.project(explicit: global.project, near: config)
        var sets = try OverrideParsing.parse(overrides.assignments)
        let probe = ConfigLoader(project: project, searchPath: context.environment["PATH"])
            .load(path: context.absolute(config), displayPath: context.display(context.absolute(config)), overrides: sets)
        guard var training = probe.config, training.kind == .training, !problems.hasErrors else {
            return Standalone.report(problems + probe.diagnostics + (probe.config == nil ? [] : [.error(at: SourceLocation(file: config), "is not a training config")]), context)
        }
        let stages = training.training!.stages
        if let stage, !stages.contains(where: { $0.name == stage }) {
            let suggestion = Suggestions.closest(to: stage, in: stages.map(\.name)).map { " (did you mean \($0)?)" } ?? ""
            throw ValidationError("--stage: no stage `\(stage)` in \(training.displayPath)\(suggestion); stages: \(stages.map(\.name).joined(separator: ", "))")
        }
        if let epochs {
            for (index, candidate) in stages.enumerated() where stage == nil || candidate.name == stage {
                sets.append(try ConfigOverride.parse("training.stages[\(index)].epochs=\(epochs)").get())
            }
            training = ConfigLoader(project: project, searchPath: context.environment["PATH"])
                .load(path: context.absolute(config), displayPath: training.displayPath, overrides: sets).config ?? training
        }
        let scratch = Standalone.scratch(project: project, kind: "train")
        let plan = Standalone.redirect(
            RunPlanner.plan(training: training, smallEval: nil, fullEval: nil, project: scratch.project, runID: scratch.runID),
            checkpoints: outputDir.map(context.absolute), runDirectory: scratch.directory
        )
        try Standalone.prepare(scratch.directory, checkpoints: outputDir.map(context.absolute))
        try AtomicFile.write(training.resolvedJSON, to: Paths.join(scratch.directory, RunLayout.resolvedConfig))
        let steps = plan.steps.filter { stage == nil || $0.name == stage }
        for step in steps {
            context.console.err("sota train: \(step.name)  (\(step.arguments.joined(separator: " ")))")
            let exit = try Standalone.execute(step, plan: plan, project: project, context: context)
            guard exit.succeeded else {
                context.console.err("sota train: \(step.name) failed: \(exit.description)")
                return ExitStatus.stageFailed
            }
        }
        context.console.err("sota train: done; outputs in \(context.display(outputDir.map(context.absolute) ?? Paths.join(scratch.directory, RunLayout.checkpoints)))")
        return ExitStatus.success
    }
}

/// `sota evaluate`: one evaluation of a checkpoint, gates shown but not recorded.
struct EvaluateCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a checkpoint directly, for debugging: gates are shown, nothing is recorded.",
        discussion: """
        Examples:
          sota evaluate --checkpoint runs/<id>/checkpoints/checkpoint.json \\
              --config configs/small_eval.yaml
        """
    )

    @Option(help: ArgumentHelp("The checkpoint file to evaluate.", valueName: "file"), completion: .file())
    var checkpoint: String

    @Option(help: ArgumentHelp("The evaluation config.", valueName: "file"), completion: CompletionCandidates.config)
    var config: String

    @Option(help: ArgumentHelp("Where the metrics JSON goes (default: .sota/scratch/evaluate-<id>/metrics.json).", valueName: "file"), completion: .file())
    var output: String?

    @OptionGroup var overrides: OverrideOptions
    @OptionGroup var global: GlobalOptions

    func run(in context: CommandContext) throws -> Int32 {
        let (project, problems) = context.project(explicit: global.project, near: config)
        let sets = try OverrideParsing.parse(overrides.assignments)
        let loaded = ConfigLoader(project: project, searchPath: context.environment["PATH"])
            .load(path: context.absolute(config), displayPath: context.display(context.absolute(config)), overrides: sets)
        guard let evaluation = loaded.config, evaluation.kind == .evaluation, !problems.hasErrors else {
            return Standalone.report(problems + loaded.diagnostics + (loaded.config == nil ? [] : [.error(at: SourceLocation(file: config), "is not an evaluation config")]), context)
        }
        let checkpointPath = context.absolute(checkpoint)
        guard Paths.kind(of: checkpointPath) == .file else { throw ValidationError("--checkpoint: no file at \(checkpoint)") }
        let scratch = Standalone.scratch(project: project, kind: "evaluate")
        try Standalone.prepare(scratch.directory, checkpoints: nil)
        let configPath = Paths.join(scratch.directory, RunLayout.resolvedConfig)
        try AtomicFile.write(evaluation.resolvedJSON, to: configPath)
        let metrics = output.map(context.absolute) ?? Paths.join(scratch.directory, evaluation.evaluation!.metrics)
        let values = ["config": configPath, "train_config": "", "stage": "evaluate", "epochs": "", "run_dir": scratch.directory,
                      "checkpoint_dir": Paths.parent(of: checkpointPath), "checkpoint": checkpointPath, "metrics": metrics,
                      "seed": evaluation.seed.map(String.init) ?? ""]
        let step = PlannedStep(
            phase: .fullEval, name: "evaluate",
            arguments: evaluation.evaluation!.command.value.map { CommandTemplate.fill($0, with: values) },
            environment: [EnvironmentVariable("SOTA_STAGE", "evaluate"), EnvironmentVariable("SOTA_CONFIG", configPath),
                          EnvironmentVariable("SOTA_METRICS", metrics), EnvironmentVariable("SOTA_RUN_DIR", scratch.directory)],
            outputs: [], gates: evaluation.gates, timeout: evaluation.evaluation!.timeout, logFile: ""
        )
        let plan = RunPlan(runID: scratch.runID, runDirectory: scratch.directory, training: evaluation, smallEval: nil, fullEval: nil,
                           steps: [step], sharedEnvironment: [])
        context.console.err("sota evaluate: \(step.arguments.joined(separator: " "))")
        let exit = try Standalone.execute(step, plan: plan, project: project, context: context)
        guard exit.succeeded else {
            context.console.err("sota evaluate: failed: \(exit.description)")
            return ExitStatus.stageFailed
        }
        let contents: MetricsFile.Contents
        switch MetricsFile.read(metrics) {
        case .success(let read): contents = read
        case .failure(let problem):
            context.console.err("sota evaluate: the program exited 0 but \(context.display(metrics)) \(problem)")
            return ExitStatus.stageFailed
        }
        // A gated metric written as something other than a number is named; one simply absent fails its gate below.
        let unusable = evaluation.gates.map(\.metric).filter { contents.nonMetrics[$0] != nil }
        if let problem = contents.problem(gated: unusable, file: context.display(metrics)) {
            context.console.err("sota evaluate: \(problem)")
            return ExitStatus.stageFailed
        }
        let measured = contents.metrics
        for (key, value) in measured.sorted(by: { $0.key < $1.key }) { context.console.out("\(key): \(JSONValue.shortNumber(value))") }
        let gates = GateEvaluator.evaluate(evaluation.gates, phase: "evaluate", metrics: measured) { _ in nil }
        for gate in gates { context.console.out("gate \(gate.name): \(gate.passed ? "pass" : "FAIL")  \(gate.reason)") }
        context.console.err("metrics: \(context.display(metrics))")
        return gates.allSatisfy(\.passed) ? ExitStatus.success : ExitStatus.gateRejected
    }
}

/// Shared plumbing of the standalone commands.
enum Standalone {
    /// Writes an `--output` file atomically, making its folder as `report --output` does, so
    /// `--output docs/catalog.csv` just works; false after printing an error that names the flag.
    static func writeOutput(_ text: String, to output: String, _ context: CommandContext) -> Bool {
        let path = context.absolute(output)
        let location = SourceLocation(file: "--output \(output)")
        do {
            try FileManager.default.createDirectory(atPath: Paths.parent(of: path), withIntermediateDirectories: true)
        } catch {
            context.console.error("cannot create the folder \(context.display(Paths.parent(of: path))): \(SystemErrorText.reason(error))", at: location)
            return false
        }
        do {
            try AtomicFile.write(text, to: path)
        } catch {
            context.console.error(error.description, at: location)
            return false
        }
        return true
    }

    static func report(_ diagnostics: [Diagnostic], _ context: CommandContext) -> Int32 {
        context.console.report(diagnostics)
        return ExitStatus.checkFailed
    }

    /// A scratch run under `.sota/scratch/`: the project as planned for it, the run id and its folder.
    static func scratch(project: Project, kind: String) -> (project: Project, runID: String, directory: String) {
        var scratchProject = project
        scratchProject.runsDirectory = ".sota/scratch"
        let id = "\(kind)-" + RunID.make().text
        return (scratchProject, id, scratchProject.resolve(Paths.join(scratchProject.runsDirectory, id)))
    }

    static func prepare(_ directory: String, checkpoints: String?) throws {
        try FileManager.default.createDirectory(atPath: Paths.join(directory, RunLayout.checkpoints), withIntermediateDirectories: true)
        if let checkpoints { try FileManager.default.createDirectory(atPath: checkpoints, withIntermediateDirectories: true) }
    }

    /// The plan with `checkpoints` as its checkpoint folder instead of the scratch run's, in arguments and environment.
    static func redirect(_ plan: RunPlan, checkpoints: String?, runDirectory: String) -> RunPlan {
        guard let checkpoints else { return plan }
        let scratch = Paths.join(runDirectory, RunLayout.checkpoints)
        func move(_ text: String) -> String { text.replacing(scratch, with: checkpoints) }
        var copy = plan
        copy.sharedEnvironment = plan.sharedEnvironment.map { EnvironmentVariable($0.name, move($0.value)) }
        copy.steps = plan.steps.map { step in
            var moved = step
            moved.arguments = step.arguments.map(move)
            moved.environment = step.environment.map { EnvironmentVariable($0.name, move($0.value)) }
            return moved
        }
        return copy
    }

    /// Runs the step with output on the terminal, environment as `sota run` gives it.
    static func execute(_ step: PlannedStep, plan: RunPlan, project: Project, context: CommandContext) throws -> ChildExit {
        var environment = context.environment
        for variable in plan.sharedEnvironment + step.environment { environment[variable.name] = variable.value }
        guard let program = step.arguments.first,
              let executable = Paths.findExecutable(program, path: environment["PATH"], relativeTo: project.root) else {
            throw ValidationError("program `\(step.arguments.first ?? "")` not found")
        }
        try ChildProcess.prepareSignalHandling()
        let child = ChildProcess(executable: executable, arguments: step.arguments, environment: environment,
                                 workingDirectory: project.root, logFile: "/dev/stdout", timeout: step.timeout,
                                 gracePeriod: DurationValue(seconds: 10))
        return try child.run()
    }
}
