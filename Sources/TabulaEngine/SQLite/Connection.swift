import CSQLite

/// How a connection opens its file.
package enum OpenMode: Sendable {
    /// Read only; the file must exist.
    case readOnly
    /// Read and write; the file must exist.
    case readWrite
    /// Read and write, creating the file when it does not exist.
    case create

    var flags: Int32 {
        switch self {
        case .readOnly: return SQLITE_OPEN_READONLY
        case .readWrite: return SQLITE_OPEN_READWRITE
        case .create: return SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        }
    }
}

/// How `BEGIN` takes its locks (https://sqlite.org/lang_transaction.html).
package enum TransactionKind: String, Sendable {
    /// Locks are taken when first needed; a read transaction may fail to upgrade to a write.
    case deferred = "DEFERRED"
    /// The write lock is taken at `BEGIN`: the usual choice for a write.
    case immediate = "IMMEDIATE"
    /// Like immediate; in rollback-journal mode it also keeps readers out.
    case exclusive = "EXCLUSIVE"
}

/// One SQLite connection to one database file.
///
/// It is opened with `SQLITE_OPEN_NOMUTEX`: SQLite takes no lock per call, and the connection
/// must be used from one thread at a time. The class is deliberately not `Sendable`, so the
/// compiler enforces that: it lives in one isolation domain (an actor, a task) and may be handed
/// to another only by transferring it. Statements it prepares follow the same rule.
///
/// Statements run through `execute(_:_:)`, `query`, `scalar` and `cachedStatement` are prepared
/// once per SQL text and kept for the connection's life, so repeated SQL costs a bind and a step.
package final class Connection {
    /// The path the connection was opened with (`":memory:"` for an in-memory database).
    package let path: String
    private var db: OpaquePointer?
    private var statementCache: [String: Statement] = [:]

    private static let savepointName = "tabula_savepoint"

    /// Opens (or with `.create` creates) the database at `path`; `":memory:"` opens a private
    /// in-memory database. Extended result codes are on.
    ///
    /// A file that exists but is not a database opens without error: SQLite reads the header
    /// lazily. Call `validate()` to find out at once.
    package init(path: String, mode: OpenMode) throws(DatabaseError) {
        self.path = path
        _ = Self.configured
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, mode.flags | SQLITE_OPEN_NOMUTEX, nil)
        if rc != SQLITE_OK {
            var error = DatabaseError.from(handle, resultCode: rc, sql: nil)
            error.message += ": \(path)"
            sqlite3_close_v2(handle)
            throw error
        }
        sqlite3_extended_result_codes(handle, 1)
        // Another process's lock is waited for from the first read on (opening a WAL file
        // reads its index, which a writer or a checkpoint may hold for a moment).
        sqlite3_busy_timeout(handle, Self.defaultBusyTimeout)
        db = handle
    }

    /// Set once, before SQLite initialises (it takes no settings after): a statement journal,
    /// what a savepoint keeps to undo one command of a transaction alone, stays in memory up to
    /// 8 MB instead of 64 KB. A timer write changes a few dozen pages; past 64 KB SQLite moved
    /// the journal to a temporary file and kept it there for the connection's life, two
    /// `pwrite`s per changed page per command, most of a grouped write's system calls. And
    /// SQLite does not count its memory (Tabula never asks): counting locks one mutex for the
    /// whole process on every allocation, which the server's threads contended for.
    private static let configured: Void = {
        _ = tabula_sqlite3_statement_journal_spill(8 << 20)
        _ = tabula_sqlite3_memory_status(0)
    }()

    /// How long a new connection waits for another one's lock, in milliseconds.
    package static let defaultBusyTimeout: Int32 = 5000

    deinit {
        close()
    }

    /// Closes the connection. Cached statements are dropped first; a statement still referenced
    /// elsewhere keeps SQLite's side of the connection alive (`sqlite3_close_v2`) until it is
    /// released. Further calls on a closed connection throw `SQLITE_MISUSE`. Closing twice is harmless.
    package func close() {
        guard let handle = db else { return }
        statementCache.removeAll()
        sqlite3_close_v2(handle)
        db = nil
    }

    /// Whether `close()` has been called.
    package var isClosed: Bool { db == nil }

    /// The version of the SQLite library in use, e.g. `3.40.1`.
    package static var libraryVersion: String { String(cString: sqlite3_libversion()) }

    private func openHandle(_ sql: String?) throws(DatabaseError) -> OpaquePointer {
        guard let db else { throw DatabaseError.misuse("the connection is closed", sql: sql) }
        return db
    }

    // MARK: Running SQL

    /// Runs one or more `;`-separated statements that take no arguments. Result rows, if any,
    /// are stepped through and ignored. An error names the statement that failed.
    package func execute(_ sql: String) throws(DatabaseError) {
        let db = try openHandle(sql)
        let failure: DatabaseError? = sql.withCString { start -> DatabaseError? in
            var remaining: UnsafePointer<CChar>? = start
            while let current = remaining, current.pointee != 0 {
                var statement: OpaquePointer?
                var next: UnsafePointer<CChar>?
                let rc = sqlite3_prepare_v2(db, current, -1, &statement, &next)
                if rc != SQLITE_OK {
                    sqlite3_finalize(statement)
                    return DatabaseError.from(db, resultCode: rc,
                                              sql: String(String(cString: current).trimmingWhitespace()))
                }
                remaining = next
                guard let statement else { continue }  // only whitespace or a comment
                var step = sqlite3_step(statement)
                while step == SQLITE_ROW { step = sqlite3_step(statement) }
                if step != SQLITE_DONE {
                    let error = DatabaseError.from(db, resultCode: step,
                                                   sql: String(String(cString: sqlite3_sql(statement)).trimmingWhitespace()))
                    sqlite3_finalize(statement)
                    return error
                }
                sqlite3_finalize(statement)
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// Runs one statement with `arguments`, through the statement cache.
    package func execute(_ sql: String, _ arguments: [SQLValue]) throws(DatabaseError) {
        try cachedStatement(sql).run(arguments)
    }

    /// Runs one statement with `arguments` and returns all its rows, through the statement cache.
    package func query(_ sql: String, _ arguments: [SQLValue] = []) throws(DatabaseError) -> [[SQLValue]] {
        try cachedStatement(sql).rows(arguments)
    }

    /// The first column of the first row, or `.null` when there is no row.
    package func scalar(_ sql: String, _ arguments: [SQLValue] = []) throws(DatabaseError) -> SQLValue {
        let statement = try cachedStatement(sql)
        let wasRunning = statement.isRunning
        statement.isRunning = true
        defer { statement.reset(); statement.isRunning = wasRunning }
        if !arguments.isEmpty { try statement.bind(arguments) }
        guard try statement.step(), statement.columnCount > 0 else { return .null }
        return statement.column(0)
    }

    /// Whether the schema SQLite holds in memory for this connection has `table` (and, when given,
    /// its `column`), found without running a statement. A yes is right: SQLite drops that
    /// schema on a rollback and reads it again when another connection changed it. A no may be
    /// stale (a table another process created since this connection's last statement), so a
    /// caller that must know asks again with SQL.
    package func schemaSurelyHas(table: String, column: String? = nil) -> Bool {
        guard let db else { return false }
        return sqlite3_table_column_metadata(db, "main", table, column, nil, nil, nil, nil, nil) == SQLITE_OK
    }

    /// Checks that the file is a readable SQLite database, by reading its schema. A file that is
    /// not a database gives an error whose `isNotADatabase` is true.
    package func validate() throws(DatabaseError) {
        _ = try scalar("SELECT count(*) FROM sqlite_master")
    }

    // MARK: Statements

    /// The prepared statement for `sql`, from the cache or newly prepared and cached. It comes
    /// reset, with no bindings.
    ///
    /// When the cached statement is being iterated by `run`, `rows`, `forEachRow` or `scalar`
    /// further up the call stack (a nested query with the same SQL), a fresh, uncached statement
    /// is returned instead, so the outer iteration is not disturbed.
    package func cachedStatement(_ sql: String) throws(DatabaseError) -> Statement {
        if let statement = statementCache[sql] {
            if statement.isRunning { return try makeStatement(sql, persistent: false) }
            statement.reset()
            return statement
        }
        let statement = try makeStatement(sql, persistent: true)
        // Bounded: lists of `?` of every length make many distinct statements over a long run.
        if statementCache.count >= Self.statementCacheLimit {
            statementCache = statementCache.filter { $0.value.isRunning }
        }
        statementCache[sql] = statement
        return statement
    }

    /// How many prepared statements the cache keeps before it starts over.
    static let statementCacheLimit = 300

    /// A new statement for `sql`, not cached: it is finalized when released.
    /// `sql` must hold exactly one statement (trailing whitespace, `;` and comments are allowed).
    package func prepare(_ sql: String) throws(DatabaseError) -> Statement {
        try makeStatement(sql, persistent: false)
    }

    /// Drops every cached statement (those still referenced live on until released).
    package func clearStatementCache() {
        statementCache.removeAll()
    }

    private func makeStatement(_ sql: String, persistent: Bool) throws(DatabaseError) -> Statement {
        let db = try openHandle(sql)
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        var handle: OpaquePointer?
        var hasMore = false
        let rc = sql.withCString { start -> Int32 in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v3(db, start, -1, flags, &handle, &tail)
            if rc == SQLITE_OK, let tail, tail.pointee != 0 {
                // Something follows the first statement: fine if it is only blanks and comments.
                var other: OpaquePointer?
                let otherRC = sqlite3_prepare_v2(db, tail, -1, &other, nil)
                hasMore = otherRC != SQLITE_OK || other != nil
                sqlite3_finalize(other)
            }
            return rc
        }
        if rc != SQLITE_OK {
            sqlite3_finalize(handle)
            throw DatabaseError.from(db, resultCode: rc, sql: sql)
        }
        guard let handle else {
            throw DatabaseError.misuse("no statement in the SQL", sql: sql)
        }
        if hasMore {
            sqlite3_finalize(handle)
            throw DatabaseError.misuse("more than one statement; use execute(_:) for a script", sql: sql)
        }
        return Statement(handle: handle, sql: sql)
    }

    // MARK: Transactions

    /// Runs `body` in a transaction: `BEGIN kind`, then `COMMIT`; when `body` throws, `ROLLBACK`
    /// and the original error is rethrown. When a transaction is already open, `body` runs in a
    /// savepoint instead, so transactions nest: an inner failure rolls back only the inner work.
    /// A failed `COMMIT` rolls back and throws the commit's error.
    package func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        if isInTransaction {
            try execute("SAVEPOINT \(Self.savepointName)", [])
            let result: T
            do {
                result = try body()
            } catch {
                rollbackSavepoint()
                throw error
            }
            do {
                try execute("RELEASE SAVEPOINT \(Self.savepointName)", [])
            } catch {
                rollbackSavepoint()
                throw error
            }
            return result
        }
        try execute("BEGIN \(kind.rawValue) TRANSACTION", [])
        holdsWriteLock = kind != .deferred
        keptDataVersion = nil
        defer { holdsWriteLock = false; keptDataVersion = nil }
        let result: T
        do {
            result = try body()
        } catch {
            rollback()
            throw error
        }
        do {
            try execute("COMMIT TRANSACTION", [])
        } catch {
            rollback()
            throw error
        }
        return result
    }

    private func rollback() {
        rollbacks += 1
        // SQLite may already have rolled back by itself (e.g. on SQLITE_FULL); then there is nothing to do.
        guard isInTransaction else { return }
        try? execute("ROLLBACK TRANSACTION", [])
    }

    private func rollbackSavepoint() {
        rollbacks += 1
        guard isInTransaction else { return }
        try? execute("ROLLBACK TRANSACTION TO SAVEPOINT \(Self.savepointName)", [])
        try? execute("RELEASE SAVEPOINT \(Self.savepointName)", [])
    }

    /// Whether a transaction is open (SQLite is not in autocommit mode).
    package var isInTransaction: Bool {
        guard let db else { return false }
        return sqlite3_get_autocommit(db) == 0
    }

    // MARK: State

    /// The rowid of the most recent successful INSERT on this connection (0 if none).
    package var lastInsertRowID: Int64 {
        guard let db else { return 0 }
        return sqlite3_last_insert_rowid(db)
    }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    package var changes: Int {
        guard let db else { return 0 }
        return Int(sqlite3_changes64(db))
    }

    /// `PRAGMA data_version`: it moves when another connection commits. In an immediate or
    /// exclusive transaction, which holds the write lock from its `BEGIN` so that no other
    /// connection can commit, it is read once per transaction.
    package func dataVersion() throws(DatabaseError) -> Int64 {
        if holdsWriteLock, let kept = keptDataVersion, isInTransaction { return kept }
        let version = try scalar("PRAGMA data_version").int64Value ?? 0
        if holdsWriteLock && isInTransaction { keptDataVersion = version }
        return version
    }
    private var holdsWriteLock = false
    private var keptDataVersion: Int64?

    /// Rollbacks (of transactions and savepoints) through `transaction` since the connection
    /// opened: a rollback takes rows back without adding to `totalChanges`.
    package private(set) var rollbacks = 0

    /// Rows changed since the connection opened.
    package var totalChanges: Int {
        guard let db else { return 0 }
        return Int(sqlite3_total_changes64(db))
    }

    /// How long a statement waits for another connection's lock before failing with
    /// `SQLITE_BUSY`; 0 or less turns waiting off.
    package func setBusyTimeout(milliseconds: Int32) {
        guard let db else { return }
        sqlite3_busy_timeout(db, milliseconds)
    }

    /// `PRAGMA user_version`: a 32-bit number the application keeps in the file's header.
    package func userVersion() throws(DatabaseError) -> Int32 {
        let value = try scalar("PRAGMA user_version")
        return Int32(truncatingIfNeeded: value.int64Value ?? 0)
    }

    /// Sets `PRAGMA user_version`.
    package func setUserVersion(_ version: Int32) throws(DatabaseError) {
        try execute("PRAGMA user_version = \(version)")
    }

    // MARK: Functions and collations

    /// Registers (or replaces) a collation usable as `COLLATE name`. `compare` returns a negative
    /// number, zero or a positive number. It must be a total order, or SQLite's sorting and
    /// indexes misbehave. The closure is kept until it is replaced or the connection closes.
    package func createCollation(_ name: String,
                                _ compare: @escaping @Sendable (String, String) -> Int) throws(DatabaseError) {
        try createCollation(name, utf8Compare: { a, b in
            compare(String(decoding: a, as: UTF8.self), String(decoding: b, as: UTF8.self))
        })
    }

    /// Registers a collation that compares the raw UTF-8 bytes, without making Swift strings:
    /// the fast form, for a comparator that accepts UTF-8 directly (such as ICU's `ucol_strcollUTF8`).
    package func createCollation(_ name: String,
                                utf8Compare compare: @escaping @Sendable (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Int) throws(DatabaseError) {
        let db = try openHandle(nil)
        let box = Unmanaged.passRetained(CollationBox(compare)).toOpaque()
        let rc = sqlite3_create_collation_v2(db, name, SQLITE_UTF8, box, collationCompare, collationDestroy)
        if rc != SQLITE_OK {
            // Unlike its siblings, sqlite3_create_collation_v2 does not call xDestroy on failure.
            Unmanaged<CollationBox>.fromOpaque(box).release()
            var error = DatabaseError.from(db, resultCode: rc, sql: nil)
            error.message += " (creating collation \(name))"
            throw error
        }
    }

    /// Registers (or replaces) an SQL function `name` taking `argumentCount` arguments (-1: any
    /// number). A deterministic function may be used in indexes and generated columns and is
    /// evaluated once per distinct call where SQLite can. An error thrown by `body` fails the
    /// statement with the error's description as the message.
    package func createFunction(_ name: String, argumentCount: Int32, deterministic: Bool,
                               _ body: @escaping @Sendable ([SQLValue]) throws -> SQLValue) throws(DatabaseError) {
        let db = try openHandle(nil)
        let flags = SQLITE_UTF8 | (deterministic ? SQLITE_DETERMINISTIC : 0)
        let box = Unmanaged.passRetained(FunctionBox(body)).toOpaque()
        // sqlite3_create_function_v2 calls xDestroy itself when it fails, so the box is never leaked.
        let rc = sqlite3_create_function_v2(db, name, argumentCount, flags, box,
                                            functionCall, nil, nil, functionDestroy)
        if rc != SQLITE_OK {
            var error = DatabaseError.from(db, resultCode: rc, sql: nil)
            error.message += " (creating function \(name))"
            throw error
        }
    }
}

// MARK: Online backup

extension Connection {
    /// Copies this connection's `main` database into `destination`'s, page by page, with SQLite's
    /// online backup API (https://sqlite.org/backup.html). The copy is one consistent snapshot:
    /// in WAL mode other connections keep writing while it is taken (they are not in it).
    /// `destination` becomes an exact page copy; whatever it held is replaced. A destination
    /// that is busy (another connection reads or writes it) is waited for up to the busy timeout.
    package func backup(into destination: Connection, busyTimeoutMilliseconds: Int = 5000) throws(DatabaseError) {
        let source = try openHandle(nil)
        let target = try destination.openHandle(nil)
        guard let backup = sqlite3_backup_init(target, "main", source, "main") else {
            throw DatabaseError.from(target, resultCode: sqlite3_errcode(target), sql: nil)
        }
        var waited = 0
        var rc: Int32
        repeat {
            // -1: every page in one step, so the copy is of one snapshot even while others write.
            rc = sqlite3_backup_step(backup, -1)
            if rc == SQLITE_BUSY || rc == SQLITE_LOCKED {
                if waited >= busyTimeoutMilliseconds { break }
                sqlite3_sleep(20)
                waited += 20
            }
        } while rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED
        let finish = sqlite3_backup_finish(backup)
        if rc != SQLITE_DONE {
            throw DatabaseError.from(target, resultCode: rc, sql: nil)
        }
        if finish != SQLITE_OK {
            throw DatabaseError.from(target, resultCode: finish, sql: nil)
        }
    }
}
