/// Which way a metric improves; spelled as in configs (`lower`, `higher`), so a gate's direction converts by raw value.
///
/// It lives here rather than in SotaLeaderboard because the top-N query, which both the GRDB leaderboard and the
/// Foundation-free fast path of `sota leaderboard` run, is ordered by it.
public enum MetricDirection: String, Sendable, CaseIterable {
    /// Smaller is better (errors, losses).
    case lower
    /// Larger is better (accuracies, scores).
    case higher

    /// The SQL sort order that puts the best value first.
    package var sqlOrder: String { self == .lower ? "ASC" : "DESC" }
}
