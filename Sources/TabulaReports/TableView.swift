import TabulaEngine
import TabulaIO

/// Builds the printable view of a table's rows: every field, links shown by the linked rows'
/// primary values, volatile formulas computed at read.
public enum TableView {
    /// With `linksShown`, a multiple link with more rows than that shows the first few and how
    /// many there are in all (`#1, #2, #3, … 12 in all`): a terminal table stays readable, while
    /// CSV and JSON (and `show --full`) pass nil and get every row.
    /// With `ids`, only those rows (in that order), as they are now.
    public static func make(_ base: Base, table: Table, where filter: String? = nil, linksShown: Int? = nil, ids: [RowID]? = nil) throws -> ResultTable {
        var records = try base.rows(of: table, ids: ids)
        if let ids {
            let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            records = ids.compactMap { byID[$0] }
        }
        if table.readCondition != nil {
            let readable = Set(try base.permittedRows(.read, of: table, among: records.map(\.id)))
            records = records.filter { readable.contains($0.id) }
        }
        if let filter {
            let keep = Set(try base.filterRows(table, where: filter))
            records = records.filter { keep.contains($0.id) }
        }
        var columns: [ResultColumn] = []
        var linkNames: [Int: [RowID: String]] = [:]
        for (i, field) in table.fields.enumerated() {
            if case .link(let spec) = field.kind, let target = base.schema.table(id: spec.target) {
                let ids = records.flatMap { r -> [RowID] in
                    switch r.values[i] {
                    case .link(let id): return [id]
                    case .list(let items): return items.compactMap { if case .link(let id) = $0 { return id } else { return nil } }
                    default: return []
                    }
                }
                linkNames[i] = try base.primaryValues(of: target, ids: ids)
                columns.append(ResultColumn(name: field.name, type: spec.many ? .list(.text) : .text))
            } else {
                columns.append(ResultColumn(name: field.name, type: field.valueType))
            }
        }
        let rows: [[Value]] = records.map { record in
            record.values.enumerated().map { i, v in
                guard let names = linkNames[i] else { return v }
                switch v {
                case .link(let id): return .text(names[id] ?? "#\(id)")
                case .list(let items):
                    let named = items.map { item -> Value in if case .link(let id) = item { return .text(names[id] ?? "#\(id)") } else { return item } }
                    if let limit = linksShown, named.count > limit {
                        return .list(Array(named.prefix(limit)) + [.text("… \(named.count) in all")])
                    }
                    return .list(named)
                default: return v
                }
            }
        }
        return ResultTable(columns: columns, rows: rows, ids: records.map(\.id))
    }

    /// The tables of a base and their fields, for `show` without a table.
    public static func schemaSummary(_ schema: Schema) -> ResultTable {
        var rows: [[Value]] = []
        for table in schema.tables {
            for (i, field) in table.fields.enumerated() {
                var notes: [String] = []
                if i == 0 { notes.append("primary") }
                if field.isRequired { notes.append("required") }
                if field.isUnique { notes.append("unique") }
                rows.append([.text(table.name), .text(field.name), .text(describe(field.kind, schema)), .text(notes.joined(separator: ", "))])
            }
        }
        return ResultTable(columns: [ResultColumn(name: "table", type: .text), ResultColumn(name: "field", type: .text),
                                     ResultColumn(name: "type", type: .text), ResultColumn(name: "notes", type: .text)], rows: rows)
    }

    /// A field's kind as `show` describes it (`link Tasks[]`, `mirror sum -> duration`).
    public static func describe(_ kind: FieldKind, _ schema: Schema) -> String {
        switch kind {
        case .link(let l): return "link \(schema.table(id: l.target)?.name ?? "?")\(l.many ? "[]" : "")"
        case .formula(let f): return "formula \(f.source) -> \(f.resultType.displayName)"
        case .mirror(let m): return "mirror \(m.aggregate.rawValue) -> \(m.resultType.displayName)"
        case .timer(let t): return "timer -> \(schema.table(id: t.logTable)?.name ?? "?")"
        default: return kind.summary
        }
    }
}
