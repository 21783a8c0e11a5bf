#include <sqlite3.h>

/// Turns off SQLite's memory statistics, which take a global mutex around every allocation; must run before the
/// library initializes (the first open). Returns SQLITE_MISUSE, harmlessly, when it is too late.
static inline int sota_sqlite3_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/// Keeps this connection's close from checkpointing the WAL into the database file and truncating or deleting the
/// WAL and its index: for a connection that found the file damaged, which must be left exactly as it was.
/// (`sqlite3_db_config` is variadic, which Swift cannot call.)
static inline int sota_sqlite3_no_checkpoint_on_close(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)0);
}

/// Makes double-quoted text an identifier only, never a string literal, in both DDL and DML, so a misspelt column
/// name is an error instead of silently becoming a string (SQLite's documented "double-quoted string literal"
/// misfeature). The index has always been opened this way (its earlier SQLite library did it by default).
/// (`sqlite3_db_config` is variadic, which Swift cannot call.)
static inline void sota_sqlite3_disable_double_quoted_strings(sqlite3 *db) {
    sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)0);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, (int *)0);
}
