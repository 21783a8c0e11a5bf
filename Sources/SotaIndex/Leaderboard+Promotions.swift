
/// One promotion of a config to production, as the leaderboard records it.
package struct PromotionRecord: Sendable, Equatable {
    /// The row id.
    package var id: Int64
    /// The run whose gates justified it (empty when forced without a run).
    package var runID: String
    /// The experiment.
    package var experiment: String
    /// The promoted config, relative to the project root.
    package var configPath: String
    /// The production config written, relative to the project root.
    package var productionPath: String
    /// ISO 8601 time.
    package var promotedAt: String
    /// Who promoted (`Name <email>` from git, else the user name).
    package var promotedBy: String?
    /// True when gates were overridden with `--force`.
    package var forced: Bool
    /// Where the replaced production config was kept, if there was one.
    package var previousPath: String?
    /// The commit `--commit` made.
    package var gitCommit: String?
    /// When it was rolled back, if it was.
    package var rolledBackAt: String?
    /// Who rolled it back.
    package var rolledBackBy: String?

    /// Creates a record.
    package init(id: Int64 = 0, runID: String, experiment: String, configPath: String, productionPath: String, promotedAt: String,
                promotedBy: String? = nil, forced: Bool = false, previousPath: String? = nil, gitCommit: String? = nil,
                rolledBackAt: String? = nil, rolledBackBy: String? = nil) {
        self.id = id
        self.runID = runID
        self.experiment = experiment
        self.configPath = configPath
        self.productionPath = productionPath
        self.promotedAt = promotedAt
        self.promotedBy = promotedBy
        self.forced = forced
        self.previousPath = previousPath
        self.gitCommit = gitCommit
        self.rolledBackAt = rolledBackAt
        self.rolledBackBy = rolledBackBy
    }

    /// True while the promotion stands.
    package var isCurrent: Bool { rolledBackAt == nil }

    fileprivate init(row: SQLiteRow) throws {
        // Promotions rolled back before v2 have the flag but no time.
        let rolledBackAt: String? = try row.stored("rolled_back_at") ?? (row.stored("rolled_back", as: Bool.self) ? "" : nil)
        try self.init(id: row.stored("id"), runID: row.stored("run_id"), experiment: row.stored("experiment"), configPath: row.stored("config_path"),
                      productionPath: row.stored("production_path"), promotedAt: row.stored("promoted_at"), promotedBy: row.stored("promoted_by"),
                      forced: row.stored("forced"), previousPath: row.stored("previous_path"), gitCommit: row.stored("git_commit"),
                      rolledBackAt: rolledBackAt, rolledBackBy: row.stored("rolled_back_by"))
    }
}

extension Leaderboard {
    /// Records that `runID`'s config was promoted to production; returns the promotion's id.
    ///
    /// Promotions are not tied to indexed runs and survive ``rebuild(runDirectories:)``.
    ///
    /// - Parameters:
    ///   - promotedAt: ISO 8601 time of the promotion.
    ///   - forced: true when gates were overridden.
    ///   - previousPath: where the config it replaced was moved, if there was one.
    @discardableResult
    package func recordPromotion(runID: String, experiment: String, configPath: String, productionPath: String,
                                promotedAt: String, forced: Bool, previousPath: String?) throws(LeaderboardError) -> Int64 {
        try recordPromotion(PromotionRecord(runID: runID, experiment: experiment, configPath: configPath, productionPath: productionPath,
                                            promotedAt: promotedAt, forced: forced, previousPath: previousPath))
    }

    /// Records `promotion` (its id is ignored); returns the new row's id.
    @discardableResult
    package func recordPromotion(_ promotion: PromotionRecord) throws(LeaderboardError) -> Int64 {
        try write { db in
            try db.execute(sql: """
                INSERT INTO promotions (run_id, experiment, config_path, production_path, promoted_at, promoted_by, forced,
                                        previous_path, git_commit)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [promotion.runID, promotion.experiment, promotion.configPath, promotion.productionPath,
                                 promotion.promotedAt, promotion.promotedBy, promotion.forced, promotion.previousPath, promotion.gitCommit])
            return db.lastInsertedRowID
        }
    }

    /// Adds the promotions of `records` the index lacks, and marks rolled back those the records say were, in `db`'s
    /// transaction; returns how many rows were added.
    ///
    /// A promotion is the same one when its production path and time agree. Records go in oldest first, so row ids
    /// follow promotion times as they do when promotions are recorded one by one (the baseline query breaks ties on
    /// the id). Promotions only the index knows are kept: the files are merged in, never subtracted.
    static func merge(promotions records: [PromotionRecord], into db: SQLiteConnection) throws -> Int {
        var added = 0
        for record in records.sorted(by: { ($0.promotedAt, $0.productionPath) < ($1.promotedAt, $1.productionPath) }) {
            let existing = try db.fetchOne(sql: """
                SELECT id, rolled_back FROM promotions WHERE production_path = ? AND promoted_at = ? ORDER BY id LIMIT 1
                """, arguments: [record.productionPath, record.promotedAt])
            if let existing {
                let id: Int64 = try existing.stored("id"), rolledBack: Bool = try existing.stored("rolled_back")
                if record.rolledBackAt != nil, !rolledBack {
                    try db.execute(sql: "UPDATE promotions SET rolled_back = 1, rolled_back_at = ?, rolled_back_by = ? WHERE id = ?",
                                   arguments: [record.rolledBackAt, record.rolledBackBy, id])
                }
                continue
            }
            try db.execute(sql: """
                INSERT INTO promotions (run_id, experiment, config_path, production_path, promoted_at, promoted_by, forced,
                                        previous_path, git_commit, rolled_back, rolled_back_at, rolled_back_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [record.runID, record.experiment, record.configPath, record.productionPath, record.promotedAt,
                                 record.promotedBy, record.forced, record.previousPath, record.gitCommit, record.rolledBackAt != nil,
                                 record.rolledBackAt, record.rolledBackBy])
            added += 1
        }
        return added
    }

    /// Marks promotion `id` as rolled back, so ``baseline(metric:phase:direction:experiment:)`` looks past it.
    package func markPromotionRolledBack(id: Int64, at time: String? = nil, by person: String? = nil) throws(LeaderboardError) {
        try write { db in
            try db.execute(sql: "UPDATE promotions SET rolled_back = 1, rolled_back_at = ?, rolled_back_by = ? WHERE id = ?",
                           arguments: [time, person, id])
        }
    }

    /// Promotions, newest first: of `experiment`, or to `productionPath`, or all when both are nil.
    package func promotions(experiment: String? = nil, productionPath: String? = nil) throws(LeaderboardError) -> [PromotionRecord] {
        try read { db in
            var conditions: [String] = [], arguments: SQLiteArguments = []
            if let experiment { conditions.append("experiment = ?"); arguments += [experiment] }
            if let productionPath { conditions.append("production_path = ?"); arguments += [productionPath] }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try db.fetchAll(sql: "SELECT * FROM promotions \(filter) ORDER BY id DESC", arguments: arguments)
                .map { try PromotionRecord(row: $0) }
        }
    }

    /// Indexed runs that passed every gate with the config whose canonical hash is `configHash`, newest first.
    package func passingRuns(configHash: String) throws(LeaderboardError) -> [String] {
        try read { db in
            try db.fetchAll(String.self, sql: """
                SELECT run_id FROM runs WHERE config_hash = ? AND passed = 1 ORDER BY created DESC, run_id DESC
                """, arguments: [configHash])
        }
    }
}
