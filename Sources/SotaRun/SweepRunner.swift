import FoundationEssentials
import Glibc
import SotaSupport
import SotaPlan
import SotaRunRecord

/// Runs the jobs of a sweep as `sota run` child processes, at most one per device at a time, each device
/// taking its jobs in order; keeps `sweep.json` current as runs finish.
package struct SweepRunner: Sendable {
    /// What a sweep run reports.
    package enum Event: Sendable {
        /// A run started on a device.
        case started(SweepPlan.Job)
        /// A run ended.
        case finished(SweepPlan.Job, SweepManifest.Entry)
    }

    /// The sweep.
    package var plan: SweepPlan
    /// The `sota` executable to start for each run.
    package var executable: String
    /// Arguments every child gets after its own (`--project`, `--grace`, ...).
    package var sharedArguments: [String]
    /// The children's environment.
    package var environment: [String: String]
    /// The project root (children's working directory).
    package var projectRoot: String
    /// The runs folder.
    package var runsDirectory: String
    /// The sweep's folder (`runs/sweep-<id>/`), holding `sweep.json` and one log per run.
    package var sweepDirectory: String
    /// Receives events.
    package var observe: @Sendable (Event) -> Void

    /// Creates a runner.
    package init(plan: SweepPlan, executable: String, sharedArguments: [String], environment: [String: String], projectRoot: String,
                runsDirectory: String, sweepDirectory: String, observe: @escaping @Sendable (Event) -> Void) {
        self.plan = plan
        self.executable = executable
        self.sharedArguments = sharedArguments
        self.environment = environment
        self.projectRoot = projectRoot
        self.runsDirectory = runsDirectory
        self.sweepDirectory = sweepDirectory
        self.observe = observe
    }

    /// Runs every job; returns the final manifest and whether sota was interrupted.
    ///
    /// With `resuming`, the sweep's earlier manifest, runs that passed or were rejected by a gate stay as they are;
    /// the others run again, resumed from their run directories where they have one.
    package func run(sweepID: String, resuming: SweepManifest? = nil) throws -> (SweepManifest, interrupted: Bool) {
        try FileManager.default.createDirectory(atPath: Paths.join(sweepDirectory, RunLayout.logs), withIntermediateDirectories: true)
        let manifestPath = Paths.join(sweepDirectory, RunLayout.sweepManifest)
        var manifest = SweepManifest(sweepID: sweepID, created: Timestamp.string(Date()), plan: plan)
        var pending = plan.jobs
        if let resuming, resuming.runs.count == plan.jobs.count {
            manifest.created = resuming.created
            let finished = Set(resuming.runs.indices.filter { ["succeeded", "rejected"].contains(resuming.runs[$0].status) })
            for index in finished { manifest.runs[index] = resuming.runs[index] }
            manifest.completed = finished.count
            pending = plan.jobs.filter { !finished.contains($0.index) }
        }
        try manifest.write(to: manifestPath)
        try ChildProcess.prepareSignalHandling()
        var queues = Dictionary(grouping: pending, by: \.device)
        var running: [String: (job: SweepPlan.Job, pid: pid_t, child: ChildProcess)] = [:]
        var interrupted = false
        while true {
            if !interrupted, ChildProcess.stopSignal != nil {
                interrupted = true
                // Each child `sota run` stops its own children and marks its run resumable.
                for (_, entry) in running { kill(-entry.pid, SIGTERM) }
            }
            if !interrupted {
                for device in plan.devices where running[device] == nil {
                    guard var queue = queues[device], !queue.isEmpty else { continue }
                    let job = queue.removeFirst()
                    queues[device] = queue
                    // A member with a run directory from an earlier attempt continues it; the others start afresh.
                    let started = Paths.kind(of: Paths.join(runsDirectory, RunLayout.manifest(ofRun: job.runID))) == .file
                    let own = started ? ["run", "--resume", job.runID, "--gpus", job.device]
                        : ["run", "--train-config", job.config, "--gpus", job.device, "--run-id", job.runID] + job.overrides.flatMap { ["--set", $0] }
                    let child = ChildProcess(
                        executable: executable,
                        arguments: [executable] + own + sharedArguments,
                        environment: environment, workingDirectory: projectRoot,
                        logFile: Paths.join(sweepDirectory, RunLayout.sweepLog(run: job.runID)), timeout: nil,
                        gracePeriod: DurationValue(seconds: 30)
                    )
                    do {
                        running[device] = (job, try child.spawn(), child)
                        manifest.runs[job.index].status = "running"
                    } catch {
                        manifest.runs[job.index].status = "failed"
                        manifest.runs[job.index].reason = "\(error)"
                        manifest.failed += 1
                    }
                    observe(.started(job))
                }
                try manifest.write(to: manifestPath)
            }
            if running.isEmpty { break }
            ChildProcess.waitForSignal(milliseconds: 200)
            for (device, entry) in running {
                guard let exit = ChildProcess.reap(entry.pid) else { continue }
                running[device] = nil
                manifest.runs[entry.job.index] = finishedEntry(manifest.runs[entry.job.index], exit: exit)
                let status = manifest.runs[entry.job.index].status
                if status == "succeeded" || status == "rejected" { manifest.completed += 1 } else { manifest.failed += 1 }
                try manifest.write(to: manifestPath)
                observe(.finished(entry.job, manifest.runs[entry.job.index]))
            }
        }
        for index in manifest.runs.indices where manifest.runs[index].status == "pending" {
            manifest.runs[index].status = "interrupted"
            manifest.runs[index].reason = "not started: the sweep was interrupted"
            manifest.failed += 1
        }
        try manifest.write(to: manifestPath)
        return (manifest, interrupted)
    }

    /// The entry for a finished child, with the reason taken from its run's manifest when it did not pass.
    private func finishedEntry(_ entry: SweepManifest.Entry, exit: ChildExit) -> SweepManifest.Entry {
        var entry = entry
        let code: Int32
        switch exit {
        case .exited(let value): code = value
        case .signaled(let signal), .interrupted(let signal): code = 128 + signal
        case .timedOut: code = ExitStatus.interrupted
        }
        entry.exitStatus = code
        let runManifest = try? RunManifest.read(path: Paths.join(runsDirectory, RunLayout.manifest(ofRun: entry.runID)))
        switch code {
        case ExitStatus.success: entry.status = "succeeded"
        case ExitStatus.gateRejected:
            entry.status = "rejected"
            entry.reason = runManifest?.gates.first { !$0.passed }.map { "gate \($0.name) [\($0.phase)]: \($0.reason)" }
        case ExitStatus.checkFailed:
            entry.status = "failed"
            entry.reason = "stage 1 validation failed; see \(Paths.relative(Paths.join(sweepDirectory, RunLayout.sweepLog(run: entry.runID)), to: projectRoot))"
        case ExitStatus.interrupted, 128 + SIGTERM, 128 + SIGINT:
            entry.status = "interrupted"
            entry.reason = "interrupted; resume with sota run --resume \(entry.runID)"
        default:
            entry.status = "failed"
            entry.reason = runManifest?.failures.first.map { "\($0.stage): \($0.reason)" } ?? "sota run ended with \(exit.description)"
        }
        return entry
    }
}
