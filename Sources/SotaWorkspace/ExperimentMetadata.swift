import FoundationEssentials
import SotaSupport
import SotaPlan
import SotaRunRecord

/// `metadata.json` in an experiment folder: what sota knew about the experiment when it last wrote the file.
///
/// Status, runs and best metrics here are a snapshot: commands derive them afresh from the run directories (the
/// truth) and rewrite the snapshot when they change the experiment (create, archive, restore, promote). Written
/// atomically; schema-versioned, and a newer version is refused rather than misread.
package struct ExperimentMetadata: Codable, Sendable, Equatable {
    /// The version this build writes.
    package static let currentSchemaVersion = 1
    /// The file's name inside an experiment folder.
    package static let fileName = "metadata.json"

    /// The config an experiment started from.
    package struct BaseConfig: Codable, Sendable, Equatable {
        /// Its path, relative to the project root.
        package var path: String
        /// Its canonical hash when the experiment was created.
        package var hash: String

        /// Creates a record.
        package init(path: String, hash: String) {
            self.path = path
            self.hash = hash
        }
    }

    /// The best value of one metric and the run that reached it.
    package struct BestMetric: Codable, Sendable, Equatable {
        /// The value.
        package var value: Double
        /// The run.
        package var runID: String

        enum CodingKeys: String, CodingKey {
            case value
            case runID = "run_id"
        }

        /// Creates a record.
        package init(value: Double, runID: String) {
            self.value = value
            self.runID = runID
        }
    }

    /// Git state when the experiment was created (or restored): the same record a run's manifest keeps.
    package typealias GitRecord = RunManifest.GitRecord

    /// One promotion of one of the experiment's runs into production (appended by a promotion): the project's one
    /// promotion record, kept here without the fields the folder implies (see ``PromotionEntry/inExperimentMetadata``).
    package typealias Promotion = PromotionEntry

    /// The schema version.
    package var schemaVersion: Int
    /// The experiment name.
    package var name: String
    /// ISO 8601 creation time.
    package var created: String
    /// The config the experiment started from.
    package var baseConfig: BaseConfig
    /// The canonical hash of the experiment's config when last written by sota.
    package var configHash: String
    /// The lifecycle state derived when sota last wrote this file.
    package var status: String
    /// Run ids, oldest first.
    package var runs: [String]
    /// Best value per metric.
    package var bestMetrics: [String: BestMetric]
    /// ISO 8601 time of the last activity sota saw.
    package var lastActivity: String
    /// Git state at creation.
    package var git: GitRecord
    /// Promotions, oldest first.
    package var promotions: [Promotion]
    /// The archived folder this experiment was restored from, relative to the project root.
    package var restoredFrom: String?
    /// ISO 8601 time of the restore.
    package var restoredAt: String?
    /// ISO 8601 time the experiment was archived, while it is.
    package var archivedAt: String?

    enum CodingKeys: String, CodingKey {
        case name, created, status, runs, git, promotions
        case schemaVersion = "schema_version"
        case baseConfig = "base_config"
        case configHash = "config_hash"
        case bestMetrics = "best_metrics"
        case lastActivity = "last_activity"
        case restoredFrom = "restored_from"
        case restoredAt = "restored_at"
        case archivedAt = "archived_at"
    }

    /// Metadata for a new experiment.
    package init(name: String, created: String, baseConfig: BaseConfig, configHash: String, status: String, git: GitRecord) {
        self.schemaVersion = Self.currentSchemaVersion
        self.name = name
        self.created = created
        self.baseConfig = baseConfig
        self.configHash = configHash
        self.status = status
        self.runs = []
        self.bestMetrics = [:]
        self.lastActivity = created
        self.git = git
        self.promotions = []
        self.restoredFrom = nil
        self.restoredAt = nil
        self.archivedAt = nil
    }

    /// Pretty JSON with sorted keys and a final newline.
    ///
    /// - Throws: `EncodingError` for a number JSON cannot hold (a metric that is infinite or NaN).
    package func encoded() throws -> [UInt8] {
        Array(try JSONEncoder.forFiles().encode(self)) + [UInt8(ascii: "\n")]
    }

    /// Writes the file atomically; a value JSON cannot hold leaves the file as it was.
    package func write(to path: String) throws(WorkspaceError) {
        let bytes: [UInt8]
        do {
            bytes = try encoded()
        } catch {
            throw .file(FileError(path: path, operation: "write", reason: "a value JSON cannot represent (\(error))"))
        }
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw .file(error)
        }
    }

    /// Decodes `bytes` read from `file` (the name used in messages).
    ///
    /// - Throws: ``WorkspaceError/badMetadata(file:line:column:problem:)`` for malformed JSON (with its line and
    ///   column), a missing or mistyped member (with its key path) or a schema version newer than this build's.
    package static func decode(_ bytes: [UInt8], file: String) throws(WorkspaceError) -> ExperimentMetadata {
        let data = Data(bytes)
        // One decode for a good file (a listing reads a thousand); only a refused one is read again, version first,
        // so a newer file is reported as newer rather than by whichever member it renamed.
        if let metadata = try? JSONDecoder().decode(ExperimentMetadata.self, from: data), metadata.schemaVersion <= currentSchemaVersion {
            return metadata
        }
        struct Version: Decodable {
            let schemaVersion: Int?
            enum CodingKeys: String, CodingKey { case schemaVersion = "schema_version" }
        }
        let version: Int?
        do {
            version = try JSONDecoder().decode(Version.self, from: data).schemaVersion
        } catch {
            throw JSONProblem.describe(error, bytes: bytes, file: file)
        }
        guard let version else {
            throw .badMetadata(file: file, line: nil, column: nil, problem: "missing `schema_version`")
        }
        guard version <= currentSchemaVersion else {
            throw .badMetadata(file: file, line: nil, column: nil,
                               problem: "schema_version \(version) is newer than this sota understands (\(currentSchemaVersion)); upgrade sota")
        }
        do {
            return try JSONDecoder().decode(ExperimentMetadata.self, from: data)
        } catch {
            throw JSONProblem.describe(error, bytes: bytes, file: file)
        }
    }

    /// Reads and decodes the file at `path`, shown as `display`.
    package static func read(path: String, display: String) throws(WorkspaceError) -> ExperimentMetadata {
        guard let data = FileManager.default.contents(atPath: path) else {
            let problem = Paths.kind(of: path) == .missing ? "missing; every experiment folder holds one" : "cannot be read"
            throw .badMetadata(file: display, line: nil, column: nil, problem: problem)
        }
        return try decode(Array(data), file: display)
    }
}
