import ArgumentParser
import Foundation
import SotaSupport
import SotaConfig
import SotaGit
import SotaLaunch
import SotaPlan
import SotaRun
import SotaRunRecord

/// `sota launch --backend slurm`: prepares the run directories on this machine, writes one sbatch script per stage
/// (train → small eval → full eval → gate), and submits them as a chain; a sweep becomes one array job per stage.
struct SlurmLaunch {
    let command: LaunchCommand
    let project: Project
    let context: CommandContext

    /// One run to prepare: its id, overrides and loaded configs.
    private struct PreparedRun {
        var runID: String
        var overrides: [String]
        var configs: PipelineConfigs
    }

    func run() throws -> Int32 {
        let console = context.console
        let renderer = DiagnosticRenderer(style: console.errStyle)
        func fail(_ diagnostics: [Diagnostic]) -> Int32 {
            for diagnostic in diagnostics { console.err(renderer.render(diagnostic)) }
            console.err("launch stopped: nothing was submitted")
            return ExitStatus.checkFailed
        }
        var axes: [SweepAxis] = []
        for text in command.sweep {
            switch SweepAxis.parse(text) {
            case .success(let axis): axes.append(axis)
            case .failure(let error): return fail([error.diagnostic])
            }
        }
        let settings = project.launch
        let base = RunID.make().text
        let sweeping = !axes.isEmpty
        let launchID = sweeping ? RunLayout.sweepFolderPrefix + base : base
        let trainPath = context.absolute(command.config)
        // Every run is loaded and checked before anything is written; seeds follow SweepPlan's policy (task i gets the
        // config's seed + i unless the sweep sets `seed`).
        let fixed = try OverrideParsing.parse(command.overrides.assignments)
        var baseSeed: Int??
        let jobs = SweepPlan.make(configs: [trainPath], fixed: command.overrides.assignments, axes: axes, devices: ["0"],
                                  seedOf: sweeping ? { _, _ in
            if let known = baseSeed { return known }
            var probe: [Diagnostic] = []
            let seed = PipelineConfigs.load(trainPath: trainPath, overrides: fixed, smallEvalPath: nil, fullEvalPath: nil,
                                            project: project, context: context, diagnostics: &probe)?.training.seed
            baseSeed = .some(seed)
            return seed
        } : nil) {
            sweeping ? SlurmStagePlan.taskRunID(base: base, index: $0) : base
        }.jobs
        var diagnostics: [Diagnostic] = []
        var runs: [PreparedRun] = []
        for job in jobs {
            let overrides = job.overrides
            var loaded: [Diagnostic] = []
            let configs = PipelineConfigs.load(trainPath: trainPath, overrides: try OverrideParsing.parse(overrides), smallEvalPath: nil,
                                               fullEvalPath: nil, project: project, context: context, diagnostics: &loaded)
            diagnostics += sweeping ? loaded.map { item in
                var copy = item
                copy.message = "task \(job.index) (\(job.overrides.suffix(from: command.overrides.assignments.count).joined(separator: " "))): " + copy.message
                return copy
            } : loaded
            if let configs { runs.append(PreparedRun(runID: job.runID, overrides: overrides, configs: configs)) }
        }
        if diagnostics.hasErrors { return fail(diagnostics) }
        for diagnostic in diagnostics { console.err(renderer.render(diagnostic)) }
        let first = runs[0].configs

        // What each job asks for: flags, then launch.slurm, then the config.
        var problems: [Diagnostic] = []
        var timeSeconds: Int?
        if let text = command.time {
            timeSeconds = SlurmResources.parseTime(text)
        } else if let setting = settings.slurmTime {
            timeSeconds = SlurmResources.parseTime(setting.value)
            if let problem = SlurmResources.timeProblem(setting.value) {
                problems.append(.error(at: setting.location, keyPath: "launch.slurm.time", "launch.slurm.time \(problem)", hint: "use HH:MM:SS, e.g. 02:00:00"))
            }
        }
        let platformHasGPUs = first.training.resources.platform != .cpu
        // Every value bound for an #SBATCH line is checked here, named by its flag or located at its sota.yaml key.
        func directiveValue(_ flag: String?, _ flagName: String, _ setting: Located<String>?, _ key: String,
                            check: (String, String) throws(ScriptValueError) -> SbatchValue = { (text: String, role: String) throws(ScriptValueError) in try SbatchValue(text, role: role) }) -> SbatchValue? {
            guard let text = flag ?? setting?.value else { return nil }
            do {
                return try check(text, flag != nil ? flagName : key)
            } catch {
                problems.append(flag != nil ? .error(at: nil, error.description) : .error(at: setting?.location, keyPath: key, error.description))
                return nil
            }
        }
        var extra: [SbatchDirective] = []
        for line in settings.slurmExtra {
            do {
                extra.append(try SbatchDirective(parsing: line.value, role: "launch.slurm.extra"))
            } catch {
                problems.append(.error(at: line.location, keyPath: "launch.slurm.extra", error.description))
            }
        }
        let resources = SlurmResources(
            partition: directiveValue(command.partition, "--partition", settings.slurmPartition, "launch.slurm.partition"),
            account: directiveValue(command.account, "--account", settings.slurmAccount, "launch.slurm.account"),
            qos: directiveValue(command.qos, "--qos", settings.slurmQOS, "launch.slurm.qos"),
            memory: directiveValue(command.mem, "--mem", settings.slurmMemory, "launch.slurm.mem", check: SlurmResources.memory),
            cpusPerTask: command.cpusPerTask ?? settings.slurmCPUsPerTask, extra: extra, timeSeconds: timeSeconds,
            gpus: command.gpus ?? settings.slurmGPUs ?? (platformHasGPUs ? first.training.resources.gpus?.value ?? 1 : 0),
            maxParallel: command.maxParallel ?? settings.slurmMaxParallel
        )
        let sota: String
        if let explicit = settings.slurmSota {
            sota = project.resolve(explicit.value)
        } else {
            sota = try SweepCommandSupport.executable(context)
        }
        let runsDirectory = project.resolve(project.runsDirectory)
        let launchDirectory = Paths.join(runsDirectory, launchID)
        let stages = Self.stages(first)
        let plans = stages.map { stage in
            SlurmStagePlan(stage: stage, launchID: launchID,
                           runs: sweeping ? .array(base: base, tasks: Array(runs.indices)) : .single(runID: base),
                           projectRoot: project.root, runsDirectory: runsDirectory, sota: sota, resources: resources)
        }
        // The runs folder names every job's log file in #SBATCH --output: no space, `%` or quote in it.
        if let problem = SbatchValue.problem(runsDirectory) {
            problems.append(project.runsLocation.map {
                .error(at: $0, keyPath: "runs", "the runs folder \(runsDirectory) cannot name Slurm's log files: \(problem)")
            } ?? .error(at: nil, "the runs folder \(runsDirectory) (in the project folder) cannot name Slurm's log files: \(problem)",
                        hint: "set `runs:` in sota.yaml to a folder whose path has no spaces or shell characters"))
        }
        if problems.hasErrors { return fail(problems) }
        let scripts: [SbatchScript]
        do {
            scripts = try plans.map { (plan) throws(ScriptValueError) in try SbatchScript(plan) }
        } catch {
            return fail([.error(at: nil, error.description)])
        }
        let summary = summaryLines(launchID: launchID, runs: runs, resources: resources, stages: stages, sota: sota)
        if command.dryRun {
            console.out("sota launch --dry-run: nothing submitted, nothing written")
            summary.forEach { console.out($0) }
            for script in scripts {
                console.out("--- \(script.plan.stage.rawValue).sbatch ---")
                console.out(script.text, terminator: "")
            }
            return ExitStatus.success
        }

        // The run directories exist before any job starts: the nodes resume them, and Slurm writes logs into them.
        let git = PendingProvenance(path: project.root).wait()
        var dataRecords: [RunManifest.FileRecord]?
        for run in runs {
            let request = RunRequest(training: run.configs.training, smallEval: run.configs.smallEval, fullEval: run.configs.fullEval,
                                     project: project, runID: run.runID, devices: "0", maxRetries: nil,
                                     gracePeriod: DurationValue(seconds: 10), environment: context.environment)
            let orchestrator = RunOrchestrator(request: request, index: nil, observe: { _ in })
            if dataRecords == nil {
                // The dataset and the plan are checked once: every task shares them.
                let (checks, data) = orchestrator.validate()
                if checks.hasErrors { return fail(checks) }
                dataRecords = data
            }
            do {
                try orchestrator.prepare(data: dataRecords ?? [], git: git)
                try FileManager.default.createDirectory(atPath: Paths.join(runsDirectory, run.runID + "/slurm"), withIntermediateDirectories: true)
            } catch {
                return fail([.error(at: nil, "cannot prepare run \(run.runID): \(error)")])
            }
        }
        var record = SlurmLaunchRecord(
            launchID: launchID, created: Timestamp.string(Date()), config: Paths.relative(trainPath, to: project.root),
            overrides: command.overrides.assignments, sweep: command.sweep, runs: runs.map(\.runID), arrayBase: sweeping ? base : nil,
            stages: stages, resources: resources, sota: sota
        )
        let recordPath = Paths.join(launchDirectory, LaunchRecord.fileName)
        do {
            try FileManager.default.createDirectory(atPath: Paths.join(launchDirectory, RunLayout.slurmScripts), withIntermediateDirectories: true)
            for script in scripts {
                try AtomicFile.write(script.text, to: Paths.join(launchDirectory, "slurm/\(script.plan.stage.rawValue).sbatch"), mode: 0o755)
            }
            try record.write(to: recordPath)
        } catch {
            return fail([.error(at: nil, "cannot write the launch: \(error)")])
        }
        let submitter = SlurmChainSubmitter(client: SlurmClient(environment: context.environment), directory: launchDirectory)
        switch submitter.submit(scripts.map { ("slurm/\($0.plan.stage.rawValue).sbatch", $0.plan) }, record: &record, recordPath: recordPath) {
        case .success: break
        case .failure(let message):
            console.err("error: \(message)")
            return ExitStatus.checkFailed
        }
        console.out("submitted \(launchID) to Slurm: \(record.submissions.last!.jobs.map { "\($0.stage.rawValue) \($0.jobID)" }.joined(separator: " → "))")
        summary.forEach { console.out($0) }
        let shown = context.display(launchDirectory)
        console.out("scripts   \(Paths.join(shown, RunLayout.slurmScripts))/*.sbatch")
        console.out("record    \(Paths.join(shown, LaunchRecord.fileName))")
        console.out("follow    sota status \(launchID) --watch")
        console.out("cancel    sota cancel \(launchID)")
        return ExitStatus.success
    }

    /// The stage jobs a pipeline needs: train when it has training stages, each configured evaluation, then gate.
    static func stages(_ configs: PipelineConfigs) -> [SlurmStage] {
        var stages: [SlurmStage] = []
        if !(configs.training.training?.stages ?? []).isEmpty { stages.append(.train) }
        if configs.smallEval?.evaluation != nil { stages.append(.smallEval) }
        if configs.fullEval?.evaluation != nil { stages.append(.fullEval) }
        return stages + [.gate]
    }

    private func summaryLines(launchID: String, runs: [PreparedRun], resources: SlurmResources, stages: [SlurmStage], sota: String) -> [String] {
        var lines: [String] = []
        if runs.count == 1 {
            lines.append("run       \(launchID): \(command.config)\(runs[0].overrides.isEmpty ? "" : " " + runs[0].overrides.map { "--set \($0)" }.joined(separator: " "))")
        } else {
            lines.append("sweep     \(launchID): \(runs.count) runs of \(command.config) as array tasks 0-\(runs.count - 1)\(resources.maxParallel.map { ", at most \($0) at once" } ?? "")")
            for (index, run) in runs.prefix(4).enumerated() {
                lines.append("  task \(index)  \(run.runID): \(run.overrides.joined(separator: " "))")
            }
            if runs.count > 4 { lines.append("  …") }
        }
        let order = runs.count == 1 ? "afterok" : resources.maxParallel == nil ? "afterok per task (aftercorr)"
            : "afterok per task (aftercorr), each stage after the whole previous one (afterany), so at most \(resources.maxParallel ?? 0) task\(resources.maxParallel == 1 ? "" : "s") run\(resources.maxParallel == 1 ? "s" : "") at once"
        lines.append("chain     \(stages.map(\.rawValue).joined(separator: " → ")) (\(order), a failed stage cancels the rest)")
        let asks = [
            resources.partition.map { "partition \($0)" }, resources.account.map { "account \($0)" },
            resources.qos.map { "qos \($0)" }, resources.timeMinutes.map { "time \($0) min" },
            resources.gpus > 0 ? "\(resources.gpus) GPU\(resources.gpus == 1 ? "" : "s") (none for gate)" : "no GPU",
            resources.cpusPerTask.map { "\($0) CPU\($0 == 1 ? "" : "s")" }, resources.memory.map { "memory \($0)" },
            resources.extra.map { "#SBATCH " + $0.map(\.description).joined(separator: " ") },
        ].compactMap { $0 }
        lines.append("each job  \(asks.joined(separator: ", "))")
        lines.append("nodes run \(sota) in \(project.root) (a shared filesystem)")
        return lines
    }
}

/// Submits a chain of stage scripts, each after the one before, recording every job id as soon as sbatch prints it.
struct SlurmChainSubmitter {
    let client: SlurmClient
    /// The launch folder the scripts sit in.
    let directory: String

    /// Submits `scripts` (path relative to the launch folder, with its plan) in order and appends the submission to
    /// `record`, written after each job. When sbatch refuses one, the jobs already submitted are cancelled again.
    func submit(_ scripts: [(String, SlurmStagePlan)], record: inout SlurmLaunchRecord, recordPath: String) -> Result<Void, SubmissionFailure> {
        record.submissions.append(SlurmLaunchRecord.Submission(submitted: Timestamp.string(Date()), jobs: []))
        var previous: String?
        for (script, plan) in scripts {
            let tasks: [Int]? = if case .array(_, let tasks) = plan.runs { tasks } else { nil }
            do {
                let id = try client.submit(script: Paths.join(directory, script), after: previous, array: tasks != nil,
                                           throttled: plan.resources.maxParallel != nil, workingDirectory: plan.projectRoot)
                record.submissions[record.submissions.count - 1].jobs.append(.init(stage: plan.stage, jobID: id, tasks: tasks, script: script,
                                                                                   name: plan.jobName))
                try record.write(to: recordPath)
                previous = id
            } catch {
                let jobs = record.submissions.last?.jobs ?? []
                let submitted = jobs.map(\.jobID)
                // Each job is cancelled under its own name, so nothing but this chain's jobs can be hit.
                let cancelled = Dictionary(grouping: jobs, by: record.name(of:)).allSatisfy { name, jobs in
                    (try? client.cancel(jobIDs: jobs.map(\.jobID), name: name)) != nil
                }
                let undo = submitted.isEmpty ? "" : cancelled ? "; cancelled the jobs already submitted (\(submitted.joined(separator: ", ")))"
                                                              : "; jobs \(submitted.joined(separator: ", ")) could not be cancelled: scancel them"
                return .failure(SubmissionFailure(message: "\(error)\(undo)"))
            }
        }
        return .success(())
    }

    /// Why a chain was not submitted.
    struct SubmissionFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
