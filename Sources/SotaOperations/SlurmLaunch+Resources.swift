import SotaSupport
import SotaConfig
import SotaLaunch

extension SlurmLaunch {
    /// What each job asks for: flags, then launch.slurm, then the config. Every value bound for an #SBATCH line is
    /// checked here, and each problem is named by its flag or located at its sota.yaml key.
    static func resources(_ options: Options, settings: LaunchSettings, training: RunConfig, problems: inout [Diagnostic]) -> SlurmResources {
        var timeSeconds: Int?
        if let text = options.time {
            timeSeconds = SlurmResources.parseTime(text)
        } else if let setting = settings.slurmTime {
            timeSeconds = SlurmResources.parseTime(setting.value)
            if let problem = SlurmResources.timeProblem(setting.value) {
                problems.append(.error(at: setting.location, keyPath: "launch.slurm.time", "launch.slurm.time \(problem)", hint: "use HH:MM:SS, e.g. 02:00:00"))
            }
        }
        func directiveValue(_ flag: String?, _ flagName: String, _ setting: Located<String>?, _ key: String,
                            check: (String, String) throws(ScriptValueError) -> SbatchValue = { (text: String, role: String) throws(ScriptValueError) in
                                try SbatchValue(text, role: role)
                            }) -> SbatchValue? {
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
        let platformHasGPUs = training.resources.platform != .cpu
        return SlurmResources(
            partition: directiveValue(options.partition, "--partition", settings.slurmPartition, "launch.slurm.partition"),
            account: directiveValue(options.account, "--account", settings.slurmAccount, "launch.slurm.account"),
            qos: directiveValue(options.qos, "--qos", settings.slurmQOS, "launch.slurm.qos"),
            memory: directiveValue(options.mem, "--mem", settings.slurmMemory, "launch.slurm.mem", check: SlurmResources.memory),
            cpusPerTask: options.cpusPerTask ?? settings.slurmCPUsPerTask, extra: extra, timeSeconds: timeSeconds,
            gpus: options.gpus ?? settings.slurmGPUs ?? (platformHasGPUs ? training.resources.gpus?.value ?? 1 : 0),
            maxParallel: options.maxParallel ?? settings.slurmMaxParallel
        )
    }

    /// The lines a dry run and a submission print: the run or the sweep's first tasks, the chain, what each job asks
    /// for, and where the nodes run.
    static func summary(config: String, launchID: String, runs: [PreparedRun], resources: SlurmResources, stages: [SlurmStage],
                        sota: String, projectRoot: String) -> [String] {
        var lines: [String] = []
        if let only = runs.first, runs.count == 1 {
            lines.append("run       \(launchID): \(config)\(only.overrides.isEmpty ? "" : " " + only.overrides.map { "--set \($0)" }.joined(separator: " "))")
        } else {
            lines.append("sweep     \(launchID): \(runs.count) runs of \(config) as array tasks 0-\(runs.count - 1)\(resources.maxParallel.map { ", at most \($0) at once" } ?? "")")
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
        lines.append("nodes run \(sota) in \(projectRoot) (a shared filesystem)")
        return lines
    }
}
