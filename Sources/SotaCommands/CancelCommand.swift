import ArgumentParser
import FoundationEssentials
import SotaSupport
import SotaOperations
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

    @Argument(help: ArgumentHelp("The run id (a unique prefix is enough).", valueName: "run"), completion: CompletionCandidates.runsAndSweeps)
    var run: String

    @OptionGroup var global: GlobalOptions

    func run(in context: CommandContext) throws -> Int32 {
        let (project, problems) = context.project(explicit: global.project)
        if problems.hasErrors { return Standalone.report(problems, context) }
        let outcome = Cancellation().run(.init(project: project, run: run, environment: context.environment))
        let console = context.console
        switch outcome.stopped {
        case .vast(let runID, let instanceID, let alreadyGone):
            console.out(alreadyGone ? "Vast instance \(instanceID) of run \(runID) is already gone" : "destroyed Vast instance \(instanceID) of run \(runID)")
        case .slurm(let launchID, let ids, let reused):
            if !reused.isEmpty {
                console.out("left alone: Slurm gave job id\(reused.count == 1 ? "" : "s") \(reused.joined(separator: ", ")) to another job; \(launchID)'s job is gone")
            }
            console.out(ids.isEmpty ? "no job of \(launchID) was still queued or running"
                                    : "cancelled Slurm job\(ids.count == 1 ? "" : "s") \(ids.joined(separator: ", ")) of \(launchID) (jobs that had ended are left as they were)")
        case nil: break
        }
        if let error = outcome.error {
            console.error(error)
            return ExitStatus.checkFailed
        }
        if case .slurm(let launchID, _, _) = outcome.stopped {
            console.out("resume    sota resume \(launchID) resubmits the stages that did not finish")
        }
        return ExitStatus.success
    }
}
