/// The ages that decide an experiment's lifecycle state, in days.
public struct LifecycleThresholds: Sendable, Equatable {
    /// An experiment with a run started this recently is active.
    public var activeDays: Int
    /// An experiment without activity for this long is stale.
    public var staleDays: Int

    /// Creates thresholds; the defaults are a week and a month.
    public init(activeDays: Int = 7, staleDays: Int = 30) {
        self.activeDays = activeDays
        self.staleDays = staleDays
    }
}
