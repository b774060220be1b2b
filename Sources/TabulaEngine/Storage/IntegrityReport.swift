/// Everything `Integrity.full()` found: SQLite's own integrity check, the foreign-key check,
/// computed values against a full recompute, and the audit history against the rows.
public struct IntegrityReport: Sendable, Hashable {
    /// Lines of `PRAGMA integrity_check` other than `ok`: the file itself is damaged.
    public var storage: [String]
    /// Links whose target row is missing.
    public var danglingLinks: [DanglingLink]
    /// Computed values that differ from a full recompute.
    public var computed: [ComputedMismatch]
    /// Rows without the history of their insert, and inserts in the history whose row is gone
    /// without a delete.
    public var history: [HistoryGap]
    /// Whether the computed values were repaired in this run.
    public var computedFixed: Bool

    /// Nothing wrong (repaired computed values count as clean).
    public var isClean: Bool { storage.isEmpty && danglingLinks.isEmpty && history.isEmpty && (computed.isEmpty || computedFixed) }
}

/// A link (a column or a pair of a link's junction) whose target row does not exist.
public struct DanglingLink: Sendable, Hashable, CustomStringConvertible {
    public var table: String
    public var field: String
    /// The row holding the link; nil for a pair of a junction (which has no row id).
    public var row: RowID?
    public var target: String
    public var description: String {
        "\(table).\(field)\(row.map { " #\($0)" } ?? ""): links to a row of \(target) that does not exist"
    }
}

/// A row and its audit history that disagree.
public struct HistoryGap: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The row is in its table but no insert of it is recorded: it was written outside Tabula.
        case rowWithoutHistory
        /// An insert is recorded but the row is gone, and no delete of it is recorded.
        case historyWithoutRow
    }
    public var table: String
    public var row: RowID
    public var kind: Kind
    public var description: String {
        switch kind {
        case .rowWithoutHistory: return "\(table) #\(row): the row has no history of its insert"
        case .historyWithoutRow: return "\(table) #\(row): the history records its insert, but the row is gone and no delete is recorded"
        }
    }
}

extension Base {
    /// SQLite's `integrity_check`, the foreign-key check, the computed values against a full
    /// recompute (repaired with `fixComputed`) and the history check, in that order. A damaged
    /// file stops after the first: the other checks would read damaged pages.
    func fullIntegrityCheck(fixComputed: Bool) throws -> IntegrityReport {
        var report = IntegrityReport(storage: [], danglingLinks: [], computed: [], history: [], computedFixed: false)
        report.storage = try db.query("PRAGMA integrity_check(100)").compactMap { $0.first?.textValue }.filter { $0 != "ok" }
        guard report.storage.isEmpty else { return report }
        report.danglingLinks = try danglingLinks()
        report.computed = try check(fix: fixComputed)
        report.computedFixed = fixComputed && !report.computed.isEmpty
        report.history = try historyGaps()
        return report
    }

    private func danglingLinks() throws -> [DanglingLink] {
        var found: [DanglingLink] = []
        for row in try db.query("PRAGMA foreign_key_check") {
            guard let sqlTable = row[0].textValue, let parent = row[2].textValue else { continue }
            let targetName = TableID(parent.dropFirst()).flatMap { schema.table(id: $0)?.name } ?? parent
            if sqlTable.hasPrefix("t"), let id = TableID(sqlTable.dropFirst()), let table = schema.table(id: id) {
                // The failing constraint's column names the link field.
                let keys = try db.query("PRAGMA foreign_key_list(\(sqlTable))")
                let column = keys.first { $0[0].int64Value == row[3].int64Value }?[3].textValue
                let field = column.flatMap { FieldID($0.dropFirst()) }.flatMap { table.field(id: $0)?.name } ?? "link"
                found.append(DanglingLink(table: table.name, field: field, row: row[1].int64Value, target: targetName))
            } else if sqlTable.hasPrefix("j"), let owner = FieldID(sqlTable.dropFirst()), let (table, field) = schema.field(id: owner) {
                found.append(DanglingLink(table: table.name, field: field.name, row: nil, target: targetName))
            } else {
                found.append(DanglingLink(table: sqlTable, field: "link", row: row[1].int64Value, target: targetName))
            }
        }
        return found
    }

    private func historyGaps() throws -> [HistoryGap] {
        var gaps: [HistoryGap] = []
        for table in schema.tables {
            let t = Layout.table(table.id), h = Layout.history
            let unrecorded = try db.query("""
                SELECT id FROM \(t) WHERE id NOT IN
                  (SELECT row_id FROM \(h) WHERE table_id = ? AND action = 'insert' AND row_id IS NOT NULL) ORDER BY id LIMIT 1000
                """, [.integer(Int64(table.id))])
            gaps += unrecorded.compactMap { $0[0].int64Value }.map { HistoryGap(table: table.name, row: $0, kind: .rowWithoutHistory) }
            let vanished = try db.query("""
                SELECT DISTINCT row_id FROM \(h) WHERE table_id = ?1 AND action = 'insert' AND row_id IS NOT NULL
                  AND row_id NOT IN (SELECT id FROM \(t))
                  AND row_id NOT IN (SELECT row_id FROM \(h) WHERE table_id = ?1 AND action = 'delete' AND row_id IS NOT NULL)
                ORDER BY row_id LIMIT 1000
                """, [.integer(Int64(table.id))])
            gaps += vanished.compactMap { $0[0].int64Value }.map { HistoryGap(table: table.name, row: $0, kind: .historyWithoutRow) }
        }
        return gaps
    }
}
