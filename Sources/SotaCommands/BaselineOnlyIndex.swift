import SotaSupport
import SotaConfig
import SotaPlan
import SotaRun
import SotaRunRecord

/// The leaderboard as a Slurm stage job sees it: baselines for improvement gates are read when the project has a
/// leaderboard, and nothing is recorded, because compute nodes write only files and the submitting machine
/// indexes the run (`sota status` ingests it once it ends).
struct BaselineOnlyIndex: RunIndex {
    /// The leaderboard, when the project has one.
    let board: LeaderboardIndex?

    /// Opens the project's leaderboard for reading baselines, when it exists; never creates it.
    static func open(project: Project, environment: [String: String]) -> BaselineOnlyIndex {
        guard Paths.kind(of: LeaderboardIndex.path(project: project, environment: environment)) == .file else { return BaselineOnlyIndex(board: nil) }
        return BaselineOnlyIndex(board: try? LeaderboardIndex.open(project: project, environment: environment))
    }

    func baseline(metric: String, phase: String, direction: MetricDirection, experiment: String) throws -> GateEvaluator.Baseline? {
        try board?.baseline(metric: metric, phase: phase, direction: direction, experiment: experiment)
    }

    /// Records nothing: the submitting machine indexes the run.
    func record(_ manifest: RunManifest, manifestPath: String) throws {}
}
