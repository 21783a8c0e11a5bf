import SotaSupport
import SotaConfig
import SotaIndex
import SotaPlan
import SotaRun
import SotaRunRecord

/// The leaderboard as the orchestrator sees it (``RunIndex``): SotaIndex's ``RunRecording``, found by the project's
/// rule (``LeaderboardFile``).
final class LeaderboardIndex: RunIndex {
    /// The opened leaderboard.
    private let recording: RunRecording

    private init(_ recording: RunRecording) {
        self.recording = recording
    }

    /// The project's leaderboard file: `SOTA_LEADERBOARD` when set, else the project's (`.sota/leaderboard.sqlite`).
    static func file(project: Project, environment: [String: String]) -> LeaderboardFile {
        LeaderboardFile(projectFile: project.leaderboardPath, environment: environment, resolve: project.resolve)
    }

    /// The leaderboard file's path (see ``file(project:environment:)``).
    static func path(project: Project, environment: [String: String]) -> String {
        file(project: project, environment: environment).path
    }

    /// Opens (creating if needed) the project's leaderboard in full.
    static func board(project: Project, environment: [String: String]) throws(LeaderboardError) -> Leaderboard {
        try file(project: project, environment: environment).open()
    }

    /// Opens (creating if needed) the project's leaderboard; `forRecording` is for `sota run`, which mostly records
    /// its run (see ``LeaderboardFile/openForRecording()``).
    static func open(project: Project, environment: [String: String], forRecording: Bool = false) throws -> LeaderboardIndex {
        let file = file(project: project, environment: environment)
        return LeaderboardIndex(forRecording ? try file.openForRecording() : try file.openForReading())
    }

    /// The full leaderboard, opened now if the recorder took the open.
    var board: Leaderboard {
        get throws { try recording.board }
    }

    func baseline(metric: String, phase: String, direction: MetricDirection, experiment: String) throws -> GateEvaluator.Baseline? {
        try recording.baseline(metric: metric, phase: phase, direction: direction, experiment: experiment)
    }

    func record(_ manifest: RunManifest, manifestPath: String) throws {
        try recording.record(manifest, manifestPath: manifestPath)
    }
}
