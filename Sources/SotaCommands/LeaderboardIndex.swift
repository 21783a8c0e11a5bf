import SotaSupport
import SotaConfig
import SotaIndex
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

    /// Opens (creating if needed) the leaderboard file ``path(project:environment:)`` names, as a full leaderboard.
    ///
    /// The project's own `.sota/` folder is created when missing; a folder named by `SOTA_LEADERBOARD` must exist,
    /// since a mistyped variable should be an error, not a new folder somewhere.
    static func board(project: Project, environment: [String: String]) throws(LeaderboardError) -> Leaderboard {
        let path = path(project: project, environment: environment)
        guard let variable = environment["SOTA_LEADERBOARD"], !variable.isEmpty else { return try Leaderboard(path: path) }
        let folder = Paths.parent(of: path)
        guard Paths.kind(of: folder) == .directory else {
            throw .cannotOpen(path: path, reason: "the folder \(folder) named by SOTA_LEADERBOARD=\(variable) does not exist; create it, or unset SOTA_LEADERBOARD")
        }
        return try Leaderboard(path: path, createsFolder: false)
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
        return LeaderboardIndex(path: path, recorder: nil, board: try board(project: project, environment: environment))
    }

    /// The full leaderboard, opened now if the recorder took the open.
    var board: Leaderboard {
        get throws {
            try opened.withLock { board in
                if let board { return board }
                let fresh = try Leaderboard(path: path, createsFolder: false)
                board = fresh
                return fresh
            }
        }
    }

    func baseline(metric: String, phase: String, direction: MetricDirection, experiment: String) throws -> GateEvaluator.Baseline? {
        try board.baseline(metric: metric, phase: phase, direction: direction, experiment: experiment)
    }

    func record(_ manifest: RunManifest, manifestPath: String) throws {
        if let recorder {
            try recorder.ingest(manifest, manifestPath: manifestPath)
        } else {
            try board.ingest(manifest, manifestPath: manifestPath)
        }
    }
}
