import Testing
import TabulaEngine

@Suite("Formula operators, blanks, errors and money")
struct FormulaOperatorTests {
    @Test func arithmetic() throws {
        #expect(try evaluate("7 % 3") == .integer(1))
        #expect(try evaluate("-7 % 3") == .integer(2))
        #expect(try evaluate("7 / 2") == .number(3.5))
        #expect(try evaluate("2 ^ 10") == .number(1024))
        #expect(try evaluate("9223372036854775807 + 1") == .error(.number))
        #expect(try evaluate("1 / 0") == .error(.divisionByZero))
        #expect(try evaluate("5 % 0") == .error(.divisionByZero))
        #expect(try evaluate("discount * 200", ["discount": .percent(0.15)]) == .number(30))
        #expect(try evaluate("1h30m + 15m") == .duration(6300))
        #expect(try evaluate("2h * 1.5") == .duration(10800))
        #expect(try evaluate("2h / 3h") == .number(2.0 / 3.0))
        #expect(try evaluate("due + 3", ["due": .date(civil(2026, 2, 27))]) == .date(civil(2026, 3, 2)))
        #expect(try evaluate("due - 2026-01-01", ["due": .date(civil(2026, 2, 1))]) == .integer(31))
        #expect(try evaluate("start + 90m", ["start": .datetime(berlinTime(2026, 11, 20, 10, 0))]) == .datetime(berlinTime(2026, 11, 20, 11, 30)))
        #expect(try evaluate("-hours", ["hours": .duration(60)]) == .duration(-60))
    }

    @Test func dstChangesAreElapsedTime() throws {
        // Berlin springs forward on 2026-03-29 at 02:00 and falls back on 2026-10-25 at 03:00.
        let spring = ["start": Value.datetime(berlinTime(2026, 3, 29, 1, 0)), "end": .datetime(berlinTime(2026, 3, 29, 4, 0))]
        #expect(try evaluate("end - start", spring) == .duration(2 * 3600))
        let autumn = ["start": Value.datetime(berlinTime(2026, 10, 25, 1, 0)), "end": .datetime(berlinTime(2026, 10, 25, 4, 0))]
        #expect(try evaluate("end - start", autumn) == .duration(4 * 3600))
        #expect(try evaluate("2026-03-29T01:30 + 1h = 2026-03-29T03:30") == .bool(true))
    }

    @Test func money() throws {
        #expect(try evaluate("0.25 EUR * 0.5") == euros(12))       // 12.5 cents: half to even
        #expect(try evaluate("0.27 EUR * 0.5") == euros(14))       // 13.5 cents: half to even
        #expect(try evaluate("100.00 EUR / 3") == euros(3333))
        #expect(try evaluate("0.10 EUR * 3") == euros(30))
        #expect(try evaluate("price * discount", ["price": euros(1999), "discount": .percent(0.15)]) == euros(300))  // 299.85 → 300
        #expect(try evaluate("price + 100", ["price": euros(50)]) == euros(10050))
        #expect(try evaluate("price > 99.99", ["price": euros(10000)]) == .bool(true))
        #expect(try evaluate("price / price", ["price": euros(500)]) == .number(1))
        #expect(try evaluate("price / 0", ["price": euros(500)]) == .error(.divisionByZero))
        #expect(try evaluate("price * 2", ["price": euros(Int64.max / 2 + 1)]) == .error(.number))
        #expect(try evaluate("1000 JPY * 1.5") == .money(Money(minorUnits: 1500, currency: "JPY")))
        #expect(try evaluate("if(done, price, 0)", ["price": euros(100)]) == euros(0))
        #expect(try compileFormula("if(done, price, 0)").resultType == .currency("EUR"))
        #expect(try evaluate("price & \"\"", ["price": euros(-150)]) == .text("-1.50 EUR"))
    }

    @Test func blankRules() throws {
        #expect(try evaluate("blank + 1") == .integer(1))
        #expect(try evaluate("pieces + 1") == .integer(1))
        #expect(try evaluate("hours + 2h") == .duration(7200))
        #expect(try evaluate("pieces * 3") == .integer(0))
        #expect(try evaluate("3 / pieces") == .error(.divisionByZero))
        #expect(try evaluate("pieces - 2") == .integer(-2))
        #expect(try evaluate("price + price") == euros(0))
        #expect(try evaluate("due + 3") == .blank)
        #expect(try evaluate("end - start", ["end": .datetime(berlinTime(2026, 1, 1, 0, 0))]) == .blank)
        #expect(try evaluate("start + hours", ["start": .datetime(berlinTime(2026, 1, 1, 0, 0))]) == .datetime(berlinTime(2026, 1, 1, 0, 0)))
        #expect(try evaluate("title & \"x\"") == .text("x"))
        #expect(try evaluate("title = blank") == .bool(true))
        #expect(try evaluate("title = \"\"") == .bool(true))
        #expect(try evaluate("pieces = 0") == .bool(false))
        #expect(try evaluate("pieces < 0") == .bool(true))
        #expect(try evaluate("hours > 50h") == .bool(false))
        #expect(try evaluate("-pieces") == .blank)
        #expect(try evaluate("done or true") == .bool(true))
        #expect(try evaluate("not done") == .bool(true))
        #expect(try evaluate("anything + 1") == .integer(1))
        #expect(try evaluate("anything + anything") == .blank)
    }

    @Test func errorsPropagateLeftFirst() throws {
        #expect(try evaluate("(1 / 0) + sqrt(-1)") == .error(.divisionByZero))
        #expect(try evaluate("sqrt(-1) + (1 / 0)") == .error(.number))
        #expect(try evaluate("(1/0) & \"x\"") == .error(.divisionByZero))
        #expect(try evaluate("(1/0) = 1") == .error(.divisionByZero))
        #expect(try evaluate("false and (1/0) > 0") == .bool(false))
        #expect(try evaluate("anything + 1", ["anything": .text("x")]) == .error(.type))
        #expect(try evaluate("anything > 1", ["anything": .text("x")]) == .error(.type))
        #expect(try evaluate("title & anything", ["title": .text("a"), "anything": .error(.reference)]) == .error(.reference))
        #expect(try evaluate("iferror(1/0, -1)") == .number(-1))
        #expect(try evaluate("iferror(pieces / 0 > 1, false)") == .bool(false))
        #expect(try evaluate("is_error(value(\"abc\"))") == .bool(true))
    }

    @Test func comparisons() throws {
        #expect(try evaluate("1 = 1.0") == .bool(true))
        #expect(try evaluate("discount < 0.2", ["discount": .percent(0.15)]) == .bool(true))
        #expect(try evaluate("\"apple\" < \"Banana\"") == .bool(true))
        #expect(try evaluate("\"a\" != \"A\"") == .bool(true))
        #expect(try evaluate("due < start", ["due": .date(civil(2026, 11, 20)), "start": .datetime(berlinTime(2026, 11, 20, 0, 30))]) == .bool(true))
        #expect(try evaluate("due = start", ["due": .date(civil(2026, 11, 20)), "start": .datetime(berlinTime(2026, 11, 20, 0, 0))]) == .bool(true))
        #expect(try evaluate("false < true") == .bool(true))
        #expect(try evaluate("project = project", ["project": .link(4)]) == .bool(true))
        #expect(diagnostics("project < project").first?.message == "cannot order link to Projects values with '<'")
        #expect(try evaluate("start >= 2026-11-01", ["start": .datetime(berlinTime(2026, 11, 1, 0, 0))]) == .bool(true))
    }

    @Test func membership() throws {
        #expect(try evaluate("pieces in (1, 2, 3)", ["pieces": .integer(2)]) == .bool(true))
        #expect(try evaluate("pieces in [4, 5]", ["pieces": .integer(2)]) == .bool(false))
        #expect(try evaluate("pieces not in (1, 2)", ["pieces": .integer(2)]) == .bool(false))
        #expect(try evaluate("\"backend\" in stream", ["stream": .list([.text("backend"), .text("research")])]) == .bool(true))
        #expect(try evaluate("\"frontend\" in stream", ["stream": .list([.text("backend")])]) == .bool(false))
        #expect(try evaluate("\"frontend\" in stream") == .bool(false))
        #expect(try evaluate("due in 2026-11", ["due": .date(civil(2026, 11, 30))]) == .bool(true))
        #expect(try evaluate("due in 2026-11", ["due": .date(civil(2026, 12, 1))]) == .bool(false))
        #expect(try evaluate("due in 2026-W47", ["due": .date(civil(2026, 11, 16))]) == .bool(true))
        #expect(try evaluate("due in 2026-W47", ["due": .date(civil(2026, 11, 23))]) == .bool(false))
        #expect(try evaluate("due in 2026-Q4", ["due": .date(civil(2026, 10, 1))]) == .bool(true))
        #expect(try evaluate("due in 2026", ["due": .date(civil(2026, 12, 31))]) == .bool(true))
        #expect(try evaluate("due in 2026-11-20", ["due": .date(civil(2026, 11, 20))]) == .bool(true))
        // 2026-11-30T23:30Z is already December 1 in Berlin.
        let late = Value.datetime(Instant(millisecondsSinceEpoch: 1_796_081_400_000))
        #expect(try evaluate("start in 2026-12", ["start": late]) == .bool(true))
        #expect(try evaluate("start in 2026-11", ["start": late]) == .bool(false))
        #expect(try evaluate("due in 2026-11") == .bool(false))
        #expect(diagnostics("title in \"abc\"").first?.hint == "to look for text inside text, use contains(text, part)")
        #expect(diagnostics("title in 2026-11").first?.message == "only a date or datetime can be in a period, not text")
    }

    @Test func concatenationFormatsValues() throws {
        #expect(try evaluate("1 & \" \" & 2.5 & \" \" & true") == .text("1 2.5 true"))
        #expect(try evaluate("1h30m & \"\"") == .text("1:30"))
        #expect(try evaluate("discount & \"\"", ["discount": .percent(0.15)]) == .text("15%"))
        #expect(try evaluate("due & \"\"", ["due": .date(civil(2026, 11, 20))]) == .text("2026-11-20"))
        #expect(try evaluate("start & \"\"", ["start": .datetime(Instant(millisecondsSinceEpoch: 1_795_167_000_000))]) == .text("2026-11-20 10:30"))
        #expect(try evaluate("stream & \"\"", ["stream": .list([.text("a"), .text("b")])]) == .text("a, b"))
    }
}
