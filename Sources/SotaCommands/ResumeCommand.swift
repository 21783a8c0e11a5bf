import ArgumentParser
import Foundation
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

    @Argument(help: ArgumentHelp("The run or sweep id (a unique prefix is enough).", valueName: "run"))
    var run: String

    @Flag(help: "Show what would be resubmitted; submit nothing.")
    var dryRun = false

    @OptionGroup var global: GlobalOptions

    func run(in context: CommandContext) throws -> Int32 {
        let (project, problems) = context.project(explicit: global.project)
        if problems.hasErrors { return Standalone.report(problems, context) }
        let console = context.console
        guard let launched = LaunchedRun.find(run, project: project, console: console) else { return ExitStatus.checkFailed }
        guard case .slurm(var record) = launched.launch else {
            console.err("error: \(launched.id) runs on a Vast instance; `sota resume` resubmits Slurm chains (launch the config again, or `sota run --resume` where its run directory is)")
            return ExitStatus.checkFailed
        }
        let runsDirectory = project.resolve(project.runsDirectory)
        let client = SlurmClient(environment: context.environment)
        let report = SlurmStatusReport.refresh(record, runsDirectory: runsDirectory, client: client)
        if let error = report.schedulerError {
            console.err("error: cannot tell which jobs are still queued: \(error)")
            return ExitStatus.checkFailed
        }
        let live = report.stages.filter { !$0.state.isFinal }
        if !live.isEmpty {
            let jobs = Array(Set(live.compactMap(\.jobID))).sorted()
            console.err("error: jobs \(jobs.joined(separator: ", ")) of \(record.launchID) are still pending or running; wait for them, or `sota cancel \(record.launchID)` first")
            return ExitStatus.checkFailed
        }
        // Per run, the first stage without its READY marker; everything from there on runs again.
        var unfinished: [Int] = []
        var from: SlurmStage?
        for (index, runID) in record.runs.enumerated() {
            guard let stage = record.stages.first(where: { Paths.kind(of: Paths.join(runsDirectory, "\(runID)/\($0.readyMarker)")) != .file }) else { continue }
            unfinished.append(index)
            if from == nil || record.stages.firstIndex(of: stage)! < record.stages.firstIndex(of: from!)! { from = stage }
        }
        guard let from else {
            console.out("\(record.launchID): every stage of every run finished; nothing to resume")
            return ExitStatus.success
        }
        let stages = Array(record.stages.drop { $0 != from })
        let attempt = record.submissions.count
        let plans = stages.map { stage in
            SlurmStagePlan(stage: stage, launchID: record.launchID,
                           runs: record.arrayBase.map { .array(base: $0, tasks: unfinished) } ?? .single(runID: record.runs[0]),
                           projectRoot: project.root, runsDirectory: runsDirectory, sota: record.sota, resources: record.resources)
        }
        let scripts: [(String, SbatchScript)]
        do {
            scripts = try plans.map { (plan) throws(ScriptValueError) in ("slurm/\(plan.stage.rawValue)-resume\(attempt).sbatch", try SbatchScript(plan)) }
        } catch {
            console.err("error: \(error)")
            return ExitStatus.checkFailed
        }
        let what = record.isArray ? "tasks \(SlurmStagePlan.ranges(unfinished)) of \(record.runs.count)"
                                  : "run \(record.runs[0])"
        if dryRun {
            console.out("sota resume --dry-run: nothing submitted")
            console.out("would resubmit \(stages.map(\.rawValue).joined(separator: " → ")) for \(what)")
            return ExitStatus.success
        }
        do {
            for (path, script) in scripts {
                try AtomicFile.write(script.text, to: Paths.join(launched.directory, path), mode: 0o755)
            }
        } catch {
            console.err("error: cannot write the scripts: \(error)")
            return ExitStatus.checkFailed
        }
        record.cancelled = nil
        let submitter = SlurmChainSubmitter(client: client, directory: launched.directory)
        if case .failure(let failure) = submitter.submit(scripts.map { ($0.0, $0.1.plan) }, record: &record, recordPath: launched.recordPath) {
            console.err("error: \(failure)")
            return ExitStatus.checkFailed
        }
        let skipped = record.stages.prefix { $0 != from }
        console.out("resubmitted \(what): \(record.submissions.last!.jobs.map { "\($0.stage.rawValue) \($0.jobID)" }.joined(separator: " → "))"
                    + (skipped.isEmpty ? "" : " (\(skipped.map(\.rawValue).joined(separator: ", ")) already finished)"))
        console.out("follow    sota status \(record.launchID) --watch")
        return ExitStatus.success
    }
}
