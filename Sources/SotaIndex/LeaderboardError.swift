import SotaRunRecord

/// Why the leaderboard index could not be opened, read or written.
///
/// Every message names the database file and reads well on its own, e.g.
/// `runs/.sota/leaderboard.sqlite: not a sota leaderboard (it holds tables: users, orders); refusing to touch it`.
package enum LeaderboardError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file exists and is not empty, but is not an SQLite database at all.
    case notADatabase(path: String)
    /// The file is an SQLite database that belongs to something else; it was left untouched.
    case foreignDatabase(path: String, tables: [String])
    /// The file looks like SQLite but SQLite cannot read it (a damaged page, a truncated file).
    case corrupt(path: String, reason: String)
    /// The file, its folder or its lock file could not be created or opened.
    case cannotOpen(path: String, reason: String)
    /// The index was written by a newer sota with migrations this build does not know.
    case newerSchema(path: String, unknownMigrations: [String])
    /// An SQLite error while reading or writing an index that opened fine.
    case sqlite(path: String, message: String)
    /// A `top` limit outside `1...100_000`.
    case invalidLimit(Int)
    /// A manifest sota would never write (a bad run id, an impossible date or duration); nothing was indexed.
    case badManifest(IngestReport.Problem)

    /// The database file the error is about, if any.
    package var path: String? {
        switch self {
        case .notADatabase(let path), .foreignDatabase(let path, _), .corrupt(let path, _), .cannotOpen(let path, _),
             .newerSchema(let path, _), .sqlite(let path, _):
            path
        case .invalidLimit, .badManifest:
            nil
        }
    }

    /// The message, naming the file; reads well on its own.
    package var description: String {
        switch self {
        case .notADatabase(let path):
            "\(path): not an SQLite database; refusing to touch it (move it away, or point the leaderboard elsewhere)"
        case .foreignDatabase(let path, let tables):
            tables.isEmpty
                ? "\(path): not a sota leaderboard (it belongs to another application); refusing to touch it"
                : "\(path): not a sota leaderboard (it holds tables: \(tables.joined(separator: ", "))); refusing to touch it"
        case .corrupt(let path, let reason):
            "\(path): damaged SQLite file (\(reason)); refusing to touch it (if it is the leaderboard, move it away and run `sota leaderboard --rebuild`)"
        case .cannotOpen(let path, let reason):
            "\(path): cannot open the leaderboard: \(reason)"
        case .newerSchema(let path, let unknown):
            "\(path): the leaderboard was written by a newer sota (unknown migrations: \(unknown.joined(separator: ", "))); upgrade sota to use it"
        case .sqlite(let path, let message):
            "\(path): leaderboard database error: \(message)"
        case .invalidLimit(let limit):
            "leaderboard limit must be between 1 and \(Leaderboard.maximumLimit), got \(limit)"
        case .badManifest(let problem):
            "\(problem.path): not indexed: \(problem.reason)"
        }
    }
}
