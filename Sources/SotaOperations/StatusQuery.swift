import FoundationEssentials
import Glibc
import SotaSupport
import SotaRunRecord
import SotaConfig
import SotaLaunch
import SotaPlan
import SotaRun

/// Where a launched run stands: a Vast instance's state and cost so far, or every Slurm stage's job state; once every
/// job of a Slurm launch has ended, its finished runs are added to the leaderboard here (the nodes write only files).
package struct StatusQuery {
    /// One status request.
    package struct Request: Sendable {
        /// The project.
        package var project: Project
        /// The run id as typed (a unique prefix is enough).
        package var run: String
        /// This process's environment (the Vast API key, the Slurm tools' PATH).
        package var environment: [String: String]
        /// How many lines of a Vast run's onstart log to show.
        package var logLines = 10
        /// Slurm: refresh until every job has ended.
        package var watch = false
        /// Slurm: seconds between refreshes (0.1 to 3600).
        package var interval = 5.0

        /// Creates a request.
        package init(project: Project, run: String, environment: [String: String]) {
            self.project = project
            self.run = run
            self.environment = environment
        }
    }

    /// One look at a launched run.
    package enum Report: Sendable {
        /// A Vast run.
        case vast(VastRunStatus)
        /// A Slurm launch, with what this refresh added to the leaderboard.
        case slurm(SlurmStatusReport, ingested: SlurmIngest?)

        /// Whether the backend answered (the command's exit status).
        package var answered: Bool {
            switch self {
            case .vast(let status): status.apiError == nil
            case .slurm(let report, _): report.schedulerError == nil
            }
        }
    }

    /// What adding a Slurm launch's ended runs to the leaderboard did.
    package struct SlurmIngest: Sendable {
        /// The runs added (or added again, their manifest having changed).
        package var added: [String]
        /// The leaderboard file.
        package var leaderboard: String
        /// What went wrong, each a sentence on its own.
        package var problems: [String]
    }

    /// Opens the leaderboard the finished runs are added to.
    package var openIndex: () throws -> any RunIndex
    /// The leaderboard file, for the report.
    package var leaderboardPath: String

    /// Creates the use case with its collaborators.
    package init(openIndex: @escaping () throws -> any RunIndex, leaderboardPath: String) {
        self.openIndex = openIndex
        self.leaderboardPath = leaderboardPath
    }

    /// Looks at the run once, or, for a Slurm launch with `watch`, every `interval` seconds until every job has ended;
    /// `onReport` gets each look as it is taken.
    ///
    /// - Returns: the last look.
    /// - Throws: ``LaunchedRun/LookupError`` when `run` names no single launched run.
    package func run(_ request: Request, onReport: (Report) -> Void) throws(LaunchedRun.LookupError) -> Report {
        let launched = try LaunchedRun.find(request.run, project: request.project)
        var record: SlurmLaunchRecord
        switch launched.launch {
        case .slurm(let slurm): record = slurm
        case .vast(let vast):
            let report = Report.vast(VastRunStatus.look(vast, environment: request.environment, logLines: request.logLines))
            onReport(report)
            return report
        }
        // The wait is handed to usleep in microseconds, a 32-bit count: at most an hour.
        let pause = useconds_t(min(max(request.interval.isFinite ? request.interval : 5, 0.1), 3600) * 1_000_000)
        let runsDirectory = request.project.resolve(request.project.runsDirectory)
        let client = SlurmClient(environment: request.environment)
        while true {
            let slurm = SlurmStatusReport.refresh(record, runsDirectory: runsDirectory, client: client)
            let report = Report.slurm(slurm, ingested: slurm.isFinal ? ingest(&record, runsDirectory: runsDirectory, recordPath: launched.recordPath) : nil)
            onReport(report)
            if !request.watch || slurm.isFinal { return report }
            usleep(pause)
        }
    }

    /// Adds the launch's ended runs to the leaderboard (the nodes never touch it) and records which manifest each was
    /// added from: a run whose manifest changed since (failed, then resumed with `sota resume` and finished) is added
    /// again, so the leaderboard follows the run directories. Nil when no run needed adding.
    private func ingest(_ record: inout SlurmLaunchRecord, runsDirectory: String, recordPath: String) -> SlurmIngest? {
        var changed: [(runID: String, manifest: RunManifest, path: String, hash: String)] = []
        for runID in record.runs {
            let path = Paths.join(runsDirectory, RunLayout.manifest(ofRun: runID))
            guard let bytes = FileManager.default.contents(atPath: path) else { continue }
            let hash = SHA256.hex(of: bytes)
            guard record.ingestedManifests?[runID] != hash, let manifest = try? RunManifest.decode(bytes, path: path),
                  [RunManifest.Status.succeeded, .rejected, .failed].contains(manifest.status) else { continue }
            changed.append((runID, manifest, path, hash))
        }
        guard !changed.isEmpty else { return nil }
        var result = SlurmIngest(added: [], leaderboard: leaderboardPath, problems: [])
        let index: any RunIndex
        do {
            index = try openIndex()
        } catch {
            result.problems.append("the leaderboard was not updated: \(error)")
            return result
        }
        for run in changed {
            do {
                try index.record(run.manifest, manifestPath: run.path)
                result.added.append(run.runID)
                if !record.ingested.contains(run.runID) { record.ingested.append(run.runID) }
                record.ingestedManifests = (record.ingestedManifests ?? [:]).merging([run.runID: run.hash]) { $1 }
            } catch {
                result.problems.append("\(run.runID) was not added to the leaderboard: \(error)")
            }
        }
        guard !result.added.isEmpty else { return result }
        do {
            try record.write(to: recordPath)
        } catch {
            result.problems.append("\(error) (the runs are in the leaderboard; the next status adds them again, harmlessly)")
        }
        return result
    }
}
