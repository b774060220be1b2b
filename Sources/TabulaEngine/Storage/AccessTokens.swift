/// An API token of a base: whose it is and when it was used. The token itself is never stored,
/// only a hash of it (made by the caller), so a copy of the file gives no one a working token.
public struct AccessToken: Sendable, Hashable {
    public var id: Int64
    /// The person's row in the people table; the token acts as them.
    public var person: RowID
    public var label: String?
    public var created: Instant
    public var lastUsed: Instant?
    public var revoked: Instant?
    /// `feed:TABLE` for a token that may only send a feed into that table (and read what a
    /// feeding base copies); nil for a token of the whole API.
    public var scope: String?
}

/// The API tokens of a base (`base.tokens`), kept in the file beside the data so that the server
/// keeps no state of its own.
public struct AccessTokens {
    let base: Base

    static let table = "_tabula_tokens"

    private func exists() throws -> Bool {
        // Asked on every API request: the statement is kept prepared.
        try base.internalTableExists(Self.table)
    }

    private func ensure() throws {
        try base.db.execute("""
            CREATE TABLE IF NOT EXISTS \(Self.table) (id INTEGER PRIMARY KEY, person INTEGER NOT NULL, label TEXT,
                hash TEXT NOT NULL UNIQUE, created INTEGER NOT NULL, last_used INTEGER, revoked INTEGER, scope TEXT)
            """)
        // Bases whose tokens came before scopes.
        if try !base.db.query("PRAGMA table_info(\(Self.table))").contains(where: { $0[1].textValue == "scope" }) {
            try base.db.execute("ALTER TABLE \(Self.table) ADD COLUMN scope TEXT")
        }
    }

    /// Stores a new token's hash for a person and returns its id; the history records who made
    /// it for whom, never the token.
    public func create(person: RowID, label: String?, hash: String, scope: String? = nil) throws -> Int64 {
        try base.write { tx in
            try ensure()
            try base.db.execute("INSERT INTO \(Self.table) (person, label, hash, created, scope) VALUES (?, ?, ?, ?, ?)",
                                [.integer(person), label.map(SQLValue.text) ?? .null, .text(hash), .integer(base.now().millisecondsSinceEpoch),
                                 scope.map(SQLValue.text) ?? .null])
            let id = base.db.lastInsertRowID
            let name = try personName(person) ?? "#\(person)"
            try tx.recordHistory(action: "token", note: "token \(id) created for \(name)" + (label.map { " (\($0))" } ?? "") + (scope.map { ", only \($0)" } ?? ""))
            return id
        }.value
    }

    /// Every token, newest last.
    public func list() throws -> [AccessToken] {
        guard try exists() else { return [] }
        return try base.db.query("SELECT id, person, label, created, last_used, revoked\(try scopeColumn()) FROM \(Self.table) ORDER BY id").map(Self.token)
    }

    /// Revokes a token: it stops working at once.
    public func revoke(id: Int64) throws {
        try base.write { tx in
            guard try exists(), let row = try base.db.query("SELECT revoked FROM \(Self.table) WHERE id = ?", [.integer(id)]).first else {
                throw EngineError(.notFound, "there is no token \(id)", hint: "list the tokens and their ids with `token list`")
            }
            guard row[0] == .null else { throw EngineError(.conflict, "token \(id) is already revoked", hint: "nothing to do") }
            try base.db.execute("UPDATE \(Self.table) SET revoked = ? WHERE id = ?", [.integer(base.now().millisecondsSinceEpoch), .integer(id)])
            try tx.recordHistory(action: "token", note: "token \(id) revoked")
        }
    }

    /// The live (not revoked) token with this hash.
    public func find(hash: String) throws -> AccessToken? {
        guard try exists() else { return nil }
        return try base.db.cachedStatement("SELECT id, person, label, created, last_used, revoked\(try scopeColumn()) FROM \(Self.table) WHERE hash = ? AND revoked IS NULL")
            .rows([.text(hash)]).first.map(Self.token)
    }

    /// `, scope` when the table has the column (a base whose tokens came before scopes has not,
    /// until its next token is made).
    private func scopeColumn() throws -> String {
        if base.db.schemaSurelyHas(table: Self.table, column: "scope") { return ", scope" }
        return try base.db.cachedStatement("SELECT 1 FROM pragma_table_info(?) WHERE name = 'scope'").rows([.text(Self.table)]).isEmpty ? "" : ", scope"
    }

    /// Notes when a token was last used (the server does it at most once a minute per token).
    public func touch(id: Int64, at instant: Instant) throws {
        guard try exists() else { return }
        try base.db.transaction {
            try base.db.execute("UPDATE \(Self.table) SET last_used = ? WHERE id = ?", [.integer(instant.millisecondsSinceEpoch), .integer(id)])
        }
    }

    /// The primary value of a person's row, nil when the row is gone.
    public func personName(_ person: RowID) throws -> String? {
        guard let peopleID = base.schema.peopleTable, let people = base.schema.table(id: peopleID) else { return nil }
        return try base.primaryValues(of: people, ids: [person])[person]
    }

    private static func token(_ row: [SQLValue]) -> AccessToken {
        AccessToken(id: row[0].int64Value ?? 0, person: row[1].int64Value ?? 0, label: row[2].textValue,
                    created: Instant(millisecondsSinceEpoch: row[3].int64Value ?? 0),
                    lastUsed: row[4].int64Value.map { Instant(millisecondsSinceEpoch: $0) },
                    revoked: row[5].int64Value.map { Instant(millisecondsSinceEpoch: $0) }, scope: row.count > 6 ? row[6].textValue : nil)
    }
}

extension Base {
    /// The base's API tokens.
    public var tokens: AccessTokens { AccessTokens(base: self) }
}
