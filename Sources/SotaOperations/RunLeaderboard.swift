import SotaSupport
import SotaConfig
import SotaIndex
import SotaRun

/// The project's leaderboard as a run reaches it: baselines in, finished runs out, and the full leaderboard for a
/// promotion.
package protocol RunLeaderboard: RunIndex {
    /// The full leaderboard, opened on first use.
    var board: Leaderboard { get throws }
}

/// How a run opens the project's leaderboard: the caller knows where the file is (`SOTA_LEADERBOARD`, the project's
/// `.sota/`) and how to open it fastest, so it passes the openers in.
package struct RunLeaderboards: Sendable {
    /// Opens (creating if needed) the leaderboard; `forRecording` when the run mostly records itself.
    package var open: @Sendable (_ forRecording: Bool) throws -> any RunLeaderboard
    /// The leaderboard a Slurm step job reads baselines from: never created, never written.
    package var baselineOnly: @Sendable () -> any RunIndex

    /// Creates the openers.
    package init(open: @escaping @Sendable (_ forRecording: Bool) throws -> any RunLeaderboard,
                 baselineOnly: @escaping @Sendable () -> any RunIndex) {
        self.open = open
        self.baselineOnly = baselineOnly
    }
}
