/// The ages that decide an experiment's lifecycle state, in days.
package struct LifecycleThresholds: Sendable, Equatable {
    /// An experiment with a run started this recently is active.
    package var activeDays: Int
    /// An experiment without activity for this long is stale.
    package var staleDays: Int

    /// Creates thresholds; the defaults are a week and a month.
    package init(activeDays: Int = 7, staleDays: Int = 30) {
        self.activeDays = activeDays
        self.staleDays = staleDays
    }
}
