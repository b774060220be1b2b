@testable import TabulaLanguage

/// The examples of a grammar file: the single lines `(* example: ... *)`.
func grammarExamples(_ text: String) -> [String] {
    text.split(separator: "\n").compactMap { line -> String? in
        let t = line.drop(while: { $0 == " " })
        guard t.hasPrefix("(* example: "), t.hasSuffix(" *)") else { return nil }
        return String(t.dropFirst("(* example: ".count).dropLast(" *)".count))
    }
}

func expr(_ text: String) throws(SourceErrors) -> Expression {
    try ExpressionParser.parse(SourceText(name: "<test>", text: text))
}

func schema(_ text: String) throws(SourceErrors) -> SchemaFile {
    try SchemaParser.parse(SourceText(name: "test.tabula", text: text))
}

/// `line:column: message` for each error of an expression, or [] when it parses.
func expressionErrors(_ text: String) -> [String] {
    do { _ = try expr(text); return [] } catch { return error.diagnostics.map { brief($0) } }
}

/// `line:column: message` for each error of a schema, or [] when it parses.
func schemaErrors(_ text: String) -> [String] {
    do { _ = try schema(text); return [] } catch { return error.diagnostics.map { brief($0) } }
}

/// The first error of a schema, whole, for checking hints.
func schemaError(_ text: String) -> Diagnostic? {
    do { _ = try schema(text); return nil } catch { return error.diagnostics.first }
}

func brief(_ d: Diagnostic) -> String { "\(d.range.start.line):\(d.range.start.column): \(d.message)" }

func lex(_ text: String) -> (tokens: [Token], errors: [String]) {
    let (tokens, diagnostics) = Lexer.tokenize(SourceText(name: "<test>", text: text))
    return (tokens, diagnostics.map(brief))
}

func kinds(_ text: String) -> [Token.Kind] { lex(text).tokens.map(\.kind).dropLast() }

/// A compact prefix rendering of an expression tree, for checking structure.
func shape(_ e: Expression) -> String {
    switch e.kind {
    case .number(_, let text): return text
    case .string(let s): return "\"\(s)\""
    case .bool(let b): return String(b)
    case .blank: return "blank"
    case .date(let y, let m, let d): return "date(\(y),\(m),\(d))"
    case .datetime(let t): return "datetime(\(t))"
    case .duration(let s): return "dur(\(s))"
    case .money(let a, let c): return "money(\(a),\(c))"
    case .period(let p): return "period(\(p))"
    case .path(let names): return names.map(\.text).joined(separator: ".")
    case .call(let n, let args, let filter):
        return "\(n.text)(\(args.map(shape).joined(separator: ", "))\(filter.map { " where " + shape($0) } ?? ""))"
    case .unary(let op, let x): return "(\(op.rawValue) \(shape(x)))"
    case .binary(let op, let l, let r): return "(\(op.rawValue) \(shape(l)) \(shape(r)))"
    case .list(let items): return "[\(items.map(shape).joined(separator: ", "))]"
    }
}

func shapeOf(_ text: String) throws -> String { shape(try expr(text)) }

func report(_ text: String) throws(SourceErrors) -> ReportQuery {
    try ReportParser.parse(SourceText(name: "<query>", text: text))
}

/// `line:column: message` for each error of a report query, or [] when it parses.
func reportErrors(_ text: String) -> [String] {
    do { _ = try report(text); return [] } catch { return error.diagnostics.map { brief($0) } }
}
