import TabulaLanguage

// Checking and compiling the operators: arithmetic with units, `&`, comparisons, `and`/`or`/`not`, `in`.

extension FormulaChecker {
    /// Where the operator between two operands probably is: the gap between them, less the
    /// spaces around the operator (exact for `a+b` and `a + b`).
    func operatorRange(_ op: BinaryOperator, _ l: SourceRange, _ r: SourceRange) -> SourceRange {
        let width = op == .in || op == .or ? 2 : (op == .and ? 3 : op.rawValue.count)
        let gap = r.start.offset - l.end.offset
        guard l.end.line == r.start.line, gap >= width else { return l.union(r) }
        let lead = (gap - width) / 2
        func at(_ k: Int) -> SourceLocation {
            SourceLocation(offset: l.end.offset + k, line: l.end.line, column: l.end.column + k)
        }
        return SourceRange(start: at(lead), end: at(lead + width))
    }

    func checkUnary(_ op: UnaryOperator, _ operand: Expression, range: SourceRange) -> Node {
        let n = check(operand)
        if n.failed { return .failed(range) }
        let e = n.eval
        var out: Node
        switch op {
        case .negate:
            guard n.type.isAny || n.type.isNumeric || n.type == .duration || n.type.currencyCode != nil else {
                return fail("cannot negate \(typeName(n.type))", at: range)
            }
            out = Node(type: n.type, eval: { FormulaArithmetic.negate(e($0)) }, range: range)
        case .not:
            guard n.type.isAny || n.type == .bool else {
                return fail("'not' needs a bool, got \(typeName(n.type))", at: n.range, hint: TypeHints.conversion(from: n.type, to: [.bool]))
            }
            out = Node(type: .bool, eval: { inputs in
                let v = e(inputs)
                if case .error = v { return v }
                guard let b = Logic.truth(v) else { return .error(.type) }
                return .bool(!b)
            }, range: range)
        }
        if n.constant != nil { fold(&out) }
        return out
    }

    func checkBinary(_ op: BinaryOperator, _ le: Expression, _ re: Expression, range: SourceRange) -> Node {
        switch op {
        case .and, .or:
            return checkLogical(op, le, re, range: range)
        case .concatenate:
            return checkConcatenation(le, re, range: range)
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            return checkComparison(op, le, re, range: range)
        case .in:
            return checkMembership(le, re, range: range)
        case .add, .subtract, .multiply, .divide, .modulo, .power:
            return checkArithmetic(op, le, re, range: range)
        }
    }

    // MARK: Arithmetic

    private func arithmeticMessage(_ op: BinaryOperator, _ l: String, _ r: String) -> String {
        switch op {
        case .add: return "cannot add \(r) to \(l)"
        case .subtract: return "cannot subtract \(r) from \(l)"
        case .multiply: return "cannot multiply \(l) by \(r)"
        case .divide: return "cannot divide \(l) by \(r)"
        case .modulo: return "cannot take the remainder of \(l) divided by \(r)"
        default: return "cannot raise \(l) to the power of \(r)"
        }
    }

    private func arithmeticHint(_ op: BinaryOperator, _ l: ValueType, _ r: ValueType) -> String? {
        if let a = l.currencyCode, let b = r.currencyCode, a != b {
            return "money is never converted implicitly; multiply by an exchange rate to change currency"
        }
        if l.currencyCode != nil || r.currencyCode != nil, l.isNumeric || r.isNumeric {
            return "money meets only number constants in + and -; multiply or divide it by numbers"
        }
        if (l == .duration && r.isNumeric) || (r == .duration && l.isNumeric) {
            return "write the number as a duration such as 50h or 15m, or use hours(d) for a number of hours"
        }
        if (l == .date && r == .duration) || (l == .duration && r == .date) {
            return "add days to a date as a number (d + 3), or use date_add(d, n, \"days\")"
        }
        if l.isTextual || r.isTextual {
            return op == .add ? "join texts with '&'; convert text to a number with value(x)" : "convert text to a number with value(x)"
        }
        if l == .date && r == .datetime || l == .datetime && r == .date {
            return "dates and datetimes do not mix in arithmetic; compare them, or use date_add"
        }
        return nil
    }

    func checkArithmetic(_ op: BinaryOperator, _ le: Expression, _ re: Expression, range: SourceRange) -> Node {
        var l = check(le), r = check(re)
        if l.failed || r.failed { return .failed(range) }
        if op == .add || op == .subtract { harmonize(&l, &r) }
        if l.failed || r.failed { return .failed(range) }
        let lt = l.isBlankLiteral ? r.type : l.type
        let rt = r.isBlankLiteral ? l.type : r.type
        let type: ValueType
        if lt.isAny || rt.isAny {
            type = .any
        } else if let t = arithmeticType(op, lt, rt) {
            type = t
        } else {
            return fail(arithmeticMessage(op, typeName(l.type), typeName(r.type)),
                        at: operatorRange(op, l.range, r.range), hint: arithmeticHint(op, l.type, r.type))
        }
        let f: @Sendable (Value, Value) -> Value
        switch op {
        case .add: f = FormulaArithmetic.add
        case .subtract: f = FormulaArithmetic.subtract
        case .multiply: f = FormulaArithmetic.multiply
        case .divide: f = FormulaArithmetic.divide
        case .modulo: f = FormulaArithmetic.modulo
        default: f = FormulaArithmetic.power
        }
        let blanks = BlankOperands(l, r)
        let a0 = l.eval, b0 = r.eval
        var out = Node(type: type, eval: { inputs in
            let a = a0(inputs)
            if case .error = a { return a }
            let b = b0(inputs)
            if case .error = b { return b }
            if a.isBlank || b.isBlank { return blanks.apply(f, a, b) }
            return f(a, b)
        }, range: range)
        if l.constant != nil && r.constant != nil { fold(&out) }
        return out
    }

    // MARK: Text

    func checkConcatenation(_ le: Expression, _ re: Expression, range: SourceRange) -> Node {
        let l = displayable(check(le)), r = displayable(check(re))
        if l.failed || r.failed { return .failed(range) }
        for n in [l, r] {
            if case .list(.link) = n.type {
                return fail("cannot join a list of linked rows as text", at: n.range, hint: "use a mirror field: mirror concat(...)")
            }
        }
        let a0 = l.eval, b0 = r.eval, env = self.env
        var out = Node(type: .text, eval: { inputs in
            let a = a0(inputs)
            if case .error = a { return a }
            let b = b0(inputs)
            if case .error = b { return b }
            if case .text(let x) = a, case .text(let y) = b { return .text(x + y) }
            let ctx = inputs.context
            return .text(FormulaText.display(a, ctx, env) + FormulaText.display(b, ctx, env))
        }, range: range)
        if case .text? = l.constant, case .text? = r.constant { fold(&out) }
        return out
    }

    // MARK: Logic

    func checkLogical(_ op: BinaryOperator, _ le: Expression, _ re: Expression, range: SourceRange) -> Node {
        let l = check(le), r = check(re)
        for n in [l, r] where !n.failed && !n.isBlankLiteral && !n.type.isAny && n.type != .bool {
            report("'\(op.rawValue)' needs bools, got \(typeName(n.type))", at: n.range,
                   hint: TypeHints.conversion(from: n.type, to: [.bool]))
            return .failed(range)
        }
        if l.failed || r.failed { return .failed(range) }
        let a0 = l.eval, b0 = r.eval
        let isAnd = op == .and
        var out = Node(type: .bool, eval: { inputs in
            let a = a0(inputs)
            if case .error = a { return a }
            guard let x = Logic.truth(a) else { return .error(.type) }
            if isAnd ? !x : x { return .bool(x) }
            let b = b0(inputs)
            if case .error = b { return b }
            guard let y = Logic.truth(b) else { return .error(.type) }
            return .bool(y)
        }, range: range)
        if l.constant != nil && r.constant != nil { fold(&out) }
        return out
    }

    // MARK: Comparison

    /// `write 40h without quotes` when one side is a string whose text is a value of the other
    /// side's type (`budget > "40h"`, `due < "2026-11-20"`).
    func quotedLiteralHint(_ le: TabulaLanguage.Expression, _ re: TabulaLanguage.Expression, _ lt: ValueType, _ rt: ValueType) -> String? {
        for (e, other) in [(le, rt), (re, lt)] {
            guard case .string(let text) = e.kind, !other.isTextual, !other.isAny,
                  (try? other.parse(text, context: schema.valueContext)) != nil else { continue }
            return "write \(text) without quotes: in quotes it is text, not a \(typeName(other))"
        }
        return nil
    }

    /// `link.primary` for a path that ends at a single link and is compared with text, when the
    /// linked table's primary field is text-like; nil otherwise.
    func primaryValuePath(_ e: TabulaLanguage.Expression, _ node: Node, against other: Node) -> TabulaLanguage.Expression? {
        guard case .link(let target) = node.type, other.type.isTextual, !other.type.isAny,
              case .path(let names) = e.kind, let table = schema.table(id: target), let primary = table.fields.first,
              primary.valueType.isTextual else { return nil }
        return TabulaLanguage.Expression(.path(names + [Name(primary.name, range: names.last?.range ?? e.range)]), range: e.range)
    }

    func checkComparison(_ op: BinaryOperator, _ le: Expression, _ re: Expression, range: SourceRange) -> Node {
        var l: Node, r: Node
        if isBareUnknownName(le) && !isBareUnknownName(re) {
            r = check(re); l = check(le, optionsOf: r.type)
        } else {
            l = check(le); r = check(re, optionsOf: l.type)
        }
        if l.failed || r.failed { return .failed(range) }
        // A link compared with text compares the linked row's primary value, as links are
        // referred to everywhere else: person = "boris" reads person.name.
        if let primary = primaryValuePath(le, l, against: r) { l = check(primary) }
        if let primary = primaryValuePath(re, r, against: l) { r = check(primary) }
        if l.failed || r.failed { return .failed(range) }
        harmonize(&l, &r)
        if l.failed || r.failed { return .failed(range) }
        let ordered = op != .equal && op != .notEqual
        guard l.isBlankLiteral || r.isBlankLiteral || areComparable(l.type, r.type, ordered: ordered) else {
            let message = ordered && areComparable(l.type, r.type, ordered: false)
                ? "cannot order \(typeName(l.type)) values with '\(op.rawValue)'"
                : "cannot compare \(typeName(l.type)) with \(typeName(r.type))"
            return fail(message, at: operatorRange(op, l.range, r.range), hint: quotedLiteralHint(le, re, l.type, r.type) ?? comparisonHint(l.type, r.type))
        }
        let a0 = l.eval, b0 = r.eval, env = self.env
        let eval: Eval
        switch op {
        case .equal, .notEqual:
            let negate = op == .notEqual
            eval = { inputs in
                let a = a0(inputs)
                if case .error = a { return a }
                let b = b0(inputs)
                if case .error = b { return b }
                return .bool(FormulaComparison.equals(a, b, inputs.context, env) != negate)
            }
        default:
            let test: @Sendable (Int) -> Bool
            switch op {
            case .less: test = { $0 < 0 }
            case .lessOrEqual: test = { $0 <= 0 }
            case .greater: test = { $0 > 0 }
            default: test = { $0 >= 0 }
            }
            eval = { inputs in
                let a = a0(inputs)
                if case .error = a { return a }
                let b = b0(inputs)
                if case .error = b { return b }
                guard let c = FormulaComparison.order(a, b, inputs.context, env) else { return .error(.type) }
                return .bool(test(c))
            }
        }
        var out = Node(type: .bool, eval: eval, range: range)
        let contextFree = !l.type.comparable.isTextual && !r.type.comparable.isTextual && l.type.comparable == r.type.comparable
        if l.constant != nil && r.constant != nil && contextFree { fold(&out) }
        return out
    }

    private func comparisonHint(_ l: ValueType, _ r: ValueType) -> String? {
        if (l == .duration && r.isNumeric) || (r == .duration && l.isNumeric) {
            return "write the number as a duration such as 50h, or compare hours(d) with a number"
        }
        if l.isTextual != r.isTextual, l.isTextual || r.isTextual { return "convert with text(x) or value(x) first" }
        if l.currencyCode != nil && r.currencyCode != nil { return "money is never converted implicitly" }
        return nil
    }

    // MARK: Membership

    func checkMembership(_ le: Expression, _ re: Expression, range: SourceRange) -> Node {
        let l = check(le)
        let isTime = l.type == .date || l.type == .datetime || l.type.isAny
        switch re.kind {
        case .period(let p):
            if l.failed { return .failed(range) }
            guard isTime else { return fail("only a date or datetime can be in a period, not \(typeName(l.type))", at: l.range) }
            return periodNode(l, Period.days(of: p), range: range)
        case .date(let y, let m, let d) where isTime:
            guard let day = CivilDate(year: y, month: m, day: d) else { return fail("there is no day \(y)-\(m)-\(d)", at: re.range) }
            if l.failed { return .failed(range) }
            return periodNode(l, (day, day), range: range)
        case .number(_, let text) where isTime && !l.type.isAny:
            guard text.allSatisfy(\.isASCIIDigit), let year = Int(text), (1...9999).contains(year),
                  let p = Period.days(of: .year(year)) as (CivilDate, CivilDate)? else {
                return fail("a year is written with four digits, such as 2026", at: re.range)
            }
            if l.failed { return .failed(range) }
            return periodNode(l, p, range: range)
        case .list(let items):
            var nodes = items.map { check($0, optionsOf: l.type) }
            if l.failed || nodes.contains(where: \.failed) { return .failed(range) }
            var left = l
            for i in nodes.indices {
                harmonize(&left, &nodes[i])
                if left.failed || nodes[i].failed { return .failed(range) }
                if !left.isBlankLiteral && !nodes[i].isBlankLiteral && !areComparable(left.type, nodes[i].type, ordered: false) {
                    return fail("cannot compare \(typeName(left.type)) with \(typeName(nodes[i].type))", at: nodes[i].range,
                                hint: comparisonHint(left.type, nodes[i].type))
                }
            }
            let a0 = left.eval, items = nodes.map(\.eval), env = self.env
            return Node(type: .bool, eval: { inputs in
                let a = a0(inputs)
                if case .error = a { return a }
                let ctx = inputs.context
                for item in items {
                    let v = item(inputs)
                    if case .error = v { return v }
                    if FormulaComparison.equals(a, v, ctx, env) { return .bool(true) }
                }
                return .bool(false)
            }, range: range)
        default:
            let r = check(re)
            if l.failed || r.failed { return .failed(range) }
            guard r.type.isAny || r.type.listElement != nil else {
                let hint = r.type.isTextual ? "to look for text inside text, use contains(text, part)"
                    : "write the choices as a list: x in (a, b, c)"
                return fail("'in' needs a list, a period or a tags field on its right, got \(typeName(r.type))", at: r.range, hint: hint)
            }
            if let element = r.type.listElement, !l.type.isAny, !l.isBlankLiteral, !areComparable(l.type, element, ordered: false) {
                return fail("cannot look for \(typeName(l.type)) in \(typeName(r.type))", at: range)
            }
            let a0 = l.eval, b0 = r.eval, env = self.env
            return Node(type: .bool, eval: { inputs in
                let a = a0(inputs)
                if case .error = a { return a }
                let b = b0(inputs)
                if case .error = b { return b }
                let ctx = inputs.context
                switch b {
                case .list(let items): return .bool(items.contains { FormulaComparison.equals(a, $0, ctx, env) })
                case .blank: return .bool(false)
                default: return .bool(FormulaComparison.equals(a, b, ctx, env))
                }
            }, range: range)
        }
    }

    /// `d in 2026-11`: whether a date, or a datetime's day in the base's zone, lies in the days.
    func periodNode(_ l: Node, _ days: (CivilDate, CivilDate), range: SourceRange) -> Node {
        let a0 = l.eval, env = self.env
        let (lo, hi) = days
        return Node(type: .bool, eval: { inputs in
            switch a0(inputs) {
            case .date(let d): return .bool(lo <= d && d <= hi)
            case .datetime(let t):
                let d = t.localTime(in: env.zone(inputs.context)).date
                return .bool(lo <= d && d <= hi)
            case .error(let e): return .error(e)
            case let v where v.isBlank: return .bool(false)
            default: return .error(.type)
            }
        }, range: range)
    }
}

/// Blank operands of arithmetic: a blank stands for the zero of its operand's type
/// (`blank + 2h = 2h`, `blank * 3 = 0`, `3 / blank = #DIV/0`); where that type has no zero
/// (a date, a datetime), the result is blank.
struct BlankOperands: Sendable {
    /// The zero of each side's static type; nil when it has none.
    let left: Value?, right: Value?
    /// Whether each side's type is unknown (`any` or the `blank` keyword): then the zero is the other side's.
    let leftDynamic: Bool, rightDynamic: Bool

    init(_ l: Node, _ r: Node) {
        left = l.isBlankLiteral ? nil : l.type.arithmeticZero
        right = r.isBlankLiteral ? nil : r.type.arithmeticZero
        leftDynamic = l.isBlankLiteral || l.type.isAny
        rightDynamic = r.isBlankLiteral || r.type.isAny
    }

    func apply(_ f: (Value, Value) -> Value, _ a: Value, _ b: Value) -> Value {
        let ab = a.isBlank, bb = b.isBlank
        var x = a, y = b
        if ab {
            guard let z = leftDynamic ? (bb ? right : b.arithmeticZero) : left else { return .blank }
            x = z
        }
        if bb {
            guard let z = rightDynamic ? (ab ? left : a.arithmeticZero) : right else { return .blank }
            y = z
        }
        return f(x, y)
    }
}

extension Value {
    /// The zero of a quantity's kind (of money, in its currency).
    var arithmeticZero: Value? {
        switch self {
        case .integer: return .integer(0)
        case .number: return .number(0)
        case .percent: return .percent(0)
        case .money(let m): return .money(Money(minorUnits: 0, currency: m.currency))
        case .duration: return .duration(0)
        default: return nil
        }
    }
}

/// Truth of values in `and`, `or`, `not`, `if`: a bool, or blank as false.
enum Logic {
    @inline(__always) static func truth(_ v: Value) -> Bool? {
        switch v {
        case .bool(let b): return b
        case let v where v.isBlank: return false
        default: return nil
        }
    }
}

/// The days of period literals.
package enum Period {
    package static func days(of p: PeriodLiteral) -> (CivilDate, CivilDate) {
        switch p {
        case .day(let y, let m, let d):
            let day = CivilDate(year: y, month: m, day: d) ?? CivilDate(daysSinceEpoch: 0)
            return (day, day)
        case .week(let y, let w):
            let monday = (CivilDate(year: y, month: 1, day: 4) ?? CivilDate(daysSinceEpoch: 0)).weekStart.adding(days: (w - 1) * 7)
            return (monday, monday.adding(days: 6))
        case .month(let y, let m):
            let first = CivilDate(year: y, month: min(max(m, 1), 12), day: 1) ?? CivilDate(daysSinceEpoch: 0)
            return (first, first.monthEnd)
        case .quarter(let y, let q):
            let first = CivilDate(year: y, month: (min(max(q, 1), 4) - 1) * 3 + 1, day: 1) ?? CivilDate(daysSinceEpoch: 0)
            return (first, first.adding(months: 2).monthEnd)
        case .year(let y):
            let first = CivilDate(year: y, month: 1, day: 1) ?? CivilDate(daysSinceEpoch: 0)
            return (first, first.adding(months: 11).monthEnd)
        }
    }
}
