import FoundationEssentials
import SotaSupport

/// `experiments-archive/.archive-journal.json`: the moves an archive or restore is about to make, written before
/// the first one so that a process killed half-way can be finished by the next command.
///
/// Each move is a single rename(2) within one file system, so an experiment is always in exactly one of its two
/// places; the journal only records which moves remain to be made.
package struct ArchiveJournal: Codable, Sendable, Equatable {
    /// The journal's file name inside `experiments-archive/`.
    package static let fileName = ".archive-journal.json"
    /// The version this build writes.
    package static let currentSchemaVersion = 1

    /// What a move does to the experiment besides moving it.
    package enum Operation: String, Codable, Sendable {
        /// Into `experiments-archive/`: metadata gets status `archived` and `archived_at`.
        case archive
        /// Back into `experiments/` under a new day: metadata gets `restored_from` and `restored_at`.
        case restore
    }

    /// One folder to move.
    package struct Move: Codable, Sendable, Equatable {
        /// The experiment's name.
        package var name: String
        /// Where it is, relative to the project root.
        package var from: String
        /// Where it goes, relative to the project root.
        package var to: String

        /// Creates a move.
        package init(name: String, from: String, to: String) {
            self.name = name
            self.from = from
            self.to = to
        }
    }

    /// The schema version.
    package var schemaVersion: Int
    /// Archive or restore.
    package var operation: Operation
    /// ISO 8601 time the operation started; the time recorded in every moved experiment's metadata.
    package var started: String
    /// The moves, in order.
    package var moves: [Move]

    enum CodingKeys: String, CodingKey {
        case operation, started, moves
        case schemaVersion = "schema_version"
    }

    /// Creates a journal.
    package init(operation: Operation, started: String, moves: [Move]) {
        self.schemaVersion = Self.currentSchemaVersion
        self.operation = operation
        self.started = started
        self.moves = moves
    }

    /// Pretty JSON with sorted keys.
    package func encoded() -> [UInt8] {
        let encoder = JSONEncoder.forFiles()
        return Array((try? encoder.encode(self)) ?? Data()) + [UInt8(ascii: "\n")]
    }

    /// Reads the journal at `path`; nil when there is none.
    ///
    /// - Throws: ``WorkspaceError/badMetadata(file:line:column:problem:)`` when it cannot be decoded.
    package static func read(path: String, display: String) throws(WorkspaceError) -> ArchiveJournal? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            let journal = try JSONDecoder().decode(ArchiveJournal.self, from: data)
            guard journal.schemaVersion <= currentSchemaVersion else {
                throw WorkspaceError.badMetadata(file: display, line: nil, column: nil,
                                                 problem: "schema_version \(journal.schemaVersion) is newer than this sota understands")
            }
            return journal
        } catch let error as WorkspaceError {
            throw error
        } catch {
            throw JSONProblem.describe(error, bytes: Array(data), file: display)
        }
    }
}
