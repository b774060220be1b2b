import TabulaLanguage

/// A mirror computed set-wise: one SQL aggregate over the parents that need it (or over the whole
/// table), joining through the link columns, instead of a loop over rows. Built when the mirror's
/// aggregate, value type and `where` have an exact SQL form: `count`, `count_all`, and `sum`,
/// `avg`, `min`, `max` of values stored as integers (integers, money, durations, dates, times),
/// with a `where` made of comparisons of the linked row's own data fields with literals.
struct MirrorQuery {
    let mirror: FieldID
    let aggregate: MirrorAggregate
    let resultType: ValueType
    let valueType: ValueType
    let countsRows: Bool
    /// `SELECT parent, count, present, sum, min, max, errors FROM ... ` without the parent restriction.
    private let select: String
    /// Whether the rows may repeat (then they are made distinct in a subquery before grouping).
    private let grouped: Bool
    let hasWhere: Bool
    /// The parts several mirrors over the same rows share in one scan (`combined`): the FROM
    /// with its joins, the value read and the `where`; nil when the rows may repeat.
    let scan: (from: String, value: String, condition: String?)?

    static func make(field: Field, spec given: MirrorSpec, schema: Schema) -> MirrorQuery? {
        let spec = given.countingRowsOfLastLink(in: schema)
        guard let table = schema.table(id: schema.tableOf(field.id)) else { return nil }
        var joins: [String] = []
        var current = (table: table, alias: "a0")
        var mayRepeat = false
        for (i, link) in spec.links.enumerated() {
            guard let linkField = current.table.field(id: link), case .link(let linkSpec) = linkField.kind,
                  let next = schema.table(id: linkSpec.target) else { return nil }
            let alias = "a\(i + 1)", t = Layout.table(next.id)
            guard let relation = LinkRelation(linkField, in: schema) else { return nil }
            joins.append(relation.joinSQL(from: current.alias, to: t, as: alias, via: "j\(i)"))
            // Past the first hop, rows that converge on one row (or fan out from it) repeat.
            if i > 0, !relation.isTargetColumn { mayRepeat = true }
            current = (next, alias)
        }
        let child = current
        var valueType = ValueType.any
        var value = "NULL"
        if let v = spec.field {
            guard let valueField = child.table.field(id: v), Layout.hasColumn(valueField), !valueField.valueType.isList else { return nil }
            valueType = valueField.valueType
            value = "\(child.alias).\(Layout.column(v))"
        }
        let countsRows = spec.field == nil
        switch spec.aggregate {
        case .count, .count_all: break
        case .sum, .avg:
            guard !countsRows, DeltaPlan.isExactInteger(valueType) || valueType == .integer else { return nil }
        case .min, .max:
            guard !countsRows, isIntegerCoded(valueType) else { return nil }
        default: return nil
        }
        var conditions: [String] = []
        if let source = spec.filter {
            guard let expr = try? ExpressionParser.parse(SourceText(name: "where", text: source)),
                  let condition = SQLCondition(table: child.table, alias: child.alias, schema: schema).translate(expr) else { return nil }
            conditions.append(condition)
        }
        let from = "FROM \(Layout.table(table.id)) a0 \(joins.joined(separator: " "))" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
        let childID = spec.links.isEmpty ? "a0.id" : "\(child.alias).id"
        func aggregates(of v: String) -> String { "count(*), count(\(v)), sum(\(v)), min(\(v)), max(\(v)), max(typeof(\(v)) = 'blob')" }
        let select: String
        if mayRepeat {
            // A row reached along two paths counts once, as the row-by-row aggregate does.
            select = "SELECT p, \(aggregates(of: "v")) FROM (SELECT DISTINCT a0.id AS p, \(childID) AS c, \(value) AS v \(from)"
        } else {
            select = "SELECT a0.id, \(aggregates(of: value)) \(from)"
        }
        let joined = "FROM \(Layout.table(table.id)) a0 \(joins.joined(separator: " "))"
        return MirrorQuery(mirror: field.id, aggregate: spec.aggregate, resultType: spec.resultType, valueType: valueType,
                           countsRows: countsRows, select: select, grouped: mayRepeat, hasWhere: !conditions.isEmpty,
                           scan: mayRepeat ? nil : (joined, value, conditions.first))
    }

    private static func isIntegerCoded(_ type: ValueType) -> Bool {
        switch type {
        case .integer, .currency, .duration, .date, .datetime: return true
        default: return false
        }
    }

    /// The SQL for some parents (`?` placeholders) or for all.
    func sql(parents count: Int?) -> String {
        let restriction = count.map { " \(hasWhere ? "AND" : "WHERE") a0.id IN (\(placeholders($0)))" } ?? ""
        if grouped { return select + restriction + ") GROUP BY p" }
        return select + restriction + " GROUP BY a0.id"
    }

    /// The mirror's value from one group's aggregates; nil when the group holds an error value
    /// (the row-by-row aggregate then decides which error shows).
    func value(rows: Int64, present: Int64, sum: SQLValue, min: SQLValue, max: SQLValue, hasError: Bool) -> Value? {
        switch aggregate {
        case .count_all: return .integer(rows)
        case .count: if countsRows { return .integer(rows) }
        default: break
        }
        if hasError { return nil }
        switch aggregate {
        case .count: return .integer(present)
        case .sum: return typedSum(sum.int64Value ?? 0)
        case .avg:
            guard present > 0, let total = sum.int64Value else { return .blank }
            guard let typed = typedSum(total) else { return nil }
            return MirrorAggregation.divide(typed, by: Int(present))
        case .min: return ValueCoding.decode(min, as: valueType)
        case .max: return ValueCoding.decode(max, as: valueType)
        default: return nil
        }
    }

    /// The value of a parent with no linked rows.
    var emptyValue: Value {
        switch aggregate {
        case .count, .count_all: return .integer(0)
        case .sum: return typedSum(0) ?? .blank
        default: return .blank
        }
    }

    private func typedSum(_ total: Int64) -> Value? {
        switch resultType {
        case .currency(let code): return .money(Money(minorUnits: total, currency: code))
        case .duration: return .duration(total)
        case .integer: return .integer(total)
        case .number: return .number(Double(total))
        case .any: return .integer(total)
        default: return nil
        }
    }
}

/// Translates a mirror's `where` to SQL when it is made only of the linked row's own data
/// fields compared with literals, `is_blank`, bool fields, `and`, `or` and `not` — with the
/// formula language's blank rules (blank equals only blank and is less than everything).
/// Anything else gives nil, and the mirror is computed row by row.
struct SQLCondition {
    let table: Table
    let alias: String
    let schema: Schema

    func translate(_ expr: Expression) -> String? {
        switch expr.kind {
        case .binary(.and, let l, let r):
            guard let a = translate(l), let b = translate(r) else { return nil }
            return "(\(a) AND \(b))"
        case .binary(.or, let l, let r):
            guard let a = translate(l), let b = translate(r) else { return nil }
            return "(\(a) OR \(b))"
        case .unary(.not, let inner):
            guard let a = translate(inner) else { return nil }
            return "(NOT \(a))"
        case .path(let names) where names.count == 1:
            guard let field = dataField(names[0].text), field.valueType == .bool else { return nil }
            return "(\(column(field)) IS NOT NULL AND \(column(field)) = 1)"
        case .call(let name, let args, nil) where name.text.lowercased() == "is_blank" && args.count == 1:
            guard case .path(let names) = args[0].kind, names.count == 1, let field = dataField(names[0].text), !field.valueType.isList else { return nil }
            return "(\(column(field)) IS NULL)"
        case .binary(let op, let l, let r) where [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(op):
            guard case .path(let names) = l.kind, names.count == 1, let field = dataField(names[0].text),
                  let literal = self.literal(r, for: field) else { return nil }
            let c = column(field)
            switch op {
            case .equal: return "(\(c) IS NOT NULL AND \(c) = \(literal))"
            case .notEqual: return "(\(c) IS NULL OR \(c) <> \(literal))"
            case .less, .lessOrEqual:
                guard field.valueType != .text, !isSelect(field) else { return nil }
                return "(\(c) IS NULL OR \(c) \(op.rawValue) \(literal))"
            default:
                guard field.valueType != .text, !isSelect(field) else { return nil }
                return "(\(c) IS NOT NULL AND \(c) \(op.rawValue) \(literal))"
            }
        default:
            return nil
        }
    }

    private func dataField(_ name: String) -> Field? {
        guard let field = table.field(named: name), case .data = field.kind else { return nil }
        return field
    }

    private func column(_ field: Field) -> String { "\(alias).\(Layout.column(field.id))" }

    private func isSelect(_ field: Field) -> Bool { if case .select = field.valueType { return true } else { return false } }

    /// A literal compared with a field, as SQL, when its stored form is exact: an option of a
    /// select (spelled as stored), or a literal of an integer-coded type.
    private func literal(_ expr: Expression, for field: Field) -> String? {
        switch field.valueType {
        case .select(let options):
            let text: String
            switch expr.kind {
            case .path(let n) where n.count == 1 && field.table(in: schema)?.field(named: n[0].text) == nil: text = n[0].text
            case .string(let s): text = s
            default: return nil
            }
            guard options.contains(text) else { return nil }
            return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        case .integer, .duration, .date, .datetime, .currency:
            guard let value = try? DefaultValues.value(of: expr, for: field.valueType, context: schema.valueContext),
                  case .integer(let i) = ValueCoding.encode(value) else { return nil }
            return String(i)
        default:
            return nil
        }
    }
}

extension Field {
    fileprivate func table(in schema: Schema) -> Table? { schema.field(id: id)?.table }
}

extension MirrorQuery {
    /// One scan for several mirrors over the same rows (same table and joins): each mirror's six
    /// aggregates, its `where` as a CASE inside them, grouped by parent. Parents whose rows all
    /// fail a mirror's `where` read as having no rows for it, as in its own query.
    static func combined(_ queries: [MirrorQuery]) -> String? {
        guard let first = queries.first?.scan, queries.allSatisfy({ $0.scan?.from == first.from }) else { return nil }
        var columns: [String] = []
        for q in queries {
            guard let scan = q.scan else { return nil }
            let when = scan.condition ?? "1"
            let v = scan.value
            columns += ["count(CASE WHEN \(when) THEN 1 END)", "count(CASE WHEN \(when) THEN \(v) END)",
                        "sum(CASE WHEN \(when) THEN \(v) END)", "min(CASE WHEN \(when) THEN \(v) END)",
                        "max(CASE WHEN \(when) THEN \(v) END)", "max(CASE WHEN \(when) THEN typeof(\(v)) = 'blob' END)"]
        }
        return "SELECT a0.id, \(columns.joined(separator: ", ")) \(first.from) GROUP BY a0.id"
    }
}

extension Base {
    /// The values of several mirrors over the same rows for every parent, by one scan; per
    /// mirror as `queryMirror(_:parents: nil)` gives them.
    func queryMirrors(_ queries: [MirrorQuery]) throws -> [FieldID: (values: [RowID: Value], unsettled: [RowID])]? {
        guard queries.count > 1, let sql = MirrorQuery.combined(queries) else { return nil }
        var results: [FieldID: (values: [RowID: Value], unsettled: [RowID])] = [:]
        for q in queries { results[q.mirror] = ([:], []) }
        try db.prepare(sql).forEachRow([]) { s in
            let parent = s.int64(0)
            for (i, q) in queries.enumerated() {
                let c = Int32(1 + i * 6)
                let rows = s.int64(c)
                // A parent none of whose rows passes this mirror's `where`: as if it had none.
                if rows == 0 && q.hasWhere { continue }
                if let v = q.value(rows: rows, present: s.int64(c + 1), sum: s.column(c + 2), min: s.column(c + 3), max: s.column(c + 4),
                                   hasError: s.int64(c + 5) != 0) {
                    results[q.mirror]!.values[parent] = v
                } else {
                    results[q.mirror]!.unsettled.append(parent)
                }
            }
        }
        return results
    }

    /// A mirror's values for some parents (all when nil) by its SQL aggregate; parents whose
    /// group holds an error value are left out, for the row-by-row aggregate.
    func queryMirror(_ query: MirrorQuery, parents: [RowID]?) throws -> (values: [RowID: Value], unsettled: [RowID]) {
        var values: [RowID: Value] = [:]
        var unsettled: [RowID] = []
        func read(_ s: Statement) {
            let parent = s.int64(0)
            if let v = query.value(rows: s.int64(1), present: s.int64(2), sum: s.column(3), min: s.column(4), max: s.column(5),
                                   hasError: s.int64(6) != 0) {
                values[parent] = v
            } else {
                unsettled.append(parent)
            }
        }
        if let parents {
            for chunk in parents.chunked(500) {
                try db.cachedStatement(query.sql(parents: chunk.count)).forEachRow(chunk.map { .integer($0) }, read)
            }
            let open = Set(unsettled)
            for p in parents where values[p] == nil && !open.contains(p) { values[p] = query.emptyValue }
        } else {
            try db.prepare(query.sql(parents: nil)).forEachRow([], read)
        }
        return (values, unsettled)
    }
}
