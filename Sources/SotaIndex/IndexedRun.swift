import SotaPlan

/// What one run contributes to the index: its `runs` row and its child rows, and nothing else from the manifest.
///
/// Built from a decoded ``RunManifest`` or, much faster, straight from `manifest.json` bytes by ``ManifestScanner``.
struct IndexedRun: Sendable, Equatable {
    /// One metric value.
    struct Metric: Sendable, Equatable {
        /// `small_eval`, `full_eval`, ...
        var phase: String
        /// The metric key.
        var name: String
        /// A finite value.
        var value: Double
    }

    /// One stage's timing.
    struct Stage: Sendable, Equatable {
        /// The step name.
        var name: String
        /// The step's phase.
        var phase: String
        /// A `RunManifest.Status` raw value.
        var status: String
        /// Wall seconds of the successful (or last) attempt.
        var seconds: Double?
        /// Attempts made.
        var attempts: Int
        /// ISO 8601 end of the last attempt.
        var finished: String?
        /// The step's size (epochs × samples), for cost calibration.
        var work: Double?
    }

    /// The run id.
    var runID = ""
    /// The experiment name.
    var experiment = ""
    /// A `RunManifest.Status` raw value.
    var status = ""
    /// ISO 8601 creation time.
    var created = ""
    /// ISO 8601 time of the last change.
    var updated = ""
    /// The training config's path.
    var configPath = ""
    /// The training config's canonical hash.
    var configHash = ""
    /// HEAD commit, if known.
    var gitCommit: String?
    /// True when the work tree differed from HEAD.
    var gitDirty = false
    /// The host name.
    var host = ""
    /// GPU type, if any.
    var gpuType: String?
    /// GPUs used.
    var gpuCount = 0
    /// The hardware the run reported having (a GPU product name or `cpu`); nil when unknown.
    var observedHardware: String?
    /// True when every gate passed; nil until gating ran.
    var passed: Bool?
    /// Finite values only, in the manifest's order.
    var metrics: [Metric] = []
    /// Stage timings, in manifest order.
    var stages: [Stage] = []
    /// Gate outcomes, in manifest order.
    var gates: [RunManifest.GateRecord] = []

    /// Total wall seconds of the stages that ran, as ``RunManifest/totalSeconds`` counts them.
    var totalSeconds: Double { stages.reduce(0) { $0 + ($1.seconds ?? 0) } }

    /// An empty value, filled in by the scanner.
    init() {}

    /// The indexed part of `manifest`.
    init(_ manifest: RunManifest) {
        runID = manifest.runID
        experiment = manifest.experiment
        status = manifest.status.rawValue
        created = manifest.created
        updated = manifest.updated
        configPath = manifest.config.path
        configHash = manifest.config.hash
        gitCommit = manifest.git.commit
        gitDirty = manifest.git.dirty
        host = manifest.host
        gpuType = manifest.hardware.gpuType
        gpuCount = manifest.hardware.gpuCount
        observedHardware = manifest.hardware.observed
        passed = manifest.passed
        metrics = manifest.metrics.sorted { $0.key < $1.key }.flatMap { phase, values in
            values.sorted { $0.key < $1.key }.filter { $0.value.isFinite }.map { Metric(phase: phase, name: $0.key, value: $0.value) }
        }
        stages = manifest.stages.map {
            Stage(name: $0.name, phase: $0.phase, status: $0.status.rawValue, seconds: $0.seconds, attempts: $0.attempts, finished: $0.finished,
                  work: $0.work)
        }
        gates = manifest.gates
    }
}
