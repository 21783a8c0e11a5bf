import SotaSupport
import SotaPlan
import SotaRunRecord
import Synchronization

/// Where a project's leaderboard lives, and the two ways commands open it: in full, or to record a run.
///
/// The one place the `SOTA_LEADERBOARD` rule is stated, and the one place that chooses between the full leaderboard
/// and the raw recorder (``LeaderboardRecorder``), so the commands never see which way into SQLite a write took.
package struct LeaderboardFile: Sendable {
    /// The file, absolute.
    package let path: String
    /// The value of `SOTA_LEADERBOARD` when it named the file.
    private let variable: String?

    /// The leaderboard of a project: `SOTA_LEADERBOARD` when set and not empty, else `projectFile` (the project's
    /// own, `.sota/leaderboard.sqlite`), each made absolute by `resolve` (relative to the project root).
    package init(projectFile: String, environment: [String: String], resolve: (String) -> String) {
        if let variable = environment["SOTA_LEADERBOARD"], !variable.isEmpty {
            path = resolve(variable)
            self.variable = variable
        } else {
            path = resolve(projectFile)
            variable = nil
        }
    }

    /// Opens (creating if needed) the file as a full leaderboard.
    ///
    /// The project's own `.sota/` folder is created when missing; a folder named by `SOTA_LEADERBOARD` must exist,
    /// since a mistyped variable should be an error, not a new folder somewhere.
    package func open() throws(LeaderboardError) -> Leaderboard {
        guard let variable else { return try Leaderboard(path: path) }
        let folder = Paths.parent(of: path)
        guard Paths.kind(of: folder) == .directory else {
            throw .cannotOpen(path: path, reason: "the folder \(folder) named by SOTA_LEADERBOARD=\(variable) does not exist; create it, or unset SOTA_LEADERBOARD")
        }
        return try Leaderboard(path: path, createsFolder: false)
    }

    /// Opens the file for `sota run`, which mostly records its run: an existing, current index through
    /// ``LeaderboardRecorder`` (the full leaderboard is opened later only if a baseline or a promotion needs it),
    /// anything else as ``open()`` does.
    package func openForRecording() throws(LeaderboardError) -> RunRecording {
        if let recorder = LeaderboardRecorder.openIfCurrent(path: path) { return RunRecording(path: path, recorder: recorder, board: nil) }
        return RunRecording(path: path, recorder: nil, board: try open())
    }

    /// Opens the file in full, for reading baselines and recording through ``Leaderboard``.
    package func openForReading() throws(LeaderboardError) -> RunRecording {
        RunRecording(path: path, recorder: nil, board: try open())
    }
}

/// The leaderboard as a run sees it: gate baselines in, the finished run out.
package final class RunRecording: Sendable {
    /// The database file.
    package let path: String
    /// Records runs without opening the full leaderboard when opened for recording and the file was already current.
    private let recorder: LeaderboardRecorder?
    /// The full leaderboard; opened on first use when the recorder took the open.
    private let opened: Mutex<Leaderboard?>

    fileprivate init(path: String, recorder: LeaderboardRecorder?, board: Leaderboard?) {
        self.path = path
        self.recorder = recorder
        self.opened = Mutex(board)
    }

    /// The full leaderboard, opened now if the recorder took the open.
    package var board: Leaderboard {
        get throws {
            try opened.withLock { board in
                if let board { return board }
                let fresh = try Leaderboard(path: path, createsFolder: false)
                board = fresh
                return fresh
            }
        }
    }

    /// The production (or best passed) value of `metric` for `experiment`.
    package func baseline(metric: String, phase: String, direction: MetricDirection, experiment: String) throws -> GateEvaluator.Baseline? {
        try board.baseline(metric: metric, phase: phase, direction: direction, experiment: experiment)
    }

    /// Records (or re-records) the run: through the recorder when it took the open, else through ``Leaderboard``.
    package func record(_ manifest: RunManifest, manifestPath: String) throws {
        if let recorder {
            try recorder.ingest(manifest, manifestPath: manifestPath)
        } else {
            try board.ingest(manifest, manifestPath: manifestPath)
        }
    }
}
