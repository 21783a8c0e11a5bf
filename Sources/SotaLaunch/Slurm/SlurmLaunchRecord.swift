import Foundation
import SotaSupport

/// `runs/<id>/launch.json` of a Slurm launch: the runs it prepared, the scripts, and every job id it submitted,
/// so `sota status`, `sota resume` and `sota cancel` find the jobs again. A sweep's record sits in
/// `runs/sweep-<base>/` and lists its tasks' runs.
public struct SlurmLaunchRecord: Sendable, Equatable, Codable, LaunchRecordFile {
    /// What the record is, for messages.
    public static let recordKind = "Slurm launch record"

    /// One submitted job.
    public struct Job: Sendable, Equatable, Codable {
        /// The stage it runs.
        public var stage: SlurmStage
        /// The id `sbatch --parsable` returned.
        public var jobID: String
        /// The array tasks it covers (nil for a single run).
        public var tasks: [Int]?
        /// Its script, relative to the record's folder.
        public var script: String
        /// The job name it was submitted with: with the id, the job's identity, since the controller reuses ids.
        /// Nil in records written before names were kept; ``SlurmLaunchRecord/name(of:)`` then derives it.
        public var name: String?

        /// Creates a job.
        public init(stage: SlurmStage, jobID: String, tasks: [Int]?, script: String, name: String? = nil) {
            self.stage = stage
            self.jobID = jobID
            self.tasks = tasks
            self.script = script
            self.name = name
        }

        private enum CodingKeys: String, CodingKey { case stage, jobID = "job_id", tasks, script, name }
    }

    /// One `sbatch` chain: the launch's, then one per `sota resume`.
    public struct Submission: Sendable, Equatable, Codable {
        /// When it was submitted (ISO 8601).
        public var submitted: String
        /// Its jobs in chain order.
        public var jobs: [Job]

        /// Creates a submission.
        public init(submitted: String, jobs: [Job]) {
            self.submitted = submitted
            self.jobs = jobs
        }
    }

    /// The schema version.
    public var schemaVersion: Int
    /// Always `slurm`.
    public var backend: String
    /// The run id, or the sweep id (`sweep-<base>`).
    public var launchID: String
    /// When it was launched (ISO 8601).
    public var created: String
    /// The training config, relative to the project root.
    public var config: String
    /// The fixed `--set` overrides.
    public var overrides: [String]
    /// The `--sweep` axes as typed.
    public var sweep: [String]
    /// The runs, in task order (one for a single run).
    public var runs: [String]
    /// For a sweep, the base its task run ids extend (`<base>-000`); nil for a single run.
    public var arrayBase: String?
    /// The stages each run goes through, in order.
    public var stages: [SlurmStage]
    /// What every job asks for.
    public var resources: SlurmResources
    /// The binary the nodes run.
    public var sota: String
    /// Every submission, oldest first.
    public var submissions: [Submission]
    /// When `sota cancel` cancelled the jobs, if it did.
    public var cancelled: String?
    /// Runs already added to the leaderboard by `sota status` (at least once).
    public var ingested: [String]
    /// The SHA-256 of each run's manifest as `sota status` last added it to the leaderboard: a run whose manifest
    /// changed since (a failed run resumed with `sota resume`) is added again, so the leaderboard follows the files.
    /// Nil in records written before it was kept; their runs are added once more, harmlessly.
    public var ingestedManifests: [String: String]?

    /// Creates a record with no submission yet.
    public init(launchID: String, created: String, config: String, overrides: [String], sweep: [String], runs: [String],
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
    public var isArray: Bool { arrayBase != nil }

    /// The array task of run number `index` (nil for a single run).
    public func task(_ index: Int) -> Int? { isArray ? index : nil }

    /// The newest job that ran `stage` for run number `index`.
    public func job(stage: SlurmStage, run index: Int) -> Job? {
        for submission in submissions.reversed() {
            if let job = submission.jobs.first(where: { $0.stage == stage && ($0.tasks?.contains(index) ?? true) }) {
                return job
            }
        }
        return nil
    }

    /// The name `job` was submitted with (`sota-<stage>-<launch id>`, derived for records that did not keep it).
    public func name(of job: Job) -> String {
        job.name ?? SlurmStagePlan.jobName(stage: job.stage, launchID: launchID)
    }

    /// Whether the scheduler's `found` is this launch's `job` and not a later job the controller gave the same id:
    /// the names must agree (a record without a name, from an older Slurm, is taken on its id).
    public func isSame(_ found: SlurmJobRecord, as job: Job) -> Bool {
        found.jobID == job.jobID && (found.name.map { $0 == name(of: job) } ?? true)
    }

    /// Every job id ever submitted, oldest first, without repeats.
    public var jobIDs: [String] {
        var seen = Set<String>()
        return submissions.flatMap(\.jobs).map(\.jobID).filter { seen.insert($0).inserted }
    }
}
