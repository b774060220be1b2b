import TabulaLanguage

/// A row that breaks one of its table's `check EXPR else "MESSAGE"` rules.
public struct CheckViolation: Sendable {
    public var table: String
    public var row: RowID
    public var check: RowCheck
    /// The same-row fields the condition reads, with the row's values as text: `start 2026-11-19 09:00`.
    public var values: [(field: String, value: String)]

    /// `TimeEntries #7: the interval ends before it starts (start 2026-11-19 09:00, end 2026-11-19 08:00)`
    public var description: String {
        let shown = values.map { "\($0.field) \($0.value.isEmpty ? "blank" : $0.value)" }.joined(separator: ", ")
        return "\(table) #\(row): \(check.message)" + (shown.isEmpty ? "" : " (\(shown))")
    }
}

extension Base {
    /// The compiled conditions of a table's checks (compiled once with the schema).
    func checkFormulas(_ table: Table) throws -> [(RowCheck, CompiledFormula)] {
        try compiledSchema().checks[table.id] ?? []
    }

    /// The rows among `rows` that break a check of the table, each with the first check it breaks.
    /// A row breaks a check when the condition is false; blank and error values pass.
    public func checkViolations(_ table: Table, rows: [RowID], limit: Int = .max) throws -> [CheckViolation] {
        let formulas = try checkFormulas(table)
        guard !formulas.isEmpty, !rows.isEmpty else { return [] }
        var found: [CheckViolation] = []
        var seen: Set<RowID> = []
        for chunk in rows.chunked(2000) {
            for (check, formula) in formulas {
                let values = try evaluate(formula, in: table, rows: Array(chunk))
                for row in chunk where values[row] == .bool(false) && !seen.contains(row) {
                    seen.insert(row)
                    found.append(CheckViolation(table: table.name, row: row, check: check, values: try shownValues(formula, table: table, row: row)))
                    if found.count >= limit { return found.sorted { $0.row < $1.row } }
                }
            }
        }
        return found.sorted { $0.row < $1.row }
    }

    /// The fields of the row that a condition reads directly, with their values as text.
    private func shownValues(_ formula: CompiledFormula, table: Table, row: RowID) throws -> [(field: String, value: String)] {
        var ids: [FieldID] = []
        for path in formula.paths where path.count == 1 && !ids.contains(path[0]) { ids.append(path[0]) }
        let order = Dictionary(uniqueKeysWithValues: table.fields.enumerated().map { ($1.id, $0) })
        ids.sort { (order[$0] ?? 0) < (order[$1] ?? 0) }
        let values = try readValues(of: table, row: row, fields: ids)
        return ids.compactMap { id in
            guard let field = table.field(id: id) else { return nil }
            return (field.name, field.valueType.format(values[id] ?? .blank, context: schema.valueContext))
        }
    }

    /// After a command's writes and their recompute: refuses when a row it inserted or changed
    /// (written or recomputed) breaks a check of its table.
    func checkRowsAfterWrites(_ changes: ChangeSet) throws {
        for i in schema.tables.indices where changes.touchesRows(of: schema.tables[i].id) && !(schema.tables[i].checks ?? []).isEmpty {
            let table = schema.tables[i]
            var rows = Set(changes.inserted[table.id] ?? [])
            if let cells = changes.cells[table.id] { rows.formUnion(cells.keys) }
            rows.subtract(changes.deleted[table.id] ?? [])
            if let violation = try checkViolations(table, rows: rows.sorted(), limit: 1).first {
                let place = rowLabels[table.id]?[violation.row].map { "\($0): " } ?? ""
                throw EngineError(.invalidValue, place + violation.description,
                                  hint: "every row of \(table.name) must keep `check \(violation.check.condition)`; give values for which it holds (nothing was written)")
            }
        }
    }
}
