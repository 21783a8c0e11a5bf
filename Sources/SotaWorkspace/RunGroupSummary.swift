import Foundation
import SotaSupport
import SotaPlan

/// The runs of one experiment (or one config) reduced to what `experiment list`, `archive` and `catalog` show, kept
/// in the index's `run_groups` so those commands never read every run.
///
/// What it keeps is exactly what ``LifecycleState/derive(_:thresholds:now:)`` and ``RunRanking/bestRun(_:)`` look at:
/// the count, the newest update, the best run, and the few runs the rules can pick (in their original order, so ties
/// resolve as over the full list): every run whose manifest says running (whether it is in progress depends on its
/// lock, asked when read), the best run, the last passed run, the latest finished run and the most recently updated run.
struct RunGroupSummary: Codable, Sendable, Equatable {
    /// How many runs.
    var count: Int
    /// The newest ``ExperimentRun/updated``, seconds since the reference date.
    var newestUpdate: Double?
    /// The runs the lifecycle can pick, oldest first.
    var keyRuns: [StoredRun]
    /// The best finished run's id, its ranking metric and value.
    var best: Best?

    /// The best run by the primary metric.
    struct Best: Codable, Sendable, Equatable {
        /// Its place in ``RunGroupSummary/keyRuns``.
        var position: Int
        /// The metric that ranked it.
        var metric: String
        /// Its value.
        var value: Double
    }

    /// Summarizes `runs` (any order; sorted here as the scan sorts them: by creation, then id).
    init(_ runs: [StoredRun]) {
        let sorted = runs.sorted { ($0.created, $0.id) < ($1.created, $1.id) }
        // Lock state does not change which runs are finished, so ranking without asking any lock is exact.
        let plain = sorted.map { $0.run(directory: "", inProgress: false) }
        count = sorted.count
        newestUpdate = sorted.map(\.updated).max()
        let ranked = RunRanking.bestRun(plain)
        let bestIndex = ranked.flatMap { ranked in plain.firstIndex { $0 == ranked.run } }
        let finished = plain.indices.filter { plain[$0].outcome.isFinished }
        var picked = Set(sorted.indices.filter { sorted[$0].status == .running })
        if let bestIndex { picked.insert(bestIndex) }
        if let index = finished.last(where: { plain[$0].outcome == .passed }) { picked.insert(index) }
        if let index = finished.max(by: { plain[$0].updated < plain[$1].updated }) { picked.insert(index) }
        if let index = plain.indices.max(by: { plain[$0].updated < plain[$1].updated }) { picked.insert(index) }
        let order = picked.sorted()
        keyRuns = order.map { sorted[$0] }
        best = ranked.flatMap { ranked in
            bestIndex.flatMap { index in order.firstIndex(of: index) }.map { Best(position: $0, metric: ranked.metric, value: ranked.value) }
        }
    }

    /// The best run among `runs` (``keyRuns`` as read), nil when none or when a damaged summary points nowhere.
    func bestRun(among runs: [ExperimentRun]) -> ExperimentSummary.BestRun? {
        guard let best, runs.indices.contains(best.position) else { return nil }
        return ExperimentSummary.BestRun(run: runs[best.position], metric: best.metric, value: best.value)
    }

    /// The summary stored as text.
    func encoded() throws -> String {
        String(decoding: try StoredRun.encoder().encode(self), as: UTF8.self)
    }

    /// A summary read back from text.
    static func decode(_ text: String, decoder: JSONDecoder) throws -> RunGroupSummary {
        try decoder.decode(RunGroupSummary.self, from: Data(text.utf8))
    }
}
