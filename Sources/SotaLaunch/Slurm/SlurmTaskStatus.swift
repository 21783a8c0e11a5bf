/// Where a stage's state came from, most authoritative first.
package enum SlurmStatusSource: String, Sendable, Codable {
    /// The controller (`squeue`), which still knows the job.
    case squeue
    /// Accounting (`sacct`), after the controller forgot the job.
    case sacct
    /// The task's READY marker in its run directory.
    case marker = "ready marker"
    /// The run's manifest, which records a failed or decided run.
    case manifest
    /// Nothing knows the job: not submitted (yet), or forgotten without a marker.
    case none
}

/// One stage of one run as `sota status` shows it. Pure value.
package struct SlurmTaskStatus: Sendable, Equatable {
    /// The run.
    package var runID: String
    /// The array task, for a sweep.
    package var task: Int?
    /// The stage.
    package var stage: SlurmStage
    /// The job that ran it, when one was submitted.
    package var jobID: String?
    /// The state.
    package var state: SlurmJobState
    /// The exit code, once known.
    package var exitCode: Int?
    /// The signal that ended it, if any.
    package var signal: Int?
    /// Slurm's reason, when it gives one.
    package var reason: String?
    /// Where the state came from.
    package var source: SlurmStatusSource

    /// Creates a status.
    package init(runID: String, task: Int?, stage: SlurmStage, jobID: String?, state: SlurmJobState, exitCode: Int?, signal: Int?,
                reason: String?, source: SlurmStatusSource) {
        self.runID = runID
        self.task = task
        self.stage = stage
        self.jobID = jobID
        self.state = state
        self.exitCode = exitCode
        self.signal = signal
        self.reason = reason
        self.source = source
    }

    /// Every stage of every run of `record`, from the scheduler's records first, then accounting's, then the run
    /// directories. A job the scheduler no longer lists is COMPLETED only with its READY marker; a failed run's
    /// manifest makes it FAILED; otherwise it is UNKNOWN — never success.
    ///
    /// A job is the launch's only when its id AND its name agree with the record: the controller reuses ids (after
    /// a restart that lost its state, or once they wrap), and a later job under an old id says nothing about this
    /// launch. Such a job is "gone" here, like one the scheduler forgot.
    ///
    /// - Parameters:
    ///   - scheduler: records from the one batched `squeue` call.
    ///   - accounting: records from `sacct`, when it answered.
    ///   - ready: whether run `runID` has the READY marker of `stage`.
    ///   - runEnded: the run's manifest status when it is final (`failed`, `succeeded`, `rejected`), else nil.
    package static func resolve(
        _ record: SlurmLaunchRecord, scheduler: [SlurmJobRecord], accounting: [SlurmJobRecord],
        ready: (String, SlurmStage) -> Bool, runEnded: (String) -> String?
    ) -> [SlurmTaskStatus] {
        struct Key: Hashable { var job: String; var task: Int? }
        var live: [Key: [SlurmJobRecord]] = [:]
        for item in scheduler { live[Key(job: item.jobID, task: item.task), default: []].append(item) }
        var accounted: [Key: [SlurmJobRecord]] = [:]
        for item in accounting { accounted[Key(job: item.jobID, task: item.task), default: []].append(item) }
        var statuses: [SlurmTaskStatus] = []
        statuses.reserveCapacity(record.runs.count * record.stages.count)
        for (index, runID) in record.runs.enumerated() {
            let task = record.task(index)
            var ended: String??
            for stage in record.stages {
                let job = record.job(stage: stage, run: index)
                var status = SlurmTaskStatus(runID: runID, task: task, stage: stage, jobID: job?.jobID, state: .unknown, exitCode: nil,
                                             signal: nil, reason: nil, source: .none)
                var reused: SlurmJobRecord?
                /// This launch's job among the records under its id; a record under another name marks the id reused.
                func own(_ records: [SlurmJobRecord]?) -> SlurmJobRecord? {
                    guard let job, let records else { return nil }
                    if let mine = records.last(where: { record.isSame($0, as: job) }) { return mine }
                    reused = reused ?? records.first
                    return nil
                }
                let key = job.map { Key(job: $0.jobID, task: task) }
                if let found = own(key.flatMap { live[$0] }) {
                    status.apply(found, source: .squeue)
                } else if let found = own(key.flatMap { accounted[$0] }) {
                    status.apply(found, source: .sacct)
                } else if ready(runID, stage) {
                    status.state = .completed
                    status.exitCode = 0
                    status.source = .marker
                } else {
                    let final: String?
                    if let known = ended {
                        final = known
                    } else {
                        final = runEnded(runID)
                        ended = .some(final)
                    }
                    if final == "failed" {
                        status.state = .failed("FAILED")
                        status.source = .manifest
                        status.reason = "the run directory records a failed run"
                    } else if job == nil {
                        status.state = .unknown
                        status.reason = "never submitted"
                    } else if let reused {
                        status.reason = "gone: Slurm gave job id \(reused.jobID) to another job (\(reused.name ?? "unnamed")); this one left no READY marker"
                    } else {
                        status.reason = "Slurm no longer knows the job and it left no READY marker"
                    }
                }
                statuses.append(status)
            }
        }
        return statuses
    }

    private mutating func apply(_ found: SlurmJobRecord, source: SlurmStatusSource) {
        state = found.state
        exitCode = found.exitCode
        signal = found.signal
        reason = found.reason
        self.source = source
    }
}
