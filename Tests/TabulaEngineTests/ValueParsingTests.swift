import Testing
@testable import TabulaEngine

let berlin = ValueContext(timeZone: "Europe/Berlin", currency: "EUR", locale: "de")
let utc = ValueContext()

func parse(_ type: ValueType, _ text: String, _ context: ValueContext = berlin) throws -> Value {
    try type.parse(text, context: context)
}

/// The error a text gives, or nil if it parses.
func failure(_ type: ValueType, _ text: String, _ context: ValueContext = berlin) -> ValueParseError? {
    do { _ = try type.parse(text, context: context); return nil } catch { return error }
}

func date(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { CivilDate(year: y, month: m, day: d)! }
func eur(_ minor: Int64) -> Value { .money(Money(minorUnits: minor, currency: "EUR")) }

@Suite("Parsing values")
struct ValueParsingTests {
    @Test func blankForEveryType() throws {
        let types: [ValueType] = [.text, .number, .integer, .currency("EUR"), .percent, .bool, .date, .datetime,
                                  .duration, .select(["a"]), .tags(["a"]), .link(1), .list(.date), .any]
        for type in types {
            #expect(try parse(type, "") == .blank)
            #expect(try parse(type, "  \t ") == .blank)
        }
    }

    @Test func text() throws {
        #expect(try parse(.text, " hello ") == .text(" hello "))
        #expect(try parse(.any, "12") == .text("12"))
    }

    @Test func numbers() throws {
        #expect(try parse(.number, "1500.5") == .number(1500.5))
        #expect(try parse(.number, "-3") == .number(-3))
        #expect(try parse(.number, "+3") == .number(3))
        #expect(try parse(.number, "1e3") == .number(1000))
        #expect(try parse(.number, "2.5E-4") == .number(0.00025))
        #expect(try parse(.number, "1 500,5") == .number(1500.5))
        #expect(try parse(.number, "1\u{00A0}500,5") == .number(1500.5))
        #expect(try parse(.number, "1\u{202F}500.5") == .number(1500.5))
        #expect(try parse(.number, "1,500.5") == .number(1500.5))
        #expect(try parse(.number, "1.500,5") == .number(1500.5))
        #expect(try parse(.number, "1,500") == .number(1500))
        #expect(try parse(.number, "1,5") == .number(1.5))
        #expect(try parse(.number, "0,500") == .number(0.5))
        #expect(try parse(.number, "12,3456") == .number(12.3456))
        #expect(try parse(.number, "1,000,000") == .number(1_000_000))
        #expect(try parse(.number, "1.000.000") == .number(1_000_000))
        #expect(try parse(.number, "1'000'000.25") == .number(1_000_000.25))
        #expect(try parse(.number, ".5") == .number(0.5))
        #expect(try parse(.number, "\u{2212}2") == .number(-2))
        #expect(try parse(.number, " 0.1 ") == .number(0.1))
    }

    @Test func numberErrors() {
        #expect(failure(.number, "abc")?.message == "expected a number, got \"abc\": unexpected \"a\"")
        #expect(failure(.number, "abc")?.hint == "for example 1500.5, -3, 1 500,5 or 1e3")
        #expect(failure(.number, "1,2,3")?.message == "expected a number, got \"1,2,3\": thousands groups must have three digits")
        #expect(failure(.number, "1.2.3")?.message == "expected a number, got \"1.2.3\": thousands groups must have three digits")
        #expect(failure(.number, "1,500.000,5")?.message == "expected a number, got \"1,500.000,5\": more than one decimal separator")
        #expect(failure(.number, "1.5.000,5") != nil)
        #expect(failure(.number, "1e999")?.message == "number \"1e999\" is too large")
        #expect(failure(.number, "1e")?.message == "expected a number, got \"1e\": bad exponent")
        #expect(failure(.number, "nan") != nil)
        #expect(failure(.number, "inf") != nil)
        #expect(failure(.number, "15%")?.message == "expected a number, got \"15%\": unexpected \"%\"")
        #expect(failure(.number, "-") != nil)
        #expect(failure(.number, "1  500") != nil)
    }

    @Test func integers() throws {
        #expect(try parse(.integer, "42") == .integer(42))
        #expect(try parse(.integer, "-7") == .integer(-7))
        #expect(try parse(.integer, "1 500") == .integer(1500))
        #expect(try parse(.integer, "1,500") == .integer(1500))
        #expect(try parse(.integer, "9223372036854775807") == .integer(.max))
        #expect(try parse(.integer, "-9223372036854775808") == .integer(.min))
        #expect(failure(.integer, "1.5")?.message == "expected a whole number, got \"1.5\"")
        #expect(failure(.integer, "1.0")?.message == "expected a whole number, got \"1.0\"")
        #expect(failure(.integer, "1e3")?.message == "expected a whole number, got \"1e3\"")
        #expect(failure(.integer, "12.")?.message == "expected a whole number, got \"12.\"")
        #expect(failure(.integer, "9223372036854775808")?.message == "\"9223372036854775808\" is out of range for a whole number")
        #expect(failure(.integer, "ten")?.message == "expected a whole number, got \"ten\": unexpected \"t\"")
    }

    @Test func percents() throws {
        #expect(try parse(.percent, "15%") == .percent(0.15))
        #expect(try parse(.percent, "15") == .percent(0.15))
        #expect(try parse(.percent, "15 %") == .percent(0.15))
        #expect(try parse(.percent, "0.5%") == .percent(0.005))
        #expect(try parse(.percent, "12,5%") == .percent(0.125))
        #expect(try parse(.percent, "-1.1%") == .percent(-0.011))
        #expect(try parse(.percent, "100%") == .percent(1))
        #expect(failure(.percent, "lots")?.message == "expected a percentage like 15% or 12.5, got \"lots\": unexpected \"l\"")
        #expect(failure(.percent, "lots")?.hint == "a bare number is in percent points: 15 means 15%, 0.5 means 0.5%")
        #expect(failure(.percent, "%") != nil)
    }

    @Test func currency() throws {
        let type = ValueType.currency("EUR")
        #expect(try parse(type, "1500.50") == eur(150_050))
        #expect(try parse(type, "1 500,50") == eur(150_050))
        #expect(try parse(type, "1\u{00A0}500,50") == eur(150_050))
        #expect(try parse(type, "1\u{2009}500,50") == eur(150_050))
        #expect(try parse(type, "1,500.50") == eur(150_050))
        #expect(try parse(type, "1.500,50") == eur(150_050))
        #expect(try parse(type, "1,500") == eur(150_000))
        #expect(try parse(type, "12,5") == eur(1250))
        #expect(try parse(type, "-12") == eur(-1200))
        #expect(try parse(type, "1500.50 EUR") == eur(150_050))
        #expect(try parse(type, "1500.50EUR") == eur(150_050))
        #expect(try parse(type, "EUR 1500.50") == eur(150_050))
        #expect(try parse(type, "eur 1500.50") == eur(150_050))
        #expect(try parse(type, "EUR -3") == eur(-300))
        #expect(try parse(type, "-EUR 3") == eur(-300))
        #expect(try parse(type, "€1500.50") == eur(150_050))
        #expect(try parse(type, "-€0.05") == eur(-5))
        #expect(try parse(type, "12 €") == eur(1200))
        #expect(try parse(type, "0.1") == eur(10))
        #expect(try parse(type, "92233720368547758.07") == eur(.max))
        #expect(try parse(type, "-92233720368547758.08") == eur(.min))
        #expect(try parse(.currency("JPY"), "1,500") == .money(Money(minorUnits: 1500, currency: "JPY")))
        #expect(try parse(.currency("KWD"), "1.500") == .money(Money(minorUnits: 1500, currency: "KWD")))
        #expect(try parse(.currency(""), "3 EUR") == eur(300))
    }

    @Test func currencyErrors() {
        let type = ValueType.currency("EUR")
        #expect(failure(type, "1500.50 USD")?.message == "the amount \"1500.50 USD\" is in USD, but this field holds EUR")
        #expect(failure(type, "$5")?.message == "the amount \"$5\" is in USD, but this field holds EUR")
        #expect(failure(type, "1.505")?.message == "\"1.505\" has too many decimals: EUR has 2 decimals")
        #expect(failure(type, "1.500")?.message == "\"1.500\" has too many decimals: EUR has 2 decimals")
        #expect(failure(type, "1.505")?.hint == "for example 1500.50, 1500.50 EUR or -12")
        #expect(failure(.currency("JPY"), "1.5")?.message == "\"1.5\" has too many decimals: JPY has no decimals")
        #expect(failure(.currency("JPY"), "x")?.hint == "for example 1500, 1500 JPY or -12")
        #expect(failure(type, "92233720368547758.08")?.message == "the amount \"92233720368547758.08\" is too large")
        #expect(failure(type, "92233720368547758.08")?.hint == "amounts of EUR run up to 92233720368547758.07")
        #expect(failure(type, "lots")?.message == "expected an amount of EUR, got \"lots\": unexpected \"l\"")
        #expect(failure(type, "1e3")?.message == "expected an amount of EUR, got \"1e3\": an exponent is not allowed here")
        #expect(failure(type, "-EUR -3") != nil)
        #expect(failure(type, "12 euros") != nil)
    }

    @Test func bools() throws {
        for t in ["true", "TRUE", "Yes", "1", " yes "] {
            #expect(try parse(.bool, t) == .bool(true))
        }
        for f in ["false", "No", "0", "FALSE"] {
            #expect(try parse(.bool, f) == .bool(false))
        }
        #expect(failure(.bool, "maybe")?.message == "expected true or false, got \"maybe\"")
        #expect(failure(.bool, "maybe")?.hint == "also accepted: yes or no, 1 or 0")
    }

    @Test func dates() throws {
        #expect(try parse(.date, "2026-11-20") == .date(date(2026, 11, 20)))
        #expect(try parse(.date, "  2026-11-20 ") == .date(date(2026, 11, 20)))
        #expect(try parse(.date, "2024-02-29") == .date(date(2024, 2, 29)))
        #expect(failure(.date, "2026-02-30")?.message == "there is no day \"2026-02-30\": February 2026 has 28 days")
        #expect(failure(.date, "2026-02-30")?.hint == "the last day of that month is 2026-02-28")
        #expect(failure(.date, "2026-04-31")?.message == "there is no day \"2026-04-31\": April 2026 has 30 days")
        #expect(failure(.date, "20.11.2026")?.message == "expected a date like 2026-11-20, got \"20.11.2026\"")
        #expect(failure(.date, "2026-13-01")?.message == "expected a date like 2026-11-20, got \"2026-13-01\"")
        #expect(failure(.date, "2026-11-20 10:30") != nil)
    }

    @Test func datetimes() throws {
        let local = Instant(date: date(2026, 11, 20), secondsOfDay: 37_800, timeZone: "Europe/Berlin")
        #expect(try parse(.datetime, "2026-11-20T10:30") == .datetime(local))
        #expect(try parse(.datetime, "2026-11-20 10:30") == .datetime(local))
        #expect(try parse(.datetime, "2026-11-20  10:30:00") == .datetime(local))
        #expect(try parse(.datetime, "2026-11-20 9:30", utc) == .datetime(local))
        #expect(try parse(.datetime, "2026-11-20T09:30:00Z") == .datetime(local))
        #expect(try parse(.datetime, "2026-11-20T10:30:00+01:00") == .datetime(local))
        #expect(try parse(.datetime, "2026-11-20T10:30+0100") == .datetime(local))
        #expect(try parse(.datetime, "2026-11-20T10:30:00 +01") == .datetime(local))
        #expect(try parse(.datetime, "2026-11-20T04:30:00-05:00") == .datetime(local))
        #expect(try parse(.datetime, "2026-11-20 10:30:00.250") == .datetime(local.adding(milliseconds: 250)))
        #expect(try parse(.datetime, "2026-11-20 10:30:00.25") == .datetime(local.adding(milliseconds: 250)))
        #expect(try parse(.datetime, "2026-11-20 10:30:00.1234567") == .datetime(local.adding(milliseconds: 123)))
        #expect(try parse(.datetime, "2026-11-20 10:30:00.9996") == .datetime(local.adding(milliseconds: 1000)))
        #expect(try parse(.datetime, "2026-11-20") == .datetime(local.adding(seconds: -37_800)))
        // DST: a skipped time moves forward, a repeated one is the earlier.
        #expect(try parse(.datetime, "2026-03-29 02:30") == parse(.datetime, "2026-03-29 03:30"))
        #expect(try parse(.datetime, "2026-10-25 02:30") == parse(.datetime, "2026-10-25T00:30Z"))
        #expect(try parse(.datetime, "2026-10-25 02:30+01:00") == parse(.datetime, "2026-10-25T01:30Z"))
    }

    @Test func datetimeErrors() {
        #expect(failure(.datetime, "tomorrow")?.message == "expected a date and time like 2026-11-20 10:30, got \"tomorrow\"")
        #expect(failure(.datetime, "tomorrow")?.hint == "for example 2026-11-20 10:30, 2026-11-20T10:30:00+01:00 or 2026-11-20 for midnight")
        #expect(failure(.datetime, "2026-11-20 25:00")?.message == "expected a date and time like 2026-11-20 10:30, got \"2026-11-20 25:00\": the hour must be 00 to 23")
        #expect(failure(.datetime, "2026-11-20 10:60")?.message.hasSuffix("minutes must be 00 to 59") == true)
        #expect(failure(.datetime, "2026-11-20 10")?.message.hasSuffix("the time is written hh:mm") == true)
        #expect(failure(.datetime, "2026-02-30 10:00")?.message == "there is no day \"2026-02-30 10:00\": February 2026 has 28 days")
        #expect(failure(.datetime, "2026-11-20 10:30 CET")?.message.hasSuffix("unexpected \"CET\"") == true)
        #expect(failure(.datetime, "2026-11-20 10:30+25:00")?.message.hasSuffix("the offset is out of range") == true)
    }

    @Test func durations() throws {
        let cases: [(String, Int64)] = [
            ("1h30m", 5400), ("90m", 5400), ("1:30", 5400), ("1:30:15", 5415), ("1.5h", 5400), ("1,5h", 5400),
            ("45s", 45), ("2d", 172_800), ("1h 30m", 5400), ("1 h 30 min", 5400), ("1.5", 5400), ("8", 28_800),
            ("-0:15", -900), ("-15m", -900), ("27:00", 97_200), ("0:00:45", 45), ("1 hour 2 minutes 3 seconds", 3723),
            ("0.1h", 360), ("0.0001h", 0), ("0.0002h", 1), ("1H", 3600), ("2 days", 172_800), (".5h", 1800),
            ("2562047788015215:30:07", .max), ("-2562047788015215:30:08", .min),
        ]
        for (text, seconds) in cases {
            #expect(try parse(.duration, text) == .duration(seconds), "\(text)")
        }
    }

    @Test func durationErrors() {
        #expect(failure(.duration, "soon")?.message == "expected a duration like 1:30, 1h 30m or 90m, got \"soon\"")
        #expect(failure(.duration, "soon")?.hint == "a bare number counts hours: 1.5 is 1:30; units are d, h, m and s")
        #expect(failure(.duration, "5x")?.message == "unknown unit \"x\" in the duration \"5x\"")
        #expect(failure(.duration, "1:75")?.message == "expected a duration like 1:30, 1h 30m or 90m, got \"1:75\": minutes must be 00 to 59")
        #expect(failure(.duration, "1:5")?.message.hasSuffix("write hours:minutes, as in 1:30") == true)
        #expect(failure(.duration, "1h 30")?.message.hasSuffix("each number needs a unit") == true)
        #expect(failure(.duration, "2562047788015215:30:08")?.message == "the duration \"2562047788015215:30:08\" is too long")
        #expect(failure(.duration, "99999999999999999999h") != nil)
        #expect(failure(.duration, "--5") != nil)
    }

    @Test func selects() throws {
        let type = ValueType.select(["billable", "internal", "non_billable"])
        #expect(try parse(type, "internal") == .text("internal"))
        #expect(try parse(type, " Internal ") == .text("internal"))
        #expect(try parse(type, "NON_BILLABLE") == .text("non_billable"))
        let e = failure(type, "billabel")
        #expect(e?.message == "\"billabel\" is not an option; expected one of: billable, internal, non_billable")
        #expect(e?.hint == "did you mean \"billable\"?")
        #expect(failure(type, "int")?.hint == "did you mean \"internal\"?")
        #expect(failure(type, "zzzzzz")?.hint == "options are matched ignoring case")
        #expect(failure(.select([]), "a")?.message == "\"a\" is not an option: this field has no options")
    }

    @Test func tags() throws {
        let type = ValueType.tags(["backend", "frontend", "research"])
        #expect(try parse(type, "backend, Research") == .list([.text("backend"), .text("research")]))
        #expect(try parse(type, "research,backend,research,") == .list([.text("research"), .text("backend")]))
        #expect(try parse(type, " , ") == .blank)
        #expect(failure(type, "backend, frontnd")?.message == "\"frontnd\" is not an option; expected any of: backend, frontend, research")
        #expect(failure(type, "backend, frontnd")?.hint == "did you mean \"frontend\"?")
    }

    @Test func links() throws {
        #expect(try parse(.link(3), "#12") == .link(12))
        #expect(try parse(.link(3), " #7 ") == .link(7))
        for bad in ["12", "#", "#0", "#-1", "#1x", "Acme"] {
            #expect(failure(.link(3), bad)?.message == "expected a row id like #12 or the row's primary value, got \"\(bad)\"")
        }
    }

    @Test func lists() {
        #expect(failure(.list(.date), "2026-11-20")?.message == "a list(date) value cannot be typed in as text")
    }

    @Test func longInputIsShortenedInMessages() {
        let long = String(repeating: "x", count: 100)
        #expect(failure(.bool, long)?.message == "expected true or false, got \"\(String(repeating: "x", count: 40))…\"")
    }
}
