import Foundation
import TabulaLanguage

/// A checked and compiled subexpression.
package struct Node {
    package var type: ValueType
    package var eval: Eval
    /// The value, when it is known at compile time (a literal or a folded subtree).
    package var constant: Value?
    var range: SourceRange
    /// The `blank` keyword: it takes the type its neighbours need.
    var isBlankLiteral = false
    /// The path's names, when this node reads a field path (to show a linked row by its primary field).
    var pathNames: [Name]?
    var pathIDs: [FieldID]?
    /// An error was already reported for this node: it is `any`, and nothing more is said about it.
    var failed = false

    init(type: ValueType, eval: @escaping Eval, range: SourceRange) {
        self.type = type; self.eval = eval; self.range = range
    }

    static func constant(_ value: Value, type: ValueType, range: SourceRange) -> Node {
        var n = Node(type: type, eval: { _ in value }, range: range)
        n.constant = value
        return n
    }

    static func failed(_ range: SourceRange) -> Node {
        var n = Node(type: .any, eval: { _ in .error(.type) }, range: range)
        n.failed = true
        return n
    }

    /// A number written as a constant (`100`, `-5`, `2 * 50`): it meets money as money.
    package var isNumberConstant: Bool {
        guard let c = constant else { return false }
        switch c { case .integer, .number: return true; default: return false }
    }
}

/// Checks an expression against a table and compiles it. One instance per compilation.
package final class FormulaChecker {
    let schema: Schema
    let table: Table
    let typeOf: (FieldID) -> ValueType
    let env: FormulaEnvironment
    package private(set) var diagnostics: [Diagnostic] = []
    /// Diagnostics about names that do not resolve (what `FormulaCompiler.paths` reports).
    private(set) var nameDiagnostics: [Diagnostic] = []
    package private(set) var paths: [[FieldID]] = []
    private var pathIndex: [[FieldID]: Int] = [:]
    package var isVolatile = false

    package init(schema: Schema, table: Table, typeOf: @escaping (FieldID) -> ValueType) {
        self.schema = schema; self.table = table; self.typeOf = typeOf
        self.env = FormulaEnvironment(schema.valueContext)
    }

    func report(_ message: String, at range: SourceRange, hint: String? = nil) {
        diagnostics.append(Diagnostic(message, at: range, hint: hint))
    }

    func typeName(_ t: ValueType) -> String { t.formulaName(in: schema) }

    /// Replaces a node's evaluator by its value when all it reads is constant.
    func fold(_ node: inout Node) {
        let value = node.eval(ConstantInputs(context: schema.valueContext))
        node.constant = value
        node.eval = { _ in value }
    }

    // MARK: - Expressions

    func check(_ e: TabulaLanguage.Expression) -> Node {
        switch e.kind {
        case .number(let d, let text):
            if text.allSatisfy(\.isASCIIDigit), let i = Int64(text) {
                return .constant(.integer(i), type: .integer, range: e.range)
            }
            guard d.isFinite else { return fail("the number \(text) is too large", at: e.range) }
            return .constant(.number(d), type: .number, range: e.range)
        case .string(let s):
            return .constant(.text(s), type: .text, range: e.range)
        case .bool(let b):
            return .constant(.bool(b), type: .bool, range: e.range)
        case .blank:
            var n = Node.constant(.blank, type: .any, range: e.range)
            n.isBlankLiteral = true
            return n
        case .date(let y, let m, let d):
            guard let date = CivilDate(year: y, month: m, day: d), date.isSupported else {
                return fail("there is no day \(y)-\(m)-\(d)", at: e.range)
            }
            return .constant(.date(date), type: .date, range: e.range)
        case .datetime(let text):
            guard let literal = DatetimeLiteral(text) else { return fail("invalid date and time '\(text)'", at: e.range) }
            if literal.offset != nil {
                return .constant(.datetime(literal.instant(in: .utc)), type: .datetime, range: e.range)
            }
            // A wall-clock time: read in the zone of the run (the base's zone, normally).
            let env = self.env
            let atBase = literal.instant(in: env.rules)
            return Node(type: .datetime, eval: { inputs in
                let ctx = inputs.context
                return .datetime(ctx.timeZone == env.zoneName ? atBase : literal.instant(in: env.zone(ctx)))
            }, range: e.range)
        case .duration(let seconds):
            return .constant(.duration(seconds), type: .duration, range: e.range)
        case .money(let amount, let code):
            guard let m = MoneyMath.parse(amount: amount, currency: code) else {
                return fail("\(amount) \(code) has more decimals than \(code) allows (\(Money.minorDigits(of: code)))", at: e.range)
            }
            return .constant(.money(m), type: .currency(code), range: e.range)
        case .period:
            return fail("a period can only follow 'in'", at: e.range,
                        hint: "test a date with 'd in 2026-11', or compare period_month(d) = \"2026-11\"")
        case .path(let names):
            return checkPath(names, range: e.range)
        case .list(let items):
            var nodes = items.map(check)
            let t = unify(&nodes, what: "list items")
            return listNode(nodes, elementType: t, range: e.range)
        case .unary(let op, let operand):
            return checkUnary(op, operand, range: e.range)
        case .binary(let op, let l, let r):
            return checkBinary(op, l, r, range: e.range)
        case .call(let name, let args, let filter):
            return checkCall(name, args, filter: filter, range: e.range)
        }
    }

    func fail(_ message: String, at range: SourceRange, hint: String? = nil) -> Node {
        report(message, at: range, hint: hint)
        return .failed(range)
    }

    func listNode(_ nodes: [Node], elementType: ValueType, range: SourceRange) -> Node {
        let evals = nodes.map(\.eval)
        var n = Node(type: .list(elementType), eval: { inputs in
            var out: [Value] = []
            out.reserveCapacity(evals.count)
            for e in evals {
                let v = e(inputs)
                if case .error = v { return v }
                out.append(v)
            }
            return .list(out)
        }, range: range)
        if nodes.allSatisfy({ $0.constant != nil }) { fold(&n) }
        return n
    }

    // MARK: - Names

    /// Resolves a relation path to field ids, reporting what does not resolve.
    package func resolve(_ names: [Name], range: SourceRange) -> (ids: [FieldID], field: Field)? {
        var current = table
        var ids: [FieldID] = []
        for (i, name) in names.enumerated() {
            guard let field = current.field(named: name.text) else {
                var hint: String?
                if let near = closestName(to: name.text, among: current.fields.map(\.name)) {
                    hint = "did you mean '\(near)'?"
                } else if i == 0, FormulaLibrary.functions[name.text.lowercased()] != nil {
                    hint = "to call the function, write \(name.text.lowercased())(...)"
                }
                nameError("table \(current.name) has no field '\(name.text)'", at: name.range, hint: hint)
                return nil
            }
            ids.append(field.id)
            let isLast = i == names.count - 1
            if case .link(let spec) = field.kind {
                if spec.many && (!isLast || names.count > 1) {
                    let target = schema.table(id: spec.target)?.name ?? "another table"
                    nameError("'\(field.name)' links to many rows of \(target); a path cannot go through it",
                              at: isLast ? name.range : name.range.union(names[i + 1].range),
                              hint: "use a mirror field to aggregate over a multiple link")
                    return nil
                }
                if !isLast {
                    guard let next = schema.table(id: spec.target) else {
                        nameError("the table that '\(field.name)' links to does not exist", at: name.range, hint: nil)
                        return nil
                    }
                    current = next
                }
            } else if !isLast {
                nameError("'\(field.name)' is not a link, so '.\(names[i + 1].text)' cannot follow it",
                          at: names[i + 1].range, hint: "only a path through single links (link T) can go on")
                return nil
            }
            if isLast { return (ids, field) }
        }
        return nil
    }

    private func nameError(_ message: String, at range: SourceRange, hint: String?) {
        let d = Diagnostic(message, at: range, hint: hint)
        diagnostics.append(d)
        nameDiagnostics.append(d)
    }

    private var pathUses: [Int] = []

    func pathSlot(_ ids: [FieldID]) -> Int {
        if let i = pathIndex[ids] { pathUses[i] += 1; return i }
        let i = paths.count
        paths.append(ids)
        pathUses.append(1)
        pathIndex[ids] = i
        return i
    }

    /// Forgets one read of a path; the last path is dropped when nothing else reads it.
    func releasePath(_ ids: [FieldID]) {
        guard let i = pathIndex[ids] else { return }
        pathUses[i] -= 1
        if pathUses[i] == 0 && i == paths.count - 1 {
            paths.removeLast(); pathUses.removeLast(); pathIndex[ids] = nil
        }
    }

    func checkPath(_ names: [Name], range: SourceRange) -> Node {
        if names.count == 2, let timer = table.field(named: names[0].text), case .timer = timer.kind {
            return checkTimerProbe(timer, names, range: range)
        }
        guard let (ids, field) = resolve(names, range: range) else { return .failed(range) }
        let slot = pathSlot(ids)
        let type: ValueType
        if case .link(let spec) = field.kind { type = spec.many ? .list(.link(spec.target)) : .link(spec.target) } else { type = typeOf(field.id) }
        var n = Node(type: type, eval: { $0.value(slot) }, range: range)
        n.pathNames = names
        n.pathIDs = ids
        return n
    }

    /// `timer.running` (is an interval of this row running?) and `timer.elapsed` (how long the
    /// running intervals have run): read from the log when the formula is read, so volatile.
    private func checkTimerProbe(_ timer: Field, _ names: [Name], range: SourceRange) -> Node {
        guard let probe = TimerProbe(name: names[1].text) else {
            nameError("a timer field has only .running and .elapsed, not '.\(names[1].text)'", at: names[1].range,
                      hint: "write \(timer.name).running (true while it runs) or \(timer.name).elapsed (the running time)")
            return .failed(range)
        }
        isVolatile = true
        let slot = pathSlot([timer.id, probe.rawValue])
        var n = Node(type: probe == .running ? .bool : .duration, eval: { $0.value(slot) }, range: range)
        n.pathNames = names
        n.pathIDs = [timer.id, probe.rawValue]
        return n
    }

    /// Checks an expression that may be a bare option of a select or tags (`category = billable`):
    /// a single name that is not a field but is one of `options`' choices is that text.
    package func check(_ e: TabulaLanguage.Expression, optionsOf other: ValueType) -> Node {
        if case .path(let names) = e.kind, names.count == 1, table.field(named: names[0].text) == nil {
            let options: [String]
            switch other {
            case .select(let o), .tags(let o): options = o
            case .list(.select(let o)), .list(.tags(let o)): options = o
            default: options = []
            }
            if let option = options.first(where: { $0 == names[0].text }) ?? options.first(where: { $0.lowercased() == names[0].text.lowercased() }) {
                return .constant(.text(option), type: .text, range: e.range)
            }
            // A typo of an option (billabel) is told as one, not as a missing field.
            if let guess = Suggestions.closest(to: names[0].text, among: options),
               Suggestions.closest(to: names[0].text, among: table.fields.map(\.name)) == nil {
                report("'\(names[0].text)' is neither a field of \(table.name) nor one of the options \(options.joined(separator: ", "))",
                       at: e.range, hint: "did you mean '\(guess)'?")
                return .failed(e.range)
            }
        }
        return check(e)
    }

    /// Whether an expression is a name that only makes sense as an option (so check the other side first).
    func isBareUnknownName(_ e: TabulaLanguage.Expression) -> Bool {
        if case .path(let names) = e.kind, names.count == 1 { return table.field(named: names[0].text) == nil }
        return false
    }

    /// A path ending in a single link, shown by the linked row's primary field (for `&`, `text()`).
    func displayable(_ n: Node) -> Node {
        guard !n.failed, case .link(let target) = n.type, let names = n.pathNames,
              let t = schema.table(id: target), !t.fields.isEmpty else { return n }
        let primary = t.primaryField
        if case .link = primary.kind { return n }
        if let ids = n.pathIDs { releasePath(ids) }
        return checkPath(names + [Name(primary.name, range: n.range)], range: n.range)
    }

    // MARK: - Type unification

    /// The one type several branches share (`if`, `switch`, `coalesce`, list items), converting
    /// number constants to money beside money and integers to numbers beside numbers.
    func unify(_ nodes: inout [Node], what: String) -> ValueType {
        let live = nodes.indices.filter { !nodes[$0].failed && !nodes[$0].isBlankLiteral }
        let snapshot = nodes
        if let code = live.lazy.compactMap({ snapshot[$0].type.currencyCode }).first {
            for i in live where nodes[i].isNumberConstant { nodes[i] = toMoney(nodes[i], code: code) }
        }
        var result: ValueType?
        for i in live {
            let t = nodes[i].type
            guard let r = result else { result = t; continue }
            guard let u = unifyTypes(r, t) else {
                report("\(what) have different types: \(typeName(r)) and \(typeName(t))", at: nodes[i].range,
                       hint: TypeHints.branches(r, t))
                return .any
            }
            result = u
        }
        guard let type = result else { return .any }
        for i in live { nodes[i] = convert(nodes[i], to: type) }
        return type
    }

    func unifyTypes(_ a: ValueType, _ b: ValueType) -> ValueType? {
        if a == b { return a }
        if a.isAny || b.isAny { return .any }
        if a.isNumeric && b.isNumeric { return .number }
        if a.isTextual && b.isTextual { return .text }
        if let x = a.listElement, let y = b.listElement, let u = unifyTypes(x, y) { return .list(u) }
        return nil
    }

    /// A node whose values are converted to a wider type (integer or percent to number).
    func convert(_ n: Node, to type: ValueType) -> Node {
        guard n.type != type, type == .number, n.type == .integer || n.type == .percent else { return n }
        let e = n.eval
        var out = n
        out.type = .number
        out.eval = { inputs in
            switch e(inputs) {
            case .integer(let i): return .number(Double(i))
            case .percent(let d): return .number(d)
            case let v: return v
            }
        }
        if n.constant != nil { fold(&out) }
        return out
    }

    /// A number constant as money of a currency (`price > 100` reads 100 as 100.00 EUR).
    package func toMoney(_ n: Node, code: String) -> Node {
        let amount: Decimal?
        switch n.constant {
        case .integer(let i)?: amount = Decimal(i)
        case .number(let d)?: amount = Numeric.decimal(d)
        default: return n
        }
        guard let amount, let m = MoneyMath.fromMajor(amount, currency: code) else {
            return fail("\(FormulaText.display(n.constant!, schema.valueContext, env)) has more decimals than \(code) allows (\(Money.minorDigits(of: code)))",
                        at: n.range)
        }
        return .constant(.money(m), type: .currency(code), range: n.range)
    }

    /// Makes a number constant beside money into money of that currency.
    func harmonize(_ l: inout Node, _ r: inout Node) {
        if let code = l.type.currencyCode, r.isNumberConstant { r = toMoney(r, code: code) }
        else if let code = r.type.currencyCode, l.isNumberConstant { l = toMoney(l, code: code) }
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension TypeHints {
    static func branches(_ a: ValueType, _ b: ValueType) -> String? {
        if (a == .duration && b.isNumeric) || (b == .duration && a.isNumeric) { return "write the number as a duration, such as 0h" }
        if a.isTextual || b.isTextual { return "convert the other one with text(x)" }
        return nil
    }
}
