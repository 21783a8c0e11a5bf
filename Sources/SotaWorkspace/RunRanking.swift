import SotaPlan
import SotaConfig
import SotaSupport

/// What the project declares about ranking (`metrics:` and `primary_metric:` in sota.yaml): the metric that ranks
/// runs, and which way each declared metric is better. Without a declaration, a run's gates decide.
package struct RankingPreference: Sendable, Equatable {
    /// The primary metric, when declared.
    package var primary: String?
    /// The declared metrics' directions.
    package var directions: [String: MetricDirection]

    /// No declaration: gates decide, as before projects declared metrics.
    package static let none = RankingPreference(primary: nil, directions: [:])

    /// Creates a preference.
    package init(primary: String?, directions: [String: MetricDirection]) {
        self.primary = primary
        self.directions = directions
    }

    /// The project's declaration.
    package init(project: Project) {
        primary = project.primaryMetric?.name
        directions = Dictionary(project.metrics.map { ($0.name, $0.direction) }) { first, _ in first }
    }

    /// The preference as one line of text, stored with summaries ranked under it so a changed declaration re-ranks.
    package var key: String {
        ([primary ?? ""] + directions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.rawValue)" }).joined(separator: "\t")
    }

    /// True when a lower value of `metric` is better for `run`: the declaration's direction, else the run's gates'.
    func lowerIsBetter(_ metric: String, in run: ExperimentRun) -> Bool {
        directions[metric].map { $0 == .lower } ?? run.lowerIsBetter(metric)
    }

    /// The metric that ranks `run`: the declared primary metric when the run measured it, else the run's own.
    package func rankingMetric(of run: ExperimentRun) -> String? {
        if let primary, run.metrics[primary] != nil { return primary }
        return run.primaryMetric
    }
}

/// The best runs of an experiment or a config: per metric, and overall by the primary metric.
package enum RunRanking {
    /// The best value of every metric over finished runs, with the run that reached it (ties: the earlier run).
    package static func bestMetrics(_ runs: [ExperimentRun], preference: RankingPreference = .none) -> [String: ExperimentMetadata.BestMetric] {
        var best: [String: ExperimentMetadata.BestMetric] = [:]
        for run in runs where run.outcome.isFinished {
            for (metric, value) in run.metrics where value.isFinite {
                let lower = preference.lowerIsBetter(metric, in: run)
                if let current = best[metric], lower ? current.value <= value : current.value >= value { continue }
                best[metric] = ExperimentMetadata.BestMetric(value: value, runID: run.id)
            }
        }
        return best
    }

    /// The finished run with the best value of the primary metric (the project's declared one when a finished run
    /// measured it, else the latest finished run's), if any has it.
    package static func bestRun(_ runs: [ExperimentRun], preference: RankingPreference = .none) -> (run: ExperimentRun, metric: String, value: Double)? {
        let finished = runs.filter(\.outcome.isFinished)
        let declared = preference.primary.flatMap { primary in finished.contains { $0.metrics[primary] != nil } ? primary : nil }
        guard let metric = declared ?? finished.max(by: { $0.updated < $1.updated })?.primaryMetric else { return nil }
        var best: (run: ExperimentRun, metric: String, value: Double)?
        for run in finished {
            guard let value = run.metrics[metric], value.isFinite else { continue }
            let lower = preference.lowerIsBetter(metric, in: run)
            if let current = best, lower ? current.value <= value : current.value >= value { continue }
            best = (run, metric, value)
        }
        return best
    }

    /// `passed`, `rejected (gate: reason)` or `failed`, for a run's gates.
    package static func gateOutcome(_ run: ExperimentRun) -> String {
        switch run.outcome {
        case .passed: return run.gates.isEmpty ? "passed (no gates)" : "passed (\(run.gates.count) gate\(run.gates.count == 1 ? "" : "s"))"
        case .gateRejected:
            let failed = run.gates.filter { !$0.passed }
            return "rejected" + (failed.isEmpty ? "" : " (" + failed.map { "\($0.name): \($0.reason)" }.joined(separator: "; ") + ")")
        case .stageFailed: return "not gated: a stage failed"
        case .inProgress: return "in progress"
        case .unfinished: return "not gated: unfinished"
        }
    }
}
