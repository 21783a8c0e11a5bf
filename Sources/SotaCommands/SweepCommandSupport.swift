import ArgumentParser
import Foundation
import SotaSupport
import SotaConfig
import SotaPlan
import SotaRun
import SotaRunRecord

/// `sota run` over several configs or a `--sweep`: every run validated first, then distributed over devices.
struct SweepCommandSupport {
    let options: RunOptions
    let project: Project
    let context: CommandContext

    func run() throws -> Int32 {
        let console = context.console
        var axes: [SweepAxis] = []
        for text in options.sweep {
            switch SweepAxis.parse(text) {
            case .success(let axis): axes.append(axis)
            case .failure(let error): throw ValidationError("\(error.diagnostic.location.map { "\($0): " } ?? "")\(error.diagnostic.message)")
            }
        }
        let fixed = try OverrideParsing.parse(options.assignments)
        guard let devices = SweepPlan.devices(parsing: options.gpus) else {
            throw ValidationError("--gpus takes device ids such as 0 or 0,1; found `\(options.gpus)`")
        }
        let base = RunID.make().text
        let loader = ConfigLoader(project: project, searchPath: context.environment["PATH"])
        // Each config's own seed, read once per file with the fixed overrides (the sweep's seed policy is SweepPlan's).
        var seeds: [String: Int?] = [:]
        var plan = SweepPlan.make(configs: options.trainConfig.map { context.display(context.absolute($0)) }, fixed: options.assignments,
                                  axes: axes, devices: devices, seedOf: { config, _ in
            if let known = seeds[config] { return known }
            let seed = loader.load(path: context.absolute(config), displayPath: config, overrides: fixed).config?.seed
            seeds[config] = seed
            return seed
        }) { index in base + "-" + String(format: "%03d", index) }
        // Every run is validated before any starts, so a typo in one value cannot waste the others' GPU time.
        var diagnostics: [Diagnostic] = []
        var devicesPerRun = 1
        for job in plan.jobs {
            let overrides = try OverrideParsing.parse(job.overrides)
            let outcome = loader.load(path: context.absolute(job.config), displayPath: job.config, overrides: overrides)
            devicesPerRun = max(devicesPerRun, outcome.config?.resources.gpus?.value ?? 1)
            diagnostics += outcome.diagnostics.filter { $0.severity == .error }.map { diagnostic in
                var copy = diagnostic
                copy.message = "run \(job.index) (\(job.overrides.joined(separator: " "))): " + copy.message
                return copy
            }
        }
        if diagnostics.hasErrors {
            let renderer = DiagnosticRenderer(style: console.errStyle)
            for diagnostic in diagnostics { console.err(renderer.render(diagnostic)) }
            console.err("sweep not started: \(DiagnosticRenderer.summary(errors: diagnostics.count, warnings: 0)) in stage 1 validation")
            return ExitStatus.checkFailed
        }
        // A run that asks for `resources.gpus: N` gets N devices of its own.
        guard let slots = SweepPlan.slots(devices: devices, perRun: devicesPerRun) else {
            throw ValidationError("each run needs \(devicesPerRun) devices (resources.gpus) but --gpus names \(devices.count): \(options.gpus)")
        }
        plan.devices = slots
        for index in plan.jobs.indices { plan.jobs[index].device = slots[index % slots.count] }
        let perRun = devicesPerRun == 1 ? "one run per device" : "one run per \(devicesPerRun) devices"
        console.out("\(plan.jobs.count) run\(plan.jobs.count == 1 ? "" : "s") on \(devices.count) device\(devices.count == 1 ? "" : "s") (\(devices.joined(separator: ", "))), \(perRun) at a time:")
        console.out(TextTable.render(header: ["#", "run", "device", "config", "overrides"], rows: plan.jobs.map {
            [String($0.index), $0.runID, $0.device, $0.config, $0.overrides.joined(separator: " ")]
        }))
        if options.dryRun { return ExitStatus.success }
        return try execute(plan: plan, sweepID: RunLayout.sweepFolderPrefix + base, resuming: nil)
    }

    /// `sota run --resume sweep-ID`: runs again every member that did not finish (failed, interrupted or never
    /// started), each resumed from its own run directory when it has one, on the devices the sweep recorded.
    func resume(_ text: String) throws -> Int32 {
        let console = context.console
        guard let name = RunLookup.folder(text, sweeps: true, project: project, console: console) else {
            return ExitStatus.checkFailed
        }
        let path = Paths.join(project.resolve(project.runsDirectory), Paths.join(name, RunLayout.sweepManifest))
        let existing: SweepManifest
        do {
            existing = try SweepManifest.read(path: path)
        } catch {
            console.err("error: \(error)")
            return ExitStatus.checkFailed
        }
        let plan = existing.plan
        let left = existing.runs.filter { $0.status != "succeeded" && $0.status != "rejected" }.count
        console.out("resuming sweep \(name): \(left) of \(existing.expected) runs to finish")
        return try execute(plan: plan, sweepID: name, resuming: existing)
    }

    private func execute(plan: SweepPlan, sweepID: String, resuming: SweepManifest?) throws -> Int32 {
        let console = context.console
        let sweepDirectory = Paths.join(project.resolve(project.runsDirectory), sweepID)
        var shared = ["--project", project.root, "--grace", options.grace]
        if let retries = options.maxRetries { shared += ["--max-retries", String(retries)] }
        let runner = SweepRunner(
            plan: plan, executable: try Self.executable(context), sharedArguments: shared,
            environment: context.environment.merging(["NO_COLOR": "1"]) { $1 }, projectRoot: project.root,
            runsDirectory: project.resolve(project.runsDirectory), sweepDirectory: sweepDirectory
        ) { event in
            switch event {
            case .started(let job): console.out("  ▸ \(job.runID) on device \(job.device)")
            case .finished(let job, let entry):
                console.out("  \(entry.status == "succeeded" ? "✓" : "✗") \(job.runID) \(entry.status)" + (entry.reason.map { ": \($0)" } ?? ""))
            }
        }
        let (manifest, interrupted) = try runner.run(sweepID: sweepID, resuming: resuming)
        console.out("sweep \(sweepID): \(manifest.completed) of \(manifest.expected) completed, \(manifest.failed) failed; \(context.display(Paths.join(sweepDirectory, RunLayout.sweepManifest)))")
        if interrupted {
            console.err("interrupted; resume the whole sweep with: sota run --resume \(sweepID)")
            return ExitStatus.interrupted
        }
        if manifest.runs.contains(where: { $0.status == "failed" || $0.status == "interrupted" }) { return ExitStatus.stageFailed }
        return manifest.runs.contains { $0.status == "rejected" } ? ExitStatus.gateRejected : ExitStatus.success
    }

    /// This sota binary (`SOTA_EXECUTABLE` overrides, for tests that run commands in-process).
    static func executable(_ context: CommandContext) throws -> String {
        if let explicit = context.environment["SOTA_EXECUTABLE"], !explicit.isEmpty { return explicit }
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { throw ValidationError("cannot find the sota executable to start runs; set SOTA_EXECUTABLE") }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
