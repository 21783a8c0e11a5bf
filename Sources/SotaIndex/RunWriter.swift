internal import CSQLite
import SotaSupport
import SotaPlan
import SotaRunRecord

/// Writes runs into the index with statements prepared once per transaction and reused for every run.
///
/// The statements are bound value by value with ``SQLiteStatement``'s typed `bind` calls: building
/// ``SQLiteArguments`` (an array of enum values) for every row costs several times more than the inserts
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
    private let insertRun: SQLiteStatement
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
        insertRun = try SQLiteStatement(connection: connection, sql: "INSERT INTO runs (\(Columns.runs.joined(with: ", "))) VALUES (\(Columns.runParameters)) "
                                                      + "ON CONFLICT (run_id) DO NOTHING", persistent: true)
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
        func bindRow(_ statement: SQLiteStatement) {
            statement.bind(id, at: 1)
            statement.bind(run.experiment, at: 2)
            statement.bind(run.status, at: 3)
            statement.bind(run.created, at: 4)
            statement.bind(run.updated, at: 5)
            statement.bind(run.configPath, at: 6)
            statement.bind(run.configHash, at: 7)
            statement.bind(run.gitCommit, at: 8)
            statement.bind(run.gitDirty, at: 9)
            statement.bind(run.host, at: 10)
            statement.bind(run.gpuType, at: 11)
            statement.bind(run.gpuCount, at: 12)
            statement.bind(run.totalSeconds, at: 13)
            statement.bind(run.passed, at: 14)
            statement.bind(manifestPath, at: 15)
            statement.bind(run.observedHardware, at: 16)
            statement.bind(run.trackerURL, at: 17)
        }
        bindRow(insertRun)
        try insertRun.execute()
        if sqlite3_changes(connection) == 0 {
            // Rows still waiting may be this run's (written twice in one batch): they go in before the deletes.
            try finish()
            let replace = try replaceStatements.get()
            for statement in [replace.deleteMetrics, replace.deleteStages, replace.deleteGates, replace.deleteParams, replace.deleteSteps] {
                statement.bind(id, at: 1)
                try statement.execute()
            }
            bindRow(replace.updateRun)
            try replace.updateRun.execute()
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
        fileprivate let statement: SQLiteStatement
        fileprivate var parameter: Int32
        /// The row's position among its run's rows of this table, from 0.
        let position: Int

        mutating func bind(_ value: String) { statement.bind(value, at: next()) }
        mutating func bind(_ value: String?) { statement.bind(value, at: next()) }
        mutating func bind(_ value: Double) { statement.bind(value, at: next()) }
        mutating func bind(_ value: Double?) { statement.bind(value, at: next()) }
        mutating func bind(_ value: Int) { statement.bind(value, at: next()) }
        mutating func bind(_ value: Bool) { statement.bind(value, at: next()) }

        private mutating func next() -> Int32 {
            parameter += 1
            return parameter
        }
    }

    private let connection: OpaquePointer
    private let table: String
    private let columns: [String]
    private let bindRow: (inout Row, Value) -> Void
    private var statements: [Int: SQLiteStatement] = [:]
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
                statement.bind(runID, at: first)
                var row = Row(statement: statement, parameter: first, position: position)
                bindRow(&row, value)
                assert(row.parameter == first + Int32(columns.count) - 1, "\(table): a row bound the wrong number of columns")
            }
            try statement.execute()
            start += count
        }
        pending.removeFirst(start)
    }

    private func statement(rows: Int) throws -> SQLiteStatement {
        if let statement = statements[rows] { return statement }
        // joined(with:), not the generic joined(separator:): `sota run` prepares these, and the latter's first use
        // in a process costs a runtime lookup.
        let row = "(" + Array(repeating: "?", count: columns.count).joined(with: ", ") + ")"
        let sql = "INSERT INTO \(table) (\(columns.joined(with: ", "))) VALUES " + Array(repeating: row, count: rows).joined(with: ", ")
        let statement = try SQLiteStatement(connection: connection, sql: sql, persistent: true)
        statements[rows] = statement
        return statement
    }
}

/// The statements that replace a run already indexed, prepared the first time one is needed.
private final class LazyStatements {
    /// The update of the run's row and the deletes of its children.
    struct Statements {
        let updateRun: SQLiteStatement
        let deleteMetrics: SQLiteStatement
        let deleteStages: SQLiteStatement
        let deleteGates: SQLiteStatement
        let deleteParams: SQLiteStatement
        let deleteSteps: SQLiteStatement
    }

    private let connection: OpaquePointer
    private var statements: Statements?

    init(_ connection: OpaquePointer) {
        self.connection = connection
    }

    func get() throws -> Statements {
        if let statements { return statements }
        let prepared = Statements(
            updateRun: try SQLiteStatement(connection: connection, sql: "UPDATE runs SET \(RunWriter.Columns.runAssignments) WHERE run_id = ?1", persistent: true),
            deleteMetrics: try SQLiteStatement(connection: connection, sql: "DELETE FROM metrics WHERE run_id = ?1", persistent: true),
            deleteStages: try SQLiteStatement(connection: connection, sql: "DELETE FROM stage_timings WHERE run_id = ?1", persistent: true),
            deleteGates: try SQLiteStatement(connection: connection, sql: "DELETE FROM gate_outcomes WHERE run_id = ?1", persistent: true),
            deleteParams: try SQLiteStatement(connection: connection, sql: "DELETE FROM params WHERE run_id = ?1", persistent: true),
            deleteSteps: try SQLiteStatement(connection: connection, sql: "DELETE FROM step_metrics WHERE run_id = ?1", persistent: true)
        )
        statements = prepared
        return prepared
    }
}
