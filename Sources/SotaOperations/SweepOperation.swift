import FoundationEssentials
import Glibc
import SotaSupport
import SotaRunRecord
import SotaConfig
import SotaPlan
import SotaRun

/// `sota run` over several configs or a `--sweep`, and `sota run --resume sweep-ID`: every run validated first,
/// then distributed over the devices as `sota run` child processes.
package struct SweepOperation {
    /// What to sweep.
    package struct Request: Sendable {
        /// A new sweep, or the rest of a recorded one.
        package enum Mode: Sendable {
            /// Plan (and unless `dryRun`, run) `configs` (as typed) times the `--sweep` axes.
            case start(configs: [String], axes: [String], dryRun: Bool)
            /// Run again every member of the sweep `id` (a unique prefix) that did not finish.
            case resume(String)
        }

        /// The mode.
        package var mode: Mode
        /// The `--set` overrides every run gets.
        package var assignments: [String]
        /// `--gpus`.
        package var devices: String
        /// Retries of a failed stage, passed to every run.
        package var maxRetries: Int?
        /// `--grace`, passed to every run as typed.
        package var grace: String
        /// The project.
        package var project: Project
        /// The environment (the runs get it with `NO_COLOR=1`).
        package var environment: [String: String]
        /// The folder relative paths are relative to.
        package var workingDirectory: String

        /// Creates a request.
        package init(mode: Mode, assignments: [String] = [], devices: String = "0", maxRetries: Int? = nil, grace: String = "10s",
                     project: Project, environment: [String: String], workingDirectory: String) {
            self.mode = mode
            self.assignments = assignments
            self.devices = devices
            self.maxRetries = maxRetries
            self.grace = grace
            self.project = project
            self.environment = environment
            self.workingDirectory = workingDirectory
        }
    }

    /// What happens, in order, for the console.
    package enum Event: Sendable {
        /// The plan: every run and its device; `devices` as `--gpus` named them, `perRun` devices per run.
        case planned(SweepPlan, devices: [String], perRun: Int)
        /// A recorded sweep resumes with `left` of its `expected` runs to finish.
        case resuming(sweepID: String, left: Int, expected: Int)
        /// A member run's progress.
        case member(SweepRunner.Event)
    }

    /// How the operation ended.
    package enum Result: Sendable {
        /// A run failed stage 1 validation (its errors, each naming the run); nothing ran.
        case notStarted([Diagnostic])
        /// The sweep to resume could not be found or read.
        case notFound(String)
        /// The plan was shown and nothing run (`--dry-run`).
        case planned
        /// The sweep ran; `manifestPath` is its `sweep.json`.
        case finished(SweepManifest, sweepID: String, manifestPath: String, interrupted: Bool)

        /// The process exit status this ending stands for.
        package var exitStatus: Int32 {
            switch self {
            case .notStarted, .notFound: return ExitStatus.checkFailed
            case .planned: return ExitStatus.success
            case .finished(let manifest, _, _, let interrupted):
                if interrupted { return ExitStatus.interrupted }
                if manifest.runs.contains(where: { $0.status == "failed" || $0.status == "interrupted" }) { return ExitStatus.stageFailed }
                return manifest.runs.contains { $0.status == "rejected" } ? ExitStatus.gateRejected : ExitStatus.success
            }
        }
    }

    /// Creates the operation.
    package init() {}

    /// Plans, validates and runs a sweep, or resumes one.
    ///
    /// - Throws: ``RunUsageError`` for a malformed `--sweep`, `--set` or `--gpus`, or too few devices for a run's
    ///   `resources.gpus`; a file error writing the sweep folder.
    package func callAsFunction(_ request: Request, observe: @escaping @Sendable (Event) -> Void) throws -> Result {
        switch request.mode {
        case .start(let configs, let axes, let dryRun):
            return try start(configs: configs, axisTexts: axes, dryRun: dryRun, request: request, observe: observe)
        case .resume(let text):
            return try resume(text, request: request, observe: observe)
        }
    }

    private func start(configs: [String], axisTexts: [String], dryRun: Bool, request: Request,
                       observe: @escaping @Sendable (Event) -> Void) throws -> Result {
        var axes: [SweepAxis] = []
        for text in axisTexts {
            switch SweepAxis.parse(text) {
            case .success(let axis): axes.append(axis)
            case .failure(let error): throw RunUsageError(error.diagnostic, withHint: false)
            }
        }
        let fixed = try RunOverrides.parse(request.assignments)
        guard let devices = SweepPlan.devices(parsing: request.devices) else {
            throw RunUsageError("--gpus takes device ids such as 0 or 0,1; found `\(request.devices)`")
        }
        let base = RunID.make().text
        let loader = ConfigLoader(project: request.project, searchPath: request.environment["PATH"])
        let absolute = { Paths.absolute($0, relativeTo: request.workingDirectory) }
        // Each config's own seed, read once per file with the fixed overrides (the sweep's seed policy is SweepPlan's).
        var seeds: [String: Int?] = [:]
        let shown = configs.map { Paths.relative(absolute($0), to: request.workingDirectory) }
        var plan = SweepPlan.make(configs: shown, fixed: request.assignments, axes: axes, devices: devices, seedOf: { config, _ in
            if let known = seeds[config] { return known }
            let seed = loader.load(path: absolute(config), displayPath: config, overrides: fixed).config?.seed
            seeds[config] = seed
            return seed
        }) { index in base + "-" + NumberFormat.zeroPadded(index, width: 3) }
        // Every run is validated before any starts, so a typo in one value cannot waste the others' GPU time.
        var diagnostics: [Diagnostic] = []
        var devicesPerRun = 1
        for job in plan.jobs {
            let outcome = loader.load(path: absolute(job.config), displayPath: job.config, overrides: try RunOverrides.parse(job.overrides))
            devicesPerRun = max(devicesPerRun, outcome.config?.resources.gpus?.value ?? 1)
            diagnostics += outcome.diagnostics.filter { $0.severity == .error }.map { diagnostic in
                var copy = diagnostic
                copy.message = "run \(job.index) (\(job.overrides.joined(separator: " "))): " + copy.message
                return copy
            }
        }
        if diagnostics.hasErrors { return .notStarted(diagnostics) }
        // A run that asks for `resources.gpus: N` gets N devices of its own.
        guard let slots = SweepPlan.slots(devices: devices, perRun: devicesPerRun) else {
            throw RunUsageError("each run needs \(devicesPerRun) devices (resources.gpus) but --gpus names \(devices.count): \(request.devices)")
        }
        plan.devices = slots
        for index in plan.jobs.indices { plan.jobs[index].device = slots[index % slots.count] }
        observe(.planned(plan, devices: devices, perRun: devicesPerRun))
        if dryRun { return .planned }
        return try execute(plan: plan, sweepID: RunLayout.sweepFolderPrefix + base, resuming: nil, request: request, observe: observe)
    }

    /// Runs again every member that did not finish (failed, interrupted or never started), each resumed from its
    /// own run directory when it has one, on the devices the sweep recorded.
    private func resume(_ text: String, request: Request, observe: @escaping @Sendable (Event) -> Void) throws -> Result {
        let project = request.project
        let name: String, existing: SweepManifest
        do {
            name = try RunLookup.folder(text, sweeps: true, project: project)
            existing = try SweepManifest.read(path: Paths.join(project.resolve(project.runsDirectory), "\(name)/\(RunLayout.sweepManifest)"))
        } catch {
            return .notFound("\(error)")
        }
        let left = existing.runs.filter { $0.status != "succeeded" && $0.status != "rejected" }.count
        observe(.resuming(sweepID: name, left: left, expected: existing.expected))
        return try execute(plan: existing.plan, sweepID: name, resuming: existing, request: request, observe: observe)
    }

    private func execute(plan: SweepPlan, sweepID: String, resuming: SweepManifest?, request: Request,
                         observe: @escaping @Sendable (Event) -> Void) throws -> Result {
        let project = request.project
        let sweepDirectory = Paths.join(project.resolve(project.runsDirectory), sweepID)
        var shared = ["--project", project.root, "--grace", request.grace]
        if let retries = request.maxRetries { shared += ["--max-retries", String(retries)] }
        let runner = SweepRunner(
            plan: plan, executable: try Self.executable(environment: request.environment), sharedArguments: shared,
            environment: request.environment.merging(["NO_COLOR": "1"]) { $1 }, projectRoot: project.root,
            runsDirectory: project.resolve(project.runsDirectory), sweepDirectory: sweepDirectory
        ) { observe(.member($0)) }
        let (manifest, interrupted) = try runner.run(sweepID: sweepID, resuming: resuming)
        return .finished(manifest, sweepID: sweepID, manifestPath: Paths.join(sweepDirectory, RunLayout.sweepManifest), interrupted: interrupted)
    }

    /// This sota binary, which runs each member (`SOTA_EXECUTABLE` overrides, for tests that run commands in-process).
    package static func executable(environment: [String: String]) throws(RunUsageError) -> String {
        if let explicit = environment["SOTA_EXECUTABLE"], !explicit.isEmpty { return explicit }
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { throw RunUsageError("cannot find the sota executable to start runs; set SOTA_EXECUTABLE") }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
