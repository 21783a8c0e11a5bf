import Foundation
import SotaBasics

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

        /// Creates a job.
        public init(stage: SlurmStage, jobID: String, tasks: [Int]?, script: String) {
            self.stage = stage
            self.jobID = jobID
            self.tasks = tasks
            self.script = script
        }

        private enum CodingKeys: String, CodingKey { case stage, jobID = "job_id", tasks, script }
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
    /// Runs already added to the leaderboard by `sota status`.
    public var ingested: [String]

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
    }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", backend, launchID = "launch_id", created, config, overrides, sweep, runs
        case arrayBase = "array_base", stages, resources, sota, submissions, cancelled, ingested
    }

    /// Whether the runs are tasks of an array job.
    public var isArray: Bool { arrayBase != nil }

    /// The array task of run number `index` (nil for a single run).
    public func task(_ index: Int) -> Int? { isArray ? index : nil }

    /// The newest job that ran `stage` for run number `index`.
    public func job(stage: SlurmStage, run index: Int) -> Job? {
        for submission in submissions.reversed() {
            if let job = submission.jobs.first(where: { $0.stage == stage && ($0.tasks == nil || $0.tasks!.contains(index)) }) {
                return job
            }
        }
        return nil
    }

    /// Every job id ever submitted, oldest first, without repeats.
    public var jobIDs: [String] {
        var seen = Set<String>()
        return submissions.flatMap(\.jobs).map(\.jobID).filter { seen.insert($0).inserted }
    }
}
