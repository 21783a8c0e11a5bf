import SotaSupport
import SotaRunRecord
import SotaLaunch
import SotaOperations

/// What `sota launch` prints: the flags as the use cases' options, and each way a launch ends as text.
extension LaunchCommand {
    /// The Vast flags.
    var vastOptions: VastLaunch.Options {
        var options = VastLaunch.Options()
        options.overrides = overrides.assignments
        options.gpu = gpu
        options.maxPrice = maxPrice
        options.disk = disk
        options.results = results
        options.dataURL = dataURL
        options.autoShutdown = autoShutdown
        options.shutdownAction = shutdownAction
        options.allowDirty = allowDirty
        options.dryRun = dryRun
        return options
    }

    /// The Slurm flags.
    var slurmOptions: SlurmLaunch.Options {
        var options = SlurmLaunch.Options()
        options.config = config
        options.overrides = overrides.assignments
        options.sweep = sweep
        options.partition = partition
        options.time = time
        options.gpus = gpus
        options.account = account
        options.qos = qos
        options.mem = mem
        options.cpusPerTask = cpusPerTask
        options.maxParallel = maxParallel
        options.dryRun = dryRun
        return options
    }

    /// Prints why the launch stopped, and that nothing was `what` (rented, submitted).
    static func stopped(_ diagnostics: [Diagnostic], _ what: String, _ console: Console) -> Int32 {
        console.report(diagnostics)
        console.err("launch stopped: \(what)")
        return ExitStatus.checkFailed
    }

    /// Prints a Vast launch.
    static func show(_ outcome: VastLaunch.Outcome, _ context: CommandContext) -> Int32 {
        let console = context.console
        switch outcome.ending {
        case .refused:
            return stopped(outcome.diagnostics, "nothing was rented", console)
        case .dryRun(let summary, let script):
            console.report(outcome.diagnostics)
            console.out("sota launch --dry-run: nothing rented, nothing written")
            console.out(summary)
            console.out("--- onstart.sh ---")
            console.out(script, terminator: "")
        case .launched(let runID, let instanceID, let summary, let runDirectory):
            console.report(outcome.diagnostics)
            let shown = context.display(runDirectory)
            console.out("launched run \(runID) on Vast instance \(instanceID)")
            console.out(summary)
            console.out("script    \(Paths.join(shown, RunLayout.onstartScript)) (and .vast/onstart.sh)")
            console.out("record    \(Paths.join(shown, LaunchRecord.fileName))")
            console.out("follow    sota status \(runID)")
            console.out("cancel    sota cancel \(runID)")
        case .unrecorded(let reason, let instanceID, let destroyed):
            console.report(outcome.diagnostics)
            console.error("cannot record the launch: \(reason)")
            if destroyed {
                console.err("the instance \(instanceID) was destroyed again")
            } else {
                console.error("instance \(instanceID) is running; destroy it with `vastai destroy instance \(instanceID)`")
            }
            return ExitStatus.checkFailed
        }
        return ExitStatus.success
    }

    /// Prints a Slurm launch.
    static func show(_ outcome: SlurmLaunch.Outcome, _ context: CommandContext) -> Int32 {
        let console = context.console
        switch outcome.ending {
        case .refused:
            return stopped(outcome.diagnostics, "nothing was submitted", console)
        case .dryRun(let summary, let scripts):
            console.report(outcome.diagnostics)
            console.out("sota launch --dry-run: nothing submitted, nothing written")
            summary.forEach { console.out($0) }
            for script in scripts {
                console.out("--- \(script.name) ---")
                console.out(script.text, terminator: "")
            }
        case .submitted(let launchID, let jobs, let summary, let launchDirectory):
            console.report(outcome.diagnostics)
            console.out("submitted \(launchID) to Slurm: \(jobs.map { "\($0.stage) \($0.jobID)" }.joined(separator: " → "))")
            summary.forEach { console.out($0) }
            let shown = context.display(launchDirectory)
            console.out("scripts   \(Paths.join(shown, RunLayout.slurmScripts))/*.sbatch")
            console.out("record    \(Paths.join(shown, LaunchRecord.fileName))")
            console.out("follow    sota status \(launchID) --watch")
            console.out("cancel    sota cancel \(launchID)")
        case .submissionFailed(let message):
            console.report(outcome.diagnostics)
            console.error(message)
            return ExitStatus.checkFailed
        }
        return ExitStatus.success
    }
}
