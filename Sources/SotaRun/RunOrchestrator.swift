import FoundationEssentials
import Glibc
import SotaSupport
import SotaConfig
import SotaData
import SotaGit
import SotaPlan
import SotaRunRecord

/// What the orchestrator needs from the leaderboard: a baseline to beat and a place to record the run.
package protocol RunIndex: Sendable {
    /// The production (or best passed) value of `metric` for `experiment`.
    func baseline(metric: String, phase: String, direction: MetricDirection, experiment: String) throws -> GateEvaluator.Baseline?
    /// Records (or re-records) the run.
    func record(_ manifest: RunManifest, manifestPath: String) throws
}

/// What happens during a run, for the console.
package enum RunEvent: Sendable {
    /// A step's child started; `log` is its log file, which already holds the attempt's header.
    case stepStarted(name: String, phase: String, attempt: Int, log: String)
    /// A step is running; `log` is its log file (``StepLogTail/lastLine(of:)`` reads its last line for a console's
    /// live line or heartbeat).
    case stepProgress(name: String, elapsed: Double, log: String)
    /// A step ended.
    case stepFinished(name: String, status: RunManifest.Status, seconds: Double, detail: String)
    /// The last lines the child of a failed step wrote (its traceback, usually), to show under the failure.
    case stepOutput(name: String, lines: [String])
    /// A step was not run, and why.
    case stepSkipped(name: String, reason: String)
    /// A gate was decided.
    case gate(RunManifest.GateRecord)
    /// Something worth telling.
    case note(String)
    /// Something worth a warning.
    case warning(String)
}

/// Everything one run needs.
package struct RunRequest: Sendable {
    /// The training config.
    package var training: RunConfig
    /// The proxy-gate evaluation config.
    package var smallEval: RunConfig?
    /// The full evaluation config.
    package var fullEval: RunConfig?
    /// The project.
    package var project: Project
    /// The run id.
    package var runID: String
    /// Device ids for children (`CUDA_VISIBLE_DEVICES`).
    package var devices: String
    /// Retries of a failed stage (nil: the config's `training.max_retries`).
    package var maxRetries: Int?
    /// Time between SIGTERM and SIGKILL when stopping a child.
    package var gracePeriod: DurationValue
    /// The environment children inherit.
    package var environment: [String: String]
    /// The last phase to run before handing the run back as pending (a Slurm stage job runs one phase); nil runs
    /// to the end and decides the run.
    package var lastPhase: PlannedStep.Phase?

    /// Creates a request.
    package init(training: RunConfig, smallEval: RunConfig?, fullEval: RunConfig?, project: Project, runID: String,
                devices: String, maxRetries: Int?, gracePeriod: DurationValue, environment: [String: String],
                lastPhase: PlannedStep.Phase? = nil) {
        self.training = training
        self.smallEval = smallEval
        self.fullEval = fullEval
        self.project = project
        self.runID = runID
        self.devices = devices
        self.maxRetries = maxRetries
        self.gracePeriod = gracePeriod
        self.environment = environment
        self.lastPhase = lastPhase
    }
}

/// How a run ended.
package struct RunOutcome: Sendable {
    /// The final manifest.
    package var manifest: RunManifest
    /// The run directory.
    package var runDirectory: String
    /// The process exit status.
    package var exitStatus: Int32
}

/// Drives a run: stage 1 validation, training stages, the proxy-gate evaluation, the full evaluation and gating,
/// writing the run directory as it goes so that a kill at any moment leaves a resumable run.
package struct RunOrchestrator: Sendable {
    /// The request.
    package let request: RunRequest
    /// The leaderboard, when one is used.
    package let index: (any RunIndex)?
    /// Receives progress events.
    package let observe: @Sendable (RunEvent) -> Void

    /// The steps, computed once from the request.
    private let plan: RunPlan

    /// Creates an orchestrator.
    package init(request: RunRequest, index: (any RunIndex)?, observe: @escaping @Sendable (RunEvent) -> Void) {
        self.request = request
        self.index = index
        self.observe = observe
        self.plan = RunPlanner.plan(training: request.training, smallEval: request.smallEval, fullEval: request.fullEval,
                                    project: request.project, runID: request.runID, devices: request.devices)
    }

    private var runDirectory: String { request.project.resolve(plan.runDirectory) }
    private var manifestPath: String { Paths.join(runDirectory, RunLayout.manifest) }

    /// Stage 1: data checksums and array checks, program and folder checks. No file is written.
    package func validate() -> (diagnostics: [Diagnostic], data: [RunManifest.FileRecord]) {
        var diagnostics: [Diagnostic] = []
        var data: [RunManifest.FileRecord] = []
        if let spec = request.training.data {
            let report = DatasetValidator(project: request.project, display: { [root = request.project.root] in Paths.relative($0, to: root) })
                .validate(spec)
            diagnostics += report.diagnostics
            if let sha = report.sha256, let size = report.size {
                data.append(RunManifest.FileRecord(path: spec.path.value, sha256: sha, size: size))
            }
        }
        diagnostics += PlanChecks(searchPath: request.environment["PATH"]).run(plan, project: request.project).compactMap(\.diagnostic)
        return (diagnostics, data)
    }

    /// Creates the run directory and runs every step. Call ``validate()`` first.
    package func start(data: [RunManifest.FileRecord], git: GitProvenance) throws -> RunOutcome {
        let (manifest, lock) = try create(data: data, git: git, status: .running)
        return try execute(manifest, lock: lock)
    }

    /// Creates the run directory with a pending manifest and runs nothing, for steps that run elsewhere later
    /// (Slurm stage jobs resume it one phase at a time). Call ``validate()`` first.
    @discardableResult
    package func prepare(data: [RunManifest.FileRecord], git: GitProvenance) throws -> RunManifest {
        try create(data: data, git: git, status: .pending).manifest
    }

    private func create(data: [RunManifest.FileRecord], git: GitProvenance, status: RunManifest.Status) throws -> (manifest: RunManifest, lock: RunDirectoryLock) {
        let runs = Paths.parent(of: runDirectory)
        if mkdir(runs, 0o777) != 0, errno != EEXIST {
            try FileManager.default.createDirectory(atPath: runs, withIntermediateDirectories: true)
        }
        // mkdir, not createDirectory(withIntermediateDirectories:), so an existing id is an error, never shared.
        guard mkdir(runDirectory, 0o755) == 0 else { throw FileError(path: runDirectory, operation: "create run directory", errno: errno) }
        let lock = try RunDirectoryLock(runDirectory: runDirectory)
        // The run directory is new, so its folders are created one level each with mkdir (FileManager would stat
        // every component of every path first).
        for folder in [RunLayout.logs, RunLayout.markers, RunLayout.checkpoints] + plan.steps.filter({ $0.phase != .train }).map(\.phase.rawValue) {
            let path = Paths.join(runDirectory, folder)
            guard mkdir(path, 0o777) == 0 || errno == EEXIST else { throw FileError(path: path, operation: "create folder", errno: errno) }
        }
        try writeResolvedConfigs()
        var manifest = RunManifest(
            runID: request.runID, experiment: request.training.experiment, created: Timestamp.string(Date()),
            config: record(request.training), evalConfigs: evalRecords(), git: Self.gitRecord(git), data: data,
            host: ProcessInfo.processInfo.hostName,
            hardware: RunManifest.HardwareRecord(
                gpuType: request.training.resources.gpu?.value, gpuCount: request.training.resources.gpus?.value ?? 1,
                devices: request.devices, platform: request.training.resources.platform.rawValue, observed: observedHardware()
            ),
            stages: plan.steps.map { RunManifest.StageRecord(name: $0.name, phase: $0.phase.rawValue, log: $0.logFile, work: $0.work) }
        )
        manifest.status = status
        manifest.parameters = Self.parameters(of: request.training, declared: request.project.parameterKeys)
        try manifest.write(to: manifestPath)
        return (manifest, lock)
    }

    /// The run's hyperparameters as its manifest records them.
    static func parameters(of config: RunConfig, declared: [String]?) -> [String: RunManifest.ParameterValue] {
        var out: [String: RunManifest.ParameterValue] = [:]
        for (key, node) in config.parameters(declared: declared) {
            switch node.value {
            case .bool(let value): out[key] = .flag(value)
            case .int, .double: if let number = node.numberValue, number.isFinite { out[key] = .number(number) }
            case .string(let text): out[key] = .text(text)
            default: out[key] = .text(CanonicalForm.json(node))
            }
        }
        return out
    }

    /// Continues a run from its first unfinished step; finished steps whose inputs are unchanged are kept.
    ///
    /// The run lock is held by every process of an attempt (each child's guardian keeps it), so a resume right after
    /// sota was killed waits, up to the grace period and two seconds more, while the earlier attempt's children are
    /// being stopped; a stage never runs twice at once.
    package func resume(_ existing: RunManifest) throws -> RunOutcome {
        let lock = try RunDirectoryLock.acquire(runDirectory: runDirectory, waitingUpTo: request.gracePeriod.seconds + 2) {
            observe(.note("waiting for the processes of an earlier attempt to stop (the run is locked)"))
        }
        try writeResolvedConfigs()
        var manifest = existing
        manifest.status = .running
        // A resumed run (a Slurm stage job on its node, say) records the hardware its remaining steps run on.
        manifest.hardware.observed = observedHardware()
        manifest.config = record(request.training)
        manifest.evalConfigs = evalRecords()
        manifest.failures = []
        manifest.gates = []
        manifest.passed = nil
        // Steps are matched by name so a changed stage list still resumes sensibly.
        manifest.stages = plan.steps.map { step in
            existing.stages.first { $0.name == step.name && $0.phase == step.phase.rawValue }
                ?? RunManifest.StageRecord(name: step.name, phase: step.phase.rawValue, log: step.logFile, work: step.work)
        }
        try manifest.write(to: manifestPath)
        return try execute(manifest, lock: lock)
    }

    /// The hardware this process's children get (see ``HardwareProbe``).
    private func observedHardware() -> String {
        HardwareProbe.observe(devices: request.devices, environment: request.environment, directory: request.project.root)
    }

    private func record(_ config: RunConfig) -> RunManifest.ConfigRecord {
        RunManifest.ConfigRecord(path: Paths.relative(config.path, to: request.project.root), hash: config.hash,
                                 overrides: config.overrides.map { "\($0.keyPath)=\($0.valueText)" })
    }

    private func evalRecords() -> [String: RunManifest.ConfigRecord] {
        var records: [String: RunManifest.ConfigRecord] = [:]
        if let small = request.smallEval { records["small_eval"] = record(small) }
        if let full = request.fullEval { records["full_eval"] = record(full) }
        return records
    }

    static func gitRecord(_ git: GitProvenance) -> RunManifest.GitRecord {
        RunManifest.GitRecord(git)
    }

    private func writeResolvedConfigs() throws {
        try AtomicFile.write(request.training.resolvedJSON, to: Paths.join(runDirectory, RunLayout.resolvedConfig))
        try AtomicFile.write(YAMLEmitter.emit(request.training.tree), to: Paths.join(runDirectory, RunLayout.configAsRun))
        for (phase, config) in [("small_eval", request.smallEval), ("full_eval", request.fullEval)] {
            guard let config else { continue }
            try AtomicFile.write(config.resolvedJSON, to: Paths.join(runDirectory, "\(phase)/config.json"))
        }
    }

    // MARK: - Steps

    private func execute(_ start: RunManifest, lock: RunDirectoryLock) throws -> RunOutcome {
        defer { withExtendedLifetime(lock) {} }
        var manifest = start
        let steps = plan.steps
        var upstreamHex = SHA256.hex(of: [UInt8]())
        var blocked: String?
        // Programs found on PATH, by name and PATH: a pipeline's stages usually share one interpreter, and each
        // search stats every folder on the PATH before the one that holds it.
        var programs: [String: String] = [:]
        // The resolved configs' digests, by file: written before the first step, and shared by a phase's steps.
        var configDigests: [String: String] = [:]
        for (index, step) in steps.enumerated() {
            if blocked == nil, let last = request.lastPhase, step.phase.order > last.order {
                return try pause(&manifest, after: last)
            }
            if let reason = blocked {
                manifest.stages[index].status = .skipped
                observe(.stepSkipped(name: step.name, reason: reason))
                continue
            }
            let inputs = stepInputs(step, upstream: upstreamHex, configDigests: &configDigests)
            if let marker = StageMarker.read(stage: step.name, in: runDirectory) {
                if let change = marker.inputs.changes(to: inputs) {
                    observe(.note("\(step.name): reruns because \(change)"))
                } else if let problem = marker.outputProblem(in: runDirectory) {
                    observe(.note("\(step.name): reruns because \(problem)"))
                } else {
                    manifest.stages[index].status = .succeeded
                    manifest.stages[index].outputs = marker.outputs
                    observe(.stepSkipped(name: step.name, reason: "already done"))
                    upstreamHex = SHA256.hex(of: Array((upstreamHex + marker.outputs.map(\.sha256).joined(with: "")).utf8))
                    if step.phase != .train {
                        let outcome = try gateStep(step, index: index, metrics: nil, manifest: &manifest)
                        if let outcome { return outcome }
                    }
                    continue
                }
            }
            if let signal = ChildProcess.stopSignal { return try interrupted(&manifest, index: index, signal: signal) }
            let result = try runStep(step, index: index, inputs: inputs, programs: &programs, manifest: &manifest, lock: lock)
            switch result {
            case .succeeded(let outputs, let metrics):
                upstreamHex = SHA256.hex(of: Array((upstreamHex + outputs.map(\.sha256).joined(with: "")).utf8))
                if step.phase != .train, let outcome = try gateStep(step, index: index, metrics: metrics, manifest: &manifest) {
                    return outcome
                }
            case .interrupted(let signal):
                return try interrupted(&manifest, index: index, signal: signal)
            case .failed:
                blocked = "step \(step.name) failed"
            }
        }
        if blocked == nil, let last = request.lastPhase {
            // The decision is the gate job's, even when this phase was the pipeline's last.
            return try pause(&manifest, after: last)
        }
        if blocked != nil {
            manifest.status = .failed
            try finish(&manifest)
            return RunOutcome(manifest: manifest, runDirectory: runDirectory, exitStatus: ExitStatus.stageFailed)
        }
        manifest.status = manifest.passed == false ? .rejected : .succeeded
        if manifest.passed == nil { manifest.passed = true }
        try finish(&manifest)
        return RunOutcome(manifest: manifest, runDirectory: runDirectory,
                          exitStatus: manifest.status == .succeeded ? ExitStatus.success : ExitStatus.gateRejected)
    }

    /// This job's phases are done: the run waits, pending, for the job that runs the next step or decides it.
    private func pause(_ manifest: inout RunManifest, after last: PlannedStep.Phase) throws -> RunOutcome {
        manifest.status = .pending
        try save(&manifest)
        observe(.note("\(last.rawValue) finished; the run is pending until its next step runs"))
        return RunOutcome(manifest: manifest, runDirectory: runDirectory, exitStatus: ExitStatus.success)
    }

    private enum StepResult {
        /// The outputs' records, and an evaluation's metrics as read when its outputs were checked.
        case succeeded([RunManifest.FileRecord], metrics: [String: Double]?)
        case failed
        case interrupted(Int32)
    }

    private func stepInputs(_ step: PlannedStep, upstream: String, configDigests: inout [String: String]) -> StageMarker.Inputs {
        let commandText = (step.arguments + step.environment.map { "\($0.name)=\($0.value)" }).joined(with: "\u{0}")
        let configFile = step.phase == .train ? RunLayout.resolvedConfig : Paths.join(step.phase.rawValue, RunLayout.resolvedConfig)
        let config = configDigests[configFile] ?? (try? FileStream.sha256(of: Paths.join(runDirectory, configFile)).hex) ?? ""
        configDigests[configFile] = config
        return StageMarker.Inputs(command: SHA256.hex(of: Array(commandText.utf8)), config: config, upstream: upstream)
    }

    private func runStep(_ step: PlannedStep, index: Int, inputs: StageMarker.Inputs, programs: inout [String: String],
                         manifest: inout RunManifest, lock: RunDirectoryLock) throws -> StepResult {
        let retries = request.maxRetries ?? request.training.training?.maxRetries ?? 0
        let logPath = Paths.join(runDirectory, step.logFile)
        var environment = request.environment
        let trackers = TrackerEnvironment.variables(runID: plan.runID, experiment: request.training.experiment, stage: step.name,
                                                    environment: request.environment,
                                                    urlFile: request.project.trackerURLFile.map { Paths.join(runDirectory, $0) })
        for variable in trackers + plan.sharedEnvironment + step.environment { environment[variable.name] = variable.value }
        if let history = stepMetricsFile { environment[StepHistory.environmentVariable] = Paths.join(runDirectory, history) }
        guard let program = step.arguments.first else {
            return try fail(step, index: index, reason: "the step has no command", manifest: &manifest)
        }
        let lookup = program + "\u{0}" + (environment["PATH"] ?? "")
        guard let executable = programs[lookup]
                ?? Paths.findExecutable(program, path: environment["PATH"], relativeTo: request.project.root) else {
            return try fail(step, index: index, reason: "program `\(program)` not found", manifest: &manifest)
        }
        programs[lookup] = executable
        // A rerun must not pass on the strength of outputs left by an earlier attempt.
        for output in step.outputs { unlink(Paths.join(runDirectory, output)) }
        unlink(StageMarker.path(for: step.name, in: runDirectory))
        var lastReason = ""
        for attempt in 1...(retries + 1) {
            manifest.stages[index].status = .running
            // Saturating: on --resume the count comes from the manifest on disk, which may hold any integer.
            let (next, overflow) = manifest.stages[index].attempts.addingReportingOverflow(1)
            manifest.stages[index].attempts = overflow ? .max : next
            manifest.stages[index].started = Timestamp.string(Date())
            manifest.stages[index].exitCode = nil
            manifest.stages[index].signal = nil
            // The manifest records the running step at the child's first progress tick (within 0.2 s), not before
            // it starts: a step that ends sooner is recorded by the next write, one file instead of two, and
            // --resume trusts the markers, not this record.
            var startRecorded = false
            appendLog(logPath, "=== sota: \(step.name) attempt \(attempt) of \(retries + 1), \(Timestamp.string(Date())) ===\n$ \(step.arguments.joined(with: " "))\n")
            observe(.stepStarted(name: step.name, phase: step.phase.rawValue, attempt: attempt, log: logPath))
            faultPoint("spawn:\(step.name)")
            let child = ChildProcess(executable: executable, arguments: step.arguments, environment: environment,
                                     workingDirectory: request.project.root, logFile: logPath, timeout: step.timeout,
                                     gracePeriod: request.gracePeriod, heldDescriptor: lock.descriptor)
            let began = Date()
            let exit: ChildExit
            do {
                exit = try child.run { elapsed in
                    if !startRecorded, elapsed >= 0.05 {
                        startRecorded = true
                        // A failed write here surfaces at the step's next write, which must succeed too.
                        try? save(&manifest)
                    }
                    observe(.stepProgress(name: step.name, elapsed: elapsed, log: logPath))
                }
            } catch {
                return try fail(step, index: index, reason: "\(error)", manifest: &manifest)
            }
            let seconds = Date().timeIntervalSince(began)
            manifest.stages[index].seconds = seconds
            manifest.stages[index].finished = Timestamp.string(Date())
            switch exit {
            case .exited(let code): manifest.stages[index].exitCode = code
            case .signaled(let signal): manifest.stages[index].signal = signal
            case .interrupted(let signal):
                manifest.stages[index].signal = signal
                appendLog(logPath, "=== sota: interrupted by signal \(signal); the run can be resumed ===\n")
                return .interrupted(signal)
            case .timedOut: break
            }
            if exit.succeeded {
                let missing = step.outputs.filter { output in
                    let path = Paths.join(runDirectory, output)
                    var info = stat()
                    return stat(path, &info) != 0 || info.st_size == 0
                }
                if missing.isEmpty {
                    var records: [RunManifest.FileRecord] = []
                    for output in step.outputs {
                        let digest = try FileStream.sha256(of: Paths.join(runDirectory, output))
                        records.append(RunManifest.FileRecord(path: output, sha256: digest.hex, size: digest.size))
                    }
                    let metrics = step.phase == .train ? nil : readMetrics(step)
                    if case .failure(let problem) = metrics {
                        lastReason = problem.description
                    } else {
                        try StageMarker(stage: step.name, inputs: inputs, outputs: records, finished: Timestamp.string(Date()))
                            .write(in: runDirectory)
                        faultPoint("marker:\(step.name)")
                        manifest.stages[index].status = .succeeded
                        manifest.stages[index].outputs = records
                        manifest.stages[index].inputsFingerprint = SHA256.hex(of: Array("\(inputs.command)\(inputs.config)\(inputs.upstream)".utf8))
                        // No manifest write here: the marker already makes the step durable for --resume, and the
                        // next write (the next step's start, or the run's end) records it, one file instead of two.
                        observe(.stepFinished(name: step.name, status: .succeeded, seconds: seconds, detail: ""))
                        return .succeeded(records, metrics: try? metrics?.get())
                    }
                } else {
                    lastReason = "exited 0 but left no output (or an empty one): " + missing.joined(separator: ", ")
                }
            } else {
                lastReason = exit.description
            }
            appendLog(logPath, "=== sota: \(step.name) failed: \(lastReason) ===\n")
            if attempt <= retries {
                observe(.note("\(step.name): \(lastReason); retrying (\(attempt + 1) of \(retries + 1))"))
            }
        }
        return try fail(step, index: index, reason: lastReason, manifest: &manifest)
    }

    private func fail(_ step: PlannedStep, index: Int, reason: String, manifest: inout RunManifest) throws -> StepResult {
        manifest.stages[index].status = .failed
        manifest.failures.append(RunManifest.FailureRecord(stage: step.name, reason: reason, log: step.logFile))
        try save(&manifest)
        observe(.stepFinished(name: step.name, status: .failed, seconds: manifest.stages[index].seconds ?? 0,
                              detail: "\(reason); see \(Paths.join(plan.runDirectory, step.logFile))"))
        let tail = StepLogTail.lines(of: Paths.join(runDirectory, step.logFile))
        if !tail.isEmpty { observe(.stepOutput(name: step.name, lines: tail)) }
        return .failed
    }

    /// An evaluation's metrics, which must be a JSON object holding every gated metric as a number.
    private func readMetrics(_ step: PlannedStep) -> Result<[String: Double], MetricsProblem>? {
        guard let file = step.outputs.first else { return nil }
        switch MetricsFile.read(Paths.join(runDirectory, file)) {
        case .failure(let problem): return .failure(MetricsProblem("metrics file \(file): \(problem)"))
        case .success(let contents):
            if let problem = contents.problem(gated: step.gates.map(\.metric), file: file) { return .failure(MetricsProblem(problem)) }
            return .success(contents.metrics)
        }
    }

    /// Decides an evaluation's gates on `metrics`, or on its metrics file when not given; returns an outcome when
    /// the run stops here.
    private func gateStep(_ step: PlannedStep, index: Int, metrics known: [String: Double]?, manifest: inout RunManifest) throws -> RunOutcome? {
        guard let metrics = known ?? step.outputs.first.flatMap({ try? MetricsFile.read(Paths.join(runDirectory, $0)).get().metrics }) else {
            return nil
        }
        manifest.metrics[step.phase.rawValue] = metrics
        let experiment = request.training.experiment
        var baselineError: String?
        let records = GateEvaluator.evaluate(step.gates, phase: step.phase.rawValue, metrics: metrics) { gate in
            do {
                return try self.index?.baseline(metric: gate.metric, phase: step.phase.rawValue, direction: gate.direction, experiment: experiment)
            } catch {
                baselineError = "\(error)"
                return nil
            }
        }
        if let baselineError { observe(.warning("no baseline for improvement gates: \(baselineError)")) }
        faultPoint("gate:\(step.phase.rawValue)")
        manifest.gates.removeAll { $0.phase == step.phase.rawValue }
        manifest.gates += records
        for record in records { observe(.gate(record)) }
        if records.contains(where: { !$0.passed }) {
            manifest.passed = false
            if step.phase == .smallEval {
                // The proxy gate stops the run before the expensive full evaluation.
                for later in (index + 1)..<manifest.stages.count {
                    manifest.stages[later].status = .skipped
                    observe(.stepSkipped(name: manifest.stages[later].name, reason: "the proxy gate rejected the run"))
                }
                manifest.status = .rejected
                try finish(&manifest)
                return RunOutcome(manifest: manifest, runDirectory: runDirectory, exitStatus: ExitStatus.gateRejected)
            }
        }
        // Recorded by the next manifest write; a run killed before it decides these gates again on --resume.
        return nil
    }

    private func interrupted(_ manifest: inout RunManifest, index: Int, signal: Int32) throws -> RunOutcome {
        manifest.stages[index].status = .interrupted
        manifest.status = .interrupted
        manifest.failures.append(RunManifest.FailureRecord(stage: manifest.stages[index].name,
                                                           reason: "interrupted by signal \(signal)", log: manifest.stages[index].log))
        try save(&manifest)
        observe(.warning("interrupted; resume with: sota run --resume \(request.runID)"))
        return RunOutcome(manifest: manifest, runDirectory: runDirectory, exitStatus: ExitStatus.interrupted)
    }

    private func save(_ manifest: inout RunManifest) throws {
        manifest.updated = Timestamp.string(Date())
        // The tracker URL a child wrote is recorded with the step that wrote it.
        if let name = request.project.trackerURLFile, let url = TrackerURL.read(Paths.join(runDirectory, name)) {
            manifest.trackerURL = url
        }
        if manifest.stepMetrics == nil, let name = stepMetricsFile, Paths.kind(of: Paths.join(runDirectory, name)) == .file {
            manifest.stepMetrics = name
        }
        try manifest.write(to: manifestPath)
    }

    /// The file where the children write metrics per step (the config's `training.step_metrics`), in the run directory.
    private var stepMetricsFile: String? { request.training.training?.stepMetrics }

    /// Says what the step history holds, with a sparkline per metric, and warns of the lines it skipped.
    private func reportHistory(_ manifest: RunManifest) {
        guard let name = manifest.stepMetrics,
              let history = try? StepHistory.read(Paths.join(runDirectory, name), maximumPoints: 48) else { return }
        if let warning = history.warning(file: Paths.join(plan.runDirectory, name)) { observe(.warning(warning)) }
        guard !history.isEmpty else { return }
        let shown = history.names.prefix(4).map { metric in
            let points = history.series[metric] ?? []
            return "\(metric) \(Sparkline.render(points.map(\.value), width: 16)) \(NumberFormat.general(points.last?.value ?? 0, significant: 4))"
        }
        let steps = history.series.values.compactMap { $0.last?.step }.max() ?? 0
        observe(.note("step history (\(name), to step \(steps)): " + shown.joined(separator: ", ")
                      + (history.names.count > 4 ? ", +\(history.names.count - 4) more" : "")))
    }

    /// Writes the final manifest, then indexes it; the files stay the truth if indexing fails.
    private func finish(_ manifest: inout RunManifest) throws {
        try save(&manifest)
        reportHistory(manifest)
        faultPoint("index")
        do {
            try index?.record(manifest, manifestPath: manifestPath)
        } catch {
            observe(.warning("the leaderboard was not updated (\(error)); the run directory is complete: `sota ingest \(plan.runDirectory)` adds it later"))
        }
    }

    /// Crash-test hook: when `SOTA_FAULT_INJECT` names this point, sota kills itself with SIGKILL right here, so
    /// the end-to-end tests can prove that a run killed at any moment resumes. Points: `spawn:STEP`,
    /// `marker:STEP`, `gate:PHASE`, `index`.
    func faultPoint(_ name: String) {
        guard let wanted = request.environment["SOTA_FAULT_INJECT"], wanted == name else { return }
        kill(getpid(), SIGKILL)
    }

    private func appendLog(_ path: String, _ text: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
