import TabulaLanguage

/// A table's read or write rule for one actor: the actor's parts evaluated, what is left a
/// predicate over the table's row, which `sql(alias:bind:)` writes for SQLite.
public struct AccessFilter: Sendable {
    indirect enum Test: Sendable {
        case constant(Bool)
        case compare(AccessPath, BinaryOperator, SQLValue)
        case isBlank(AccessPath)
        case isTrue(AccessPath)
        case and(Test, Test)
        case or(Test, Test)
        case not(Test)
    }

    let test: Test
    let table: Table
    let schema: Schema

    /// True when the rule lets the actor see every row (nothing to filter).
    public var allowsAll: Bool { if case .constant(true) = test { return true } else { return false } }
    /// True when the rule lets the actor see no row at all.
    public var allowsNone: Bool { if case .constant(false) = test { return true } else { return false } }

    /// The fields of the table whose columns the rule reads (each path's first field), or nil
    /// when a path starts at a field without a column: what the report planner checks before it
    /// answers from the kept summary, whose rows keep only some columns.
    package var firstFields: Set<FieldID>? {
        var fields: Set<FieldID> = []
        func visit(_ t: Test) -> Bool {
            switch t {
            case .constant: return true
            case .and(let a, let b), .or(let a, let b): return visit(a) && visit(b)
            case .not(let a): return visit(a)
            case .isBlank(let p), .isTrue(let p), .compare(let p, _, _):
                guard let first = p.ids.first, let field = table.field(id: first), Layout.hasColumn(field) else { return false }
                fields.insert(first)
                return true
            }
        }
        return visit(test) ? fields : nil
    }

    /// The predicate over the rows aliased `alias`; `bind` adds an argument and returns its
    /// placeholder, so the caller numbers its parameters its own way.
    package func sql(alias: String, bind: (SQLValue) -> String) -> String {
        render(test, alias: alias, bind: bind)
    }

    private func render(_ t: Test, alias: String, bind: (SQLValue) -> String) -> String {
        switch t {
        case .constant(let b): return b ? "1" : "0"
        case .and(let a, let b): return "(\(render(a, alias: alias, bind: bind)) AND \(render(b, alias: alias, bind: bind)))"
        case .or(let a, let b): return "(\(render(a, alias: alias, bind: bind)) OR \(render(b, alias: alias, bind: bind)))"
        case .not(let a): return "NOT COALESCE(\(render(a, alias: alias, bind: bind)), 0)"
        case .isBlank(let p): return "(\(column(p, alias)) IS NULL)"
        case .isTrue(let p): return "(\(column(p, alias)) = 1)"
        case .compare(let p, let op, let value):
            let col = column(p, alias)
            let collate = AccessValues.kind(p.type) == "text" && !isOption(value, p.type) ? " COLLATE \(StorageNames.textCollation)" : ""
            if value == .null {
                switch op {
                case .equal: return "(\(col) IS NULL)"
                case .notEqual: return "(\(col) IS NOT NULL)"
                default: return "0"
                }
            }
            let arg = bind(value)
            switch op {
            case .equal: return "(\(col) IS \(arg)\(collate))"
            case .notEqual: return "(\(col) IS NOT \(arg)\(collate))"
            default: return "COALESCE(\(col) \(op.rawValue) \(arg)\(collate), 0)"
            }
        }
    }

    private func isOption(_ value: SQLValue, _ t: ValueType) -> Bool {
        if case .select(let options) = t, case .text(let s) = value { return options.contains(s) }
        return false
    }

    /// The SQL of a path's value for the row aliased `alias`: a column, or scalar subqueries
    /// through single links.
    private func column(_ p: AccessPath, _ alias: String) -> String {
        var current = table
        var rowID = "\(alias).id"
        var sql = ""
        for (i, id) in p.ids.enumerated() {
            guard let field = current.field(id: id) else { return "NULL" }
            if Layout.hasColumn(field) {
                sql = i == 0 ? "\(alias).\(Layout.column(id))" : "(SELECT \(Layout.column(id)) FROM \(Layout.table(current.id)) WHERE id = \(rowID))"
            } else if let relation = LinkRelation(field, in: schema) {
                let (t, from, to) = relation.parts
                sql = "(SELECT \(to) FROM \(t) WHERE \(from) = \(rowID) LIMIT 1)"
            } else {
                return "NULL"
            }
            if i < p.ids.count - 1 {
                guard case .link(let spec) = field.kind, let next = schema.table(id: spec.target) else { return "NULL" }
                current = next
                rowID = sql
            }
        }
        return sql
    }
}

extension Base {
    /// The acting person's row, when the actor is one of the people; nil for a base's owner
    /// (an actor that is no person), who reads and writes every row.
    public func actingPerson() throws -> RowID? {
        guard let peopleID = schema.peopleTable, let people = schema.table(id: peopleID) else { return nil }
        return try findPerson(actor, in: people)
    }

    /// The table's rule of that kind for the current actor; nil when it has none or the actor
    /// is the owner.
    public func accessFilter(_ kind: AccessKind, for table: Table) throws -> AccessFilter? {
        let source = kind == .read ? table.readCondition : table.writeCondition
        guard let source, schema.peopleTable != nil else { return nil }
        // A request asks several times (before a write, after it, for its answer), and the next
        // request again: the rule is resolved once while what it read is unchanged (AccessFilterCache).
        let key = AccessFilterCache.Key(actor: actor, table: table.id, kind: kind)
        let stamp = try accessCacheStamp()
        if let stamp, let found = accessFilters.filter(key, at: stamp) { return found }
        var volatile = false
        let filter = try resolvedFilter(kind, table: table, source: source, volatile: &volatile)
        // Kept only when what it read was watched before anything changed it (resolving it may
        // have added fields to watch, which the command in progress may have written).
        if !volatile, let stamp, try accessCacheStamp() == stamp { accessFilters.keep(filter, for: key, at: stamp) }
        return filter
    }

    private func resolvedFilter(_ kind: AccessKind, table: Table, source: String, volatile: inout Bool) throws -> AccessFilter? {
        guard let person = try actingPerson(), let people = schema.table(id: schema.peopleTable!) else { return nil }
        let rule = try compiledSchema().accessRule(kind, of: table, source: source)
        let test = try resolve(rule, person: person, people: people, volatile: &volatile)
        return AccessFilter(test: fold(test), table: table, schema: schema)
    }

    private func resolve(_ rule: AccessRule, person: RowID, people: Table, volatile: inout Bool) throws -> AccessFilter.Test {
        switch rule {
        case .constant(let b): return .constant(b)
        case .and(let a, let b):
            return .and(try resolve(a, person: person, people: people, volatile: &volatile), try resolve(b, person: person, people: people, volatile: &volatile))
        case .or(let a, let b):
            return .or(try resolve(a, person: person, people: people, volatile: &volatile), try resolve(b, person: person, people: people, volatile: &volatile))
        case .not(let a): return .not(try resolve(a, person: person, people: people, volatile: &volatile))
        case .isBlank(let p): return .isBlank(p)
        case .isTrue(let p): return .isTrue(p)
        case .actorTest(let e):
            return .constant(try evaluateOnPerson(e, beside: nil, person: person, people: people, volatile: &volatile) == .bool(true))
        case .compare(let p, let op, .actorRow):
            return .compare(p, op, .integer(person))
        case .compare(let p, let op, .value(let e)):
            let value = try evaluateOnPerson(e, beside: p.type, person: person, people: people, volatile: &volatile)
            if case .error = value { return .constant(false) }
            guard let encoded = AccessValues.encode(value, as: p.type) else { return .constant(false) }
            return .compare(p, op, encoded)
        }
    }

    private func evaluateOnPerson(_ e: Expression, beside type: ValueType?, person: RowID, people: Table, volatile: inout Bool) throws -> Value {
        let formula: CompiledFormula
        if let kept = accessFilters.formula(e, type, schema: schemaVersion) {
            formula = kept
        } else {
            let schema = self.schema
            let checker = FormulaChecker(schema: schema, table: people) { id in schema.field(id: id)?.field.valueType ?? .any }
            let node = type.map { checker.check(e, optionsOf: $0) } ?? checker.check(e)
            guard checker.diagnostics.isEmpty else {
                throw EngineError(.schema, "a read or write rule no longer compiles: \(checker.diagnostics.map(\.message).joined(separator: "; "))",
                                  hint: "fix the rule in the schema file and apply it")
            }
            formula = CompiledFormula(resultType: node.type, paths: checker.paths, isVolatile: checker.isVolatile, body: node.eval)
            accessFilters.keep(formula, for: e, type, schema: schemaVersion)
        }
        if formula.isVolatile { volatile = true }
        let ids = Array(formula.paths.joined())
        accessFilters.watch(fields: ids, tables: ids.compactMap { schema.field(id: $0)?.table.id } + [people.id], schema: schemaVersion)
        return try evaluate(formula, in: people, rows: [person])[person] ?? .blank
    }

    private func fold(_ t: AccessFilter.Test) -> AccessFilter.Test {
        switch t {
        case .and(let a, let b):
            let x = fold(a), y = fold(b)
            if case .constant(false) = x { return x }
            if case .constant(false) = y { return y }
            if case .constant(true) = x { return y }
            if case .constant(true) = y { return x }
            return .and(x, y)
        case .or(let a, let b):
            let x = fold(a), y = fold(b)
            if case .constant(true) = x { return x }
            if case .constant(true) = y { return y }
            if case .constant(false) = x { return y }
            if case .constant(false) = y { return x }
            return .or(x, y)
        case .not(let a):
            let x = fold(a)
            if case .constant(let b) = x { return .constant(!b) }
            return .not(x)
        default:
            return t
        }
    }

    /// Of `ids`, the rows of `table` the rule of that kind lets the actor read or write (all of
    /// them for the owner, or when the table has no such rule), in the order given.
    public func permittedRows(_ kind: AccessKind, of table: Table, among ids: [RowID]) throws -> [RowID] {
        guard let filter = try accessFilter(kind, for: table), !ids.isEmpty else { return ids }
        if filter.allowsAll { return ids }
        if filter.allowsNone { return [] }
        var keep = Set<RowID>()
        for chunk in ids.chunked(500) {
            var args: [SQLValue] = chunk.map { .integer($0) }
            let predicate = filter.sql(alias: "t") { args.append($0); return "?" }
            let sql = "SELECT t.id FROM \(Layout.table(table.id)) t WHERE t.id IN (\(placeholders(chunk.count))) AND \(predicate)"
            for row in try db.query(sql, args) { if let id = row[0].int64Value { keep.insert(id) } }
        }
        return ids.filter(keep.contains)
    }

    /// Whether the rule of that kind would let the actor read (or write) a row of `table` that
    /// held `values` (every other field blank): which people's entries a person may see, say,
    /// before any entry exists. True for the owner and for a table without such a rule.
    public func permitsRow(_ kind: AccessKind, of table: Table, holding values: [FieldID: Value]) throws -> Bool {
        guard let filter = try accessFilter(kind, for: table) else { return true }
        if filter.allowsAll { return true }
        if filter.allowsNone { return false }
        var args: [SQLValue] = []
        let columns = table.fields.filter(Layout.hasColumn).map { field -> String in
            args.append(values[field.id].map(ValueCoding.encode) ?? .null)
            return "? AS \(Layout.column(field.id))"
        }
        let predicate = filter.sql(alias: "t") { args.append($0); return "?" }
        let sql = "SELECT 1 FROM (SELECT 0 AS id\(columns.map { ", " + $0 }.joined())) t WHERE \(predicate)"
        return try !db.query(sql, args).isEmpty
    }

    /// Whether the actor may read (or write) a row of a table.
    public func permits(_ kind: AccessKind, _ table: Table, row: RowID) throws -> Bool {
        try !permittedRows(kind, of: table, among: [row]).isEmpty
    }

    /// Refuses a row the actor may not read as if it did not exist, so ids of others' rows do
    /// not leak.
    public func requireReadable(_ table: Table, row: RowID) throws {
        if try !permits(.read, table, row: row) {
            throw EngineError(.notFound, "table \(table.name) has no row #\(row)", remedy: .listRows(table: table.name))
        }
    }

    /// The ids of the rows of a table the actor may read: in id order after `cursor`, or
    /// ordered by a field (blanks last, then by id) from `offset`; at most `limit` of them.
    public func readableRowIDs(of table: Table, orderBy field: Field? = nil, descending: Bool = false,
                               after cursor: RowID? = nil, offset: Int = 0, limit: Int? = nil) throws -> [RowID] {
        var args: [SQLValue] = []
        var conditions: [String] = []
        if let cursor { args.append(.integer(cursor)); conditions.append("t.id > ?") }
        if let filter = try accessFilter(.read, for: table), !filter.allowsAll {
            conditions.append(filter.sql(alias: "t") { args.append($0); return "?" })
        }
        var sql = "SELECT t.id FROM \(Layout.table(table.id)) t"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        if let field {
            guard Layout.hasColumn(field), table.field(id: field.id) != nil else {
                throw EngineError(.invalidValue, "rows of \(table.name) cannot be ordered by \(field.name)", hint: "order by a field kept in the table (not a multiple link)")
            }
            let column = "t.\(Layout.column(field.id))"
            let collate = field.valueType == .text ? " COLLATE \(StorageNames.textCollation)" : ""
            if descending && collate.isEmpty {
                // Blanks sort last in SQLite's descending order already; with the id descending
                // too, an index on the column (a time field's) serves the order: a grid sorted
                // newest first reads its page instead of sorting the table.
                sql += " ORDER BY \(column) DESC, t.id DESC"
            } else {
                sql += " ORDER BY \(column) IS NULL, \(column)\(collate)\(descending ? " DESC" : ""), t.id"
            }
        } else {
            sql += " ORDER BY t.id"
        }
        if let limit { sql += " LIMIT \(max(0, limit))" }
        if offset > 0 { sql += (limit == nil ? " LIMIT -1" : "") + " OFFSET \(offset)" }
        return try db.query(sql, args).compactMap { $0[0].int64Value }
    }

    /// Checks, before a row is changed or deleted, that the actor may read it (else it is "not
    /// found") and write it (else "forbidden").
    func checkAccessBeforeWrite(_ table: Table, row: RowID, action: String) throws {
        guard table.readCondition != nil || table.writeCondition != nil else { return }
        if attachments.locksBypassed { attachments.exemptRows.insert(LockedRowKey(table: table.id, row: row)); return }
        try requireReadable(table, row: row)
        if try !permits(.write, table, row: row) {
            throw accessError(table, row: row, action: action)
        }
    }

    /// After a command's writes: every row it inserted or changed (not only recomputed) must be
    /// one the actor may write, so a member cannot hand an entry to someone else. The reverse
    /// side of a link (a person's `entries`) changes with a write on the other table, which is
    /// checked there; a write to that side itself was checked before it (`checkAccessBeforeWrite`).
    func checkAccessAfterWrites(_ changes: ChangeSet) throws {
        guard !attachments.locksBypassed, !attachments.actorWasOwnerAtStart else { return }
        let exempt = attachments.exemptRows
        func isOwnWrite(_ field: Field?) -> Bool {
            guard let field, field.isWritable else { return false }
            if case .link(let spec) = field.kind, spec.storage == .derived { return false }
            return true
        }
        for i in schema.tables.indices where changes.touchesRows(of: schema.tables[i].id) && schema.tables[i].writeCondition != nil {
            let table = schema.tables[i]
            var rows = Set(changes.inserted[table.id] ?? [])
            for (row, fields) in changes.cells[table.id] ?? [:] where fields.contains(where: { isOwnWrite(table.field(id: $0)) }) {
                rows.insert(row)
            }
            rows.subtract(changes.deleted[table.id] ?? [])
            rows = rows.filter { !exempt.contains(LockedRowKey(table: table.id, row: $0)) }
            guard !rows.isEmpty else { continue }
            let sorted = rows.sorted()
            let allowed = Set(try permittedRows(.write, of: table, among: sorted))
            if let row = sorted.first(where: { !allowed.contains($0) }) {
                throw accessError(table, row: row, action: changes.inserted[table.id]?.contains(row) == true ? "added" : "changed")
            }
        }
    }

    private func accessError(_ table: Table, row: RowID, action: String) -> EngineError {
        let rule = "`write when \(table.writeCondition ?? "")`"
        let what = action == "added" ? "add this row to \(table.name)" : "\(action == "deleted" ? "delete" : "change") \(table.name) #\(row)"
        return EngineError(.forbidden, "\(actor) may not \(what): \(rule) does not hold for them",
                           hint: "ask someone the rule lets write it (a lead, say), or write only your own rows")
    }
}
