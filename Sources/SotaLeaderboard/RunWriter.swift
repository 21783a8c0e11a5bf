import GRDB

/// Writes manifests into the index with statements prepared once per transaction and reused for every run.
struct RunWriter {
    private let exists: Statement
    private let deleteMetrics: Statement
    private let deleteStages: Statement
    private let deleteGates: Statement
    private let upsertRun: Statement
    private let insertMetric: Statement
    private let insertStage: Statement
    private let insertGate: Statement

    /// Prepares the statements on `db`; use the writer inside that transaction only.
    init(_ db: Database) throws {
        exists = try db.makeStatement(sql: "SELECT 1 FROM runs WHERE run_id = ?")
        deleteMetrics = try db.makeStatement(sql: "DELETE FROM metrics WHERE run_id = ?")
        deleteStages = try db.makeStatement(sql: "DELETE FROM stage_timings WHERE run_id = ?")
        deleteGates = try db.makeStatement(sql: "DELETE FROM gate_outcomes WHERE run_id = ?")
        upsertRun = try db.makeStatement(sql: """
            INSERT INTO runs (run_id, experiment, status, created, updated, config_path, config_hash, git_commit, git_dirty,
                              host, gpu_type, gpu_count, total_seconds, passed, manifest_path)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (run_id) DO UPDATE SET
                experiment = excluded.experiment, status = excluded.status, created = excluded.created,
                updated = excluded.updated, config_path = excluded.config_path, config_hash = excluded.config_hash,
                git_commit = excluded.git_commit, git_dirty = excluded.git_dirty, host = excluded.host,
                gpu_type = excluded.gpu_type, gpu_count = excluded.gpu_count, total_seconds = excluded.total_seconds,
                passed = excluded.passed, manifest_path = excluded.manifest_path
            """)
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
    ///
    /// - Parameter mayExist: false when the caller knows the run is absent (a rebuild), which skips the lookup.
    func write(_ run: IndexedRun, manifestPath: String, mayExist: Bool = true) throws {
        let id = run.runID
        if mayExist, try Int.fetchOne(exists, arguments: [id]) != nil {
            try deleteMetrics.execute(arguments: [id])
            try deleteStages.execute(arguments: [id])
            try deleteGates.execute(arguments: [id])
        }
        upsertRun.setUncheckedArguments([
            id, run.experiment, run.status, run.created, run.updated, run.configPath, run.configHash, run.gitCommit,
            run.gitDirty, run.host, run.gpuType, run.gpuCount, run.totalSeconds, run.passed, manifestPath,
        ])
        try upsertRun.execute()
        for metric in run.metrics {
            insertMetric.setUncheckedArguments([id, metric.phase, metric.name, metric.value])
            try insertMetric.execute()
        }
        for (position, stage) in run.stages.enumerated() {
            insertStage.setUncheckedArguments([
                id, position, stage.name, stage.phase, stage.seconds, stage.status, stage.attempts, stage.finished,
            ])
            try insertStage.execute()
        }
        for (position, gate) in run.gates.enumerated() {
            insertGate.setUncheckedArguments([
                id, position, gate.name, gate.phase, gate.metric, gate.direction, gate.threshold, gate.value,
                gate.baseline, gate.baselineRun, gate.requiredImprovement, gate.passed, gate.reason,
            ])
            try insertGate.execute()
        }
    }
}
