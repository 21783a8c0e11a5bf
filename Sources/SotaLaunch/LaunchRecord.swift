import FoundationEssentials
import SotaSupport

/// `runs/<id>/launch.json`: what `sota launch` rented for a run, so `sota status` and `sota cancel` can find it.
///
/// Holds names of the environment variables sent to the instance, never their values.
package struct LaunchRecord: Sendable, Equatable, Codable, LaunchRecordFile {
    /// The file name inside the run directory.
    package static let fileName = "launch.json"
    /// The schema this build writes and reads.
    package static let currentSchema = 1
    /// What the record is, for messages.
    package static let recordKind = "launch record"

    /// The schema version.
    package var schemaVersion: Int
    /// Where the run went: `vast`.
    package var backend: String
    /// The run id the instance uses.
    package var runID: String
    /// When the instance was created (ISO 8601).
    package var created: String
    /// The training config, relative to the project root.
    package var config: String
    /// The `--set` overrides.
    package var overrides: [String]
    /// The repository the instance clones.
    package var repository: String
    /// The commit it checks out.
    package var commit: String
    /// Where it uploads the run directory (as `<results>/<run id>/`).
    package var results: String
    /// The Vast API server.
    package var apiURL: String
    /// The rented instance.
    package var instanceID: Int
    /// The offer it was rented from.
    package var offerID: Int
    /// The GPU model.
    package var gpuName: String
    /// GPUs in the instance.
    package var gpuCount: Int
    /// The offer's total price per hour in USD.
    package var pricePerHour: Double
    /// What the instance does at the end: none, stop or destroy.
    package var shutdown: String
    /// The script kept beside this file.
    package var script: String
    /// Whether the instance got the script itself or its compressed stub.
    package var scriptEncoding: String
    /// Names of the environment variables given to the instance.
    package var environment: [String]
    /// When `sota cancel` destroyed the instance, if it did.
    package var cancelled: String?
    /// Where the instance got sota (a download URL, or the uploaded copy under the results location); nil when it
    /// built sota or ran `launch.install` (and in records older than this field).
    package var sotaBinary: String?
    /// That binary's SHA-256, which the script checked before running it.
    package var sotaBinarySHA256: String?

    /// Creates a record.
    package init(runID: String, created: String, config: String, overrides: [String], repository: String, commit: String,
                results: String, apiURL: String, instanceID: Int, offer: VastOffer, shutdown: String, script: String,
                scriptEncoding: String, environment: [String]) {
        schemaVersion = Self.currentSchema
        backend = "vast"
        self.runID = runID
        self.created = created
        self.config = config
        self.overrides = overrides
        self.repository = repository
        self.commit = commit
        self.results = results
        self.apiURL = apiURL
        self.instanceID = instanceID
        offerID = offer.id
        gpuName = offer.gpuName
        gpuCount = offer.gpuCount
        pricePerHour = offer.pricePerHour
        self.shutdown = shutdown
        self.script = script
        self.scriptEncoding = scriptEncoding
        self.environment = environment
        cancelled = nil
    }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", backend, runID = "run_id", created, config, overrides, repository, commit
        case results, apiURL = "api_url", instanceID = "instance_id", offerID = "offer_id", gpuName = "gpu_name"
        case gpuCount = "num_gpus", pricePerHour = "dph_total", shutdown, script, scriptEncoding = "script_encoding"
        case environment, cancelled, sotaBinary = "sota_binary", sotaBinarySHA256 = "sota_binary_sha256"
    }
}

/// A `launch.json` kind: schema-versioned JSON, written atomically, never holding secrets.
package protocol LaunchRecordFile: Codable {
    /// The schema version the record was written with.
    var schemaVersion: Int { get }
    /// What the record is, for messages: "launch record", "Slurm launch record".
    static var recordKind: String { get }
}

extension LaunchRecordFile {
    /// The record as pretty JSON with sorted keys.
    ///
    /// - Throws: `EncodingError` for a number JSON cannot hold (an infinite price, say, from a hostile API answer).
    package func encoded() throws -> String {
        String(decoding: try JSONEncoder.forFiles().encode(self), as: UTF8.self) + "\n"
    }

    /// Writes the record atomically to `path`.
    package func write(to path: String) throws(FileError) {
        let text: String
        do {
            text = try encoded()
        } catch {
            throw FileError(path: path, operation: "write", reason: "the \(Self.recordKind) holds a value JSON cannot represent (\(error))")
        }
        try AtomicFile.write(text, to: path)
    }

    /// Reads a record, refusing schemas newer than this build's.
    package static func read(path: String) throws -> Self {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(path: path, operation: "read", reason: "no such file")
        }
        let record: Self
        do {
            record = try JSONDecoder().decode(Self.self, from: data)
        } catch {
            throw FileError(path: path, operation: "read", reason: "not a \(recordKind) (\(error))")
        }
        guard record.schemaVersion <= LaunchRecord.currentSchema else {
            throw FileError(path: path, operation: "read", reason: "schema \(record.schemaVersion) is newer than this sota reads (\(LaunchRecord.currentSchema))")
        }
        return record
    }
}
