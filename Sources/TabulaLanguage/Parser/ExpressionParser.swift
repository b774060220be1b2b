/// Parses formula expressions: `if(hours > 50h, "over", "ok")`, `project.client.name & " / " & title`.
public enum ExpressionParser {
    /// Parses a whole text as exactly one expression.
    public static func parse(_ source: SourceText) throws(SourceErrors) -> Expression {
        var parser = Parser(source)
        var result: Expression?
        do {
            let expression = try parser.parseExpression()
            if !parser.isAtEnd {
                let t = parser.current
                parser.report(Diagnostic("unexpected \(parser.describe(t)) after the expression", at: t.range,
                                         hint: Self.trailingHint(t)))
            }
            result = expression
        } catch {
            parser.report(error.diagnostic)
        }
        if let result, !parser.hasErrors { return result }
        throw SourceErrors(source: source, diagnostics: parser.diagnostics)
    }

    private static func trailingHint(_ t: Token) -> String? {
        switch t.kind {
        case .identifier, .bracedName, .number, .string, .duration, .date, .datetime, .period:
            return "join the parts with an operator (+, &, and, ...) or separate arguments with ','"
        case .symbol(.rightParen), .symbol(.rightBracket):
            return "this bracket closes nothing"
        default:
            return nil
        }
    }
}

/// Binding strength of the expression grammar, lowest first.
enum Precedence: Int, Comparable {
    case or = 1, and, not, comparison, concatenation, additive, multiplicative, negation, power, postfix
    static func < (a: Precedence, b: Precedence) -> Bool { a.rawValue < b.rawValue }

    static func of(_ op: BinaryOperator) -> Precedence {
        switch op {
        case .or: return .or
        case .and: return .and
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .in: return .comparison
        case .concatenate: return .concatenation
        case .add, .subtract: return .additive
        case .multiply, .divide, .modulo: return .multiplicative
        case .power: return .power
        }
    }
}

extension Parser {
    /// Parses the longest expression starting at the current token and stops before the first
    /// token that cannot continue it.
    public mutating func parseExpression() throws(SyntaxError) -> Expression {
        if nesting == 0 { operatorCount = 0 }
        return try nested { (p: inout Parser) throws(SyntaxError) in try p.parseOr() }
    }

    /// Counts one operator, failing when the expression has too many.
    private mutating func countOperator(_ token: Token) throws(SyntaxError) {
        operatorCount += 1
        if operatorCount > Parser.maximumOperators {
            throw SyntaxError("the expression has more than \(Parser.maximumOperators) operators", at: token.range,
                              hint: "split it into several formula fields")
        }
    }

    /// Runs one level of recursion, failing when the expression is nested too deeply.
    private mutating func nested(_ body: (inout Parser) throws(SyntaxError) -> Expression) throws(SyntaxError) -> Expression {
        if nesting >= Parser.maximumNesting {
            throw SyntaxError("the expression is nested too deeply", at: current.range,
                              hint: "split it into several formula fields")
        }
        nesting += 1
        defer { nesting -= 1 }
        return try body(&self)
    }

    /// Consumes an operator symbol unless the expression ends before it.
    private mutating func takeOperator(_ symbol: Symbol) throws(SyntaxError) -> Token? {
        guard !atLineBoundary, let t = consume(symbol) else { return nil }
        try countOperator(t)
        return t
    }

    /// Consumes an operator word unless the expression ends before it.
    private mutating func takeOperator(_ word: String) throws(SyntaxError) -> Token? {
        guard !atLineBoundary, let t = consumeKeyword(word) else { return nil }
        try countOperator(t)
        return t
    }

    private func binary(_ op: BinaryOperator, _ l: Expression, _ r: Expression) -> Expression {
        Expression(.binary(op, l, r), range: l.range.union(r.range))
    }

    private mutating func parseOr() throws(SyntaxError) -> Expression {
        var left = try parseAnd()
        while try takeOperator("or") != nil { left = binary(.or, left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws(SyntaxError) -> Expression {
        var left = try parseNot()
        while try takeOperator("and") != nil { left = binary(.and, left, try parseNot()) }
        return left
    }

    private mutating func parseNot() throws(SyntaxError) -> Expression {
        if !atLineBoundary, let t = consumeKeyword("not") {
            try countOperator(t)
            let operand = try nested { (p: inout Parser) throws(SyntaxError) in try p.parseNot() }
            return Expression(.unary(.not, operand), range: t.range.union(operand.range))
        }
        return try parseComparison()
    }

    /// The comparison operator at the current token, and whether it is `not in`.
    private mutating func comparisonOperator() -> (BinaryOperator, negated: Bool)? {
        if atLineBoundary { return nil }
        switch current.kind {
        case .symbol(.equal), .symbol(.doubleEqual): return (.equal, false)
        case .symbol(.notEqual), .symbol(.lessGreater): return (.notEqual, false)
        case .symbol(.less): return (.less, false)
        case .symbol(.lessOrEqual): return (.lessOrEqual, false)
        case .symbol(.greater): return (.greater, false)
        case .symbol(.greaterOrEqual): return (.greaterOrEqual, false)
        case .identifier:
            if isKeyword("in") { return (.in, false) }
            if isKeyword("not") && peek(1).isKeyword("in") { return (.in, true) }
            return nil
        default: return nil
        }
    }

    private mutating func parseComparison() throws(SyntaxError) -> Expression {
        var left = try parseConcatenation()
        var chained = false
        while let (op, negated) = comparisonOperator() {
            let opToken = current
            try countOperator(opToken)
            if chained {
                report(Diagnostic("comparisons cannot be chained", at: opToken.range,
                                  hint: "combine them with 'and': a < b and b < c"))
            }
            advance()
            if negated { advance() }
            let right = try parseConcatenation()
            left = binary(op, left, right)
            if negated { left = Expression(.unary(.not, left), range: left.range) }
            chained = true
        }
        return left
    }

    private mutating func parseConcatenation() throws(SyntaxError) -> Expression {
        var left = try parseAdditive()
        while try takeOperator(.ampersand) != nil { left = binary(.concatenate, left, try parseAdditive()) }
        return left
    }

    private mutating func parseAdditive() throws(SyntaxError) -> Expression {
        var left = try parseMultiplicative()
        while true {
            if try takeOperator(.plus) != nil { left = binary(.add, left, try parseMultiplicative()) }
            else if try takeOperator(.minus) != nil { left = binary(.subtract, left, try parseMultiplicative()) }
            else { return left }
        }
    }

    private mutating func parseMultiplicative() throws(SyntaxError) -> Expression {
        var left = try parseNegation()
        while true {
            if try takeOperator(.star) != nil { left = binary(.multiply, left, try parseNegation()) }
            else if try takeOperator(.slash) != nil { left = binary(.divide, left, try parseNegation()) }
            else if try takeOperator(.percent) != nil { left = binary(.modulo, left, try parseNegation()) }
            else { return left }
        }
    }

    private mutating func parseNegation() throws(SyntaxError) -> Expression {
        if !atLineBoundary, let t = consume(.minus) {
            try countOperator(t)
            let operand = try nested { (p: inout Parser) throws(SyntaxError) in try p.parseNegation() }
            return Expression(.unary(.negate, operand), range: t.range.union(operand.range))
        }
        return try parsePower()
    }

    private mutating func parsePower() throws(SyntaxError) -> Expression {
        let base = try parsePrimary()
        if try takeOperator(.caret) != nil {
            return binary(.power, base, try nested { (p: inout Parser) throws(SyntaxError) in try p.parseNegation() })
        }
        return base
    }

    private mutating func parsePrimary() throws(SyntaxError) -> Expression {
        let t = current
        if atLineBoundary {
            let end = previous.map { SourceRange($0.range.end) } ?? t.range
            throw SyntaxError("expected an expression, found the end of the line", at: end,
                              hint: "an expression continues onto the next line only inside brackets")
        }
        switch t.kind {
        case .number:
            advance()
            let code = current
            if code.kind == .identifier, !code.precededByNewline, code.text.count == 3,
               code.text.unicodeScalars.allSatisfy({ $0 >= "A" && $0 <= "Z" }) {
                advance()
                return Expression(.money(amount: t.text, currency: code.text), range: t.range.union(code.range))
            }
            return Expression(.number(Double(t.text) ?? 0, text: t.text), range: t.range)
        case .string:
            advance(); return Expression(.string(t.text), range: t.range)
        case .duration(let seconds):
            advance(); return Expression(.duration(seconds: seconds), range: t.range)
        case .date(let y, let m, let d):
            advance(); return Expression(.date(year: y, month: m, day: d), range: t.range)
        case .datetime:
            advance(); return Expression(.datetime(t.text), range: t.range)
        case .period(let p):
            advance(); return Expression(.period(p), range: t.range)
        case .identifier:
            switch t.text.lowercased() {
            case "true": advance(); return Expression(.bool(true), range: t.range)
            case "false": advance(); return Expression(.bool(false), range: t.range)
            case "blank": advance(); return Expression(.blank, range: t.range)
            case "and", "or", "in", "not":
                throw SyntaxError("expected an expression, found the operator \(describe(t))", at: t.range,
                                  hint: "a field with that name is written in braces: {\(t.text)}")
            default: return try parseNameOrCall()
            }
        case .bracedName:
            return try parseNameOrCall()
        case .symbol(.leftParen):
            advance()
            bracketDepth += 1
            defer { bracketDepth -= 1 }
            if current.isSymbol(.rightParen) {
                throw SyntaxError("expected an expression inside '()'", at: t.range.union(current.range))
            }
            var items = [try parseExpression()]
            while consume(.comma) != nil { items.append(try parseExpression()) }
            let close = try expect(.rightParen, "expected ')' to close the '(' at \(t.range.start.line):\(t.range.start.column)")
            let range = t.range.union(close.range)
            if items.count == 1 { return Expression(items[0].kind, range: range) }
            return Expression(.list(items), range: range)
        case .symbol(.leftBracket):
            advance()
            bracketDepth += 1
            defer { bracketDepth -= 1 }
            var items: [Expression] = []
            if !current.isSymbol(.rightBracket) {
                items.append(try parseExpression())
                while consume(.comma) != nil { items.append(try parseExpression()) }
            }
            let close = try expect(.rightBracket, "expected ']' to close the '[' at \(t.range.start.line):\(t.range.start.column)")
            return Expression(.list(items), range: t.range.union(close.range))
        case .symbol(.dot) where peek(1).kind == .number:
            throw SyntaxError("expected an expression, found '.'", at: t.range,
                              hint: "write a fraction with a leading zero: 0\(source.slice(t.range.union(peek(1).range)))")
        default:
            throw SyntaxError("expected an expression, found \(describe(t))", at: t.range)
        }
    }

    /// A name, a relation path `a.b.{c d}` or a call `f(x, y where cond)`.
    private mutating func parseNameOrCall() throws(SyntaxError) -> Expression {
        var names = [advance().name]
        while !atLineBoundary && current.isSymbol(.dot) {
            let dot = advance()
            guard current.isName else {
                throw SyntaxError("expected a name after '.', found \(describe(current))", at: current.range,
                                  hint: current.kind == .end || current.precededByNewline ? nil : "a name with spaces is written in braces: a.{Hours billed}")
            }
            _ = dot
            names.append(advance().name)
        }
        let pathRange = names[0].range.union(names[names.count - 1].range)
        guard !atLineBoundary, current.isSymbol(.leftParen) else { return Expression(.path(names), range: pathRange) }
        guard names.count == 1 else {
            throw SyntaxError("only a function can be called; '\(names.map(\.quoted).joined(separator: "."))' is a path",
                              at: current.range)
        }
        let open = advance()
        bracketDepth += 1
        defer { bracketDepth -= 1 }
        var arguments: [Expression] = []
        var filter: Expression?
        let callee = names[0]
        let unclosed = "expected ',' or ')' in the call to '\(callee.text)'"
        if current.isKeyword("where") && startsFilter(peek(1), after: current) {
            advance()
            filter = try parseExpression()
        } else if !current.isSymbol(.rightParen) {
            while true {
                arguments.append(try parseExpression())
                if consume(.comma) != nil { continue }
                if consumeKeyword("where") != nil { filter = try parseExpression() }
                break
            }
        }
        let close = try expect(.rightParen, unclosed,
                               hint: "the '(' at \(open.range.start.line):\(open.range.start.column) is not closed")
        return Expression(.call(callee, arguments, filter: filter), range: callee.range.union(close.range))
    }

    /// Whether `where` as the first token in a call's parentheses starts a filter (`count(where done)`)
    /// rather than being a field called `where`.
    private func startsFilter(_ next: Token, after word: Token) -> Bool {
        switch next.kind {
        case .identifier:
            return !["and", "or", "in"].contains(next.text.lowercased())
        case .bracedName, .number, .string, .duration, .date, .datetime, .period, .symbol(.leftBracket):
            return true
        case .symbol(.leftParen):
            return next.range.start.offset > word.range.end.offset
        default:
            return false
        }
    }
}
