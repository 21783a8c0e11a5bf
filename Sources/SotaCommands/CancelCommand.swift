import ArgumentParser
import Foundation
import SotaBasics
import SotaLaunch
import SotaPlan

/// `sota cancel RUN`: destroys a launched run's Vast instance, or cancels its Slurm jobs, and records it.
struct CancelCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Destroy a launched run's Vast instance, or scancel its Slurm job chain.",
        discussion: """
        Slurm: every job the launch submitted is cancelled with one `scancel` call; a running stage is stopped (its run stays resumable with `sota resume RUN`).

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

    /// Cancels every job the launch ever submitted, in one `scancel` call, and records it.
    private func cancelSlurm(_ start: SlurmLaunchRecord, launched: LaunchedRun, context: CommandContext) -> Int32 {
        var record = start
        let ids = record.jobIDs
        do {
            try SlurmClient(environment: context.environment).cancel(jobIDs: ids)
        } catch {
            context.console.err("error: \(error)")
            return ExitStatus.checkFailed
        }
        context.console.out("cancelled Slurm job\(ids.count == 1 ? "" : "s") \(ids.joined(separator: ", ")) of \(record.launchID) (jobs that had ended are left as they were)")
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
