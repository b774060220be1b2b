#include <sqlite3.h>

/// `sqlite3_config` is variadic, which Swift cannot call: how large a statement journal grows in
/// memory before SQLite moves it to a temporary file.
static inline int tabula_sqlite3_statement_journal_spill(int bytes) {
    return sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, bytes);
}

/// Whether SQLite counts the memory it allocates. Counting takes one process-wide mutex on every
/// allocation and free, which the server's writer and readers then contend for.
static inline int tabula_sqlite3_memory_status(int on) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, on);
}
