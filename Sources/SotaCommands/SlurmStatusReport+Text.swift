import SotaSupport
import SotaRunRecord
import SotaLaunch
import SotaOperations

/// `sota status` of a Slurm launch, for people (a table of stages, or per-stage counts for a sweep) and programs (JSON).
extension SlurmStatusReport {
    /// The report as text: a table of stages for one run, per-stage counts for a sweep.
    func text(display: (String) -> String, runsDirectory: String) -> String {
        var lines: [String] = []
        let sweep = record.isArray
        lines.append("\(sweep ? "sweep" : "run")     \(record.launchID) (\(record.config)\(record.overrides.isEmpty ? "" : " " + record.overrides.joined(separator: " "))) on Slurm"
                     + (sweep ? ", \(record.runs.count) array tasks" : ""))
        if let schedulerError { lines.append("warning   squeue did not answer (\(schedulerError)); states come from the run directories") }
        if sweep {
            let rows = record.stages.map { stage -> [String] in
                let entries = stages.filter { $0.stage == stage }
                let jobs = Array(Set(entries.compactMap(\.jobID))).sorted { $0.count != $1.count ? $0.count < $1.count : $0 < $1 }
                var counts: [String: Int] = [:]
                for entry in entries { counts[entry.state.description, default: 0] += 1 }
                let summary = counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                let bad = entries.filter { if case .failed = $0.state { true } else { $0.state == .unknown } }.compactMap(\.task)
                return [stage.rawValue, jobs.joined(separator: ","), summary,
                        bad.isEmpty ? "" : "tasks " + bad.prefix(10).map(String.init).joined(separator: ",") + (bad.count > 10 ? ",…" : "")]
            }
            lines.append(TextTable.render(header: ["stage", "job", "tasks by state", "failed or unknown"], rows: rows))
        } else {
            let rows = stages.map { entry in
                [entry.stage.rawValue, entry.jobID ?? "-", entry.state.description,
                 entry.signal.map { "signal \($0)" } ?? entry.exitCode.map(String.init) ?? "-", entry.source.rawValue, entry.reason ?? ""]
            }
            lines.append(TextTable.render(header: ["stage", "job", "state", "exit", "from", "reason"], rows: rows))
        }
        if let first = runStatuses.values.first {
            var counts: [String: Int] = [:]
            for status in runStatuses.values { counts[status, default: 0] += 1 }
            lines.append(sweep ? "runs      " + counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                               : "manifest  \(first) (\(display(Paths.join(runsDirectory, RunLayout.manifest(ofRun: record.runs.first ?? "")))))")
        }
        if let cancelled = record.cancelled { lines.append("cancelled \(cancelled) by sota cancel") }
        if isFinal, stages.contains(where: { $0.state != .completed }) {
            lines.append("next      sota resume \(record.launchID) resubmits the stages that did not finish")
        }
        return lines.joined(separator: "\n")
    }

    /// The report as JSON.
    func json() -> JSONValue {
        var runs: [JSONValue] = []
        let perRun = record.stages.count
        for (index, runID) in record.runs.enumerated() {
            let entries = stages[(index * perRun)..<((index + 1) * perRun)]
            var fields: [(String, JSONValue)] = [("run_id", .string(runID))]
            if let task = record.task(index) { fields.append(("task", .int(task))) }
            if let status = runStatuses[runID] { fields.append(("run_status", .string(status))) }
            fields.append(("stages", .array(entries.map { entry in
                .object([
                    ("stage", .string(entry.stage.rawValue)), ("job_id", entry.jobID.map(JSONValue.string) ?? .null),
                    ("state", .string(entry.state.description)), ("exit_code", entry.exitCode.map(JSONValue.int) ?? .null),
                    ("signal", entry.signal.map(JSONValue.int) ?? .null), ("reason", entry.reason.map(JSONValue.string) ?? .null),
                    ("source", .string(entry.source.rawValue)),
                ])
            })))
            runs.append(.object(fields))
        }
        return .object([
            ("launch_id", .string(record.launchID)), ("backend", .string("slurm")), ("config", .string(record.config)),
            ("final", .bool(isFinal)), ("scheduler_error", schedulerError.map(JSONValue.string) ?? .null),
            ("cancelled", record.cancelled.map(JSONValue.string) ?? .null), ("runs", .array(runs)),
        ])
    }
}
