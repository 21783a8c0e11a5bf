import ArgumentParser
import FoundationEssentials
import SotaSupport
import SotaConfig
import SotaLaunch
import SotaPlan
import SotaOperations

/// `sota resume RUN`: resubmits the stages of a Slurm launch that did not finish, chained again; finished ones
/// (with their READY markers) are never redone.
struct ResumeCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Resubmit the unfinished stages of a Slurm launch (a failed or cancelled chain).",
        discussion: """
        Every job of the launch must have ended (`sota status RUN` says so; `sota cancel RUN` ends a stuck chain). For each run, the first stage without its READY marker and every stage after it are submitted again as a new chain (afterok, --kill-on-invalid-dep=yes); inside a stage, steps with DONE markers are skipped, so a training job that failed in its third stage starts at the third stage. For a sweep, only the unfinished tasks are resubmitted (--array with their task ids). New scripts and job ids are added to runs/RUN/launch.json.

        A run started locally resumes with `sota run --resume RUN`.

        Exit status: 0 resubmitted (or nothing left to do), 1 the launch could not be read or jobs are still queued.

        Examples:
          sota resume 20261123-141503-9f3a2b1c
          sota resume sweep-20261123-141503-9f3a2b1c --dry-run
        """
    )

    @Argument(help: ArgumentHelp("The run or sweep id (a unique prefix is enough).", valueName: "run"), completion: CompletionCandidates.runsAndSweeps)
    var run: String

    @Flag(help: "Show what would be resubmitted; submit nothing.")
    var dryRun = false

    @OptionGroup var global: GlobalOptions

    func run(in context: CommandContext) throws -> Int32 {
        let (project, problems) = context.project(explicit: global.project)
        if problems.hasErrors { return Standalone.report(problems, context) }
        let console = context.console
        let launched: LaunchedRun
        do {
            launched = try LaunchedRun.find(run, project: project)
        } catch {
            console.error(error.description)
            return ExitStatus.checkFailed
        }
        guard case .slurm(let record) = launched.launch else {
            console.error("\(launched.id) runs on a Vast instance; `sota resume` resubmits Slurm chains (launch the config again, or `sota run --resume` where its run directory is)")
            return ExitStatus.checkFailed
        }
        let client = SlurmClient(environment: context.environment), runsDirectory = project.resolve(project.runsDirectory)
        let operation = ResumeOperation(stageStates: { record in
            let report = SlurmStatusReport.refresh(record, runsDirectory: runsDirectory, client: client)
            return (report.stages, report.schedulerError)
        }, submit: { scripts, record in
            let submitter = SlurmChainSubmitter(client: client, directory: launched.directory)
            guard case .failure(let failure) = submitter.submit(scripts, record: &record, recordPath: launched.recordPath) else { return nil }
            return failure.description
        })
        let result = operation(ResumeOperation.Request(record: record, directory: launched.directory, project: project, dryRun: dryRun))
        switch result {
        case .schedulerUnavailable(let error): console.error("cannot tell which jobs are still queued: \(error)")
        case .stillQueued(let jobs):
            console.error("jobs \(jobs.joined(separator: ", ")) of \(record.launchID) are still pending or running; wait for them, or `sota cancel \(record.launchID)` first")
        case .nothingLeft: console.out("\(record.launchID): every stage of every run finished; nothing to resume")
        case .failed(let message): console.error(message)
        case .wouldResubmit(let stages, let what):
            console.out("sota resume --dry-run: nothing submitted")
            console.out("would resubmit \(stages.map(\.rawValue).joined(separator: " → ")) for \(what)")
        case .resubmitted(let what, let jobs, let skipped):
            console.out("resubmitted \(what): \(jobs.map { "\($0.stage.rawValue) \($0.jobID)" }.joined(separator: " → "))"
                        + (skipped.isEmpty ? "" : " (\(skipped.map(\.rawValue).joined(separator: ", ")) already finished)"))
            console.out("follow    sota status \(record.launchID) --watch")
        }
        return result.exitStatus
    }
}
