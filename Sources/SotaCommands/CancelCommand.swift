import ArgumentParser
import Foundation
import SotaSupport
import SotaLaunch
import SotaPlan
import SotaRunRecord

/// `sota cancel RUN`: destroys a launched run's Vast instance, or cancels its Slurm jobs, and records it.
struct CancelCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Destroy a launched run's Vast instance, or scancel its Slurm job chain.",
        discussion: """
        Slurm: every job of the launch still queued or running is cancelled (`scancel --name=NAME ID...`); a running stage is stopped (its run stays resumable with `sota resume RUN`). A job is the launch's only when its id and its job name both match launch.json: an id the controller has since given to another job is reported and left alone.

        Vast: billing stops and the disk is deleted; whatever the instance has not uploaded yet is lost. The cancellation is recorded in runs/RUN/launch.json. An instance that is already gone is not an error.

        Examples:
          sota cancel 20261123-141503-9f3a2b1c
        """
    )

    @Argument(help: ArgumentHelp("The run id (a unique prefix is enough).", valueName: "run"))
    var run: String

    @OptionGroup var global: GlobalOptions

    func run(in context: CommandContext) throws -> Int32 {
        let (project, problems) = context.project(explicit: global.project)
        if problems.hasErrors { return Standalone.report(problems, context) }
        guard let launched = LaunchedRun.find(run, project: project, console: context.console) else { return ExitStatus.checkFailed }
        var record: LaunchRecord
        switch launched.launch {
        case .vast(let vast): record = vast
        case .slurm(let slurm): return cancelSlurm(slurm, launched: launched, context: context)
        }
        let client = LaunchedRun.client(record, environment: context.environment)
        do {
            try client.destroyInstance(record.instanceID)
            context.console.out("destroyed Vast instance \(record.instanceID) of run \(record.runID)")
        } catch .status(let code, _, _, _) where code == 404 {
            context.console.out("Vast instance \(record.instanceID) of run \(record.runID) is already gone")
        } catch {
            context.console.err("error: \(error)")
            return ExitStatus.checkFailed
        }
        record.cancelled = record.cancelled ?? Timestamp.string(Date())
        do {
            try record.write(to: Paths.join(launched.directory, LaunchRecord.fileName))
        } catch {
            context.console.err("error: the instance is destroyed, but the record was not updated: \(error)")
            return ExitStatus.checkFailed
        }
        return ExitStatus.success
    }

    /// Cancels every job of the launch the controller still runs or queues, and records it.
    ///
    /// A job is the launch's only when its id and its name agree (the controller reuses ids): one `squeue` call
    /// finds them, and each stage's jobs are cancelled with `scancel --name=NAME ID...`, so even a job given a reused
    /// id between the two calls is left alone. A reused id is reported and never cancelled.
    private func cancelSlurm(_ start: SlurmLaunchRecord, launched: LaunchedRun, context: CommandContext) -> Int32 {
        var record = start
        let client = SlurmClient(environment: context.environment)
        var names: [String: String] = [:]
        for job in record.submissions.flatMap(\.jobs) { names[job.jobID] = record.name(of: job) }
        let queued: [SlurmJobRecord]
        do {
            queued = try client.queue(jobIDs: record.jobIDs)
        } catch {
            context.console.err("error: cannot tell which jobs are this launch's: \(error)")
            return ExitStatus.checkFailed
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
            context.console.err("error: \(error)")
            return ExitStatus.checkFailed
        }
        if !reused.isEmpty {
            context.console.out("left alone: Slurm gave job id\(reused.count == 1 ? "" : "s") \(reused.joined(separator: ", ")) to another job; \(record.launchID)'s job is gone")
        }
        if ids.isEmpty {
            context.console.out("no job of \(record.launchID) was still queued or running")
        }
        if !ids.isEmpty {
            context.console.out("cancelled Slurm job\(ids.count == 1 ? "" : "s") \(ids.joined(separator: ", ")) of \(record.launchID) (jobs that had ended are left as they were)")
        }
        record.cancelled = Timestamp.string(Date())
        do {
            try record.write(to: launched.recordPath)
        } catch {
            context.console.err("error: the jobs are cancelled, but the record was not updated: \(error)")
            return ExitStatus.checkFailed
        }
        context.console.out("resume    sota resume \(record.launchID) resubmits the stages that did not finish")
        return ExitStatus.success
    }
}
