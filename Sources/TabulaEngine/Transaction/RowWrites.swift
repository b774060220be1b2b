import TabulaLanguage

/// Row writes: insert, update and delete with their links, defaults, uniqueness and history.
/// They exist only on a transaction, so nothing writes a row outside one.
extension WriteTransaction {
    // MARK: - Insert

    /// Adds rows given as text assignments; an error names the row's place (`labels[i]`, e.g.
    /// "line 3") and the field.
    @discardableResult
    public func insert(into tableName: String, rows: [[TextAssignment]], labels: [String]? = nil) throws -> [RowID] {
        let table = try base.table(named: tableName)
        var parsed: [[FieldID: Value]] = []
        parsed.reserveCapacity(rows.count)
        for (i, row) in rows.enumerated() {
            do {
                parsed.append(try base.parseAssignments(row, for: table))
            } catch let error as EngineError where labels != nil {
                throw error.prefixed("\(labels![i]): ")
            }
        }
        return try insertRows(into: table, rows: parsed, labels: labels)
    }

    /// Adds many rows with typed values: the bulk path every import and file load takes (call it
    /// once per chunk of rows: the recompute runs once, at the end of the transaction). An error
    /// names the row's place (`labels[i]`) and the field, and the transaction can no longer
    /// commit, so nothing of the call stays (inside `savepoint`, only the savepoint's work goes).
    @discardableResult
    public func insertRows(into table: Table, rows: [[FieldID: Value]], labels: [String]? = nil) throws -> [RowID] {
        try requireOpen()
        do {
            return try insertPlannedRows(into: table, rows: rows, labels: labels)
        } catch {
            if rows.count > 1 { failedBulkInsert = error }
            throw error
        }
    }

    /// Adds one row with typed values; fields not given take their default.
    @discardableResult
    public func insertRow(into table: Table, values given: [FieldID: Value]) throws -> RowID {
        try requireOpen()
        return try insertPlannedRows(into: table, rows: [given], labels: nil)[0]
    }

    /// Evaluates `default` formulas on a row just inserted (they read its other fields and links)
    /// and stores their values.
    func applyFormulaDefaults(_ defaults: [(Field, CompiledFormula)], in table: Table, row id: RowID,
                                      into values: inout [FieldID: Value]) throws {
        var computed: [FieldID: Value] = [:]
        for (field, formula) in defaults {
            let value = try DefaultValues.conform(try base.evaluate(formula, in: table, rows: [id])[id] ?? .blank, to: field, in: table)
            if field.isRequired && value.isBlank {
                throw EngineError(.invalidValue, "\(table.name).\(field.name) is required, and its default gave no value for this row",
                                  hint: "give it a value: \(field.name)=...")
            }
            computed[field.id] = value
        }
        try checkUnique(table, values: computed, excluding: id)
        let sets = computed.keys.sorted().map { "\(Layout.column($0)) = ?" }
        try db.cachedStatement("UPDATE \(Layout.table(table.id)) SET \(sets.joined(separator: ", ")) WHERE id = ?")
            .run(computed.keys.sorted().map { ValueCoding.encode(computed[$0]!) } + [.integer(id)])
        values.merge(computed) { _, new in new }
    }

    func nextAutonumber(_ field: Field) throws -> Int64 {
        let key = "autonumber.\(field.id)"
        let current = try db.scalar("SELECT value FROM \(Layout.meta) WHERE key = ?", [.text(key)]).int64Value ?? 0
        try db.execute("INSERT OR REPLACE INTO \(Layout.meta) VALUES (?, ?)", [.text(key), .integer(current + 1)])
        return current + 1
    }

    func checkUnique(_ table: Table, values: [FieldID: Value], excluding row: RowID?) throws {
        for field in table.fields where field.isUnique {
            guard let v = values[field.id], !v.isBlank else { continue }
            let rows = try db.cachedStatement("SELECT id FROM \(Layout.table(table.id)) WHERE \(Layout.column(field.id)) = ? AND id IS NOT ? LIMIT 1")
                .rows([ValueCoding.encode(v), row.map { .integer($0) } ?? .null])
            if let other = rows.first?[0].int64Value {
                throw EngineError(.conflict, "\(table.name).\(field.name) must be unique, and '\(base.display(v, of: field))' is already used by row #\(other)",
                                  hint: "choose another value, or change row #\(other) first")
            }
        }
    }

    // MARK: - Update

    /// Changes fields of one row given as text assignments (the row by `#id` or primary value).
    @discardableResult
    public func update(_ tableName: String, row reference: String, _ assignments: [TextAssignment]) throws -> RowID {
        let table = try base.table(named: tableName)
        let id = try base.resolveRow(reference, in: table)
        try updateRow(in: table, id: id, values: try base.parseAssignments(assignments, for: table))
        return id
    }

    /// Changes fields of one row with typed values.
    public func updateRow(in table: Table, id: RowID, values given: [FieldID: Value]) throws {
        try requireOpen()
        guard let old = try base.readRow(of: table, row: id, fields: Array(given.keys)) else {
            throw EngineError(.notFound, "table \(table.name) has no row #\(id)", remedy: .listRows(table: table.name))
        }
        try base.checkAccessBeforeWrite(table, row: id, action: "changed")
        try base.checkLockBeforeWrite(table, row: id, action: "changed")
        try base.checkNotFedRow(table, row: id, action: "changed")
        try base.checkCopyWrite(table, fields: Set(given.keys), action: "changed")
        var values = given
        for field in table.fields where values[field.id] != nil {
            if field.isRequired && values[field.id]!.isBlank {
                throw EngineError(.invalidValue, "\(table.name).\(field.name) is required and cannot be emptied", hint: "give it a value")
            }
        }
        // Keep only real changes.
        for (fid, v) in values where old[fid] == v || (old[fid]?.isBlank == true && v.isBlank) { values[fid] = nil }
        if values.isEmpty { return }
        try checkUnique(table, values: values, excluding: id)
        for (fid, _) in values { base.pending?.recordBefore(table.id, id, fid, old[fid] ?? .blank) }
        for field in table.fields where field.kind == .modified { values[field.id] = .datetime(now()) }
        var sets: [String] = []
        var arguments: [SQLValue] = []
        var history: [Base.HistoryLine] = []
        for field in table.fields {
            guard let v = values[field.id] else { continue }
            if Layout.hasColumn(field) {
                sets.append("\(Layout.column(field.id)) = ?")
                arguments.append(ValueCoding.encode(v))
            } else if case .link(let spec) = field.kind {
                try writeLinkSet(field, spec: spec, in: table, row: id, to: v.linkIDs)
            }
            if field.isWritable {
                history.append(Base.HistoryLine(field: field.id, old: old[field.id].flatMap { $0.isBlank ? nil : base.display($0, of: field) },
                                           new: v.isBlank ? nil : base.display(v, of: field)))
            }
            base.noteChange(table.id, id, field.id)
            noteInverseChange(of: field, from: old[field.id], to: v)
        }
        try base.recordHistory(action: "update", table: table.id, row: id, lines: history)
        if !sets.isEmpty {
            arguments.append(.integer(id))
            try db.cachedStatement("UPDATE \(Layout.table(table.id)) SET \(sets.joined(separator: ", ")) WHERE id = ?").run(arguments)
        }
    }

    // MARK: - Links

    /// A single link stored in this row's column changed: the rows it pointed at before and after
    /// see their inverse (derived) link change, so mirrors over it are recomputed.
    private func noteInverseChange(of field: Field, from old: Value?, to new: Value) {
        guard case .link(let spec) = field.kind, spec.storage == .column, let inverse = spec.inverse else { return }
        if case .link(let before)? = old { base.noteChange(spec.target, before, inverse) }
        if case .link(let after) = new { base.noteChange(spec.target, after, inverse) }
    }

    /// Makes a multiple (junction or derived) link of one row point at exactly `targets`.
    func writeLinkSet(_ field: Field, spec: LinkSpec, in table: Table, row: RowID, to targets: [RowID]) throws {
        switch spec.storage {
        case .column:
            break
        case .junction:
            let j = Layout.junction(field.id)
            try db.cachedStatement("DELETE FROM \(j) WHERE a = ?").run([.integer(row)])
            let insert = try db.cachedStatement("INSERT OR IGNORE INTO \(j) (a, b) VALUES (?, ?)")
            for t in targets {
                try requireRow(t, in: spec.target, for: field, of: table)
                try insert.run([.integer(row), .integer(t)])
                if let inverse = spec.inverse { base.noteChange(spec.target, t, inverse) }
            }
        case .derived:
            guard let inverseID = spec.inverse, let (otherTable, inverse) = schema.field(id: inverseID),
                  case .link(let inverseSpec) = inverse.kind else { return }
            let current = try base.linkedIDs(field, spec: spec, row: row)
            switch inverseSpec.storage {
            case .column:
                // Each target row's single link points here; rows no longer listed are cleared.
                for gone in current where !targets.contains(gone) {
                    try updateRow(in: otherTable, id: gone, values: [inverse.id: .blank])
                }
                for t in targets where !current.contains(t) {
                    try requireRow(t, in: spec.target, for: field, of: table)
                    try updateRow(in: otherTable, id: t, values: [inverse.id: .link(row)])
                }
            case .junction:
                let j = Layout.junction(inverse.id)
                for gone in current where !targets.contains(gone) {
                    try db.cachedStatement("DELETE FROM \(j) WHERE a = ? AND b = ?").run([.integer(gone), .integer(row)])
                    base.noteChange(otherTable.id, gone, inverse.id)
                }
                for t in targets where !current.contains(t) {
                    try requireRow(t, in: spec.target, for: field, of: table)
                    try db.cachedStatement("INSERT OR IGNORE INTO \(j) (a, b) VALUES (?, ?)").run([.integer(t), .integer(row)])
                    base.noteChange(otherTable.id, t, inverse.id)
                }
            case .derived:
                break
            }
        }
    }

    private func requireRow(_ id: RowID, in tableID: TableID, for field: Field, of table: Table) throws {
        guard let target = schema.table(id: tableID), try base.rowExists(id, in: target) else {
            throw EngineError(.notFound, "\(table.name).\(field.name): there is no row #\(id) to link to", hint: "link to an existing row")
        }
    }

    // MARK: - Delete

    /// Deletes one row by `#id` or primary value.
    @discardableResult
    public func delete(_ tableName: String, row reference: String) throws -> RowID {
        let table = try base.table(named: tableName)
        let id = try base.resolveRow(reference, in: table)
        try deleteRow(from: table, id: id)
        return id
    }

    /// Deletes a row, applying each incoming link's `on delete` rule.
    public func deleteRow(from table: Table, id: RowID) throws {
        try requireOpen()
        guard try base.rowExists(id, in: table) else { return }
        try base.checkAccessBeforeWrite(table, row: id, action: "deleted")
        try base.checkLockBeforeWrite(table, row: id, action: "deleted")
        try base.checkNotFedRow(table, row: id, action: "deleted")
        try base.checkCopyWrite(table, fields: nil, action: "deleted")
        // Incoming links from other rows: restrict, cascade or clear.
        for other in schema.tables {
            for field in other.fields {
                guard case .link(let spec) = field.kind, spec.target == table.id, spec.storage != .derived else { continue }
                guard let relation = LinkRelation(field, in: schema) else { continue }
                let linking = try db.cachedStatement(relation.reverseSQL(count: 1)).rows([.integer(id)]).compactMap { $0[1].int64Value }
                let others = linking.filter { !(other.id == table.id && $0 == id) }
                if others.isEmpty { continue }
                switch spec.onDelete {
                case .restrict:
                    throw EngineError(.conflict, "\(table.name) #\(id) cannot be deleted: \(others.count) row(s) of \(other.name) link to it through \(field.name) (\(others.prefix(5).map { "#\($0)" }.joined(separator: ", ")))",
                                      hint: "delete or re-link those rows first (the schema says 'on delete restrict')")
                case .cascade:
                    for r in others { try deleteRow(from: other, id: r) }
                case .clear:
                    for r in others {
                        if spec.storage == .column {
                            try updateRow(in: other, id: r, values: [field.id: .blank])
                        } else {
                            let remaining = try base.linkedIDs(field, spec: spec, row: r).filter { $0 != id }
                            try updateRow(in: other, id: r, values: [field.id: .list(remaining.map(Value.link))])
                        }
                    }
                }
            }
        }
        let old = try base.readValues(of: table, row: id, fields: table.fields.filter { $0.isWritable || Layout.hasColumn($0) }.map(\.id))
        for field in table.fields where Layout.hasColumn(field) { base.pending?.recordBefore(table.id, id, field.id, old[field.id] ?? .blank) }
        for field in table.fields where field.isWritable {
            if let v = old[field.id], !v.isBlank {
                try base.recordHistory(action: "delete", table: table.id, row: id, field: field.id, old: base.display(v, of: field))
            }
            if case .link(let spec) = field.kind, let inverse = spec.inverse {
                for target in old[field.id]?.linkIDs ?? [] { base.noteChange(spec.target, target, inverse) }
            }
        }
        try base.recordHistory(action: "delete", table: table.id, row: id)
        for field in table.fields {
            if case .link(let spec) = field.kind, case .junction(let owner) = spec.storage, owner == field.id {
                try db.cachedStatement("DELETE FROM \(Layout.junction(owner)) WHERE a = ?").run([.integer(id)])
            }
        }
        try db.cachedStatement("DELETE FROM \(Layout.table(table.id)) WHERE id = ?").run([.integer(id)])
        base.pending?.delete(table.id, id)
    }
}
