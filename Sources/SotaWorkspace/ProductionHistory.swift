import FoundationEssentials
import Glibc
import SotaSupport

/// `<production folder>/.previous/promotions.json`: every promotion into that folder and its rollback, beside the
/// configs the promotions replaced.
///
/// The file is the truth the leaderboard's `promotions` table is rebuilt from, together with the experiments'
/// `metadata.json` (which records only promotions of experiment configs). It is read, changed and written
/// atomically under an exclusive `flock` on the `.previous/` folder, so two promotions at once both land.
package struct ProductionHistory: Sendable {
    /// The file's name inside `.previous/`.
    package static let fileName = "promotions.json"
    /// The folder, inside a production folder, where replaced configs and this history are kept.
    package static let folderName = ".previous"
    /// The version this build writes.
    package static let currentSchemaVersion = 1

    /// One promotion as the file keeps it: the project's one promotion record, with its experiment and config.
    package typealias Entry = PromotionEntry

    private struct File: Codable {
        var schemaVersion: Int
        var promotions: [Entry]

        enum CodingKeys: String, CodingKey {
            case promotions
            case schemaVersion = "schema_version"
        }
    }

    /// The production folder (absolute).
    package var productionFolder: String
    /// The project root, for the paths messages show.
    package var projectRoot: String

    /// The history of `productionFolder`.
    package init(productionFolder: String, projectRoot: String) {
        self.productionFolder = productionFolder
        self.projectRoot = projectRoot
    }

    /// The file's absolute path.
    package var path: String { Paths.join(productionFolder, "\(Self.folderName)/\(Self.fileName)") }
    private var display: String { Paths.relative(path, to: projectRoot) }

    /// The promotions recorded, oldest first; empty when there is no file.
    ///
    /// - Throws: ``WorkspaceError/badMetadata(file:line:column:problem:)`` when the file cannot be read as a history.
    package func entries() throws(WorkspaceError) -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        do {
            let file = try JSONDecoder().decode(File.self, from: data)
            guard file.schemaVersion <= Self.currentSchemaVersion else {
                throw WorkspaceError.badMetadata(file: display, line: nil, column: nil,
                                                 problem: "schema_version \(file.schemaVersion) is newer than this sota understands")
            }
            // Unlike an experiment's metadata, the history names each promotion's experiment and config.
            if let index = file.promotions.firstIndex(where: { $0.experiment == nil || $0.config == nil }) {
                throw WorkspaceError.badMetadata(file: display, line: nil, column: nil,
                                                 problem: "promotions[\(index)] has no `experiment` or `config`")
            }
            return file.promotions
        } catch let error as WorkspaceError {
            throw error
        } catch {
            throw JSONProblem.describe(error, bytes: Array(data), file: display)
        }
    }

    /// Appends `entry`.
    package func append(_ entry: Entry) throws(WorkspaceError) {
        try update { $0.append(entry) }
    }

    /// Marks the last standing promotion to `destination` made at `promotedAt` (else the last standing one to
    /// `destination`) as rolled back; false when the history holds no such promotion.
    @discardableResult
    package func markRolledBack(destination: String, promotedAt: String, at time: String, by person: String?) throws(WorkspaceError) -> Bool {
        var found = false
        try update { entries in
            guard let index = entries.lastIndex(where: { $0.destination == destination && $0.at == promotedAt && $0.rolledBackAt == nil })
                ?? entries.lastIndex(where: { $0.destination == destination && $0.rolledBackAt == nil })
            else { return }
            entries[index].rolledBackAt = time
            entries[index].rolledBackBy = person
            found = true
        }
        return found
    }

    /// Reads, changes and writes the file under the `.previous/` folder's lock.
    private func update(_ change: (inout [Entry]) -> Void) throws(WorkspaceError) {
        let folder = Paths.parent(of: path)
        do {
            try OwnedFolder.prepare(folder, display: Paths.relative(folder, to: projectRoot))
        } catch {
            throw .file(error)
        }
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .file(FileError(path: display, operation: "lock", errno: errno)) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw .file(FileError(path: display, operation: "lock", errno: errno)) }
        }
        defer { flock(fd, LOCK_UN) }
        var entries = try entries()
        change(&entries)
        let encoder = JSONEncoder.forFiles()
        let bytes = Array((try? encoder.encode(File(schemaVersion: Self.currentSchemaVersion, promotions: entries))) ?? Data()) + [UInt8(ascii: "\n")]
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw .file(error)
        }
    }
}
