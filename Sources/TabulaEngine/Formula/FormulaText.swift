import Foundation

/// How formulas turn values into text: for `&`, `join`, `text()`, `format_date` and `to_timezone`.
/// Plain values go through the value layer's formatting, so a formula shows a value as a cell does.
enum FormulaText {
    /// A value as text, as the value layer formats it (`Value.formatted(context:)`): `1500.50 EUR`,
    /// `15%`, `1:30`, `2026-11-20 10:30` in the base's zone, lists joined by `, `, blank as "".
    @inline(__always) static func display(_ v: Value, _ context: ValueContext, _ env: FormulaEnvironment) -> String {
        if case .text(let s) = v { return s }
        return v.formatted(context: context)
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
