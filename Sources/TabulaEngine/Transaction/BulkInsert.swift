import TabulaLanguage

/// What inserting into one table takes, worked out once per schema version: the columns of one
/// INSERT statement, the defaults, the required and unique fields, the links kept outside the
/// row, and the formula fields that can be computed from the new row itself before it is stored.
struct InsertPlan {
    /// The stored, written columns in statement order (the early formulas' columns follow).
    let columns: [Field]
    let sql: String
    let constantDefaults: [(FieldID, Value)]
    let formulaDefaults: [(Field, CompiledFormula)]
    let autonumbers: [Field]
    let stamps: [Field]
    let authors: [Field]
    let required: [Field]
    let unique: [Field]
    /// Multiple links kept in a junction or by the other side.
    let sideLinks: [(Field, LinkSpec)]
    /// Single links with an inverse: their targets see the inverse change.
    let inverseLinks: [(Field, TableID, FieldID)]
    /// Formula fields computed at insert, in recompute order, with how each input is read.
    let early: [EarlyFormula]

    /// A formula read only from the new row's written fields, earlier early formulas, and data
    /// fields one single link away.
    struct EarlyFormula {
        let field: Field
        let formula: CompiledFormula
        let inputs: [Input]
        enum Input {
            case own(FieldID)
            case linked(link: FieldID, target: Table, field: Field)
        }
    }

    init(table: Table, compiled: CompiledSchema, schema: Schema) {
        columns = table.fields.filter { Layout.hasColumn($0) && !$0.kind.isComputedByRecompute }
        var constants: [(FieldID, Value)] = [], formulaDefaults: [(Field, CompiledFormula)] = []
        var autonumbers: [Field] = [], stamps: [Field] = [], authors: [Field] = []
        for field in table.fields {
            switch field.kind {
            case .data:
                switch compiled.defaults[field.id] {
                case .constant(let value)?: constants.append((field.id, value))
                case .formula(let formula)?: formulaDefaults.append((field, formula))
                case nil: break
                }
            case .autonumber: autonumbers.append(field)
            case .created, .modified: stamps.append(field)
            case .author: authors.append(field)
            default: break
            }
        }
        constantDefaults = constants
        self.formulaDefaults = formulaDefaults
        self.autonumbers = autonumbers
        self.stamps = stamps
        self.authors = authors
        let defaulted = Set(formulaDefaults.map(\.0.id))
        required = table.fields.filter { $0.isRequired && !defaulted.contains($0.id) }
        unique = table.fields.filter(\.isUnique)
        sideLinks = table.fields.compactMap { f in
            if case .link(let spec) = f.kind, spec.storage != .column { return (f, spec) } else { return nil }
        }
        inverseLinks = table.fields.compactMap { f in
            if case .link(let spec) = f.kind, spec.storage == .column, let inverse = spec.inverse { return (f, spec.target, inverse) } else { return nil }
        }
        // Formulas whose inputs are all known when the row is stored: its written fields (not a
        // formula default, computed after the insert), and data fields behind one single link.
        var early: [EarlyFormula] = []
        var known = Set(columns.map(\.id)).subtracting(defaulted)
        for id in compiled.graph.order where !compiled.graph.volatile.contains(id) {
            guard let field = table.field(id: id), case .formula = field.kind, let formula = compiled.formulas[id] else { continue }
            var inputs: [EarlyFormula.Input] = []
            for path in formula.paths {
                if path.count == 1, known.contains(path[0]) {
                    inputs.append(.own(path[0]))
                } else if path.count == 2, known.contains(path[0]), let link = table.field(id: path[0]),
                          case .link(let spec) = link.kind, spec.storage == .column, !spec.many,
                          let target = schema.table(id: spec.target), let read = target.field(id: path[1]),
                          Layout.hasColumn(read), !read.kind.isComputedByRecompute, TimerProbe(rawValue: path[1]) == nil {
                    inputs.append(.linked(link: path[0], target: target, field: read))
                } else {
                    break
                }
            }
            guard inputs.count == formula.paths.count else { continue }
            early.append(EarlyFormula(field: field, formula: formula, inputs: inputs))
            known.insert(id)
        }
        self.early = early
        let stored = columns.map(\.id) + early.map(\.field.id)
        sql = stored.isEmpty
            ? "INSERT INTO \(Layout.table(table.id)) DEFAULT VALUES"
            : "INSERT INTO \(Layout.table(table.id)) (\(stored.map { Layout.column($0) }.joined(separator: ", "))) VALUES (\(placeholders(stored.count)))"
    }

    /// The formula fields stored by the insert itself: the recompute leaves them on new rows.
    var earlyFields: Set<FieldID> { Set(early.map(\.field.id)) }
}

extension CompiledSchema {
    /// The insert plan of a table (made on first use).
    func insertPlan(_ table: Table) -> InsertPlan {
        if let plan = insertPlans[table.id] { return plan }
        let plan = InsertPlan(table: table, compiled: self, schema: schema)
        insertPlans[table.id] = plan
        return plan
    }
}

extension WriteTransaction {
    /// Inserts rows set-wise: one prepared statement for every row, defaults and uniqueness
    /// checked per row against the file and the batch, the formulas that read only the new row
    /// computed and stored with it, and the recompute left to the end of the transaction (it then
    /// runs once for all the rows). One row records each written field in the history; more rows
    /// record one history line per row, in one statement, and one line for the whole write.
    func insertPlannedRows(into table: Table, rows: [[FieldID: Value]], labels: [String]?) throws -> [RowID] {
        try base.checkCopyWrite(table, fields: nil, action: "added")
        let compiled = try base.compiledSchema()
        let plan = compiled.insertPlan(table)
        var rows = rows
        try base.prepareInserts(self, table: table, rows: &rows)
        let now = self.now()
        let context = schema.valueContext
        let insert = try db.cachedStatement(plan.sql)
        var ids: [RowID] = []
        ids.reserveCapacity(rows.count)
        var seenUnique: [FieldID: [SQLValue: Int]] = [:]
        // Values behind links that early formulas read, loaded once per target row.
        var linkedCache: [FieldID: [RowID: Value]] = [:]
        var fieldSets: [[FieldID]: Set<FieldID>] = [:]
        let single = rows.count == 1
        for (i, given) in rows.enumerated() {
            do {
                var values = given
                for (id, value) in plan.constantDefaults where values[id] == nil { values[id] = value }
                for field in plan.autonumbers where values[field.id] == nil { values[field.id] = .integer(try nextAutonumber(field)) }
                for field in plan.stamps where values[field.id] == nil { values[field.id] = .datetime(now) }
                for field in plan.authors where values[field.id] == nil { values[field.id] = .text(actor) }
                for (field, _) in plan.formulaDefaults where field.isRequired && values[field.id]?.isBlank == true {
                    throw EngineError(.invalidValue, "\(table.name).\(field.name) is required", hint: "give it a value: \(field.name)=...")
                }
                for field in plan.required where values[field.id]?.isBlank ?? true {
                    throw EngineError(.invalidValue, "\(table.name).\(field.name) is required", hint: "give it a value: \(field.name)=...")
                }
                if !plan.unique.isEmpty {
                    for field in plan.unique {
                        guard let v = values[field.id], !v.isBlank else { continue }
                        let key = ValueCoding.encode(v)
                        if let earlier = seenUnique[field.id]?[key] {
                            throw EngineError(.conflict, "\(table.name).\(field.name) must be unique, and '\(base.display(v, of: field))' is given twice"
                                                + (labels.map { " (first at \($0[earlier]))" } ?? ""),
                                              hint: "give each row its own value")
                        }
                        seenUnique[field.id, default: [:]][key] = i
                    }
                    try checkUnique(table, values: values, excluding: nil)
                }
                // The stored form of each written value, as the recompute reads it back.
                var arguments: [SQLValue] = []
                arguments.reserveCapacity(plan.columns.count + plan.early.count)
                var stored: [FieldID: Value] = [:]
                for field in plan.columns {
                    if let v = values[field.id], !v.isBlank {
                        let encoded = ValueCoding.encode(v)
                        arguments.append(encoded)
                        if !plan.early.isEmpty { stored[field.id] = ValueCoding.decode(encoded, as: field.valueType) }
                    } else {
                        arguments.append(.null)
                    }
                }
                for early in plan.early {
                    var inputs: [Value] = []
                    inputs.reserveCapacity(early.inputs.count)
                    for input in early.inputs {
                        switch input {
                        case .own(let id): inputs.append(stored[id] ?? .blank)
                        case .linked(let link, let target, let field):
                            guard case .link(let targetRow)? = stored[link] else {
                                inputs.append(stored[link].flatMap { $0.isError ? $0 : nil } ?? .blank)
                                continue
                            }
                            if let cached = linkedCache[field.id]?[targetRow] { inputs.append(cached); continue }
                            let loaded = try base.storedValues(field, in: target, rows: [targetRow])[targetRow] ?? .error(.reference)
                            linkedCache[field.id, default: [:]][targetRow] = loaded
                            inputs.append(loaded)
                        }
                    }
                    let value = early.formula.evaluate(LoadedInputs(values: inputs, now: now, context: context))
                    stored[early.field.id] = value
                    arguments.append(ValueCoding.encode(value))
                }
                try insert.run(arguments)
                let id = db.lastInsertRowID
                ids.append(id)
                base.pending?.insert(table.id, id)
                // A row a package adds past the rules (a month's Periods row filed with a member's
                // entry) is not the actor's write, so the checks after the command let it be.
                if base.attachments.locksBypassed { base.attachments.exemptRows.insert(LockedRowKey(table: table.id, row: id)) }
                if let labels { base.rowLabels[table.id, default: [:]][id] = labels[i] }
                if !plan.formulaDefaults.isEmpty {
                    let missing = plan.formulaDefaults.filter { values[$0.0.id] == nil }
                    if !missing.isEmpty { try applyFormulaDefaults(missing, in: table, row: id, into: &values) }
                }
                if single {
                    var lines = [Base.HistoryLine()]
                    for field in table.fields where field.isWritable {
                        guard let v = values[field.id], !v.isBlank else { continue }
                        lines.append(Base.HistoryLine(field: field.id, new: base.display(v, of: field)))
                    }
                    try base.recordHistory(action: "insert", table: table.id, row: id, lines: lines)
                }
                // Rows given the same fields share one set of changed fields (no copy per row).
                let writtenKey = table.fields.compactMap { f in values[f.id].flatMap { $0.isBlank ? nil : f.id } }
                let written: Set<FieldID>
                if let shared = fieldSets[writtenKey] { written = shared } else {
                    written = Set(writtenKey).union(plan.early.map(\.field.id))
                    fieldSets[writtenKey] = written
                }
                base.pending?.changed(table.id, id, fields: written)
                for (field, spec) in plan.sideLinks {
                    guard let v = values[field.id], !v.isBlank else { continue }
                    try writeLinkSet(field, spec: spec, in: table, row: id, to: v.linkIDs)
                }
                for (field, target, inverse) in plan.inverseLinks {
                    if case .link(let to)? = values[field.id] { base.noteChange(target, to, inverse) }
                }
            } catch let error as EngineError {
                throw labels.map { error.prefixed("\($0[i]): ") } ?? error
            }
        }
        if !single { try recordBulkHistory(table, ids: ids) }
        return ids
    }

    /// One history line per inserted row, written by one statement when the ids are
    /// consecutive (they are, in one transaction, unless something inserted in between), and a
    /// line for the whole write. A row's values at insert are the values it has until a later
    /// change, whose history line records the value it replaced.
    private func recordBulkHistory(_ table: Table, ids: [RowID]) throws {
        guard let first = ids.first, let last = ids.last else { return }
        if last - first + 1 == RowID(ids.count) {
            try db.execute("""
                WITH RECURSIVE r(x) AS (SELECT ? UNION ALL SELECT x + 1 FROM r WHERE x < ?)
                INSERT INTO \(Layout.history) (at, actor, action, table_id, row_id) SELECT ?, ?, 'insert', ?, x FROM r
                """, [.integer(first), .integer(last), .integer(now().millisecondsSinceEpoch), .text(actor), .integer(Int64(table.id))])
        } else {
            for id in ids { try base.recordHistory(action: "insert", table: table.id, row: id) }
        }
        try base.recordHistory(action: "insert", table: table.id,
                               note: "\(ids.count) rows in one write (#\(first)–#\(last))")
    }
}
