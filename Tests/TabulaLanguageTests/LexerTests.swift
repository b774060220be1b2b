import Testing
@testable import TabulaLanguage

@Suite struct LexerTests {
    @Test func identifiersMayBeUnicodeAndKeywordsAreIdentifiers() {
        let (tokens, errors) = lex("часы Straße _tmp x2 by WHERE table")
        #expect(errors.isEmpty)
        #expect(tokens.map(\.text) == ["часы", "Straße", "_tmp", "x2", "by", "WHERE", "table", ""])
        #expect(tokens.dropLast().allSatisfy { $0.kind == .identifier })
        #expect(tokens[5].isKeyword("where"))
    }

    @Test func bracedNameCarriesItsInnerTextAndFullRange() {
        let (tokens, errors) = lex("a.{Hours billed}")
        #expect(errors.isEmpty)
        #expect(tokens[2].kind == .bracedName)
        #expect(tokens[2].text == "Hours billed")
        #expect(tokens[2].range.start.column == 3)
        #expect(tokens[2].range.end.column == 17)
    }

    @Test func unterminatedOrEmptyBracedNameIsAnError() {
        #expect(lex("x + {Hours billed\n+ 1").errors == ["1:5: unterminated braced name"])
        #expect(lex("{}").errors == ["1:1: empty braced name"])
    }

    @Test func braceOpensBlockOnlyWhenAsked() {
        var lexer = Lexer(SourceText(name: "t", text: "{a text}"))
        #expect(lexer.next(braceOpensBlock: true).kind == .symbol(.leftBrace))
        #expect(lexer.next().text == "a")
        #expect(lexer.next().text == "text")
        #expect(lexer.next().kind == .symbol(.rightBrace))
    }

    @Test func numbersKeepTheirSpelling() {
        let (tokens, errors) = lex("12 1.50 1e3 2.5E-3 2026")
        #expect(errors.isEmpty)
        #expect(tokens.dropLast().allSatisfy { $0.kind == .number })
        #expect(tokens.map(\.text).dropLast() == ["12", "1.50", "1e3", "2.5E-3", "2026"])
    }

    @Test func leadingDotIsNotPartOfANumber() {
        #expect(kinds(".5") == [.symbol(.dot), .number])
        #expect(kinds("1.") == [.number, .symbol(.dot)])
    }

    @Test func numberRunningIntoLettersIsAnError() {
        #expect(lex("3x").errors == ["1:1: invalid number '3x'"])
        #expect(lex("1h30").errors == ["1:1: invalid number '1h30'"])
        #expect(lex("1hr").errors == ["1:1: invalid number '1hr'"])
    }

    @Test func durationsAreWholeSeconds() {
        #expect(kinds("1h30m 90m 45s 1.5h 2d 1w 1h30m15s 0h 1.5s 1H") == [
            .duration(seconds: 5400), .duration(seconds: 5400), .duration(seconds: 45), .duration(seconds: 5400),
            .duration(seconds: 172_800), .duration(seconds: 604_800), .duration(seconds: 5415), .duration(seconds: 0),
            .duration(seconds: 2), .duration(seconds: 3600),
        ])
    }

    @Test func durationUnitsMustDescend() {
        #expect(lex("30m1h").errors == ["1:1: the units of duration '30m1h' must go from the largest to the smallest, each once"])
        #expect(lex("1h1h").errors.count == 1)
    }

    @Test func dateAndPeriodLiterals() {
        #expect(kinds("2026-11-20 2026-11 2026-W47 2026-Q4 2024-02-29 2026-w01 2026-q1") == [
            .date(year: 2026, month: 11, day: 20), .period(.month(year: 2026, month: 11)),
            .period(.week(year: 2026, week: 47)), .period(.quarter(year: 2026, quarter: 4)),
            .date(year: 2024, month: 2, day: 29), .period(.week(year: 2026, week: 1)),
            .period(.quarter(year: 2026, quarter: 1)),
        ])
    }

    @Test func bareYearIsANumberAndSpacedMinusIsSubtraction() {
        #expect(kinds("2026") == [.number])
        #expect(kinds("2026 - 11") == [.number, .symbol(.minus), .number])
        #expect(kinds("12026-11") == [.number, .symbol(.minus), .number])
    }

    @Test func datetimeLiterals() {
        let text = "2026-11-20T10:30 2026-11-20T10:30:00 2026-11-20T10:30:00.123 2026-11-20T10:30Z 2026-11-20T10:30+01:00 2026-11-20T10:30:05.5-05:00"
        let (tokens, errors) = lex(text)
        #expect(errors.isEmpty)
        #expect(tokens.dropLast().allSatisfy { $0.kind == .datetime })
        #expect(tokens.dropLast().map(\.text) == text.split(separator: " ").map(String.init))
    }

    @Test func dateRangesAreValidatedWithLocatedErrors() {
        #expect(lex("2026-13").errors == ["1:6: month 13 is out of range (1 to 12)"])
        #expect(lex("2026-00-10").errors == ["1:6: month 0 is out of range (1 to 12)"])
        #expect(lex("2026-11-31").errors == ["1:9: day 31 is out of range: 2026-11 has days 1 to 30"])
        #expect(lex("2025-02-29").errors == ["1:9: day 29 is out of range: 2025-02 has days 1 to 28"])
        #expect(lex("1900-02-29").errors.count == 1)
        #expect(lex("2000-02-29").errors.isEmpty)
        #expect(lex("2026-W00").errors == ["1:7: week 0 is out of range: 2026 has weeks 1 to 53"])
        #expect(lex("2026-W53").errors.isEmpty)
        #expect(lex("2025-W53").errors == ["1:7: week 53 is out of range: 2025 has weeks 1 to 52"])
        #expect(lex("2026-Q5").errors == ["1:7: quarter 5 is out of range (1 to 4)"])
        #expect(lex("x = 2026-11-20T24:00").errors == ["1:16: hour 24 is out of range (0 to 23)"])
        #expect(lex("2026-11-20T10:60").errors == ["1:15: minute 60 is out of range (0 to 59)"])
    }

    @Test func malformedDateIsOneError() {
        #expect(lex("2026-1").errors == ["1:1: invalid date '2026-1'"])
        #expect(lex("2026-11-2").errors == ["1:1: invalid date '2026-11-2'"])
        #expect(lex("2026-W7").errors == ["1:1: invalid date '2026-W7'"])
        #expect(lex("2026-11-20T10").errors == ["1:1: invalid date '2026-11-20T10'"])
        #expect(lex("2026-11-20x").errors == ["1:1: invalid date '2026-11-20x'"])
    }

    @Test func stringsDecodeEscapesInBothQuoteStyles() {
        let (tokens, errors) = lex(#""a\"b\\c\nd\te\u{1F600}" 'it\'s "so"'"#)
        #expect(errors.isEmpty)
        #expect(tokens[0].kind == .string)
        #expect(tokens[0].text == "a\"b\\c\nd\te😀")
        #expect(tokens[1].text == "it's \"so\"")
    }

    @Test func unterminatedStringIsALocatedErrorAndLexingGoesOn() {
        let (tokens, errors) = lex("x = \"open\ny = 'also\nz")
        #expect(errors == ["1:5: unterminated string", "2:5: unterminated string"])
        #expect(tokens.map(\.text).last(where: { !$0.isEmpty }) == "z")
    }

    @Test func badEscapesAreErrors() {
        #expect(lex(#""a\qb""#).errors == ["1:3: unknown escape '\\q' in a string"])
        #expect(lex(#""\u{110000}""#).errors == ["1:2: '110000' is not a Unicode scalar value"])
        #expect(lex(#""\u0041""#).errors == ["1:2: invalid Unicode escape"])
    }

    @Test func symbolsTakeTheLongestMatch() {
        #expect(kinds("( ) [ ] } , . : = == != <> < <= > >= + - * / % ^ & ->") == [
            .symbol(.leftParen), .symbol(.rightParen), .symbol(.leftBracket), .symbol(.rightBracket),
            .symbol(.rightBrace), .symbol(.comma), .symbol(.dot), .symbol(.colon), .symbol(.equal),
            .symbol(.doubleEqual), .symbol(.notEqual), .symbol(.lessGreater), .symbol(.less),
            .symbol(.lessOrEqual), .symbol(.greater), .symbol(.greaterOrEqual), .symbol(.plus),
            .symbol(.minus), .symbol(.star), .symbol(.slash), .symbol(.percent), .symbol(.caret),
            .symbol(.ampersand), .symbol(.arrow),
        ])
        #expect(kinds("a<=b") == [.identifier, .symbol(.lessOrEqual), .identifier])
    }

    @Test func commentsRunToTheEndOfTheLine() {
        let (tokens, errors) = lex("a # note\nb // other\n/ c")
        #expect(errors.isEmpty)
        #expect(tokens.map(\.text) == ["a", "b", "/", "c", ""])
    }

    @Test func tokensKnowWhetherALineBreakPrecedesThem() {
        let (tokens, _) = lex("a b\n  c # x\n\nd")
        #expect(tokens.map(\.precededByNewline) == [true, false, true, true, false])
    }

    @Test func unexpectedCharacterIsReportedAndSkipped() {
        let (tokens, errors) = lex("a ! b @ c")
        #expect(errors == ["1:3: unexpected character '!'", "1:7: unexpected character '@'"])
        #expect(tokens.map(\.text) == ["a", "b", "c", ""])
    }

    @Test func rangesCountUnicodeScalarsAndLines() {
        let (tokens, _) = lex("часы\n  {Hours billed}")
        #expect(tokens[0].range.end.column == 5)
        #expect(tokens[1].range.start.line == 2)
        #expect(tokens[1].range.start.column == 3)
        #expect(tokens[1].range.end.column == 17)
    }
}
