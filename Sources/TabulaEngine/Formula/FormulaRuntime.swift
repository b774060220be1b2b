import Foundation

/// The body of a compiled formula node.
package typealias Eval = @Sendable (any FormulaInputs) -> Value

/// What a formula needs at run time that depends on the base's settings: the zone and collator,
/// opened once at compile time for the schema's settings and reopened only if a caller runs the
/// formula under different ones.
struct FormulaEnvironment: Sendable {
    let zoneName: String
    let rules: TimeZoneRules
    let locale: String
    let collator: TextCollator

    init(_ context: ValueContext) {
        zoneName = context.timeZone
        rules = .named(context.timeZone)
        locale = context.locale
        collator = .shared(locale: context.locale)
    }

    @inline(__always) func zone(_ context: ValueContext) -> TimeZoneRules {
        context.timeZone == zoneName ? rules : .named(context.timeZone)
    }
    @inline(__always) func collator(_ context: ValueContext) -> TextCollator {
        context.locale == locale ? collator : .shared(locale: context.locale)
    }
}

/// Inputs with no row, for folding constant subtrees at compile time.
package struct ConstantInputs: FormulaInputs {
    package let context: ValueContext
    package init(context: ValueContext) { self.context = context }
    package var now: Instant { Instant(millisecondsSinceEpoch: 0) }
    package func value(_ index: Int) -> Value { .error(.reference) }
}

// MARK: - Numbers

enum Numeric {
    /// The value of an integer, number or percent as a Double.
    @inline(__always) static func double(_ v: Value) -> Double? {
        switch v {
        case .integer(let i): return Double(i)
        case .number(let d), .percent(let d): return d
        default: return nil
        }
    }

    /// A whole number: an integer, or a number or percent without a fraction that fits Int64.
    static func whole(_ v: Value) -> Int64? {
        switch v {
        case .integer(let i): return i
        case .number(let d), .percent(let d):
            guard d.isFinite, d == d.rounded(.towardZero), abs(d) < 9.2e18 else { return nil }
            return Int64(d)
        default: return nil
        }
    }

    /// An integer, or a number or percent truncated toward zero, if finite and in range.
    static func truncated(_ v: Value) -> Int64? {
        switch v {
        case .integer(let i): return i
        case .number(let d), .percent(let d):
            guard d.isFinite, abs(d) < 9.2e18 else { return nil }
            return Int64(d.rounded(.towardZero))
        default: return nil
        }
    }

    /// A finite number, or `#NUM`.
    @inline(__always) static func number(_ d: Double) -> Value {
        d.isFinite ? .number(d) : .error(.number)
    }
    @inline(__always) static func percent(_ d: Double) -> Value {
        d.isFinite ? .percent(d) : .error(.number)
    }

    /// A Double rounded half away from zero to whole units, as Int64, or nil out of range.
    static func roundedInt64(_ d: Double) -> Int64? {
        let r = d.rounded(.toNearestOrAwayFromZero)
        guard r.isFinite, r >= -9.223372036854775e18, r < 9.223372036854775e18 else { return nil }
        return Int64(r)
    }

    /// The exact decimal a Double was written as: its shortest round-tripping spelling.
    /// `0.1` is 0.1, not 0.1000000000000000055...
    static func decimal(_ d: Double) -> Decimal? {
        guard d.isFinite else { return nil }
        if d == d.rounded(), abs(d) < 9e15 { return Decimal(Int64(d)) }
        return Decimal(string: "\(d)", locale: Locale(identifier: "en_US_POSIX"))
    }

    /// A Decimal rounded to a whole number in a mode, as Int64; nil out of range.
    static func int64(_ value: Decimal, rounding mode: NSDecimalNumber.RoundingMode) -> Int64? {
        var source = value, result = Decimal()
        NSDecimalRound(&result, &source, 0, mode)
        guard result >= Decimal(Int64.min), result <= Decimal(Int64.max) else { return nil }
        return Int64(result.description)
    }

    /// A Decimal rounded to `scale` digits after the point (negative: to tens, hundreds, ...), as a Double.
    static func rounded(_ value: Decimal, scale: Int, mode: NSDecimalNumber.RoundingMode) -> Double {
        var source = value, result = Decimal()
        NSDecimalRound(&result, &source, scale, mode)
        return Double(result.description) ?? .nan
    }

    /// Floor modulo: the result has the sign of the divisor, as in spreadsheets (`mod(-1, 3) = 2`).
    static func floorModulo(_ a: Double, _ b: Double) -> Double {
        let r = fmod(a, b)
        return (r != 0 && (r < 0) != (b < 0)) ? r + b : r
    }
    static func floorModulo(_ a: Int64, _ b: Int64) -> Int64 {
        if b == -1 { return 0 }
        let r = a % b
        return (r != 0 && (r < 0) != (b < 0)) ? r + b : r
    }
}

// MARK: - Money

/// Exact money arithmetic: sums in minor units, products and quotients rounded to minor units
/// half to even (banker's rounding) from the exact decimal result.
enum MoneyMath {
    /// Money from a decimal text in major units (`150.00`, `-3.5`); nil when it has more
    /// decimals than the currency's minor unit or does not fit.
    static func parse(amount: String, currency: String) -> Money? {
        guard let d = Decimal(string: amount, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        return fromMajor(d, currency: currency)
    }

    /// Money from an exact decimal amount in major units, if it has no more decimals than the currency allows.
    static func fromMajor(_ amount: Decimal, currency: String) -> Money? {
        let scaled = amount * pow(Decimal(10), Money.minorDigits(of: currency))
        guard let minor = Numeric.int64(scaled, rounding: .plain), Decimal(minor) == scaled else { return nil }
        return Money(minorUnits: minor, currency: currency)
    }

    static func multiply(_ m: Money, by factor: Double) -> Value {
        multiplyExactly(m, by: factor) ?? multiplyInDecimal(m, by: factor)
    }

    /// Money × number through Foundation's Decimal: the reference the integer path agrees with.
    static func multiplyInDecimal(_ m: Money, by factor: Double) -> Value {
        guard let f = Numeric.decimal(factor) else { return .error(.number) }
        guard let r = Numeric.int64(Decimal(m.minorUnits) * f, rounding: .bankers) else { return .error(.number) }
        return .money(Money(minorUnits: r, currency: m.currency))
    }

    /// The same product in integers, from the factor's shortest decimal spelling (what
    /// `Numeric.decimal` reads): minor units × digits ÷ 10^scale, rounded half to even. Nil when
    /// the spelling is long or in exponent form, or the product does not fit (then Decimal decides).
    static func multiplyExactly(_ m: Money, by factor: Double) -> Value? {
        guard factor.isFinite else { return nil }
        var digits: UInt64 = 0
        var scale = 0, count = 0, seenPoint = false
        for byte in "\(factor.magnitude)".utf8 {
            switch byte {
            case UInt8(ascii: "."): seenPoint = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if digits == 0 && byte == UInt8(ascii: "0") { if seenPoint { scale += 1 }; continue }
                count += 1
                guard count <= 18 else { return nil }
                digits = digits * 10 + UInt64(byte - UInt8(ascii: "0"))
                if seenPoint { scale += 1 }
            default: return nil  // exponent form
            }
        }
        guard scale <= 18 else { return nil }
        var power: UInt64 = 1
        for _ in 0..<scale { power *= 10 }
        let product = m.minorUnits.magnitude.multipliedFullWidth(by: digits)
        guard product.high < power else { return nil }
        var (quotient, remainder) = power.dividingFullWidth(product)
        if remainder * 2 > power || (remainder * 2 == power && quotient % 2 == 1) { quotient += 1 }
        guard quotient <= UInt64(Int64.max) else { return nil }
        let negative = (m.minorUnits < 0) != (factor < 0)
        return .money(Money(minorUnits: negative ? -Int64(quotient) : Int64(quotient), currency: m.currency))
    }

    static func multiply(_ m: Money, by factor: Int64) -> Value {
        let (r, o) = m.minorUnits.multipliedReportingOverflow(by: factor)
        return o ? .error(.number) : .money(Money(minorUnits: r, currency: m.currency))
    }

    static func divide(_ m: Money, by divisor: Double) -> Value {
        if divisor == 0 { return .error(.divisionByZero) }
        guard let d = Numeric.decimal(divisor) else { return .error(.number) }
        guard let r = Numeric.int64(Decimal(m.minorUnits) / d, rounding: .bankers) else { return .error(.number) }
        return .money(Money(minorUnits: r, currency: m.currency))
    }

    /// The amount in major units as an exact decimal.
    static func major(_ m: Money) -> Decimal {
        Decimal(m.minorUnits) / pow(Decimal(10), m.minorDigits)
    }
}

// MARK: - Operators

/// The run-time side of the arithmetic operators, on values that are neither blank nor errors.
/// Combinations the checker refuses can still arrive through `any`; they give `#TYPE`.
enum FormulaArithmetic {
    static func add(_ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.integer(let x), .integer(let y)):
            let (r, o) = x.addingReportingOverflow(y); return o ? .error(.number) : .integer(r)
        case (.percent(let x), .percent(let y)): return Numeric.percent(x + y)
        case (.money(let x), .money(let y)):
            guard x.currency == y.currency else { return .error(.type) }
            let (r, o) = x.minorUnits.addingReportingOverflow(y.minorUnits)
            return o ? .error(.number) : .money(Money(minorUnits: r, currency: x.currency))
        case (.duration(let x), .duration(let y)):
            let (r, o) = x.addingReportingOverflow(y); return o ? .error(.number) : .duration(r)
        case (.datetime(let t), .duration(let s)), (.duration(let s), .datetime(let t)):
            return shift(t, seconds: s)
        case (.date(let d), let n), (let n, .date(let d)):
            guard let days = Numeric.truncated(n) else { return n.isNumericValue ? .error(.number) : .error(.type) }
            return shift(d, days: days)
        default:
            guard let x = Numeric.double(a), let y = Numeric.double(b) else { return .error(.type) }
            return Numeric.number(x + y)
        }
    }

    static func subtract(_ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.integer(let x), .integer(let y)):
            let (r, o) = x.subtractingReportingOverflow(y); return o ? .error(.number) : .integer(r)
        case (.percent(let x), .percent(let y)): return Numeric.percent(x - y)
        case (.money(let x), .money(let y)):
            guard x.currency == y.currency else { return .error(.type) }
            let (r, o) = x.minorUnits.subtractingReportingOverflow(y.minorUnits)
            return o ? .error(.number) : .money(Money(minorUnits: r, currency: x.currency))
        case (.duration(let x), .duration(let y)):
            let (r, o) = x.subtractingReportingOverflow(y); return o ? .error(.number) : .duration(r)
        case (.datetime(let t), .duration(let s)):
            guard s != .min else { return .error(.number) }
            return shift(t, seconds: -s)
        case (.datetime(let x), .datetime(let y)):
            let (r, o) = x.millisecondsSinceEpoch.subtractingReportingOverflow(y.millisecondsSinceEpoch)
            return o ? .error(.number) : .duration(r / 1000)
        case (.date(let x), .date(let y)):
            return .integer(x.daysSinceEpoch - y.daysSinceEpoch)
        case (.date(let d), let n):
            guard let days = Numeric.truncated(n), days != .min else { return n.isNumericValue ? .error(.number) : .error(.type) }
            return shift(d, days: -days)
        default:
            guard let x = Numeric.double(a), let y = Numeric.double(b) else { return .error(.type) }
            return Numeric.number(x - y)
        }
    }

    static func multiply(_ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.integer(let x), .integer(let y)):
            let (r, o) = x.multipliedReportingOverflow(by: y); return o ? .error(.number) : .integer(r)
        case (.money(let m), .integer(let i)), (.integer(let i), .money(let m)):
            return MoneyMath.multiply(m, by: i)
        case (.money(let m), let n), (let n, .money(let m)):
            guard let f = Numeric.double(n) else { return .error(.type) }
            return MoneyMath.multiply(m, by: f)
        case (.duration(let s), let n), (let n, .duration(let s)):
            guard let f = Numeric.double(n) else { return .error(.type) }
            if case .integer(let i) = n {
                let (r, o) = s.multipliedReportingOverflow(by: i); return o ? .error(.number) : .duration(r)
            }
            guard let r = Numeric.roundedInt64(Double(s) * f) else { return .error(.number) }
            return .duration(r)
        default:
            guard let x = Numeric.double(a), let y = Numeric.double(b) else { return .error(.type) }
            return Numeric.number(x * y)
        }
    }

    static func divide(_ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.money(let x), .money(let y)):
            guard x.currency == y.currency else { return .error(.type) }
            if y.minorUnits == 0 { return .error(.divisionByZero) }
            return Numeric.number(Double(x.minorUnits) / Double(y.minorUnits))
        case (.money(let m), let n):
            guard let f = Numeric.double(n) else { return .error(.type) }
            return MoneyMath.divide(m, by: f)
        case (.duration(let x), .duration(let y)):
            if y == 0 { return .error(.divisionByZero) }
            return Numeric.number(Double(x) / Double(y))
        case (.duration(let s), let n):
            guard let f = Numeric.double(n) else { return .error(.type) }
            if f == 0 { return .error(.divisionByZero) }
            guard let r = Numeric.roundedInt64(Double(s) / f) else { return .error(.number) }
            return .duration(r)
        default:
            guard let x = Numeric.double(a), let y = Numeric.double(b) else { return .error(.type) }
            if y == 0 { return .error(.divisionByZero) }
            return Numeric.number(x / y)
        }
    }

    static func modulo(_ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.integer(let x), .integer(let y)):
            if y == 0 { return .error(.divisionByZero) }
            return .integer(Numeric.floorModulo(x, y))
        case (.duration(let x), .duration(let y)):
            if y == 0 { return .error(.divisionByZero) }
            return .duration(Numeric.floorModulo(x, y))
        default:
            guard let x = Numeric.double(a), let y = Numeric.double(b) else { return .error(.type) }
            if y == 0 { return .error(.divisionByZero) }
            return Numeric.number(Numeric.floorModulo(x, y))
        }
    }

    static func power(_ a: Value, _ b: Value) -> Value {
        guard let x = Numeric.double(a), let y = Numeric.double(b) else { return .error(.type) }
        if x == 0 && y < 0 { return .error(.divisionByZero) }
        return Numeric.number(pow(x, y))
    }

    static func negate(_ a: Value) -> Value {
        switch a {
        case .integer(let i): return i == .min ? .error(.number) : .integer(-i)
        case .number(let d): return .number(-d)
        case .percent(let d): return .percent(-d)
        case .money(let m): return m.minorUnits == .min ? .error(.number) : .money(Money(minorUnits: -m.minorUnits, currency: m.currency))
        case .duration(let s): return s == .min ? .error(.number) : .duration(-s)
        case .blank, .error: return a
        default: return .error(.type)
        }
    }

    static func shift(_ t: Instant, seconds: Int64) -> Value {
        let (ms, o1) = seconds.multipliedReportingOverflow(by: 1000)
        let (r, o2) = t.millisecondsSinceEpoch.addingReportingOverflow(ms)
        return o1 || o2 ? .error(.number) : .datetime(Instant(millisecondsSinceEpoch: r))
    }

    static func shift(_ d: CivilDate, days: Int64) -> Value {
        guard abs(days) < 10_000_000 else { return .error(.number) }
        return checkedDate(d.adding(days: days))
    }

    /// A date inside the supported years (0001...9999), or `#NUM`.
    static func checkedDate(_ d: CivilDate) -> Value {
        d.isSupported ? .date(d) : .error(.number)
    }
}

extension Value {
    /// integer, number or percent.
    var isNumericValue: Bool {
        switch self { case .integer, .number, .percent: return true; default: return false }
    }
    var errorValue: FormulaError? { if case .error(let e) = self { return e } else { return nil } }
}

// MARK: - Comparison

/// Equality and ordering of values at run time, with the blank rules: blank equals only blank
/// (and the empty text and list, which are blank too) and sorts before everything else.
enum FormulaComparison {
    /// -1, 0 or 1; nil when the two values cannot be ordered (different kinds, links, lists).
    static func order(_ a: Value, _ b: Value, _ context: ValueContext, _ env: FormulaEnvironment) -> Int? {
        let ab = a.isBlank, bb = b.isBlank
        if ab || bb { return ab == bb ? 0 : (ab ? -1 : 1) }
        switch (a, b) {
        case (.integer(let x), .integer(let y)): return sign(x, y)
        case (.text(let x), .text(let y)): return env.collator(context).compare(x, y)
        case (.money(let x), .money(let y)):
            return x.currency == y.currency ? sign(x.minorUnits, y.minorUnits) : nil
        case (.duration(let x), .duration(let y)): return sign(x, y)
        case (.date(let x), .date(let y)): return sign(x.daysSinceEpoch, y.daysSinceEpoch)
        case (.datetime(let x), .datetime(let y)): return sign(x.millisecondsSinceEpoch, y.millisecondsSinceEpoch)
        case (.date(let d), .datetime(let t)):
            return sign(Instant(date: d, secondsOfDay: 0, rules: env.zone(context)).millisecondsSinceEpoch, t.millisecondsSinceEpoch)
        case (.datetime(let t), .date(let d)):
            return sign(t.millisecondsSinceEpoch, Instant(date: d, secondsOfDay: 0, rules: env.zone(context)).millisecondsSinceEpoch)
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (x ? 1 : -1)
        default:
            guard let x = Numeric.double(a), let y = Numeric.double(b) else { return nil }
            return x < y ? -1 : (x > y ? 1 : 0)
        }
    }

    static func equals(_ a: Value, _ b: Value, _ context: ValueContext, _ env: FormulaEnvironment) -> Bool {
        let ab = a.isBlank, bb = b.isBlank
        if ab || bb { return ab == bb }
        switch (a, b) {
        case (.link(let x), .link(let y)): return x == y
        case (.list(let x), .list(let y)):
            guard x.count == y.count else { return false }
            for (p, q) in zip(x, y) where !equals(p, q, context, env) { return false }
            return true
        case (.error(let x), .error(let y)): return x == y
        default: return order(a, b, context, env) == 0
        }
    }

    @inline(__always) static func sign(_ a: Int64, _ b: Int64) -> Int { a < b ? -1 : (a > b ? 1 : 0) }
}
