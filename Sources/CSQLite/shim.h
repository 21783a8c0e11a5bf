#include <sqlite3.h>

/// Turns off SQLite's memory statistics, which take a global mutex around every allocation; must run before the
/// library initializes (the first open). Returns SQLITE_MISUSE, harmlessly, when it is too late.
static inline int sota_sqlite3_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
