import ArgumentParser
import SotaSupport
import SotaPlan
import SotaOperations
import SotaRun
import SotaRunRecord
import SotaConfig

/// How `sota run` shows a sweep (several configs or a `--sweep`): the plan as a table, a line per member started
/// and finished, and the sweep's totals.
enum SweepCommandSupport {
    /// Prints ``SweepOperation`` events as they happen: on standard output, or on standard error with
    /// `toStandardError` (`--json` keeps standard output for the JSON).
    static func printer(_ context: CommandContext, toStandardError: Bool = false) -> @Sendable (SweepOperation.Event) -> Void {
        let console = context.console
        let say: @Sendable (String) -> Void = { text in
            if toStandardError { console.err(text) } else { console.out(text) }
        }
        return { event in
            switch event {
            case .planned(let plan, let devices, let perRun):
                let slots = perRun == 1 ? "one run per device" : "one run per \(perRun) devices"
                say("\(plan.jobs.count) run\(plan.jobs.count == 1 ? "" : "s") on \(devices.count) device\(devices.count == 1 ? "" : "s") (\(devices.joined(separator: ", "))), \(slots) at a time:")
                say(TextTable.render(header: ["#", "run", "device", "config", "overrides"], rows: plan.jobs.map {
                    [String($0.index), $0.runID, $0.device, $0.config, $0.overrides.joined(separator: " ")]
                }))
            case .resuming(let sweepID, let left, let expected):
                say("resuming sweep \(sweepID): \(left) of \(expected) runs to finish")
            case .member(.started(let job)):
                say("  ▸ \(job.runID) on device \(job.device)")
            case .member(.finished(let job, let entry)):
                say("  \(entry.status == "succeeded" ? "✓" : "✗") \(job.runID) \(entry.status)" + (entry.reason.map { ": \($0)" } ?? ""))
            }
        }
    }

    /// Prints how the sweep ended and returns the exit status; with `json`, the summary line goes to standard error and
    /// standard output gets the sweep as JSON (``json(_:status:project:context:)``).
    static func report(_ result: SweepOperation.Result, context: CommandContext, json: Bool = false, project: Project? = nil) -> Int32 {
        let console = context.console
        defer {
            if json, let project {
                console.out(Self.json(result, status: result.exitStatus, project: project, context: context).rendered(pretty: true))
            }
        }
        switch result {
        case .notStarted(let diagnostics):
            console.report(diagnostics)
            console.err("sweep not started: \(DiagnosticRenderer.summary(errors: diagnostics.count, warnings: 0)) in stage 1 validation")
        case .notFound(let message):
            console.error(message)
        case .planned:
            break
        case .finished(let manifest, let sweepID, let manifestPath, let interrupted):
            let line = "sweep \(sweepID): \(manifest.completed) of \(manifest.expected) completed, \(manifest.failed) failed; \(context.display(manifestPath))"
            if json { console.err(line) } else { console.out(line) }
            if interrupted { console.err("interrupted; resume the whole sweep with: sota run --resume \(sweepID)") }
        }
        return result.exitStatus
    }

    /// What `sota run --json` prints for a sweep: its totals and each run as its sweep entry recorded it, with the
    /// run's own members (as `sota run --json` prints them) when its manifest can be read (docs/json.md).
    static func json(_ result: SweepOperation.Result, status: Int32, project: Project, context: CommandContext) -> JSONValue {
        let exit: [(String, JSONValue)] = [("exit_status", .int(Int(status))), ("exit_meaning", .string(RunStateView.meaning(ofExitStatus: status)))]
        switch result {
        case .notStarted(let diagnostics):
            return JSONOutput.document([("sweep_id", .null), ("state", .string("not_started")), ("diagnostics", .array(diagnostics.map(\.jsonValue)))] + exit)
        case .notFound(let message):
            return JSONOutput.document([("sweep_id", .null), ("state", .string("not_found")), ("error", .string(message))] + exit)
        case .planned:
            return JSONOutput.document([("sweep_id", .null), ("state", .string("planned"))] + exit)
        case .finished(let manifest, let sweepID, let manifestPath, let interrupted):
            let runsFolder = project.resolve(project.runsDirectory)
            let runs = manifest.runs.map { entry -> JSONValue in
                var fields: [(String, JSONValue)] = [
                    ("run_id", .string(entry.runID)), ("config", .string(entry.config)), ("overrides", .array(entry.overrides.map(JSONValue.string))),
                    ("device", .string(entry.device)), ("status", .string(entry.status)),
                    ("exit_status", entry.exitStatus.map { .int(Int($0)) } ?? .null), ("reason", entry.reason.map(JSONValue.string) ?? .null),
                ]
                let directory = Paths.join(runsFolder, entry.runID)
                if let run = try? RunManifest.read(path: Paths.join(directory, RunLayout.manifest)) {
                    let view = RunStateView(manifest: run, runDirectory: context.display(directory), state: RunStateView.state(of: run),
                                            cost: RunStateView.cost(of: run, project: project))
                    let known = Set(fields.map(\.0))
                    fields += view.fields.filter { !known.contains($0.0) }
                }
                return .object(fields)
            }
            return JSONOutput.document([
                ("sweep_id", .string(sweepID)), ("state", .string(interrupted ? "interrupted" : "finished")),
                ("manifest", .string(context.display(manifestPath))), ("expected", .int(manifest.expected)),
                ("completed", .int(manifest.completed)), ("failed", .int(manifest.failed)), ("runs", .array(runs)),
            ] + exit)
        }
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
