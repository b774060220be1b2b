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
