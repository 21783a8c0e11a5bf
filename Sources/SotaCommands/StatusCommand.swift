import ArgumentParser
import Foundation
import SotaSupport
import SotaConfig
import SotaLaunch
import SotaPlan
import SotaRunRecord

/// `sota status RUN`: a launched run's instance state, cost so far and, once uploaded, its results; or, for a
/// Slurm launch, every stage's job state and exit code, adding finished runs to the leaderboard.
struct StatusCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a launched run: Vast instance state and cost, or every Slurm stage's state and exit code.",
        discussion: """
        Reads runs/RUN/launch.json. Vast: asks the Vast API for the instance, and prices the time since it started at the instance's hourly price while it starts or runs; a stopped instance is billed its storage only (shown per hour), and a destroyed one (404, or no instance in the answer) is "gone". When the results folder is a file:// URL and the run has been uploaded, shows the run's status and the last lines of its onstart log.

        Slurm: one batched `squeue` call per refresh gives every job's (and array task's) state and exit code. A job the controller has forgotten is looked up with `sacct` (when accounting exists), then in the run directory: its READY marker means it finished, a failed manifest means it failed, and anything else is UNKNOWN — never success. A job is the launch's only when its id and its job name agree with launch.json: an id the controller reused for another job is reported as gone. Once every job has ended, the finished runs are added to the leaderboard here (the compute nodes write only files), and again whenever a run's manifest changed since (a failed run that `sota resume` finished). --watch refreshes every --interval seconds until then.

        Exit status: 0 shown, 1 the run or the API could not be read.

        Examples:
          sota status 20261123-141503-9f3a2b1c
          sota status 20261123 --json
          sota status sweep-20261123-141503-9f3a2b1c --watch --interval 10
        """
    )

    @Argument(help: ArgumentHelp("The run id (a unique prefix is enough).", valueName: "run"))
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
        guard let launched = LaunchedRun.find(run, project: project, console: context.console) else { return ExitStatus.checkFailed }
        let record: LaunchRecord
        switch launched.launch {
        case .vast(let vast): record = vast
        case .slurm(let slurm): return slurmStatus(slurm, launched: launched, project: project, context: context)
        }
        let now = Date()
        var apiError: String?
        var instance: VastInstance?
        do {
            instance = try LaunchedRun.client(record, environment: context.environment).instance(record.instanceID)
        } catch {
            apiError = "\(error)"
        }
        let state: String
        if let instance, instance.phase == .gone {
            state = "gone (destroyed)"
        } else if let instance, instance.phase == .stopped {
            state = "stopped" + (instance.actualStatus.map { $0 == "stopped" ? "" : " (\($0))" } ?? "")
        } else if let instance {
            state = [instance.actualStatus ?? "scheduling", instance.currentState.map { "(asked: \($0))" }].compactMap { $0 }.joined(separator: " ")
        } else if apiError != nil {
            state = "unknown"
        } else {
            state = record.cancelled != nil ? "gone (cancelled)" : "gone (destroyed)"
        }
        let uploaded = StorageURL.parse(record.results).map { $0.appending(record.runID) }
        let resultsFolder = (try? uploaded.get())?.filePath
        let manifestStatus = resultsFolder.flatMap { try? RunManifest.read(path: Paths.join($0, RunLayout.manifest)) }?.status.rawValue
        let logTail = resultsFolder.flatMap { try? String(contentsOfFile: Paths.join($0, RunLayout.onstartLog), encoding: .utf8) }
            .map { $0.split(separator: "\n").suffix(max(0, lines)).joined(separator: "\n") }

        if json {
            var fields: [(String, JSONValue)] = [
                ("run_id", .string(record.runID)), ("backend", .string(record.backend)), ("instance_id", .int(record.instanceID)),
                ("state", .string(state)), ("dph_total", .double(instance?.pricePerHour ?? record.pricePerHour)),
            ]
            if let instance { fields.append(("phase", .string(instance.phase.rawValue))) }
            if let billed = instance?.billedPerHour ?? (instance == nil && apiError == nil ? 0 : nil) { fields.append(("billed_per_hour", .double(billed))) }
            if let hours = instance?.hours(at: now) { fields.append(("hours", .double(hours))) }
            if let cost = instance?.cost(at: now) { fields.append(("cost", .double(cost))) }
            fields.append(("results", .string((try? uploaded.get())?.text ?? record.results)))
            fields.append(("run_status", manifestStatus.map(JSONValue.string) ?? .null))
            if let apiError { fields.append(("error", .string(apiError))) }
            context.console.out(JSONValue.object(fields).rendered(pretty: true))
        } else {
            let console = context.console
            func out(_ text: String) { console.out(text) }
            out("run       \(record.runID) (\(record.config), commit \(record.commit.prefix(12)))")
            out("instance  \(record.instanceID) on Vast: \(state)\(instance?.statusMessage.flatMap { $0.isEmpty ? nil : " — \($0)" } ?? "")")
            let price = instance?.pricePerHour ?? record.pricePerHour
            if let hours = instance?.hours(at: now), let cost = instance?.cost(at: now) {
                out(String(format: "cost      $%.2f so far (%.2f h at $%.4f/h)", cost, hours, price))
            } else if let instance, instance.phase == .stopped {
                // Vast bills a stopped instance its storage only; when it stopped is not in the answer.
                out("cost      stopped: the GPU is no longer billed; storage "
                    + (instance.storagePricePerHour.map { String(format: "$%.4f/h", $0) } ?? "at Vast's storage price") + " until it is destroyed")
            }
            out("results   \((try? uploaded.get())?.text ?? record.results)/" + (manifestStatus.map { " — uploaded, run \($0)" } ?? ""))
            if let resultsFolder, manifestStatus != nil { out("ingest    sota ingest \(context.display(resultsFolder))") }
            if let logTail {
                out("onstart.log (last \(lines) lines):")
                out(logTail.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
            }
            if let apiError { context.console.err("error: \(apiError)") }
        }
        return apiError == nil ? ExitStatus.success : ExitStatus.checkFailed
    }

    /// Shows a Slurm launch, refreshing with --watch, and ingests its runs once every job has ended.
    private func slurmStatus(_ start: SlurmLaunchRecord, launched: LaunchedRun, project: Project, context: CommandContext) -> Int32 {
        var record = start
        let console = context.console
        let runsDirectory = project.resolve(project.runsDirectory)
        let client = SlurmClient(environment: context.environment)
        while true {
            let report = SlurmStatusReport.refresh(record, runsDirectory: runsDirectory, client: client)
            var notes: [String] = []
            if report.isFinal {
                notes = ingest(&record, launched: launched, project: project, context: context)
            }
            if json {
                console.out(report.json().rendered(pretty: true))
            } else {
                console.out(report.text(display: context.display, runsDirectory: runsDirectory))
                notes.forEach { console.out($0) }
            }
            if !watch || report.isFinal {
                return report.schedulerError == nil ? ExitStatus.success : ExitStatus.checkFailed
            }
            if !json { console.out("") }
            usleep(useconds_t(interval * 1_000_000))
        }
    }

    /// Adds the launch's ended runs to the leaderboard (the nodes never touch it) and records which manifest each was
    /// added from: a run whose manifest changed since (failed, then resumed with `sota resume` and finished) is added
    /// again, so the leaderboard follows the run directories.
    private func ingest(_ record: inout SlurmLaunchRecord, launched: LaunchedRun, project: Project, context: CommandContext) -> [String] {
        let runsDirectory = project.resolve(project.runsDirectory)
        var changed: [(runID: String, manifest: RunManifest, path: String, hash: String)] = []
        for runID in record.runs {
            let path = Paths.join(runsDirectory, RunLayout.manifest(ofRun: runID))
            guard let bytes = FileManager.default.contents(atPath: path) else { continue }
            let hash = SHA256.hex(of: bytes)
            guard record.ingestedManifests?[runID] != hash, let manifest = try? RunManifest.decode(bytes, path: path),
                  [RunManifest.Status.succeeded, .rejected, .failed].contains(manifest.status) else { continue }
            changed.append((runID, manifest, path, hash))
        }
        guard !changed.isEmpty else { return [] }
        let index: LeaderboardIndex
        do {
            index = try LeaderboardIndex.open(project: project, environment: context.environment)
        } catch {
            return ["warning   the leaderboard was not updated: \(error)"]
        }
        var added: [String] = []
        var problems: [String] = []
        for run in changed {
            do {
                try index.record(run.manifest, manifestPath: run.path)
                added.append(run.runID)
                if !record.ingested.contains(run.runID) { record.ingested.append(run.runID) }
                record.ingestedManifests = (record.ingestedManifests ?? [:]).merging([run.runID: run.hash]) { $1 }
            } catch {
                problems.append("warning   \(run.runID) was not added to the leaderboard: \(error)")
            }
        }
        guard !added.isEmpty else { return problems }
        do {
            try record.write(to: launched.recordPath)
        } catch {
            problems.append("warning   \(error) (the runs are in the leaderboard; the next status adds them again, harmlessly)")
        }
        let board = context.display(LeaderboardIndex.path(project: project, environment: context.environment))
        return ["leaderboard added \(added.count) finished run\(added.count == 1 ? "" : "s") to \(board)" + (added.count == 1 ? " (\(added[0]))" : "")] + problems
    }
}
