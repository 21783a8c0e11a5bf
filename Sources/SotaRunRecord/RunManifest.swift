import Foundation
import SotaSupport

/// `manifest.json` in a run directory: the record of a run, and the source of truth the leaderboard indexes.
///
/// Schema-versioned; written atomically after every state change, so it is valid JSON even after `kill -9`.
public struct RunManifest: Codable, Sendable, Equatable {
    /// The version written by this build.
    public static let currentSchemaVersion = 1

    /// How a run, or a stage, stands.
    public enum Status: String, Codable, Sendable {
        case pending, running, succeeded, failed
        /// Finished, but a gate rejected the result.
        case rejected
        /// Stopped by a signal; resumable.
        case interrupted
        /// Not run because an earlier step failed or a proxy gate rejected.
        case skipped
    }

    /// A config and its canonical hash.
    public struct ConfigRecord: Codable, Sendable, Equatable {
        /// The config path as given, relative to the project root when inside it.
        public var path: String
        /// Canonical SHA-256.
        public var hash: String
        /// `--set` overrides applied, as `key=value`.
        public var overrides: [String]

        /// Creates a record.
        public init(path: String, hash: String, overrides: [String] = []) {
            self.path = path
            self.hash = hash
            self.overrides = overrides
        }
    }

    /// Git state of the code the run used.
    public struct GitRecord: Codable, Sendable, Equatable {
        /// HEAD commit, nil outside a repository or before the first commit.
        public var commit: String?
        /// Branch, nil when detached.
        public var branch: String?
        /// True when the work tree differed from HEAD.
        public var dirty: Bool
        /// Files that differed.
        public var dirtyFiles: [String]
        /// `repository`, `no-commits` or `no-repository`.
        public var state: String

        enum CodingKeys: String, CodingKey {
            case commit, branch, dirty, state
            case dirtyFiles = "dirty_files"
        }

        /// Creates a record.
        public init(commit: String?, branch: String?, dirty: Bool, dirtyFiles: [String], state: String) {
            self.commit = commit
            self.branch = branch
            self.dirty = dirty
            self.dirtyFiles = dirtyFiles
            self.state = state
        }
    }

    /// A file and its checksum.
    public struct FileRecord: Codable, Sendable, Equatable {
        /// Path, relative to the run directory (outputs) or the project root (data).
        public var path: String
        /// SHA-256, hexadecimal.
        public var sha256: String
        /// Size in bytes.
        public var size: Int

        /// Creates a record.
        public init(path: String, sha256: String, size: Int) {
            self.path = path
            self.sha256 = sha256
            self.size = size
        }
    }

    /// The hardware the run used.
    public struct HardwareRecord: Codable, Sendable, Equatable {
        /// GPU type from the config, if any.
        public var gpuType: String?
        /// GPUs used.
        public var gpuCount: Int
        /// Device ids given to children (`CUDA_VISIBLE_DEVICES`).
        public var devices: String
        /// cuda, rocm or cpu.
        public var platform: String
        /// The hardware the run actually had: the GPU's product name as nvidia-smi or rocm-smi reports it, or `cpu`
        /// when neither is installed. Nil in manifests written before it was recorded (unknown hardware, which never
        /// calibrates an estimate).
        public var observed: String?

        enum CodingKeys: String, CodingKey {
            case devices, platform, observed
            case gpuType = "gpu_type"
            case gpuCount = "gpu_count"
        }

        /// Creates a record.
        public init(gpuType: String?, gpuCount: Int, devices: String, platform: String, observed: String? = nil) {
            self.gpuType = gpuType
            self.gpuCount = gpuCount
            self.devices = devices
            self.platform = platform
            self.observed = observed
        }
    }

    /// One child step's record.
    public struct StageRecord: Codable, Sendable, Equatable {
        /// The step name (training stage, `small_eval`, `full_eval`).
        public var name: String
        /// `train`, `small_eval` or `full_eval`.
        public var phase: String
        /// Where it stands.
        public var status: Status
        /// ISO 8601 start of the last attempt.
        public var started: String?
        /// ISO 8601 end of the last attempt.
        public var finished: String?
        /// Wall seconds of the successful (or last) attempt.
        public var seconds: Double?
        /// The child's exit code; nil when killed by a signal or not run.
        public var exitCode: Int32?
        /// The signal that ended the child, if one did.
        public var signal: Int32?
        /// Attempts made.
        public var attempts: Int
        /// Declared outputs with checksums, once the stage succeeded.
        public var outputs: [FileRecord]
        /// The log file, relative to the run directory.
        public var log: String
        /// Fingerprint of the stage's inputs (command, config, upstream outputs); a change means it must rerun.
        public var inputsFingerprint: String?
        /// The step's size (epochs × samples) for cost calibration, when it has one.
        public var work: Double?

        enum CodingKeys: String, CodingKey {
            case name, phase, status, started, finished, seconds, signal, attempts, outputs, log, work
            case exitCode = "exit_code"
            case inputsFingerprint = "inputs_fingerprint"
        }

        /// Creates a pending stage.
        public init(name: String, phase: String, log: String, work: Double? = nil) {
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
    public struct GateRecord: Codable, Sendable, Equatable {
        /// The gate's name.
        public var name: String
        /// The phase whose metrics it reads.
        public var phase: String
        /// The metric key.
        public var metric: String
        /// `lower` or `higher`.
        public var direction: String
        /// Absolute threshold.
        public var threshold: Double
        /// The run's value, nil when the metric was missing.
        public var value: Double?
        /// The production (or best) run's value it was compared with, if any.
        public var baseline: Double?
        /// The run the baseline came from.
        public var baselineRun: String?
        /// The required improvement, when the gate declares one.
        public var requiredImprovement: Double?
        /// Whether the gate passed.
        public var passed: Bool
        /// Why, in one sentence.
        public var reason: String

        enum CodingKeys: String, CodingKey {
            case name, phase, metric, direction, threshold, value, baseline, passed, reason
            case baselineRun = "baseline_run"
            case requiredImprovement = "required_improvement"
        }

        /// Creates a record.
        public init(name: String, phase: String, metric: String, direction: String, threshold: Double, value: Double?,
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
    public struct FailureRecord: Codable, Sendable, Equatable {
        /// The step, or `validate` / `gate`.
        public var stage: String
        /// What happened.
        public var reason: String
        /// The log to read, relative to the run directory.
        public var log: String?

        /// Creates a record.
        public init(stage: String, reason: String, log: String?) {
            self.stage = stage
            self.reason = reason
            self.log = log
        }
    }

    /// The manifest's schema version.
    public var schemaVersion: Int
    /// The run id.
    public var runID: String
    /// The experiment name.
    public var experiment: String
    /// Overall status.
    public var status: Status
    /// ISO 8601 creation time.
    public var created: String
    /// ISO 8601 time of the last change.
    public var updated: String
    /// The training config.
    public var config: ConfigRecord
    /// Evaluation configs by phase (`small_eval`, `full_eval`).
    public var evalConfigs: [String: ConfigRecord]
    /// Git provenance.
    public var git: GitRecord
    /// Data files and checksums.
    public var data: [FileRecord]
    /// The host name.
    public var host: String
    /// Hardware.
    public var hardware: HardwareRecord
    /// Child steps in order.
    public var stages: [StageRecord]
    /// Numeric metrics by phase, from the evaluate program's JSON.
    public var metrics: [String: [String: Double]]
    /// Gate outcomes.
    public var gates: [GateRecord]
    /// True when every gate passed (nil until gating ran).
    public var passed: Bool?
    /// Everything that went wrong.
    public var failures: [FailureRecord]

    enum CodingKeys: String, CodingKey {
        case experiment, status, created, updated, config, git, data, host, hardware, stages, metrics, gates, passed, failures
        case schemaVersion = "schema_version"
        case runID = "run_id"
        case evalConfigs = "eval_configs"
    }

    /// Creates a manifest for a new run.
    public init(runID: String, experiment: String, created: String, config: ConfigRecord, evalConfigs: [String: ConfigRecord],
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
    public var totalSeconds: Double { stages.compactMap(\.seconds).reduce(0, +) }

    /// Pretty JSON with sorted keys.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder.forFiles()
        return try encoder.encode(self)
    }

    /// Decodes a manifest, refusing versions newer than this build understands.
    public static func decode(_ data: Data, path: String) throws -> RunManifest {
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
    public static func read(path: String) throws -> RunManifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(path: path, operation: "read manifest", reason: "no such file")
        }
        return try decode(data, path: path)
    }

    /// Writes the manifest atomically to `path`.
    public func write(to path: String) throws {
        try AtomicFile.write(handEncoded() ?? Array(try encoded()), to: path)
    }
}

/// ISO 8601 timestamps in UTC, as manifests store them.
public enum Timestamp {
    /// `2026-11-23T14:10:00.123Z` for `date`.
    public static func string(_ date: Date) -> String {
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
    public static func date(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)) { return date }
        return try? Date(text, strategy: .iso8601)
    }
}
