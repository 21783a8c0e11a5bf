internal import CSQLite

/// A schema as a timeline of named migrations, applied in order, each once, each in its own transaction.
///
/// Which migrations a file has applied is recorded in the table `grdb_migrations (identifier TEXT NOT NULL PRIMARY
/// KEY)`, one row per migration. The name is GRDB's: the index was migrated by GRDB's `DatabaseMigrator` until sota
/// dropped that library, and every leaderboard file made since holds its history in that table. Keeping the table,
/// its name and its layout means those files open as up to date, with nothing run again, and a file this code
/// migrates still opens with an older sota (whose check is ``LeaderboardRecorder/isCurrent(_:)`` or GRDB's).
/// Renaming it would need a migration of its own, for no gain.
///
/// Each migration runs as that migrator ran it: when the connection enforces foreign keys, enforcement is off while the
/// migration runs (SQLite's recipe for altering tables), `PRAGMA foreign_key_check` must then find nothing, and
/// enforcement is back on afterwards; the migration and its record commit together in one IMMEDIATE transaction.
struct SQLiteMigrator {
    /// The table that records applied migrations (see the type's documentation for why it keeps GRDB's name).
    static let appliedTable = "grdb_migrations"

    private var registered: [(identifier: String, migrate: (SQLiteConnection) throws -> Void)] = []

    /// A migrator with no migrations.
    init() {}

    /// The identifiers of the registered migrations, in order.
    var migrations: [String] { registered.map(\.identifier) }

    /// Adds the migration `identifier`, run by `migrate`, after those registered before it.
    ///
    /// An identifier registered twice is a mistake in our own schema code, which the schema tests meet at once.
    mutating func registerMigration(_ identifier: String, migrate: @escaping (SQLiteConnection) throws -> Void) {
        precondition(!migrations.contains(identifier), "migration \(identifier) is registered twice")
        registered.append((identifier, migrate))
    }

    /// The identifiers `db` records as applied, unregistered ones (a newer sota's) included; empty for a file never
    /// migrated.
    func appliedIdentifiers(_ db: SQLiteConnection) throws -> Set<String> {
        let tables = try db.fetchOne(Int.self, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
                                     arguments: [Self.appliedTable]) ?? 0
        guard tables > 0 else { return [] }
        return Set(try db.fetchAll(String.self, sql: "SELECT identifier FROM \(Self.appliedTable)"))
    }

    /// Whether every registered migration is applied, in order from the first: the file needs nothing run.
    func hasCompletedMigrations(_ db: SQLiteConnection) throws -> Bool {
        let applied = try appliedIdentifiers(db)
        return registered.allSatisfy { applied.contains($0.identifier) }
    }

    /// Runs every registered migration `db` has not applied, in registration order, each in its own transaction.
    ///
    /// Call outside a transaction: the foreign-key pragma does nothing inside one. A migration that fails is rolled
    /// back with its record, and the ones after it do not run.
    func migrate(_ db: SQLiteConnection) throws {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS \(Self.appliedTable) (identifier TEXT NOT NULL PRIMARY KEY)")
        let applied = try appliedIdentifiers(db)
        for (identifier, migrate) in registered where !applied.contains(identifier) {
            if try db.fetchOne(Bool.self, sql: "PRAGMA foreign_keys") ?? false {
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                do {
                    try run(identifier, migrate, db, checkingForeignKeys: true)
                } catch {
                    try? db.execute(sql: "PRAGMA foreign_keys = ON")
                    throw error
                }
                try db.execute(sql: "PRAGMA foreign_keys = ON")
            } else {
                try run(identifier, migrate, db, checkingForeignKeys: false)
            }
        }
    }

    private func run(_ identifier: String, _ migrate: (SQLiteConnection) throws -> Void, _ db: SQLiteConnection,
                     checkingForeignKeys: Bool) throws {
        try db.transaction(.immediate) {
            try migrate(db)
            try db.execute(sql: "INSERT INTO \(Self.appliedTable) (identifier) VALUES (?)", arguments: [identifier])
            if checkingForeignKeys, try db.fetchCursor(sql: "PRAGMA foreign_key_check").next() != nil {
                throw SQLiteError(code: SQLITE_CONSTRAINT, message: "FOREIGN KEY constraint failed after migration \(identifier)")
            }
        }
    }
}
