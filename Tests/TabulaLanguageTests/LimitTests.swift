import Testing
@testable import TabulaLanguage

@Suite struct LimitTests {
    @Test func deepButReasonableNestingParsesAndPrints() throws {
        let text = String(repeating: "(", count: 90) + "1" + String(repeating: ")", count: 90)
        #expect(try expr(text).sourceText == "1")
        let calls = String(repeating: "f(", count: 40) + "x" + String(repeating: ")", count: 40)
        let e = try expr(calls)
        #expect(try expr(e.sourceText).withoutSourceRanges == e.withoutSourceRanges)
    }

    @Test func tooDeepNestingIsAnErrorNotACrash() {
        let parens = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        #expect(expressionErrors(parens) == ["1:101: the expression is nested too deeply"])
        #expect(expressionErrors(String(repeating: "-", count: 5000) + "1").first == "1:101: the expression is nested too deeply")
        #expect(expressionErrors(String(repeating: "not ", count: 5000) + "x").first == "1:401: the expression is nested too deeply")
        #expect(expressionErrors("2" + String(repeating: "^2", count: 5000)).first?.hasSuffix("the expression is nested too deeply") == true)
    }

    @Test func longOperatorChainsAreBounded() throws {
        let ok = "1" + String(repeating: " + 1", count: Parser.maximumOperators)
        let e = try expr(ok)
        #expect(try expr(e.sourceText).withoutSourceRanges == e.withoutSourceRanges)
        let tooLong = ok + " + 1"
        #expect(expressionErrors(tooLong) == ["1:\(4 * Parser.maximumOperators + 3): the expression has more than 1000 operators"])
    }

    @Test func manyStrayCharactersDoNotExhaustTheStack() {
        let (tokens, errors) = lex(String(repeating: "@", count: 20_000) + " x")
        #expect(errors.count == 20_000)
        #expect(tokens.map(\.text) == ["x", ""])
        #expect(tokens[0].precededByNewline)
    }

    @Test func schemaRecoversAfterANestingError() {
        let deep = String(repeating: "(", count: 200)
        #expect(schemaErrors("table T {\n  f formula \(deep)\n  g text bogus\n}") == [
            "2:113: the expression is nested too deeply", "3:10: unknown modifier 'bogus'",
        ])
    }
}
