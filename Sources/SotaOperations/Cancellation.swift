import FoundationEssentials
import SotaSupport
import SotaRunRecord
import SotaConfig
import SotaLaunch
import SotaPlan

/// Stops a launched run: destroys its Vast instance, or cancels its Slurm jobs still queued or running, and records
/// the cancellation in its launch record.
package struct Cancellation: Sendable {
    /// One cancellation.
    package struct Request: Sendable {
        /// The project.
        package var project: Project
        /// The run id as typed (a unique prefix is enough).
        package var run: String
        /// This process's environment (the Vast API key, the Slurm tools' PATH).
        package var environment: [String: String]

        /// Creates a request.
        package init(project: Project, run: String, environment: [String: String]) {
            self.project = project
            self.run = run
            self.environment = environment
        }
    }

    /// What was stopped.
    package enum Stopped: Sendable, Equatable {
        /// A Vast instance was destroyed, or was already gone.
        case vast(runID: String, instanceID: Int, alreadyGone: Bool)
        /// Slurm jobs were cancelled (`cancelled`, sorted); `reused` lists ids Slurm has since given to other jobs, left alone.
        case slurm(launchID: String, cancelled: [String], reused: [String])
    }

    /// What a cancellation did.
    package struct Outcome: Sendable, Equatable {
        /// What was stopped, when anything was reached.
        package var stopped: Stopped?
        /// What went wrong, if anything: then the cancellation failed, possibly after ``stopped``.
        package var error: String?

        /// Creates an outcome.
        package init(stopped: Stopped? = nil, error: String? = nil) {
            self.stopped = stopped
            self.error = error
        }
    }

    /// Creates the use case.
    package init() {}

    /// Cancels the launched run `request.run` names.
    package func run(_ request: Request) -> Outcome {
        let launched: LaunchedRun
        do {
            launched = try LaunchedRun.find(request.run, project: request.project)
        } catch {
            return Outcome(error: error.description)
        }
        switch launched.launch {
        case .vast(let record): return cancelVast(record, launched: launched, environment: request.environment)
        case .slurm(let record): return cancelSlurm(record, launched: launched, environment: request.environment)
        }
    }

    /// Destroys the instance (one already gone is not an error) and records it.
    private func cancelVast(_ start: LaunchRecord, launched: LaunchedRun, environment: [String: String]) -> Outcome {
        var record = start
        let stopped: Stopped
        do {
            try LaunchedRun.client(record, environment: environment).destroyInstance(record.instanceID)
            stopped = .vast(runID: record.runID, instanceID: record.instanceID, alreadyGone: false)
        } catch .status(let code, _, _, _) where code == 404 {
            stopped = .vast(runID: record.runID, instanceID: record.instanceID, alreadyGone: true)
        } catch {
            return Outcome(error: "\(error)")
        }
        record.cancelled = record.cancelled ?? Timestamp.string(Date())
        do {
            try record.write(to: launched.recordPath)
        } catch {
            return Outcome(stopped: stopped, error: "the instance is destroyed, but the record was not updated: \(error)")
        }
        return Outcome(stopped: stopped)
    }

    /// Cancels every job of the launch the controller still runs or queues, and records it.
    ///
    /// A job is the launch's only when its id and its name agree (the controller reuses ids): one `squeue` call
    /// finds them, and each stage's jobs are cancelled with `scancel --name=NAME ID...`, so even a job given a reused
    /// id between the two calls is left alone. A reused id is reported and never cancelled.
    private func cancelSlurm(_ start: SlurmLaunchRecord, launched: LaunchedRun, environment: [String: String]) -> Outcome {
        var record = start
        let client = SlurmClient(environment: environment)
        var names: [String: String] = [:]
        for job in record.submissions.flatMap(\.jobs) { names[job.jobID] = record.name(of: job) }
        let queued: [SlurmJobRecord]
        do {
            queued = try client.queue(jobIDs: record.jobIDs)
        } catch {
            return Outcome(error: "cannot tell which jobs are this launch's: \(error)")
        }
        var ours: [String: [String]] = [:]
        var reused: [String] = []
        for id in record.jobIDs {
            let found = queued.filter { $0.jobID == id && !$0.state.isFinal }
            guard !found.isEmpty, let name = names[id] else { continue }
            if found.allSatisfy({ $0.name == nil || $0.name == name }) {
                ours[name, default: []].append(id)
            } else if let other = found.first(where: { $0.name != name }) {
                reused.append("\(id) (now \(other.name ?? "another job"))")
            }
        }
        let ids = ours.values.flatMap { $0 }.sorted { $0.count != $1.count ? $0.count < $1.count : $0 < $1 }
        do {
            for (name, jobs) in ours.sorted(by: { $0.key < $1.key }) {
                try client.cancel(jobIDs: jobs, name: name)
            }
        } catch {
            return Outcome(error: "\(error)")
        }
        let stopped = Stopped.slurm(launchID: record.launchID, cancelled: ids, reused: reused)
        record.cancelled = Timestamp.string(Date())
        do {
            try record.write(to: launched.recordPath)
        } catch {
            return Outcome(stopped: stopped, error: "the jobs are cancelled, but the record was not updated: \(error)")
        }
        return Outcome(stopped: stopped)
    }
}
