import CSQLite

/// SQLite's `SQLITE_TRANSIENT`: SQLite copies the bytes before the bind call returns, so a
/// pointer that lives only for the call (`withUTF8`, `withUnsafeBytes`) is safe to pass.
/// (`SQLITE_STATIC` would let SQLite keep the pointer until the next bind or reset, which no
/// Swift buffer guarantees, so this layer never uses it.)
let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared SQLite statement: bind arguments, step through rows, read typed columns.
///
/// A statement belongs to the connection that prepared it and, like it, is used from one thread
/// at a time (it is not `Sendable`). Parameters are 1-based, columns 0-based, as in SQLite.
/// A statement from `Connection.cachedStatement(_:)` is shared by every caller of the same SQL:
/// do not keep it across calls that may reuse it. It is finalized when the last reference goes;
/// it stays valid after its connection is closed (SQLite keeps the connection until then).
package final class Statement {
    /// The SQL text the statement was prepared from.
    package let sql: String
    let handle: OpaquePointer
    /// The arguments last bound as an array, reported with errors.
    var boundArguments: [SQLValue] = []
    /// True while `run`, `rows`, `forEachRow` or `Connection.scalar` iterate this statement;
    /// the connection's cache then hands out a fresh statement instead of resetting this one.
    var isRunning = false

    init(handle: OpaquePointer, sql: String) {
        self.handle = handle
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    // MARK: Binding

    /// True when the statement cannot write to the database (`sqlite3_stmt_readonly`).
    package var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    /// The number of parameters (`?`, `?NNN`, `:name`) the statement takes.
    package var parameterCount: Int32 { sqlite3_bind_parameter_count(handle) }

    /// Binds `arguments` to parameters 1...n; their count must equal `parameterCount`.
    package func bind(_ arguments: [SQLValue]) throws(DatabaseError) {
        let expected = sqlite3_bind_parameter_count(handle)
        guard arguments.count == Int(expected) else {
            throw DatabaseError(extendedCode: SQLITE_RANGE,
                                message: "wrong number of arguments: the statement takes \(expected), got \(arguments.count)",
                                sql: sql, arguments: arguments)
        }
        boundArguments = arguments
        var index: Int32 = 1
        for value in arguments {
            try bind(value, at: index)
            index += 1
        }
    }

    /// Binds one value to the 1-based parameter `index`.
    package func bind(_ value: SQLValue, at index: Int32) throws(DatabaseError) {
        switch value {
        case .null: try bindNull(at: index)
        case .integer(let v): try bind(int64: v, at: index)
        case .real(let v): try bind(double: v, at: index)
        case .text(let v): try bind(text: v, at: index)
        case .blob(let v): try bind(blob: v, at: index)
        }
    }

    /// Binds an integer to the 1-based parameter `index`.
    package func bind(int64 value: Int64, at index: Int32) throws(DatabaseError) {
        let rc = sqlite3_bind_int64(handle, index, value)
        if rc != SQLITE_OK { throw bindError(rc) }
    }

    /// Binds a double to the 1-based parameter `index`.
    package func bind(double value: Double, at index: Int32) throws(DatabaseError) {
        let rc = sqlite3_bind_double(handle, index, value)
        if rc != SQLITE_OK { throw bindError(rc) }
    }

    /// Binds UTF-8 text to the 1-based parameter `index` (SQLite copies it; no Swift copy is made
    /// for a native string).
    package func bind(text value: String, at index: Int32) throws(DatabaseError) {
        var value = value
        let rc = value.withUTF8 { bytes -> Int32 in
            guard let base = bytes.baseAddress else {
                // An empty buffer may have no address; a NULL pointer would bind NULL, not ''.
                return sqlite3_bind_text(handle, index, "", 0, sqliteTransient)
            }
            return sqlite3_bind_text64(handle, index,
                                       UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                                       sqlite3_uint64(bytes.count), sqliteTransient, UInt8(SQLITE_UTF8))
        }
        if rc != SQLITE_OK { throw bindError(rc) }
    }

    /// Binds bytes to the 1-based parameter `index` (an empty array binds an empty blob, not NULL).
    package func bind(blob value: [UInt8], at index: Int32) throws(DatabaseError) {
        let rc = value.withUnsafeBytes { bytes -> Int32 in
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                return sqlite3_bind_zeroblob(handle, index, 0)
            }
            return sqlite3_bind_blob64(handle, index, base, sqlite3_uint64(bytes.count), sqliteTransient)
        }
        if rc != SQLITE_OK { throw bindError(rc) }
    }

    /// Binds NULL to the 1-based parameter `index`.
    package func bindNull(at index: Int32) throws(DatabaseError) {
        let rc = sqlite3_bind_null(handle, index)
        if rc != SQLITE_OK { throw bindError(rc) }
    }

    func bindError(_ rc: Int32) -> DatabaseError {
        DatabaseError.from(sqlite3_db_handle(handle), resultCode: rc, sql: sql, arguments: boundArguments)
    }

    // MARK: Stepping

    /// Advances to the next row: `true` when a row is available, `false` when the statement is done.
    package func step() throws(DatabaseError) -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw DatabaseError.from(sqlite3_db_handle(handle), resultCode: rc, sql: sql, arguments: boundArguments)
    }

    /// Rewinds the statement and clears its bindings (they become NULL).
    package func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        boundArguments = []
    }

    /// Rewinds the statement but keeps its bindings, to run it again with the same or a few
    /// re-bound arguments.
    package func resetKeepingBindings() {
        sqlite3_reset(handle)
    }

    /// Binds `arguments` (unless empty: then the current bindings are used), steps until done,
    /// then resets and clears the bindings, also on error.
    package func run(_ arguments: [SQLValue] = []) throws(DatabaseError) {
        let wasRunning = isRunning
        isRunning = true
        defer { reset(); isRunning = wasRunning }
        sqlite3_reset(handle)
        if !arguments.isEmpty { try bind(arguments) }
        while try step() {}
    }

    /// Binds `arguments` (unless empty), reads every row, then resets, also on error.
    package func rows(_ arguments: [SQLValue] = []) throws(DatabaseError) -> [[SQLValue]] {
        let wasRunning = isRunning
        isRunning = true
        defer { reset(); isRunning = wasRunning }
        sqlite3_reset(handle)
        if !arguments.isEmpty { try bind(arguments) }
        let count = sqlite3_column_count(handle)
        var result: [[SQLValue]] = []
        while try step() {
            var row: [SQLValue] = []
            row.reserveCapacity(Int(count))
            for i in 0..<count { row.append(column(i)) }
            result.append(row)
        }
        return result
    }

    /// Binds `arguments` (unless empty), calls `body` with the statement positioned on each row
    /// (read it with the column readers), then resets, also when `body` or a step throws.
    package func forEachRow(_ arguments: [SQLValue] = [], _ body: (Statement) throws -> Void) throws {
        let wasRunning = isRunning
        isRunning = true
        defer { reset(); isRunning = wasRunning }
        sqlite3_reset(handle)
        if !arguments.isEmpty { try bind(arguments) }
        while try step() { try body(self) }
    }

    // MARK: Reading columns

    /// The number of columns in a result row (0 for a statement that returns none).
    package var columnCount: Int32 { sqlite3_column_count(handle) }

    /// The name of the 0-based column `i` (its `AS` name, if any); empty when out of range.
    package func columnName(_ i: Int32) -> String {
        guard let name = sqlite3_column_name(handle, i) else { return "" }
        return String(cString: name)
    }

    /// The names of all result columns.
    package var columnNames: [String] { (0..<columnCount).map { columnName($0) } }

    /// The storage class of the 0-based column `i` in the current row.
    package func columnType(_ i: Int32) -> SQLStorageClass {
        switch sqlite3_column_type(handle, i) {
        case SQLITE_INTEGER: return .integer
        case SQLITE_FLOAT: return .real
        case SQLITE_TEXT: return .text
        case SQLITE_BLOB: return .blob
        default: return .null
        }
    }

    /// The 0-based column `i` of the current row, in its storage class.
    package func column(_ i: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, i) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, i))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, i))
        case SQLITE_TEXT: return .text(text(i) ?? "")
        case SQLITE_BLOB: return .blob(blob(i) ?? [])
        default: return .null
        }
    }

    /// The column as an integer, converted by SQLite's rules (NULL reads as 0).
    package func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(handle, i) }

    /// The column as a double, converted by SQLite's rules (NULL reads as 0).
    package func double(_ i: Int32) -> Double { sqlite3_column_double(handle, i) }

    /// The column as text (numbers are converted by SQLite); `nil` for NULL.
    package func text(_ i: Int32) -> String? {
        // column_text before column_bytes, as SQLite documents, so the length is of the UTF-8 form.
        guard let p = sqlite3_column_text(handle, i) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, i))
        return String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self)
    }

    /// The column as bytes; `nil` for NULL.
    package func blob(_ i: Int32) -> [UInt8]? {
        if sqlite3_column_type(handle, i) == SQLITE_NULL { return nil }
        guard let p = sqlite3_column_blob(handle, i) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, i))
        return Array(UnsafeRawBufferPointer(start: p, count: count))
    }

    /// Whether the column is NULL in the current row.
    package func isNull(_ i: Int32) -> Bool { sqlite3_column_type(handle, i) == SQLITE_NULL }
}
