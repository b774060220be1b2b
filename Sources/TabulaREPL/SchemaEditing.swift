import TabulaEngine
import TabulaLanguage

/// Merges the REPL's schema statements into the base's schema, as a syntax tree that is printed
/// back as schema source and migrated to. Pure: the session does the migrating.
enum SchemaEditing {
    /// The schema source as a tree, without source ranges and without `was` markers (they served
    /// the migration that applied them; left in, they would rename again on the next one).
    static func current(_ source: String) throws -> SchemaFile {
        var file = try SchemaParser.parse(SourceText(name: "schema", text: source)).withoutSourceRanges
        for t in file.tables.indices {
            file.tables[t].previousName = nil
            for f in file.tables[t].fields.indices {
                file.tables[t].fields[f].modifiers.removeAll { if case .previousName = $0 { return true } else { return false } }
            }
        }
        return file
    }

    /// A statement's settings, tables and reports laid over the schema: a table (or a table
    /// renamed from one, with `was`) replaces the table of that name, a setting or report the one
    /// of its name; others are appended.
    static func merge(_ statement: SchemaFile, into file: inout SchemaFile) {
        for setting in statement.settings {
            if let i = file.settings.firstIndex(where: { $0.key == setting.key }) { file.settings[i] = setting } else { file.settings.append(setting) }
        }
        for table in statement.tables {
            if let i = tableIndex(table.previousName ?? table.name, in: file) ?? tableIndex(table.name, in: file) {
                file.tables[i] = table
            } else {
                file.tables.append(table)
            }
        }
        if let reportTable = statement.reportTable { file.reportTable = reportTable }
        for report in statement.reports {
            if let i = file.reports.firstIndex(where: { $0.name.text.lowercased() == report.name.text.lowercased() }) {
                file.reports[i] = report
            } else {
                file.reports.append(report)
            }
        }
    }

    /// The file with only the statement's own saved reports: those from the base's source have no
    /// place in the statement, so they are checked later, with the whole schema text.
    static func withStatementReportsOnly(_ file: SchemaFile) -> SchemaFile {
        var checked = file
        checked.reports.removeAll { $0.queryRange.start.offset == 0 && $0.queryRange.end.offset == 0 }
        return checked
    }

    /// Adds `field` to `table`, or replaces the field of its name (or of its `was` name).
    static func setField(_ field: FieldDecl, in table: Name, of file: inout SchemaFile) throws(SyntaxError) {
        let t = try existingTable(table, in: file)
        let old = field.modifiers.lazy.compactMap { if case .previousName(let n) = $0 { return n } else { return nil } }.first
        let fields = file.tables[t].fields
        if let i = fieldIndex(old ?? field.name, in: fields) ?? fieldIndex(field.name, in: fields) {
            file.tables[t].fields[i] = field
        } else {
            file.tables[t].fields.append(field)
        }
    }

    static func dropTable(_ table: Name, from file: inout SchemaFile) throws(SyntaxError) {
        file.tables.remove(at: try existingTable(table, in: file))
    }

    static func dropField(_ field: Name, of table: Name, from file: inout SchemaFile) throws(SyntaxError) {
        let t = try existingTable(table, in: file)
        let fields = file.tables[t].fields
        guard let i = fieldIndex(field, in: fields) else {
            let names = fields.map(\.name.text)
            throw SyntaxError("table \(file.tables[t].name.text) has no field '\(field.text)'", at: field.range,
                              hint: Suggestions.didYouMean(field.text, among: names) ?? (names.isEmpty ? "it has no fields yet" : "its fields are: \(names.joined(separator: ", "))"))
        }
        file.tables[t].fields.remove(at: i)
    }

    private static func existingTable(_ name: Name, in file: SchemaFile) throws(SyntaxError) -> Int {
        if let i = tableIndex(name, in: file) { return i }
        let names = file.tables.map(\.name.text)
        throw SyntaxError("no table '\(name.text)'", at: name.range,
                          hint: Suggestions.didYouMean(name.text, among: names)
                            ?? (names.isEmpty ? "make one first: table \(name.quoted) { name text }" : "the tables are: \(names.joined(separator: ", "))"))
    }

    private static func tableIndex(_ name: Name, in file: SchemaFile) -> Int? {
        file.tables.firstIndex { $0.name.text == name.text } ?? file.tables.firstIndex { $0.name.text.lowercased() == name.text.lowercased() }
    }

    private static func fieldIndex(_ name: Name, in fields: [FieldDecl]) -> Int? {
        fields.firstIndex { $0.name.text == name.text } ?? fields.firstIndex { $0.name.text.lowercased() == name.text.lowercased() }
    }
}
