import Foundation
import TabulaEngine

/// How billed hours are rounded at export (never in storage): on each entry, on each person's
/// day, or on each billed line's total, to a step (a quarter hour is common), to the nearest
/// step or up.
public struct HourRounding: Sendable, Hashable {
    /// What is rounded.
    public enum Scope: String, Sendable, CaseIterable {
        /// Nothing: the hours bill as logged.
        case none
        /// Each entry.
        case entry
        /// Each person's day on one service line (what SAP records per person, day and cost object).
        case day
        /// Each billed line's total (a service item at one rate).
        case total
    }

    /// Which way a time between two steps goes.
    public enum Direction: String, Sendable, CaseIterable {
        /// To the nearer step; half a step goes up.
        case nearest
        /// To the next step.
        case up
    }

    public var scope: Scope
    /// The step in seconds (900 for 15m).
    public var step: Int64
    public var direction: Direction

    public init(scope: Scope = .none, step: Int64 = 900, direction: Direction = .nearest) {
        self.scope = scope; self.step = max(1, step); self.direction = direction
    }

    public static let none = HourRounding()

    /// Seconds rounded to the step.
    public func round(_ seconds: Int64) -> Int64 {
        guard scope != .none, seconds > 0 else { return max(0, seconds) }
        let whole = seconds / step, rest = seconds % step
        switch direction {
        case .up: return (whole + (rest > 0 ? 1 : 0)) * step
        case .nearest: return (whole + (rest * 2 >= step ? 1 : 0)) * step
        }
    }

    /// `none`, or `15m nearest per entry`.
    public var description: String {
        scope == .none ? "none" : "\(Self.stepText(step)) \(direction.rawValue) per \(scope == .total ? "line" : scope.rawValue)"
    }

    static func stepText(_ seconds: Int64) -> String {
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}

/// What an hour bills under: a client's service item (a project, or its phase when the project
/// bills by phase) at one rate. A 1C act has one line per key, an invoice one per key of its grouping.
public struct ServiceKey: Sendable, Hashable, Comparable {
    public var client: String
    public var contract: String
    public var project: String
    public var phase: String
    public var rate: Int64
    var clientID: RowID?
    var projectID: RowID?
    var phaseID: RowID?

    public static func < (a: ServiceKey, b: ServiceKey) -> Bool {
        (a.client, a.contract, a.project, a.phase, a.rate) < (b.client, b.contract, b.project, b.phase, b.rate)
    }
}

/// An entry as billed: its raw seconds, the seconds it bills after rounding (its share of the
/// rounded day or line in those scopes), and the amount they bill at its rate.
public struct BilledEntry: Sendable, Hashable {
    public var entry: BillableEntry
    public var billedSeconds: Int64
    public var amount: Money
    public var key: ServiceKey
}

/// A month's billable entries with rounding applied: every template and invoice sums these, so
/// their totals agree to the second and the cent.
public struct BillingRun: Sendable {
    public var month: String
    public var currency: String
    public var rounding: HourRounding
    public var entries: [BilledEntry]

    public var rawSeconds: Int64 { entries.reduce(0) { $0 + $1.entry.seconds } }
    public var billedSeconds: Int64 { entries.reduce(0) { $0 + $1.billedSeconds } }
    public var amount: Money { Money(minorUnits: entries.reduce(0) { $0 + $1.amount.minorUnits }, currency: currency) }

    /// Applies the rounding to the entries. The unit rounded (an entry, a person's day on a line,
    /// a line) bills its rounded seconds at its rate, rounded once to the cent; each of its
    /// entries gets its share of both, so the shares add up exactly to the unit's figures.
    public static func make(month: String, entries: [BillableEntry], rounding: HourRounding, currency: String) throws -> BillingRun {
        var units: [[Int]] = []
        var unitIndex: [UnitKey: Int] = [:]
        var keys: [ServiceKey] = []
        for (i, e) in entries.enumerated() {
            guard let rate = e.rate else {
                throw EngineError(.invalidValue, "TimeEntries #\(e.id) (\(e.person?.name ?? "no person"), \(e.day.iso)) is billable but has no rate",
                                  hint: "give it a rate (or its project, client or person one, for entries written later), or make it non_billable")
            }
            guard rate.currency == currency else {
                throw EngineError(.invalidValue, "TimeEntries #\(e.id) bills in \(rate.currency), the base in \(currency)", hint: "bill one currency at a time")
            }
            let key = ServiceKey(client: e.client?.name ?? "", contract: e.client?.contract ?? "", project: e.project?.name ?? "",
                                 phase: e.project?.billsByPhase == true ? (e.phase?.name ?? "") : "", rate: rate.minorUnits,
                                 clientID: e.client?.id, projectID: e.project?.id, phaseID: e.project?.billsByPhase == true ? e.phase?.id : nil)
            keys.append(key)
            let unit: UnitKey
            switch rounding.scope {
            case .none, .entry: unit = UnitKey(entry: e.id)
            case .day: unit = UnitKey(person: e.person?.id, day: e.day, key: key)
            case .total: unit = UnitKey(key: key)
            }
            if let u = unitIndex[unit] { units[u].append(i) } else { unitIndex[unit] = units.count; units.append([i]) }
        }
        var billed: [BilledEntry?] = Array(repeating: nil, count: entries.count)
        for unit in units {
            let rate = entries[unit[0]].rate!
            let raw = unit.reduce(Int64(0)) { $0 + entries[$1].seconds }
            let rounded = rounding.round(raw)
            // Cumulative shares: entry k bills C(k) - C(k-1), where C is the rounded total scaled
            // to the raw seconds so far; the amounts likewise, so nothing is lost to rounding twice.
            var rawSoFar: Int64 = 0, secondsBefore: Int64 = 0, amountBefore: Int64 = 0
            for (n, i) in unit.enumerated() {
                rawSoFar += entries[i].seconds
                let secondsSoFar = n == unit.count - 1 ? rounded : (raw == 0 ? 0 : scaled(rawSoFar, by: rounded, over: raw))
                guard let amountSoFar = amount(rate, seconds: secondsSoFar) else {
                    throw EngineError(.limit, "the amount of TimeEntries #\(entries[i].id) is too large to bill")
                }
                billed[i] = BilledEntry(entry: entries[i], billedSeconds: secondsSoFar - secondsBefore,
                                        amount: Money(minorUnits: amountSoFar.minorUnits - amountBefore, currency: currency), key: keys[i])
                secondsBefore = secondsSoFar
                amountBefore = amountSoFar.minorUnits
            }
        }
        return BillingRun(month: month, currency: currency, rounding: rounding, entries: billed.compactMap { $0 })
    }

    /// What one rounding covers.
    private struct UnitKey: Hashable {
        var entry: RowID?
        var person: RowID?
        var day: CivilDate?
        var key: ServiceKey?
        init(entry: RowID) { self.entry = entry }
        init(person: RowID?, day: CivilDate, key: ServiceKey) { self.person = person; self.day = day; self.key = key }
        init(key: ServiceKey) { self.key = key }
    }

    /// `a × b / c` rounded half up, for non-negative figures of a month (no overflow in 128 bits).
    static func scaled(_ a: Int64, by b: Int64, over c: Int64) -> Int64 {
        let p = a.magnitude.multipliedFullWidth(by: b.magnitude)
        let (q, r) = c.magnitude.dividingFullWidth((p.high, p.low))
        return Int64(q) + (r * 2 >= c.magnitude ? 1 : 0)
    }

    /// The exact amount of `seconds` at an hourly rate, rounded once to the currency's minor
    /// unit (half to even, as the formula engine rounds money); nil when it overflows.
    public static func amount(_ rate: Money, seconds: Int64) -> Money? {
        let negative = (rate.minorUnits < 0) != (seconds < 0)
        let p = rate.minorUnits.magnitude.multipliedFullWidth(by: seconds.magnitude)
        guard p.high < 3600 else { return nil }
        var (q, r) = UInt64(3600).dividingFullWidth((p.high, p.low))
        if r * 2 > 3600 || (r * 2 == 3600 && q & 1 == 1) { q += 1 }
        guard q <= UInt64(Int64.max) else { return nil }
        return Money(minorUnits: negative ? -Int64(q) : Int64(q), currency: rate.currency)
    }
}

/// Figures as accounting files write them: exact decimals from integers, never through a Double.
enum Decimals {
    /// Seconds as decimal hours with `places` decimals, rounded half up: `12.500`.
    static func hours(_ seconds: Int64, places: Int, comma: Bool = false) -> String {
        let scale = power(places)
        let units = (seconds.magnitude * UInt64(scale) + 1800) / 3600
        return fixed(Int64(units) * (seconds < 0 ? -1 : 1), places: places, comma: comma)
    }

    /// Money as a plain decimal: `1500.00`, `1500,00` with a comma.
    static func money(_ m: Money, comma: Bool = false) -> String {
        comma ? m.decimalString.replacingOccurrences(of: ".", with: ",") : m.decimalString
    }

    /// An integer of units of 10^-places as a decimal.
    static func fixed(_ units: Int64, places: Int, comma: Bool = false) -> String {
        var s = String(units.magnitude)
        if places > 0 {
            if s.count <= places { s = String(repeating: "0", count: places - s.count + 1) + s }
            s.insert(comma ? "," : ".", at: s.index(s.endIndex, offsetBy: -places))
        }
        return (units < 0 ? "-" : "") + s
    }

    static func power(_ places: Int) -> Int64 { (0..<places).reduce(1) { r, _ in r * 10 } }
}
