import ArgumentParser
import SotaSupport
import SotaPlan
import SotaOperations
import SotaRun
import SotaRunRecord

/// How `sota run` shows a sweep (several configs or a `--sweep`): the plan as a table, a line per member started
/// and finished, and the sweep's totals.
enum SweepCommandSupport {
    /// Prints ``SweepOperation`` events as they happen.
    static func printer(_ context: CommandContext) -> @Sendable (SweepOperation.Event) -> Void {
        let console = context.console
        return { event in
            switch event {
            case .planned(let plan, let devices, let perRun):
                let slots = perRun == 1 ? "one run per device" : "one run per \(perRun) devices"
                console.out("\(plan.jobs.count) run\(plan.jobs.count == 1 ? "" : "s") on \(devices.count) device\(devices.count == 1 ? "" : "s") (\(devices.joined(separator: ", "))), \(slots) at a time:")
                console.out(TextTable.render(header: ["#", "run", "device", "config", "overrides"], rows: plan.jobs.map {
                    [String($0.index), $0.runID, $0.device, $0.config, $0.overrides.joined(separator: " ")]
                }))
            case .resuming(let sweepID, let left, let expected):
                console.out("resuming sweep \(sweepID): \(left) of \(expected) runs to finish")
            case .member(.started(let job)):
                console.out("  ▸ \(job.runID) on device \(job.device)")
            case .member(.finished(let job, let entry)):
                console.out("  \(entry.status == "succeeded" ? "✓" : "✗") \(job.runID) \(entry.status)" + (entry.reason.map { ": \($0)" } ?? ""))
            }
        }
    }

    /// Prints how the sweep ended and returns the exit status.
    static func report(_ result: SweepOperation.Result, context: CommandContext) -> Int32 {
        let console = context.console
        switch result {
        case .notStarted(let diagnostics):
            console.report(diagnostics)
            console.err("sweep not started: \(DiagnosticRenderer.summary(errors: diagnostics.count, warnings: 0)) in stage 1 validation")
        case .notFound(let message):
            console.error(message)
        case .planned:
            break
        case .finished(let manifest, let sweepID, let manifestPath, let interrupted):
            console.out("sweep \(sweepID): \(manifest.completed) of \(manifest.expected) completed, \(manifest.failed) failed; \(context.display(manifestPath))")
            if interrupted { console.err("interrupted; resume the whole sweep with: sota run --resume \(sweepID)") }
        }
        return result.exitStatus
    }

    /// This sota binary (`SOTA_EXECUTABLE` overrides, for tests that run commands in-process).
    static func executable(_ context: CommandContext) throws -> String {
        do {
            return try SweepOperation.executable(environment: context.environment)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
