import GRDB
import SotaPlan

extension Leaderboard {
    /// Indexes one run, replacing any earlier rows for its id (re-ingesting is harmless), in one transaction.
    ///
    /// - Parameter manifestPath: where the manifest lives, stored so the run can be found again.
    public func ingest(_ manifest: RunManifest, manifestPath: String) throws(LeaderboardError) {
        try write { db in
            try RunWriter(db).write(IndexedRun(manifest), manifestPath: manifestPath)
        }
    }

    /// Indexes many manifests already in memory, in one transaction.
    ///
    /// Runs already indexed are replaced. When a run id appears twice in `manifests`, the first wins and the
    /// second is reported as a problem.
    public func ingest(_ manifests: [(manifest: RunManifest, manifestPath: String)]) throws(LeaderboardError) -> IngestReport {
        try write { db in
            try Self.write(manifests.map { .success((IndexedRun($0.manifest), $0.manifestPath)) }, into: db)
        }
    }

    /// Indexes the runs in `runDirectories`, in one transaction.
    ///
    /// Each directory holds `manifest.json`; a folder of run directories (such as `runs/`) is expanded one level.
    /// Missing or unreadable manifests do not stop the batch: they are listed in ``IngestReport/problems`` while
    /// the rest is indexed. Manifests are decoded in parallel before the write transaction starts.
    public func ingest(runDirectories: [String]) throws(LeaderboardError) -> IngestReport {
        let (loaded, problems) = Self.load(runDirectories)
        var report = try write { db in try Self.write(loaded, into: db) }
        report.problems = problems + report.problems
        return report
    }

    /// Replaces every indexed run with the runs in `runDirectories`, keeping the promotion history.
    ///
    /// Clearing and re-indexing happen in one transaction, so a rebuild that fails leaves the old index intact.
    /// Directories are found as in ``ingest(runDirectories:)``.
    public func rebuild(runDirectories: [String]) throws(LeaderboardError) -> IngestReport {
        let (loaded, problems) = Self.load(runDirectories)
        var report = try write { db in
            try db.execute(sql: """
                DELETE FROM metrics;
                DELETE FROM stage_timings;
                DELETE FROM gate_outcomes;
                DELETE FROM runs;
                """)
            return try Self.write(loaded, into: db)
        }
        report.problems = problems + report.problems
        return report
    }

    /// The number of runs in the index.
    public func runCount() throws(LeaderboardError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM runs") ?? 0 }
    }

    private typealias Loaded = Result<(run: IndexedRun, manifestPath: String), IngestReport.Problem>

    /// Finds and decodes the manifests of `runDirectories`, outside any transaction.
    private static func load(_ runDirectories: [String]) -> (loaded: [Loaded], problems: [IngestReport.Problem]) {
        let (paths, problems) = RunDirectories.manifests(in: runDirectories)
        let loaded = zip(paths, ManifestLoader.load(paths)).map { path, outcome -> Loaded in
            outcome.map { (run: $0, manifestPath: path) }
        }
        return (loaded, problems)
    }

    /// Writes every loaded manifest with one set of prepared statements; failures become problems.
    private static func write(_ loaded: [Loaded], into db: Database) throws -> IngestReport {
        let writer = try RunWriter(db)
        var seen: [String: String] = [:]
        var report = IngestReport(ingested: 0, problems: [])
        for entry in loaded {
            switch entry {
            case .failure(let problem):
                report.problems.append(problem)
            case .success(let (run, path)):
                if let first = seen[run.runID] {
                    report.problems.append(.init(path: path, reason: "run id `\(run.runID)` is also in \(first), which was indexed instead"))
                    continue
                }
                seen[run.runID] = path
                try writer.write(run, manifestPath: path)
                report.ingested += 1
            }
        }
        return report
    }
}
