import TabulaLanguage

/// The problems found while checking a formula, located in the expression's own source ranges.
public struct FormulaDiagnostics: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sorted { $0.range.start < $1.range.start }
    }

    public var description: String {
        diagnostics.map { d in
            "\(d.range.start.line):\(d.range.start.column): \(d.message)" + (d.hint.map { " (hint: \($0))" } ?? "")
        }.joined(separator: "\n")
    }
}

/// Checks formula expressions against a schema, infers their types and compiles them to closures.
///
/// Names resolve in the formula's table; `a.b.c` walks single links. Types and units are checked
/// statically (see `Docs/formulas.md`), so a formula that compiles only meets errors at run time
/// through values: division by zero, overflow, blanks, or values of fields typed `any`.
public enum FormulaCompiler {
    /// Checks `expression` as a formula evaluated on rows of `table`, inferring its type, and compiles it to closures.
    /// `typeOf` gives the type of any field (the schema compiler passes a function that types other formula fields on demand, detecting cycles).
    /// Diagnostics carry the expression's own source ranges (positions in the schema file when it came from one).
    public static func compile(_ expression: Expression, in table: Table, schema: Schema,
                               typeOf: (FieldID) -> ValueType) throws(FormulaDiagnostics) -> CompiledFormula {
        let result: Result<CompiledFormula, FormulaDiagnostics> = withoutActuallyEscaping(typeOf) { typeOf in
            let checker = FormulaChecker(schema: schema, table: table, typeOf: typeOf)
            let root = checker.check(expression)
            if !checker.diagnostics.isEmpty { return .failure(FormulaDiagnostics(diagnostics: checker.diagnostics)) }
            return .success(CompiledFormula(resultType: root.type, paths: checker.paths,
                                            isVolatile: checker.isVolatile, body: root.eval))
        }
        return try result.get()
    }

    /// Convenience for text typed elsewhere (`show --where`, stored formula sources): parses with ExpressionParser then compiles; errors as SourceErrors located in that text.
    /// Other fields are typed by their kinds (a formula field by its stored result type).
    public static func compile(source: SourceText, in table: Table, schema: Schema) throws(SourceErrors) -> CompiledFormula {
        let expression = try ExpressionParser.parse(source)
        do {
            return try compile(expression, in: table, schema: schema) { id in schema.field(id: id)?.field.valueType ?? .any }
        } catch {
            throw SourceErrors(source: source, diagnostics: error.diagnostics)
        }
    }

    /// The field paths an expression reads, resolved (for the dependency graph), without compiling.
    /// Each path is the field ids from `table` outward (`[project, client, name]`); a path ending
    /// at a link reads the link itself. Only names that do not resolve are reported: type errors
    /// wait for `compile`.
    public static func paths(of expression: Expression, in table: Table, schema: Schema) throws(FormulaDiagnostics) -> [[FieldID]] {
        let checker = FormulaChecker(schema: schema, table: table) { id in schema.field(id: id)?.field.valueType ?? .any }
        _ = checker.check(expression)
        if !checker.nameDiagnostics.isEmpty { throw FormulaDiagnostics(diagnostics: checker.nameDiagnostics) }
        return checker.paths
    }

    /// The names of the formula functions, sorted.
    public static var functionNames: [String] { FormulaLibrary.functions.keys.sorted() }
}

extension FormulaChecker {
    func checkCall(_ name: Name, _ arguments: [Expression], filter: Expression?, range: SourceRange) -> Node {
        if let filter {
            _ = arguments.map(check)
            return fail("'where' inside a call belongs to report aggregates, not to formulas", at: filter.range,
                        hint: "use if(condition, value, blank) instead")
        }
        guard let function = FormulaLibrary.functions[name.text.lowercased()] else {
            _ = arguments.map(check)
            var hint: String?
            if let near = closestName(to: name.text, among: Array(FormulaLibrary.functions.keys)) {
                hint = "did you mean '\(near)'?"
            } else if table.field(named: name.text) != nil {
                hint = "'\(name.text)' is a field; write it without parentheses"
            }
            return fail("unknown function '\(name.text)'", at: name.range, hint: hint)
        }
        guard function.arity.contains(arguments.count) else {
            _ = arguments.map(check)
            return fail("\(function.arityText), got \(arguments.count)", at: range, hint: "write it as \(function.signature)")
        }
        var nodes: [Node] = []
        if function.name == "switch" {
            nodes.append(check(arguments[0]))
            for i in 1..<arguments.count {
                let isChoice = i % 2 == 1 && i + 1 < arguments.count
                nodes.append(isChoice ? check(arguments[i], optionsOf: nodes[0].type) : check(arguments[i]))
            }
        } else {
            nodes = arguments.map(check)
        }
        var node = function.compile(CallSite(function: function, args: nodes, range: range, checker: self))
        node.range = range
        return node
    }
}
