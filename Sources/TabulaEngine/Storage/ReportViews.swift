import Foundation

/// A saved report as someone looks at it: its name, the period chosen instead of its own, and
/// filters (name and value pairs, which the report layer turns into a `where`).
public struct ReportView: Sendable, Hashable {
    public var report: String
    /// The period as written (`last month`, `2026-11`); nil: the report's own.
    public var period: String?
    public var filters: [Filter]

    /// One filter: `client` = `Acme`.
    public struct Filter: Sendable, Hashable, Codable {
        public var name: String
        public var value: String
        public init(name: String, value: String) { self.name = name; self.value = value }
    }

    public init(report: String, period: String? = nil, filters: [Filter] = []) {
        self.report = report; self.period = period; self.filters = filters
    }

    /// The filters as stored: JSON with sorted keys, so one view is always the same text (pins compare it).
    var filtersText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(filters)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func filters(_ text: String?) -> [Filter] {
        guard let text else { return [] }
        return (try? JSONDecoder().decode([Filter].self, from: Data(text.utf8))) ?? []
    }
}

/// A report pinned to a person's start page.
public struct ReportPin: Sendable, Hashable {
    public var id: Int64
    public var person: RowID
    public var view: ReportView
}

/// A link that shows one report to someone without an account: whose view it is (the report
/// runs as that person, so it shows what they may see), and when it was revoked.
public struct ReportShare: Sendable, Hashable {
    public var id: Int64
    public var person: RowID
    public var view: ReportView
    public var created: Instant
    public var revoked: Instant?
}

/// Pinned reports (`base.reportPins`), one list per person: each person's start page is their
/// own, so pinning never changes what another sees.
public struct ReportPins {
    let base: Base
    static let table = "_tabula_report_pins"

    private func exists() throws -> Bool {
        try base.internalTableExists(Self.table)
    }

    /// Pins a view for a person; pinning the same view again keeps the one pin.
    public func pin(person: RowID, _ view: ReportView) throws -> ReportPin {
        try base.db.transaction {
            try base.db.execute("""
                CREATE TABLE IF NOT EXISTS \(Self.table) (id INTEGER PRIMARY KEY, person INTEGER NOT NULL, report TEXT NOT NULL,
                    period TEXT NOT NULL, filters TEXT NOT NULL, created INTEGER NOT NULL, UNIQUE (person, report, period, filters))
                """)
            let key: [SQLValue] = [.integer(person), .text(view.report), .text(view.period ?? ""), .text(view.filtersText)]
            if let found = try base.db.query("SELECT id FROM \(Self.table) WHERE person = ? AND report = ? AND period = ? AND filters = ?", key).first?[0].int64Value {
                return ReportPin(id: found, person: person, view: view)
            }
            try base.db.execute("INSERT INTO \(Self.table) (person, report, period, filters, created) VALUES (?, ?, ?, ?, ?)",
                                key + [.integer(base.now().millisecondsSinceEpoch)])
            let id = base.db.lastInsertRowID
            return ReportPin(id: id, person: person, view: view)
        }
    }

    /// A person's pins, in the order they were pinned.
    public func list(person: RowID) throws -> [ReportPin] {
        guard try exists() else { return [] }
        return try base.db.query("SELECT id, person, report, period, filters FROM \(Self.table) WHERE person = ? ORDER BY id", [.integer(person)]).map { row in
            let period = row[3].textValue ?? ""
            return ReportPin(id: row[0].int64Value ?? 0, person: row[1].int64Value ?? 0,
                             view: ReportView(report: row[2].textValue ?? "", period: period.isEmpty ? nil : period, filters: ReportView.filters(row[4].textValue)))
        }
    }

    /// Removes one of a person's pins (another's pin is not found).
    public func unpin(person: RowID, id: Int64) throws {
        try base.db.transaction {
            guard try exists(), !(try base.db.query("SELECT 1 FROM \(Self.table) WHERE id = ? AND person = ?", [.integer(id), .integer(person)]).isEmpty) else {
                throw EngineError(.notFound, "there is no pinned report \(id) of yours", hint: "list your pins: GET /api/v1/pins")
            }
            try base.db.execute("DELETE FROM \(Self.table) WHERE id = ?", [.integer(id)])
        }
    }
}

/// Shared report links (`base.reportShares`): each holds one report view and the person it
/// runs as; the base keeps only the SHA-256 of the link's token (made by the caller), so a copy
/// of the file opens no link.
public struct ReportShares {
    let base: Base
    static let table = "_tabula_report_shares"

    private func exists() throws -> Bool {
        try base.internalTableExists(Self.table)
    }

    /// Stores a new link's hash; the history records who shared which report, never the token.
    public func create(person: RowID, _ view: ReportView, hash: String) throws -> Int64 {
        try base.write { tx in
            try base.db.execute("""
                CREATE TABLE IF NOT EXISTS \(Self.table) (id INTEGER PRIMARY KEY, person INTEGER NOT NULL, report TEXT NOT NULL,
                    period TEXT, filters TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, created INTEGER NOT NULL, revoked INTEGER)
                """)
            try base.db.execute("INSERT INTO \(Self.table) (person, report, period, filters, hash, created) VALUES (?, ?, ?, ?, ?, ?)",
                                [.integer(person), .text(view.report), view.period.map(SQLValue.text) ?? .null, .text(view.filtersText),
                                 .text(hash), .integer(base.now().millisecondsSinceEpoch)])
            let id = base.db.lastInsertRowID
            let name = try base.tokens.personName(person) ?? "#\(person)"
            try tx.recordHistory(action: "share", note: "report \(view.report) shared by link \(id) as \(name)")
            return id
        }.value
    }

    /// Every link (or one person's), newest last.
    public func list(person: RowID? = nil) throws -> [ReportShare] {
        guard try exists() else { return [] }
        let columns = "SELECT id, person, report, period, filters, created, revoked FROM \(Self.table)"
        let rows = try person.map { try base.db.query(columns + " WHERE person = ? ORDER BY id", [.integer($0)]) }
            ?? base.db.query(columns + " ORDER BY id")
        return rows.map(Self.share)
    }

    /// The live (not revoked) link with this hash.
    public func find(hash: String) throws -> ReportShare? {
        guard try exists() else { return nil }
        return try base.db.query("SELECT id, person, report, period, filters, created, revoked FROM \(Self.table) WHERE hash = ? AND revoked IS NULL",
                                 [.text(hash)]).first.map(Self.share)
    }

    /// Revokes a link: it stops working at once. With `person`, only that person's own link.
    public func revoke(id: Int64, person: RowID? = nil) throws {
        try base.write { tx in
            guard try exists(), let row = try base.db.query("SELECT revoked, person FROM \(Self.table) WHERE id = ?", [.integer(id)]).first,
                  person == nil || row[1].int64Value == person else {
                throw EngineError(.notFound, "there is no shared report link \(id)", hint: "list the links and their ids with `token shares`")
            }
            guard row[0] == .null else { throw EngineError(.conflict, "shared report link \(id) is already revoked", hint: "nothing to do") }
            try base.db.execute("UPDATE \(Self.table) SET revoked = ? WHERE id = ?", [.integer(base.now().millisecondsSinceEpoch), .integer(id)])
            try tx.recordHistory(action: "share", note: "shared report link \(id) revoked")
        }
    }

    private static func share(_ row: [SQLValue]) -> ReportShare {
        ReportShare(id: row[0].int64Value ?? 0, person: row[1].int64Value ?? 0,
                    view: ReportView(report: row[2].textValue ?? "", period: row[3].textValue, filters: ReportView.filters(row[4].textValue)),
                    created: Instant(millisecondsSinceEpoch: row[5].int64Value ?? 0),
                    revoked: row[6].int64Value.map { Instant(millisecondsSinceEpoch: $0) })
    }
}

extension Base {
    /// The reports pinned to people's start pages.
    public var reportPins: ReportPins { ReportPins(base: self) }
    /// The shared report links.
    public var reportShares: ReportShares { ReportShares(base: self) }
}
