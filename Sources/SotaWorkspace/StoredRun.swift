import FoundationEssentials
import SotaSupport
import SotaRunRecord
import SotaPlan

/// One run as the index's `run_folders.record` holds it: what ``ExperimentRun`` is made of, before the lock is asked.
///
/// Times are kept as seconds since the reference date, the very `Double` a `Date` holds, so a run read back from
/// the index compares equal to the run read from its manifest.
struct StoredRun: Codable, Sendable, Equatable {
    /// The run folder's name in the runs folder.
    var folder: String
    /// The run id.
    var id: String
    /// The experiment its manifest names.
    var experiment: String
    /// The training config's path, as recorded.
    var configPath: String
    /// The manifest's status.
    var status: RunManifest.Status
    /// The manifest's `passed`.
    var passed: Bool?
    /// ``ExperimentRun/created``, seconds since the reference date.
    var created: Double
    /// ``ExperimentRun/updated``, seconds since the reference date.
    var updated: Double
    /// The phase whose metrics count.
    var phase: String?
    /// That phase's metrics.
    var metrics: [String: Double]
    /// Gate outcomes.
    var gates: [RunManifest.GateRecord]

    /// The record of the manifest read from `folder` (its lock not asked: ``run(in:)`` asks when the status is running).
    init(manifest: RunManifest, folder: String) {
        let run = ExperimentRun(manifest: manifest, directory: "", inProgress: false)
        self.folder = folder
        id = run.id
        experiment = run.experiment
        configPath = run.configPath
        status = manifest.status
        passed = manifest.passed
        created = run.created.timeIntervalSinceReferenceDate
        updated = run.updated.timeIntervalSinceReferenceDate
        phase = run.phase
        metrics = run.metrics
        gates = run.gates
    }

    /// A key run of a group summary: id, status and times (``RunGroupSummary``).
    init(folder: String, id: String, status: RunManifest.Status, passed: Bool?, created: Double, updated: Double) {
        self.folder = folder
        self.id = id
        experiment = ""
        configPath = ""
        self.status = status
        self.passed = passed
        self.created = created
        self.updated = updated
        phase = nil
        metrics = [:]
        gates = []
    }

    /// The run without what a group summary does not keep of it.
    var identityOnly: StoredRun {
        StoredRun(folder: folder, id: id, status: status, passed: passed, created: created, updated: updated)
    }

    /// The run as commands see it, its directory under `runsFolder`; `running` runs are in progress while their lock is held.
    func run(in runsFolder: String) -> ExperimentRun {
        let directory = Paths.join(runsFolder, folder)
        let live = status == .running && RunDirectoryLock.isHeld(runDirectory: directory)
        return run(directory: directory, inProgress: live)
    }

    /// The run with its lock state given.
    func run(directory: String, inProgress: Bool) -> ExperimentRun {
        let (word, outcome) = ExperimentRun.standing(status, passed: passed, inProgress: inProgress)
        var run = ExperimentRun(id: id, experiment: experiment, configPath: configPath, outcome: outcome, status: word,
                                created: Date(timeIntervalSinceReferenceDate: created), updated: Date(timeIntervalSinceReferenceDate: updated),
                                phase: phase, metrics: metrics, gates: gates)
        run.directory = directory
        return run
    }

    /// The encoder of records: sorted keys (stable bytes), and non-finite numbers as strings, as JSON has none.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// The decoder matching ``encoder()``.
    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}
