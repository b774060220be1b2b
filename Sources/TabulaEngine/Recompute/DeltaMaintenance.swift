import TabulaLanguage

/// How a rollup is kept by delta instead of re-reading its linked rows: `sum`, `count`,
/// `count_all`, `min` and `max` over a one-to-many last hop (the child row holds the link in its
/// own column), a value field stored in a column, and a `where` that reads only the child's own
/// columns. Each changed child gives its old contribution back and adds its new one; min and max
/// re-read a parent only when its current extreme leaves.
struct DeltaPlan {
    let mirror: FieldID
    let aggregate: MirrorAggregate
    let resultType: ValueType
    /// The table of the rows rolled up, and its link column pointing to the last-but-one table.
    let childTable: TableID
    let memberColumn: FieldID
    /// The field rolled up (nil for `count(links)`).
    let valueField: FieldID?
    let valueType: ValueType
    let filter: CompiledFormula?
    /// The child's own fields the filter reads, in the filter's input order.
    let filterFields: [FieldID]
    /// The links from the mirror's table to the last-but-one table (empty for a one-hop mirror).
    let upperLinks: [FieldID]
    /// The contributions of a range of new child rows, aggregated per member by one query
    /// (`?` and `?`: the id range); nil when the value or the `where` has no exact SQL form.
    var newRowsSQL: String? = nil
    /// For a timer's total: each child brings the seconds from its start to its end (both set).
    var interval: (start: FieldID, end: FieldID)? = nil

    /// The child fields whose change moves a contribution (made once, by `settled()` at the end
    /// of each `make`: every command asks each plan).
    private(set) var childFields: Set<FieldID> = []

    /// The plan as made, with `childFields` filled in.
    private func settled() -> DeltaPlan {
        var plan = self
        plan.childFields = Set([memberColumn] + (valueField.map { [$0] } ?? []) + filterFields + (interval.map { [$0.start, $0.end] } ?? []))
        return plan
    }

    /// A timer's total kept by delta: the sum of its rows' closed intervals, in seconds.
    static func make(timer roles: TimerRoles, schema: Schema) -> DeltaPlan? {
        guard let (log, back) = schema.field(id: roles.back), case .link(let spec) = back.kind, spec.storage == .column else { return nil }
        var plan = DeltaPlan(mirror: roles.timerField, aggregate: .sum, resultType: .duration, childTable: log.id, memberColumn: roles.back,
                             valueField: nil, valueType: .duration, filter: nil, filterFields: [], upperLinks: [])
        plan.interval = (roles.start, roles.end)
        let m = "c.\(Layout.column(roles.back))", start = "c.\(Layout.column(roles.start))", end = "c.\(Layout.column(roles.end))"
        let v = "((\(end) - \(start)) / 1000)"
        plan.newRowsSQL = "SELECT \(m), count(*), count(\(v)), sum(\(v)), min(\(v)), max(\(v)), 0 FROM \(Layout.table(log.id)) c WHERE c.id BETWEEN ? AND ? AND \(m) IS NOT NULL AND \(end) IS NOT NULL AND \(start) IS NOT NULL GROUP BY \(m)"
        return plan.settled()
    }

    /// The inputs of a timer's total that its delta covers.
    static func coveredInputs(timer roles: TimerRoles) -> Set<DeltaInput> {
        [DeltaInput(field: roles.entries, path: []), DeltaInput(field: roles.start, path: [roles.entries]),
         DeltaInput(field: roles.end, path: [roles.entries])]
    }

    /// A plan for a mirror, or nil when it must re-read its rows.
    static func make(field: Field, spec given: MirrorSpec, filter: CompiledFormula?, schema: Schema, volatile: Set<FieldID>) -> DeltaPlan? {
        let spec = given.countingRowsOfLastLink(in: schema)
        guard [.sum, .count, .count_all, .min, .max].contains(spec.aggregate),
              let last = spec.links.last, let (_, lastLink) = schema.field(id: last),
              case .link(let lastSpec) = lastLink.kind, lastSpec.storage == .derived,
              let memberID = lastSpec.inverse, let (child, member) = schema.field(id: memberID),
              case .link(let memberSpec) = member.kind, memberSpec.storage == .column else { return nil }
        var valueType = ValueType.any
        if let v = spec.field {
            guard let value = child.field(id: v), Layout.hasColumn(value), !volatile.contains(v), !value.valueType.isList else { return nil }
            valueType = value.valueType
            if spec.aggregate == .sum && !isExactInteger(spec.resultType) { return nil }
        } else if spec.aggregate != .count && spec.aggregate != .count_all {
            return nil
        }
        var filterFields: [FieldID] = []
        if spec.filter != nil {
            guard let filter else { return nil }
            for path in filter.paths {
                guard path.count == 1, let f = child.field(id: path[0]), Layout.hasColumn(f), !volatile.contains(f.id) else { return nil }
                filterFields.append(f.id)
            }
        }
        var plan = DeltaPlan(mirror: field.id, aggregate: spec.aggregate, resultType: spec.resultType, childTable: child.id,
                             memberColumn: memberID, valueField: spec.field, valueType: valueType, filter: filter,
                             filterFields: filterFields, upperLinks: Array(spec.links.dropLast()))
        plan.newRowsSQL = newRowsSQL(spec: spec, child: child, member: memberID, valueType: valueType, schema: schema)
        return plan.settled()
    }

    /// `SELECT member, count(*), count(v), sum(v), min(v), max(v), errors FROM child WHERE id
    /// BETWEEN ? AND ? ... GROUP BY member`, when SQL computes exactly what the rows bring.
    private static func newRowsSQL(spec: MirrorSpec, child: Table, member: FieldID, valueType: ValueType, schema: Schema) -> String? {
        var value = "NULL"
        if let v = spec.field {
            switch valueType {
            case .integer, .currency, .duration, .date, .datetime: value = "c.\(Layout.column(v))"
            default: return nil
            }
        }
        var conditions = ["c.id BETWEEN ? AND ?", "c.\(Layout.column(member)) IS NOT NULL"]
        if let source = spec.filter {
            guard let expr = try? ExpressionParser.parse(SourceText(name: "where", text: source)),
                  let condition = SQLCondition(table: child, alias: "c", schema: schema).translate(expr) else { return nil }
            conditions.append(condition)
        }
        let m = "c.\(Layout.column(member))"
        return "SELECT \(m), count(*), count(\(value)), sum(\(value)), min(\(value)), max(\(value)), max(typeof(\(value)) = 'blob') FROM \(Layout.table(child.id)) c WHERE \(conditions.joined(separator: " AND ")) GROUP BY \(m)"
    }

    /// What a group of new child rows brings to one parent.
    struct NewRows {
        var rows: Int64 = 0
        var present: Int64 = 0
        var sum: Int64 = 0
        var min: SQLValue = .null
        var max: SQLValue = .null
        var hasError = false

        mutating func add(_ other: NewRows) -> Bool {
            rows += other.rows
            present += other.present
            let (r, overflow) = sum.addingReportingOverflow(other.sum)
            if overflow { return false }
            sum = r
            if case .integer(let o) = other.min { if case .integer(let m) = min { min = .integer(Swift.min(m, o)) } else { min = other.min } }
            if case .integer(let o) = other.max { if case .integer(let m) = max { max = .integer(Swift.max(m, o)) } else { max = other.max } }
            hasError = hasError || other.hasError
            return true
        }
    }

    /// The mirror's value from its stored one and what new rows bring; nil when only a re-read can tell.
    func combine(_ stored: Value, adding new: NewRows) -> Value? {
        if stored.isError || new.hasError { return nil }
        switch aggregate {
        case .count_all:
            guard case .integer(let n) = stored else { return nil }
            return .integer(n + new.rows)
        case .count:
            guard case .integer(let n) = stored else { return nil }
            return .integer(n + (valueField == nil ? new.rows : new.present))
        case .sum:
            guard let total = stored.exactInteger else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(new.sum)
            if overflow { return nil }
            switch resultType {
            case .currency(let code): return .money(Money(minorUnits: sum, currency: code))
            case .duration: return .duration(sum)
            case .integer: return .integer(sum)
            default: return nil
            }
        case .min, .max:
            let candidate = aggregate == .min ? new.min : new.max
            guard case .integer(let c) = candidate else { return stored }
            if stored.isBlank { return ValueCoding.decode(candidate, as: valueType) }
            guard case .integer(let s) = ValueCoding.encode(stored) else { return nil }
            let better = aggregate == .min ? c < s : c > s
            return better ? ValueCoding.decode(candidate, as: valueType) : stored
        default:
            return nil
        }
    }

    /// Whether a row's value leaves a sum as it is: blank, or zero of the sum's own type (a value
    /// of another type makes the sum an error, which only a re-read tells).
    func addsNothingToSum(_ value: Value) -> Bool {
        switch (value, resultType) {
        case (.blank, _): return true
        case (.money(let m), .currency): return m.minorUnits == 0
        case (.duration(let s), .duration): return s == 0
        case (.integer(let i), .integer): return i == 0
        default: return false
        }
    }

    /// Types whose sums are exact integers in storage (so a delta equals a fresh sum).
    static func isExactInteger(_ type: ValueType) -> Bool {
        switch type {
        case .integer, .currency, .duration: return true
        default: return false
        }
    }

    /// The inputs of the mirror that the delta covers, as (input field, path) pairs: the spread
    /// skips them, because the delta reads those changes from the child rows themselves.
    func coveredInputs(_ given: MirrorSpec, in schema: Schema) -> Set<DeltaInput> {
        let spec = given.countingRowsOfLastLink(in: schema)
        var inputs: Set<DeltaInput> = [DeltaInput(field: spec.links.last!, path: upperLinks)]
        if let v = valueField { inputs.insert(DeltaInput(field: v, path: spec.links)) }
        for f in filterFields { inputs.insert(DeltaInput(field: f, path: spec.links)) }
        if let o = spec.orderBy { inputs.insert(DeltaInput(field: o, path: spec.links)) }
        return inputs
    }
}

/// An input of a computed field: a field read through a path of links.
struct DeltaInput: Hashable {
    let field: FieldID
    let path: [FieldID]
}

/// The columns a recompute's deltas read (`CompiledSchema.deltaColumns`) of some rows of one
/// table, read once per recompute and kept true by the recompute's own writes.
struct DeltaReads {
    let fields: Set<FieldID>
    var loaded: Set<RowID> = []
    var values: [RowID: [FieldID: Value]] = [:]
}

/// One child row's part in a rollup: which parent-side row it hangs on and the value it brings.
private struct Contribution: Equatable {
    var member: RowID
    var value: Value
}

extension Base {
    /// Applies the changes of child rows to a delta-kept mirror, except on `rereading` parents
    /// (those are recomputed by re-reading). Returns the parents whose value changed, and those
    /// the delta could not settle (an error value, an extreme that left), to be re-read.
    func applyDelta(_ plan: DeltaPlan, rereading: Set<RowID>) throws -> (changed: [RowID], reread: Set<RowID>) {
        guard pendingTouches(plan.childTable) else { return ([], []) }  // as changedChildren would find
        let compiled = try compiledSchema()
        guard let (mirrorTable, mirror) = compiled.fieldsByID[plan.mirror], let child = schema.table(id: plan.childTable) else { return ([], []) }
        // Read what the command changed first, without keeping a copy of the change set: the
        // writes below would otherwise copy it whole.
        let (inserted, deleted, touched, before, gone, parentInserted) = changedChildren(plan, child: child, mirrorTable: mirrorTable)
        if touched.isEmpty { return ([], []) }
        // Many new rows and nothing else: one aggregate over their id range.
        if touched.count >= 32, deleted.isEmpty, touched.count == inserted.count, let sql = plan.newRowsSQL,
           let low = inserted.min(), let high = inserted.max() {
            if let done = try applyNewRows(plan, sql: sql, range: (low, high), mirror: mirror, in: mirrorTable,
                                           skipping: rereading.union(gone).union(parentInserted)) {
                return done
            }
        }

        let live = touched.subtracting(deleted)
        let current = try deltaColumnValues(child, rows: live)
        let now = self.now(), context = schema.valueContext

        func contribution(_ read: (FieldID) -> Value) -> Contribution? {
            guard case .link(let member) = read(plan.memberColumn) else { return nil }
            if let filter = plan.filter {
                let inputs = LoadedInputs(values: plan.filterFields.map(read), now: now, context: context)
                guard filter.evaluate(inputs) == .bool(true) else { return nil }
            }
            if let (start, end) = plan.interval {
                guard case .datetime(let from) = read(start), case .datetime(let to) = read(end) else { return nil }
                return Contribution(member: member, value: .duration((to.millisecondsSinceEpoch - from.millisecondsSinceEpoch) / 1000))
            }
            return Contribution(member: member, value: plan.valueField.map(read) ?? .bool(true))
        }

        var removed: [(Contribution)] = []
        var added: [(Contribution)] = []
        for row in touched {
            let isNew = inserted.contains(row), isGone = deleted.contains(row)
            if isNew && isGone { continue }
            let stored = current[row]
            let old: Contribution? = isNew ? nil : contribution { f in before[row]?[f] ?? stored?[f] ?? .blank }
            let new: Contribution? = isGone ? nil : contribution { f in stored?[f] ?? .blank }
            if old == new { continue }
            if let old { removed.append(old) }
            if let new { added.append(new) }
        }
        if removed.isEmpty && added.isEmpty { return ([], []) }
        // Rows that bring nothing to a sum, or take nothing from it (a timer just started, its
        // entry 0 s long), leave every parent's sum as it is, wherever they hang.
        if plan.aggregate == .sum, removed.allSatisfy({ plan.addsNothingToSum($0.value) }), added.allSatisfy({ plan.addsNothingToSum($0.value) }) {
            return ([], [])
        }

        // Up from the last-but-one table to the mirror's own rows.
        var ancestors: [RowID: [RowID]] = [:]
        let members = Set((removed + added).map(\.member))
        if plan.upperLinks.isEmpty {
            for m in members { ancestors[m] = [m] }
        } else {
            for m in members { ancestors[m] = [m] }
            for link in plan.upperLinks.reversed() {
                let reached = Set(ancestors.values.joined())
                let up = try reverseMap(link, from: reached)
                for (m, rows) in ancestors {
                    var next: [RowID] = []
                    var seen: Set<RowID> = []
                    for r in rows { for a in up[r] ?? [] where seen.insert(a).inserted { next.append(a) } }
                    ancestors[m] = next
                }
            }
        }
        var outs: [RowID: [Value]] = [:], ins: [RowID: [Value]] = [:]
        for c in removed { for p in ancestors[c.member] ?? [] { outs[p, default: []].append(c.value) } }
        for c in added { for p in ancestors[c.member] ?? [] { ins[p, default: []].append(c.value) } }
        let parents = Set(outs.keys).union(ins.keys).subtracting(rereading).subtracting(gone).subtracting(parentInserted)
        if parents.isEmpty { return ([], []) }

        let stored = try deltaStoredValues(mirror, in: mirrorTable, rows: parents)
        let collator = TextCollator.shared(locale: schema.locale)
        var reread: Set<RowID> = []
        var changed: [RowID] = []
        let update = try db.cachedStatement("UPDATE \(Layout.table(mirrorTable.id)) SET \(Layout.column(mirror.id)) = ? WHERE id = ?")
        for p in parents.sorted() {
            let before = stored[p] ?? .blank
            guard let after = plan.combine(before, removing: outs[p] ?? [], adding: ins[p] ?? [], collator: collator) else {
                reread.insert(p); continue
            }
            if ValueCoding.encode(after) == ValueCoding.encode(before) { continue }
            let encoded = ValueCoding.encode(after)
            try update.run([encoded, .integer(p)])
            noteDeltaWrite(mirrorTable.id, p, mirror, encoded)
            self.pending?.recordBefore(mirrorTable.id, p, mirror.id, before)
            noteChange(mirrorTable.id, p, mirror.id)
            changed.append(p)
        }
        return (changed, reread)
    }

    /// Adds what a range of new child rows brings to their parents' stored values; nil (nothing
    /// written) when SQL cannot sum them exactly, for the row-by-row delta to do it.
    private func applyNewRows(_ plan: DeltaPlan, sql: String, range: (RowID, RowID), mirror: Field, in mirrorTable: Table,
                              skipping: Set<RowID>) throws -> (changed: [RowID], reread: Set<RowID>)? {
        var byMember: [RowID: DeltaPlan.NewRows] = [:]
        do {
            try db.cachedStatement(sql).forEachRow([.integer(range.0), .integer(range.1)]) { s in
                byMember[s.int64(0)] = DeltaPlan.NewRows(rows: s.int64(1), present: s.int64(2), sum: s.column(3).int64Value ?? 0,
                                                         min: s.column(4), max: s.column(5), hasError: s.int64(6) != 0)
            }
        } catch is DatabaseError {
            return nil  // an integer overflow in the sum
        }
        // Up from the last-but-one table to the mirror's own rows.
        var byParent: [RowID: DeltaPlan.NewRows] = [:]
        if plan.upperLinks.isEmpty {
            byParent = byMember
        } else {
            var ancestors: [RowID: [RowID]] = Dictionary(uniqueKeysWithValues: byMember.keys.map { ($0, [$0]) })
            for link in plan.upperLinks.reversed() {
                let up = try reverseMap(link, from: Set(ancestors.values.joined()))
                for (m, rows) in ancestors {
                    var next: [RowID] = []
                    var seen: Set<RowID> = []
                    for r in rows { for a in up[r] ?? [] where seen.insert(a).inserted { next.append(a) } }
                    ancestors[m] = next
                }
            }
            for (member, brings) in byMember {
                for parent in ancestors[member] ?? [] {
                    if byParent[parent] == nil { byParent[parent] = brings } else if !byParent[parent]!.add(brings) { return nil }
                }
            }
        }
        let parents = Set(byParent.keys).subtracting(skipping)
        if parents.isEmpty { return ([], []) }
        let stored = try deltaStoredValues(mirror, in: mirrorTable, rows: parents)
        let update = try db.cachedStatement("UPDATE \(Layout.table(mirrorTable.id)) SET \(Layout.column(mirror.id)) = ? WHERE id = ?")
        var changed: [RowID] = []
        var reread: Set<RowID> = []
        for p in parents.sorted() {
            let before = stored[p] ?? .blank
            guard let after = plan.combine(before, adding: byParent[p]!) else { reread.insert(p); continue }
            if ValueCoding.encode(after) == ValueCoding.encode(before) { continue }
            let encoded = ValueCoding.encode(after)
            try update.run([encoded, .integer(p)])
            noteDeltaWrite(mirrorTable.id, p, mirror, encoded)
            pending?.recordBefore(mirrorTable.id, p, mirror.id, before)
            noteChange(mirrorTable.id, p, mirror.id)
            changed.append(p)
        }
        return (changed, reread)
    }

    /// The child rows a command inserted, deleted or changed in a field the plan reads, their
    /// values from before the command, and the mirror table's deleted and inserted rows.
    private func changedChildren(_ plan: DeltaPlan, child: Table, mirrorTable: Table)
        -> (inserted: Set<RowID>, deleted: Set<RowID>, touched: Set<RowID>, before: [RowID: [FieldID: Value]], gone: Set<RowID>, parentInserted: Set<RowID>) {
        guard let pending else { return ([], [], [], [:], [], []) }
        let fields = plan.childFields
        let inserted = pending.inserted[child.id] ?? []
        let deleted = pending.deleted[child.id] ?? []
        var touched = inserted.union(deleted)
        for (row, changed) in pending.cells[child.id] ?? [:] where !changed.isDisjoint(with: fields) { touched.insert(row) }
        var before: [RowID: [FieldID: Value]] = [:]
        for row in touched where !inserted.contains(row) {
            for f in fields { if let v = pending.valueBefore(child.id, row, f) { before[row, default: [:]][f] = v } }
        }
        return (inserted, deleted, touched, before, pending.deleted[mirrorTable.id] ?? [], pending.inserted[mirrorTable.id] ?? [])
    }

    /// The columns a recompute's deltas read of some rows of a table (`CompiledSchema.deltaColumns`):
    /// read once per recompute for all the rollups over the table and all its own rollups.
    private func deltaColumnValues(_ table: Table, rows: Set<RowID>) throws -> [RowID: [FieldID: Value]] {
        if let reads = deltaReads[table.id], reads.loaded.isSuperset(of: rows) { return reads.values }
        let fields = try compiledSchema().deltaColumns[table.id] ?? []
        var reads = deltaReads.removeValue(forKey: table.id) ?? DeltaReads(fields: Set(fields.map(\.id)))
        let missing = rows.subtracting(reads.loaded)
        let loaded = try columnValues(fields, in: table, rows: Array(missing).sorted())
        reads.values.merge(loaded) { _, new in new }
        reads.loaded.formUnion(missing)
        deltaReads[table.id] = reads
        return reads.values
    }

    /// The stored values of a delta-kept rollup on some rows, from the recompute's reads.
    private func deltaStoredValues(_ mirror: Field, in table: Table, rows: Set<RowID>) throws -> [RowID: Value] {
        let values = try deltaColumnValues(table, rows: rows)
        var result: [RowID: Value] = [:]
        result.reserveCapacity(rows.count)
        for row in rows { result[row] = values[row]?[mirror.id] ?? .blank }
        return result
    }

    /// Keeps the recompute's reads true after it wrote a cell (the value as stored).
    func noteDeltaWrite(_ table: TableID, _ row: RowID, _ field: Field, _ stored: SQLValue) {
        guard deltaReads[table]?.fields.contains(field.id) == true, deltaReads[table]?.loaded.contains(row) == true else { return }
        deltaReads[table]?.values[row]?[field.id] = ValueCoding.decode(stored, as: field.valueType)
    }

    /// For each row of the link's target table, the rows of the link's own table linking to it.
    func reverseMap(_ link: FieldID, from targets: Set<RowID>) throws -> [RowID: [RowID]] {
        guard let (_, field) = schema.field(id: link), let relation = LinkRelation(field, in: schema) else { return [:] }
        var result: [RowID: [RowID]] = [:]
        for chunk in Array(targets).sorted().chunked(500) {
            try db.cachedStatement(relation.reverseSQL(count: chunk.count)).forEachRow(chunk.map { .integer($0) }) { s in
                result[s.int64(0), default: []].append(s.int64(1))
            }
        }
        return result
    }

    /// Several column fields of some rows in one query per chunk.
    func columnValues(_ fields: [Field], in table: Table, rows: [RowID]) throws -> [RowID: [FieldID: Value]] {
        var result: [RowID: [FieldID: Value]] = [:]
        if fields.isEmpty || rows.isEmpty { return result }
        let list = fields.map { Layout.column($0.id) }.joined(separator: ", ")
        func read(_ s: Statement) {
            var values: [FieldID: Value] = [:]
            for (i, f) in fields.enumerated() { values[f.id] = ValueCoding.decode(s.column(Int32(i + 1)), as: f.valueType) }
            result[s.int64(0)] = values
        }
        if let (low, high) = denseRange(rows) {
            // Many rows in a narrow id range (new rows of a bulk insert): one range scan.
            let wanted = Set(rows)
            try db.cachedStatement("SELECT id, \(list) FROM \(Layout.table(table.id)) WHERE id BETWEEN ? AND ?")
                .forEachRow([.integer(low), .integer(high)]) { s in if wanted.contains(s.int64(0)) { read(s) } }
            return result
        }
        for chunk in rows.chunked(500) {
            let sql = "SELECT id, \(list) FROM \(Layout.table(table.id)) WHERE id IN (\(placeholders(chunk.count)))"
            try db.cachedStatement(sql).forEachRow(chunk.map { .integer($0) }) { s in
                var values: [FieldID: Value] = [:]
                for (i, f) in fields.enumerated() { values[f.id] = ValueCoding.decode(s.column(Int32(i + 1)), as: f.valueType) }
                result[s.int64(0)] = values
            }
        }
        return result
    }
}

extension DeltaPlan {
    /// The mirror's new value from its stored one, the values leaving and the values arriving;
    /// nil when only a re-read can tell (an error, an overflow, the extreme leaving).
    func combine(_ stored: Value, removing outs: [Value], adding ins: [Value], collator: TextCollator) -> Value? {
        if stored.isError || outs.contains(where: \.isError) || ins.contains(where: \.isError) { return nil }
        switch aggregate {
        case .count_all:
            guard case .integer(let n) = stored else { return nil }
            return .integer(n - Int64(outs.count) + Int64(ins.count))
        case .count:
            guard case .integer(let n) = stored else { return nil }
            let countsRows = valueField == nil
            let out = countsRows ? outs.count : outs.filter { !$0.isBlank }.count
            let into = countsRows ? ins.count : ins.filter { !$0.isBlank }.count
            return .integer(n - Int64(out) + Int64(into))
        case .sum:
            guard let total = stored.exactInteger else { return nil }
            var sum = total
            for v in outs where !v.isBlank {
                guard let x = v.exactInteger else { return nil }
                let (r, o) = sum.subtractingReportingOverflow(x); if o { return nil }; sum = r
            }
            for v in ins where !v.isBlank {
                guard let x = v.exactInteger else { return nil }
                let (r, o) = sum.addingReportingOverflow(x); if o { return nil }; sum = r
            }
            switch resultType {
            case .currency(let code): return .money(Money(minorUnits: sum, currency: code))
            case .duration: return .duration(sum)
            case .integer: return .integer(sum)
            default: return nil
            }
        case .min, .max:
            let sign = aggregate == .min ? -1 : 1
            // An extreme that leaves could be replaced by any other row: re-read.
            if !stored.isBlank, outs.contains(where: { !$0.isBlank && ValueOrdering.compare($0, stored, collator: collator) == 0 }) { return nil }
            var best = stored
            for v in ins where !v.isBlank {
                if best.isBlank || ValueOrdering.compare(v, best, collator: collator) * sign > 0 { best = v }
            }
            if stored.isBlank, !outs.allSatisfy(\.isBlank) { return nil }
            return best
        default:
            return nil
        }
    }
}

extension Value {
    /// The integer a money, duration or integer value is stored as.
    var exactInteger: Int64? {
        switch self {
        case .integer(let i): return i
        case .money(let m): return m.minorUnits
        case .duration(let s): return s
        default: return nil
        }
    }
}

extension MirrorSpec {
    /// `count(projects.tasks.entries)` ends at a multiple link whose rows each belong to one task:
    /// counting the links' values is counting the rows one hop further. Seen that way, the count
    /// has a delta and an SQL form. (Not with a `where`, which reads the tasks, not the entries.)
    func countingRowsOfLastLink(in schema: Schema) -> MirrorSpec {
        guard aggregate == .count, filter == nil, let f = field, let (_, link) = schema.field(id: f),
              case .link(let linkSpec) = link.kind, linkSpec.many, linkSpec.storage == .derived,
              let inverse = linkSpec.inverse, let (_, back) = schema.field(id: inverse),
              case .link(let backSpec) = back.kind, backSpec.storage == .column else { return self }
        var spec = self
        spec.links.append(f)
        spec.field = nil
        return spec
    }
}
