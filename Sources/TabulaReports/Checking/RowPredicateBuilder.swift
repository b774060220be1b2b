import TabulaEngine
import TabulaLanguage

/// Turns a checked row condition into a `RowPredicate` when every part of it has an exact SQL
/// counterpart: comparisons of fields and relation paths with constants or with each other,
/// `in` a list or a period, `is_blank`, bool fields, `and`, `or`, `not`. Anything else (functions,
/// arithmetic, multiple links, tags) gives nil, and the caller evaluates the formula instead.
struct RowPredicateBuilder {
    let schema: Schema
    let table: Table

    private func checker() -> FormulaChecker {
        FormulaChecker(schema: schema, table: table) { id in schema.field(id: id)?.field.valueType ?? .any }
    }

    func predicate(_ e: Expression) -> RowPredicate? {
        switch e.kind {
        case .bool(let b):
            return .constant(b)
        case .binary(.and, let l, let r):
            guard let a = predicate(l), let b = predicate(r) else { return nil }
            return .and(a, b)
        case .binary(.or, let l, let r):
            guard let a = predicate(l), let b = predicate(r) else { return nil }
            return .or(a, b)
        case .unary(.not, let x):
            return predicate(x).map(RowPredicate.not)
        case .path:
            guard let p = column(e), p.type == .bool else { return nil }
            return .isTrue(p)
        case .binary(.in, let l, let r):
            return membership(l, r)
        case .binary(let op, let l, let r):
            guard let comparison = Self.comparisons[op] else { return nil }
            return compare(comparison, l, r)
        case .call(let name, let args, nil) where name.text.lowercased() == "is_blank" && args.count == 1:
            guard let p = column(args[0]), !isMultipleLink(p) else { return nil }
            return .isBlank(p)
        default:
            return nil
        }
    }

    private static let comparisons: [BinaryOperator: RowComparison] = [
        .equal: .equal, .notEqual: .notEqual, .less: .less, .lessOrEqual: .lessOrEqual,
        .greater: .greater, .greaterOrEqual: .greaterOrEqual,
    ]

    private func isMultipleLink(_ p: RowPath) -> Bool {
        if case .link(let spec) = p.field.kind { return spec.many }
        return false
    }

    /// The field a path expression reads, when it is one (a bare option name is not).
    private func column(_ e: Expression) -> RowPath? {
        guard case .path(let names) = e.kind else { return nil }
        let c = checker()
        guard let (ids, field) = c.resolve(names, range: e.range) else { return nil }
        if case .link(let spec) = field.kind, spec.many { return nil }
        return RowPath(links: Array(ids.dropLast()), field: field)
    }

    /// Whether a column's stored values compare in SQL as the formula compares its values.
    private func storageKind(_ t: ValueType) -> String? {
        switch t {
        case .number, .integer, .percent: return "number"
        case .text, .select: return "text"
        case .currency(let code): return "money " + code
        case .duration: return "duration"
        case .date: return "date"
        case .datetime: return "datetime"
        case .bool: return "bool"
        default: return nil
        }
    }

    private func compare(_ op: RowComparison, _ l: Expression, _ r: Expression) -> RowPredicate? {
        let lc = column(l), rc = column(r)
        switch (lc, rc) {
        case (let a?, let b?):
            guard let k = storageKind(a.type), k == storageKind(b.type) else { return nil }
            return .compare(.column(a), op, .column(b), collated: k == "text")
        case (let a?, nil):
            guard let (value, isOption) = constant(r, beside: a.type) else { return nil }
            return .compare(.column(a), op, .constant(value), collated: collated(a.type, op, isOption))
        case (nil, let b?):
            guard let (value, isOption) = constant(l, beside: b.type) else { return nil }
            return .compare(.constant(value), op, .column(b), collated: collated(b.type, op, isOption))
        default:
            return nil
        }
    }

    /// Text compares by the base's collation; a select's stored option equals an option name
    /// exactly, so that test needs no collation (and stays fast).
    private func collated(_ t: ValueType, _ op: RowComparison, _ isOption: Bool) -> Bool {
        guard storageKind(t) == "text" else { return false }
        return !(isOption && (op == .equal || op == .notEqual))
    }

    /// A constant expression's stored encoding as a column of type `t` holds it, and whether it is
    /// one of the select's options; nil when the expression reads the row or cannot be stored so.
    private func constant(_ e: Expression, beside t: ValueType) -> (SQLValue, isOption: Bool)? {
        guard storageKind(t) != nil else { return nil }
        let c = checker()
        var node = c.check(e, optionsOf: t)
        guard c.diagnostics.isEmpty, c.paths.isEmpty, !c.isVolatile else { return nil }
        if let code = t.currencyCode, node.isNumberConstant { node = c.toMoney(node, code: code) }
        let value = node.eval(ConstantInputs(context: schema.valueContext))
        guard let encoded = encode(value, as: t) else { return nil }
        var isOption = false
        if case .select(let options) = t, case .text(let s) = value { isOption = options.contains(s) }
        return (encoded, isOption)
    }

    private func encode(_ value: Value, as t: ValueType) -> SQLValue? {
        if value.isBlank { return .null }
        switch (t, value) {
        case (.text, .text), (.select, .text): return ValueCoding.encode(value)
        case (.number, .integer), (.number, .number), (.number, .percent),
             (.integer, .integer), (.integer, .number), (.integer, .percent),
             (.percent, .integer), (.percent, .number), (.percent, .percent):
            return ValueCoding.encode(value)
        case (.currency(let code), .money(let m)) where m.currency == code: return .integer(m.minorUnits)
        case (.duration, .duration(let s)): return .integer(s)
        case (.date, .date(let d)): return .integer(d.daysSinceEpoch)
        case (.datetime, .datetime(let i)): return .integer(i.millisecondsSinceEpoch)
        case (.datetime, .date(let d)): return .integer(midnight(d))
        case (.bool, .bool(let b)): return .integer(b ? 1 : 0)
        default: return nil
        }
    }

    private func midnight(_ d: CivilDate) -> Int64 {
        Instant(date: d, secondsOfDay: 0, rules: .named(schema.timeZone)).millisecondsSinceEpoch
    }

    private func membership(_ l: Expression, _ r: Expression) -> RowPredicate? {
        guard let p = column(l) else { return nil }
        var days: (CivilDate, CivilDate)?
        switch r.kind {
        case .period(let literal): days = Period.days(of: literal)
        case .date(let y, let m, let d):
            if let day = CivilDate(year: y, month: m, day: d) { days = (day, day) }
        case .number(_, let text) where text.count == 4 && text.allSatisfy({ ("0"..."9").contains($0) }):
            days = Period.days(of: .year(Int(text)!))
        case .list(let items):
            guard storageKind(p.type) != nil else { return nil }
            var values: [SQLValue] = []
            var blankMatches = false
            var allOptions = true
            for item in items {
                guard let (v, isOption) = constant(item, beside: p.type) else { return nil }
                if v == .null { blankMatches = true } else { values.append(v) }
                allOptions = allOptions && isOption
            }
            return .member(p, values, blankMatches: blankMatches, collated: storageKind(p.type) == "text" && !allOptions)
        default:
            return nil
        }
        guard let (lo, hi) = days else { return nil }
        switch p.type {
        case .date:
            return .within(p, lower: .integer(lo.daysSinceEpoch), upper: .integer(hi.daysSinceEpoch + 1))
        case .datetime:
            return .within(p, lower: .integer(midnight(lo)), upper: .integer(midnight(hi.adding(days: 1))))
        default:
            return nil
        }
    }
}
