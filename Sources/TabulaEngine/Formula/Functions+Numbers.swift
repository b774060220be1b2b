import Foundation

// Numbers: round, round_up, round_down, round_to, ceiling, floor, abs, min, max, sum, avg, count,
// mod, power, sqrt.

extension FormulaLibrary {
    static let numberFunctions: [FormulaFunction] = [
        FormulaFunction("round(x[, digits])", 1...2) { rounding($0, .plain) },
        FormulaFunction("round_up(x[, digits])", 1...2) { rounding($0, .up) },
        FormulaFunction("round_down(x[, digits])", 1...2) { rounding($0, .down) },
        FormulaFunction("round_to(x, step)", 2...2, compileRoundTo),
        FormulaFunction("ceiling(x)", 1...1) { wholeNumber($0, .up) },
        FormulaFunction("floor(x)", 1...1) { wholeNumber($0, .down) },
        FormulaFunction("abs(x)", 1...1, compileAbs),
        FormulaFunction("min(a, b, ...)", 1...Int.max) { extreme($0, sign: -1) },
        FormulaFunction("max(a, b, ...)", 1...Int.max) { extreme($0, sign: 1) },
        FormulaFunction("sum(a, b, ...)", 1...Int.max) { total($0, average: false) },
        FormulaFunction("avg(a, b, ...)", 1...Int.max) { total($0, average: true) },
        FormulaFunction("count(a, b, ...)", 1...Int.max, compileCount),
        FormulaFunction("mod(a, b)", 2...2, compileMod),
        FormulaFunction("power(x, exponent)", 2...2) { site in
            site.expect(0, .number); site.expect(1, .number)
            if site.hasErrors { return site.failed }
            return site.strict(.number) { (a: Value, b: Value, _: any FormulaInputs) -> Value in FormulaArithmetic.power(a, b) }
        },
        FormulaFunction("sqrt(x)", 1...1) { site in
            site.expect(0, .number)
            if site.hasErrors { return site.failed }
            return site.strict(.number) { (v: Value, _: any FormulaInputs) -> Value in
                guard let x = Numeric.double(v) else { return .error(.type) }
                return x < 0 ? .error(.number) : .number(x.squareRoot())
            }
        },
    ]

    /// Rounding in a direction: `.plain` half away from zero, `.up` away from zero, `.down` toward zero.
    static func round(_ x: Decimal, scale: Int, _ mode: NSDecimalNumber.RoundingMode) -> Decimal {
        let negative = x < 0
        var magnitude = negative ? -x : x, result = Decimal()
        NSDecimalRound(&result, &magnitude, scale, mode)
        return negative ? -result : result
    }

    private static func rounding(_ site: CallSite, _ mode: NSDecimalNumber.RoundingMode) -> Node {
        site.expect(0, .number, .money)
        site.expect(1, .number)
        if site.hasErrors { return site.failed }
        let digits = site.arg(1, default: .integer(0), type: .integer)
        site.args = [site.args[0], digits]
        return site.strict(site.type(0)) { (v: Value, d: Value, _: any FormulaInputs) -> Value in
            guard let scale = Numeric.truncated(d), abs(scale) <= 30 else { return .error(.number) }
            switch v {
            case .integer(let i):
                if scale >= 0 { return v }
                guard let r = Numeric.int64(round(Decimal(i), scale: Int(scale), mode), rounding: .plain) else { return .error(.number) }
                return .integer(r)
            case .number(let x), .percent(let x):
                guard let dec = Numeric.decimal(x) else { return .error(.number) }
                let r = Double(round(dec, scale: Int(scale), mode).description) ?? .nan
                if case .percent = v { return Numeric.percent(r) }
                return Numeric.number(r)
            case .money(let m):
                let shift = Int(scale) - m.minorDigits
                if shift >= 0 { return v }
                guard let r = Numeric.int64(round(Decimal(m.minorUnits), scale: shift, mode), rounding: .plain) else { return .error(.number) }
                return .money(Money(minorUnits: r, currency: m.currency))
            default:
                return .error(.type)
            }
        }
    }

    private static func compileRoundTo(_ site: CallSite) -> Node {
        site.expect(0, .number, .money, .duration)
        site.expect(1, .number, .money, .duration)
        var x = site.args[0], step = site.args[1]
        site.checker.harmonize(&x, &step)
        site.args = [x, step]
        if site.hasErrors || x.failed || step.failed { return site.failed }
        let type: ValueType
        switch (x.type, step.type) {
        case (let a, let b) where a.isAny || b.isAny: type = .any
        case (.duration, .duration): type = .duration
        case (.currency(let a), .currency(let b)) where a == b: type = x.type
        case (.currency, let b) where b.isNumeric: type = x.type
        case (.integer, .integer): type = .integer
        case (let a, let b) where a.isNumeric && b.isNumeric: type = a == .percent ? .percent : .number
        default:
            return site.fail("round_to cannot round \(site.typeName(x.type)) to steps of \(site.typeName(step.type))", at: step.range,
                             hint: "round a duration to a duration (round_to(d, 15m)), money to money or a number, a number to a number")
        }
        return site.strict(type) { (v: Value, s: Value, _: any FormulaInputs) -> Value in roundTo(v, s) }
    }

    /// The multiple of `step` nearest to `v`, halves away from zero; exact for integers, money and durations.
    static func roundTo(_ v: Value, _ s: Value) -> Value {
        func nearest(_ a: Int64, _ step: Int64) -> Int64? {
            if step == 0 { return nil }
            let m = step.magnitude
            let r = a.magnitude % m
            var q = a.magnitude / m
            if r >= m - r { q += 1 }
            let (p, o) = q.multipliedReportingOverflow(by: m)
            guard !o, p <= UInt64(Int64.max) else { return nil }
            return a < 0 ? -Int64(p) : Int64(p)
        }
        switch (v, s) {
        case (.duration(let a), .duration(let b)):
            if b == 0 { return .error(.divisionByZero) }
            return nearest(a, b).map(Value.duration) ?? .error(.number)
        case (.integer(let a), .integer(let b)):
            if b == 0 { return .error(.divisionByZero) }
            return nearest(a, b).map(Value.integer) ?? .error(.number)
        case (.money(let a), .money(let b)):
            guard a.currency == b.currency else { return .error(.type) }
            if b.minorUnits == 0 { return .error(.divisionByZero) }
            return nearest(a.minorUnits, b.minorUnits).map { .money(Money(minorUnits: $0, currency: a.currency)) } ?? .error(.number)
        case (.money(let a), let n):
            guard let step = Numeric.double(n), let d = Numeric.decimal(step) else { return .error(.type) }
            if step == 0 { return .error(.divisionByZero) }
            guard let m = MoneyMath.fromMajor(abs(d), currency: a.currency) else { return .error(.value) }
            return nearest(a.minorUnits, m.minorUnits).map { .money(Money(minorUnits: $0, currency: a.currency)) } ?? .error(.number)
        default:
            guard let x = Numeric.double(v), let step = Numeric.double(s) else { return .error(.type) }
            if step == 0 { return .error(.divisionByZero) }
            guard let dx = Numeric.decimal(x), let ds = Numeric.decimal(abs(step)) else { return .error(.number) }
            let q = round(dx / ds, scale: 0, .plain)
            let r = Double((q * ds).description) ?? .nan
            if case .percent = v { return Numeric.percent(r) }
            return Numeric.number(r)
        }
    }

    private static func wholeNumber(_ site: CallSite, _ mode: NSDecimalNumber.RoundingMode) -> Node {
        site.expect(0, .number)
        if site.hasErrors { return site.failed }
        return site.strict(.integer) { (v: Value, _: any FormulaInputs) -> Value in
            if case .integer = v { return v }
            guard let x = Numeric.double(v) else { return .error(.type) }
            let r = mode == .up ? x.rounded(.up) : x.rounded(.down)
            guard r.isFinite, abs(r) < 9.2e18 else { return .error(.number) }
            return .integer(Int64(r))
        }
    }

    private static func compileAbs(_ site: CallSite) -> Node {
        site.expect(0, .number, .money, .duration)
        if site.hasErrors { return site.failed }
        return site.strict(site.type(0)) { (v: Value, _: any FormulaInputs) -> Value in
            switch v {
            case .integer(let i) where i < 0, .duration(let i) where i < 0: return FormulaArithmetic.negate(v)
            case .number(let d) where d < 0, .percent(let d) where d < 0: return FormulaArithmetic.negate(v)
            case .money(let m) where m.minorUnits < 0: return FormulaArithmetic.negate(v)
            case .integer, .duration, .number, .percent, .money: return v
            default: return .error(.type)
            }
        }
    }

    private static func compileMod(_ site: CallSite) -> Node {
        site.expect(0, .number, .duration); site.expect(1, .number, .duration)
        if site.hasErrors { return site.failed }
        guard let type = site.type(0).isAny || site.type(1).isAny ? .any : arithmeticType(.modulo, site.type(0), site.type(1)) else {
            return site.fail("mod cannot divide \(site.typeName(site.type(0))) by \(site.typeName(site.type(1)))")
        }
        return site.strict(type) { (a: Value, b: Value, _: any FormulaInputs) -> Value in FormulaArithmetic.modulo(a, b) }
    }

    // MARK: Aggregates over arguments or a list

    /// The element type of `f(a, b, ...)` or `f(list)`, with the arguments unified.
    private static func elements(_ site: CallSite, _ families: [TypeFamily]) -> ValueType? {
        if site.args.count == 1, let element = site.type(0).listElement {
            if case .link = element {
                site.report("\(site.name) cannot read linked rows themselves", at: site.args[0].range,
                            hint: "use a mirror field to aggregate over a multiple link; count(links) counts them")
                return nil
            }
            if !families.contains(where: { $0.accepts(element) }) {
                site.report("\(site.name) cannot work on a \(site.typeName(site.type(0)))", at: site.args[0].range)
                return nil
            }
            return element
        }
        for i in site.args.indices { site.expect(i, families) }
        if site.hasErrors { return nil }
        var nodes = site.args
        let type = site.checker.unify(&nodes, what: "the arguments of \(site.name)")
        site.args = nodes
        return type
    }

    /// The values of the arguments, lists flattened, blanks dropped; or the first error.
    static func collect(_ evals: [Eval], _ inputs: any FormulaInputs) -> Result<[Value], FormulaError> {
        var out: [Value] = []
        for e in evals {
            let v = e(inputs)
            switch v {
            case .error(let err): return .failure(err)
            case .list(let items):
                for item in items {
                    if case .error(let err) = item { return .failure(err) }
                    if !item.isBlank { out.append(item) }
                }
            default:
                if !v.isBlank { out.append(v) }
            }
        }
        return .success(out)
    }

    private static func extreme(_ site: CallSite, sign: Int) -> Node {
        guard let type = elements(site, [.number, .money, .duration, .time, .text]) else { return site.failed }
        let evals = site.args.map(\.eval), env = site.env
        return site.finish(type, { inputs in
            switch collect(evals, inputs) {
            case .failure(let e): return .error(e)
            case .success(let values):
                guard var best = values.first else { return .blank }
                for v in values.dropFirst() {
                    guard let c = FormulaComparison.order(v, best, inputs.context, env) else { return .error(.type) }
                    if c == sign { best = v }
                }
                return best
            }
        }, fold: !type.isTextual && type != .datetime)
    }

    private static func total(_ site: CallSite, average: Bool) -> Node {
        guard let element = elements(site, [.number, .money, .duration]) else { return site.failed }
        let type: ValueType = average && element == .integer ? .number : element
        let zero = element.arithmeticZero ?? .integer(0)
        let evals = site.args.map(\.eval)
        return site.finish(type, { inputs in
            switch collect(evals, inputs) {
            case .failure(let e): return .error(e)
            case .success(let values):
                if average && values.isEmpty { return .error(.divisionByZero) }
                var sum = values.first ?? zero
                for v in values.dropFirst() {
                    sum = FormulaArithmetic.add(sum, v)
                    if case .error = sum { return sum }
                }
                return average ? FormulaArithmetic.divide(sum, .integer(Int64(values.count))) : sum
            }
        }, fold: true)
    }

    private static func compileCount(_ site: CallSite) -> Node {
        let evals = site.args.map(\.eval)
        return site.finish(.integer, { inputs in
            switch collect(evals, inputs) {
            case .failure(let e): return .error(e)
            case .success(let values): return .integer(Int64(values.count))
            }
        }, fold: true)
    }
}
