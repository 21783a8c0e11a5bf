import FoundationEssentials
import Glibc
import SotaSupport

/// `sweep.json`: what a sweep expected, what completed, what failed and why. Written atomically as runs finish.
package struct SweepManifest: Codable, Sendable, Equatable {

    /// One run's line.
    package struct Entry: Codable, Sendable, Equatable {
        /// The run id.
        package var runID: String
        /// The training config.
        package var config: String
        /// Overrides applied.
        package var overrides: [String]
        /// The device it ran on.
        package var device: String
        /// pending, running, succeeded, rejected, failed or interrupted.
        package var status: String
        /// `sota run`'s exit status, once finished.
        package var exitStatus: Int32?
        /// Why it did not pass, when it did not.
        package var reason: String?

        /// Creates an entry.
        package init(runID: String, config: String, overrides: [String], device: String, status: String, exitStatus: Int32?, reason: String?) {
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
    package var schemaVersion = 1
    /// The sweep id.
    package var sweepID: String
    /// ISO 8601 creation time.
    package var created: String
    /// Runs expected.
    package var expected: Int
    /// Runs that finished (passed or rejected by a gate).
    package var completed: Int
    /// Runs that failed or were interrupted.
    package var failed: Int
    /// Every run.
    package var runs: [Entry]

    enum CodingKeys: String, CodingKey {
        case created, expected, completed, failed, runs
        case schemaVersion = "schema_version"
        case sweepID = "sweep_id"
    }

    /// Creates the manifest of a sweep whose runs are `runs`, all pending.
    package init(sweepID: String, created: String, runs: [Entry]) {
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
    package static func read(path: String) throws -> SweepManifest {
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
    package func write(to path: String) throws {
        let encoder = JSONEncoder.forFiles()
        try AtomicFile.write(Array(try encoder.encode(self)), to: path)
    }
}
