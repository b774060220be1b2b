import CSQLite

/// A failure reported by SQLite, with the SQL and the arguments that caused it.
///
/// `code` is the primary result code (`SQLITE_CONSTRAINT` = 19), `extendedCode` the extended one
/// (`SQLITE_CONSTRAINT_UNIQUE` = 2067), `message` SQLite's own text (`sqlite3_errmsg`).
package struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// The primary result code (the low byte of the extended code).
    package var code: Int32
    /// The extended result code.
    package var extendedCode: Int32
    /// SQLite's message, or this layer's for misuse it detects itself.
    package var message: String
    /// The statement that failed, when there was one.
    package var sql: String?
    /// The arguments bound to the statement when it failed (empty when none were bound as an array).
    package var arguments: [SQLValue]

    /// Makes an error; `code` defaults to the primary part of `extendedCode`.
    package init(code: Int32? = nil, extendedCode: Int32, message: String,
                sql: String? = nil, arguments: [SQLValue] = []) {
        self.code = code ?? (extendedCode & 0xFF)
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
        self.arguments = arguments
    }

    /// The file is not a SQLite database (`SQLITE_NOTADB`), or is encrypted or damaged at its header.
    package var isNotADatabase: Bool { code == SQLITE_NOTADB }
    /// A constraint failed: UNIQUE, NOT NULL, CHECK, FOREIGN KEY, PRIMARY KEY.
    package var isConstraintViolation: Bool { code == SQLITE_CONSTRAINT }
    /// Another connection holds a lock the operation needs (`SQLITE_BUSY`); retrying later may work.
    package var isBusy: Bool { code == SQLITE_BUSY }
    /// The database file is damaged (`SQLITE_CORRUPT`).
    package var isCorrupt: Bool { code == SQLITE_CORRUPT }
    /// The database is read-only, or was opened read-only (`SQLITE_READONLY`).
    package var isReadOnly: Bool { code == SQLITE_READONLY }

    /// E.g. `SQLite error 19 (UNIQUE constraint failed: t.x) in: INSERT INTO t VALUES (?) with [1]`.
    package var description: String {
        var text = "SQLite error \(code) (\(message))"
        if let sql {
            text += " in: " + sql.trimmingWhitespace()
            if !arguments.isEmpty {
                text += " with [" + arguments.map(\.description).joined(separator: ", ") + "]"
            }
        }
        return text
    }
}

extension DatabaseError {
    /// The current error of a connection after `resultCode` was returned.
    static func from(_ db: OpaquePointer?, resultCode: Int32,
                     sql: String?, arguments: [SQLValue] = []) -> DatabaseError {
        guard let db else {
            return DatabaseError(extendedCode: resultCode,
                                 message: String(cString: sqlite3_errstr(resultCode)),
                                 sql: sql, arguments: arguments)
        }
        // The connection's extended code is more precise than a primary code returned by a call.
        let extended = sqlite3_extended_errcode(db)
        let code = (extended & 0xFF) == (resultCode & 0xFF) ? extended : resultCode
        return DatabaseError(extendedCode: code, message: String(cString: sqlite3_errmsg(db)),
                             sql: sql, arguments: arguments)
    }

    /// A misuse this layer detects before SQLite would (a closed connection, a wrong argument count).
    static func misuse(_ message: String, sql: String?, arguments: [SQLValue] = []) -> DatabaseError {
        DatabaseError(extendedCode: SQLITE_MISUSE, message: message, sql: sql, arguments: arguments)
    }
}

extension String {
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return self[first...last]
    }
}
