import TabulaLanguage

/// One assignment as a user typed it: `field=value`.
public struct TextAssignment: Sendable, Hashable {
    public var field: String
    public var text: String
    public init(field: String, text: String) { self.field = field; self.text = text }
}

extension Base {
    // MARK: - Transactions

    /// Runs a command as one transaction: every write in `body`, then the recompute of what they
    /// touched, then commit. On any error nothing of it stays in the file.
    @discardableResult
    public func perform<T>(_ body: () throws -> T) throws -> T {
        if pending != nil { return try body() }
        pending = ChangeSet()
        settled = ChangeSet()
        defer { pending = nil; settled = ChangeSet() }
        do {
            return try db.transaction {
                try closeExpiredIntervals()
                let result = try body()
                try finishCommand()
                if settled.isEmpty {
                    lastChanges = pending ?? ChangeSet()
                } else {
                    var all = settled
                    all.formUnion(pending ?? ChangeSet())
                    lastChanges = all
                }
                return result
            }
        } catch let error as DatabaseError {
            throw EngineError("the base could not be written: \(error.description)", hint: "nothing was changed")
        }
    }

    /// The cells the current command changed so far (nil outside a command).
    var pendingChanges: ChangeSet? { pending }

    func noteChange(_ table: TableID, _ row: RowID, _ field: FieldID) { pending?.changed(table, row, field) }

    // MARK: - Text input

    /// Resolves `#12` or a primary value to a row id of a table.
    public func resolveRow(_ reference: String, in table: Table) throws -> RowID {
        let ref = reference.trimmingCharacters(in: .whitespaces)
        if ref.hasPrefix("#"), let id = RowID(ref.dropFirst()) {
            guard try rowExists(id, in: table) else {
                throw EngineError("table \(table.name) has no row #\(id)", hint: "list its rows with `tabula show BASE \(table.name)`")
            }
            return id
        }
        let primary = table.primaryField
        let value: Value
        do { value = try primary.valueType.parse(ref, context: schema.valueContext) } catch {
            throw EngineError("no row of \(table.name) is called '\(ref)'", hint: "refer to a row by #id or by its \(primary.name)")
        }
        guard Layout.hasColumn(primary) else {
            throw EngineError("rows of \(table.name) cannot be found by \(primary.name)", hint: "refer to the row by #id")
        }
        let ids = try db.query("SELECT id FROM \(Layout.table(table.id)) WHERE \(Layout.column(primary.id)) = ? ORDER BY id LIMIT 6",
                               [ValueCoding.encode(value)]).compactMap { $0[0].int64Value }
        if ids.isEmpty {
            let guess = try closestPrimaryValue(to: ref, in: table)
            throw EngineError("no row of \(table.name) has \(primary.name) '\(ref)'",
                              hint: (guess.map { "did you mean '\($0)'? " } ?? "")
                                + "refer to a row by #id or its exact \(primary.name); list them with `tabula show BASE \(table.name)`")
        }
        if ids.count > 1 {
            let candidates = try describeCandidates(Array(ids.prefix(5)), in: table)
            throw EngineError("\(ids.count == 6 ? "several" : "\(ids.count)") rows of \(table.name) have \(primary.name) '\(ref)': \(candidates)",
                              hint: "refer to the row by its id, e.g. #\(ids[0])")
        }
        return ids[0]
    }

    func rowExists(_ id: RowID, in table: Table) throws -> Bool {
        try db.cachedStatement("SELECT 1 FROM \(Layout.table(table.id)) WHERE id = ?").rows([.integer(id)]).isEmpty == false
    }

    /// The table of that name, or an error with a did-you-mean.
    public func table(named name: String) throws -> Table {
        if let t = schema.table(named: name) { return t }
        let names = schema.tables.map(\.name)
        throw EngineError("no table '\(name)'", hint: Suggestions.closest(to: name, among: names).map { "did you mean '\($0)'?" }
                            ?? (names.isEmpty ? "the base has no tables yet: make one (table \(Name.quote(name)) { name text }) in the REPL or a schema file for `tabula apply`"
                                : "the tables are: \(names.joined(separator: ", "))"))
    }

    /// The field of that name in a table, or an error with a did-you-mean.
    public func field(named name: String, in table: Table) throws -> Field {
        if let f = table.field(named: name) { return f }
        let names = table.fields.map(\.name)
        throw EngineError("table \(table.name) has no field '\(name)'",
                          hint: Suggestions.closest(to: name, among: names).map { "did you mean '\($0)'?" }
                            ?? (names.isEmpty ? "\(table.name) has no fields yet" : "its fields are: \(names.joined(separator: ", "))"))
    }

    /// Parses `field=value` texts into typed values, resolving links by `#id` or primary value.
    public func parseAssignments(_ assignments: [TextAssignment], for table: Table) throws -> [FieldID: Value] {
        var values: [FieldID: Value] = [:]
        for a in assignments {
            let field = try self.field(named: a.field, in: table)
            guard field.isWritable else {
                throw EngineError("\(table.name).\(field.name) is computed and cannot be written",
                                  hint: "it is a \(field.kind.summary); write the fields it reads instead")
            }
            if values[field.id] != nil {
                throw EngineError("\(table.name).\(field.name) is given twice", hint: "give each field once")
            }
            values[field.id] = try parseValue(a.text, for: field, in: table)
        }
        return values
    }

    /// Parses one value typed by a user for a field.
    public func parseValue(_ text: String, for field: Field, in table: Table) throws -> Value {
        if case .link(let spec) = field.kind {
            guard let target = schema.table(id: spec.target) else { return .blank }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return spec.many ? .list([]) : .blank }
            if spec.many {
                let parts = trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                var ids: [Value] = []
                for p in parts {
                    let id = try resolveLink(p, target: target, field: field, table: table)
                    if !ids.contains(.link(id)) { ids.append(.link(id)) }
                }
                return .list(ids)
            }
            return .link(try resolveLink(trimmed, target: target, field: field, table: table))
        }
        do {
            return try field.valueType.parse(text, context: schema.valueContext)
        } catch {
            throw EngineError("\(table.name).\(field.name): \(error.message)", hint: error.hint)
        }
    }

    private func resolveLink(_ ref: String, target: Table, field: Field, table: Table) throws -> RowID {
        do { return try resolveRow(ref, in: target) } catch let error as EngineError {
            throw EngineError("\(table.name).\(field.name): \(error.message)", hint: error.hint)
        }
    }

    // MARK: - Insert

    /// Adds rows given as text assignments, all in one transaction; an error names the row's place
    /// (`labels[i]`, e.g. "line 3") and the field.
    public func insert(into tableName: String, rows: [[TextAssignment]], labels: [String]? = nil) throws -> [RowID] {
        let table = try self.table(named: tableName)
        return try perform {
            var ids: [RowID] = []
            ids.reserveCapacity(rows.count)
            for (i, row) in rows.enumerated() {
                do {
                    let values = try parseAssignments(row, for: table)
                    ids.append(try insertRow(into: table, values: values))
                } catch let error as EngineError where labels != nil {
                    throw EngineError("\(labels![i]): \(error.message)", hint: error.hint)
                }
            }
            return ids
        }
    }

    /// Adds one row with typed values; fields not given take their default. Must run inside `perform`.
    @discardableResult
    public func insertRow(into table: Table, values given: [FieldID: Value]) throws -> RowID {
        var values = given
        let now = self.now()
        let graph = try dependencyGraph()
        var formulaDefaults: [(Field, CompiledFormula)] = []
        for field in table.fields where values[field.id] == nil {
            switch field.kind {
            case .data:
                switch graph.defaults[field.id] {
                case .constant(let value)?: values[field.id] = value
                case .formula(let formula)?: formulaDefaults.append((field, formula))
                case nil: break
                }
            case .autonumber: values[field.id] = .integer(try nextAutonumber(field))
            case .created, .modified: values[field.id] = .datetime(now)
            case .author: values[field.id] = .text(actor)
            default: break
            }
        }
        let defaulted = Set(formulaDefaults.map(\.0.id))
        for field in table.fields where field.isRequired && !defaulted.contains(field.id) && (values[field.id]?.isBlank ?? true) {
            throw EngineError("\(table.name).\(field.name) is required", hint: "give it a value: \(field.name)=...")
        }
        try checkUnique(table, values: values, excluding: nil)
        var columns: [String] = []
        var arguments: [SQLValue] = []
        for field in table.fields where Layout.hasColumn(field) && !field.kind.isComputedByRecompute {
            guard let v = values[field.id], !v.isBlank else { continue }
            columns.append(Layout.column(field.id))
            arguments.append(ValueCoding.encode(v))
        }
        let sql = columns.isEmpty
            ? "INSERT INTO \(Layout.table(table.id)) DEFAULT VALUES"
            : "INSERT INTO \(Layout.table(table.id)) (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
        try db.cachedStatement(sql).run(arguments)
        let id = db.lastInsertRowID
        pending?.insert(table.id, id)
        if !formulaDefaults.isEmpty {
            try applyFormulaDefaults(formulaDefaults, in: table, row: id, into: &values)
        }
        try recordHistory(action: "insert", table: table.id, row: id)
        for field in table.fields {
            guard let v = values[field.id], !v.isBlank else { continue }
            if case .link(let spec) = field.kind, spec.storage != .column {
                try writeLinkSet(field, spec: spec, in: table, row: id, to: v.linkIDs)
            }
            if field.isWritable {
                try recordHistory(action: "insert", table: table.id, row: id, field: field.id, new: display(v, of: field))
            }
            noteChange(table.id, id, field.id)
            noteInverseChange(of: field, from: nil, to: v)
        }
        return id
    }

    /// Evaluates `default` formulas on a row just inserted (they read its other fields and links)
    /// and stores their values.
    private func applyFormulaDefaults(_ defaults: [(Field, CompiledFormula)], in table: Table, row id: RowID,
                                      into values: inout [FieldID: Value]) throws {
        var computed: [FieldID: Value] = [:]
        for (field, formula) in defaults {
            let value = try DefaultValues.conform(try evaluate(formula, in: table, rows: [id])[id] ?? .blank, to: field, in: table)
            if field.isRequired && value.isBlank {
                throw EngineError("\(table.name).\(field.name) is required, and its default gave no value for this row",
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

    private func nextAutonumber(_ field: Field) throws -> Int64 {
        let key = "autonumber.\(field.id)"
        let current = try db.scalar("SELECT value FROM \(Layout.meta) WHERE key = ?", [.text(key)]).int64Value ?? 0
        try db.execute("INSERT OR REPLACE INTO \(Layout.meta) VALUES (?, ?)", [.text(key), .integer(current + 1)])
        return current + 1
    }

    private func checkUnique(_ table: Table, values: [FieldID: Value], excluding row: RowID?) throws {
        for field in table.fields where field.isUnique {
            guard let v = values[field.id], !v.isBlank else { continue }
            let rows = try db.cachedStatement("SELECT id FROM \(Layout.table(table.id)) WHERE \(Layout.column(field.id)) = ? AND id IS NOT ? LIMIT 1")
                .rows([ValueCoding.encode(v), row.map { .integer($0) } ?? .null])
            if let other = rows.first?[0].int64Value {
                throw EngineError("\(table.name).\(field.name) must be unique, and '\(display(v, of: field))' is already used by row #\(other)",
                                  hint: "choose another value, or change row #\(other) first")
            }
        }
    }

    // MARK: - Update

    /// Changes fields of one row given as text assignments, in one transaction.
    public func update(_ tableName: String, row reference: String, _ assignments: [TextAssignment]) throws -> RowID {
        let table = try self.table(named: tableName)
        return try perform {
            let id = try resolveRow(reference, in: table)
            try updateRow(in: table, id: id, values: try parseAssignments(assignments, for: table))
            return id
        }
    }

    /// Changes fields of one row with typed values. Must run inside `perform`.
    public func updateRow(in table: Table, id: RowID, values given: [FieldID: Value]) throws {
        guard let old = try readRow(of: table, row: id, fields: Array(given.keys)) else {
            throw EngineError("table \(table.name) has no row #\(id)", hint: "list its rows with `tabula show BASE \(table.name)`")
        }
        try checkLockBeforeWrite(table, row: id, action: "changed")
        var values = given
        for field in table.fields where values[field.id] != nil {
            if field.isRequired && values[field.id]!.isBlank {
                throw EngineError("\(table.name).\(field.name) is required and cannot be emptied", hint: "give it a value")
            }
        }
        // Keep only real changes.
        for (fid, v) in values where old[fid] == v || (old[fid]?.isBlank == true && v.isBlank) { values[fid] = nil }
        if values.isEmpty { return }
        try checkUnique(table, values: values, excluding: id)
        for (fid, _) in values { pending?.recordBefore(table.id, id, fid, old[fid] ?? .blank) }
        for field in table.fields where field.kind == .modified { values[field.id] = .datetime(now()) }
        var sets: [String] = []
        var arguments: [SQLValue] = []
        for field in table.fields {
            guard let v = values[field.id] else { continue }
            if Layout.hasColumn(field) {
                sets.append("\(Layout.column(field.id)) = ?")
                arguments.append(ValueCoding.encode(v))
            } else if case .link(let spec) = field.kind {
                try writeLinkSet(field, spec: spec, in: table, row: id, to: v.linkIDs)
            }
            if field.isWritable {
                try recordHistory(action: "update", table: table.id, row: id, field: field.id,
                                  old: old[field.id].flatMap { $0.isBlank ? nil : display($0, of: field) },
                                  new: v.isBlank ? nil : display(v, of: field))
            }
            noteChange(table.id, id, field.id)
            noteInverseChange(of: field, from: old[field.id], to: v)
        }
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
        if case .link(let before)? = old { noteChange(spec.target, before, inverse) }
        if case .link(let after) = new { noteChange(spec.target, after, inverse) }
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
                if let inverse = spec.inverse { noteChange(spec.target, t, inverse) }
            }
        case .derived:
            guard let inverseID = spec.inverse, let (otherTable, inverse) = schema.field(id: inverseID),
                  case .link(let inverseSpec) = inverse.kind else { return }
            let current = try linkedIDs(field, spec: spec, row: row)
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
                    noteChange(otherTable.id, gone, inverse.id)
                }
                for t in targets where !current.contains(t) {
                    try requireRow(t, in: spec.target, for: field, of: table)
                    try db.cachedStatement("INSERT OR IGNORE INTO \(j) (a, b) VALUES (?, ?)").run([.integer(t), .integer(row)])
                    noteChange(otherTable.id, t, inverse.id)
                }
            case .derived:
                break
            }
        }
    }

    private func requireRow(_ id: RowID, in tableID: TableID, for field: Field, of table: Table) throws {
        guard let target = schema.table(id: tableID), try rowExists(id, in: target) else {
            throw EngineError("\(table.name).\(field.name): there is no row #\(id) to link to", hint: "link to an existing row")
        }
    }

    /// The rows a link field of one row points at, in id order.
    func linkedIDs(_ field: Field, spec: LinkSpec, row: RowID) throws -> [RowID] {
        let sql: String
        switch spec.storage {
        case .column:
            sql = "SELECT \(Layout.column(field.id)) FROM \(Layout.table(schema.tableOf(field.id))) WHERE id = ? AND \(Layout.column(field.id)) IS NOT NULL"
        case .junction(let owner):
            sql = "SELECT b FROM \(Layout.junction(owner)) WHERE a = ? ORDER BY b"
        case .derived:
            guard let inverseID = spec.inverse, let (other, inverse) = schema.field(id: inverseID),
                  case .link(let inverseSpec) = inverse.kind else { return [] }
            switch inverseSpec.storage {
            case .column: sql = "SELECT id FROM \(Layout.table(other.id)) WHERE \(Layout.column(inverse.id)) = ? ORDER BY id"
            case .junction(let owner): sql = "SELECT a FROM \(Layout.junction(owner)) WHERE b = ? ORDER BY a"
            case .derived: return []
            }
        }
        return try db.cachedStatement(sql).rows([.integer(row)]).compactMap { $0[0].int64Value }
    }

    // MARK: - Delete

    /// Deletes one row by `#id` or primary value, in one transaction.
    public func delete(_ tableName: String, row reference: String) throws -> RowID {
        let table = try self.table(named: tableName)
        return try perform {
            let id = try resolveRow(reference, in: table)
            try deleteRow(from: table, id: id)
            return id
        }
    }

    /// Deletes a row, applying each incoming link's `on delete` rule. Must run inside `perform`.
    public func deleteRow(from table: Table, id: RowID) throws {
        guard try rowExists(id, in: table) else { return }
        try checkLockBeforeWrite(table, row: id, action: "deleted")
        // Incoming links from other rows: restrict, cascade or clear.
        for other in schema.tables {
            for field in other.fields {
                guard case .link(let spec) = field.kind, spec.target == table.id, spec.storage != .derived else { continue }
                let linking: [RowID]
                switch spec.storage {
                case .column:
                    linking = try db.cachedStatement("SELECT id FROM \(Layout.table(other.id)) WHERE \(Layout.column(field.id)) = ?")
                        .rows([.integer(id)]).compactMap { $0[0].int64Value }
                case .junction(let owner):
                    linking = try db.cachedStatement("SELECT a FROM \(Layout.junction(owner)) WHERE b = ?")
                        .rows([.integer(id)]).compactMap { $0[0].int64Value }
                case .derived: linking = []
                }
                let others = linking.filter { !(other.id == table.id && $0 == id) }
                if others.isEmpty { continue }
                switch spec.onDelete {
                case .restrict:
                    throw EngineError("\(table.name) #\(id) cannot be deleted: \(others.count) row(s) of \(other.name) link to it through \(field.name) (\(others.prefix(5).map { "#\($0)" }.joined(separator: ", ")))",
                                      hint: "delete or re-link those rows first (the schema says 'on delete restrict')")
                case .cascade:
                    for r in others { try deleteRow(from: other, id: r) }
                case .clear:
                    for r in others {
                        if spec.storage == .column {
                            try updateRow(in: other, id: r, values: [field.id: .blank])
                        } else {
                            let remaining = try linkedIDs(field, spec: spec, row: r).filter { $0 != id }
                            try updateRow(in: other, id: r, values: [field.id: .list(remaining.map(Value.link))])
                        }
                    }
                }
            }
        }
        let old = try readValues(of: table, row: id, fields: table.fields.filter { $0.isWritable || Layout.hasColumn($0) }.map(\.id))
        for field in table.fields where Layout.hasColumn(field) { pending?.recordBefore(table.id, id, field.id, old[field.id] ?? .blank) }
        for field in table.fields where field.isWritable {
            if let v = old[field.id], !v.isBlank {
                try recordHistory(action: "delete", table: table.id, row: id, field: field.id, old: display(v, of: field))
            }
            if case .link(let spec) = field.kind, let inverse = spec.inverse {
                for target in old[field.id]?.linkIDs ?? [] { noteChange(spec.target, target, inverse) }
            }
        }
        try recordHistory(action: "delete", table: table.id, row: id)
        for field in table.fields {
            if case .link(let spec) = field.kind, case .junction(let owner) = spec.storage, owner == field.id {
                try db.cachedStatement("DELETE FROM \(Layout.junction(owner)) WHERE a = ?").run([.integer(id)])
            }
        }
        try db.cachedStatement("DELETE FROM \(Layout.table(table.id)) WHERE id = ?").run([.integer(id)])
        pending?.delete(table.id, id)
    }

    // MARK: - Display

    /// A value as the history and messages show it (links by `#id`).
    func display(_ value: Value, of field: Field) -> String {
        switch value {
        case .link(let id): return "#\(id)"
        case .list(let items) where items.allSatisfy({ if case .link = $0 { return true } else { return false } }):
            return items.map { if case .link(let id) = $0 { return "#\(id)" } else { return "" } }.joined(separator: ", ")
        default: return field.valueType.format(value, context: schema.valueContext)
        }
    }
}

extension Value {
    /// The row ids of a link value (single or multiple).
    var linkIDs: [RowID] {
        switch self {
        case .link(let id): return [id]
        case .list(let items): return items.compactMap { if case .link(let id) = $0 { return id } else { return nil } }
        default: return []
        }
    }
}

extension FieldKind {
    /// A few words for messages: "formula", "mirror", "timer", ...
    public var summary: String {
        switch self {
        case .data(let t): return t.displayName
        case .autonumber: return "autonumber"
        case .created: return "created time"
        case .modified: return "modified time"
        case .author: return "author"
        case .link(let l): return l.many ? "multiple link" : "link"
        case .formula: return "formula"
        case .mirror: return "mirror"
        case .timer: return "timer"
        }
    }

    /// Fields filled by the recompute, not at insert.
    var isComputedByRecompute: Bool {
        switch self {
        case .formula, .mirror, .timer: return true
        default: return false
        }
    }
}

extension Schema {
    /// The id of the table that holds a field.
    func tableOf(_ field: FieldID) -> TableID { self.field(id: field)?.table.id ?? -1 }
}
