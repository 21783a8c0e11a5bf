import SotaConfig
import SotaLeaderboard
import SotaPlan
import SotaRun

/// The leaderboard as the orchestrator sees it: baselines in, finished runs out.
struct LeaderboardIndex: RunIndex {
    let board: Leaderboard

    /// The leaderboard file: `SOTA_LEADERBOARD` when set, else the project's (`.sota/leaderboard.sqlite`).
    static func path(project: Project, environment: [String: String]) -> String {
        environment["SOTA_LEADERBOARD"].flatMap { $0.isEmpty ? nil : project.resolve($0) } ?? project.resolve(project.leaderboardPath)
    }

    /// Opens (creating if needed) the project's leaderboard.
    static func open(project: Project, environment: [String: String]) throws -> LeaderboardIndex {
        LeaderboardIndex(board: try Leaderboard(path: path(project: project, environment: environment)))
    }

    func baseline(metric: String, phase: String, direction: GateSpec.Direction, experiment: String) throws -> GateEvaluator.Baseline? {
        try board.baseline(metric: metric, phase: phase, direction: MetricDirection(rawValue: direction.rawValue) ?? .lower, experiment: experiment)
    }

    func record(_ manifest: RunManifest, manifestPath: String) throws {
        try board.ingest(manifest, manifestPath: manifestPath)
    }
}
