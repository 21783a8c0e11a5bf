import GRDB

/// Writes manifests into the index with statements prepared once per transaction and reused for every run.
struct RunWriter {
    private let db: Database
    private let insertRun: Statement
    private let updateRun: Statement
    private let deleteMetrics: Statement
    private let deleteStages: Statement
    private let deleteGates: Statement
    private let insertMetric: Statement
    private let insertStage: Statement
    private let insertGate: Statement

    /// Prepares the statements on `db`; use the writer inside that transaction only.
    init(_ db: Database) throws {
        self.db = db
        // A new run is one INSERT; a known one (nothing inserted) has its children deleted and its row updated.
        insertRun = try db.makeStatement(sql: """
            INSERT INTO runs (run_id, experiment, status, created, updated, config_path, config_hash, git_commit, git_dirty,
                              host, gpu_type, gpu_count, total_seconds, passed, manifest_path)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
            ON CONFLICT (run_id) DO NOTHING
            """)
        updateRun = try db.makeStatement(sql: """
            UPDATE runs SET experiment = ?2, status = ?3, created = ?4, updated = ?5, config_path = ?6, config_hash = ?7,
                            git_commit = ?8, git_dirty = ?9, host = ?10, gpu_type = ?11, gpu_count = ?12,
                            total_seconds = ?13, passed = ?14, manifest_path = ?15
            WHERE run_id = ?1
            """)
        deleteMetrics = try db.makeStatement(sql: "DELETE FROM metrics WHERE run_id = ?")
        deleteStages = try db.makeStatement(sql: "DELETE FROM stage_timings WHERE run_id = ?")
        deleteGates = try db.makeStatement(sql: "DELETE FROM gate_outcomes WHERE run_id = ?")
        insertMetric = try db.makeStatement(sql: "INSERT INTO metrics (run_id, phase, name, value) VALUES (?, ?, ?, ?)")
        insertStage = try db.makeStatement(sql: """
            INSERT INTO stage_timings (run_id, position, stage, phase, seconds, status, attempts, finished)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertGate = try db.makeStatement(sql: """
            INSERT INTO gate_outcomes (run_id, position, name, phase, metric, direction, threshold, value, baseline,
                                       baseline_run, required_improvement, passed, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    /// Writes one run, replacing whatever the index held for its id.
    func write(_ run: IndexedRun, manifestPath: String) throws {
        // Arguments as concrete `DatabaseValue`s: building them from existentials costs more than the inserts.
        let key = run.runID.databaseValue
        let row: [DatabaseValue] = [
            key, run.experiment.databaseValue, run.status.databaseValue, run.created.databaseValue,
            run.updated.databaseValue, run.configPath.databaseValue, run.configHash.databaseValue,
            run.gitCommit.databaseValue, run.gitDirty.databaseValue, run.host.databaseValue, run.gpuType.databaseValue,
            run.gpuCount.databaseValue, run.totalSeconds.databaseValue, run.passed.databaseValue, manifestPath.databaseValue,
        ]
        try execute(insertRun, row)
        if db.changesCount == 0 {
            try execute(deleteMetrics, [key])
            try execute(deleteStages, [key])
            try execute(deleteGates, [key])
            try execute(updateRun, row)
        }
        for metric in run.metrics {
            try execute(insertMetric, [
                key, metric.phase.databaseValue, metric.name.databaseValue, metric.value.databaseValue,
            ])
        }
        for (position, stage) in run.stages.enumerated() {
            try execute(insertStage, [
                key, position.databaseValue, stage.name.databaseValue, stage.phase.databaseValue, stage.seconds.databaseValue,
                stage.status.databaseValue, stage.attempts.databaseValue, stage.finished.databaseValue,
            ])
        }
        for (position, gate) in run.gates.enumerated() {
            try execute(insertGate, [
                key, position.databaseValue, gate.name.databaseValue, gate.phase.databaseValue, gate.metric.databaseValue,
                gate.direction.databaseValue, gate.threshold.databaseValue, gate.value.databaseValue,
                gate.baseline.databaseValue, gate.baselineRun.databaseValue, gate.requiredImprovement.databaseValue,
                gate.passed.databaseValue, gate.reason.databaseValue,
            ])
        }
    }

    /// Binds `values` to `statement` and runs it.
    private func execute(_ statement: Statement, _ values: [DatabaseValue]) throws {
        statement.setUncheckedArguments(StatementArguments(values))
        try statement.execute()
    }
}
