import GRDB

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
    public func recordPromotion(runID: String, experiment: String, configPath: String, productionPath: String,
                                promotedAt: String, forced: Bool, previousPath: String?) throws(LeaderboardError) -> Int64 {
        try write { db in
            try db.execute(sql: """
                INSERT INTO promotions (run_id, experiment, config_path, production_path, promoted_at, forced, previous_path)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [runID, experiment, configPath, productionPath, promotedAt, forced, previousPath])
            return db.lastInsertedRowID
        }
    }

    /// Marks promotion `id` as rolled back, so ``baseline(metric:phase:direction:experiment:)`` looks past it.
    public func markPromotionRolledBack(id: Int64) throws(LeaderboardError) {
        try write { db in
            try db.execute(sql: "UPDATE promotions SET rolled_back = 1 WHERE id = ?", arguments: [id])
        }
    }
}
