import TabulaLanguage

/// Which of a table's two access rules: `read when` or `write when`.
public enum AccessKind: String, Sendable, Hashable {
    case read, write
}

/// A table's `read when` or `write when` rule, split into what depends on the row and what
/// depends only on the acting person (`actor`, a row of the people table).
///
/// The row's part is a tree of tests on the table's columns (and paths through single links)
/// that becomes one SQL predicate, so a member's listing or report is filtered by SQLite as fast
/// as anyone's. The actor's parts are formulas over the people table, evaluated once per actor.
package indirect enum AccessRule: Sendable {
    case constant(Bool)
    /// A true-or-false formula over the actor's row (the rule's `actor.` removed).
    case actorTest(Expression)
    /// A row path compared with the actor's row, or with a value computed from it.
    case compare(AccessPath, BinaryOperator, AccessOperand)
    case isBlank(AccessPath)
    case isTrue(AccessPath)
    case and(AccessRule, AccessRule)
    case or(AccessRule, AccessRule)
    case not(AccessRule)

    /// The right side of a comparison in a rule.
    package enum AccessOperand: Sendable {
        /// `actor` itself: the person's row, compared with a link to the people table.
        case actorRow
        /// A value formula over the actor's row (or a constant), typed against the path.
        case value(Expression)
    }

    /// Checks a rule's expression against the schema and splits it. Errors are located in it.
    package static func compile(_ e: Expression, in table: Table, schema: Schema) throws(FormulaDiagnostics) -> AccessRule {
        var compiler = AccessRuleCompiler(schema: schema, table: table)
        let rule = compiler.rule(e)
        if !compiler.diagnostics.isEmpty { throw FormulaDiagnostics(diagnostics: compiler.diagnostics) }
        return rule ?? .constant(false)
    }
}

/// A path of field ids from the rule's table, and the type of its last field.
package struct AccessPath: Sendable {
    var ids: [FieldID]
    var type: ValueType
}

/// Builds an `AccessRule` and reports what a rule cannot say.
private struct AccessRuleCompiler {
    let schema: Schema
    let table: Table
    var diagnostics: [Diagnostic] = []

    private static let shape = "a rule compares this table's fields (or paths through single links) with `actor`, the actor's fields (`actor.role`) and constants, joined by and, or, not"

    var people: Table? { schema.peopleTable.flatMap { schema.table(id: $0) } }

    mutating func fail<T>(_ message: String, at range: SourceRange, hint: String? = nil) -> T? {
        diagnostics.append(Diagnostic(message, at: range, hint: hint))
        return nil
    }

    static func isActorPath(_ names: [Name]) -> Bool { names.first?.text.lowercased() == "actor" }

    /// Whether an expression reads the rule's row (a path that is not the actor's and names a field).
    func readsRow(_ e: Expression) -> Bool {
        switch e.kind {
        case .path(let names):
            if Self.isActorPath(names) { return false }
            return names.count > 1 || table.field(named: names[0].text) != nil
        case .call(_, let args, let filter): return args.contains(where: readsRow) || (filter.map(readsRow) ?? false)
        case .unary(_, let x): return readsRow(x)
        case .binary(_, let l, let r): return readsRow(l) || readsRow(r)
        case .list(let items): return items.contains(where: readsRow)
        default: return false
        }
    }

    /// The expression with `actor.` taken off its paths, to be read on the people table.
    mutating func onActor(_ e: Expression) -> Expression? {
        var failed = false
        func strip(_ e: Expression) -> Expression {
            var out = e
            switch e.kind {
            case .path(let names) where Self.isActorPath(names):
                if names.count == 1 {
                    failed = true
                    diagnostics.append(Diagnostic("`actor` alone is a row of the people table; here it needs one of its fields", at: e.range,
                                                  hint: "compare a link with it (person = actor) or read a field (actor.role)"))
                } else {
                    out.kind = .path(Array(names.dropFirst()))
                }
            case .call(let name, let args, let filter): out.kind = .call(name, args.map(strip), filter: filter.map(strip))
            case .unary(let op, let x): out.kind = .unary(op, strip(x))
            case .binary(let op, let l, let r): out.kind = .binary(op, strip(l), strip(r))
            case .list(let items): out.kind = .list(items.map(strip))
            default: break
            }
            return out
        }
        let stripped = strip(e)
        return failed ? nil : stripped
    }

    mutating func rule(_ e: Expression) -> AccessRule? {
        if !readsRow(e) {
            guard let people else {
                return fail("a rule that reads `actor` needs a people table", at: e.range, hint: "name it first: people People")
            }
            guard let stripped = onActor(e) else { return nil }
            let schema = self.schema
            do {
                let f = try FormulaCompiler.compile(stripped, in: people, schema: schema) { id in schema.field(id: id)?.field.valueType ?? .any }
                if f.resultType != .bool && f.resultType != .any {
                    return fail("this part of the rule gives \(f.resultType.displayName), not true or false", at: e.range, hint: Self.shape)
                }
            } catch {
                diagnostics += error.diagnostics.map { Diagnostic($0.message.replacingOccurrences(of: "table \(people.name) has no field", with: "actor (\(people.name)) has no field"), at: $0.range, hint: $0.hint) }
                return nil
            }
            if case .bool(let b) = e.kind { return .constant(b) }
            return .actorTest(stripped)
        }
        switch e.kind {
        case .binary(.and, let l, let r):
            guard let a = rule(l), let b = rule(r) else { return nil }
            return .and(a, b)
        case .binary(.or, let l, let r):
            guard let a = rule(l), let b = rule(r) else { return nil }
            return .or(a, b)
        case .unary(.not, let x):
            return rule(x).map(AccessRule.not)
        case .call(let name, let args, nil) where name.text.lowercased() == "not" && args.count == 1:
            return rule(args[0]).map(AccessRule.not)
        case .path:
            guard let p = path(e) else { return nil }
            guard p.type == .bool else { return fail("'\(e.sourceText)' is not true or false", at: e.range, hint: Self.shape) }
            return .isTrue(p)
        case .call(let name, let args, nil) where name.text.lowercased() == "is_blank" && args.count == 1:
            guard let p = path(args[0]) else { return nil }
            return .isBlank(p)
        case .binary(.in, let l, let r):
            guard case .list(let items) = r.kind, let p = path(l) else {
                return fail("a rule can test `path in (a, b, ...)` only", at: e.range, hint: Self.shape)
            }
            var out: AccessRule?
            for item in items {
                guard let operand = operand(item, beside: p) else { return nil }
                let test = AccessRule.compare(p, .equal, operand)
                out = out.map { .or($0, test) } ?? test
            }
            return out ?? .constant(false)
        case .binary(let op, let l, let r) where Self.comparisons.contains(op):
            if readsRow(l) && !readsRow(r) {
                guard let p = path(l), let operand = operand(r, beside: p) else { return nil }
                return .compare(p, op, operand)
            }
            if readsRow(r) && !readsRow(l) {
                guard let p = path(r), let operand = operand(l, beside: p) else { return nil }
                return .compare(p, Self.flipped[op] ?? op, operand)
            }
            return fail("a rule cannot compare two of the row's own values", at: e.range, hint: Self.shape)
        default:
            return fail("a rule cannot say '\(e.sourceText)'", at: e.range, hint: Self.shape)
        }
    }

    static let comparisons: Set<BinaryOperator> = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]
    static let flipped: [BinaryOperator: BinaryOperator] = [.less: .greater, .greater: .less, .lessOrEqual: .greaterOrEqual, .greaterOrEqual: .lessOrEqual]

    /// A row path (a stored field, or a path through single links to one).
    mutating func path(_ e: Expression) -> AccessPath? {
        guard case .path(let names) = e.kind, !Self.isActorPath(names) else {
            return fail("'\(e.sourceText)' is not a field of \(table.name)", at: e.range, hint: Self.shape)
        }
        let checker = FormulaChecker(schema: schema, table: table) { [schema] id in schema.field(id: id)?.field.valueType ?? .any }
        guard let (ids, field) = checker.resolve(names, range: e.range) else {
            diagnostics += checker.diagnostics
            return nil
        }
        switch field.kind {
        case .timer: return fail("a rule cannot read the timer field '\(field.name)'", at: e.range, hint: Self.shape)
        case .link(let spec) where spec.many:
            return fail("'\(field.name)' links to many rows; a rule can test single links only", at: e.range, hint: Self.shape)
        default: break
        }
        return AccessPath(ids: ids, type: field.valueType)
    }

    /// The other side of a comparison: `actor`, or a value read from the actor's row or a constant.
    mutating func operand(_ e: Expression, beside p: AccessPath) -> AccessRule.AccessOperand? {
        if case .path(let names) = e.kind, names.count == 1, Self.isActorPath(names) {
            guard case .link(let target) = p.type, target == schema.peopleTable else {
                let _: Bool? = fail("`actor` is a row of the people table; compare it with a link to that table", at: e.range,
                         hint: "person = actor, or compare a field: actor.role = lead")
                return nil
            }
            return .actorRow
        }
        guard let people else {
            let _: Bool? = fail("a rule needs a people table", at: e.range, hint: "name it first: people People")
            return nil
        }
        guard let stripped = onActor(e) else { return nil }
        let checker = FormulaChecker(schema: schema, table: people) { [schema] id in schema.field(id: id)?.field.valueType ?? .any }
        let node = checker.check(stripped, optionsOf: p.type)
        if !checker.diagnostics.isEmpty { diagnostics += checker.diagnostics; return nil }
        guard AccessValues.comparable(p.type, node.type) else {
            let _: Bool? = fail("'\(e.sourceText)' is \(node.type.displayName), which cannot be compared with \(p.type.displayName)", at: e.range, hint: Self.shape)
            return nil
        }
        return .value(stripped)
    }
}

/// The encodings a rule's comparisons share with stored columns.
enum AccessValues {
    static func kind(_ t: ValueType) -> String? {
        switch t {
        case .number, .integer, .percent: return "number"
        case .text, .select: return "text"
        case .currency(let code): return "money " + code
        case .duration: return "duration"
        case .date: return "date"
        case .datetime: return "datetime"
        case .bool: return "bool"
        case .link(let target): return "link \(target)"
        default: return nil
        }
    }

    static func comparable(_ a: ValueType, _ b: ValueType) -> Bool {
        if b == .any { return kind(a) != nil }
        guard let k = kind(a) else { return false }
        return k == kind(b)
    }

    /// A value as a column of type `t` stores it; nil when it cannot be (then a comparison is false).
    static func encode(_ value: Value, as t: ValueType) -> SQLValue? {
        if value.isBlank { return .null }
        switch (t, value) {
        case (.link, .link(let id)): return .integer(id)
        case (.text, .text), (.select, .text): return ValueCoding.encode(value)
        case (.number, .integer), (.number, .number), (.number, .percent),
             (.integer, .integer), (.integer, .number), (.integer, .percent),
             (.percent, .integer), (.percent, .number), (.percent, .percent):
            return ValueCoding.encode(value)
        case (.currency(let code), .money(let m)) where m.currency == code: return .integer(m.minorUnits)
        case (.duration, .duration(let s)): return .integer(s)
        case (.date, .date(let d)): return .integer(d.daysSinceEpoch)
        case (.datetime, .datetime(let i)): return .integer(i.millisecondsSinceEpoch)
        case (.bool, .bool(let b)): return .integer(b ? 1 : 0)
        default: return nil
        }
    }
}
