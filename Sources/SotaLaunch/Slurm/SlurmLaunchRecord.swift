import FoundationEssentials
import SotaSupport

/// `runs/<id>/launch.json` of a Slurm launch: the runs it prepared, the scripts, and every job id it submitted,
/// so `sota status`, `sota resume` and `sota cancel` find the jobs again. A sweep's record sits in
/// `runs/sweep-<base>/` and lists its tasks' runs.
package struct SlurmLaunchRecord: Sendable, Equatable, Codable, LaunchRecordFile {
    /// What the record is, for messages.
    package static let recordKind = "Slurm launch record"

    /// One submitted job.
    package struct Job: Sendable, Equatable, Codable {
        /// The stage it runs.
        package var stage: SlurmStage
        /// The id `sbatch --parsable` returned.
        package var jobID: String
        /// The array tasks it covers (nil for a single run).
        package var tasks: [Int]?
        /// Its script, relative to the record's folder.
        package var script: String
        /// The job name it was submitted with: with the id, the job's identity, since the controller reuses ids.
        /// Nil in records written before names were kept; ``SlurmLaunchRecord/name(of:)`` then derives it.
        package var name: String?

        /// Creates a job.
        package init(stage: SlurmStage, jobID: String, tasks: [Int]?, script: String, name: String? = nil) {
            self.stage = stage
            self.jobID = jobID
            self.tasks = tasks
            self.script = script
            self.name = name
        }

        private enum CodingKeys: String, CodingKey { case stage, jobID = "job_id", tasks, script, name }
    }

    /// One `sbatch` chain: the launch's, then one per `sota resume`.
    package struct Submission: Sendable, Equatable, Codable {
        /// When it was submitted (ISO 8601).
        package var submitted: String
        /// Its jobs in chain order.
        package var jobs: [Job]

        /// Creates a submission.
        package init(submitted: String, jobs: [Job]) {
            self.submitted = submitted
            self.jobs = jobs
        }
    }

    /// The schema version.
    package var schemaVersion: Int
    /// Always `slurm`.
    package var backend: String
    /// The run id, or the sweep id (`sweep-<base>`).
    package var launchID: String
    /// When it was launched (ISO 8601).
    package var created: String
    /// The training config, relative to the project root.
    package var config: String
    /// The fixed `--set` overrides.
    package var overrides: [String]
    /// The `--sweep` axes as typed.
    package var sweep: [String]
    /// The runs, in task order (one for a single run).
    package var runs: [String]
    /// For a sweep, the base its task run ids extend (`<base>-000`); nil for a single run.
    package var arrayBase: String?
    /// The stages each run goes through, in order.
    package var stages: [SlurmStage]
    /// What every job asks for.
    package var resources: SlurmResources
    /// The binary the nodes run.
    package var sota: String
    /// Every submission, oldest first.
    package var submissions: [Submission]
    /// When `sota cancel` cancelled the jobs, if it did.
    package var cancelled: String?
    /// Runs already added to the leaderboard by `sota status` (at least once).
    package var ingested: [String]
    /// The SHA-256 of each run's manifest as `sota status` last added it to the leaderboard: a run whose manifest
    /// changed since (a failed run resumed with `sota resume`) is added again, so the leaderboard follows the files.
    /// Nil in records written before it was kept; their runs are added once more, harmlessly.
    package var ingestedManifests: [String: String]?

    /// Creates a record with no submission yet.
    package init(launchID: String, created: String, config: String, overrides: [String], sweep: [String], runs: [String],
                arrayBase: String?, stages: [SlurmStage], resources: SlurmResources, sota: String) {
        schemaVersion = LaunchRecord.currentSchema
        backend = "slurm"
        self.launchID = launchID
        self.created = created
        self.config = config
        self.overrides = overrides
        self.sweep = sweep
        self.runs = runs
        self.arrayBase = arrayBase
        self.stages = stages
        self.resources = resources
        self.sota = sota
        submissions = []
        cancelled = nil
        ingested = []
        ingestedManifests = [:]
    }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", backend, launchID = "launch_id", created, config, overrides, sweep, runs
        case arrayBase = "array_base", stages, resources, sota, submissions, cancelled, ingested
        case ingestedManifests = "ingested_manifests"
    }

    /// Whether the runs are tasks of an array job.
    package var isArray: Bool { arrayBase != nil }

    /// The array task of run number `index` (nil for a single run).
    package func task(_ index: Int) -> Int? { isArray ? index : nil }

    /// The newest job that ran `stage` for run number `index`.
    package func job(stage: SlurmStage, run index: Int) -> Job? {
        for submission in submissions.reversed() {
            if let job = submission.jobs.first(where: { $0.stage == stage && ($0.tasks?.contains(index) ?? true) }) {
                return job
            }
        }
        return nil
    }

    /// The name `job` was submitted with (`sota-<stage>-<launch id>`, derived for records that did not keep it).
    package func name(of job: Job) -> String {
        job.name ?? SlurmStagePlan.jobName(stage: job.stage, launchID: launchID)
    }

    /// Whether the scheduler's `found` is this launch's `job` and not a later job the controller gave the same id:
    /// the names must agree (a record without a name, from an older Slurm, is taken on its id).
    package func isSame(_ found: SlurmJobRecord, as job: Job) -> Bool {
        found.jobID == job.jobID && (found.name.map { $0 == name(of: job) } ?? true)
    }

    /// Every job id ever submitted, oldest first, without repeats.
    package var jobIDs: [String] {
        var seen = Set<String>()
        return submissions.flatMap(\.jobs).map(\.jobID).filter { seen.insert($0).inserted }
    }
}
