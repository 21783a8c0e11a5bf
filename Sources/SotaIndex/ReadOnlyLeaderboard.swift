import SotaSupport
internal import CSQLite
internal import Glibc

/// A leaderboard file opened read-only through SQLite's C API, for the fast path of `sota leaderboard`.
///
/// It serves only files the full command would open without a word and without changing anything the output
/// depends on: a sota leaderboard (its application id) whose applied migrations are exactly the ones this build
/// knows. Every other situation — and any SQLite error — yields nil, and the full command takes over to set the
/// file up or report the problem.
package struct ReadOnlyLeaderboard: ~Copyable {
    /// `PRAGMA application_id` of every leaderboard file: the bytes `sota`.
    static let applicationID: Int64 = 0x736F_7461
    /// The GRDB migrations a current leaderboard has applied; a file with others is migrated (or refused) by the
    /// full command. It must list `LeaderboardSchema.migrator`'s migrations; `QuickLeaderboardTests` checks that a
    /// file the full command creates is served here.
    static let knownMigrations = ["v1", "v2", "v3", WorkspaceTables.migrationID]

    private let connection: OpaquePointer

    /// Opens `path` read-only; nil when it is missing, not a current sota leaderboard, or SQLite fails.
    init?(path: String) {
        guard Paths.kind(of: path) == .file else { return nil }
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK,
              let handle else {
            sqlite3_close_v2(handle)
            return nil
        }
        // The full command waits up to a minute for a busy database; so does this reader.
        sqlite3_busy_timeout(handle, 60_000)
        guard Self.isCurrent(handle) else {
            sqlite3_close_v2(handle)
            return nil
        }
        connection = handle
    }

    /// Whether `connection` holds a current sota leaderboard: its application id, and exactly the migrations
    /// this build knows. `LeaderboardRecorder` asks the same before it writes without GRDB.
    package static func isCurrent(_ connection: OpaquePointer) -> Bool {
        guard let identifier = integer(connection, "PRAGMA application_id"), identifier == applicationID,
              let migrations = strings(connection, "SELECT identifier FROM grdb_migrations") else { return false }
        return migrations.sorted() == knownMigrations.sorted()
    }

    deinit { sqlite3_close_v2(connection) }

    /// The rows of `query`, ranked from 1; nil on any SQLite error or a value of an unexpected type.
    func rows(_ query: LeaderboardTopQuery) -> [LeaderboardRow]? {
        guard let statement = Self.prepare(connection, query.sql) else { return nil }
        defer { sqlite3_finalize(statement) }
        for index in 0..<query.arguments.count {
            guard sqlite3_bind_text(statement, Int32(index + 1), query.arguments[index], -1, Self.transient) == SQLITE_OK else {
                return nil
            }
        }
        var rows: [LeaderboardRow] = []
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW:
                guard let row = Self.row(statement, rank: rows.count + 1) else { return nil }
                rows.append(row)
            case SQLITE_DONE:
                return rows
            default:
                return nil
            }
        }
    }

    /// One result row in ``LeaderboardTopQuery/columns`` order. GRDB, which the full command reads with, refuses
    /// values of the wrong storage class, so a row holding one is not served here either.
    private static func row(_ statement: OpaquePointer, rank: Int) -> LeaderboardRow? {
        guard let runID = text(statement, 0), let experiment = text(statement, 1), let value = real(statement, 2),
              let status = text(statement, 3), let created = text(statement, 5), let configHash = text(statement, 6),
              let totalSeconds = real(statement, 9) else { return nil }
        let passed: Bool?
        switch sqlite3_column_type(statement, 4) {
        case SQLITE_NULL: passed = nil
        case SQLITE_INTEGER: passed = sqlite3_column_int64(statement, 4) != 0
        default: return nil
        }
        var gitCommit: String?, gpuType: String?
        if sqlite3_column_type(statement, 7) != SQLITE_NULL {
            guard let commit = text(statement, 7) else { return nil }
            gitCommit = commit
        }
        if sqlite3_column_type(statement, 8) != SQLITE_NULL {
            guard let gpu = text(statement, 8) else { return nil }
            gpuType = gpu
        }
        return LeaderboardRow(rank: rank, runID: runID, experiment: experiment, value: value, status: status, passed: passed,
                              created: created, configHash: configHash, gitCommit: gitCommit, gpuType: gpuType,
                              totalSeconds: totalSeconds)
    }

    /// A TEXT column, decoded as GRDB decodes it (up to the first NUL, invalid UTF-8 repaired).
    private static func text(_ statement: OpaquePointer, _ column: Int32) -> String? {
        guard sqlite3_column_type(statement, column) == SQLITE_TEXT, let bytes = sqlite3_column_text(statement, column) else {
            return nil
        }
        return String(cString: bytes)
    }

    /// A REAL or INTEGER column as a double.
    private static func real(_ statement: OpaquePointer, _ column: Int32) -> Double? {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_FLOAT: sqlite3_column_double(statement, column)
        case SQLITE_INTEGER: Double(sqlite3_column_int64(statement, column))
        default: nil
        }
    }

    /// The first column of the only row of `sql`, as an integer.
    private static func integer(_ connection: OpaquePointer, _ sql: String) -> Int64? {
        guard let statement = prepare(connection, sql) else { return nil }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW, sqlite3_column_type(statement, 0) == SQLITE_INTEGER else { return nil }
        return sqlite3_column_int64(statement, 0)
    }

    /// The first column of every row of `sql`, as text; nil when the query fails or a value is not text.
    package static func strings(_ connection: OpaquePointer, _ sql: String) -> [String]? {
        guard let statement = prepare(connection, sql) else { return nil }
        defer { sqlite3_finalize(statement) }
        var values: [String] = []
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW:
                guard let value = text(statement, 0) else { return nil }
                values.append(value)
            case SQLITE_DONE:
                return values
            default:
                return nil
            }
        }
    }

    private static func prepare(_ connection: OpaquePointer, _ sql: String) -> OpaquePointer? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(connection, sql, -1, &statement, nil) == SQLITE_OK else {
            sqlite3_finalize(statement)
            return nil
        }
        return statement
    }

    /// `SQLITE_TRANSIENT`, which Swift cannot import: SQLite copies bound text before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
