import SotaPlan
import SotaRunRecord

/// Everything the index knows about one run: its row, metrics, gate outcomes and stage timings.
public struct RunSummary: Sendable, Equatable {
    /// One stage's timing, as used for cost calibration.
    public struct StageTiming: Sendable, Equatable {
        /// The step name.
        public var stage: String
        /// `train`, `small_eval` or `full_eval`.
        public var phase: String
        /// Wall seconds of the successful (or last) attempt, if it ran.
        public var seconds: Double?
        /// How the stage stands.
        public var status: String
        /// Attempts made.
        public var attempts: Int
        /// ISO 8601 end of the last attempt.
        public var finished: String?

        /// Creates a timing.
        public init(stage: String, phase: String, seconds: Double?, status: String, attempts: Int, finished: String?) {
            self.stage = stage
            self.phase = phase
            self.seconds = seconds
            self.status = status
            self.attempts = attempts
            self.finished = finished
        }
    }

    /// The run id.
    public var runID: String
    /// The experiment name.
    public var experiment: String
    /// Overall status.
    public var status: String
    /// ISO 8601 creation time.
    public var created: String
    /// ISO 8601 time of the last change.
    public var updated: String
    /// The training config's path.
    public var configPath: String
    /// The training config's canonical hash.
    public var configHash: String
    /// HEAD commit, if known.
    public var gitCommit: String?
    /// True when the work tree differed from HEAD.
    public var gitDirty: Bool
    /// The host name.
    public var host: String
    /// GPU type, if any.
    public var gpuType: String?
    /// GPUs used.
    public var gpuCount: Int
    /// Wall seconds of the stages that ran.
    public var totalSeconds: Double
    /// True when every gate passed; nil until gating ran.
    public var passed: Bool?
    /// Where the manifest was indexed from.
    public var manifestPath: String
    /// Metric values by phase, then name.
    public var metrics: [String: [String: Double]]
    /// Gate outcomes, in manifest order.
    public var gates: [RunManifest.GateRecord]
    /// Stage timings, in manifest order.
    public var stages: [StageTiming]
}
