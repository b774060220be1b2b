import TabulaLanguage
/// The values of one row's formula inputs, loaded by the engine and read by index.
struct LoadedInputs: FormulaInputs {
    var values: [Value]
    let now: Instant
    let context: ValueContext
    func value(_ index: Int) -> Value { index < values.count ? values[index] : .error(.reference) }
}

/// A difference between a stored computed value and a full recompute, found by `check`.
public struct ComputedMismatch: Sendable, Hashable, CustomStringConvertible {
    public var table: String
    public var field: String
    public var row: RowID
    public var stored: String
    public var expected: String
    public var description: String { "\(table).\(field) #\(row): stored \(stored.isEmpty ? "(blank)" : stored), expected \(expected.isEmpty ? "(blank)" : expected)" }
}

extension Base {
    /// The current schema compiled (once after each schema change).
    func compiledSchema() throws -> CompiledSchema {
        if let c = compiledCache, compiledVersion == schemaVersion { return c }
        let c = try CompiledSchema(schema: schema)
        compiledCache = c
        compiledVersion = schemaVersion
        return c
    }

    // MARK: - Incremental

    /// Brings computed fields up to date for the cells a command changed: the changed cells seed a
    /// dirty set that spreads along the graph through the link indexes; each dirty cell is computed
    /// once, in level order; a cell whose value does not change stops the spread.
    func recompute(_ changes: ChangeSet) throws {
        let compiled = try compiledSchema()
        if compiled.graph.order.isEmpty { return }
        deltaReads = [:]
        defer { deltaReads = [:] }
        var dirty: [FieldID: Set<RowID>] = [:]
        var deleted: [TableID: Set<RowID>] = changes.deleted
        for (t, rows) in changes.inserted { deleted[t]?.subtract(rows) }
        // Seed: written cells, grouped by field.
        var written: [FieldID: Set<RowID>] = [:]
        for (_, rows) in changes.cells { for (row, fields) in rows { for f in fields { written[f, default: []].insert(row) } } }
        // New rows that nothing changed after their insert: the formulas the insert computed on
        // them are right, whatever of the row's own fields they read.
        var settledNew: [TableID: Set<RowID>] = [:]
        for (t, rows) in changes.inserted where !(schema.table(id: t).map { compiled.insertPlan($0).early.isEmpty } ?? true) {
            settledNew[t] = rows.filter { !changes.wasUpdated(t, $0) }
        }
        for (field, rows) in written {
            try spread(from: field, rows: rows, compiled: compiled, into: &dirty, settledNew: settledNew)
        }
        for (t, rows) in changes.inserted {
            guard let table = schema.table(id: t) else { continue }
            // Formulas computed by the insert itself are right on new rows (they count as written).
            let early = compiled.insertPlan(table).earlyFields
            for f in table.fields where f.kind.isComputedByRecompute && !early.contains(f.id) { dirty[f.id, default: []].formUnion(rows) }
        }
        for field in compiled.graph.order {
            let plan = compiled.deltaPlans[field]
            // Most computed fields have nothing to do in a small command: no dirty cell, and no
            // change to the rows their delta reads.
            if dirty[field] == nil && !(plan.map { pendingTouches($0.childTable) } ?? false) { continue }
            guard let (table, f) = compiled.fieldsByID[field], !compiled.graph.volatile.contains(field) else { continue }
            var rows = dirty[field] ?? []
            if let gone = deleted[table.id] { rows.subtract(gone) }
            var changed: [RowID] = []
            if let plan {
                let delta = try applyDelta(plan, rereading: rows)
                changed = delta.changed
                rows.formUnion(delta.reread)
            }
            if !rows.isEmpty { changed += try recomputeCells(f, in: table, rows: Array(rows).sorted(), compiled: compiled) }
            if !changed.isEmpty { try spread(from: field, rows: Set(changed), compiled: compiled, into: &dirty) }
        }
    }

    /// Whether the command in progress added, deleted or changed a row of the table.
    func pendingTouches(_ table: TableID) -> Bool { pending?.touches(table) ?? false }

    /// Marks the computed cells that read `field` on `rows`.
    private func spread(from field: FieldID, rows: Set<RowID>, compiled: CompiledSchema, into dirty: inout [FieldID: Set<RowID>],
                        settledNew: [TableID: Set<RowID>] = [:]) throws {
        for edge in compiled.graph.dependents[field] ?? [] where !compiled.isCoveredByDelta(edge, input: field) {
            var reached = rows
            if edge.path.isEmpty, let settled = settledNew[edge.table], let table = schema.table(id: edge.table),
               compiled.insertPlan(table).earlyFields.contains(edge.computed) {
                reached.subtract(settled)
            }
            for link in edge.path.reversed() {
                if reached.isEmpty { break }
                reached = try reverse(link, from: reached)
            }
            if !reached.isEmpty { dirty[edge.computed, default: []].formUnion(reached) }
        }
    }

    /// Computes a field for some rows and writes the values that differ; returns the changed rows.
    private func recomputeCells(_ field: Field, in table: Table, rows: [RowID], compiled: CompiledSchema) throws -> [RowID] {
        try store(try computeValues(field, in: table, rows: rows, compiled: compiled), of: field, in: table, rows: rows)
    }

    /// Writes the values that differ from what is stored; returns the rows that changed.
    private func store(_ fresh: [RowID: Value], of field: Field, in table: Table, rows: [RowID], stored known: [RowID: Value]? = nil) throws -> [RowID] {
        let stored = try known ?? storedValues(field, in: table, rows: rows)
        let update = try db.cachedStatement("UPDATE \(Layout.table(table.id)) SET \(Layout.column(field.id)) = ? WHERE id = ?")
        var changed: [RowID] = []
        for row in rows {
            let value = fresh[row] ?? .blank
            if sameStored(value, stored[row] ?? .blank) { continue }
            let encoded = ValueCoding.encode(value)
            try update.run([encoded, .integer(row)])
            noteDeltaWrite(table.id, row, field, encoded)
            pending?.recordBefore(table.id, row, field.id, stored[row] ?? .blank)
            noteChange(table.id, row, field.id)
            changed.append(row)
        }
        return changed
    }

    private func sameStored(_ a: Value, _ b: Value) -> Bool {
        ValueCoding.encode(a) == ValueCoding.encode(b)
    }

    /// Rows per step of a whole-table recompute.
    static let chunkSize = 5_000

    func storedValues(_ field: Field, in table: Table, rows: [RowID]) throws -> [RowID: Value] {
        var result: [RowID: Value] = [:]
        result.reserveCapacity(rows.count)
        if let (low, high) = denseRange(rows) {
            let sql = "SELECT id, \(Layout.column(field.id)) FROM \(Layout.table(table.id)) WHERE id BETWEEN ? AND ?"
            try db.cachedStatement(sql).forEachRow([.integer(low), .integer(high)]) { s in
                result[s.int64(0)] = ValueCoding.decode(s.column(1), as: field.valueType)
            }
            return result
        }
        for chunk in rows.chunked(500) {
            let sql = "SELECT id, \(Layout.column(field.id)) FROM \(Layout.table(table.id)) WHERE id IN (\(placeholders(chunk.count)))"
            try db.cachedStatement(sql).forEachRow(chunk.map { .integer($0) }) { s in
                result[s.int64(0)] = ValueCoding.decode(s.column(1), as: field.valueType)
            }
        }
        return result
    }

    // MARK: - Computing values

    /// The values a computed field should have on some rows, from what is stored now.
    func computeValues(_ field: Field, in table: Table, rows: [RowID], compiled: CompiledSchema, setWise: Bool = true) throws -> [RowID: Value] {
        switch field.kind {
        case .formula:
            guard let formula = compiled.formulas[field.id] else { return [:] }
            return try evaluate(formula, in: table, rows: rows)
        case .mirror(let spec):
            if setWise, let query = compiled.mirrorQueries[field.id] {
                // Set-wise; an error value in a group, or a sum too large, is left to the row-by-row aggregate.
                var result: [RowID: Value]
                var rest: [RowID]
                do { (result, rest) = try queryMirror(query, parents: rows) } catch is DatabaseError { (result, rest) = ([:], rows) }
                if !rest.isEmpty { result.merge(try aggregate(spec, field: field, rows: rest, compiled: compiled)) { _, row in row } }
                return result
            }
            return try aggregate(spec, field: field, rows: rows, compiled: compiled)
        case .timer:
            return try timerTotals(field, in: table, rows: rows)
        default:
            return [:]
        }
    }

    /// Evaluates a compiled formula on rows of a table. Many rows in a narrow id range (a
    /// chunk of a full recompute, a bulk insert) read their inputs in one statement and are
    /// evaluated as they stream by, and so do a few rows (a command's checks, locks and rules);
    /// `joined: false` always loads the inputs path by path.
    func evaluate(_ formula: CompiledFormula, in table: Table, rows: [RowID], joined: Bool = true) throws -> [RowID: Value] {
        if joined, let (fresh, _) = try evaluateByRange(formula, in: table, rows: rows, alsoReading: nil) { return fresh }
        if joined, let fresh = try evaluateFew(formula, in: table, rows: rows) { return fresh }
        let now = self.now()
        let context = schema.valueContext
        let inputs = try loadInputs(formula.paths, table: table, rows: rows)
        var result: [RowID: Value] = [:]
        result.reserveCapacity(rows.count)
        for row in rows {
            result[row] = formula.evaluate(LoadedInputs(values: inputs[row] ?? [], now: now, context: context))
        }
        return result
    }

    /// A formula over rows in a narrow id range, its inputs read by one SELECT as the rows stream
    /// by, and with `alsoReading` that field's stored values from the same SELECT (what a full
    /// recompute compares with); nil when the rows are not in such a range or an input has no
    /// column form.
    func evaluateByRange(_ formula: CompiledFormula, in table: Table, rows: [RowID], alsoReading stored: Field?) throws
        -> (fresh: [RowID: Value], stored: [RowID: Value])? {
        if let stored, !Layout.hasColumn(stored) { return nil }
        guard let (low, high) = denseRange(rows),
              let (sql, types) = try rangeInputsSQL(formula.paths, table: table, leading: stored.map { ["t0.\(Layout.column($0.id))"] } ?? []) else { return nil }
        let now = self.now()
        let context = schema.valueContext
        let first: Int32 = stored == nil ? 1 : 2
        var fresh: [RowID: Value] = [:], storedValues: [RowID: Value] = [:]
        fresh.reserveCapacity(rows.count)
        if stored != nil { storedValues.reserveCapacity(rows.count) }
        let wanted = high - low + 1 == RowID(rows.count) ? nil : Set(rows)
        var values = [Value](repeating: .blank, count: types.count)
        try db.cachedStatement(sql).forEachRow([.integer(low), .integer(high)]) { s in
            let row = s.int64(0)
            if let wanted, !wanted.contains(row) { return }
            if let stored { storedValues[row] = ValueCoding.decode(s.column(1), as: stored.valueType) }
            for i in 0..<types.count { values[i] = ValueCoding.decode(s.column(Int32(i) + first), as: types[i]) }
            fresh[row] = formula.evaluate(LoadedInputs(values: values, now: now, context: context))
        }
        return (fresh, storedValues)
    }

    /// A formula on a few rows (a command's own rows: its checks, locks and rules), its inputs
    /// read by one SELECT of those ids instead of one per input and per hop; nil when there are
    /// many rows or an input has no column form. A row the SELECT does not find is evaluated on
    /// blank inputs, as path by path.
    func evaluateFew(_ formula: CompiledFormula, in table: Table, rows: [RowID]) throws -> [RowID: Value]? {
        guard !rows.isEmpty, rows.count <= JoinedInputs.fewRows else { return nil }
        let compiled = try compiledSchema()
        let key = JoinedInputs.Key(table: table.id, paths: formula.paths)
        let joined: JoinedInputs
        if let known = compiled.joinedInputs[key] {
            joined = known
        } else {
            joined = JoinedInputs(try joinedInputsSelect(formula.paths, table: table))
            compiled.joinedInputs[key] = joined
        }
        guard let (sql, padded) = joined.sql(for: rows.count) else { return nil }
        var arguments = rows.map { SQLValue.integer($0) }
        while arguments.count < padded { arguments.append(.integer(rows[0])) }  // a repeated id matches nothing new
        let now = self.now()
        let context = schema.valueContext
        let types = joined.types
        var result: [RowID: Value] = [:]
        result.reserveCapacity(rows.count)
        var values = [Value](repeating: .blank, count: types.count)
        try db.cachedStatement(sql).forEachRow(arguments) { s in
            for i in 0..<types.count { values[i] = ValueCoding.decode(s.column(Int32(i) + 1), as: types[i]) }
            result[s.int64(0)] = formula.evaluate(LoadedInputs(values: values, now: now, context: context))
        }
        if result.count < rows.count {
            let blanks = LoadedInputs(values: [Value](repeating: .blank, count: types.count), now: now, context: context)
            for row in rows where result[row] == nil { result[row] = formula.evaluate(blanks) }
        }
        return result
    }

    /// One SELECT of a formula's inputs over an id range (`?`, `?`): see `joinedInputsSelect`.
    func rangeInputsSQL(_ paths: [[FieldID]], table: Table, leading: [String] = []) throws -> (String, [ValueType])? {
        try joinedInputsSelect(paths, table: table, leading: leading).map { ($0.0 + " WHERE t0.id BETWEEN ? AND ?", $0.1) }
    }

    /// The SELECT and FROM of a formula's inputs (the caller adds which rows): same-row columns,
    /// and columns behind single links by LEFT JOINs (a blank link reads blank, as hop by hop);
    /// with the value type of each input (`leading` columns come first, their types not given).
    /// Nil when an input is not a stored column there (a multiple link, a formula that reads the
    /// clock, a timer).
    func joinedInputsSelect(_ paths: [[FieldID]], table: Table, leading: [String] = []) throws -> (String, [ValueType])? {
        let volatile = try compiledSchema().graph.volatile
        var joins: [String] = []
        var joined: [String: String] = [:]  // link path -> alias
        var columns: [String] = leading
        var types: [ValueType] = []
        for path in paths {
            guard let last = path.last else { return nil }
            var current = table, alias = "t0", key = ""
            for hop in path.dropLast() {
                guard let link = current.field(id: hop), case .link(let spec) = link.kind, spec.storage == .column, !spec.many,
                      let next = schema.table(id: spec.target) else { return nil }
                key += "\(hop)."
                if let known = joined[key] {
                    alias = known
                } else {
                    let name = "t\(joined.count + 1)"
                    joins.append("LEFT JOIN \(Layout.table(next.id)) \(name) ON \(name).id = \(alias).\(Layout.column(hop))")
                    joined[key] = name
                    alias = name
                }
                current = next
            }
            guard let field = current.field(id: last), Layout.hasColumn(field), !volatile.contains(field.id) else { return nil }
            columns.append("\(alias).\(Layout.column(field.id))")
            types.append(field.valueType)
        }
        let list = columns.isEmpty ? "" : ", " + columns.joined(separator: ", ")
        return ("SELECT t0.id\(list) FROM \(Layout.table(table.id)) t0 \(joins.joined(separator: " "))", types)
    }

    /// The values of formula paths for rows: same-row fields in one query, link paths followed hop by hop.
    func loadInputs(_ paths: [[FieldID]], table: Table, rows: [RowID]) throws -> [RowID: [Value]] {
        var result: [RowID: [Value]] = [:]
        for row in rows { result[row] = [Value](repeating: .blank, count: paths.count) }
        // Group paths by their first field; load first fields for all rows at once.
        let firstFields = Array(Set(paths.compactMap(\.first)))
        var firstValues: [FieldID: [RowID: Value]] = [:]
        for fid in firstFields {
            guard let field = table.field(id: fid) else { continue }
            firstValues[fid] = try fieldValues(field, in: table, rows: rows)
        }
        for (i, path) in paths.enumerated() {
            if path.count == 2, let probe = TimerProbe(rawValue: path[1]) {
                let values = try timerProbe(probe, timer: path[0], rows: rows)
                for row in rows { result[row]![i] = values[row] ?? .blank }
                continue
            }
            guard let first = path.first, let values = firstValues[first] else { continue }
            if path.count == 1 {
                for row in rows { result[row]![i] = values[row] ?? .blank }
                continue
            }
            // Follow single links: group rows by target to load each hop once.
            var current: [RowID: Value] = values
            var currentTable = table
            for hop in path.dropFirst() {
                guard let linkField = currentTable.field(id: path[path.firstIndex(of: hop)! - 1]),
                      case .link(let spec) = linkField.kind, let next = schema.table(id: spec.target),
                      let nextField = next.field(id: hop) else { current = [:]; break }
                let targets = Array(Set(current.values.compactMap { if case .link(let id) = $0 { return id } else { return nil } }))
                let loaded = try fieldValues(nextField, in: next, rows: targets)
                var advanced: [RowID: Value] = [:]
                for (row, v) in current {
                    if case .link(let id) = v { advanced[row] = loaded[id] ?? .error(.reference) } else if v.isError { advanced[row] = v } else { advanced[row] = .blank }
                }
                current = advanced
                currentTable = next
            }
            for row in rows { result[row]![i] = current[row] ?? .blank }
        }
        return result
    }

    /// `timer.running` or `timer.elapsed` on some rows, from the running intervals in the log.
    func timerProbe(_ probe: TimerProbe, timer: FieldID, rows: [RowID]) throws -> [RowID: Value] {
        guard let roles = try compiledSchema().timers.first(where: { $0.timerField == timer }) else { return [:] }
        var elapsed: [RowID: Int64] = [:]
        var running: Set<RowID> = []
        let now = self.now().millisecondsSinceEpoch
        let back = Layout.column(roles.back), start = Layout.column(roles.start), end = Layout.column(roles.end)
        for chunk in rows.chunked(500) {
            let sql = "SELECT \(back), \(start) FROM \(Layout.table(roles.logTable)) WHERE \(end) IS NULL AND \(back) IN (\(placeholders(chunk.count)))"
            try db.cachedStatement(sql).forEachRow(chunk.map { .integer($0) }) { s in
                let row = s.int64(0)
                running.insert(row)
                if let started = s.column(1).int64Value { elapsed[row, default: 0] += max(0, (now - started) / 1000) }
            }
        }
        var result: [RowID: Value] = [:]
        for row in rows {
            result[row] = probe == .running ? .bool(running.contains(row)) : .duration(elapsed[row] ?? 0)
        }
        return result
    }

    /// One field's values on some rows, whatever its storage (multiple links as lists of links).
    func fieldValues(_ field: Field, in table: Table, rows: [RowID]) throws -> [RowID: Value] {
        if Layout.hasColumn(field) {
            if let compiled = compiledCache, compiled.graph.volatile.contains(field.id), let formula = compiled.formulas[field.id] {
                return try evaluate(formula, in: table, rows: rows)
            }
            return try storedValues(field, in: table, rows: rows)
        }
        guard case .link = field.kind else { return [:] }
        let linked = try forward(field.id, from: rows)
        var result: [RowID: Value] = [:]
        for row in rows { result[row] = .list((linked[row] ?? []).map(Value.link)) }
        return result
    }

    // MARK: - Link traversal

    /// Rows of the link's own table that link to any of `targets`.
    func reverse(_ link: FieldID, from targets: Set<RowID>) throws -> Set<RowID> {
        Set(try reverseMap(link, from: targets).values.joined())
    }

    /// Rows reached from `rows` through a link, per starting row.
    func forward(_ link: FieldID, from rows: [RowID]) throws -> [RowID: [RowID]] {
        guard let (_, field) = schema.field(id: link), let relation = LinkRelation(field, in: schema) else { return [:] }
        var result: [RowID: [RowID]] = [:]
        for chunk in rows.chunked(500) {
            try db.cachedStatement(relation.forwardSQL(count: chunk.count)).forEachRow(chunk.map { .integer($0) }) { s in
                result[s.int64(0), default: []].append(s.int64(1))
            }
        }
        return result
    }

    // MARK: - Mirrors

    private func aggregate(_ spec: MirrorSpec, field: Field, rows: [RowID], compiled: CompiledSchema) throws -> [RowID: Value] {
        // Walk the links outward, keeping for each starting row the set of rows reached.
        var reached: [RowID: [RowID]] = Dictionary(uniqueKeysWithValues: rows.map { ($0, [$0]) })
        for link in spec.links {
            let all = Array(Set(reached.values.joined()))
            let step = try forward(link, from: all)
            for (start, current) in reached {
                var next: [RowID] = []
                var seen: Set<RowID> = []
                for r in current { for t in step[r] ?? [] where seen.insert(t).inserted { next.append(t) } }
                reached[start] = next
            }
        }
        guard let lastLink = spec.links.last, let (_, linkField) = schema.field(id: lastLink),
              case .link(let linkSpec) = linkField.kind, let last = schema.table(id: linkSpec.target) else { return [:] }
        let children = Array(Set(reached.values.joined())).sorted()
        let values: [RowID: Value] = try spec.field.flatMap { last.field(id: $0) }.map { try fieldValues($0, in: last, rows: children) } ?? [:]
        let passes: [RowID: Value]? = try compiled.filters[field.id].map { try evaluate($0, in: last, rows: children) }
        let orderValues: [RowID: Value]? = try spec.orderBy.flatMap { last.field(id: $0) }.map { try fieldValues($0, in: last, rows: children) }
        let collator = TextCollator.shared(locale: schema.locale)
        var result: [RowID: Value] = [:]
        for row in rows {
            var linked = reached[row] ?? []
            if let passes { linked = linked.filter { if case .bool(true) = passes[$0] ?? .blank { return true } else { return false } } }
            if let orderValues {
                linked.sort { a, b in
                    let c = ValueOrdering.compare(orderValues[a] ?? .blank, orderValues[b] ?? .blank, collator: collator)
                    return c == 0 ? a < b : (spec.descending ? c > 0 : c < 0)
                }
            } else if spec.descending { linked.reverse() }
            let items = spec.field == nil ? linked.map { Value.link($0) } : linked.map { values[$0] ?? .blank }
            result[row] = MirrorAggregation.apply(spec.aggregate, to: items, countingRows: spec.field == nil,
                                                  resultType: spec.resultType, collator: collator, context: schema.valueContext)
        }
        return result
    }

    // MARK: - Full recompute

    /// Recomputes the given computed fields (and, in level order, everything) on every row.
    func recomputeAll(fields: [FieldID]) throws {
        if fields.isEmpty { return }
        let compiled = try compiledSchema()
        let wanted = Set(fields)
        let scans = MirrorScans(compiled: compiled, fields: wanted)
        for id in compiled.graph.order where wanted.contains(id) && !compiled.graph.volatile.contains(id) {
            guard let (table, field) = schema.field(id: id) else { continue }
            try forEachFreshChunk(field, in: table, compiled: compiled, setWise: true, scans: scans) { rows, fresh, stored in
                _ = try store(fresh, of: field, in: table, rows: rows, stored: stored)
            }
        }
        // Everything so far is consistent now (callers recompute after their writes, before any
        // further write): later deltas start from here, and these changes are not applied twice.
        if let done = pending {
            // Changes past the change set from now on: the summaries they touch are rebuilt.
            let summarised = try compiledSchema().summaries.keys
            if summarised.contains(where: { done.inserted[$0] != nil || done.deleted[$0] != nil || done.cells[$0] != nil }) {
                summariesNeedRebuild = true
            }
            settled.formUnion(done)
            pending = ChangeSet()
        }
    }

    /// A computed field's fresh values over all rows of its table, chunk by chunk, so memory stays
    /// flat whatever the table's size: a mirror with an SQL form by one aggregate over the whole
    /// table, anything else computed per chunk.
    func forEachFreshChunk(_ field: Field, in table: Table, compiled: CompiledSchema, setWise: Bool, scans: MirrorScans? = nil,
                           _ body: ([RowID], [RowID: Value], [RowID: Value]?) throws -> Void) throws {
        let rows = try allRowIDs(of: table)
        if setWise, case .mirror(let spec) = field.kind, let query = compiled.mirrorQueries[field.id],
           let (values, rest) = try scans?.take(field.id, base: self) ?? (try? queryMirror(query, parents: nil)) {
            let unsettled = Set(rest)
            for chunk in rows.chunked(Self.chunkSize) {
                let chunk = Array(chunk)
                var fresh: [RowID: Value] = [:]
                let slow = chunk.filter(unsettled.contains)
                if !slow.isEmpty { fresh = try aggregate(spec, field: field, rows: slow, compiled: compiled) }
                for row in chunk where !unsettled.contains(row) { fresh[row] = values[row] ?? query.emptyValue }
                try body(chunk, fresh, nil)
            }
            return
        }
        for chunk in rows.chunked(Self.chunkSize) {
            let chunk = Array(chunk)
            // A formula's fresh and stored values come from one read.
            if case .formula = field.kind, let formula = compiled.formulas[field.id],
               let (fresh, stored) = try evaluateByRange(formula, in: table, rows: chunk, alsoReading: field) {
                try body(chunk, fresh, stored)
                continue
            }
            try body(chunk, try computeValues(field, in: table, rows: chunk, compiled: compiled, setWise: setWise), nil)
        }
    }

    func allRowIDs(of table: Table) throws -> [RowID] {
        // Streamed: a table of a million rows gives one array of ids, not a million rows of values.
        var ids: [RowID] = []
        try db.cachedStatement("SELECT id FROM \(Layout.table(table.id)) ORDER BY id").forEachRow([]) { ids.append($0.int64(0)) }
        return ids
    }

    /// Recomputes every computed field of every row, set-wise, in one transaction; returns how
    /// many stored cells changed (0 when everything was already right).
    @discardableResult
    func recomputeEverything() throws -> Int {
        let fields = schema.tables.flatMap { $0.fields.filter(\.kind.isComputedByRecompute).map(\.id) }
        return try write { _ in
            let before = settled.cellCount
            try recomputeAll(fields: fields)
            return settled.cellCount - before
        }.value
    }

    /// Recomputes every computed field from scratch in memory and compares with what is stored.
    /// With `fix`, stored values that differ are replaced (in one transaction).
    /// `rowByRow` computes mirrors by the simple row-by-row aggregate only, independent of the
    /// set-wise SQL (slower; the invariant tests use it to check both).
    func check(fix: Bool = false, rowByRow: Bool = false) throws -> [ComputedMismatch] {
        let compiled = try compiledSchema()
        var mismatches: [ComputedMismatch] = []
        let body = {
            let scans = MirrorScans(compiled: compiled, fields: Set(compiled.graph.order))
            for id in compiled.graph.order where !compiled.graph.volatile.contains(id) {
                guard let (table, field) = self.schema.field(id: id) else { continue }
                try self.forEachFreshChunk(field, in: table, compiled: compiled, setWise: !rowByRow, scans: scans) { rows, fresh, known in
                    let stored = try known ?? self.storedValues(field, in: table, rows: rows)
                    for row in rows {
                        let want = fresh[row] ?? .blank, have = stored[row] ?? .blank
                        if self.sameStored(want, have) { continue }
                        mismatches.append(ComputedMismatch(table: table.name, field: field.name, row: row,
                                                           stored: field.valueType.format(have, context: self.schema.valueContext),
                                                           expected: field.valueType.format(want, context: self.schema.valueContext)))
                        if fix {
                            if compiled.summaries[table.id] != nil { self.summariesNeedRebuild = true }
                            try self.db.cachedStatement("UPDATE \(Layout.table(table.id)) SET \(Layout.column(field.id)) = ? WHERE id = ?")
                                .run([ValueCoding.encode(want), .integer(row)])
                        }
                    }
                }
            }
        }
        if fix {
            try write { _ in
                try body()
                if !mismatches.isEmpty { try recordHistory(action: "repair", note: "\(mismatches.count) computed value(s) fixed") }
            }
        } else {
            try body()
        }
        return mismatches
    }
}

/// Mirrors of one full recompute that read the same rows at the same level of the graph,
/// computed by one scan when the first of them is reached (their inputs are final by then).
final class MirrorScans {
    private let compiled: CompiledSchema
    private var groups: [FieldID: [MirrorQuery]] = [:]
    private var done: [FieldID: (values: [RowID: Value], unsettled: [RowID])] = [:]

    init(compiled: CompiledSchema, fields: Set<FieldID>) {
        self.compiled = compiled
        struct Key: Hashable { let from: String; let level: Int }
        var byKey: [Key: [MirrorQuery]] = [:]
        for id in compiled.graph.order where fields.contains(id) && !compiled.graph.volatile.contains(id) {
            guard let query = compiled.mirrorQueries[id], let scan = query.scan else { continue }
            byKey[Key(from: scan.from, level: compiled.graph.level[id] ?? 0), default: []].append(query)
        }
        for queries in byKey.values where queries.count > 1 { for q in queries { groups[q.mirror] = queries } }
    }

    /// The mirror's values for every parent, from its group's scan; nil when it has no group or
    /// the scan cannot run (a sum too large), for its own query to decide.
    func take(_ field: FieldID, base: Base) throws -> (values: [RowID: Value], unsettled: [RowID])? {
        if let result = done.removeValue(forKey: field) { return result }
        guard let group = groups[field] else { return nil }
        for q in group { groups[q.mirror] = nil }
        guard let results = try? base.queryMirrors(group) else { return nil }
        for (id, result) in results where id != field { done[id] = result }
        return results[field]
    }
}

/// A formula's inputs read by one SELECT of a few rows' ids (`Base.evaluateFew`), made once
/// per table and list of input paths: the SELECT for 1, 4, 16 or 64 ids (a shorter list is padded
/// with a repeated id, so four statements serve every count).
struct JoinedInputs {
    struct Key: Hashable {
        var table: TableID
        var paths: [[FieldID]]
    }
    static let fewRows = 64
    private static let sizes = [1, 4, 16, fewRows]
    /// The statements by size, empty when an input has no column form.
    private let statements: [String]
    let types: [ValueType]

    init(_ select: (String, [ValueType])?) {
        statements = select.map { s in Self.sizes.map { s.0 + " WHERE t0.id IN (\(placeholders($0)))" } } ?? []
        types = select?.1 ?? []
    }

    /// The statement for `count` ids and how many ids it takes.
    func sql(for count: Int) -> (String, Int)? {
        guard !statements.isEmpty, let i = Self.sizes.firstIndex(where: { $0 >= count }) else { return nil }
        return (statements[i], Self.sizes[i])
    }
}

/// The id range of sorted rows when they fill most of it: one range scan then beats lists of ids.
func denseRange(_ rows: [RowID]) -> (RowID, RowID)? {
    guard rows.count >= 1000, let low = rows.first, let high = rows.last, high >= low,
          high - low < RowID(rows.count) * 2 else { return nil }
    for i in 1..<rows.count where rows[i] <= rows[i - 1] { return nil }
    return (low, high)
}

func placeholders(_ n: Int) -> String {
    String(repeating: "?,", count: max(0, n - 1)) + (n > 0 ? "?" : "")
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

extension Base {
    /// The ids of a table's rows for which a formula condition is true (`show --where`).
    public func filterRows(_ table: Table, where condition: String) throws -> [RowID] {
        let source = SourceText(name: "<where>", text: condition)
        let formula = try FormulaCompiler.compile(source: source, in: table, schema: schema)
        if formula.resultType != .bool && formula.resultType != .any {
            // The whole condition is the place: a diagnostic under all of it.
            let range = SourceRange(start: source.location(of: 0), end: source.location(of: source.scalars.count))
            throw SourceErrors(source: source, diagnostics: [
                Diagnostic("the condition gives \(formula.resultType.displayName), not true or false", at: range,
                           hint: "compare something, e.g. 'hours > 10h' or 'status = active'"),
            ])
        }
        let rows = try allRowIDs(of: table)
        let values = try evaluate(formula, in: table, rows: rows)
        return rows.filter { values[$0] == .bool(true) }
    }
}
