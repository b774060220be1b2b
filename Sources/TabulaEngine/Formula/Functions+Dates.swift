import Foundation

// Dates, times and durations. A datetime is read on the wall clock of the base's time zone
// (`context.timeZone`); a date is a civil day with no zone.

extension FormulaLibrary {
    static let dateFunctions: [FormulaFunction] = [
        FormulaFunction("now()", 0...0) { site in
            site.markVolatile()
            return Node(type: .datetime, eval: { .datetime($0.now) }, range: site.range)
        },
        FormulaFunction("today()", 0...0) { site in
            site.markVolatile()
            let env = site.env
            return Node(type: .date, eval: { .date($0.now.localTime(in: env.zone($0.context)).date) }, range: site.range)
        },
        FormulaFunction("date(year, month, day)", 3...3) { site in
            for i in 0..<3 { site.expect(i, .number) }
            if site.hasErrors { return site.failed }
            return site.strict(.date) { (y: Value, m: Value, d: Value, _: any FormulaInputs) -> Value in
                guard let y = Numeric.whole(y), let m = Numeric.whole(m), let d = Numeric.whole(d),
                      abs(y) < 100_000, abs(m) < 100, abs(d) < 100,
                      let date = CivilDate(year: Int(y), month: Int(m), day: Int(d)), date.isSupported else { return .error(.value) }
                return .date(date)
            }
        },
        FormulaFunction("datetime(year, month, day, hour, minute[, second])", 5...6, compileDatetime),
        FormulaFunction("year(x)", 1...1) { part($0) { p in .integer(Int64(p.date.year)) } },
        FormulaFunction("month(x)", 1...1) { part($0) { p in .integer(Int64(p.date.month)) } },
        FormulaFunction("day(x)", 1...1) { part($0) { p in .integer(Int64(p.date.day)) } },
        FormulaFunction("hour(x)", 1...1) { part($0) { p in .integer(Int64(p.seconds / 3600)) } },
        FormulaFunction("minute(x)", 1...1) { part($0) { p in .integer(Int64(p.seconds / 60 % 60)) } },
        FormulaFunction("weekday(x)", 1...1) { part($0) { p in .integer(Int64(p.date.weekday)) } },
        FormulaFunction("iso_week(x)", 1...1) { part($0) { p in .integer(Int64(p.date.isoWeek.week)) } },
        FormulaFunction("week_start(x)", 1...1) { part($0, type: .date) { p in .date(p.date.weekStart) } },
        FormulaFunction("month_start(x)", 1...1) { part($0, type: .date) { p in .date(p.date.monthStart) } },
        FormulaFunction("month_end(x)", 1...1) { part($0, type: .date) { p in .date(p.date.monthEnd) } },
        FormulaFunction("period_month(x)", 1...1) { part($0, type: .text) { p in
            .text(pad4(p.date.year) + "-" + FormulaText.two(p.date.month)) } },
        FormulaFunction("period_week(x)", 1...1) { part($0, type: .text) { p in
            let w = p.date.isoWeek
            return .text(pad4(w.year) + "-W" + FormulaText.two(w.week)) } },
        FormulaFunction("period_quarter(x)", 1...1) { part($0, type: .text) { p in
            .text(pad4(p.date.year) + "-Q\(p.date.quarter)") } },
        FormulaFunction("period_year(x)", 1...1) { part($0) { p in .integer(Int64(p.date.year)) } },
        FormulaFunction("date_add(x, n, unit)", 3...3, compileDateAdd),
        FormulaFunction("datetime_diff(a, b, unit)", 3...3, compileDatetimeDiff),
        FormulaFunction("workdays(a, b)", 2...2, compileWorkdays),
        FormulaFunction("format_date(x, pattern)", 2...2) { site in
            site.expect(0, .time); site.expect(1, .text)
            if site.hasErrors { return site.failed }
            let env = site.env
            return site.strict(.text, fold: false) { (v: Value, p: Value, inputs: any FormulaInputs) -> Value in
                guard let parts = LocalParts(v, env.zone(inputs.context)), case .text(let pattern) = p else { return .error(.type) }
                return .text(FormulaText.format(date: parts.date, secondsOfDay: parts.seconds, pattern: pattern))
            }
        },
        FormulaFunction("to_timezone(x, zone)", 2...2, compileToTimezone),
        FormulaFunction("hours(d)", 1...1) { site in
            site.expect(0, .duration)
            if site.hasErrors { return site.failed }
            return site.strict(.number) { (v: Value, _: any FormulaInputs) -> Value in
                if case .duration(let s) = v { return .number(Double(s) / 3600) } else { return .error(.type) }
            }
        },
        FormulaFunction("minutes(d)", 1...1) { site in
            site.expect(0, .duration)
            if site.hasErrors { return site.failed }
            return site.strict(.number) { (v: Value, _: any FormulaInputs) -> Value in
                if case .duration(let s) = v { return .number(Double(s) / 60) } else { return .error(.type) }
            }
        },
        FormulaFunction("duration(hours[, minutes[, seconds]])", 1...3) { site in
            for i in site.args.indices { site.expect(i, .number) }
            if site.hasErrors { return site.failed }
            while site.args.count < 3 { site.args.append(.constant(.integer(0), type: .integer, range: site.range)) }
            return site.strict(.duration, blanks: .none) { (h: Value, m: Value, s: Value, _: any FormulaInputs) -> Value in
                let parts = [h, m, s].map { $0.isBlank ? 0 : Numeric.double($0) }
                guard let a = parts[0], let b = parts[1], let c = parts[2] else { return .error(.type) }
                return Numeric.roundedInt64(a * 3600 + b * 60 + c).map(Value.duration) ?? .error(.number)
            }
        },
    ]

    static func pad4(_ year: Int) -> String {
        let s = String(year.magnitude)
        return (year < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    /// A function of a date's or datetime's local day and time of day (a date is at midnight).
    private static func part(_ site: CallSite, type: ValueType = .integer, _ body: @escaping @Sendable (LocalParts) -> Value) -> Node {
        site.expect(0, .time)
        if site.hasErrors { return site.failed }
        let env = site.env
        return site.strict(type, fold: site.type(0) == .date) { (v: Value, inputs: any FormulaInputs) -> Value in
            guard let parts = LocalParts(v, env.zone(inputs.context)) else { return .error(.type) }
            return body(parts)
        }
    }

    private static func compileDatetime(_ site: CallSite) -> Node {
        for i in site.args.indices { site.expect(i, .number) }
        if site.hasErrors { return site.failed }
        let env = site.env
        return site.strictAll(.datetime, fold: false) { values, inputs in
            let n = values.map(Numeric.whole)
            guard n.allSatisfy({ $0 != nil && abs($0!) < 100_000 }) else { return .error(.value) }
            let (y, mo, d, h, mi) = (Int(n[0]!), Int(n[1]!), Int(n[2]!), Int(n[3]!), Int(n[4]!))
            let s = n.count > 5 ? Int(n[5]!) : 0
            guard let date = CivilDate(year: y, month: mo, day: d), date.isSupported,
                  (0...23).contains(h), (0...59).contains(mi), (0...59).contains(s) else { return .error(.value) }
            return .datetime(Instant(date: date, secondsOfDay: h * 3600 + mi * 60 + s, rules: env.zone(inputs.context)))
        }
    }

    /// The units of `date_add` and `datetime_diff`, by their accepted spellings.
    enum TimeUnit: String, CaseIterable, Sendable {
        case seconds, minutes, hours, days, weeks, months, years

        init?(_ text: String) {
            let t = text.lowercased().trimmingCharacters(in: .whitespaces)
            guard let u = TimeUnit(rawValue: t) ?? TimeUnit(rawValue: t + "s") else { return nil }
            self = u
        }
        var isCalendar: Bool { self == .days || self == .weeks || self == .months || self == .years }
        var seconds: Int64 {
            switch self {
            case .seconds: return 1
            case .minutes: return 60
            case .hours: return 3600
            case .days: return 86_400
            case .weeks: return 604_800
            case .months, .years: return 0
            }
        }
    }

    /// Checks a constant unit argument statically.
    private static func checkUnit(_ site: CallSite, _ index: Int, dateOnly: Bool) {
        guard case .text(let u)? = site.args[index].constant else { return }
        guard let unit = TimeUnit(u) else {
            let near = closestName(to: u, among: TimeUnit.allCases.map(\.rawValue))
            site.report("unknown unit \"\(u)\"", at: site.args[index].range,
                        hint: near.map { "did you mean \"\($0)\"?" } ?? "use one of " + TimeUnit.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
            return
        }
        if dateOnly && !unit.isCalendar {
            site.report("a date has no \(unit.rawValue); date_add on a date takes days, weeks, months or years",
                        at: site.args[index].range, hint: "add time to a datetime instead")
        }
    }

    private static func compileDateAdd(_ site: CallSite) -> Node {
        site.expect(0, .time); site.expect(1, .number); site.expect(2, .text)
        checkUnit(site, 2, dateOnly: site.type(0) == .date)
        if site.hasErrors { return site.failed }
        let env = site.env
        return site.strict(site.type(0), fold: site.type(0) == .date) { (x: Value, n: Value, u: Value, inputs: any FormulaInputs) -> Value in
            guard case .text(let text) = u, let unit = TimeUnit(text), let amount = Numeric.double(n) else {
                return n.isNumericValue ? .error(.value) : .error(.type)
            }
            let whole = Numeric.truncated(n) ?? 0
            guard abs(amount) < 1e12 else { return .error(.number) }
            func moved(_ d: CivilDate) -> CivilDate {
                switch unit {
                case .days: return d.adding(days: whole)
                case .weeks: return d.adding(days: whole * 7)
                case .months: return d.adding(months: Int(whole))
                default: return d.adding(years: Int(whole))
                }
            }
            switch x {
            case .date(let d):
                guard unit.isCalendar else { return .error(.value) }
                return FormulaArithmetic.checkedDate(moved(d))
            case .datetime(let t):
                if !unit.isCalendar {
                    guard let s = Numeric.roundedInt64(amount * Double(unit.seconds)) else { return .error(.number) }
                    return FormulaArithmetic.shift(t, seconds: s)
                }
                let zone = env.zone(inputs.context)
                let local = t.localTime(in: zone)
                let day = moved(local.date)
                guard day.isSupported else { return .error(.number) }
                return .datetime(Instant(date: day, secondsOfDay: local.secondsOfDay, millisecond: local.millisecond, rules: zone))
            default:
                return .error(.type)
            }
        }
    }

    private static func compileDatetimeDiff(_ site: CallSite) -> Node {
        site.expect(0, .time); site.expect(1, .time); site.expect(2, .text)
        checkUnit(site, 2, dateOnly: false)
        if site.hasErrors { return site.failed }
        let env = site.env
        return site.strict(.integer, fold: site.type(0) == .date && site.type(1) == .date) { (a: Value, b: Value, u: Value, inputs: any FormulaInputs) -> Value in
            guard case .text(let text) = u, let unit = TimeUnit(text) else { return .error(.value) }
            let zone = env.zone(inputs.context)
            guard let pa = LocalParts(a, zone), let pb = LocalParts(b, zone) else { return .error(.type) }
            switch unit {
            case .seconds, .minutes, .hours:
                let ms = pa.instant(zone).millisecondsSinceEpoch &- pb.instant(zone).millisecondsSinceEpoch
                return .integer(ms / 1000 / unit.seconds)
            case .days, .weeks:
                let local = (pa.date.daysSinceEpoch - pb.date.daysSinceEpoch) * 86_400_000
                    + Int64(pa.seconds - pb.seconds) * 1000 + Int64(pa.millisecond - pb.millisecond)
                return .integer(local / 1000 / unit.seconds)
            case .months, .years:
                var months = Int64((pa.date.year - pb.date.year) * 12 + (pa.date.month - pb.date.month))
                // Within the month: day, then time of day, decide whether the last month is complete.
                let within = (pa.date.day, pa.seconds, pa.millisecond) < (pb.date.day, pb.seconds, pb.millisecond) ? -1
                    : ((pa.date.day, pa.seconds, pa.millisecond) > (pb.date.day, pb.seconds, pb.millisecond) ? 1 : 0)
                if months > 0 && within < 0 { months -= 1 }
                if months < 0 && within > 0 { months += 1 }
                return .integer(unit == .years ? months / 12 : months)
            }
        }
    }

    private static func compileWorkdays(_ site: CallSite) -> Node {
        site.expect(0, .time); site.expect(1, .time)
        if site.hasErrors { return site.failed }
        let env = site.env
        return site.strict(.integer, fold: site.type(0) == .date && site.type(1) == .date) { (a: Value, b: Value, inputs: any FormulaInputs) -> Value in
            let zone = env.zone(inputs.context)
            guard let x = LocalParts(a, zone)?.date, let y = LocalParts(b, zone)?.date else { return .error(.type) }
            let (lo, hi) = x <= y ? (x, y) : (y, x)
            let days = hi.daysSinceEpoch - lo.daysSinceEpoch + 1
            var count = days / 7 * 5
            var d = lo.adding(days: days / 7 * 7)
            while d <= hi {
                if d.weekday <= 5 { count += 1 }
                d = d.adding(days: 1)
            }
            return .integer(x <= y ? count : -count)
        }
    }

    private static func compileToTimezone(_ site: CallSite) -> Node {
        site.expect(0, .datetime); site.expect(1, .text)
        if case .text(let z)? = site.args[1].constant, !TimeZoneRules.isValid(z) {
            site.report("unknown time zone \"\(z)\"", at: site.args[1].range, hint: "use an IANA name such as \"Europe/Berlin\"")
        }
        if site.hasErrors { return site.failed }
        return site.strict(.text) { (x: Value, z: Value, _: any FormulaInputs) -> Value in
            guard case .datetime(let t) = x, case .text(let name) = z else { return .error(.type) }
            guard let rules = TimeZoneRules(identifier: name) else { return .error(.value) }
            return .text(FormulaText.datetime(t, rules))
        }
    }
}

/// A date or datetime seen on the wall clock of a zone (a date at midnight).
struct LocalParts {
    var date: CivilDate
    var seconds: Int
    var millisecond: Int
    var exact: Instant?

    init?(_ v: Value, _ zone: TimeZoneRules) {
        switch v {
        case .date(let d): date = d; seconds = 0; millisecond = 0
        case .datetime(let t):
            let l = t.localTime(in: zone)
            date = l.date; seconds = l.secondsOfDay; millisecond = l.millisecond; exact = t
        default: return nil
        }
    }

    func instant(_ zone: TimeZoneRules) -> Instant {
        exact ?? Instant(date: date, secondsOfDay: seconds, rules: zone)
    }
}
