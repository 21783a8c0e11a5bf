import SotaSupport
import SotaConfig
import SotaRunRecord

/// Everything a run will do, computed before anything runs: steps, exact commands and environments, gates and outputs.
package struct RunPlan: Sendable {
    /// The run id the plan was made for.
    package var runID: String
    /// The run directory, relative to the project root.
    package var runDirectory: String
    /// The training config.
    package var training: RunConfig
    /// The proxy-gate evaluation config.
    package var smallEval: RunConfig?
    /// The full evaluation config.
    package var fullEval: RunConfig?
    /// Child processes in order.
    package var steps: [PlannedStep]
    /// Variables every child gets on top of the inherited environment.
    package var sharedEnvironment: [EnvironmentVariable]
    /// The config key paths whose product is a training stage's work, and its unit (the project's `cost:`), for the
    /// cost estimate; nil keys for epochs × samples.
    package var workModel: (keys: [Located<String>]?, unit: String) = (nil, "samples")

    /// Creates a plan; ``RunPlanner`` makes the ones `sota run` uses.
    package init(runID: String, runDirectory: String, training: RunConfig, smallEval: RunConfig?, fullEval: RunConfig?,
                steps: [PlannedStep], sharedEnvironment: [EnvironmentVariable]) {
        self.runID = runID
        self.runDirectory = runDirectory
        self.training = training
        self.smallEval = smallEval
        self.fullEval = fullEval
        self.steps = steps
        self.sharedEnvironment = sharedEnvironment
    }
}

/// A `NAME=value` pair given to a child.
package struct EnvironmentVariable: Sendable, Equatable {
    /// The variable name.
    package var name: String
    /// Its value.
    package var value: String

    /// Creates a variable.
    package init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// One child process of a run.
package struct PlannedStep: Sendable {
    /// Which pipeline stage the child belongs to.
    package enum Phase: String, Sendable, CaseIterable {
        case train, smallEval = "small_eval", fullEval = "full_eval"

        /// Position in the pipeline: training, then the proxy-gate evaluation, then the full evaluation.
        package var order: Int { Self.allCases.firstIndex(of: self)! }
    }

    /// The pipeline stage.
    package var phase: Phase
    /// The step's name: the training stage name, or `small_eval` / `full_eval`.
    package var name: String
    /// The exact argument vector, placeholders filled.
    package var arguments: [String]
    /// Variables specific to this child.
    package var environment: [EnvironmentVariable]
    /// Files the step must leave, relative to the run directory.
    package var outputs: [String]
    /// Gates checked on this step's metrics.
    package var gates: [GateSpec]
    /// Kill the child after this long.
    package var timeout: DurationValue?
    /// The log file, relative to the run directory.
    package var logFile: String
    /// The step's size for cost calibration: epochs × samples per epoch for a training stage (epochs alone when the
    /// config declares no `data.samples`); nil for evaluations, which are compared by stage and GPU only.
    package var work: Double?

    /// Creates a step.
    package init(phase: Phase, name: String, arguments: [String], environment: [EnvironmentVariable], outputs: [String],
                gates: [GateSpec], timeout: DurationValue?, logFile: String, work: Double? = nil) {
        self.phase = phase
        self.name = name
        self.arguments = arguments
        self.environment = environment
        self.outputs = outputs
        self.gates = gates
        self.timeout = timeout
        self.logFile = logFile
        self.work = work
    }
}

/// Builds run plans from configs. Pure: no files are read or written.
package enum RunPlanner {
    /// The size of `stage` for calibration: its work under the project's model, else its epochs (× `data.samples`
    /// when given), as manifests before `cost.work` recorded it.
    static func stageWork(_ stage: StageSpec, training: RunConfig, project: Project) -> Double {
        if case .success(let factors) = WorkModel.factors(of: stage, in: training, keys: project.costWork), let work = WorkModel.work(factors) {
            return work
        }
        return Double(stage.epochs.value) * Double(training.data?.samples?.value ?? 1)
    }

    /// The plan for `training` (with its evaluation configs) as run `runID` in `project`.
    package static func plan(
        training: RunConfig, smallEval: RunConfig?, fullEval: RunConfig?, project: Project, runID: String, devices: String = "0"
    ) -> RunPlan {
        let runDirectory = Paths.join(project.runsDirectory, runID)
        let runPath = project.resolve(runDirectory)
        let checkpointDir = Paths.join(runPath, RunLayout.checkpoints)
        let trainConfig = Paths.join(runPath, RunLayout.resolvedConfig)
        let checkpoint = Paths.join(checkpointDir, training.training?.checkpoint ?? "checkpoint")
        var shared = [
            EnvironmentVariable("SOTA_RUN_ID", runID),
            EnvironmentVariable("SOTA_RUN_DIR", runPath),
            EnvironmentVariable("SOTA_PROJECT_ROOT", project.root),
            EnvironmentVariable("SOTA_CHECKPOINT_DIR", checkpointDir),
        ]
        if let seed = training.seed { shared.append(EnvironmentVariable("SOTA_SEED", String(seed))) }
        if let variable = training.resources.platform.visibleDevicesVariable {
            shared.append(EnvironmentVariable(variable, devices))
        }
        var steps: [PlannedStep] = []
        for stage in training.training?.stages ?? [] {
            let values = [
                "config": trainConfig, "train_config": trainConfig, "stage": stage.name, "epochs": String(stage.epochs.value),
                "run_dir": runPath, "checkpoint_dir": checkpointDir, "checkpoint": checkpoint, "metrics": "",
                "seed": training.seed.map(String.init) ?? "",
            ]
            steps.append(PlannedStep(
                phase: .train, name: stage.name,
                arguments: training.training!.command.value.map { CommandTemplate.fill($0, with: values) },
                environment: [EnvironmentVariable("SOTA_STAGE", stage.name), EnvironmentVariable("SOTA_CONFIG", trainConfig),
                              EnvironmentVariable("SOTA_EPOCHS", String(stage.epochs.value))],
                outputs: stage.outputs.map { Paths.join(RunLayout.checkpoints, $0) },
                gates: [], timeout: stage.timeout,
                logFile: RunLayout.trainingLog(stage: stage.name),
                work: stageWork(stage, training: training, project: project)
            ))
        }
        for (phase, config) in [(PlannedStep.Phase.smallEval, smallEval), (.fullEval, fullEval)] {
            guard let config, let evaluation = config.evaluation else { continue }
            let folder = Paths.join(runPath, phase.rawValue)
            let configPath = Paths.join(folder, RunLayout.resolvedConfig)
            let metrics = Paths.join(folder, evaluation.metrics)
            let values = [
                "config": configPath, "train_config": trainConfig, "stage": phase.rawValue, "epochs": "",
                "run_dir": runPath, "checkpoint_dir": checkpointDir, "checkpoint": checkpoint, "metrics": metrics,
                "seed": (config.seed ?? training.seed).map(String.init) ?? "",
            ]
            steps.append(PlannedStep(
                phase: phase, name: phase.rawValue,
                arguments: evaluation.command.value.map { CommandTemplate.fill($0, with: values) },
                environment: [EnvironmentVariable("SOTA_STAGE", phase.rawValue), EnvironmentVariable("SOTA_CONFIG", configPath),
                              EnvironmentVariable("SOTA_METRICS", metrics)],
                outputs: [Paths.join(phase.rawValue, evaluation.metrics)],
                gates: config.gates, timeout: evaluation.timeout,
                logFile: RunLayout.evaluationLog(phase: phase.rawValue)
            ))
        }
        var plan = RunPlan(runID: runID, runDirectory: runDirectory, training: training, smallEval: smallEval, fullEval: fullEval,
                       steps: steps, sharedEnvironment: shared)
        plan.workModel = (project.costWork, project.costUnit)
        return plan
    }
}
