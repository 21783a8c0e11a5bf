internal import Glibc
import SotaSupport

/// What a would-be leaderboard file holds, judged without writing a byte to it.
///
/// The leaderboard never switches journal modes, sets pragmas or migrates before this says the file is new or
/// already a leaderboard, so a stray or damaged file is reported and left exactly as it was.
enum DatabaseFileInspection: Equatable {
    /// Missing, empty, or an SQLite file with no tables and no application id: safe to set up.
    case new
    /// An SQLite file carrying the leaderboard's application id.
    case leaderboard

    /// The SQLite header's first 16 bytes.
    private static let magic = Array("SQLite format 3\0".utf8)

    /// Inspects the file at `path`.
    ///
    /// - Throws: `.notADatabase`, `.foreignDatabase` or `.corrupt` for files the leaderboard must not touch,
    ///   `.cannotOpen` when the file cannot be read at all.
    static func inspect(path: String) throws(LeaderboardError) -> DatabaseFileInspection {
        switch Paths.kind(of: path) {
        case .missing: return .new
        case .file: break
        case .directory: throw .cannotOpen(path: path, reason: "it is a directory")
        case .brokenLink: throw .cannotOpen(path: path, reason: "it is a symbolic link to a missing file")
        case .other: throw .cannotOpen(path: path, reason: "it is not a regular file")
        }
        let header = try readHeader(path: path)
        if header.isEmpty { return .new }
        guard header.count >= 100, Array(header.prefix(16)) == magic else { throw .notADatabase(path: path) }
        // The header's copy of `PRAGMA application_id` (big-endian at offset 68). A WAL that has not been
        // checkpointed yet may hold a newer page 1, so anything but our id is settled by asking SQLite.
        let applicationID = header[68...71].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        if Int32(bitPattern: applicationID) == LeaderboardSchema.applicationID { return .leaderboard }
        return try inspectWithSQLite(path: path)
    }

    private static func readHeader(path: String) throws(LeaderboardError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 100)
        var filled = 0
        while filled < buffer.count {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
            if count == 0 { break }
            filled += count
        }
        return Array(buffer.prefix(filled))
    }

    /// Opens the file read-only and reads its application id and table names.
    private static func inspectWithSQLite(path: String) throws(LeaderboardError) -> DatabaseFileInspection {
        var options = SQLiteConnection.Options()
        options.readOnly = true
        options.busyTimeout = Leaderboard.busyTimeout
        let (applicationID, tables): (Int32, [String])
        do {
            let connection = try SQLiteConnection(path: path, options: options)
            defer { connection.close() }
            (applicationID, tables) = try connection.transaction(.deferred) {
                let id = try connection.fetchOne(Int32.self, sql: "PRAGMA application_id") ?? 0
                let names = try connection.fetchAll(String.self, sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name
                    """)
                return (id, names)
            }
        } catch {
            throw Leaderboard.translate(error, path: path)
        }
        if applicationID == LeaderboardSchema.applicationID { return .leaderboard }
        if applicationID == 0, tables.isEmpty { return .new }
        throw .foreignDatabase(path: path, tables: tables)
    }
}
