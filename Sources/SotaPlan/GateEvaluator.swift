import SotaSupport
import SotaConfig

/// Decides gates from metric values. Pure: the baseline comes in as a value.
package enum GateEvaluator {
    /// The value to beat for gates that demand an improvement over production.
    package struct Baseline: Sendable, Equatable {
        /// The run the value came from.
        package var runID: String
        /// The metric value.
        package var value: Double

        /// Creates a baseline.
        package init(runID: String, value: Double) {
            self.runID = runID
            self.value = value
        }
    }

    /// One outcome per gate. A missing metric fails its gate; the caller decides whether that is a stage failure.
    package static func evaluate(
        _ gates: [GateSpec], phase: String, metrics: [String: Double], baseline: (GateSpec) -> Baseline?
    ) -> [RunManifest.GateRecord] {
        gates.map { gate in
            let value = metrics[gate.metric]
            let base = gate.minImprovementAbsolute != nil || gate.minImprovementRelative != nil ? baseline(gate) : nil
            var record = RunManifest.GateRecord(
                name: gate.name, phase: phase, metric: gate.metric, direction: gate.direction.rawValue,
                threshold: gate.threshold, value: value, baseline: base?.value, baselineRun: base?.runID,
                requiredImprovement: nil, passed: false, reason: ""
            )
            guard let value, value.isFinite else {
                record.reason = value == nil ? "metric `\(gate.metric)` is missing" : "metric `\(gate.metric)` is not finite"
                return record
            }
            let lower = gate.direction == .lower
            let meetsThreshold = lower ? value < gate.threshold : value > gate.threshold
            let comparison = "\(gate.metric) = \(format(value)) \(lower ? "<" : ">") \(format(gate.threshold))"
            guard meetsThreshold else {
                record.reason = "\(gate.metric) = \(format(value)) does not meet \(lower ? "<" : ">") \(format(gate.threshold))"
                return record
            }
            guard let base else {
                record.passed = true
                record.reason = comparison + (gate.minImprovementAbsolute != nil || gate.minImprovementRelative != nil
                                              ? "; no production run to improve on" : "")
                return record
            }
            // The required gain: the larger of the absolute and relative demands.
            let required = max(gate.minImprovementAbsolute ?? 0, (gate.minImprovementRelative ?? 0) * abs(base.value))
            record.requiredImprovement = required
            let gain = lower ? base.value - value : value - base.value
            record.passed = gain >= required
            record.reason = record.passed
                ? "\(comparison); beats \(base.runID) (\(format(base.value))) by \(format(gain)) ≥ \(format(required))"
                : "\(comparison), but improves on \(base.runID) (\(format(base.value))) by \(format(gain)), less than the required \(format(required))"
            return record
        }
    }

    private static func format(_ value: Double) -> String {
        let text = JSONValue.shortNumber(value)
        return text.count > 10 ? NumberFormat.general(value, significant: 6) : text
    }
}

import FoundationEssentials
import SotaRunRecord
