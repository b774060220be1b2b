import Foundation
/// One line of a base's audit history: who wrote what, when, to which cell.
public struct HistoryEntry: Sendable, Hashable {
    public var sequence: Int64
    public var at: Instant
    public var actor: String
    /// insert, update, delete, schema, or a timer or approval action.
    public var action: String
    /// Current names (ids stay stable across renames); nil for base-wide entries.
    public var table: String?
    public var row: RowID?
    public var field: String?
    public var oldValue: String?
    public var newValue: String?
    public var note: String?
}

extension Base {
    /// The audit history, oldest first; optionally of one table, or one row of it.
    func history(table: Table? = nil, row: RowID? = nil, limit: Int? = nil) throws -> [HistoryEntry] {
        var sql = "SELECT id, at, actor, action, table_id, row_id, field_id, old, new, note FROM \(Layout.history)"
        var arguments: [SQLValue] = []
        if let table {
            sql += " WHERE table_id = ?"
            arguments.append(.integer(Int64(table.id)))
            if let row { sql += " AND row_id = ?"; arguments.append(.integer(row)) }
        }
        sql += " ORDER BY id"
        if let limit { sql = "SELECT * FROM (\(sql) DESC LIMIT \(limit)) ORDER BY id" }
        return try db.query(sql, arguments).map { r in
            let tableID = r[4].int64Value.map { TableID($0) }
            let fieldID = r[6].int64Value.map { FieldID($0) }
            let field = fieldID.flatMap { schema.field(id: $0)?.field }
            return HistoryEntry(sequence: r[0].int64Value ?? 0, at: Instant(millisecondsSinceEpoch: r[1].int64Value ?? 0),
                                actor: r[2].textValue ?? "", action: r[3].textValue ?? "",
                                table: tableID.map { schema.table(id: $0)?.name ?? "table \($0)" },
                                row: r[5].int64Value,
                                field: fieldID.map { schema.field(id: $0)?.field.name ?? "field \($0)" },
                                oldValue: try r[7].textValue.map { try linkNames($0, field) },
                                newValue: try r[8].textValue.map { try linkNames($0, field) }, note: r[9].textValue)
        }
    }

    /// A link field's recorded value (`#3, #7`) shown by the linked rows' primary values
    /// (`anna, boris`); a row deleted since keeps its `#id`. Other values are returned as recorded.
    private func linkNames(_ text: String, _ field: Field?) throws -> String {
        guard let field, case .link(let spec) = field.kind, let target = schema.table(id: spec.target) else { return text }
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let ids = parts.compactMap { $0.hasPrefix("#") ? RowID($0.dropFirst()) : nil }
        guard ids.count == parts.count else { return text }
        let names = try primaryValues(of: target, ids: ids)
        return ids.map { names[$0] ?? "#\($0)" }.joined(separator: ", ")
    }
}
