/// One job (or array task) as the scheduler reports it: parsed from one batched `squeue` call or from `sacct`.
package struct SlurmJobRecord: Sendable, Equatable {
    /// The job id given at submission (the array's id for an array task).
    package var jobID: String
    /// The array task, when the job is one.
    package var task: Int?
    /// The state.
    package var state: SlurmJobState
    /// The batch script's exit code, once it exited.
    package var exitCode: Int?
    /// The signal that ended it, if one did.
    package var signal: Int?
    /// Why it is pending or ended (`Dependency`, `DependencyNeverSatisfied`, `NonZeroExitCode`), when Slurm says.
    package var reason: String?
    /// The job name, when the command printed it: the second identity beside the id, which the controller reuses.
    package var name: String?

    /// Creates a record.
    package init(jobID: String, task: Int?, state: SlurmJobState, exitCode: Int?, signal: Int?, reason: String?, name: String? = nil) {
        self.jobID = jobID
        self.task = task
        self.state = state
        self.exitCode = exitCode
        self.signal = signal
        self.reason = reason
        self.name = name
    }

    /// The `squeue -O` fields ``parseSqueue(_:)`` reads, `|`-separated (the name last: `Name:` prints it whole).
    package static let squeueFormat = "ArrayJobID:|,ArrayTaskID:|,State:|,exit_code:|,Reason:|,Name:"

    /// The `sacct -o` fields ``parseSacct(_:)`` reads.
    package static let sacctFormat = "JobID,State,ExitCode,JobName"

    /// Parses `squeue -h -r -t all -O ArrayJobID:|,ArrayTaskID:|,State:|,exit_code:|,Reason:|,Name:` output. squeue
    /// prints the exit code as a wait status (768 is exit 3, 9 is signal 9); pending jobs have none yet.
    package static func parseSqueue(_ output: String) -> [SlurmJobRecord] {
        output.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
            guard fields.count >= 4, !fields[0].isEmpty, fields[0].allSatisfy(\.isNumber) else { return nil }
            let state = SlurmJobState(parsing: fields[2])
            var exitCode: Int?, signal: Int?
            if state == .completed || state.isFailure, let status = Int(fields[3]) {
                if status & 0x7F != 0 { signal = status & 0x7F } else { exitCode = status >> 8 }
            }
            let reason = fields.count > 4 && !["", "None", "(null)"].contains(fields[4]) ? fields[4] : nil
            // The name is the last field and may itself hold `|`.
            let name = fields.count > 5 ? fields[5...].joined(separator: "|") : nil
            return SlurmJobRecord(jobID: fields[0], task: Int(fields[1]), state: state, exitCode: exitCode, signal: signal, reason: reason,
                                  name: name.flatMap { $0.isEmpty ? nil : $0 })
        }
    }

    /// Parses `sacct -n -P -X -o JobID,State,ExitCode,JobName` output (`123|COMPLETED|0:0|sota-train-X`, `124_3|FAILED|2:0|…`).
    package static func parseSacct(_ output: String) -> [SlurmJobRecord] {
        output.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 3 else { return nil }
            let id = fields[0].split(separator: "_", maxSplits: 1).map(String.init)
            guard let jobID = id.first, !jobID.isEmpty, jobID.allSatisfy(\.isNumber) else { return nil }
            let task = id.count == 2 ? Int(id[1]) : nil
            if id.count == 2, task == nil { return nil }  // `123_[4-9]`: tasks not started, nothing to learn
            let codes = fields[2].split(separator: ":").map { Int($0) }
            let state = SlurmJobState(parsing: fields[1])
            let signal = codes.count == 2 && (codes[1] ?? 0) != 0 ? codes[1] : nil
            let name = fields.count > 3 ? fields[3...].joined(separator: "|") : ""
            return SlurmJobRecord(jobID: jobID, task: task, state: state,
                                  exitCode: (state == .completed || state.isFailure) && signal == nil ? codes.first ?? nil : nil,
                                  signal: signal, reason: nil, name: name.isEmpty ? nil : name)
        }
    }
}
