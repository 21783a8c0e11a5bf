import FoundationEssentials
import Glibc
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
    /// The run's hyperparameters: the resolved config's scalar leaves by key path (`optimizer.lr`), sota's pipeline
    /// keys left out, or the project's declared list. Nil in manifests written before sota recorded them.
    package var parameters: [String: ParameterValue]?
    /// The page of the run in the team's tracker (W&B, MLflow), as a child wrote it into the project's
    /// `tracker_url_file`, credentials removed; nil when none was written.
    package var trackerURL: String?
    /// The file in the run directory where the children wrote metrics step by step (the config's
    /// `training.step_metrics`), once it exists; nil otherwise. The index reads the history from it.
    package var stepMetrics: String?

    /// One parameter's value, as the config holds it.
    package enum ParameterValue: Sendable, Hashable, Codable {
        /// A number (integers included).
        case number(Double)
        /// A string, or a list written as compact JSON.
        case text(String)
        /// A boolean.
        case flag(Bool)

        package init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) {
                self = .flag(flag)
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else {
                self = .text(try container.decode(String.self))
            }
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .number(let value): try container.encode(value)
            case .text(let value): try container.encode(value)
            case .flag(let value): try container.encode(value)
            }
        }

        /// The value as a user reads it: `0.001`, `resnet18`, `true`.
        package var text: String {
            switch self {
            case .number(let value): JSONValue.shortNumber(value)
            case .text(let value): value
            case .flag(let value): value ? "true" : "false"
            }
        }

        /// The number, for comparisons and sorting.
        package var number: Double? {
            if case .number(let value) = self { return value }
            return nil
        }
    }

    enum CodingKeys: String, CodingKey {
        case experiment, status, created, updated, config, git, data, host, hardware, stages, metrics, gates, passed, failures, parameters
        case trackerURL = "tracker_url"
        case stepMetrics = "step_metrics"
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
        self.parameters = nil
        self.trackerURL = nil
        self.stepMetrics = nil
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
        // manifest save, and a run stamps every step. Digits go straight into the 24 bytes: a report writes two
        // stamps for each of thousands of runs.
        let seconds = date.timeIntervalSince1970
        var whole = time_t(seconds.rounded(.down))
        var millis = Int(((seconds - Double(whole)) * 1000).rounded(.down))
        if millis >= 1000 { whole += 1; millis -= 1000 }
        var parts = tm()
        gmtime_r(&whole, &parts)
        let year = Int(parts.tm_year) + 1900
        guard (0...9999).contains(year) else {
            // Outside four digits, the plain form (never written for a real run).
            return "\(year)-\(Int(parts.tm_mon) + 1)-\(parts.tm_mday)T\(parts.tm_hour):\(parts.tm_min):\(parts.tm_sec).\(millis)Z"
        }
        return String(unsafeUninitializedCapacity: 24) { buffer in
            func put(_ value: Int, _ width: Int, at offset: Int) {
                var value = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(truncatingIfNeeded: 48 + value % 10)
                    value /= 10
                }
            }
            put(year, 4, at: 0)
            put(Int(parts.tm_mon) + 1, 2, at: 5)
            put(Int(parts.tm_mday), 2, at: 8)
            put(Int(parts.tm_hour), 2, at: 11)
            put(Int(parts.tm_min), 2, at: 14)
            put(Int(parts.tm_sec), 2, at: 17)
            put(millis, 3, at: 20)
            for (offset, byte) in [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "."), (23, "Z")] as [(Int, Unicode.Scalar)] {
                buffer[offset] = UInt8(ascii: byte)
            }
            return 24
        }
    }

    /// Parses what ``string(_:)`` writes (and plain ISO 8601 without fractions).
    package static func date(_ text: String) -> Date? {
        if let date = exactForm(text) { return date }
        if let date = try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)) { return date }
        return try? Date(text, strategy: .iso8601)
    }

    /// `2026-11-23T14:10:00.123Z`, the form ``string(_:)`` writes, read by hand (Foundation's parser took a tenth of
    /// a weekly report at 100,000 runs); nil for any other form, which the general parsers then read.
    static func exactForm(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            guard bytes.count == 24 else { return nil }
            for (offset, byte) in [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "."), (23, "Z")] as [(Int, Unicode.Scalar)]
                where bytes[offset] != UInt8(ascii: byte) { return nil }
            func number(_ offset: Int, _ width: Int) -> Int? {
                var value = 0
                for index in offset..<(offset + width) {
                    let digit = Int(bytes[index]) - 48
                    guard (0...9).contains(digit) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                  let minute = number(14, 2), let second = number(17, 2), let millis = number(20, 3),
                  (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60, second < 60
            else { return nil }
            // Days from 1970-01-01 to the date (Howard Hinnant's days_from_civil), all small integers.
            let shifted = month <= 2 ? year - 1 : year
            let era = (shifted >= 0 ? shifted : shifted - 399) / 400
            let yearOfEra = shifted - era * 400
            let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            let days = era * 146_097 + dayOfEra - 719_468
            // A stamp names a millisecond, and writing truncates to one: the time read is a microsecond into it, so a
            // rounding error (well under that at any date sota sees) cannot make the same stamp write back as the
            // millisecond before.
            let milliseconds = ((days * 86_400 + hour * 3600 + minute * 60 + second) - 978_307_200) * 1000 + millis
            return Date(timeIntervalSinceReferenceDate: (Double(milliseconds) + 0.001) / 1000)
        }
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
