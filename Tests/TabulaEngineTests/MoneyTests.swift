import Testing
@testable import TabulaEngine

private func m(_ minor: Int64, _ code: String = "EUR") -> Money { Money(minorUnits: minor, currency: code) }

@Suite("Money")
struct MoneyTests {
    @Test func decimalStrings() {
        #expect(m(150_050).decimalString == "1500.50")
        #expect(m(-5).decimalString == "-0.05")
        #expect(m(0).decimalString == "0.00")
        #expect(m(7, "JPY").decimalString == "7")
        #expect(m(-1234, "KWD").decimalString == "-1.234")
        #expect(m(.min).decimalString == "-92233720368547758.08")
        #expect(m(150_050).description == "1500.50 EUR")
    }

    @Test func strictParse() {
        #expect(Money.parse(decimal: "1500.50", currency: "EUR") == m(150_050))
        #expect(Money.parse(decimal: "1500.5", currency: "EUR") == m(150_050))
        #expect(Money.parse(decimal: "-0.05", currency: "EUR") == m(-5))
        #expect(Money.parse(decimal: "12", currency: "EUR") == m(1200))
        #expect(Money.parse(decimal: "12", currency: "JPY") == m(12, "JPY"))
        #expect(Money.parse(decimal: "1.005", currency: "EUR") == nil)
        #expect(Money.parse(decimal: "1,50", currency: "EUR") == nil)
        #expect(Money.parse(decimal: "1 500", currency: "EUR") == nil)
        #expect(Money.parse(decimal: ".5", currency: "EUR") == nil)
        #expect(Money.parse(decimal: "5.", currency: "EUR") == nil)
        #expect(Money.parse(decimal: "", currency: "EUR") == nil)
        #expect(Money.parse(decimal: "92233720368547758.08", currency: "EUR") == nil)
    }

    @Test func addition() {
        #expect(m(100).adding(m(250)) == m(350))
        #expect(m(100).adding(m(250, "USD")) == nil)
        #expect(m(.max).adding(m(1)) == nil)
        #expect(m(100).subtracting(m(250)) == m(-150))
        #expect(m(.min).subtracting(m(1)) == nil)
        #expect(m(5).negated() == m(-5))
        #expect(m(.min).negated() == nil)
    }

    @Test func multiplicationRoundsHalfToEven() {
        #expect(m(25).multiplied(by: 0.5) == m(12))      // 0.125 → 0.12
        #expect(m(27).multiplied(by: 0.5) == m(14))      // 0.135 → 0.14
        #expect(m(-25).multiplied(by: 0.5) == m(-12))
        #expect(m(25).multiplied(by: 0.1) == m(2))       // 2.5 cents, though binary 0.1 is a hair above
        #expect(m(35).multiplied(by: 0.1) == m(4))
        #expect(m(105).multiplied(by: 1.1) == m(116))    // 115.5 → 116
        #expect(m(10_000).multiplied(by: 1.19) == m(11_900))
        #expect(m(333).multiplied(by: 3) == m(999))
        #expect(m(100).multiplied(by: -2.5) == m(-250))
        #expect(m(100).multiplied(by: 0) == m(0))
        #expect(m(100).multiplied(by: 1e-30) == m(0))
        #expect(m(5).multiplied(by: 1e-1) == m(0))       // 0.5 → 0
        #expect(m(15).multiplied(by: 1e-1) == m(2))      // 1.5 → 2
        #expect(m(1).multiplied(by: 5e-21) == m(0))
        #expect(m(.max).multiplied(by: 1) == m(.max))
        #expect(m(.max).multiplied(by: 2) == nil)
        #expect(m(.min).multiplied(by: 1) == m(.min))
        #expect(m(.min).multiplied(by: -1) == nil)
        #expect(m(1).multiplied(by: 1e300) == nil)
        #expect(m(1).multiplied(by: .infinity) == nil)
        #expect(m(1).multiplied(by: .nan) == nil)
        // Many fractional digits: 123456789 × 0.123456789 = 15241578.750190521 → 15241579
        #expect(m(123_456_789).multiplied(by: 0.123456789) == m(15_241_579))
    }

    @Test func otherRoundings() {
        #expect(m(25).multiplied(by: 0.5, rounding: .halfAwayFromZero) == m(13))
        #expect(m(-25).multiplied(by: 0.5, rounding: .halfAwayFromZero) == m(-13))
        #expect(m(29).multiplied(by: 0.5, rounding: .towardZero) == m(14))
        #expect(m(21).multiplied(by: 0.1, rounding: .awayFromZero) == m(3))
        #expect(m(21).multiplied(by: 0.1, rounding: .up) == m(3))
        #expect(m(-21).multiplied(by: 0.1, rounding: .up) == m(-2))
        #expect(m(21).multiplied(by: 0.1, rounding: .down) == m(2))
        #expect(m(-21).multiplied(by: 0.1, rounding: .down) == m(-3))
        #expect(m(20).multiplied(by: 0.1, rounding: .awayFromZero) == m(2))
    }

    @Test func division() {
        #expect(m(100).divided(by: 3) == m(33))
        #expect(m(200).divided(by: 3) == m(67))
        #expect(m(25).divided(by: 2) == m(12))
        #expect(m(35).divided(by: 2) == m(18))
        #expect(m(-35).divided(by: 2) == m(-18))
        #expect(m(100).divided(by: 0.5) == m(200))
        #expect(m(1).divided(by: 0.001) == m(1000))
        #expect(m(100).divided(by: 0) == nil)
        #expect(m(100).divided(by: .infinity) == nil)
        #expect(m(100).divided(by: 1e300) == m(0))
        #expect(m(100).divided(by: 1e300, rounding: .awayFromZero) == m(1))
        #expect(m(.max).divided(by: 0.5) == nil)
        #expect(m(.max).divided(by: 1) == m(.max))
        #expect(m(100).divided(by: 8) == m(12))          // 12.5 → 12
        #expect(m(100).divided(by: 8, rounding: .halfAwayFromZero) == m(13))
        #expect(m(0).divided(by: 7) == m(0))
    }

    @Test func agreesWithExactRationalArithmetic() {
        // Against a slow reference: a × (p / 10^k) with p, k small, in integers.
        var g = SeededGenerator(seed: 11)
        for _ in 0..<3000 {
            let a = Int64.random(in: -10_000_000...10_000_000, using: &g)
            let p = Int64.random(in: -99_999...99_999, using: &g)
            let k = Int.random(in: 0...4, using: &g)
            var scale: Int64 = 1
            for _ in 0..<k { scale *= 10 }
            let factor = Double(p) / Double(scale)   // prints as p/10^k
            let product = a * p                     // exact numerator over `scale`
            var q = product / scale
            let r = (product % scale).magnitude * 2
            if r > UInt64(scale) || (r == UInt64(scale) && q % 2 != 0) { q += product < 0 ? -1 : 1 }
            #expect(m(a).multiplied(by: factor) == m(q), "\(a) × \(factor)")
        }
    }
}

@Suite("JSON")
struct JSONTests {
    @Test func valuesAsJSON() {
        let c = berlin
        #expect(Value.blank.json(context: c) == .null)
        #expect(Value.text("a\"b").json(context: c).serialized == #""a\"b""#)
        #expect(Value.number(1500).json(context: c).serialized == "1500")
        #expect(Value.number(0.1).json(context: c).serialized == "0.1")
        #expect(Value.number(.nan).json(context: c).serialized == "null")
        #expect(Value.integer(-3).json(context: c).serialized == "-3")
        #expect(Value.money(Money(minorUnits: 150_050, currency: "EUR")).json(context: c).serialized == #""1500.50""#)
        #expect(Value.percent(0.15).json(context: c).serialized == "0.15")
        #expect(Value.bool(true).json(context: c).serialized == "true")
        #expect(Value.date(date(2026, 11, 20)).json(context: c).serialized == #""2026-11-20""#)
        let i = Instant(date: date(2026, 11, 20), secondsOfDay: 37_800, timeZone: "Europe/Berlin")
        #expect(Value.datetime(i).json(context: c).serialized == #""2026-11-20T10:30:00+01:00""#)
        #expect(Value.datetime(i).json(context: utc).serialized == #""2026-11-20T09:30:00Z""#)
        #expect(Value.duration(5400).json(context: c).serialized == "5400")
        #expect(Value.link(12).json(context: c).serialized == "12")
        #expect(Value.error(.divisionByZero).json(context: c).serialized == "\"#DIV/0\"")
        #expect(Value.list([.text("a"), .integer(1), .blank]).json(context: c).serialized == #"["a",1,null]"#)
        #expect(Value.number(1e21).json(context: c).serialized == "1e+21")
    }

    @Test func escaping() {
        let s = JSONValue.string("line\nbreak\ttab\\ \u{01} \u{1F} é 😀 \u{2028}").serialized
        #expect(s == #""line\nbreak\ttab\\ \u0001 \u001f é 😀 \u2028""#)
        // Runs between escapes kept whole; other characters starting with the byte of U+2028 (€) left as they are.
        #expect(JSONValue.string("say \"hi\" for 5 € \u{2029}\r\u{08}\u{0C}").serialized == #""say \"hi\" for 5 € \u2029\r\b\f""#)
        #expect(JSONValue.string("Müller / Straße 12 😀").serialized == "\"Müller / Straße 12 😀\"")
        #expect(JSONValue.string("").serialized == "\"\"")
        let o = JSONValue.object([("b", .integer(1)), ("a", .array([.bool(false), .number(-0.5)]))])
        #expect(o.serialized == #"{"b":1,"a":[false,-0.5]}"#)
        #expect(o == .object([("b", .integer(1)), ("a", .array([.bool(false), .number(-0.5)]))]))
        #expect(o != .object([("a", .array([.bool(false), .number(-0.5)])), ("b", .integer(1))]))
    }
}

@Suite struct MoneyProductTests {
    @Test func theIntegerProductAgreesWithTheDecimalOneOnManyFactors() {
        var rng = SeededGenerator(seed: 42)
        var factors: [Double] = [0, 0.5, 1.5, 2.5, 0.1, 0.05, 1e-7, 123456.789, 0.125, 7.0, -0.5, -2.5, 1e21]
        for minutes in 1...600 { factors.append(Double(minutes * 60) / 3600) }
        for _ in 0..<2000 { factors.append(Double(Int64.random(in: -100_000...100_000, using: &rng)) / [1, 3, 7, 100, 3600][Int(rng.next() % 5)]) }
        let amounts: [Int64] = [0, 1, 5, 15, 25, 99, 100, 12_345, -12_345, 9_000, 1_000_000_007, -3]
        for factor in factors {
            for amount in amounts {
                let m = Money(minorUnits: amount, currency: "EUR")
                let reference = MoneyMath.multiplyInDecimal(m, by: factor)
                if let fast = MoneyMath.multiplyExactly(m, by: factor), fast != reference {
                    Issue.record("\(amount) × \(factor): \(fast) vs \(reference)")
                    return
                }
            }
        }
        #expect(MoneyMath.multiplyExactly(Money(minorUnits: 5, currency: "EUR"), by: 0.5) == .money(Money(minorUnits: 2, currency: "EUR")))
        #expect(MoneyMath.multiplyExactly(Money(minorUnits: 15, currency: "EUR"), by: 0.5) == .money(Money(minorUnits: 8, currency: "EUR")))
    }
}
