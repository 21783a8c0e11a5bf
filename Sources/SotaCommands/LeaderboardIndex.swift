import SotaConfig
import SotaLeaderboard
import SotaPlan
import SotaRun
import Synchronization

/// The leaderboard as the orchestrator sees it: baselines in, finished runs out.
final class LeaderboardIndex: RunIndex {
    /// The database file.
    let path: String
    /// Records runs without GRDB when opened for recording and the file is already a current leaderboard.
    private let recorder: LeaderboardRecorder?
    /// The full leaderboard; opened on first use when the recorder took the open.
    private let opened: Mutex<Leaderboard?>

    private init(path: String, recorder: LeaderboardRecorder?, board: Leaderboard?) {
        self.path = path
        self.recorder = recorder
        self.opened = Mutex(board)
    }

    /// The leaderboard file: `SOTA_LEADERBOARD` when set, else the project's (`.sota/leaderboard.sqlite`).
    static func path(project: Project, environment: [String: String]) -> String {
        environment["SOTA_LEADERBOARD"].flatMap { $0.isEmpty ? nil : project.resolve($0) } ?? project.resolve(project.leaderboardPath)
    }

    /// Opens (creating if needed) the project's leaderboard.
    ///
    /// `forRecording` is for `sota run`, which mostly records its run: an existing, current index is then opened
    /// through ``LeaderboardRecorder`` and the full leaderboard only if a baseline or a promotion needs it.
    static func open(project: Project, environment: [String: String], forRecording: Bool = false) throws -> LeaderboardIndex {
        let path = path(project: project, environment: environment)
        if forRecording, let recorder = LeaderboardRecorder.openIfCurrent(path: path) {
            return LeaderboardIndex(path: path, recorder: recorder, board: nil)
        }
        return LeaderboardIndex(path: path, recorder: nil, board: try Leaderboard(path: path))
    }

    /// The full leaderboard, opened now if the recorder took the open.
    var board: Leaderboard {
        get throws {
            try opened.withLock { board in
                if let board { return board }
                let fresh = try Leaderboard(path: path)
                board = fresh
                return fresh
            }
        }
    }

    func baseline(metric: String, phase: String, direction: GateSpec.Direction, experiment: String) throws -> GateEvaluator.Baseline? {
        try board.baseline(metric: metric, phase: phase, direction: MetricDirection(rawValue: direction.rawValue) ?? .lower, experiment: experiment)
    }

    func record(_ manifest: RunManifest, manifestPath: String) throws {
        if let recorder {
            try recorder.ingest(manifest, manifestPath: manifestPath)
        } else {
            try board.ingest(manifest, manifestPath: manifestPath)
        }
    }
}
