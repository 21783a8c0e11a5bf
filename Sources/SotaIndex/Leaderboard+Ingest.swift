import SotaPlan
import SotaSupport
import SotaRunRecord

extension Leaderboard {
    /// Indexes one run, replacing any earlier rows for its id (re-ingesting is harmless), in one transaction.
    ///
    /// - Parameter manifestPath: where the manifest lives, stored so the run can be found again.
    package func ingest(_ manifest: RunManifest, manifestPath: String) throws(LeaderboardError) {
        try write { db in
            try RunWriter(db.handle).writeOne(IndexedRun(manifest, manifestPath: manifestPath), manifestPath: manifestPath)
        }
    }

    /// Indexes many manifests already in memory, in one transaction.
    ///
    /// Runs already indexed are replaced. When a run id appears twice in `manifests`, the first wins and the
    /// second is reported as a problem.
    package func ingest(_ manifests: [(manifest: RunManifest, manifestPath: String)]) throws(LeaderboardError) -> IngestReport {
        try bulkWrite { db in
            var batch = Batch(try RunWriter(db.handle))
            for (manifest, path) in manifests {
                try batch.write(.success(IndexedRun(manifest, manifestPath: path)), path: path)
            }
            try batch.writer.finish()
            return batch.report
        }
    }

    /// Indexes the runs in `runDirectories`, in one transaction.
    ///
    /// Each directory holds `manifest.json`; a folder of run directories (such as `runs/`) is expanded one level.
    /// Missing or unreadable manifests do not stop the batch: they are listed in ``IngestReport/problems`` while
    /// the rest is indexed. Manifests are parsed on background threads while earlier ones are written.
    package func ingest(runDirectories: [String]) throws(LeaderboardError) -> IngestReport {
        let (paths, problems) = RunDirectoryScanner.manifests(in: runDirectories)
        var report = try bulkWrite { db in
            // A batch larger than the index it joins is cheaper to index by one sort afterwards, as in a rebuild.
            guard paths.count >= Self.sortedIndexThreshold,
                  paths.count > (try db.fetchOne(Int.self, sql: "SELECT count(*) FROM runs") ?? 0)
            else { return try Self.write(paths, into: db) }
            return try Self.withMetricIndexesRebuiltAfter(db) { try Self.write(paths, into: db) }
        }
        report.problems = problems + report.problems
        return report
    }

    /// The batch size from which indexing the metric values by one sort after the inserts beats maintaining the
    /// index row by row.
    static let sortedIndexThreshold = 1000

    /// Drops the indexes on metric and parameter values, runs `body`, and recreates them: values arrive in random order,
    /// so one sort at the end costs less than inserting each into the index at a random place. The other indexes
    /// receive keys nearly in order (by experiment then run id, by stage then finish time) and cost less to
    /// maintain row by row than to rebuild.
    private static func withMetricIndexesRebuiltAfter<T>(_ db: SQLiteConnection, _ body: () throws -> T) throws -> T {
        let indexes = try db.fetchAll(sql: """
            SELECT name, sql FROM sqlite_master
            WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('metrics', 'params')
            ORDER BY name
            """)
        for index in indexes {
            let name: String = try index.stored("name")
            try db.execute(sql: "DROP INDEX \"\(name.replacing("\"", with: "\"\""))\"")
        }
        let result = try body()
        for index in indexes {
            try db.execute(sql: index.stored("sql") as String)
        }
        return result
    }

    /// Replaces every indexed run with the runs in `runDirectories`, and merges `promotions` (as the project's files
    /// record them) into the promotion history, which is otherwise kept.
    ///
    /// Clearing and re-indexing happen in one transaction, so a rebuild that fails leaves the old index intact.
    /// Directories are found as in ``ingest(runDirectories:)``. The index on metric values is dropped while the rows
    /// go in and recreated afterwards, which sorts once instead of inserting into it at random places row by row.
    /// Promotions are merged as ``merge(promotions:into:)`` does, so an index deleted and rebuilt has them back.
    package func rebuild(runDirectories: [String], promotions: [PromotionRecord] = []) throws(LeaderboardError) -> IngestReport {
        let (paths, problems) = RunDirectoryScanner.manifests(in: runDirectories)
        var report = try bulkWrite { db in
            try db.execute(sql: """
                DELETE FROM metrics;
                DELETE FROM stage_timings;
                DELETE FROM gate_outcomes;
                DELETE FROM params;
                DELETE FROM step_metrics;
                DELETE FROM runs;
                """)
            try WorkspaceTables.clear(db)
            try ReportSeriesTables.clear(db)
            var report = try Self.withMetricIndexesRebuiltAfter(db) { try Self.write(paths, into: db) }
            report.promotionsAdded = try Self.merge(promotions: promotions, into: db)
            return report
        }
        report.problems = problems + report.problems
        return report
    }

    /// The names of the indexes on `table`, for checks that a bulk write put them back.
    package func indexNames(on table: String) throws(LeaderboardError) -> [String] {
        try read { db in
            try db.fetchAll(String.self, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
                                arguments: [table])
        }
    }

    /// The columns of `table` as the schema made them, in order, for checks of the writer's column lists.
    package func columnNames(of table: String) throws(LeaderboardError) -> [String] {
        try read { db in try db.fetchAll(String.self, sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [table]) }
    }

    /// The SQL literals (`quote(column)`) of `columns` in the rows of `table` that belong to run `runID` (in no set order),
    /// for checks that each value landed in its own column.
    package func quotedRows(of table: String, columns: [String], runID: String) throws(LeaderboardError) -> [[String]] {
        try read { db in
            let sql = "SELECT " + columns.map { "quote(\($0))" }.joined(with: ", ") + " FROM \(table) WHERE run_id = ?"
            return try db.fetchAll(sql: sql, arguments: [runID]).map { row in
                try columns.indices.map { try row.stored(at: $0, columns[$0], as: String?.self) ?? "" }
            }
        }
    }

    /// The number of runs in the index.
    package func runCount() throws(LeaderboardError) -> Int {
        try read { db in try db.fetchOne(Int.self, sql: "SELECT count(*) FROM runs") ?? 0 }
    }

    /// Loads the manifests at `paths` chunk by chunk and writes them with one set of prepared statements.
    private static func write(_ paths: [String], into db: SQLiteConnection) throws -> IngestReport {
        var batch = Batch(try RunWriter(db.handle))
        var offset = 0
        try ManifestLoader.forEachChunk(paths) { outcomes in
            for (index, outcome) in outcomes.enumerated() {
                try batch.write(outcome, path: paths[offset + index])
            }
            offset += outcomes.count
        }
        try batch.writer.finish()
        return batch.report
    }

    /// One bulk write's progress: what was written, what was not, and which run ids were already seen.
    private struct Batch {
        let writer: RunWriter
        var report = IngestReport(ingested: 0, problems: [])
        var seen: [String: String] = [:]

        init(_ writer: RunWriter) {
            self.writer = writer
        }

        /// Writes a loaded run, or records why it was left out. A repeated run id keeps the first.
        mutating func write(_ outcome: ManifestLoader.Outcome, path: String) throws {
            switch outcome {
            case .failure(let problem):
                report.problems.append(problem)
            case .success(let run):
                if let first = seen.updateValue(path, forKey: run.runID) {
                    seen[run.runID] = first
                    report.problems.append(.init(path: path, reason: "run id `\(run.runID)` is also in \(first), which was indexed instead"))
                    return
                }
                do {
                    try writer.write(run, manifestPath: path)
                } catch let problem as IngestReport.Problem {
                    seen[run.runID] = nil
                    report.problems.append(problem)
                    return
                }
                report.ingested += 1
            }
        }
    }
}
