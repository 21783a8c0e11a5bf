import SotaSupport
import SotaConfig
import SotaRunRecord
import SotaOperations

/// What `sota run --json` prints on standard output when the run ends, however it ends (docs/json.md).
enum RunResultJSON {
    /// The document for `result`, which made the command exit with `status`.
    static func document(_ result: RunOperation.Result, status: Int32, project: Project, context: CommandContext) -> JSONValue {
        let exit: [(String, JSONValue)] = [("exit_status", .int(Int(status))), ("exit_meaning", .string(RunStateView.meaning(ofExitStatus: status)))]
        switch result {
        case .notStarted(let diagnostics):
            return notStarted(diagnostics, status: status)
        case .notFound(let message):
            return JSONOutput.document([("run_id", .null), ("state", .string("not_found")), ("error", .string(message))] + exit)
        case .alreadyFinished(let runID, let recorded, _, _):
            // Nothing ran; the run is shown as recorded.
            guard let found = try? RunLookup.find(runID, project: project) else {
                return JSONOutput.document([("run_id", .string(runID)), ("state", .string(LocalRunStatus.state(of: recorded, live: false).rawValue)),
                                            ("outcome", .string(recorded.rawValue)), ("already_finished", .bool(true))] + exit)
            }
            let view = RunStateView(manifest: found.manifest, runDirectory: context.display(Paths.join(project.resolve(project.runsDirectory), found.id)),
                                    state: RunStateView.state(of: found.manifest), cost: RunStateView.cost(of: found.manifest, project: project))
            return JSONOutput.document(view.fields + [("already_finished", .bool(true))] + exit)
        case .finished(let outcome, let runDirectory, let promotion, let step):
            let manifest = outcome.manifest
            let view = RunStateView(manifest: manifest, runDirectory: runDirectory, state: RunStateView.state(of: manifest),
                                    cost: RunStateView.cost(of: manifest, project: project))
            var extra: [(String, JSONValue)] = [("already_finished", .bool(false))]
            if let step { extra.append(("step", .string(step))) }
            switch promotion {
            case .promoted(let promoted)?: extra.append(("promotion", .object([("promoted", .bool(true)), ("destination", .string(promoted.outcome.destination))])))
            case .failed(let error)?: extra.append(("promotion", .object([("promoted", .bool(false)), ("error", .string(error))])))
            case .notPassed?: extra.append(("promotion", .object([("promoted", .bool(false)), ("error", .string("the run did not pass every gate"))])))
            case nil: break
            }
            return JSONOutput.document(view.fields + extra + exit)
        }
    }

    /// The document for a run that stage 1 refused: the diagnostics, and no run.
    static func notStarted(_ diagnostics: [Diagnostic], status: Int32) -> JSONValue {
        JSONOutput.document([
            ("run_id", .null), ("state", .string("not_started")), ("diagnostics", .array(diagnostics.map(\.jsonValue))),
            ("exit_status", .int(Int(status))), ("exit_meaning", .string(RunStateView.meaning(ofExitStatus: status))),
        ])
    }
}
