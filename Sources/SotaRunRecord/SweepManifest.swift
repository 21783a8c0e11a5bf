import Foundation
import SotaSupport

/// `sweep.json`: what a sweep expected, what completed, what failed and why. Written atomically as runs finish.
public struct SweepManifest: Codable, Sendable, Equatable {

    /// One run's line.
    public struct Entry: Codable, Sendable, Equatable {
        /// The run id.
        public var runID: String
        /// The training config.
        public var config: String
        /// Overrides applied.
        public var overrides: [String]
        /// The device it ran on.
        public var device: String
        /// pending, running, succeeded, rejected, failed or interrupted.
        public var status: String
        /// `sota run`'s exit status, once finished.
        public var exitStatus: Int32?
        /// Why it did not pass, when it did not.
        public var reason: String?

        /// Creates an entry.
        public init(runID: String, config: String, overrides: [String], device: String, status: String, exitStatus: Int32?, reason: String?) {
            self.runID = runID
            self.config = config
            self.overrides = overrides
            self.device = device
            self.status = status
            self.exitStatus = exitStatus
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey {
            case config, overrides, device, status, reason
            case runID = "run_id"
            case exitStatus = "exit_status"
        }
    }

    /// The manifest's schema version.
    public var schemaVersion = 1
    /// The sweep id.
    public var sweepID: String
    /// ISO 8601 creation time.
    public var created: String
    /// Runs expected.
    public var expected: Int
    /// Runs that finished (passed or rejected by a gate).
    public var completed: Int
    /// Runs that failed or were interrupted.
    public var failed: Int
    /// Every run.
    public var runs: [Entry]

    enum CodingKeys: String, CodingKey {
        case created, expected, completed, failed, runs
        case schemaVersion = "schema_version"
        case sweepID = "sweep_id"
    }

    /// Creates the manifest of a sweep whose runs are `runs`, all pending.
    public init(sweepID: String, created: String, runs: [Entry]) {
        self.sweepID = sweepID
        self.created = created
        self.expected = runs.count
        self.completed = 0
        self.failed = 0
        self.runs = runs
    }

    /// Reads `sweep.json`.
    ///
    /// - Throws: `FileError` when it cannot be read, `JSONProblem`-style `DecodingError` text naming the file when it is
    ///   not a sweep manifest.
    public static func read(path: String) throws -> SweepManifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(path: path, operation: "read", errno: errno)
        }
        do {
            return try JSONDecoder().decode(SweepManifest.self, from: data)
        } catch {
            throw FileError(path: path, operation: "read", reason: "not a sweep manifest (\(error))")
        }
    }

    /// Writes the manifest atomically.
    public func write(to path: String) throws {
        let encoder = JSONEncoder.forFiles()
        try AtomicFile.write(Array(try encoder.encode(self)), to: path)
    }
}
