import GRDB
import SotaPlan

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
    /// Non-finite metric values are left out: they cannot be ranked.
    func write(_ manifest: RunManifest, manifestPath: String, mayExist: Bool = true) throws {
        let id = manifest.runID
        if mayExist, try Int.fetchOne(exists, arguments: [id]) != nil {
            try deleteMetrics.execute(arguments: [id])
            try deleteStages.execute(arguments: [id])
            try deleteGates.execute(arguments: [id])
        }
        upsertRun.setUncheckedArguments([
            id, manifest.experiment, manifest.status.rawValue, manifest.created, manifest.updated,
            manifest.config.path, manifest.config.hash, manifest.git.commit, manifest.git.dirty,
            manifest.host, manifest.hardware.gpuType, manifest.hardware.gpuCount, manifest.totalSeconds,
            manifest.passed, manifestPath,
        ])
        try upsertRun.execute()
        for (phase, values) in manifest.metrics {
            for (name, value) in values where value.isFinite {
                insertMetric.setUncheckedArguments([id, phase, name, value])
                try insertMetric.execute()
            }
        }
        for (position, stage) in manifest.stages.enumerated() {
            insertStage.setUncheckedArguments([
                id, position, stage.name, stage.phase, stage.seconds, stage.status.rawValue, stage.attempts, stage.finished,
            ])
            try insertStage.execute()
        }
        for (position, gate) in manifest.gates.enumerated() {
            insertGate.setUncheckedArguments([
                id, position, gate.name, gate.phase, gate.metric, gate.direction, gate.threshold, gate.value,
                gate.baseline, gate.baselineRun, gate.requiredImprovement, gate.passed, gate.reason,
            ])
            try insertGate.execute()
        }
    }
}
