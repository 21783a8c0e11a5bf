import ArgumentParser
import FoundationEssentials
import SotaSupport
import SotaOperations
import SotaConfig
import SotaLaunch
import SotaPlan
import SotaRunRecord

/// `sota status RUN`: a launched run's instance state, cost so far and, once uploaded, its results; or, for a
/// Slurm launch, every stage's job state and exit code, adding finished runs to the leaderboard.
struct StatusCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a run: its state, stages, metrics and gates; for a launched one, its instance or Slurm jobs.",
        discussion: """
        A run started here with `sota run` is read from its run directory: running (a live process holds its lock), finished, failed or interrupted (its process is gone: `sota run --resume` continues it), with each stage's status and time, the metrics and the gates.

        A launched run is read from runs/RUN/launch.json. Vast: asks the Vast API for the instance, and prices the time since it started at the instance's hourly price while it starts or runs; a stopped instance is billed its storage only (shown per hour), and a destroyed one (404, or no instance in the answer) is "gone". When the results folder is a file:// URL and the run has been uploaded, shows the run's status and the last lines of its onstart log.

        Slurm: one batched `squeue` call per refresh gives every job's (and array task's) state and exit code. A job the controller has forgotten is looked up with `sacct` (when accounting exists), then in the run directory: its READY marker means it finished, a failed manifest means it failed, and anything else is UNKNOWN — never success. A job is the launch's only when its id and its job name agree with launch.json: an id the controller reused for another job is reported as gone. Once every job has ended, the finished runs are added to the leaderboard here (the compute nodes write only files), and again whenever a run's manifest changed since (a failed run that `sota resume` finished). --watch refreshes every --interval seconds until then.

        Exit status: 0 shown, 1 the run or the API could not be read.

        Examples:
          sota status 20261123-141503-9f3a2b1c
          sota status 20261123 --json
          sota status sweep-20261123-141503-9f3a2b1c --watch --interval 10
        """
    )

    @Argument(help: ArgumentHelp("The run id (a unique prefix is enough).", valueName: "run"), completion: CompletionCandidates.runsAndSweeps)
    var run: String

    @Option(help: ArgumentHelp("Log lines to show.", valueName: "n"))
    var lines: Int = 10

    @Flag(help: "Print the status as JSON.")
    var json = false

    @Flag(help: "Slurm: refresh until every job has ended.")
    var watch = false

    @Option(help: ArgumentHelp("Slurm: seconds between --watch refreshes.", valueName: "seconds"))
    var interval: Double = 5

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        // At most an hour: the wait is handed to usleep in microseconds, a 32-bit count.
        guard interval.isFinite, (0.1...3600).contains(interval) else { throw ValidationError("--interval must be between 0.1 and 3600 seconds") }
    }

    func run(in context: CommandContext) throws -> Int32 {
        let (project, problems) = context.project(explicit: global.project)
        if problems.hasErrors { return Standalone.report(problems, context) }
        var request = StatusQuery.Request(project: project, run: run, environment: context.environment)
        request.logLines = lines
        request.watch = watch
        request.interval = interval
        let query = StatusQuery(openIndex: { try LeaderboardIndex.open(project: project, environment: context.environment) },
                                leaderboardPath: LeaderboardIndex.path(project: project, environment: context.environment))
        var looks = 0
        do {
            let last = try query.run(request) { report in
                if looks > 0, !json { context.console.out("") }
                looks += 1
                show(report, context)
            }
            return last.answered ? ExitStatus.success : ExitStatus.checkFailed
        } catch LaunchedRun.LookupError.none {
            // No launch record: a run started here with `sota run`, read from its run directory.
            return showLocal(project: project, context)
        } catch {
            context.console.error(error.description)
            return ExitStatus.checkFailed
        }
    }

    /// Shows a run started on this machine: its state (a live one holds the run's lock), stages, metrics and gates.
    private func showLocal(project: Project, _ context: CommandContext) -> Int32 {
        let status: LocalRunStatus
        do {
            status = try LocalRunStatus.look(run, project: project)
        } catch {
            context.console.error(error.description)
            return ExitStatus.checkFailed
        }
        let view = RunStateView(manifest: status.manifest, runDirectory: context.display(status.directory), state: status.state.rawValue,
                                cost: RunStateView.cost(of: status.manifest, project: project), seconds: status.seconds(of:))
        if json {
            let launch: [(String, JSONValue)] = status.launch.map { [("launch", .string($0))] } ?? []
            context.console.out(JSONOutput.document([("backend", .string("local"))] + view.fields + launch).rendered(pretty: true))
        } else {
            context.console.out(view.text(style: context.console.outStyle))
            if let launch = status.launch { context.console.out("launch    a task of \(launch): sota status \(launch)") }
        }
        return ExitStatus.success
    }
}
