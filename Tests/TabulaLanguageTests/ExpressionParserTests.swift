import Testing
@testable import TabulaLanguage

@Suite struct ExpressionParserTests {
    @Test(arguments: [
        ("a or b and c", "(or a (and b c))"),
        ("a and b or c", "(or (and a b) c)"),
        ("not a and b", "(and (not a) b)"),
        ("not a = b", "(not (= a b))"),
        ("a = b & c", "(= a (& b c))"),
        ("a & b + c", "(& a (+ b c))"),
        ("a + b * c", "(+ a (* b c))"),
        ("a - b - c", "(- (- a b) c)"),
        ("a / b * c % d", "(% (* (/ a b) c) d)"),
        ("-a * b", "(* (- a) b)"),
        ("-a ^ b", "(- (^ a b))"),
        ("a ^ b ^ c", "(^ a (^ b c))"),
        ("a ^ -b", "(^ a (- b))"),
        ("a.b.c ^ 2", "(^ a.b.c 2)"),
        ("f(x) + g(y)", "(+ f(x) g(y))"),
        ("(a + b) * c", "(* (+ a b) c)"),
        ("a in (b, c) and d", "(and (in a [b, c]) d)"),
        ("a not in [b] or c", "(or (not (in a [b])) c)"),
        ("a <= b", "(<= a b)"),
        ("a >= b", "(>= a b)"),
        ("a < b", "(< a b)"),
        ("a > b", "(> a b)"),
        ("- - a", "(- (- a))"),
        ("not not a", "(not (not a))"),
    ])
    func precedenceTable(text: String, expected: String) throws {
        #expect(try shapeOf(text) == expected)
    }

    @Test func equalAndNotEqualHaveTwoSpellings() throws {
        #expect(try shapeOf("a = b") == "(= a b)")
        #expect(try shapeOf("a == b") == "(= a b)")
        #expect(try shapeOf("a != b") == "(!= a b)")
        #expect(try shapeOf("a <> b") == "(!= a b)")
    }

    @Test func keywordOperatorsIgnoreCase() throws {
        #expect(try shapeOf("A AND NOT b Or c IN [d]") == "(or (and A (not b)) (in c [d]))")
        #expect(try shapeOf("TRUE or False or BLANK") == "(or (or true false) blank)")
    }

    @Test func comparisonsDoNotChain() {
        #expect(expressionErrors("a < b < c") == ["1:7: comparisons cannot be chained"])
    }

    @Test func literals() throws {
        #expect(try shapeOf("12") == "12")
        #expect(try shapeOf("1.50") == "1.50")
        #expect(try shapeOf("\"x\"") == "\"x\"")
        #expect(try shapeOf("true") == "true")
        #expect(try shapeOf("blank") == "blank")
        #expect(try shapeOf("2026-11-20") == "date(2026,11,20)")
        #expect(try shapeOf("2026-11-20T10:30Z") == "datetime(2026-11-20T10:30Z)")
        #expect(try shapeOf("1h30m") == "dur(5400)")
        #expect(try shapeOf("2026-11") == "period(month(year: 2026, month: 11))")
        #expect(try shapeOf("2026-W47") == "period(week(year: 2026, week: 47))")
        #expect(try shapeOf("2026-Q4") == "period(quarter(year: 2026, quarter: 4))")
        if case .number(let value, let text) = try expr("1.50").kind {
            #expect(value == 1.5)
            #expect(text == "1.50")
        } else { Issue.record("not a number") }
    }

    @Test func moneyIsANumberFollowedByAnUpperCaseCurrencyCode() throws {
        #expect(try shapeOf("150.00 EUR") == "money(150.00,EUR)")
        #expect(try shapeOf("-5 USD + rate") == "(+ (- money(5,USD)) rate)")
        #expect(expressionErrors("150 eur") == ["1:5: unexpected 'eur' after the expression"])
        #expect(expressionErrors("150 EURO") == ["1:5: unexpected 'EURO' after the expression"])
        #expect(expressionErrors("150\nEUR") == ["2:1: unexpected 'EUR' after the expression"])
    }

    @Test func pathsAndBracedSegments() throws {
        let e = try expr("task.{Project name}.client")
        guard case .path(let names) = e.kind else { Issue.record("not a path"); return }
        #expect(names.map(\.text) == ["task", "Project name", "client"])
        #expect(names.map(\.range.start.column) == [1, 6, 21])
        #expect(names[1].range.end.column == 20)
        #expect(try shapeOf("часы") == "часы")
        #expect(try shapeOf("{Hours billed} * 2") == "(* Hours billed 2)")
    }

    @Test func callsTakeArgumentsAndAnOptionalWhereFilter() throws {
        #expect(try shapeOf("count()") == "count()")
        #expect(try shapeOf("if(c, a, b)") == "if(c, a, b)")
        #expect(try shapeOf("switch(x, 1, \"a\", 2, \"b\", \"c\")") == "switch(x, 1, \"a\", 2, \"b\", \"c\")")
        #expect(try shapeOf("sum(duration where category = billable)") == "sum(duration where (= category billable))")
        #expect(try shapeOf("sum(a, b where c)") == "sum(a, b where c)")
        #expect(try shapeOf("count(where done)") == "count( where done)")
        #expect(try shapeOf("count(where)") == "count(where)")
        #expect(try shapeOf("f(where = 1)") == "f((= where 1))")
        #expect(try shapeOf("{my func}(1)") == "my func(1)")
    }

    @Test func listsInBracketsAndParentheses() throws {
        #expect(try shapeOf("[]") == "[]")
        #expect(try shapeOf("[a]") == "[a]")
        #expect(try shapeOf("(a, b, c)") == "[a, b, c]")
        #expect(try shapeOf("(a)") == "a")
    }

    @Test func parserStopsAtATokenThatCannotContinueTheExpression() throws {
        var parser = Parser(SourceText(name: "q", text: "sum(duration) by client"))
        let e = try parser.parseExpression()
        #expect(shape(e) == "sum(duration)")
        #expect(parser.current.isKeyword("by"))
        #expect(parser.current.range.start.column == 15)
        #expect(parser.diagnostics.isEmpty)

        var clauses = Parser(SourceText(name: "q", text: "sum(duration) as hours, count() as entries where category = billable order by hours"))
        #expect(shape(try clauses.parseExpression()) == "sum(duration)")
        #expect(clauses.consumeKeyword("as") != nil)
        #expect(shape(try clauses.parseExpression()) == "hours")
        #expect(clauses.consume(.comma) != nil)
        #expect(shape(try clauses.parseExpression()) == "count()")
        #expect(clauses.consumeKeyword("as") != nil)
        #expect(shape(try clauses.parseExpression()) == "entries")
        #expect(clauses.consumeKeyword("where") != nil)
        #expect(shape(try clauses.parseExpression()) == "(= category billable)")
        #expect(clauses.isKeyword("order"))
    }

    @Test func parserStopsBeforePeriodAndClauseWords() throws {
        var parser = Parser(SourceText(name: "q", text: "task.project.client for 2026-11"))
        #expect(shape(try parser.parseExpression()) == "task.project.client")
        #expect(parser.consumeKeyword("for") != nil)
        #expect(shape(try parser.parseExpression()) == "period(month(year: 2026, month: 11))")
        #expect(parser.isAtEnd)
    }

    @Test func everyNodeRangeCoversItsSource() throws {
        let source = SourceText(name: "e", text: "(a + b) * f(x, 2) & \"s\"")
        let e = try ExpressionParser.parse(source)
        #expect(source.slice(e.range) == "(a + b) * f(x, 2) & \"s\"")
        guard case .binary(.concatenate, let product, let s) = e.kind,
              case .binary(.multiply, let sum, let call) = product.kind else { Issue.record("shape"); return }
        #expect(source.slice(product.range) == "(a + b) * f(x, 2)")
        #expect(source.slice(sum.range) == "(a + b)")
        #expect(source.slice(call.range) == "f(x, 2)")
        #expect(source.slice(s.range) == "\"s\"")
        let negated = SourceText(name: "e", text: "- 150.00 EUR")
        #expect(negated.slice(try ExpressionParser.parse(negated).range) == "- 150.00 EUR")
    }

    @Test func trailingTokensAreAnError() {
        #expect(expressionErrors("a b") == ["1:3: unexpected 'b' after the expression"])
        #expect(expressionErrors("f(x))") == ["1:5: unexpected ')' after the expression"])
    }

    @Test func syntaxErrorsAreLocated() {
        #expect(expressionErrors("") == ["1:1: expected an expression, found the end of the text"])
        #expect(expressionErrors("1 +") == ["1:4: expected an expression, found the end of the text"])
        #expect(expressionErrors("a and or b") == ["1:7: expected an expression, found the operator 'or'"])
        #expect(expressionErrors("(a + b") == ["1:7: expected ')' to close the '(' at 1:1, found the end of the text"])
        #expect(expressionErrors("[a, b") == ["1:6: expected ']' to close the '[' at 1:1, found the end of the text"])
        #expect(expressionErrors("f(a b)") == ["1:5: expected ',' or ')' in the call to 'f', found 'b'"])
        #expect(expressionErrors("f(a,)") == ["1:5: expected an expression, found ')'"])
        #expect(expressionErrors("a.") == ["1:3: expected a name after '.', found the end of the text"])
        #expect(expressionErrors("a.b(1)") == ["1:4: only a function can be called; 'a.b' is a path"])
        #expect(expressionErrors("()") == ["1:1: expected an expression inside '()'"])
        #expect(expressionErrors(".5") == ["1:1: expected an expression, found '.'"])
        #expect(expressionErrors("x = in") == ["1:5: expected an expression, found the operator 'in'"])
    }

    @Test func lexicalAndSyntaxErrorsAreReportedTogether() {
        #expect(expressionErrors("2026-13 + \"open") == ["1:6: month 13 is out of range (1 to 12)", "1:11: unterminated string"])
    }

    @Test func errorsRenderWithCaretAndHint() {
        do {
            _ = try expr(".5")
            Issue.record("parsed")
        } catch {
            #expect(error.description == "<test>:1:1: error: expected an expression, found '.'\n  .5\n  ^\n  hint: write a fraction with a leading zero: 0.5")
        }
    }
}

@Suite struct PartialSourceTests {
    @Test func savedReportQueryParsesInPlaceWithFileLocations() throws {
        let ok = SourceText(name: "s.tabula", text: "table T { a text }\nreport r = sum(duration) by client\ntable U {}\n")
        let file = try SchemaParser.parse(ok)
        var parser = Parser(ok, range: file.reports[0].queryRange)
        #expect(shape(try parser.parseExpression()) == "sum(duration)")
        #expect(parser.consumeKeyword("by") != nil)
        let client = try parser.parseExpression()
        #expect(shape(client) == "client")
        #expect(client.range.start.line == 2 && client.range.start.column == 29)
        #expect(parser.isAtEnd)
    }
}
