/// Which way a metric improves; spelled as in configs (`lower`, `higher`), so a gate's direction converts by raw value.
public enum MetricDirection: String, Sendable, CaseIterable {
    /// Smaller is better (errors, losses).
    case lower
    /// Larger is better (accuracies, scores).
    case higher

    /// The SQL sort order that puts the best value first.
    var sqlOrder: String { self == .lower ? "ASC" : "DESC" }
}
