import SotaSupport
import SotaConfig
import SotaLaunch

/// `sota resume RUN`: resubmits the stages of a Slurm launch (a run or a sweep) that did not finish, chained again;
/// finished stages (with their READY markers) are never redone, and for a sweep only its unfinished tasks are.
package struct ResumeOperation {
    /// What to resume.
    package struct Request: Sendable {
        /// The launch's record.
        package var record: SlurmLaunchRecord
        /// The launch folder (`runs/<id>/`, absolute), where the new scripts are written.
        package var directory: String
        /// The project.
        package var project: Project
        /// Show what would be resubmitted; submit nothing.
        package var dryRun: Bool

        /// Creates a request.
        package init(record: SlurmLaunchRecord, directory: String, project: Project, dryRun: Bool) {
            self.record = record
            self.directory = directory
            self.project = project
            self.dryRun = dryRun
        }
    }

    /// How the operation ended.
    package enum Result: Sendable {
        /// The scheduler could not say which jobs are still queued.
        case schedulerUnavailable(String)
        /// These jobs are still pending or running.
        case stillQueued(jobs: [String])
        /// Every stage of every run finished.
        case nothingLeft
        /// A script could not be written or a job not submitted; the message says which.
        case failed(String)
        /// `stages` would be resubmitted for `what` (dry run).
        case wouldResubmit(stages: [SlurmStage], what: String)
        /// The chain was resubmitted: `jobs` in order; `skipped` stages had finished.
        case resubmitted(what: String, jobs: [SlurmLaunchRecord.Job], skipped: [SlurmStage])

        /// The process exit status this ending stands for.
        package var exitStatus: Int32 {
            switch self {
            case .schedulerUnavailable, .stillQueued, .failed: return ExitStatus.checkFailed
            case .nothingLeft, .wouldResubmit, .resubmitted: return ExitStatus.success
            }
        }
    }

    /// The state of every stage of every run of a launch, and why the scheduler gave no answer when it did not.
    package var stageStates: @Sendable (SlurmLaunchRecord) -> (stages: [SlurmTaskStatus], schedulerError: String?)
    /// Submits the scripts (paths relative to the launch folder) as a chain and records the jobs in the record;
    /// returns why not when a job was refused.
    package var submit: @Sendable (_ scripts: [(String, SlurmStagePlan)], _ record: inout SlurmLaunchRecord) -> String?

    /// Creates the operation over the scheduler's status and submission.
    package init(stageStates: @escaping @Sendable (SlurmLaunchRecord) -> (stages: [SlurmTaskStatus], schedulerError: String?),
                 submit: @escaping @Sendable (_ scripts: [(String, SlurmStagePlan)], _ record: inout SlurmLaunchRecord) -> String?) {
        self.stageStates = stageStates
        self.submit = submit
    }

    /// Finds the first unfinished stage of each run and resubmits it and every stage after it.
    package func callAsFunction(_ request: Request) -> Result {
        var record = request.record
        let project = request.project, runsDirectory = project.resolve(project.runsDirectory)
        let states = stageStates(record)
        if let error = states.schedulerError { return .schedulerUnavailable(error) }
        let live = states.stages.filter { !$0.state.isFinal }
        if !live.isEmpty { return .stillQueued(jobs: Array(Set(live.compactMap(\.jobID))).sorted()) }
        // Per run, the first stage without its READY marker; everything from the earliest of those on runs again.
        var unfinished: [Int] = []
        var from: Int?
        for (index, runID) in record.runs.enumerated() {
            guard let stage = record.stages.firstIndex(where: { Paths.kind(of: Paths.join(runsDirectory, "\(runID)/\($0.readyMarker)")) != .file })
            else { continue }
            unfinished.append(index)
            from = min(from ?? stage, stage)
        }
        guard let from else { return .nothingLeft }
        let stages = Array(record.stages[from...])
        let attempt = record.submissions.count
        let scripts: [(String, SbatchScript)]
        do {
            scripts = try stages.map { (stage) throws(ScriptValueError) in
                let plan = SlurmStagePlan(stage: stage, launchID: record.launchID,
                                          runs: record.arrayBase.map { .array(base: $0, tasks: unfinished) } ?? .single(runID: record.runs.first ?? ""),
                                          projectRoot: project.root, runsDirectory: runsDirectory, sota: record.sota, resources: record.resources)
                return ("slurm/\(stage.rawValue)-resume\(attempt).sbatch", try SbatchScript(plan))
            }
        } catch {
            return .failed("\(error)")
        }
        let what = record.isArray ? "tasks \(SlurmStagePlan.ranges(unfinished)) of \(record.runs.count)" : "run \(record.runs.first ?? "")"
        if request.dryRun { return .wouldResubmit(stages: stages, what: what) }
        do {
            for (path, script) in scripts {
                try AtomicFile.write(script.text, to: Paths.join(request.directory, path), mode: 0o755)
            }
        } catch {
            return .failed("cannot write the scripts: \(error)")
        }
        record.cancelled = nil
        if let failure = submit(scripts.map { ($0.0, $0.1.plan) }, &record) { return .failed(failure) }
        return .resubmitted(what: what, jobs: record.submissions.last?.jobs ?? [], skipped: Array(record.stages[..<from]))
    }
}
