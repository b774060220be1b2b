/// A signed-in browser session of a base: whose it is, its CSRF token and when it ends. The
/// session id itself is never stored, only a hash of it (made by the caller).
public struct WebSession: Sendable, Hashable {
    public var id: Int64
    /// The person's row in the people table; the session acts as them.
    public var person: RowID
    /// Sent back by the page's script in a header on every write.
    public var csrf: String
    public var created: Instant
    public var expires: Instant
}

/// The web table's sign-in data (`base.logins`): people's password hashes (made by the caller
/// with a slow hash) and the sessions of signed-in browsers, kept in the file beside the data so
/// that the server keeps no state of its own.
public struct WebLogins {
    let base: Base

    static let passwords = "_tabula_passwords"
    static let sessions = "_tabula_sessions"

    private func exists(_ table: String) throws -> Bool {
        try base.internalTableExists(table)
    }

    private func ensure() throws {
        try base.db.execute("""
            CREATE TABLE IF NOT EXISTS \(Self.passwords) (person INTEGER PRIMARY KEY, hash TEXT NOT NULL, changed INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS \(Self.sessions) (id INTEGER PRIMARY KEY, person INTEGER NOT NULL, hash TEXT NOT NULL UNIQUE,
                csrf TEXT NOT NULL, created INTEGER NOT NULL, expires INTEGER NOT NULL);
            """)
    }

    /// Sets (or replaces) a person's password hash; their open sessions end, so a changed
    /// password locks out whoever knew the old one. The history records that it changed, never the hash.
    public func setPassword(person: RowID, hash: String) throws {
        try base.write { tx in
            try ensure()
            try base.db.execute("INSERT OR REPLACE INTO \(Self.passwords) (person, hash, changed) VALUES (?, ?, ?)",
                                [.integer(person), .text(hash), .integer(base.now().millisecondsSinceEpoch)])
            try base.db.execute("DELETE FROM \(Self.sessions) WHERE person = ?", [.integer(person)])
            let name = try base.tokens.personName(person) ?? "#\(person)"
            try tx.recordHistory(action: "password", note: "password set for \(name)")
        }
    }

    /// The stored password hash of a person, nil when none is set.
    public func passwordHash(person: RowID) throws -> String? {
        guard try exists(Self.passwords) else { return nil }
        return try base.db.query("SELECT hash FROM \(Self.passwords) WHERE person = ?", [.integer(person)]).first?[0].textValue
    }

    /// Opens a session for a person until `expires`; returns its id.
    public func createSession(person: RowID, hash: String, csrf: String, expires: Instant) throws -> Int64 {
        try base.db.transaction {
            try ensure()
            let now = base.now().millisecondsSinceEpoch
            try base.db.execute("DELETE FROM \(Self.sessions) WHERE expires <= ?", [.integer(now)])
            try base.db.execute("INSERT INTO \(Self.sessions) (person, hash, csrf, created, expires) VALUES (?, ?, ?, ?, ?)",
                                [.integer(person), .text(hash), .text(csrf), .integer(now), .integer(expires.millisecondsSinceEpoch)])
            return base.db.lastInsertRowID
        }
    }

    /// The live (not expired) session with this hash.
    public func findSession(hash: String) throws -> WebSession? {
        guard try exists(Self.sessions) else { return nil }
        let rows = try base.db.cachedStatement("SELECT id, person, csrf, created, expires FROM \(Self.sessions) WHERE hash = ? AND expires > ?")
            .rows([.text(hash), .integer(base.now().millisecondsSinceEpoch)])
        return rows.first.map { row in
            WebSession(id: row[0].int64Value ?? 0, person: row[1].int64Value ?? 0, csrf: row[2].textValue ?? "",
                       created: Instant(millisecondsSinceEpoch: row[3].int64Value ?? 0),
                       expires: Instant(millisecondsSinceEpoch: row[4].int64Value ?? 0))
        }
    }

    /// Ends the session with this hash (signing out); nothing happens when there is none.
    public func endSession(hash: String) throws {
        guard try exists(Self.sessions) else { return }
        try base.db.transaction {
            try base.db.execute("DELETE FROM \(Self.sessions) WHERE hash = ?", [.text(hash)])
        }
    }
}

extension Base {
    /// The base's web sign-in data: password hashes and sessions.
    public var logins: WebLogins { WebLogins(base: self) }

    /// A number that grows with every recorded change of the base (a row written, a timer
    /// started or stopped), by this process or another: open pages poll it to know when to refresh.
    public func changeStamp() throws -> Int64 {
        try db.cachedStatement("SELECT coalesce(max(id), 0) FROM \(Layout.history)").rows([]).first?[0].int64Value ?? 0
    }
}
