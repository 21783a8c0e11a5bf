import SotaPlan
import SotaRunRecord

/// Everything the index knows about one run: its row, metrics, gate outcomes and stage timings.
package struct RunSummary: Sendable, Equatable {
    /// One stage's timing, as used for cost calibration.
    package struct StageTiming: Sendable, Equatable {
        /// The step name.
        package var stage: String
        /// `train`, `small_eval` or `full_eval`.
        package var phase: String
        /// Wall seconds of the successful (or last) attempt, if it ran.
        package var seconds: Double?
        /// How the stage stands.
        package var status: String
        /// Attempts made.
        package var attempts: Int
        /// ISO 8601 end of the last attempt.
        package var finished: String?

        /// Creates a timing.
        package init(stage: String, phase: String, seconds: Double?, status: String, attempts: Int, finished: String?) {
            self.stage = stage
            self.phase = phase
            self.seconds = seconds
            self.status = status
            self.attempts = attempts
            self.finished = finished
        }
    }

    /// The run id.
    package var runID: String
    /// The experiment name.
    package var experiment: String
    /// Overall status.
    package var status: String
    /// ISO 8601 creation time.
    package var created: String
    /// ISO 8601 time of the last change.
    package var updated: String
    /// The training config's path.
    package var configPath: String
    /// The training config's canonical hash.
    package var configHash: String
    /// HEAD commit, if known.
    package var gitCommit: String?
    /// True when the work tree differed from HEAD.
    package var gitDirty: Bool
    /// The host name.
    package var host: String
    /// GPU type, if any.
    package var gpuType: String?
    /// GPUs used.
    package var gpuCount: Int
    /// Wall seconds of the stages that ran.
    package var totalSeconds: Double
    /// True when every gate passed; nil until gating ran.
    package var passed: Bool?
    /// Where the manifest was indexed from.
    package var manifestPath: String
    /// Metric values by phase, then name.
    package var metrics: [String: [String: Double]]
    /// Gate outcomes, in manifest order.
    package var gates: [RunManifest.GateRecord]
    /// Stage timings, in manifest order.
    package var stages: [StageTiming]
}
