// Exact money arithmetic for the formula engine. Nothing here goes through a binary floating
// point product: factors are read as the decimal they print as, and results are rounded once,
// with 128-bit integer arithmetic, to the currency's minor units.

extension Money: CustomStringConvertible {
    /// How a money result that falls between two minor units is rounded.
    public enum Rounding: Sendable, Hashable, CaseIterable {
        /// To the nearest; a tie goes to the even neighbour (banker's rounding): 0.125 → 0.12,
        /// 0.135 → 0.14. Tabula's default: it carries no upward bias over many rows.
        case halfEven
        /// To the nearest; a tie goes away from zero (schoolbook): 0.125 → 0.13, -0.125 → -0.13.
        case halfAwayFromZero
        /// Drop the excess (truncate).
        case towardZero
        /// Any excess rounds away from zero.
        case awayFromZero
        /// Toward positive infinity (ceiling).
        case up
        /// Toward negative infinity (floor).
        case down
    }

    /// The amount as a plain decimal with exactly the currency's minor digits: `1500.50`,
    /// `-0.05`, `1500` for JPY, `1.500` for KWD.
    public var decimalString: String {
        let digits = minorDigits
        var s = String(minorUnits.magnitude)
        if digits > 0 {
            if s.count <= digits { s = String(repeating: "0", count: digits - s.count + 1) + s }
            s.insert(".", at: s.index(s.endIndex, offsetBy: -digits))
        }
        return (minorUnits < 0 ? "-" : "") + s
    }

    /// The amount and its code, as values are shown and typed: `1500.50 EUR`.
    public var description: String { decimalString + " " + currency }

    /// Reads a plain decimal amount: an optional `-`, digits, and optionally `.` and at most
    /// the currency's minor digits (`1500.50`, `-12`, `0.5`). No separators, no code: this is the
    /// canonical form `decimalString` writes, for storage and JSON. Nil when it is anything else
    /// or out of range. `ValueType.currency(_).parse` is the lenient reader for people.
    public static func parse(decimal text: String, currency: String) -> Money? {
        var chars = Substring(text)
        var negative = false
        if chars.first == "-" { negative = true; chars = chars.dropFirst() }
        let parts = chars.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let intPart = parts.first, !intPart.isEmpty,
              intPart.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var fraction: [UInt8] = []
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            fraction = parts[1].map { UInt8($0.asciiValue! - 48) }
        }
        let literal = DecimalLiteral(negative: negative, integerDigits: intPart.map { UInt8($0.asciiValue! - 48) },
                                     fractionDigits: fraction, exponent: 0)
        guard case .success(let units) = minorUnits(of: literal, currency: currency) else { return nil }
        return Money(minorUnits: units, currency: currency)
    }

    /// Why a decimal cannot be an amount of a currency.
    enum AmountProblem: Error { case tooManyDecimals, overflow }

    /// The exact minor units of a decimal literal (whose exponent is 0) in a currency.
    static func minorUnits(of literal: DecimalLiteral, currency: String) -> Result<Int64, AmountProblem> {
        let digits = minorDigits(of: currency)
        // Extra decimals are refused even when they are zeros: `1.500` in a EUR field is more
        // likely a mistyped 1500 than one euro fifty.
        var fraction = literal.fractionDigits
        guard fraction.count <= digits else { return .failure(.tooManyDecimals) }
        fraction += [UInt8](repeating: 0, count: digits - fraction.count)
        var magnitude: UInt64 = 0
        for d in literal.integerDigits + fraction {
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            guard !o1, !o2 else { return .failure(.overflow) }
            magnitude = a
        }
        guard let units = signed(magnitude, negative: literal.negative) else { return .failure(.overflow) }
        return .success(units)
    }

    /// The sum, or nil when the currencies differ or the sum overflows.
    public func adding(_ other: Money) -> Money? {
        guard currency == other.currency else { return nil }
        let (sum, overflow) = minorUnits.addingReportingOverflow(other.minorUnits)
        return overflow ? nil : Money(minorUnits: sum, currency: currency)
    }

    /// The difference, or nil when the currencies differ or it overflows.
    public func subtracting(_ other: Money) -> Money? {
        guard currency == other.currency else { return nil }
        let (difference, overflow) = minorUnits.subtractingReportingOverflow(other.minorUnits)
        return overflow ? nil : Money(minorUnits: difference, currency: currency)
    }

    /// The negated amount, or nil for the one amount whose negation overflows.
    public func negated() -> Money? {
        minorUnits == .min ? nil : Money(minorUnits: -minorUnits, currency: currency)
    }

    /// The amount times a factor (a rate, a quantity of hours), rounded to minor units.
    ///
    /// Exact: the factor counts as the decimal it prints as (its shortest round-tripping form, so
    /// `0.1` is one tenth, not the binary 0.1000000000000000055…), the product is formed in 128-bit
    /// integers, and rounding happens once. Nil when the factor is not finite or the result
    /// overflows. 0.25 EUR × 0.5 = 0.125 → 0.12 EUR with `.halfEven`.
    public func multiplied(by factor: Double, rounding: Rounding = .halfEven) -> Money? {
        guard factor.isFinite else { return nil }
        let f = ShortestDecimal(factor)
        guard let d = f.digitsValue, minorUnits != 0 else { return Money(minorUnits: 0, currency: currency) }
        let negative = (minorUnits < 0) != f.negative
        var n = Wide.product(minorUnits.magnitude, d)
        if f.exponent >= 0 {
            for _ in 0..<f.exponent {
                guard let m = n.multiplied(by: 10) else { return nil }
                n = m
            }
            return finish(n, .exact, negative: negative, rounding: rounding)
        }
        // Divide by 10^k, the low digits first, remembering whether any of them was non-zero.
        var k = -f.exponent
        var sticky = false
        while k > 19 {
            let (q, r) = n.divided(by: Wide.powerOf10(19))
            n = q; sticky = sticky || r != 0; k -= 19
        }
        let divisor = Wide.powerOf10(k)
        let (q, r) = n.divided(by: divisor)
        return finish(q, Remainder(r, of: divisor, sticky: sticky), negative: negative, rounding: rounding)
    }

    /// The amount divided by a divisor (a count of people, a number of hours), rounded to minor
    /// units, exactly as in `multiplied(by:rounding:)`. Nil when the divisor is zero or not
    /// finite, or the result overflows.
    public func divided(by divisor: Double, rounding: Rounding = .halfEven) -> Money? {
        guard divisor.isFinite else { return nil }
        let f = ShortestDecimal(divisor)
        guard let d = f.digitsValue else { return nil }
        if minorUnits == 0 { return Money(minorUnits: 0, currency: currency) }
        let negative = (minorUnits < 0) != f.negative
        // minor / (d × 10^e) = (minor × 10^-e) / d
        var n = Wide(minorUnits.magnitude)
        var denominator = d
        if f.exponent <= 0 {
            for _ in 0..<(-f.exponent) {
                guard let m = n.multiplied(by: 10) else { return nil }
                n = m
            }
        } else {
            for _ in 0..<f.exponent {
                let (m, overflow) = denominator.multipliedReportingOverflow(by: 10)
                // |minor| ≤ 2^63 < denominator / 2: the quotient is 0 and below a half.
                if overflow { return finish(Wide(0), .belowHalf, negative: negative, rounding: rounding) }
                denominator = m
            }
        }
        let (q, r) = n.divided(by: denominator)
        return finish(q, Remainder(r, of: denominator, sticky: false), negative: negative, rounding: rounding)
    }

    /// Rounds a magnitude by its remainder and converts it back to signed minor units.
    private func finish(_ q: Wide, _ remainder: Remainder, negative: Bool, rounding: Rounding) -> Money? {
        let increment: Bool
        switch rounding {
        case .halfEven:
            increment = remainder == .aboveHalf || (remainder == .half && q.low & 1 == 1)
        case .halfAwayFromZero:
            increment = remainder == .aboveHalf || remainder == .half
        case .towardZero:
            increment = false
        case .awayFromZero:
            increment = remainder != .exact
        case .up:
            increment = remainder != .exact && !negative
        case .down:
            increment = remainder != .exact && negative
        }
        guard q.high == 0 else { return nil }
        let (magnitude, overflow) = q.low.addingReportingOverflow(increment ? 1 : 0)
        guard !overflow, let units = Money.signed(magnitude, negative: negative) else { return nil }
        return Money(minorUnits: units, currency: currency)
    }

    /// A magnitude with a sign as Int64, or nil when out of range (allows -2^63).
    static func signed(_ magnitude: UInt64, negative: Bool) -> Int64? {
        if negative {
            if magnitude == UInt64(Int64.max) + 1 { return .min }
            return magnitude <= UInt64(Int64.max) ? -Int64(magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }
}

/// Where a division's remainder lies between two consecutive quotients.
private enum Remainder: Equatable {
    case exact, belowHalf, half, aboveHalf

    /// Classifies `r / divisor`, where `sticky` says lower digits already dropped were non-zero.
    init(_ r: UInt64, of divisor: UInt64, sticky: Bool) {
        if r == 0 { self = sticky ? .belowHalf : .exact; return }
        let rest = divisor - r
        if r < rest { self = .belowHalf } else if r > rest { self = .aboveHalf } else { self = sticky ? .aboveHalf : .half }
    }
}

extension ShortestDecimal {
    /// The significant digits as an integer (at most 17 digits), nil for zero.
    var digitsValue: UInt64? {
        guard !digits.isEmpty else { return nil }
        return digits.reduce(0) { $0 * 10 + UInt64($1) }
    }
}

/// An unsigned 128-bit integer as two 64-bit halves: just what exact money rounding needs.
struct Wide: Equatable {
    var high: UInt64
    var low: UInt64

    init(_ value: UInt64) { high = 0; low = value }
    init(high: UInt64, low: UInt64) { self.high = high; self.low = low }

    static func product(_ a: UInt64, _ b: UInt64) -> Wide {
        let p = a.multipliedFullWidth(by: b)
        return Wide(high: p.high, low: p.low)
    }

    static func powerOf10(_ k: Int) -> UInt64 {
        precondition((0...19).contains(k))
        var p: UInt64 = 1
        for _ in 0..<k { p *= 10 }
        return p
    }

    /// The product, or nil on overflow past 128 bits.
    func multiplied(by m: UInt64) -> Wide? {
        let (h, o1) = high.multipliedReportingOverflow(by: m)
        let l = low.multipliedFullWidth(by: m)
        let (h2, o2) = h.addingReportingOverflow(l.high)
        return o1 || o2 ? nil : Wide(high: h2, low: l.low)
    }

    /// The quotient and remainder by a non-zero 64-bit divisor.
    func divided(by d: UInt64) -> (Wide, UInt64) {
        let qh = high / d, rh = high % d
        let (ql, r) = d.dividingFullWidth((rh, low))
        return (Wide(high: qh, low: ql), r)
    }
}
