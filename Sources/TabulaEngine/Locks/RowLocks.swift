import TabulaLanguage

/// Why a row is locked: the table's `lock when` condition held on it.
public struct LockRefusal: Sendable, Hashable {
    public var table: String
    public var row: RowID
    public var condition: String
}

extension Base {
    /// The compiled `lock when` condition of a table, nil when it has none.
    func lockFormula(_ table: Table) throws -> CompiledFormula? {
        guard table.lockCondition != nil else { return nil }
        return try compiledSchema().locks[table.id]
    }

    /// The rows among `rows` for which the table's lock condition holds now.
    func lockedRows(_ table: Table, rows: [RowID]) throws -> [RowID] {
        guard !rows.isEmpty, let formula = try lockFormula(table) else { return [] }
        let values = try evaluate(formula, in: table, rows: rows)
        return rows.filter { values[$0] == .bool(true) }
    }

    /// Whether a row of a table is locked now.
    func isLocked(_ table: Table, row: RowID) throws -> Bool {
        try !lockedRows(table, rows: [row]).isEmpty
    }

    private func lockError(_ table: Table, row: RowID, action: String) -> EngineError {
        let approver = schema.approverRole.map { "someone with the role \($0)" } ?? "an approver"
        // The package says why in its own terms; else the schema's rule is the reason.
        let why = ((try? attachments.lockExplainer?(self, table, row)) ?? nil) ?? "`lock when \(table.lockCondition ?? "")` holds for it"
        if action == "added" {
            return EngineError(.locked, "a new row of \(table.name) would be locked, so it cannot be added: \(why)",
                               hint: "ask \(approver) to lift the lock (e.g. reopen the period), or write the row where it is not locked")
        }
        return EngineError(.locked, "\(table.name) #\(row) is locked and cannot be \(action): \(why)",
                           remedy: .requestEdit(table: table.name, row: row, approver: approver))
    }

    /// Refuses to change or delete a row that is locked before the write.
    func checkLockBeforeWrite(_ table: Table, row: RowID, action: String) throws {
        guard table.lockCondition != nil else { return }
        if attachments.locksBypassed { attachments.exemptRows.insert(LockedRowKey(table: table.id, row: row)); return }
        if try isLocked(table, row: row) { throw lockError(table, row: row, action: action) }
    }

    /// After a command's writes and their recompute: refuses when a row it inserted or changed is
    /// locked afterwards (an entry added to, or moved into, an approved month). Rows that only had
    /// computed values change are not the command's writes and are not checked.
    func checkLocksAfterWrites(_ changes: ChangeSet) throws {
        let exempt = attachments.exemptRows
        attachments.exemptRows = []
        guard !attachments.locksBypassed else { return }
        for i in schema.tables.indices where changes.touchesRows(of: schema.tables[i].id) && schema.tables[i].lockCondition != nil {
            let table = schema.tables[i]
            var rows = Set(changes.inserted[table.id] ?? [])
            for (row, fields) in changes.cells[table.id] ?? [:] where fields.contains(where: { table.field(id: $0)?.isWritable ?? false }) {
                rows.insert(row)
            }
            rows.subtract(changes.deleted[table.id] ?? [])
            rows = rows.filter { !exempt.contains(LockedRowKey(table: table.id, row: $0)) }
            if let row = try lockedRows(table, rows: rows.sorted()).first {
                throw lockError(table, row: row, action: changes.inserted[table.id]?.contains(row) == true ? "added" : "changed")
            }
        }
    }

    /// Says why a locked row is locked, in a package's terms ("it is in November 2026, which is
    /// approved"); nil leaves the reason to the schema's `lock when` rule.
    public func explainLocks(with explainer: @escaping (Base, Table, RowID) throws -> String?) {
        attachments.lockExplainer = explainer
    }

    /// Runs `body` with lock rules suspended (an approved edit request; closing an expired
    /// interval). Packages suspend locks through `WriteTransaction.bypassingLocks`.
    func bypassingLocks<T>(_ body: () throws -> T) rethrows -> T {
        let was = attachments.locksBypassed
        attachments.locksBypassed = true
        defer { attachments.locksBypassed = was }
        return try body()
    }
}

/// A row written while locks were suspended, so the check after the command lets it be.
struct LockedRowKey: Hashable {
    var table: TableID
    var row: RowID
}
