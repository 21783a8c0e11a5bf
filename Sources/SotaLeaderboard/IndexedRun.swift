import SotaPlan

/// What one run contributes to the index: its `runs` row and its child rows, and nothing else from the manifest.
///
/// Built from a decoded ``RunManifest`` or, much faster, straight from `manifest.json` bytes by ``ManifestScanner``.
struct IndexedRun: Sendable, Equatable {
    /// One metric value.
    struct Metric: Sendable, Equatable {
        var phase: String
        var name: String
        var value: Double
    }

    /// One stage's timing.
    struct Stage: Sendable, Equatable {
        var name: String
        var phase: String
        var status: String
        var seconds: Double?
        var attempts: Int
        var finished: String?
    }

    var runID = ""
    var experiment = ""
    var status = ""
    var created = ""
    var updated = ""
    var configPath = ""
    var configHash = ""
    var gitCommit: String?
    var gitDirty = false
    var host = ""
    var gpuType: String?
    var gpuCount = 0
    var passed: Bool?
    /// Finite values only, in the manifest's order.
    var metrics: [Metric] = []
    var stages: [Stage] = []
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
        passed = manifest.passed
        metrics = manifest.metrics.sorted { $0.key < $1.key }.flatMap { phase, values in
            values.sorted { $0.key < $1.key }.filter { $0.value.isFinite }.map { Metric(phase: phase, name: $0.key, value: $0.value) }
        }
        stages = manifest.stages.map {
            Stage(name: $0.name, phase: $0.phase, status: $0.status.rawValue, seconds: $0.seconds, attempts: $0.attempts, finished: $0.finished)
        }
        gates = manifest.gates
    }
}
