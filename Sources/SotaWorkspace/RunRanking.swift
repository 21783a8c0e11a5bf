import SotaPlan

/// The best runs of an experiment or a config: per metric, and overall by the primary metric.
package enum RunRanking {
    /// The best value of every metric over finished runs, with the run that reached it (ties: the earlier run).
    package static func bestMetrics(_ runs: [ExperimentRun]) -> [String: ExperimentMetadata.BestMetric] {
        var best: [String: ExperimentMetadata.BestMetric] = [:]
        for run in runs where run.outcome.isFinished {
            for (metric, value) in run.metrics where value.isFinite {
                let lower = run.lowerIsBetter(metric)
                if let current = best[metric], lower ? current.value <= value : current.value >= value { continue }
                best[metric] = ExperimentMetadata.BestMetric(value: value, runID: run.id)
            }
        }
        return best
    }

    /// The finished run with the best value of the primary metric (the latest finished run's), if any has it.
    package static func bestRun(_ runs: [ExperimentRun]) -> (run: ExperimentRun, metric: String, value: Double)? {
        let finished = runs.filter(\.outcome.isFinished)
        guard let metric = finished.max(by: { $0.updated < $1.updated })?.primaryMetric else { return nil }
        var best: (run: ExperimentRun, metric: String, value: Double)?
        for run in finished {
            guard let value = run.metrics[metric], value.isFinite else { continue }
            let lower = run.lowerIsBetter(metric)
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
