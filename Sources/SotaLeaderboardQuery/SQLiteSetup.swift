internal import CSQLite

/// Process-wide SQLite settings, applied once before the first database opens.
public enum SQLiteSetup {
    /// Turns off SQLite's allocation statistics: nothing reads them, and keeping them takes a global mutex around
    /// every allocation, which a bulk ingest makes hundreds of thousands of. Call before any connection opens; a
    /// later call changes nothing.
    public static func configure() {
        _ = sota_sqlite3_disable_memory_statistics()
    }
}
