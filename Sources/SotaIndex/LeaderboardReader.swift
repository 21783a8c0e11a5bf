internal import CSQLite
import SotaRunRecord
import SotaSupport

/// `sota leaderboard`'s ranking read through SQLite's C interface: the raw path's one reader, beside the recorder.
///
/// Opening the full ``Leaderboard`` (the file inspection, the lock file, the set-up pragmas and the migrator's
/// check) cost a fresh process about 4–5 ms with the SQLite library sota used before, as much as the `sqlite3` CLI takes for the
/// whole answer at 100,000 runs; the top-N query itself takes well under a millisecond. `bench/leaderboard_top.sh`
/// holds `sota leaderboard --top 10` to 2× the CLI, and this path opens nothing it does not need. The reader serves only a file the full leaderboard would read without
/// a word and without changing it: a sota leaderboard with exactly this build's migrations
/// (``LeaderboardRecorder/isCurrent(_:)``, from ``LeaderboardSchema``). Anything else, and any SQLite error or value
/// of an unexpected type, yields nil, and the caller opens ``Leaderboard``, which sets up, migrates or reports.
package enum LeaderboardReader {
    /// The best `query.limit` rows of the file at `path`, ranked from 1, or nil when the file is not served here.
    package static func top(path: String, _ query: LeaderboardTopQuery) -> [LeaderboardRow]? {
        top(path: path) { _ in query }
    }

    /// As ``top(path:_:)``, the query chosen once the file is open: `plan` gets a counter that runs a count statement
    /// (SQL, text arguments) on it (see ``LeaderboardTopQuery/choosingPlan(metric:phase:direction:limit:experiment:conditions:count:)``).
    package static func top(path: String, plan: ((String, [String]) -> Int?) -> LeaderboardTopQuery?) -> [LeaderboardRow]? {
        guard Paths.kind(of: path) == .file else { return nil }
        var opened: OpaquePointer?
        guard sqlite3_open_v2(path, &opened, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, nil) == SQLITE_OK,
              let connection = opened else {
            sqlite3_close_v2(opened)
            return nil
        }
        defer { sqlite3_close_v2(connection) }
        sqlite3_busy_timeout(connection, Int32(Leaderboard.busyTimeout * 1000))
        guard LeaderboardRecorder.isCurrent(connection) else { return nil }
        guard let query = plan({ sql, arguments in count(sql, arguments, connection) }) else { return nil }
        var prepared: OpaquePointer?
        guard sqlite3_prepare_v2(connection, query.sql, -1, &prepared, nil) == SQLITE_OK, let statement = prepared else {
            sqlite3_finalize(prepared)
            return nil
        }
        defer { sqlite3_finalize(statement) }
        for (index, argument) in query.arguments.enumerated() {
            guard sqlite3_bind_text(statement, Int32(index + 1), argument, -1, transient) == SQLITE_OK else { return nil }
        }
        var rows: [LeaderboardRow] = []
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW:
                guard let row = row(statement, rank: rows.count + 1) else { return nil }
                rows.append(row)
            case SQLITE_DONE:
                return parameters(of: rows, connection)
            default:
                return nil
            }
        }
    }

    /// The integer a one-row statement answers; nil on any error.
    private static func count(_ sql: String, _ arguments: [String], _ connection: OpaquePointer) -> Int? {
        var prepared: OpaquePointer?
        guard sqlite3_prepare_v2(connection, sql, -1, &prepared, nil) == SQLITE_OK, let statement = prepared else {
            sqlite3_finalize(prepared)
            return nil
        }
        defer { sqlite3_finalize(statement) }
        for (index, argument) in arguments.enumerated() {
            guard sqlite3_bind_text(statement, Int32(index + 1), argument, -1, transient) == SQLITE_OK else { return nil }
        }
        guard sqlite3_step(statement) == SQLITE_ROW, sqlite3_column_type(statement, 0) == SQLITE_INTEGER else { return nil }
        return Int(sqlite3_column_int64(statement, 0))
    }

    /// `rows` with their hyperparameters, read with one statement per 500 rows; nil on any error.
    private static func parameters(of rows: [LeaderboardRow], _ connection: OpaquePointer) -> [LeaderboardRow]? {
        var rows = rows
        var positions: [String: Int] = [:]
        for (position, row) in rows.enumerated() where positions[row.runID] == nil { positions[row.runID] = position }
        for start in stride(from: 0, to: rows.count, by: 500) {
            let ids = rows[start..<min(rows.count, start + 500)].map { $0.runID }
            var prepared: OpaquePointer?
            guard sqlite3_prepare_v2(connection, LeaderboardTopQuery.parametersSQL(count: ids.count), -1, &prepared, nil) == SQLITE_OK,
                  let statement = prepared else {
                sqlite3_finalize(prepared)
                return nil
            }
            defer { sqlite3_finalize(statement) }
            for (index, id) in ids.enumerated() {
                guard sqlite3_bind_text(statement, Int32(index + 1), id, -1, transient) == SQLITE_OK else { return nil }
            }
            while true {
                let code = sqlite3_step(statement)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW, let id = text(statement, 0), let key = text(statement, 1), let position = positions[id] else { return nil }
                let number = sqlite3_column_type(statement, 2) == SQLITE_NULL ? nil : real(statement, 2)
                let value = sqlite3_column_type(statement, 3) == SQLITE_NULL ? nil : text(statement, 3)
                rows[position].parameters[key] = RunManifest.ParameterValue.stored(number: number, text: value)
            }
        }
        return rows
    }

    /// One result row in ``LeaderboardTopQuery/columns`` order. The full leaderboard refuses values of the wrong
    /// storage class (``Row/stored(_:)``), so a row holding one is not served here either.
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
        var gitCommit: String?, gpuType: String?, trackerURL: String?
        if sqlite3_column_type(statement, 10) != SQLITE_NULL {
            guard let url = text(statement, 10) else { return nil }
            trackerURL = url
        }
        if sqlite3_column_type(statement, 7) != SQLITE_NULL {
            guard let commit = text(statement, 7) else { return nil }
            gitCommit = commit
        }
        if sqlite3_column_type(statement, 8) != SQLITE_NULL {
            guard let gpu = text(statement, 8) else { return nil }
            gpuType = gpu
        }
        var row = LeaderboardRow(rank: rank, runID: runID, experiment: experiment, value: value, status: status, passed: passed,
                                 created: created, configHash: configHash, gitCommit: gitCommit, gpuType: gpuType,
                                 totalSeconds: totalSeconds)
        row.trackerURL = trackerURL
        return row
    }

    /// A TEXT column, decoded as ``SQLiteStatement/value(at:)`` decodes it (up to the first NUL, invalid UTF-8 repaired).
    private static func text(_ statement: OpaquePointer, _ column: Int32) -> String? {
        guard sqlite3_column_type(statement, column) == SQLITE_TEXT, let bytes = sqlite3_column_text(statement, column) else {
            return nil
        }
        return String(cString: bytes)
    }

    /// A REAL column; an INTEGER one as a double, as the full leaderboard reads a metric stored whole.
    private static func real(_ statement: OpaquePointer, _ column: Int32) -> Double? {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_FLOAT: sqlite3_column_double(statement, column)
        case SQLITE_INTEGER: Double(sqlite3_column_int64(statement, column))
        default: nil
        }
    }

    /// `SQLITE_TRANSIENT`, which Swift cannot import: SQLite copies bound text before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
