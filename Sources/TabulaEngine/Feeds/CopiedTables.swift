import Foundation

/// `table T from BASE.TABLE`: a table whose rows are another base's, kept here so its rows can be
/// linked, timed and reported on with this base's own fields. Its data fields are the source's
/// fields of the same names; its links, formulas, mirrors and timers are this base's own.
extension Base {
    /// The fields a copied table takes from its source: its data fields.
    func copiedFields(_ table: Table) -> [Field] {
        table.fields.filter { if case .data = $0.kind { return true } else { return false } }
    }

    /// Refuses to add or delete a copied table's rows, or change its copied fields, except while
    /// the copy is refreshed: the source base owns them.
    func checkCopyWrite(_ table: Table, fields: Set<FieldID>?, action: String) throws {
        guard let source = table.copiedFrom, !attachments.refreshingCopies, !attachments.locksBypassed else { return }
        let copied = Set(copiedFields(table).map(\.id))
        if let fields, fields.isDisjoint(with: copied) { return }
        let what = fields == nil ? "its rows cannot be \(action) here" : "its field\(fields!.intersection(copied).count == 1 ? "" : "s") \(table.fields.filter { fields!.intersection(copied).contains($0.id) }.map(\.name).joined(separator: ", ")) cannot be \(action) here"
        throw EngineError(.forbidden, "\(table.name) is a copy of \(source.description), so \(what)",
                          hint: "change it in the base \(source.base); `tabula feed sync` brings the change here")
    }

    /// The row of the source table a copied row stands for.
    func copySourceRow(_ table: Table, row: RowID) throws -> RowID? {
        guard try internalTableExists(FeedStore.copies) else { return nil }
        return try db.cachedStatement("SELECT source_row FROM \(FeedStore.copies) WHERE table_id = ? AND row = ?")
            .rows([.integer(Int64(table.id)), .integer(row)]).first?[0].int64Value
    }

    /// The rows of one of this base's tables with the named fields as typed text: what another
    /// base's copy of the table takes. Rows this base's actor may not read are left out.
    public func sourceRows(of tableName: String, fields names: [String]) throws -> [SourceRow] {
        let table = try self.table(named: tableName)
        let fields = try names.map { try field(named: $0, in: table) }
        let positions = fields.map { f in table.fields.firstIndex { $0.id == f.id } ?? 0 }
        var rows: [SourceRow] = []
        for chunk in try readableRowIDs(of: table).chunked(500) {
            for record in try self.rows(of: table, ids: Array(chunk)) {
                var values: [String: String] = [:]
                for (field, position) in zip(fields, positions) { values[field.name] = try feedText(record.values[position], of: field) }
                rows.append(SourceRow(id: record.id, fields: values))
            }
        }
        return rows
    }

    /// What one refresh of the copied tables did.
    public struct CopyRefresh: Sendable, Hashable {
        public var added = 0, changed = 0, removed = 0
        /// Copied tables whose source could not be read, with why.
        public var unreachable: [String] = []
    }

    /// Brings every copied table up to its source: new rows added, changed ones updated, rows
    /// gone there deleted here (links to them clear, as a delete does). Skipped for a source
    /// that has not changed since the last refresh, unless `force`.
    @discardableResult
    public func refreshCopies(force: Bool = false) throws -> CopyRefresh {
        var result = CopyRefresh()
        for table in schema.tables {
            guard let source = table.copiedFrom else { continue }
            let transport: any OtherBaseTransport
            let stamp: Int64?
            let rows: [SourceRow]
            do {
                transport = try self.transport(to: source.base)
                stamp = try transport.changeStamp()
                if !force, let stamp, try copyStamp(table) == stamp { continue }
                rows = try transport.sourceRows(of: source.table, fields: copiedFields(table).map(\.name))
            } catch {
                result.unreachable.append("\(source.description): \((error as? EngineError)?.message ?? "\(error)")")
                continue
            }
            let was = attachments.refreshingCopies
            attachments.refreshingCopies = true
            defer { attachments.refreshingCopies = was }
            try write { tx in
                try ensureFeedStorage()
                var known: [RowID: RowID] = [:]
                for r in try db.cachedStatement("SELECT source_row, row FROM \(FeedStore.copies) WHERE table_id = ?").rows([.integer(Int64(table.id))]) {
                    if let s = r[0].int64Value, let l = r[1].int64Value { known[s] = l }
                }
                let map = try db.cachedStatement("INSERT INTO \(FeedStore.copies) (table_id, source_row, row) VALUES (?, ?, ?) ON CONFLICT (table_id, source_row) DO UPDATE SET row = excluded.row")
                var seen: Set<RowID> = []
                for row in rows {
                    seen.insert(row.id)
                    let values = try parseAssignments(row.fields.sorted { $0.key < $1.key }.map { TextAssignment(field: $0.key, text: $0.value) }, for: table)
                    if let local = known[row.id], try rowExists(local, in: table) {
                        let before = tx.changes.cellCount
                        try tx.updateRow(in: table, id: local, values: values)
                        if tx.changes.cellCount != before { result.changed += 1 }
                    } else {
                        let id = try tx.insertRow(into: table, values: values)
                        try map.run([.integer(Int64(table.id)), .integer(row.id), .integer(id)])
                        result.added += 1
                    }
                }
                for (sourceRow, local) in known where !seen.contains(sourceRow) {
                    try tx.deleteRow(from: table, id: local)
                    try db.cachedStatement("DELETE FROM \(FeedStore.copies) WHERE table_id = ? AND source_row = ?").run([.integer(Int64(table.id)), .integer(sourceRow)])
                    result.removed += 1
                }
                if let stamp { try setCopyStamp(table, stamp) }
            }
        }
        return result
    }

    private func copyStamp(_ table: Table) throws -> Int64? {
        try db.cachedStatement("SELECT value FROM \(Layout.meta) WHERE key = ?").rows([.text("copy_stamp:\(table.id)")]).first?[0].int64Value
    }

    private func setCopyStamp(_ table: Table, _ stamp: Int64) throws {
        try db.cachedStatement("INSERT INTO \(Layout.meta) (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .run([.text("copy_stamp:\(table.id)"), .integer(stamp)])
    }
}
