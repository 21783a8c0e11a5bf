import SotaSupport
/// What one run contributes to the index: its `runs` row and its child rows, and nothing else from the manifest.
///
/// Built from a decoded ``RunManifest`` or, much faster, straight from `manifest.json` bytes by ``ManifestScanner``.
package struct IndexedRun: Sendable, Equatable {
    /// One metric value.
    package struct Metric: Sendable, Equatable {
        /// `small_eval`, `full_eval`, ...
        package var phase: String
        /// The metric key.
        package var name: String
        /// A finite value.
        package var value: Double
    }

    /// One stage's timing.
    package struct Stage: Sendable, Equatable {
        /// The step name.
        package var name: String
        /// The step's phase.
        package var phase: String
        /// A `RunManifest.Status` raw value.
        package var status: String
        /// Wall seconds of the successful (or last) attempt.
        package var seconds: Double?
        /// Attempts made.
        package var attempts: Int
        /// ISO 8601 end of the last attempt.
        package var finished: String?
        /// The step's size (epochs × samples), for cost calibration.
        package var work: Double?
    }

    /// One hyperparameter.
    package struct Parameter: Sendable, Equatable {
        /// The key path, `optimizer.lr`.
        package var key: String
        /// Its value.
        package var value: RunManifest.ParameterValue
    }

    /// The run id.
    package var runID = ""
    /// The experiment name.
    package var experiment = ""
    /// A `RunManifest.Status` raw value.
    package var status = ""
    /// ISO 8601 creation time.
    package var created = ""
    /// ISO 8601 time of the last change.
    package var updated = ""
    /// The training config's path.
    package var configPath = ""
    /// The training config's canonical hash.
    package var configHash = ""
    /// HEAD commit, if known.
    package var gitCommit: String?
    /// True when the work tree differed from HEAD.
    package var gitDirty = false
    /// The host name.
    package var host = ""
    /// GPU type, if any.
    package var gpuType: String?
    /// GPUs used.
    package var gpuCount = 0
    /// The hardware the run reported having (a GPU product name or `cpu`); nil when unknown.
    package var observedHardware: String?
    /// The run's page in the team's tracker, if a child wrote one.
    package var trackerURL: String?
    /// The step-history file in the run directory, as the manifest names it.
    package var stepMetrics: String?
    /// The step history read from that file by ``loadHistory(manifestPath:)``, thinned; empty until then.
    package var history = StepHistory()
    /// True when every gate passed; nil until gating ran.
    package var passed: Bool?
    /// Finite values only, in the manifest's order.
    package var metrics: [Metric] = []
    /// Stage timings, in manifest order.
    package var stages: [Stage] = []
    /// Gate outcomes, in manifest order.
    package var gates: [RunManifest.GateRecord] = []
    /// Hyperparameters, by key.
    package var parameters: [Parameter] = []

    /// Total wall seconds of the stages that ran, as ``RunManifest/totalSeconds`` counts them.
    package var totalSeconds: Double { stages.reduce(0) { $0 + ($1.seconds ?? 0) } }

    /// Reads the step history the manifest at `manifestPath` names, from beside it; a history that cannot be read
    /// (the file removed or unreadable) stays empty: the index mirrors what the folder holds.
    package mutating func loadHistory(manifestPath: String) {
        guard let name = stepMetrics, RunLayout.isPlainRelativeName(name) else { return }
        let read = try? StepHistory.read(Paths.join(Paths.parent(of: manifestPath), name))
        history = read.flatMap { $0 } ?? StepHistory()
    }

    /// The indexed part of `manifest`, with the step history it names read from beside `manifestPath`.
    package init(_ manifest: RunManifest, manifestPath: String) {
        self.init(manifest)
        loadHistory(manifestPath: manifestPath)
    }

    /// An empty value, filled in by the scanner.
    package init() {}

    /// The indexed part of `manifest`.
    package init(_ manifest: RunManifest) {
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
        trackerURL = manifest.trackerURL
        stepMetrics = manifest.stepMetrics
        passed = manifest.passed
        metrics = manifest.metrics.sorted { $0.key < $1.key }.flatMap { phase, values in
            values.sorted { $0.key < $1.key }.filter { $0.value.isFinite }.map { Metric(phase: phase, name: $0.key, value: $0.value) }
        }
        stages = manifest.stages.map {
            Stage(name: $0.name, phase: $0.phase, status: $0.status.rawValue, seconds: $0.seconds, attempts: $0.attempts, finished: $0.finished,
                  work: $0.work)
        }
        gates = manifest.gates
        parameters = (manifest.parameters ?? [:]).map { Parameter(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
    }
}
