import Foundation
import SotaSupport

/// `manifest.json` in a run directory: the record of a run, and the source of truth the leaderboard indexes.
///
/// Schema-versioned; written atomically after every state change, so it is valid JSON even after `kill -9`.
package struct RunManifest: Codable, Sendable, Equatable {
    /// The version written by this build.
    package static let currentSchemaVersion = 1

    /// How a run, or a stage, stands.
    package enum Status: String, Codable, Sendable {
        case pending, running, succeeded, failed
        /// Finished, but a gate rejected the result.
        case rejected
        /// Stopped by a signal; resumable.
        case interrupted
        /// Not run because an earlier step failed or a proxy gate rejected.
        case skipped
    }

    /// A config and its canonical hash.
    package struct ConfigRecord: Codable, Sendable, Equatable {
        /// The config path as given, relative to the project root when inside it.
        package var path: String
        /// Canonical SHA-256.
        package var hash: String
        /// `--set` overrides applied, as `key=value`.
        package var overrides: [String]

        /// Creates a record.
        package init(path: String, hash: String, overrides: [String] = []) {
            self.path = path
            self.hash = hash
            self.overrides = overrides
        }
    }

    /// Git state of the code the run used.
    package struct GitRecord: Codable, Sendable, Equatable {
        /// HEAD commit, nil outside a repository or before the first commit.
        package var commit: String?
        /// Branch, nil when detached.
        package var branch: String?
        /// True when the work tree differed from HEAD.
        package var dirty: Bool
        /// Files that differed.
        package var dirtyFiles: [String]
        /// `repository`, `no-commits` or `no-repository`.
        package var state: String

        enum CodingKeys: String, CodingKey {
            case commit, branch, dirty, state
            case dirtyFiles = "dirty_files"
        }

        /// Creates a record.
        package init(commit: String?, branch: String?, dirty: Bool, dirtyFiles: [String], state: String) {
            self.commit = commit
            self.branch = branch
            self.dirty = dirty
            self.dirtyFiles = dirtyFiles
            self.state = state
        }
    }

    /// A file and its checksum.
    package struct FileRecord: Codable, Sendable, Equatable {
        /// Path, relative to the run directory (outputs) or the project root (data).
        package var path: String
        /// SHA-256, hexadecimal.
        package var sha256: String
        /// Size in bytes.
        package var size: Int

        /// Creates a record.
        package init(path: String, sha256: String, size: Int) {
            self.path = path
            self.sha256 = sha256
            self.size = size
        }
    }

    /// The hardware the run used.
    package struct HardwareRecord: Codable, Sendable, Equatable {
        /// GPU type from the config, if any.
        package var gpuType: String?
        /// GPUs used.
        package var gpuCount: Int
        /// Device ids given to children (`CUDA_VISIBLE_DEVICES`).
        package var devices: String
        /// cuda, rocm or cpu.
        package var platform: String
        /// The hardware the run actually had: the GPU's product name as nvidia-smi or rocm-smi reports it, or `cpu`
        /// when neither is installed. Nil in manifests written before it was recorded (unknown hardware, which never
        /// calibrates an estimate).
        package var observed: String?

        enum CodingKeys: String, CodingKey {
            case devices, platform, observed
            case gpuType = "gpu_type"
            case gpuCount = "gpu_count"
        }

        /// Creates a record.
        package init(gpuType: String?, gpuCount: Int, devices: String, platform: String, observed: String? = nil) {
            self.gpuType = gpuType
            self.gpuCount = gpuCount
            self.devices = devices
            self.platform = platform
            self.observed = observed
        }
    }

    /// One child step's record.
    package struct StageRecord: Codable, Sendable, Equatable {
        /// The step name (training stage, `small_eval`, `full_eval`).
        package var name: String
        /// `train`, `small_eval` or `full_eval`.
        package var phase: String
        /// Where it stands.
        package var status: Status
        /// ISO 8601 start of the last attempt.
        package var started: String?
        /// ISO 8601 end of the last attempt.
        package var finished: String?
        /// Wall seconds of the successful (or last) attempt.
        package var seconds: Double?
        /// The child's exit code; nil when killed by a signal or not run.
        package var exitCode: Int32?
        /// The signal that ended the child, if one did.
        package var signal: Int32?
        /// Attempts made.
        package var attempts: Int
        /// Declared outputs with checksums, once the stage succeeded.
        package var outputs: [FileRecord]
        /// The log file, relative to the run directory.
        package var log: String
        /// Fingerprint of the stage's inputs (command, config, upstream outputs); a change means it must rerun.
        package var inputsFingerprint: String?
        /// The step's size (epochs × samples) for cost calibration, when it has one.
        package var work: Double?

        enum CodingKeys: String, CodingKey {
            case name, phase, status, started, finished, seconds, signal, attempts, outputs, log, work
            case exitCode = "exit_code"
            case inputsFingerprint = "inputs_fingerprint"
        }

        /// Creates a pending stage.
        package init(name: String, phase: String, log: String, work: Double? = nil) {
            self.name = name
            self.phase = phase
            self.work = work
            self.status = .pending
            self.attempts = 0
            self.outputs = []
            self.log = log
        }
    }

    /// One gate's inputs and outcome.
    package struct GateRecord: Codable, Sendable, Equatable {
        /// The gate's name.
        package var name: String
        /// The phase whose metrics it reads.
        package var phase: String
        /// The metric key.
        package var metric: String
        /// `lower` or `higher`.
        package var direction: String
        /// Absolute threshold.
        package var threshold: Double
        /// The run's value, nil when the metric was missing.
        package var value: Double?
        /// The production (or best) run's value it was compared with, if any.
        package var baseline: Double?
        /// The run the baseline came from.
        package var baselineRun: String?
        /// The required improvement, when the gate declares one.
        package var requiredImprovement: Double?
        /// Whether the gate passed.
        package var passed: Bool
        /// Why, in one sentence.
        package var reason: String

        enum CodingKeys: String, CodingKey {
            case name, phase, metric, direction, threshold, value, baseline, passed, reason
            case baselineRun = "baseline_run"
            case requiredImprovement = "required_improvement"
        }

        /// Creates a record.
        package init(name: String, phase: String, metric: String, direction: String, threshold: Double, value: Double?,
                    baseline: Double?, baselineRun: String?, requiredImprovement: Double?, passed: Bool, reason: String) {
            self.name = name
            self.phase = phase
            self.metric = metric
            self.direction = direction
            self.threshold = threshold
            self.value = value
            self.baseline = baseline
            self.baselineRun = baselineRun
            self.requiredImprovement = requiredImprovement
            self.passed = passed
            self.reason = reason
        }
    }

    /// Something that went wrong.
    package struct FailureRecord: Codable, Sendable, Equatable {
        /// The step, or `validate` / `gate`.
        package var stage: String
        /// What happened.
        package var reason: String
        /// The log to read, relative to the run directory.
        package var log: String?

        /// Creates a record.
        package init(stage: String, reason: String, log: String?) {
            self.stage = stage
            self.reason = reason
            self.log = log
        }
    }

    /// The manifest's schema version.
    package var schemaVersion: Int
    /// The run id.
    package var runID: String
    /// The experiment name.
    package var experiment: String
    /// Overall status.
    package var status: Status
    /// ISO 8601 creation time.
    package var created: String
    /// ISO 8601 time of the last change.
    package var updated: String
    /// The training config.
    package var config: ConfigRecord
    /// Evaluation configs by phase (`small_eval`, `full_eval`).
    package var evalConfigs: [String: ConfigRecord]
    /// Git provenance.
    package var git: GitRecord
    /// Data files and checksums.
    package var data: [FileRecord]
    /// The host name.
    package var host: String
    /// Hardware.
    package var hardware: HardwareRecord
    /// Child steps in order.
    package var stages: [StageRecord]
    /// Numeric metrics by phase, from the evaluate program's JSON.
    package var metrics: [String: [String: Double]]
    /// Gate outcomes.
    package var gates: [GateRecord]
    /// True when every gate passed (nil until gating ran).
    package var passed: Bool?
    /// Everything that went wrong.
    package var failures: [FailureRecord]

    enum CodingKeys: String, CodingKey {
        case experiment, status, created, updated, config, git, data, host, hardware, stages, metrics, gates, passed, failures
        case schemaVersion = "schema_version"
        case runID = "run_id"
        case evalConfigs = "eval_configs"
    }

    /// Creates a manifest for a new run.
    package init(runID: String, experiment: String, created: String, config: ConfigRecord, evalConfigs: [String: ConfigRecord],
                git: GitRecord, data: [FileRecord], host: String, hardware: HardwareRecord, stages: [StageRecord]) {
        self.schemaVersion = Self.currentSchemaVersion
        self.runID = runID
        self.experiment = experiment
        self.status = .pending
        self.created = created
        self.updated = created
        self.config = config
        self.evalConfigs = evalConfigs
        self.git = git
        self.data = data
        self.host = host
        self.hardware = hardware
        self.stages = stages
        self.metrics = [:]
        self.gates = []
        self.passed = nil
        self.failures = []
    }

    /// Total wall seconds of the stages that ran.
    package var totalSeconds: Double { stages.compactMap(\.seconds).reduce(0, +) }

    /// Pretty JSON with sorted keys.
    package func encoded() throws -> Data {
        let encoder = JSONEncoder.forFiles()
        return try encoder.encode(self)
    }

    /// Decodes a manifest, refusing versions newer than this build understands.
    package static func decode(_ data: Data, path: String) throws -> RunManifest {
        struct Version: Decodable {
            let schemaVersion: Int?
            enum CodingKeys: String, CodingKey { case schemaVersion = "schema_version" }
        }
        let version: Int?
        do {
            version = try JSONDecoder().decode(Version.self, from: data).schemaVersion
        } catch {
            throw FileError(path: path, operation: "read manifest", reason: "not valid JSON")
        }
        guard let version else { throw FileError(path: path, operation: "read manifest", reason: "no schema_version") }
        guard version <= currentSchemaVersion else {
            throw FileError(path: path, operation: "read manifest", reason: "schema_version \(version) is newer than this sota understands (\(currentSchemaVersion))")
        }
        do {
            return try JSONDecoder().decode(RunManifest.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw FileError(path: path, operation: "read manifest", reason: "missing `\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))`")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw FileError(path: path, operation: "read manifest", reason: "wrong type at `\(context.codingPath.map(\.stringValue).joined(separator: "."))`")
        } catch {
            throw FileError(path: path, operation: "read manifest", reason: "\(error)")
        }
    }

    /// Reads `manifest.json` at `path`.
    package static func read(path: String) throws -> RunManifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(path: path, operation: "read manifest", reason: "no such file")
        }
        return try decode(data, path: path)
    }

    /// Writes the manifest atomically to `path`.
    package func write(to path: String) throws {
        try AtomicFile.write(handEncoded() ?? Array(try encoded()), to: path)
    }
}

/// ISO 8601 timestamps in UTC, as manifests store them.
package enum Timestamp {
    /// `2026-11-23T14:10:00.123Z` for `date`.
    package static func string(_ date: Date) -> String {
        // By hand: Foundation's ISO 8601 format style builds a calendar first, which costs more than the rest of a
        // manifest save, and a run stamps every step.
        let seconds = date.timeIntervalSince1970
        var whole = time_t(seconds.rounded(.down))
        var millis = Int(((seconds - Double(whole)) * 1000).rounded(.down))
        if millis >= 1000 { whole += 1; millis -= 1000 }
        var parts = tm()
        gmtime_r(&whole, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }

    /// Parses what ``string(_:)`` writes (and plain ISO 8601 without fractions).
    package static func date(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)) { return date }
        return try? Date(text, strategy: .iso8601)
    }
}
