import GRDB
import GRDBSQLite

/// Writes runs into the index with statements prepared once per transaction and reused for every run.
///
/// The statements are prepared, bound and stepped through SQLite's C interface: GRDB's statements authorize and
/// track every prepare, and building `StatementArguments` for every row costs several times more than the inserts
/// themselves. A rebuild writes hundreds of thousands of rows; `sota run` writes one run and should not pay for
/// the statements only a re-indexed run needs, so those are prepared on first use.
struct RunWriter {
    private let connection: OpaquePointer
    private let insertRun: RawStatement
    private let insertMetric: RawStatement
    private let insertStage: RawStatement
    private let insertGate: RawStatement
    /// Replacing a run already indexed: its row updated, its children deleted.
    private let replaceStatements: LazyStatements

    /// Prepares the statements on `connection`; use the writer inside one transaction only.
    init(_ connection: OpaquePointer) throws {
        self.connection = connection
        // A new run is one INSERT; a known one (nothing inserted) has its children deleted and its row updated.
        insertRun = try RawStatement(connection, """
            INSERT INTO runs (run_id, experiment, status, created, updated, config_path, config_hash, git_commit, git_dirty,
                              host, gpu_type, gpu_count, total_seconds, passed, manifest_path)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
            ON CONFLICT (run_id) DO NOTHING
            """)
        insertMetric = try RawStatement(connection, "INSERT INTO metrics (run_id, phase, name, value) VALUES (?1, ?2, ?3, ?4)")
        insertStage = try RawStatement(connection, """
            INSERT INTO stage_timings (run_id, position, stage, phase, seconds, status, attempts, finished, work)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            """)
        insertGate = try RawStatement(connection, """
            INSERT INTO gate_outcomes (run_id, position, name, phase, metric, direction, threshold, value, baseline,
                                       baseline_run, required_improvement, passed, reason)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
            """)
        replaceStatements = LazyStatements(connection)
    }

    /// Writes one run, replacing whatever the index held for its id.
    func write(_ run: IndexedRun, manifestPath: String) throws {
        let id = run.runID
        func bindRow(_ statement: RawStatement) {
            statement.bind(1, id)
            statement.bind(2, run.experiment)
            statement.bind(3, run.status)
            statement.bind(4, run.created)
            statement.bind(5, run.updated)
            statement.bind(6, run.configPath)
            statement.bind(7, run.configHash)
            statement.bind(8, run.gitCommit)
            statement.bind(9, run.gitDirty)
            statement.bind(10, run.host)
            statement.bind(11, run.gpuType)
            statement.bind(12, run.gpuCount)
            statement.bind(13, run.totalSeconds)
            statement.bind(14, run.passed)
            statement.bind(15, manifestPath)
        }
        bindRow(insertRun)
        try insertRun.run()
        if sqlite3_changes(connection) == 0 {
            let replace = try replaceStatements.get()
            for statement in [replace.deleteMetrics, replace.deleteStages, replace.deleteGates] {
                statement.bind(1, id)
                try statement.run()
            }
            bindRow(replace.updateRun)
            try replace.updateRun.run()
        }
        for metric in run.metrics {
            insertMetric.bind(1, id)
            insertMetric.bind(2, metric.phase)
            insertMetric.bind(3, metric.name)
            insertMetric.bind(4, metric.value)
            try insertMetric.run()
        }
        for (position, stage) in run.stages.enumerated() {
            insertStage.bind(1, id)
            insertStage.bind(2, position)
            insertStage.bind(3, stage.name)
            insertStage.bind(4, stage.phase)
            insertStage.bind(5, stage.seconds)
            insertStage.bind(6, stage.status)
            insertStage.bind(7, stage.attempts)
            insertStage.bind(8, stage.finished)
            insertStage.bind(9, stage.work)
            try insertStage.run()
        }
        for (position, gate) in run.gates.enumerated() {
            insertGate.bind(1, id)
            insertGate.bind(2, position)
            insertGate.bind(3, gate.name)
            insertGate.bind(4, gate.phase)
            insertGate.bind(5, gate.metric)
            insertGate.bind(6, gate.direction)
            insertGate.bind(7, gate.threshold)
            insertGate.bind(8, gate.value)
            insertGate.bind(9, gate.baseline)
            insertGate.bind(10, gate.baselineRun)
            insertGate.bind(11, gate.requiredImprovement)
            insertGate.bind(12, gate.passed)
            insertGate.bind(13, gate.reason)
            try insertGate.run()
        }
    }
}

/// The statements that replace a run already indexed, prepared the first time one is needed.
private final class LazyStatements {
    /// The update of the run's row and the deletes of its children.
    struct Statements {
        let updateRun: RawStatement
        let deleteMetrics: RawStatement
        let deleteStages: RawStatement
        let deleteGates: RawStatement
    }

    private let connection: OpaquePointer
    private var statements: Statements?

    init(_ connection: OpaquePointer) {
        self.connection = connection
    }

    func get() throws -> Statements {
        if let statements { return statements }
        let prepared = Statements(
            updateRun: try RawStatement(connection, """
                UPDATE runs SET experiment = ?2, status = ?3, created = ?4, updated = ?5, config_path = ?6, config_hash = ?7,
                                git_commit = ?8, git_dirty = ?9, host = ?10, gpu_type = ?11, gpu_count = ?12,
                                total_seconds = ?13, passed = ?14, manifest_path = ?15
                WHERE run_id = ?1
                """),
            deleteMetrics: try RawStatement(connection, "DELETE FROM metrics WHERE run_id = ?1"),
            deleteStages: try RawStatement(connection, "DELETE FROM stage_timings WHERE run_id = ?1"),
            deleteGates: try RawStatement(connection, "DELETE FROM gate_outcomes WHERE run_id = ?1")
        )
        statements = prepared
        return prepared
    }
}

/// A statement driven through SQLite's C interface: bind by index, run to completion, reset; finalized with its
/// last reference, so it must not outlive its connection (a writer lives inside one transaction).
private final class RawStatement {
    private let handle: OpaquePointer
    private let sql: String

    /// SQLite copies the bound bytes (`SQLITE_TRANSIENT`), so Swift strings need not outlive the call.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ connection: OpaquePointer, _ sql: String) throws {
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard code == SQLITE_OK, let handle else {
            sqlite3_finalize(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        self.handle = handle
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    func bind(_ index: Int32, _ value: String) {
        var value = value
        value.withUTF8 { _ = sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
    }

    func bind(_ index: Int32, _ value: String?) {
        if let value { bind(index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: Double) {
        // NaN would be stored as NULL; callers keep non-finite metric values out.
        sqlite3_bind_double(handle, index, value)
    }

    func bind(_ index: Int32, _ value: Double?) {
        if let value, !value.isNaN { bind(index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: Int) {
        sqlite3_bind_int64(handle, index, Int64(value))
    }

    func bind(_ index: Int32, _ value: Bool) {
        sqlite3_bind_int64(handle, index, value ? 1 : 0)
    }

    func bind(_ index: Int32, _ value: Bool?) {
        if let value { bind(index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Steps the statement to completion and resets it; bindings are overwritten by the next use.
    func run() throws {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
        }
    }
}
