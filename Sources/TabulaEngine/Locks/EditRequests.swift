import Foundation

/// How edit requests are decided, as a package sets it.
public struct EditRequestPolicy: Sendable, Hashable {
    /// Four eyes: whether the person who filed a request may not approve it.
    public enum FourEyes: Sendable, Hashable {
        case off, on
        /// As the base's setting says at the moment of approval (`on` or `off`).
        case setting(SettingSpec)
    }

    public var fourEyes: FourEyes

    public init(fourEyes: FourEyes = .off) { self.fourEyes = fourEyes }

    /// Whether the rule holds on `base` now.
    func requiresAnotherApprover(on base: Base) throws -> Bool {
        switch fourEyes {
        case .off: return false
        case .on: return true
        case .setting(let spec): return try base.setting(spec) == "on"
        }
    }

    /// The setting that turns the rule off, when there is one.
    var settingName: String? {
        if case .setting(let spec) = fourEyes { return spec.name }
        return nil
    }
}

/// A change to a locked row that someone asked for, waiting for an approver (or decided).
public struct EditRequest: Sendable, Hashable {
    /// pending, approved or rejected.
    public enum State: String, Sendable, Hashable { case pending, approved, rejected }

    public var id: Int64
    public var at: Instant
    public var requestedBy: String
    public var table: String
    public var row: RowID
    public var changes: [TextAssignment]
    public var reason: String
    public var state: State
    public var decidedBy: String?
    public var decidedAt: Instant?
    public var note: String?

    /// `hours=2h, note=typo` for messages.
    public var changesText: String { changes.map { "\($0.field)=\($0.text)" }.joined(separator: ", ") }
}

/// Edit requests live in an internal table of the base, `_tabula_requests`, beside the history:
/// they are engine bookkeeping that every schema with a lock rule needs, so no schema has to
/// declare a table for them, and no user write (which the lock rules govern) can forge an approval.
extension Base {
    static let requestsTable = "_tabula_requests"

    func ensureRequestsTable() throws {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS \(Self.requestsTable) (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL,
                table_id INTEGER NOT NULL, row_id INTEGER NOT NULL, changes TEXT NOT NULL, reason TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending', decided_by TEXT, decided_at INTEGER, note TEXT)
            """)
    }

    /// One request by id.
    func editRequest(_ id: Int64) throws -> EditRequest {
        try ensureRequestsTable()
        guard let request = try loadRequests("WHERE id = ?", [.integer(id)]).first else {
            throw EngineError(.notFound, "there is no edit request #\(id)", remedy: .listRequests)
        }
        return request
    }

    /// Requests, newest last; only the pending ones unless `all`.
    func editRequests(all: Bool = false) throws -> [EditRequest] {
        try ensureRequestsTable()
        return try loadRequests(all ? "" : "WHERE state = 'pending'", [])
    }

    private func loadRequests(_ filter: String, _ arguments: [SQLValue]) throws -> [EditRequest] {
        try db.query("SELECT id, at, actor, table_id, row_id, changes, reason, state, decided_by, decided_at, note FROM \(Self.requestsTable) \(filter) ORDER BY id", arguments).map { r in
            let pairs = (try? JSONDecoder().decode([[String]].self, from: Data((r[5].textValue ?? "[]").utf8))) ?? []
            return EditRequest(id: r[0].int64Value ?? 0, at: Instant(millisecondsSinceEpoch: r[1].int64Value ?? 0), requestedBy: r[2].textValue ?? "",
                               table: r[3].int64Value.flatMap { schema.table(id: TableID($0))?.name } ?? "?", row: r[4].int64Value ?? 0,
                               changes: pairs.compactMap { $0.count == 2 ? TextAssignment(field: $0[0], text: $0[1]) : nil },
                               reason: r[6].textValue ?? "", state: EditRequest.State(rawValue: r[7].textValue ?? "") ?? .pending,
                               decidedBy: r[8].textValue, decidedAt: r[9].int64Value.map { Instant(millisecondsSinceEpoch: $0) }, note: r[10].textValue)
        }
    }

    /// Whether two acting names mean one person (the same row of the people table, or the same name).
    func isSamePerson(_ a: String, as b: String) throws -> Bool {
        if a.lowercased() == b.lowercased() { return true }
        guard let peopleID = schema.peopleTable, let people = schema.table(id: peopleID),
              let x = try findPerson(a, in: people), let y = try findPerson(b, in: people) else { return false }
        return x == y
    }

    /// Refuses unless the current actor has `role` (by default the schema's approver role).
    public func requireRole(_ role: String? = nil, toDo what: String) throws {
        guard let role = role ?? schema.approverRole else {
            throw EngineError(.forbidden, "this base names no approver role, so no one can \(what)", hint: "add `approver ROLE` to the schema (with `people T` whose role field has that option)")
        }
        guard try actorRoles().contains(where: { $0.lowercased() == role.lowercased() }) else {
            let people = schema.peopleTable.flatMap { schema.table(id: $0)?.name } ?? "the people table"
            throw EngineError(.forbidden, "\(actor) may not \(what): that needs the role \(role)",
                              remedy: .actAsRole(role: role, peopleTable: people))
        }
    }
}

/// Filing and deciding edit requests: writes, so they are the transaction's.
extension WriteTransaction {
    /// Files a request to change fields of a row, in one transaction. The changes are checked now
    /// (fields exist, values parse) so an approver never meets a malformed request. A row that is
    /// not locked needs no request.
    @discardableResult
    public func requestEdit(table tableName: String, row reference: String, _ changes: [TextAssignment], reason: String) throws -> EditRequest {
        let table = try base.table(named: tableName)
        try base.ensureRequestsTable()
        let row = try base.resolveRow(reference, in: table)
        guard !changes.isEmpty else { throw EngineError(.invalidValue, "the request changes nothing", hint: "give field=value pairs") }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw EngineError(.invalidValue, "an edit request needs a reason", remedy: .giveReason)
        }
        _ = try base.parseAssignments(changes, for: table)
        guard try base.isLocked(table, row: row) else {
            throw EngineError(.conflict, "\(table.name) #\(row) is not locked, so it needs no request", remedy: .changeDirectly(table: table.name, row: row))
        }
        let encoded = String(decoding: try JSONEncoder().encode(changes.map { [$0.field, $0.text] }), as: UTF8.self)
        try db.execute("INSERT INTO \(Base.requestsTable) (at, actor, table_id, row_id, changes, reason) VALUES (?, ?, ?, ?, ?, ?)",
                       [.integer(now().millisecondsSinceEpoch), .text(actor), .integer(Int64(table.id)), .integer(row), .text(encoded), .text(reason)])
        let id = db.lastInsertRowID
        try base.recordHistory(action: "request", table: table.id, row: row, note: "edit request #\(id): \(changes.map { "\($0.field)=\($0.text)" }.joined(separator: ", ")) (\(reason))")
        return try base.editRequest(id)
    }

    /// Approves a pending request and applies its change despite the lock, in one transaction; the
    /// history records the change under the approver and a note naming both people.
    @discardableResult
    public func approveEdit(_ id: Int64, note: String? = nil) throws -> EditRequest {
        let request = try decidable(id)
        try base.requireRole(toDo: "approve edit requests")
        if try base.editRequestPolicy.requiresAnotherApprover(on: base), try base.isSamePerson(request.requestedBy, as: actor) {
            throw EngineError(.forbidden, "\(actor) filed edit request #\(id), so another person must approve it",
                              hint: "four eyes: the one who asks for a change to a locked row does not approve it",
                              remedy: .anotherApprover(setting: base.editRequestPolicy.settingName))
        }
        let table = try base.table(named: request.table)
        try bypassingLocks {
            try updateRow(in: table, id: request.row, values: try base.parseAssignments(request.changes, for: table))
        }
        try decide(request, .approved, note: note)
        try base.recordHistory(action: "request approved", table: table.id, row: request.row,
                          note: "edit request #\(id) by \(request.requestedBy), approved by \(actor): \(request.changesText) (\(request.reason))")
        let approved = try base.editRequest(id)
        try tell(.editApproved(approved))
        return approved
    }

    /// Rejects a pending request; nothing changes but its state and the history.
    @discardableResult
    public func rejectEdit(_ id: Int64, note: String? = nil) throws -> EditRequest {
        let request = try decidable(id)
        try base.requireRole(toDo: "reject edit requests")
        try decide(request, .rejected, note: note)
        try base.recordHistory(action: "request rejected", table: (try? base.table(named: request.table))?.id, row: request.row,
                          note: "edit request #\(id) by \(request.requestedBy), rejected by \(actor)\(note.map { ": \($0)" } ?? "")")
        return try base.editRequest(id)
    }

    private func decidable(_ id: Int64) throws -> EditRequest {
        let request = try base.editRequest(id)
        guard request.state == .pending else {
            throw EngineError(.conflict, "edit request #\(id) is already \(request.state.rawValue) by \(request.decidedBy ?? "?")", hint: "file a new request for another change")
        }
        return request
    }

    private func decide(_ request: EditRequest, _ state: EditRequest.State, note: String?) throws {
        try db.execute("UPDATE \(Base.requestsTable) SET state = ?, decided_by = ?, decided_at = ?, note = ? WHERE id = ?",
                       [.text(state.rawValue), .text(actor), .integer(now().millisecondsSinceEpoch), note.map { .text($0) } ?? .null, .integer(request.id)])
    }
}
