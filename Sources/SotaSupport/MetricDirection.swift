/// Which way a metric improves, the one type behind gates, the leaderboard's ranking and the weekly report; spelled
/// as in configs and flags (`lower`, `higher`).
package enum MetricDirection: String, Sendable, Codable, CaseIterable {
    /// Smaller is better (errors, losses).
    case lower
    /// Larger is better (accuracies, scores).
    case higher

    /// The SQL sort order that puts the best value first.
    package var sqlOrder: String { self == .lower ? "ASC" : "DESC" }

    /// True when `value` is better than `other` in this direction (ties are not better).
    package func isBetter(_ value: Double, than other: Double) -> Bool {
        self == .lower ? value < other : value > other
    }
}
