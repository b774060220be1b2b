import Foundation

/// How formulas turn values into text: for `&`, `join`, `text()` and `format_date`.
///
/// Plain and locale-independent, so a formula's text never changes with the reader:
/// numbers with `.` and no grouping, money as `150.00 EUR`, percent as `15%`, durations as
/// `1h30m`, datetimes as `2026-11-20 10:30` in the base's time zone.
enum FormulaText {
    static func display(_ v: Value, _ context: ValueContext, _ env: FormulaEnvironment) -> String {
        switch v {
        case .blank: return ""
        case .text(let s): return s
        case .number(let d): return number(d)
        case .integer(let i): return String(i)
        case .money(let m): return money(m)
        case .percent(let d): return percent(d)
        case .bool(let b): return b ? "true" : "false"
        case .date(let d): return d.iso
        case .datetime(let t): return datetime(t, env.zone(context))
        case .duration(let s): return duration(s)
        case .link(let id): return "#\(id)"
        case .list(let items): return items.map { display($0, context, env) }.joined(separator: ", ")
        case .error(let e): return e.code
        }
    }

    /// `3`, `2.5`, `-0.125`: whole numbers without a fraction, others in their shortest exact spelling.
    static func number(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        if let dec = Numeric.decimal(d), abs(d) >= 1e-6, abs(d) < 1e15 { return dec.description }
        return "\(d)"
    }

    /// `150.00 EUR`, `-3 JPY`.
    static func money(_ m: Money) -> String {
        decimal(m.minorUnits, digits: m.minorDigits) + " " + m.currency
    }

    /// An integer count of minor units written with `digits` decimals.
    static func decimal(_ minor: Int64, digits: Int) -> String {
        let negative = minor < 0
        var s = String(minor.magnitude)
        if digits > 0 {
            if s.count <= digits { s = String(repeating: "0", count: digits - s.count + 1) + s }
            s.insert(".", at: s.index(s.endIndex, offsetBy: -digits))
        }
        return negative ? "-" + s : s
    }

    /// `15%`, `12.5%`.
    static func percent(_ d: Double) -> String {
        guard let dec = Numeric.decimal(d) else { return number(d * 100) + "%" }
        let hundred = dec * 100
        return (Double(hundred.description).map(number) ?? hundred.description) + "%"
    }

    /// `1h30m`, `45s`, `50h`, `-15m`, `0h`.
    static func duration(_ seconds: Int64) -> String {
        if seconds == 0 { return "0h" }
        let a = seconds.magnitude
        let h = a / 3600, m = a / 60 % 60, s = a % 60
        var out = seconds < 0 ? "-" : ""
        if h > 0 { out += "\(h)h" }
        if m > 0 { out += "\(m)m" }
        if s > 0 { out += "\(s)s" }
        return out
    }

    /// `2026-11-20 10:30` (with `:15` seconds when not zero) in a zone.
    static func datetime(_ t: Instant, _ zone: TimeZoneRules) -> String {
        let local = t.localTime(in: zone)
        return local.date.iso + " " + clock(local.secondsOfDay)
    }

    static func clock(_ secondsOfDay: Int) -> String {
        let h = secondsOfDay / 3600, m = secondsOfDay / 60 % 60, s = secondsOfDay % 60
        var out = two(h) + ":" + two(m)
        if s != 0 { out += ":" + two(s) }
        return out
    }

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    static let weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// A date and time of day through a pattern: `yyyy` year, `MM` month, `dd` day, `HH` hour,
    /// `mm` minute, `ss` second, `EEE` weekday (`Mon`), `MMM` month (`Nov`); text in single
    /// quotes is copied as is (`''` is a quote); every other character is copied.
    static func format(date: CivilDate, secondsOfDay: Int, pattern: String) -> String {
        let c = date.components
        let p = Array(pattern)
        var out = ""
        var i = 0
        func run(_ ch: Character) -> Int {
            var n = 0
            while i + n < p.count, p[i + n] == ch { n += 1 }
            return n
        }
        while i < p.count {
            let ch = p[i]
            if ch == "'" {
                if i + 1 < p.count, p[i + 1] == "'" { out.append("'"); i += 2; continue }
                i += 1
                while i < p.count, p[i] != "'" { out.append(p[i]); i += 1 }
                i += 1
                continue
            }
            let n = run(ch)
            switch (ch, n) {
            case ("y", 4...): out += String(repeating: "0", count: max(0, n - String(c.year).count)) + String(c.year)
            case ("y", 2): out += two(((c.year % 100) + 100) % 100)
            case ("M", 3...): out += monthNames[c.month - 1]
            case ("M", 2): out += two(c.month)
            case ("M", 1): out += String(c.month)
            case ("d", 2...): out += two(c.day)
            case ("d", 1): out += String(c.day)
            case ("E", _): out += weekdayNames[date.weekday - 1]
            case ("H", 2...): out += two(secondsOfDay / 3600)
            case ("H", 1): out += String(secondsOfDay / 3600)
            case ("m", 2...): out += two(secondsOfDay / 60 % 60)
            case ("m", 1): out += String(secondsOfDay / 60 % 60)
            case ("s", 2...): out += two(secondsOfDay % 60)
            case ("s", 1): out += String(secondsOfDay % 60)
            default: out += String(repeating: String(ch), count: n)
            }
            i += n
        }
        return out
    }

    /// A number through a pattern: `0` (whole), `0.00` (two decimals), `#,##0.00` (grouped with `,`).
    /// Decimals are rounded half away from zero; anything after the digits (`%` excepted) is a suffix.
    static func format(number: Double, pattern: String) -> String? {
        guard let first = pattern.firstIndex(where: { "0#".contains($0) }) else { return nil }
        let prefix = String(pattern[..<first])
        var rest = pattern[first...]
        var body = ""
        while let ch = rest.first, "0#,.".contains(ch) { body.append(ch); rest = rest.dropFirst() }
        let suffix = String(rest)
        let grouping = body.contains(",")
        let decimals = body.split(separator: ".", omittingEmptySubsequences: false).dropFirst().first.map { $0.filter { $0 == "0" || $0 == "#" }.count } ?? 0
        let value = suffix.hasPrefix("%") ? number * 100 : number
        guard let dec = Numeric.decimal(value) else { return nil }
        var source = dec, r = Decimal()
        NSDecimalRound(&r, &source, decimals, .plain)
        let negative = r < 0
        var s = (negative ? -r : r).description
        var (whole, fraction) = (s, "")
        if let dot = s.firstIndex(of: ".") { whole = String(s[..<dot]); fraction = String(s[s.index(after: dot)...]) }
        fraction += String(repeating: "0", count: max(0, decimals - fraction.count))
        if grouping {
            var grouped = ""
            for (k, ch) in whole.reversed().enumerated() {
                if k > 0 && k % 3 == 0 { grouped.append(",") }
                grouped.append(ch)
            }
            whole = String(grouped.reversed())
        }
        s = whole + (decimals > 0 ? "." + fraction : "")
        return prefix + (negative ? "-" : "") + s + suffix
    }
}

/// Reads the datetime literals the lexer accepts: `2026-11-20T10:30`, `...T10:30:15.250`,
/// `...Z`, `...+01:00`. Without an offset the time is a wall-clock time in the base's zone.
struct DatetimeLiteral: Sendable, Hashable {
    var date: CivilDate
    var secondsOfDay: Int
    var millisecond: Int
    /// Seconds east of UTC when written; nil for a wall-clock time.
    var offset: Int?

    init?(_ text: String) {
        let s = Array(text.unicodeScalars)
        func num(_ a: Int, _ n: Int) -> Int? {
            guard a + n <= s.count else { return nil }
            var v = 0
            for k in a..<(a + n) {
                guard let d = s[k].properties.numericType != nil ? Int(String(s[k])) : nil else { return nil }
                v = v * 10 + d
            }
            return v
        }
        guard s.count >= 16, let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), s[10] == "T",
              let h = num(11, 2), let mi = num(14, 2), let date = CivilDate(year: y, month: mo, day: d) else { return nil }
        var i = 16
        var sec = 0, ms = 0
        if i < s.count, s[i] == ":" {
            guard let v = num(i + 1, 2) else { return nil }
            sec = v; i += 3
            if i < s.count, s[i] == "." {
                i += 1
                var digits = 0, frac = 0
                while i < s.count, let v = num(i, 1) {
                    if digits < 3 { frac = frac * 10 + v }
                    digits += 1; i += 1
                }
                if digits < 3 { for _ in digits..<3 { frac *= 10 } }
                ms = frac
            }
        }
        var offset: Int?
        if i < s.count {
            if s[i] == "Z" { offset = 0; i += 1 } else if s[i] == "+" || s[i] == "-" {
                guard let oh = num(i + 1, 2), s.count > i + 3, s[i + 3] == ":", let om = num(i + 4, 2) else { return nil }
                offset = (s[i] == "-" ? -1 : 1) * (oh * 3600 + om * 60)
                i += 6
            }
        }
        guard i == s.count, h < 24, mi < 60, sec < 60 else { return nil }
        self.date = date; self.secondsOfDay = h * 3600 + mi * 60 + sec; self.millisecond = ms; self.offset = offset
    }

    func instant(in rules: TimeZoneRules) -> Instant {
        if let offset { return Instant(date: date, secondsOfDay: secondsOfDay, millisecond: millisecond, offsetSeconds: offset) }
        return Instant(date: date, secondsOfDay: secondsOfDay, millisecond: millisecond, rules: rules)
    }
}
