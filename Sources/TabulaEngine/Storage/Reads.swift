/// A row read from a table: its id and one value per field, in the table's field order.
public struct RowRecord: Sendable, Hashable {
    public var id: RowID
    public var values: [Value]
    public init(id: RowID, values: [Value]) { self.id = id; self.values = values }
}

extension Base {
    /// Values of some fields of one row (links of every kind included).
    func readValues(of table: Table, row: RowID, fields: [FieldID]) throws -> [FieldID: Value] {
        var result: [FieldID: Value] = [:]
        let wanted = table.fields.filter { fields.contains($0.id) }
        let columnFields = wanted.filter(Layout.hasColumn)
        if !columnFields.isEmpty {
            let stmt = try db.cachedStatement("SELECT \(columnFields.map { Layout.column($0.id) }.joined(separator: ", ")) FROM \(Layout.table(table.id)) WHERE id = ?")
            let rows = try stmt.rows([.integer(row)])
            if let r = rows.first {
                for (i, f) in columnFields.enumerated() { result[f.id] = ValueCoding.decode(r[i], as: f.valueType) }
            }
        }
        for f in wanted where !Layout.hasColumn(f) {
            if case .link(let spec) = f.kind {
                result[f.id] = .list(try linkedIDs(f, spec: spec, row: row).map(Value.link))
            }
        }
        return result
    }

    /// Values of some fields of one row, or nil when the row does not exist (one query for the
    /// fields stored in columns and the row's existence).
    func readRow(of table: Table, row: RowID, fields: [FieldID]) throws -> [FieldID: Value]? {
        let wanted = table.fields.filter { fields.contains($0.id) }
        let columnFields = wanted.filter(Layout.hasColumn)
        let list = (["id"] + columnFields.map { Layout.column($0.id) }).joined(separator: ", ")
        guard let r = try db.cachedStatement("SELECT \(list) FROM \(Layout.table(table.id)) WHERE id = ?").rows([.integer(row)]).first else { return nil }
        var result: [FieldID: Value] = [:]
        for (i, f) in columnFields.enumerated() { result[f.id] = ValueCoding.decode(r[i + 1], as: f.valueType) }
        for f in wanted where !Layout.hasColumn(f) {
            if case .link(let spec) = f.kind { result[f.id] = .list(try linkedIDs(f, spec: spec, row: row).map(Value.link)) }
        }
        return result
    }

    /// Some fields of one row by name (links of every kind included), or nil when the row does
    /// not exist: what a rule reads of a row without loading all of it (a person's rate, not
    /// every entry that links to them).
    public func values(of table: Table, row: RowID, fields names: [String]) throws -> [String: Value]? {
        let fields = names.compactMap { table.field(named: $0) }
        guard let values = try readRow(of: table, row: row, fields: fields.map(\.id)) else { return nil }
        var result: [String: Value] = [:]
        for field in fields { result[field.name] = values[field.id] ?? .blank }
        return result
    }

    /// The rows of a table whose stored field holds `value` (a single link's target, a text, a
    /// number), in id order: one indexed lookup for links, instead of reading the table.
    public func rowIDs(of table: Table, where field: Field, is value: Value) throws -> [RowID] {
        guard Layout.hasColumn(field), !value.isBlank else { return [] }
        return try db.cachedStatement("SELECT id FROM \(Layout.table(table.id)) WHERE \(Layout.column(field.id)) = ? ORDER BY id")
            .rows([ValueCoding.encode(value)]).compactMap { $0[0].int64Value }
    }

    /// The rows whose stored `field` holds `value` and whose stored datetime `time` falls in
    /// `from ..< before`, in id order: one person's entries of one day, by the link's index.
    public func rowIDs(of table: Table, where field: Field, is value: Value, time: Field, from: Instant, before: Instant) throws -> [RowID] {
        guard Layout.hasColumn(field), Layout.hasColumn(time), !value.isBlank else { return [] }
        let t = Layout.column(time.id)
        return try db.cachedStatement("SELECT id FROM \(Layout.table(table.id)) WHERE \(Layout.column(field.id)) = ? AND \(t) >= ? AND \(t) < ? ORDER BY id")
            .rows([ValueCoding.encode(value), ValueCoding.encode(.datetime(from)), ValueCoding.encode(.datetime(before))]).compactMap { $0[0].int64Value }
    }

    /// The rows whose stored `field` holds `value` and whose interval (`start` to `end`, a blank
    /// end running on) overlaps `from ..< to` (`to` nil: open-ended), in id order: one person's
    /// entries that overlap an interval.
    public func rowIDs(of table: Table, where field: Field, is value: Value, start: Field, end: Field, overlapping from: Instant, to: Instant?) throws -> [RowID] {
        guard Layout.hasColumn(field), Layout.hasColumn(start), Layout.hasColumn(end), !value.isBlank else { return [] }
        let s = Layout.column(start.id), e = Layout.column(end.id)
        var sql = "SELECT id FROM \(Layout.table(table.id)) WHERE \(Layout.column(field.id)) = ? AND (\(e) IS NULL OR \(e) > ?)"
        var arguments = [ValueCoding.encode(value), ValueCoding.encode(.datetime(from))]
        if let to { sql += " AND \(s) < ?"; arguments.append(ValueCoding.encode(.datetime(to))) }
        return try db.cachedStatement(sql + " ORDER BY id").rows(arguments).compactMap { $0[0].int64Value }
    }

    /// Every row of a table (or those with the given ids), in id order.
    public func rows(of table: Table, ids: [RowID]? = nil) throws -> [RowRecord] {
        let columnFields = table.fields.filter(Layout.hasColumn)
        var sql = "SELECT id\(columnFields.map { ", " + Layout.column($0.id) }.joined()) FROM \(Layout.table(table.id))"
        var arguments: [SQLValue] = []
        if let ids {
            if ids.isEmpty { return [] }
            sql += " WHERE id IN (\(ids.map { _ in "?" }.joined(separator: ",")))"
            arguments = ids.map { .integer($0) }
        }
        sql += " ORDER BY id"
        var records: [RowRecord] = []
        var index: [RowID: Int] = [:]
        let positions = Dictionary(uniqueKeysWithValues: table.fields.enumerated().map { ($1.id, $0) })
        // A few ids (a row of the API, a command's rows) reuse a prepared statement; long id
        // lists, one of a kind each, would only push others out of the cache.
        let statement = arguments.count <= 16 ? try db.cachedStatement(sql) : try db.prepare(sql)
        try statement.forEachRow(arguments) { stmt in
            let id = stmt.int64(0)
            var values = [Value](repeating: .blank, count: table.fields.count)
            for (i, f) in columnFields.enumerated() {
                values[positions[f.id]!] = ValueCoding.decode(stmt.column(Int32(i + 1)), as: f.valueType)
            }
            index[id] = records.count
            records.append(RowRecord(id: id, values: values))
        }
        // Multiple links: one query per field, for the rows asked for only (reading one person must
        // not read every entry's link).
        for f in table.fields where !Layout.hasColumn(f) {
            guard case .link(let spec) = f.kind else { continue }
            var lists: [RowID: [Value]] = [:]
            if ids != nil {
                for (owner, targets) in try forward(f.id, from: records.map(\.id)) { lists[owner] = targets.map(Value.link) }
            } else {
                for (owner, target) in try linkPairs(f, spec: spec) { lists[owner, default: []].append(.link(target)) }
            }
            let p = positions[f.id]!
            for (owner, list) in lists { if let i = index[owner] { records[i].values[p] = .list(list) } }
            for i in records.indices where lists[records[i].id] == nil { records[i].values[p] = .list([]) }
        }
        // Formulas that read the clock or the running timers are computed now, never stored stale.
        let compiled = try compiledSchema()
        for f in table.fields where compiled.graph.volatile.contains(f.id) {
            guard let formula = compiled.formulas[f.id], let p = positions[f.id] else { continue }
            let values = try evaluate(formula, in: table, rows: records.map(\.id))
            for i in records.indices { records[i].values[p] = values[records[i].id] ?? .blank }
        }
        return records
    }

    /// Some fields of every row of a table, in id order, each row's values in the order asked:
    /// only fields kept in the table's own columns, so reading the name and code of every project
    /// does not read every entry that links to them. A field of another kind is refused.
    public func columnValues(of table: Table, fields names: [String]) throws -> [(id: RowID, values: [Value])] {
        let fields = try names.map { name -> Field in
            let field = try self.field(named: name, in: table)
            guard Layout.hasColumn(field) else {
                throw EngineError(.invalidValue, "\(table.name).\(field.name) is not kept in a column of its own", hint: "read it with rows(of:ids:)")
            }
            return field
        }
        var result: [(id: RowID, values: [Value])] = []
        let sql = "SELECT id\(fields.map { ", " + Layout.column($0.id) }.joined()) FROM \(Layout.table(table.id)) ORDER BY id"
        try db.prepare(sql).forEachRow { stmt in
            result.append((stmt.int64(0), fields.enumerated().map { i, f in ValueCoding.decode(stmt.column(Int32(i + 1)), as: f.valueType) }))
        }
        return result
    }

    /// All (row, linked row) pairs of a multiple link field, ordered by row then linked row.
    func linkPairs(_ field: Field, spec: LinkSpec) throws -> [(RowID, RowID)] {
        guard let sql = LinkRelation(field, in: schema)?.allPairsSQL else { return [] }
        return try db.query(sql).compactMap { r in
            guard let a = r[0].int64Value, let b = r[1].int64Value else { return nil }
            return (a, b)
        }
    }

    /// The primary value of rows of a table, for showing links by name.
    public func primaryValues(of table: Table, ids: [RowID]) throws -> [RowID: String] {
        let primary = table.primaryField
        guard !ids.isEmpty else { return [:] }
        // A row whose primary field is itself a link is best named by its own id.
        if case .link = primary.kind { return Dictionary(uniqueKeysWithValues: Set(ids).map { ($0, "#\($0)") }) }
        guard Layout.hasColumn(primary) else { return [:] }
        var result: [RowID: String] = [:]
        let unique = Array(Set(ids))
        for chunk in stride(from: 0, to: unique.count, by: 500).map({ Array(unique[$0..<min($0 + 500, unique.count)]) }) {
            let rows = try db.query("SELECT id, \(Layout.column(primary.id)) FROM \(Layout.table(table.id)) WHERE id IN (\(chunk.map { _ in "?" }.joined(separator: ",")))",
                                    chunk.map { .integer($0) })
            for r in rows {
                guard let id = r[0].int64Value else { continue }
                let v = ValueCoding.decode(r[1], as: primary.valueType)
                result[id] = v.isBlank ? "#\(id)" : primary.valueType.format(v, context: schema.valueContext)
            }
        }
        return result
    }

    /// How many rows a table has.
    public func rowCount(of table: Table) throws -> Int {
        Int(try db.scalar("SELECT count(*) FROM \(Layout.table(table.id))").int64Value ?? 0)
    }
}
