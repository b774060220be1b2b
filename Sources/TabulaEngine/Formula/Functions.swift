import TabulaLanguage

/// One function of the formula language: its name, how many arguments it takes, and how a call
/// to it is checked and compiled. The library is the union of the `Functions+*.swift` files.
struct FormulaFunction: Sendable {
    let name: String
    /// How the call is written, for hints: `round(x[, digits])`.
    let signature: String
    let arity: ClosedRange<Int>
    let compile: @Sendable (CallSite) -> Node

    init(_ signature: String, _ arity: ClosedRange<Int>, _ compile: @escaping @Sendable (CallSite) -> Node) {
        self.signature = signature
        self.name = String(signature.prefix { $0 != "(" })
        self.arity = arity
        self.compile = compile
    }

    /// `round takes 1 or 2 arguments`.
    var arityText: String {
        let plural: (Int) -> String = { $0 == 1 ? "argument" : "arguments" }
        if arity.upperBound == Int.max { return "\(name) takes at least \(arity.lowerBound) \(plural(arity.lowerBound))" }
        if arity.lowerBound == arity.upperBound {
            return arity.lowerBound == 0 ? "\(name) takes no arguments" : "\(name) takes \(arity.lowerBound) \(plural(arity.lowerBound))"
        }
        if arity.upperBound == arity.lowerBound + 1 {
            return "\(name) takes \(arity.lowerBound) or \(arity.upperBound) arguments"
        }
        return "\(name) takes \(arity.lowerBound) to \(arity.upperBound) arguments"
    }
}

/// The function library, by lower-case name.
package enum FormulaLibrary {
    /// The names of every function, in lower case (for checkers' did-you-means).
    package static let names: Set<String> = Set(functions.keys)

    static let functions: [String: FormulaFunction] = {
        var all: [String: FormulaFunction] = [:]
        for f in textFunctions + numberFunctions + logicFunctions + dateFunctions {
            precondition(all[f.name] == nil, "function \(f.name) is registered twice")
            all[f.name] = f
        }
        return all
    }()
}

/// Whether a function's result is blank when an argument is blank.
enum BlankRule: Sendable {
    /// Any blank argument makes the result blank.
    case any
    /// A blank first argument makes the result blank; other blanks reach the body.
    case first
    /// Blanks reach the body.
    case none

    @inline(__always) func blanks(_ v: Value, at index: Int) -> Bool {
        switch self {
        case .any: return v.isBlank
        case .first: return index == 0 && v.isBlank
        case .none: return false
        }
    }
}

/// A call being compiled: its checked arguments and the helpers functions use to check their
/// types, report problems and build strict (argument-evaluating) bodies.
final class CallSite {
    let function: FormulaFunction
    var args: [Node]
    let range: SourceRange
    let checker: FormulaChecker
    private(set) var hasErrors = false

    init(function: FormulaFunction, args: [Node], range: SourceRange, checker: FormulaChecker) {
        self.function = function; self.args = args; self.range = range; self.checker = checker
        hasErrors = args.contains { $0.failed }
    }

    var name: String { function.name }
    var env: FormulaEnvironment { checker.env }
    var schema: Schema { checker.schema }
    func type(_ i: Int) -> ValueType { i < args.count ? args[i].type : .any }
    func typeName(_ t: ValueType) -> String { t.formulaName(in: checker.schema) }

    /// Checks that argument `i` (when present) is of one of the families; reports it otherwise.
    func expect(_ i: Int, _ families: TypeFamily..., hint: String? = nil) {
        expect(i, families, hint: hint)
    }

    func expect(_ i: Int, _ families: [TypeFamily], hint: String? = nil) {
        guard i < args.count else { return }
        let n = args[i]
        if n.failed || n.isBlankLiteral || families.contains(where: { $0.accepts(n.type) }) { return }
        let articles = families.map(\.article)
        let wanted = articles.count <= 2 ? articles.joined(separator: " or ")
            : articles.dropLast().joined(separator: ", ") + " or " + articles.last!
        report("\(name) expects \(wanted) as argument \(i + 1), got \(typeName(n.type))", at: n.range,
               hint: hint ?? TypeHints.conversion(from: n.type, to: families))
    }

    func report(_ message: String, at range: SourceRange? = nil, hint: String? = nil) {
        hasErrors = true
        checker.report(message, at: range ?? self.range, hint: hint)
    }

    /// A node standing for this call after an error was reported.
    var failed: Node { Node.failed(range) }

    func fail(_ message: String, at range: SourceRange? = nil, hint: String? = nil) -> Node {
        report(message, at: range, hint: hint)
        return failed
    }

    /// Argument `i`, or a constant when the call leaves it out.
    func arg(_ i: Int, default value: Value, type: ValueType) -> Node {
        i < args.count ? args[i] : Node.constant(value, type: type, range: range)
    }

    /// Marks the formula as reading the clock.
    func markVolatile() { checker.isVolatile = true }

    // MARK: Strict bodies

    /// A node evaluating its argument first: errors propagate, blanks follow `blanks`.
    func strict(_ type: ValueType, blanks: BlankRule = .any, fold: Bool = true,
                _ body: @escaping @Sendable (Value, any FormulaInputs) -> Value) -> Node {
        let a0 = args[0].eval
        let eval: Eval = { inputs in
            let a = a0(inputs)
            if case .error = a { return a }
            if blanks.blanks(a, at: 0) { return .blank }
            return body(a, inputs)
        }
        return finish(type, eval, fold: fold)
    }

    func strict(_ type: ValueType, blanks: BlankRule = .any, fold: Bool = true,
                _ body: @escaping @Sendable (Value, Value, any FormulaInputs) -> Value) -> Node {
        let a0 = args[0].eval, a1 = args[1].eval
        let eval: Eval = { inputs in
            let a = a0(inputs)
            if case .error = a { return a }
            let b = a1(inputs)
            if case .error = b { return b }
            if blanks.blanks(a, at: 0) || blanks.blanks(b, at: 1) { return .blank }
            return body(a, b, inputs)
        }
        return finish(type, eval, fold: fold)
    }

    func strict(_ type: ValueType, blanks: BlankRule = .any, fold: Bool = true,
                _ body: @escaping @Sendable (Value, Value, Value, any FormulaInputs) -> Value) -> Node {
        let a0 = args[0].eval, a1 = args[1].eval, a2 = args[2].eval
        let eval: Eval = { inputs in
            let a = a0(inputs)
            if case .error = a { return a }
            let b = a1(inputs)
            if case .error = b { return b }
            let c = a2(inputs)
            if case .error = c { return c }
            if blanks.blanks(a, at: 0) || blanks.blanks(b, at: 1) || blanks.blanks(c, at: 2) { return .blank }
            return body(a, b, c, inputs)
        }
        return finish(type, eval, fold: fold)
    }

    /// Any number of arguments, evaluated left to right.
    func strictAll(_ type: ValueType, blanks: BlankRule = .any, fold: Bool = true,
                   _ body: @escaping @Sendable ([Value], any FormulaInputs) -> Value) -> Node {
        let evals = args.map(\.eval)
        let eval: Eval = { inputs in
            var values: [Value] = []
            values.reserveCapacity(evals.count)
            for (i, e) in evals.enumerated() {
                let v = e(inputs)
                if case .error = v { return v }
                if blanks.blanks(v, at: i) { return .blank }
                values.append(v)
            }
            return body(values, inputs)
        }
        return finish(type, eval, fold: fold)
    }

    /// Wraps an evaluator into a node, folding it when every argument is a constant.
    func finish(_ type: ValueType, _ eval: @escaping Eval, fold: Bool) -> Node {
        var node = Node(type: type, eval: eval, range: range)
        if fold, args.allSatisfy({ $0.constant != nil }) { checker.fold(&node) }
        return node
    }
}

/// Hints that suggest a conversion between types.
enum TypeHints {
    static func conversion(from t: ValueType, to families: [TypeFamily]) -> String? {
        if families.contains(.text), !t.isTextual { return "convert it with text(x)" }
        if families.contains(.number), t.isTextual { return "convert text to a number with value(x)" }
        if families.contains(.number), t == .duration { return "take its length with hours(d) or minutes(d)" }
        if families.contains(.duration), t.isNumeric { return "write a duration such as 50h or 15m, or build one with duration(h, m, s)" }
        if families.contains(.bool) { return "compare it to get a bool, e.g. x > 0" }
        return nil
    }
}
