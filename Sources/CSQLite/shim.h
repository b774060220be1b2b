#include <sqlite3.h>

/// `sqlite3_config` is variadic, which Swift cannot call: the one setting Tabula makes, how large
/// a statement journal grows in memory before SQLite moves it to a temporary file.
static inline int tabula_sqlite3_statement_journal_spill(int bytes) {
    return sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, bytes);
}
