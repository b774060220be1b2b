/// A total order over values for sorting and min/max: blank first, then by kind; numbers,
/// money, durations, dates and datetimes by magnitude; text by the base locale's collation.
enum ValueOrdering {
    static func compare(_ a: Value, _ b: Value, collator: TextCollator) -> Int {
        switch (a, b) {
        case (.blank, .blank): return 0
        case (.blank, _): return -1
        case (_, .blank): return 1
        case (.text(let x), .text(let y)): return collator.compare(x, y)
        default:
            if let x = magnitude(a), let y = magnitude(b) { return x < y ? -1 : (x > y ? 1 : 0) }
            let ra = rank(a), rb = rank(b)
            if ra != rb { return ra < rb ? -1 : 1 }
            return collator.compare(describe(a), describe(b))
        }
    }

    private static func magnitude(_ v: Value) -> Double? {
        switch v {
        case .number(let d), .percent(let d): return d
        case .integer(let i): return Double(i)
        case .money(let m): return Double(m.minorUnits)
        case .duration(let s): return Double(s)
        case .date(let d): return Double(d.daysSinceEpoch)
        case .datetime(let i): return Double(i.millisecondsSinceEpoch)
        case .bool(let b): return b ? 1 : 0
        case .link(let id): return Double(id)
        default: return nil
        }
    }

    private static func rank(_ v: Value) -> Int {
        switch v {
        case .blank: return 0
        case .bool: return 1
        case .number, .integer, .percent, .money, .duration: return 2
        case .date, .datetime: return 3
        case .text: return 4
        case .link: return 5
        case .list: return 6
        case .error: return 7
        }
    }

    private static func describe(_ v: Value) -> String { "\(v)" }
}

/// The aggregates of mirror fields over the values read from linked rows.
enum MirrorAggregation {
    static func apply(_ aggregate: MirrorAggregate, to items: [Value], countingRows: Bool, resultType: ValueType,
                      collator: TextCollator, context: ValueContext) -> Value {
        // Lists read through a lookup are flattened, so a mirror of a mirror sees single values.
        var values: [Value] = []
        values.reserveCapacity(items.count)
        for item in items {
            if case .list(let inner) = item { values.append(contentsOf: inner) } else { values.append(item) }
        }
        if aggregate == .count_all { return .integer(Int64(items.count)) }
        if countingRows, aggregate == .count { return .integer(Int64(items.count)) }
        if aggregate != .list && aggregate != .unique && aggregate != .first && aggregate != .last && aggregate != .concat,
           let error = values.first(where: \.isError) { return error }
        let present = values.filter { !$0.isBlank }
        switch aggregate {
        case .count, .count_all: return .integer(Int64(present.count))
        case .sum: return sum(present, type: resultType)
        case .avg:
            if present.isEmpty { return .blank }
            return divide(sum(present, type: resultType), by: present.count)
        case .median:
            if present.isEmpty { return .blank }
            let sorted = present.sorted { compare($0, $1, collator) < 0 }
            if sorted.count % 2 == 1 { return numeric(sorted[sorted.count / 2], as: resultType) }
            return divide(sum([sorted[sorted.count / 2 - 1], sorted[sorted.count / 2]], type: resultType), by: 2)
        case .min: return present.min { compare($0, $1, collator) < 0 } ?? .blank
        case .max: return present.max { compare($0, $1, collator) < 0 } ?? .blank
        case .first: return items.first ?? .blank
        case .last: return items.last ?? .blank
        case .list: return .list(present)
        case .unique:
            var seen: [Value] = []
            for v in present where !seen.contains(v) { seen.append(v) }
            return .list(seen)
        case .concat:
            return .text(present.map { $0.formatted(context: context) }.joined(separator: ", "))
        case .any:
            return .bool(present.contains(.bool(true)))
        case .all:
            return .bool(present.allSatisfy { $0 == .bool(true) })
        }
    }

    private static func compare(_ a: Value, _ b: Value, _ c: TextCollator) -> Int { ValueOrdering.compare(a, b, collator: c) }

    private static func numeric(_ v: Value, as type: ValueType) -> Value {
        if case .number = type, case .integer(let i) = v { return .number(Double(i)) }
        return v
    }

    /// Exact sums: integers, money minor units and seconds add as integers; numbers as Double.
    static func sum(_ values: [Value], type: ValueType) -> Value {
        switch type {
        case .currency(let code):
            var total: Int64 = 0
            for v in values {
                guard case .money(let m) = v else { return .error(.type) }
                let (r, o) = total.addingReportingOverflow(m.minorUnits)
                if o { return .error(.number) }
                total = r
            }
            return .money(Money(minorUnits: total, currency: code))
        case .duration:
            var total: Int64 = 0
            for v in values { guard case .duration(let s) = v else { return .error(.type) }; total &+= s }
            return .duration(total)
        case .integer:
            var total: Int64 = 0
            for v in values {
                guard case .integer(let i) = v else { return .error(.type) }
                let (r, o) = total.addingReportingOverflow(i)
                if o { return .error(.number) }
                total = r
            }
            return .integer(total)
        case .percent:
            var total = 0.0
            for v in values { guard case .percent(let d) = v else { return .error(.type) }; total += d }
            return .percent(total)
        default:
            var total = 0.0
            var allIntegers = true
            for v in values {
                switch v {
                case .number(let d): total += d; allIntegers = false
                case .integer(let i): total += Double(i)
                case .percent(let d): total += d; allIntegers = false
                default: return .error(.type)
                }
            }
            if type == .any && allIntegers { return .integer(Int64(total)) }
            return .number(total)
        }
    }

    /// A total divided by a count, exactly rounded (half to even) for money and durations.
    static func divide(_ total: Value, by n: Int) -> Value {
        guard n > 0 else { return .blank }
        switch total {
        case .money(let m): return .money(Money(minorUnits: roundedDivision(m.minorUnits, Int64(n)), currency: m.currency))
        case .duration(let s): return .duration(roundedDivision(s, Int64(n)))
        case .integer(let i): return .number(Double(i) / Double(n))
        case .number(let d): return .number(d / Double(n))
        case .percent(let d): return .percent(d / Double(n))
        default: return total
        }
    }

    /// Integer division rounded half to even.
    static func roundedDivision(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b, r = a % b
        let twice = 2 * abs(r), absB = abs(b)
        if twice < absB { return q }
        let away = (a < 0) != (b < 0) ? q - 1 : q + 1
        if twice > absB { return away }
        return q % 2 == 0 ? q : away
    }
}
