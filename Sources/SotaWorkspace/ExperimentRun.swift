import FoundationEssentials
import SotaSupport
import SotaPlan
import SotaRunRecord

/// One run directory, reduced to what experiments, the lifecycle and the catalog need.
package struct ExperimentRun: Sendable, Equatable {
    /// The run id.
    package var id: String
    /// The experiment named in its manifest.
    package var experiment: String
    /// The run directory (absolute), empty for runs made up in tests.
    package var directory: String = ""
    /// The training config's path, as recorded.
    package var configPath: String
    /// How it stands.
    package var outcome: ExperimentFacts.RunOutcome
    /// The run's status word as it stands: the manifest's, except that a manifest still saying `running` whose run
    /// holds no lock (its sota was killed) reads `interrupted`, as `--resume` would find it. Decided here only, from
    /// the lock (``RunDirectoryLock/isHeld(runDirectory:)``), for every command that lists runs.
    package var status: String
    /// When it was created.
    package var created: Date
    /// When its manifest last changed.
    package var updated: Date
    /// The phase whose metrics count (`full_eval` when present, else the last phase with metrics).
    package var phase: String?
    /// That phase's metrics.
    package var metrics: [String: Double]
    /// Gate outcomes: name, metric, direction and whether it passed.
    package var gates: [RunManifest.GateRecord]

    /// The metric that ranks this run: its first gate's in the ranking phase, else its first gate's, else the first
    /// by name. A gate's metric and direction agree with the project's declaration (`sota validate config` checks it),
    /// so this is the project's primary metric whenever its runs are gated on it.
    package var primaryMetric: String? {
        let gated = gates.first(where: { $0.phase == phase })?.metric ?? gates.first?.metric
        return gated.flatMap { metrics[$0] != nil ? $0 : nil } ?? metrics.keys.min()
    }

    /// True when a lower value of `metric` is better (the default when no gate says).
    package func lowerIsBetter(_ metric: String) -> Bool {
        gates.first(where: { $0.metric == metric })?.direction != "higher"
    }

    /// The run as the lifecycle sees it.
    package var fact: ExperimentFacts.Run { ExperimentFacts.Run(id: id, outcome: outcome, updated: updated) }

    /// Reduces a manifest read from `directory`; `inProgress` says whether its lock is held.
    package init(manifest: RunManifest, directory: String, inProgress: Bool) {
        id = manifest.runID
        self.directory = directory
        experiment = manifest.experiment
        configPath = manifest.config.path
        (status, outcome) = Self.standing(manifest.status, passed: manifest.passed, inProgress: inProgress)
        created = Timestamp.date(manifest.created) ?? Date(timeIntervalSince1970: 0)
        updated = Timestamp.date(manifest.updated) ?? created
        phase = manifest.metrics["full_eval"] != nil ? "full_eval" : manifest.metrics.keys.sorted().last
        metrics = phase.flatMap { manifest.metrics[$0] } ?? [:]
        gates = manifest.gates
    }

    /// Reduces a manifest's indexed part, as the run-directory scanner reads it from `directory`; `inProgress` says
    /// whether its lock is held. Agrees with ``init(manifest:directory:inProgress:)`` on every field.
    package init(summary: IndexedRun, directory: String, inProgress: Bool) {
        id = summary.runID
        self.directory = directory
        experiment = summary.experiment
        configPath = summary.configPath
        if let known = RunManifest.Status(rawValue: summary.status) {
            (status, outcome) = Self.standing(known, passed: summary.passed, inProgress: inProgress)
        } else {
            (status, outcome) = (summary.status, .unfinished)
        }
        created = Timestamp.date(summary.created) ?? Date(timeIntervalSince1970: 0)
        updated = Timestamp.date(summary.updated) ?? created
        let phases = Set(summary.metrics.map(\.phase))
        phase = phases.contains("full_eval") ? "full_eval" : phases.max()
        var metrics: [String: Double] = [:]
        for metric in summary.metrics where metric.phase == phase { metrics[metric.name] = metric.value }
        self.metrics = metrics
        gates = summary.gates
    }

    /// The status word and outcome of a run whose manifest says `status` and `passed`; `inProgress` says whether its
    /// lock is held. The one place both are decided, for runs read from a manifest and from the index alike.
    static func standing(_ status: RunManifest.Status, passed: Bool?, inProgress: Bool) -> (status: String, outcome: ExperimentFacts.RunOutcome) {
        let word = status == .running && !inProgress ? RunManifest.Status.interrupted.rawValue : status.rawValue
        switch status {
        case .running where inProgress: return (word, .inProgress)
        case .succeeded: return (word, passed == false ? .gateRejected : .passed)
        case .rejected: return (word, .gateRejected)
        case .failed: return (word, .stageFailed)
        default: return (word, .unfinished)
        }
    }

    /// Creates a run record directly (tests, fixtures).
    package init(id: String, experiment: String, configPath: String = "", outcome: ExperimentFacts.RunOutcome, status: String,
                created: Date, updated: Date, phase: String?, metrics: [String: Double], gates: [RunManifest.GateRecord]) {
        self.id = id
        self.experiment = experiment
        self.configPath = configPath
        self.outcome = outcome
        self.status = status
        self.created = created
        self.updated = updated
        self.phase = phase
        self.metrics = metrics
        self.gates = gates
    }
}
