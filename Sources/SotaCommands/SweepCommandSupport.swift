import ArgumentParser
import Foundation
import SotaBasics
import SotaConfig
import SotaPlan
import SotaRun

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
        _ = try OverrideParsing.parse(options.assignments)
        guard let devices = SweepPlan.devices(parsing: options.gpus) else {
            throw ValidationError("--gpus takes device ids such as 0 or 0,1; found `\(options.gpus)`")
        }
        let base = RunID.make()
        let plan = SweepPlan.make(configs: options.trainConfig.map { context.display(context.absolute($0)) }, fixed: options.assignments,
                                  axes: axes, devices: devices) { index in base + "-" + String(format: "%03d", index) }
        // Every run is validated before any starts, so a typo in one value cannot waste the others' GPU time.
        let loader = ConfigLoader(project: project, searchPath: context.environment["PATH"])
        var diagnostics: [Diagnostic] = []
        for job in plan.jobs {
            let overrides = try OverrideParsing.parse(job.overrides)
            let outcome = loader.load(path: context.absolute(job.config), displayPath: job.config, overrides: overrides)
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
            return RunExitStatus.validationFailed
        }
        console.out("\(plan.jobs.count) run\(plan.jobs.count == 1 ? "" : "s") on \(devices.count) device\(devices.count == 1 ? "" : "s") (\(devices.joined(separator: ", "))), one run per device at a time:")
        console.out(TextTable.render(header: ["#", "run", "device", "config", "overrides"], rows: plan.jobs.map {
            [String($0.index), $0.runID, $0.device, $0.config, $0.overrides.joined(separator: " ")]
        }))
        if options.dryRun { return RunExitStatus.success }

        let sweepID = "sweep-" + base
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
        let (manifest, interrupted) = try runner.run(sweepID: sweepID)
        console.out("sweep \(sweepID): \(manifest.completed) of \(manifest.expected) completed, \(manifest.failed) failed; \(context.display(Paths.join(sweepDirectory, "sweep.json")))")
        if interrupted { return RunExitStatus.interrupted }
        if manifest.runs.contains(where: { $0.status == "failed" || $0.status == "interrupted" }) { return RunExitStatus.stageFailed }
        return manifest.runs.contains { $0.status == "rejected" } ? RunExitStatus.gateRejected : RunExitStatus.success
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
