internal import CSQLite

/// Process-wide SQLite settings, applied once before the first database opens.
package enum SQLiteSetup {
    /// Turns off SQLite's allocation statistics: nothing reads them, and keeping them takes a global mutex around
    /// every allocation, which a bulk ingest makes hundreds of thousands of. Call before any connection opens; a
    /// later call changes nothing.
    package static func configure() {
        _ = sota_sqlite3_disable_memory_statistics()
    }

    /// Makes closing `connection` leave the database file, its WAL and the WAL's index exactly as they are, instead
    /// of checkpointing the WAL into the file and truncating or deleting it, as the last connection's close does.
    ///
    /// For a connection that found the file damaged: sota refuses to touch such a file, and a checkpoint into it
    /// (or a WAL deleted after one) would change the very file the user is told to move aside and keep.
    package static func leaveFilesUntouchedOnClose(_ connection: OpaquePointer) {
        _ = sota_sqlite3_no_checkpoint_on_close(connection)
    }
}
