import GRDB
internal import CSQLite
import SotaSupport
import SotaPlan
import SotaRunRecord

/// Writes runs into the index with statements prepared once per transaction and reused for every run.
///
/// The statements are prepared, bound and stepped through SQLite's C interface: GRDB's statements authorize and
/// track every prepare, and building `StatementArguments` for every row costs several times more than the inserts
/// themselves. Child rows (metrics, stage timings, gate outcomes) are gathered and inserted up to
/// ``MultiRowInsert/maxRows`` per statement, since starting a statement costs more than inserting a row and a
/// rebuild writes hundreds of thousands of rows: call ``finish()`` before the transaction commits. `sota run`
/// writes one run and should not pay for statements it does not use, so all but the run's own INSERT (the
/// multi-row inserts, one per row count, and the statements that replace an indexed run) are prepared on first use.
final class RunWriter {
    /// The columns each table is written with, in binding order: stated once, here, for the INSERTs and the UPDATE.
    /// `RunWriterColumnTests` checks them against the tables ``LeaderboardSchema`` creates, and each list against
    /// the fields of ``IndexedRun`` that fill it.
    enum Columns {
        /// `runs`, `run_id` first (the UPDATE's key).
        static let runs = ["run_id", "experiment", "status", "created", "updated", "config_path", "config_hash", "git_commit", "git_dirty",
                           "host", "gpu_type", "gpu_count", "total_seconds", "passed", "manifest_path", "observed_hardware", "tracker_url"]
        /// `metrics`.
        static let metrics = ["run_id", "phase", "name", "value"]
        /// `stage_timings`.
        static let stageTimings = ["run_id", "position", "stage", "phase", "seconds", "status", "attempts", "finished", "work"]
        /// `gate_outcomes`.
        static let gateOutcomes = ["run_id", "position", "name", "phase", "metric", "direction", "threshold", "value", "baseline",
                                   "baseline_run", "required_improvement", "passed", "reason"]
        /// `params`.
        static let params = ["run_id", "key", "num", "text"]
        /// `step_metrics`.
        static let stepMetrics = ["run_id", "name", "step", "value"]

        /// `?1, ?2, ...` for the columns of `runs`.
        static var runParameters: String { runs.indices.map { "?\($0 + 1)" }.joined(with: ", ") }

        /// `experiment = ?2, ...`: every column of `runs` but its key, for the UPDATE.
        static var runAssignments: String { runs.indices.dropFirst().map { "\(runs[$0]) = ?\($0 + 1)" }.joined(with: ", ") }
    }

    private let connection: OpaquePointer
    private let insertRun: RawStatement
    private let metrics: MultiRowInsert<IndexedRun.Metric>
    private let stages: MultiRowInsert<IndexedRun.Stage>
    private let gates: MultiRowInsert<RunManifest.GateRecord>
    private let params: MultiRowInsert<IndexedRun.Parameter>
    private let steps: MultiRowInsert<(name: String, point: StepHistory.Point)>
    /// Replacing a run already indexed: its row updated, its children deleted.
    private let replaceStatements: LazyStatements

    /// Prepares the run's INSERT on `connection`; use the writer inside one transaction only.
    init(_ connection: OpaquePointer) throws {
        self.connection = connection
        // A new run is one INSERT; a known one (nothing inserted) has its children deleted and its row updated.
        insertRun = try RawStatement(connection, "INSERT INTO runs (\(Columns.runs.joined(with: ", "))) VALUES (\(Columns.runParameters)) "
                                                 + "ON CONFLICT (run_id) DO NOTHING")
        metrics = MultiRowInsert(connection, table: "metrics", columns: Columns.metrics) { row, metric in
            row.bind(metric.phase)
            row.bind(metric.name)
            row.bind(metric.value)
        }
        stages = MultiRowInsert(connection, table: "stage_timings",
                                columns: Columns.stageTimings) { row, stage in
            row.bind(row.position)
            row.bind(stage.name)
            row.bind(stage.phase)
            row.bind(stage.seconds)
            row.bind(stage.status)
            row.bind(stage.attempts)
            row.bind(stage.finished)
            row.bind(stage.work)
        }
        gates = MultiRowInsert(connection, table: "gate_outcomes",
                               columns: Columns.gateOutcomes) { row, gate in
            row.bind(row.position)
            row.bind(gate.name)
            row.bind(gate.phase)
            row.bind(gate.metric)
            row.bind(gate.direction)
            row.bind(gate.threshold)
            row.bind(gate.value)
            row.bind(gate.baseline)
            row.bind(gate.baselineRun)
            row.bind(gate.requiredImprovement)
            row.bind(gate.passed)
            row.bind(gate.reason)
        }
        params = MultiRowInsert(connection, table: "params", columns: Columns.params) { row, parameter in
            row.bind(parameter.key)
            switch parameter.value {
            case .number(let value):
                row.bind(value.isFinite ? value : nil)
                row.bind(nil as String?)
            case .text(let value):
                row.bind(nil as Double?)
                row.bind(value)
            case .flag(let value):
                row.bind(value ? 1.0 : 0.0)
                row.bind(value ? "true" : "false")
            }
        }
        steps = MultiRowInsert(connection, table: "step_metrics", columns: Columns.stepMetrics) { row, entry in
            row.bind(entry.name)
            row.bind(entry.point.step)
            row.bind(entry.point.value)
        }
        replaceStatements = LazyStatements(connection)
    }

    /// Writes one run and all its rows, replacing whatever the index held for its id.
    func writeOne(_ run: IndexedRun, manifestPath: String) throws {
        try write(run, manifestPath: manifestPath)
        try finish()
    }

    /// Writes one run, replacing whatever the index held for its id; its child rows may wait for ``finish()``.
    ///
    /// - Throws: an ``IngestReport/Problem`` before writing anything when the run is not one sota would have
    ///   recorded (see ``IndexedRun/check(manifestPath:)``), else SQLite's errors.
    func write(_ run: IndexedRun, manifestPath: String) throws {
        try run.check(manifestPath: manifestPath)
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
            statement.bind(16, run.observedHardware)
            statement.bind(17, run.trackerURL)
        }
        bindRow(insertRun)
        try insertRun.run()
        if sqlite3_changes(connection) == 0 {
            // Rows still waiting may be this run's (written twice in one batch): they go in before the deletes.
            try finish()
            let replace = try replaceStatements.get()
            for statement in [replace.deleteMetrics, replace.deleteStages, replace.deleteGates, replace.deleteParams, replace.deleteSteps] {
                statement.bind(1, id)
                try statement.run()
            }
            bindRow(replace.updateRun)
            try replace.updateRun.run()
        }
        try metrics.add(run.metrics, of: id)
        try stages.add(run.stages, of: id)
        try gates.add(run.gates, of: id)
        try params.add(run.parameters, of: id)
        for name in run.history.names {
            try steps.add((run.history.series[name] ?? []).map { (name, $0) }, of: id)
        }
    }

    /// Inserts the child rows still waiting; call before the transaction commits.
    func finish() throws {
        try metrics.flush()
        try stages.flush()
        try gates.flush()
        try params.flush()
        try steps.flush()
    }
}

/// Inserts rows into one table, gathered from several runs and written up to ``maxRows`` per statement, with one
/// prepared statement per row count.
private final class MultiRowInsert<Value> {
    /// Rows per statement at most.
    static var maxRows: Int { 32 }

    /// The parameters of one row after its run id, bound column by column in the table's order.
    struct Row {
        fileprivate let statement: RawStatement
        fileprivate var parameter: Int32
        /// The row's position among its run's rows of this table, from 0.
        let position: Int

        mutating func bind(_ value: String) { statement.bind(next(), value) }
        mutating func bind(_ value: String?) { statement.bind(next(), value) }
        mutating func bind(_ value: Double) { statement.bind(next(), value) }
        mutating func bind(_ value: Double?) { statement.bind(next(), value) }
        mutating func bind(_ value: Int) { statement.bind(next(), value) }
        mutating func bind(_ value: Bool) { statement.bind(next(), value) }

        private mutating func next() -> Int32 {
            parameter += 1
            return parameter
        }
    }

    private let connection: OpaquePointer
    private let table: String
    private let columns: [String]
    private let bindRow: (inout Row, Value) -> Void
    private var statements: [Int: RawStatement] = [:]
    private var pending: [(runID: String, position: Int, value: Value)] = []

    /// - Parameter bindRow: binds a row's columns after `run_id`, in order.
    init(_ connection: OpaquePointer, table: String, columns: [String], bindRow: @escaping (inout Row, Value) -> Void) {
        self.connection = connection
        self.table = table
        self.columns = columns
        self.bindRow = bindRow
    }

    /// Queues one row per element of `values` for run `runID`, writing full statements as they fill.
    func add(_ values: [Value], of runID: String) throws {
        for (position, value) in values.enumerated() {
            pending.append((runID, position, value))
        }
        if pending.count >= Self.maxRows { try write(fullOnly: true) }
    }

    /// Writes every waiting row.
    func flush() throws {
        try write(fullOnly: false)
    }

    private func write(fullOnly: Bool) throws {
        var start = 0
        while pending.count - start >= (fullOnly ? Self.maxRows : 1) {
            let count = min(Self.maxRows, pending.count - start)
            let statement = try self.statement(rows: count)
            for offset in 0..<count {
                let (runID, position, value) = pending[start + offset]
                let first = Int32(offset * columns.count) + 1
                statement.bind(first, runID)
                var row = Row(statement: statement, parameter: first, position: position)
                bindRow(&row, value)
                assert(row.parameter == first + Int32(columns.count) - 1, "\(table): a row bound the wrong number of columns")
            }
            try statement.run()
            start += count
        }
        pending.removeFirst(start)
    }

    private func statement(rows: Int) throws -> RawStatement {
        if let statement = statements[rows] { return statement }
        // joined(with:), not the generic joined(separator:): `sota run` prepares these, and the latter's first use
        // in a process costs a runtime lookup.
        let row = "(" + Array(repeating: "?", count: columns.count).joined(with: ", ") + ")"
        let sql = "INSERT INTO \(table) (\(columns.joined(with: ", "))) VALUES " + Array(repeating: row, count: rows).joined(with: ", ")
        let statement = try RawStatement(connection, sql)
        statements[rows] = statement
        return statement
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
        let deleteParams: RawStatement
        let deleteSteps: RawStatement
    }

    private let connection: OpaquePointer
    private var statements: Statements?

    init(_ connection: OpaquePointer) {
        self.connection = connection
    }

    func get() throws -> Statements {
        if let statements { return statements }
        let prepared = Statements(
            updateRun: try RawStatement(connection, "UPDATE runs SET \(RunWriter.Columns.runAssignments) WHERE run_id = ?1"),
            deleteMetrics: try RawStatement(connection, "DELETE FROM metrics WHERE run_id = ?1"),
            deleteStages: try RawStatement(connection, "DELETE FROM stage_timings WHERE run_id = ?1"),
            deleteGates: try RawStatement(connection, "DELETE FROM gate_outcomes WHERE run_id = ?1"),
            deleteParams: try RawStatement(connection, "DELETE FROM params WHERE run_id = ?1"),
            deleteSteps: try RawStatement(connection, "DELETE FROM step_metrics WHERE run_id = ?1")
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
