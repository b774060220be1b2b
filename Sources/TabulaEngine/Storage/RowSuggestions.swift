import TabulaLanguage

extension Base {
    /// The primary value of a row of `table` closest to a mistyped reference (`Landng` for
    /// `Landing`, any case), for a did-you-mean; nil when none is close. Reads at most the
    /// first 5,000 rows' primary values.
    func closestPrimaryValue(to reference: String, in table: Table) throws -> String? {
        let primary = table.primaryField
        guard Layout.hasColumn(primary), primary.valueType.isTextual else { return nil }
        let texts = try db.query("SELECT DISTINCT \(Layout.column(primary.id)) FROM \(Layout.table(table.id)) WHERE \(Layout.column(primary.id)) IS NOT NULL LIMIT 5000")
            .map { primary.valueType.format(ValueCoding.decode($0[0], as: primary.valueType), context: schema.valueContext) }
        if let same = texts.first(where: { $0.lowercased() == reference.lowercased() }) { return same }
        return Suggestions.closest(to: reference, among: texts)
    }
}

extension Base {
    /// Rows that share a primary value, each with the first field that tells them apart
    /// (`#4 (project Web), #9 (project App)`), or by id alone when no field does.
    func describeCandidates(_ ids: [RowID], in table: Table) throws -> String {
        let records = try rows(of: table, ids: ids)
        for (i, field) in table.fields.enumerated().dropFirst() where field.kind.isShownToTellRowsApart {
            var shown: [String] = []
            for record in records {
                let value = record.values[i]
                if case .link(let spec) = field.kind, let target = schema.table(id: spec.target), case .link(let id) = value {
                    shown.append(try primaryValues(of: target, ids: [id])[id] ?? "#\(id)")
                } else {
                    shown.append(field.valueType.format(value, context: schema.valueContext))
                }
            }
            guard !shown.contains(""), Set(shown).count == shown.count else { continue }
            return zip(records, shown).map { "#\($0.id) (\(field.name) \($1))" }.joined(separator: ", ")
        }
        return ids.map { "#\($0)" }.joined(separator: ", ")
    }
}

extension FieldKind {
    /// Single values a person recognises a row by: data fields and single links, not lists or computed totals.
    var isShownToTellRowsApart: Bool {
        switch self {
        case .data: return true
        case .link(let spec): return !spec.many
        default: return false
        }
    }
}
