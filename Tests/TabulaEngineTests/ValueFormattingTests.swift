import Testing
@testable import TabulaEngine


/// Checks `parse(format(v)) == v`.
func expectRoundTrip(_ type: ValueType, _ value: Value, _ context: ValueContext = berlin,
                     sourceLocation: SourceLocation = #_sourceLocation) {
    let text = type.format(value, context: context)
    do {
        let back = try type.parse(text, context: context)
        #expect(back == value, "\(value) → \"\(text)\" → \(back)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("\(value) → \"\(text)\" does not parse: \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("Formatting values")
struct ValueFormattingTests {
    @Test func examples() {
        let c = berlin
        #expect(ValueType.number.format(.number(1500), context: c) == "1500")
        #expect(ValueType.number.format(.number(1500.5), context: c) == "1500.5")
        #expect(ValueType.number.format(.number(0.1), context: c) == "0.1")
        #expect(ValueType.number.format(.number(-0.000001), context: c) == "-0.000001")
        #expect(ValueType.number.format(.number(1e-7), context: c) == "1e-7")
        #expect(ValueType.number.format(.number(1e21), context: c) == "1e+21")
        #expect(ValueType.number.format(.number(1.2345678901234568e20), context: c) == "123456789012345680000")
        #expect(ValueType.integer.format(.integer(-42), context: c) == "-42")
        #expect(ValueType.percent.format(.percent(0.15), context: c) == "15%")
        #expect(ValueType.percent.format(.percent(0.125), context: c) == "12.5%")
        #expect(ValueType.percent.format(.percent(0.005), context: c) == "0.5%")
        #expect(ValueType.percent.format(.percent(1), context: c) == "100%")
        #expect(ValueType.percent.format(.percent(0), context: c) == "0%")
        #expect(ValueType.currency("EUR").format(eur(150_050), context: c) == "1500.50 EUR")
        #expect(ValueType.currency("EUR").format(eur(-5), context: c) == "-0.05 EUR")
        #expect(ValueType.currency("JPY").format(.money(Money(minorUnits: 1500, currency: "JPY")), context: c) == "1500 JPY")
        #expect(ValueType.currency("KWD").format(.money(Money(minorUnits: 5, currency: "KWD")), context: c) == "0.005 KWD")
        #expect(ValueType.bool.format(.bool(true), context: c) == "true")
        #expect(ValueType.date.format(.date(date(2026, 11, 20)), context: c) == "2026-11-20")
        #expect(ValueType.duration.format(.duration(5400), context: c) == "1:30")
        #expect(ValueType.duration.format(.duration(45), context: c) == "0:00:45")
        #expect(ValueType.duration.format(.duration(-900), context: c) == "-0:15")
        #expect(ValueType.duration.format(.duration(97_200), context: c) == "27:00")
        #expect(ValueType.duration.format(.duration(0), context: c) == "0:00")
        #expect(ValueType.select(["a"]).format(.text("a"), context: c) == "a")
        #expect(ValueType.tags(["a", "b"]).format(.list([.text("b"), .text("a")]), context: c) == "b, a")
        #expect(ValueType.link(1).format(.link(12), context: c) == "#12")
        #expect(ValueType.list(.date).format(.list([.date(date(2026, 1, 2)), .date(date(2026, 1, 3))]), context: c) == "2026-01-02, 2026-01-03")
        #expect(ValueType.list(.duration).format(.list([.duration(60), .blank]), context: c) == "0:01, ")
    }

    @Test func datetimes() {
        let type = ValueType.datetime
        let i = Instant(date: date(2026, 11, 20), secondsOfDay: 37_800, timeZone: "Europe/Berlin")
        #expect(type.format(.datetime(i), context: berlin) == "2026-11-20 10:30")
        #expect(type.format(.datetime(i), context: utc) == "2026-11-20 09:30")
        #expect(type.format(.datetime(i.adding(seconds: 15)), context: berlin) == "2026-11-20 10:30:15")
        // Times print to the second, never with milliseconds.
        #expect(type.format(.datetime(i.adding(milliseconds: 7)), context: berlin) == "2026-11-20 10:30")
        #expect(type.format(.datetime(i.adding(milliseconds: 41_012)), context: berlin) == "2026-11-20 10:30:41")
        // Both 02:30s of the fall-back night carry their offset; other times do not.
        let first = Instant(date: date(2026, 10, 25), secondsOfDay: 9000, timeZone: "Europe/Berlin")
        #expect(type.format(.datetime(first), context: berlin) == "2026-10-25 02:30+02:00")
        #expect(type.format(.datetime(first.adding(seconds: 3600)), context: berlin) == "2026-10-25 02:30+01:00")
        #expect(type.format(.datetime(first.adding(seconds: 7200)), context: berlin) == "2026-10-25 03:30")
    }

    @Test func wrongCasesFallBack() {
        let c = berlin
        #expect(ValueType.date.format(.blank, context: c) == "")
        #expect(ValueType.number.format(.error(.divisionByZero), context: c) == "#DIV/0")
        #expect(ValueType.number.format(.integer(3), context: c) == "3")
        #expect(ValueType.text.format(.duration(90), context: c) == "0:01:30")
        #expect(ValueType.currency("EUR").format(.money(Money(minorUnits: 100, currency: "USD")), context: c) == "1.00 USD")
        #expect(Value.list([.text("a"), .integer(2), .error(.reference)]).formatted(context: c) == "a, 2, #REF")
        #expect(Value.percent(0.5).formatted(context: c) == "50%")
        #expect(Value.money(Money(minorUnits: 150_050, currency: "EUR")).formatted(context: c) == "1500.50 EUR")
    }

    @Test func displayNames() {
        #expect(ValueType.currency("EUR").displayName == "currency(EUR)")
        #expect(ValueType.select(["a", "b"]).displayName == "select(a, b)")
        #expect(ValueType.tags(["backend", "non billable"]).displayName == "tags(backend, {non billable})")
        #expect(ValueType.link(4).displayName == "link")
        #expect(ValueType.list(.date).displayName == "list(date)")
        #expect(ValueType.list(.list(.currency("USD"))).displayName == "list(list(currency(USD)))")
        #expect(ValueType.any.displayName == "any")
        #expect(ValueType.duration.displayName == "duration")
    }
}

@Suite("Round trips")
struct RoundTripTests {
    @Test func numbers() {
        var g = SeededGenerator(seed: 1)
        let specials: [Double] = [0, -0.0, 1, -1, 0.1, 0.2, 0.3, 1e21, 1e-7, 123.456, .greatestFiniteMagnitude,
                                  -.greatestFiniteMagnitude, .leastNonzeroMagnitude, .leastNormalMagnitude, 9007199254740994]
        for v in specials { expectRoundTrip(.number, .number(v)) }
        for _ in 0..<3000 {
            var v = Double(bitPattern: g.next())
            if !v.isFinite { v = 1 }
            expectRoundTrip(.number, .number(v))
            expectRoundTrip(.number, .number(Double(Int64.random(in: -1_000_000...1_000_000, using: &g)) / 100))
        }
    }

    @Test func integers() {
        var g = SeededGenerator(seed: 2)
        for v: Int64 in [0, 1, -1, .max, .min] { expectRoundTrip(.integer, .integer(v)) }
        for _ in 0..<2000 { expectRoundTrip(.integer, .integer(Int64(bitPattern: g.next()))) }
    }

    @Test func percents() {
        var g = SeededGenerator(seed: 3)
        for v: Double in [0, 0.15, 0.125, 1, -0.5, 1e-9, 1e300, .greatestFiniteMagnitude, .leastNonzeroMagnitude, 0.1 + 0.2] {
            expectRoundTrip(.percent, .percent(v))
        }
        for _ in 0..<3000 {
            var v = Double(bitPattern: g.next())
            if !v.isFinite { v = 0.5 }
            expectRoundTrip(.percent, .percent(v))
            expectRoundTrip(.percent, .percent(Double(Int.random(in: -10_000...10_000, using: &g)) / 1000))
        }
    }

    @Test func money() {
        var g = SeededGenerator(seed: 4)
        for code in ["EUR", "JPY", "KWD", "USD"] {
            let type = ValueType.currency(code)
            for v: Int64 in [0, 1, -1, 5, -5, 100, .max, .min] {
                expectRoundTrip(type, .money(Money(minorUnits: v, currency: code)))
            }
            for _ in 0..<1000 {
                let v = Int64(bitPattern: g.next()) >> Int64.random(in: 0...62, using: &g)
                let m = Money(minorUnits: v, currency: code)
                expectRoundTrip(type, .money(m))
                #expect(Money.parse(decimal: m.decimalString, currency: code) == m)
            }
        }
    }

    @Test func dates() {
        var g = SeededGenerator(seed: 5)
        for _ in 0..<3000 {
            expectRoundTrip(.date, .date(CivilDate(daysSinceEpoch: Int64.random(in: -719_162...2_932_896, using: &g))))
            expectRoundTrip(.date, .date(CivilDate(daysSinceEpoch: Int64.random(in: -300_000_000...300_000_000, using: &g))))
        }
    }

    @Test(arguments: ["Europe/Berlin", "UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "America/St_Johns", "Pacific/Chatham"])
    func datetimes(zone: String) {
        var g = SeededGenerator(seed: 6)
        let context = ValueContext(timeZone: zone)
        // 1900 ... 2100, with and without seconds (times print to the second).
        for _ in 0..<1500 {
            let ms = Int64.random(in: -2_208_988_800_000...4_102_444_800_000, using: &g)
            expectRoundTrip(.datetime, .datetime(Instant(millisecondsSinceEpoch: ms / 1000 * 1000)), context)
            expectRoundTrip(.datetime, .datetime(Instant(millisecondsSinceEpoch: ms / 60_000 * 60_000)), context)
        }
        // Every quarter hour around this year's transitions.
        let start = Instant(date: date(2026, 3, 1), secondsOfDay: 0, timeZone: "UTC")
        for step in stride(from: 0, to: 300 * 96, by: 1) {
            expectRoundTrip(.datetime, .datetime(start.adding(seconds: Int64(step) * 900)), context)
        }
    }

    @Test func durations() {
        var g = SeededGenerator(seed: 7)
        for v: Int64 in [0, 1, -1, 59, 60, 3600, 86_400, -900, .max, .min] { expectRoundTrip(.duration, .duration(v)) }
        for _ in 0..<3000 {
            expectRoundTrip(.duration, .duration(Int64.random(in: -1_000_000...1_000_000, using: &g)))
            expectRoundTrip(.duration, .duration(Int64(bitPattern: g.next())))
        }
    }

    @Test func texts() {
        var g = SeededGenerator(seed: 8)
        let pool: [Character] = ["a", "Z", " ", "é", "ß", "я", "😀", ",", "\"", "\n", "#", "1", "-"]
        for _ in 0..<2000 {
            var s = String((0..<Int.random(in: 1...12, using: &g)).map { _ in pool.randomElement(using: &g)! })
            if s.allSatisfy(\.isWhitespace) { s += "x" }
            expectRoundTrip(.text, .text(s))
            expectRoundTrip(.any, .text(s))
        }
    }

    @Test func choices() {
        var g = SeededGenerator(seed: 9)
        let options = ["billable", "internal", "non billable", "Research", "часы"]
        for option in options { expectRoundTrip(.select(options), .text(option)) }
        for _ in 0..<500 {
            let picked = options.shuffled(using: &g).prefix(Int.random(in: 1...options.count, using: &g))
            expectRoundTrip(.tags(options), .list(picked.map { .text($0) }))
        }
        expectRoundTrip(.bool, .bool(true))
        expectRoundTrip(.bool, .bool(false))
        for _ in 0..<500 { expectRoundTrip(.link(1), .link(Int64.random(in: 1...Int64.max, using: &g))) }
        for type: ValueType in [.number, .date, .datetime, .duration, .select(options), .link(2)] {
            expectRoundTrip(type, .blank)
        }
    }
}
