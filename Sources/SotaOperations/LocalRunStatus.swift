import FoundationEssentials
import SotaSupport
import SotaRunRecord
import SotaConfig
import SotaLaunch

/// Where a run started on this machine (`sota run`, no launch record) stands, read from its run directory alone: the
/// manifest says what was recorded, and the run's lock says whether a process is still working on it.
package struct LocalRunStatus: Sendable {
    /// What the run is doing, as `sota status` names it.
    package enum State: String, Sendable {
        /// A live process holds the run's lock.
        case running
        /// Every stage ran and the gates were decided (passed or rejected: see the manifest's status).
        case finished
        /// A stage failed; `sota run --resume` can try again.
        case failed
        /// Stopped before its end: Ctrl-C, a kill, a crash or a power loss (a manifest still saying `running` with
        /// nobody holding the lock is such a run); `sota run --resume` continues it.
        case interrupted
    }

    /// The run id.
    package var id: String
    /// The run directory (absolute).
    package var directory: String
    /// The manifest as last written.
    package var manifest: RunManifest
    /// The state, from the manifest and the lock.
    package var state: State
    /// When the look was taken, for the running stage's time so far.
    package var now: Date
    /// The launch this run is a task of (`sweep-<id>` of a Slurm array), when it ran elsewhere: its lock is held on
    /// another machine, so its state is the manifest's alone, and that launch's status tells more.
    package var launch: String?

    /// Looks at the run `text` names (its id, or a unique prefix of it) in `project`.
    ///
    /// - Throws: ``RunLookup/Failure`` when no single run matches or its manifest cannot be read.
    package static func look(_ text: String, project: Project, now: Date = Date()) throws(RunLookup.Failure) -> LocalRunStatus {
        let (id, manifest) = try RunLookup.find(text, project: project)
        let runs = project.resolve(project.runsDirectory)
        let directory = Paths.join(runs, id)
        if let launch = launch(of: id, runsFolder: runs) {
            let state: State = manifest.status == .pending || manifest.status == .running ? .running : state(of: manifest.status, live: false)
            return LocalRunStatus(id: id, directory: directory, manifest: manifest, state: state, now: now, launch: launch)
        }
        return LocalRunStatus(id: id, directory: directory, manifest: manifest,
                              state: state(of: manifest.status, live: RunDirectoryLock.isHeld(runDirectory: directory)), now: now)
    }

    /// The launch folder (`sweep-<base>`) whose task `id` (`<base>-<index>`) is, when it has a launch record.
    static func launch(of id: String, runsFolder: String) -> String? {
        guard let dash = id.lastIndex(of: "-") else { return nil }
        let index = id[id.index(after: dash)...]
        guard !index.isEmpty, index.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let folder = RunLayout.sweepFolderPrefix + id[..<dash]
        return Paths.kind(of: Paths.join(runsFolder, folder + "/" + LaunchRecord.fileName)) == .file ? folder : nil
    }

    /// The state a manifest's `status` stands for, given whether a live process holds the run's lock.
    ///
    /// The lock decides between running and interrupted: the kernel drops it however the process ended, while the
    /// manifest of a killed run still says `running`.
    package static func state(of status: RunManifest.Status, live: Bool) -> State {
        switch status {
        case .succeeded, .rejected, .skipped: .finished
        case .failed: live ? .running : .failed
        case .interrupted: live ? .running : .interrupted
        case .pending, .running: live ? .running : .interrupted
        }
    }

    /// How long `stage` has run: its recorded time once ended, else the time since it started while the run is live.
    package func seconds(of stage: RunManifest.StageRecord) -> Double? {
        if let seconds = stage.seconds { return seconds }
        guard state == .running, stage.status == .running, let started = stage.started.flatMap(Timestamp.date) else { return nil }
        return max(0, now.timeIntervalSince(started))
    }
}
