/// Why a text typed by a user (a CLI argument, a CSV cell) is not a value of a field's type:
/// what was expected and what came, with an example of a good input in the hint.
public struct ValueParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line saying what was expected, e.g. `expected a date like 2026-11-20, got "20.11.2026"`.
    public var message: String
    /// A way to fix it, e.g. `dates are written year-month-day`.
    public var hint: String?

    /// An error with its message and an optional hint.
    public init(_ message: String, hint: String? = nil) {
        self.message = message; self.hint = hint
    }

    /// The message, and the hint after a semicolon.
    public var description: String { hint.map { "\(message); \($0)" } ?? message }
}

extension ValueText {
    /// Quotes user input for a message, shortened when long.
    static func quoted(_ s: Substring) -> String {
        let limit = 40
        let shown = s.count > limit ? s.prefix(limit) + "…" : s
        var out = "\""
        for c in shown { out += c == "\"" ? "\\\"" : String(c) }
        return out + "\""
    }
}

private let monthNames = ["January", "February", "March", "April", "May", "June", "July",
                          "August", "September", "October", "November", "December"]

extension ValueType {
    /// Parses text typed by a user (a CLI argument, a CSV cell) as a value of this type.
    /// Empty or whitespace-only text is `.blank`, for every type.
    ///
    /// What each type reads (surrounding whitespace is ignored except by `text` and `any`):
    /// - `text`, `any`: the text as is, untrimmed.
    /// - `number`: a decimal with an optional exponent: `1500.5`, `-3`, `1e3`, `1 500,5`,
    ///   `1,500.5`, `1.500,5`. Separators follow one grammar for every numeric type: spaces and
    ///   apostrophes group thousands; when `.` and `,` both occur the last one is the decimal
    ///   separator; a single `.` or `,` is the decimal separator, except that `1,500` (a lone
    ///   comma after 1–3 digits, followed by exactly three, no other separator) groups thousands.
    /// - `integer` (and autonumber fields): a whole number in Int64; `1.5` is refused.
    /// - `percent`: `15%` or `15` (a bare number is percent points) → 0.15; `0.5%` → 0.005.
    /// - `currency(CODE)`: an exact decimal, never through a Double: `1500.50`, `1 500,50`,
    ///   `1,500.50`, `-12`, `1500.50 EUR`, `EUR 1500.50`, `€1500.50`. A different code is
    ///   refused, as are more decimals than the currency has (`1.500` in EUR is an error, not
    ///   1.50), and amounts beyond Int64 minor units. An empty code means the context's currency.
    /// - `bool`: true/false, yes/no, 1/0, in any case.
    /// - `date`: `2026-11-20`.
    /// - `datetime`: ISO 8601 with or without an offset, `T` or a space between date and time:
    ///   `2026-11-20 10:30`, `2026-11-20T10:30:00Z`, `2026-11-20T10:30:00.250+01:00`; a fraction
    ///   of a second is rounded to milliseconds. Without an offset the time is local to
    ///   `context.timeZone` (a time skipped by DST moves forward by the gap; a repeated time is
    ///   the earlier instant). A date alone is local midnight.
    /// - `duration`: `1:30` (h:mm), `1:30:15` (h:mm:ss), `1h30m`, `1h 30m`, `90m`, `1.5h`,
    ///   `45s`, `2d` (24 hours), a bare number counts hours (`1.5` = 1:30, as in timesheets);
    ///   a leading `-` for negative. Rounded to whole seconds.
    /// - `select(options)`: one option, matched case-insensitively, giving its declared spelling.
    /// - `tags(options)`: comma-separated options, duplicates dropped, in the order typed.
    /// - `link`: `#12`, a row id. (The engine looks up a row by its primary value before this.)
    /// - `list(T)`: cannot be typed; always an error.
    public func parse(_ text: String, context: ValueContext) throws(ValueParseError) -> Value {
        let trimmed = Substring(text).trimmingWhitespace()
        if trimmed.isEmpty { return .blank }
        switch self {
        case .text, .any:
            return .text(text)
        case .number:
            return .number(try ValueReader.number(trimmed))
        case .integer:
            return .integer(try ValueReader.integer(trimmed))
        case .percent:
            return .percent(try ValueReader.percent(trimmed))
        case .currency(let code):
            return .money(try ValueReader.money(trimmed, currency: code.isEmpty ? context.currency : code))
        case .bool:
            return .bool(try ValueReader.bool(trimmed))
        case .date:
            return .date(try ValueReader.date(trimmed))
        case .datetime:
            return .datetime(try ValueReader.datetime(trimmed, zone: TimeZoneRules.named(context.timeZone)))
        case .duration:
            return .duration(try ValueReader.duration(trimmed))
        case .select(let options):
            return .text(try ValueReader.option(trimmed, options: options, many: false))
        case .tags(let options):
            var seen: [String] = []
            for part in trimmed.split(separator: ",") {
                let item = part.trimmingWhitespace()
                if item.isEmpty { continue }
                let option = try ValueReader.option(item, options: options, many: true)
                if !seen.contains(option) { seen.append(option) }
            }
            return seen.isEmpty ? .blank : .list(seen.map { .text($0) })
        case .link:
            return .link(try ValueReader.rowID(trimmed))
        case .list:
            throw ValueParseError("a \(displayName) value cannot be typed in as text",
                                  hint: "lists come from mirrors, formulas and multiple links; set the field they are computed from")
        }
    }
}

/// The readers behind `ValueType.parse`, one per type. Input is trimmed and not empty.
enum ValueReader {
    static func number(_ s: Substring) throws(ValueParseError) -> Double {
        let hint = "for example 1500.5, -3, 1 500,5 or 1e3"
        switch ValueText.parseDecimalLiteral(s, allowExponent: true) {
        case .failure(let problem):
            throw ValueParseError(expected("a number", s, problem), hint: hint)
        case .success(let literal):
            guard let d = literal.double() else { throw ValueParseError("number \(ValueText.quoted(s)) is too large", hint: hint) }
            return d
        }
    }

    static func integer(_ s: Substring) throws(ValueParseError) -> Int64 {
        let hint = "for example 42, -7 or 1 500"
        switch ValueText.parseDecimalLiteral(s, allowExponent: false) {
        case .failure(.exponentNotAllowed), .failure(.twoDecimalSeparators):
            throw ValueParseError("expected a whole number, got \(ValueText.quoted(s))", hint: hint)
        case .failure(let problem):
            throw ValueParseError(expected("a whole number", s, problem), hint: hint)
        case .success(let literal):
            guard literal.fractionDigits.isEmpty, !literal.integerDigits.isEmpty,
                  !s.hasSuffix("."), !s.hasSuffix(",") else {
                throw ValueParseError("expected a whole number, got \(ValueText.quoted(s))", hint: hint)
            }
            var magnitude: UInt64 = 0
            for d in literal.integerDigits {
                let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(d))
                guard !o1, !o2 else { magnitude = .max; break }
                magnitude = a
            }
            guard let value = Money.signed(magnitude, negative: literal.negative) else {
                throw ValueParseError("\(ValueText.quoted(s)) is out of range for a whole number",
                                      hint: "whole numbers run from \(Int64.min) to \(Int64.max)")
            }
            return value
        }
    }

    static func percent(_ s: Substring) throws(ValueParseError) -> Double {
        let hint = "a bare number is in percent points: 15 means 15%, 0.5 means 0.5%"
        var body = s
        if body.last == "%" { body = body.dropLast().trimmingWhitespace() }
        switch ValueText.parseDecimalLiteral(body, allowExponent: true) {
        case .failure(let problem):
            throw ValueParseError(expected("a percentage like 15% or 12.5", s, problem), hint: hint)
        case .success(let literal):
            guard let d = literal.double(shift: -2) else { throw ValueParseError("percentage \(ValueText.quoted(s)) is too large", hint: hint) }
            return d
        }
    }

    /// Currency symbols read as their code. `$` means USD only; other dollars need their code.
    private static let symbols: [Character: String] = [
        "€": "EUR", "£": "GBP", "₽": "RUB", "₴": "UAH", "₸": "KZT", "₹": "INR", "¥": "JPY", "$": "USD", "₺": "TRY", "₪": "ILS",
    ]

    static func money(_ s: Substring, currency: String) throws(ValueParseError) -> Money {
        let digits = Money.minorDigits(of: currency)
        var hint: String {
            let example = Money(minorUnits: 150_050 * Int64(pow10(digits)) / 100, currency: currency)
            return "for example \(example.decimalString), \(example.description) or -12"
        }
        var body = s
        var negativeOutside = false
        var written: String? = nil
        // A leading sign may stand before a code or symbol: -EUR 12, -€12.
        if let f = body.first, f == "-" || f == "\u{2212}", body.dropFirst().first.map({ $0.isLetter || symbols[$0] != nil }) == true {
            negativeOutside = true; body = body.dropFirst()
        }
        if let f = body.first, let code = symbols[f] {
            written = code; body = body.dropFirst().trimmingWhitespace()
        } else if let l = body.last, let code = symbols[l] {
            written = code; body = body.dropLast().trimmingWhitespace()
        } else if body.count > 3, body.prefix(3).allSatisfy({ $0.isASCII && $0.isLetter }),
                  !body.dropFirst(3).first!.isLetter {
            written = body.prefix(3).uppercased(); body = body.dropFirst(3).trimmingWhitespace()
        } else if body.count > 3, body.suffix(3).allSatisfy({ $0.isASCII && $0.isLetter }),
                  !body.dropLast(3).last!.isLetter {
            written = body.suffix(3).uppercased(); body = body.dropLast(3).trimmingWhitespace()
        }
        if let written, written != currency {
            throw ValueParseError("the amount \(ValueText.quoted(s)) is in \(written), but this field holds \(currency)",
                                  hint: "convert it first, or write the amount without a code")
        }
        var literal: DecimalLiteral
        switch ValueText.parseDecimalLiteral(body, allowExponent: false) {
        case .failure(let problem):
            throw ValueParseError(expected("an amount of \(currency)", s, problem), hint: hint)
        case .success(let l):
            literal = l
        }
        if negativeOutside {
            guard !literal.negative, !(body.first == "+") else {
                throw ValueParseError("expected an amount of \(currency), got \(ValueText.quoted(s)): two signs", hint: hint)
            }
            literal.negative = true
        }
        switch Money.minorUnits(of: literal, currency: currency) {
        case .success(let units):
            return Money(minorUnits: units, currency: currency)
        case .failure(.tooManyDecimals):
            let has = digits == 0 ? "has no decimals" : digits == 1 ? "has 1 decimal" : "has \(digits) decimals"
            throw ValueParseError("\(ValueText.quoted(s)) has too many decimals: \(currency) \(has)", hint: hint)
        case .failure(.overflow):
            let limit = Money(minorUnits: .max, currency: currency)
            throw ValueParseError("the amount \(ValueText.quoted(s)) is too large",
                                  hint: "amounts of \(currency) run up to \(limit.decimalString)")
        }
    }

    private static func pow10(_ n: Int) -> Int {
        var p = 1
        for _ in 0..<n { p *= 10 }
        return p
    }

    static func bool(_ s: Substring) throws(ValueParseError) -> Bool {
        switch s.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default:
            throw ValueParseError("expected true or false, got \(ValueText.quoted(s))", hint: "also accepted: yes or no, 1 or 0")
        }
    }

    static func date(_ s: Substring) throws(ValueParseError) -> CivilDate {
        switch CivilDate.parseISO(s) {
        case .success(let date): return date
        case .failure(.noSuchDay(let year, let month)):
            throw noSuchDay(s, year: year, month: month)
        case .failure(.syntax):
            throw ValueParseError("expected a date like 2026-11-20, got \(ValueText.quoted(s))",
                                  hint: "dates are written year-month-day, with four-digit years and two-digit months and days")
        }
    }

    private static func noSuchDay(_ s: Substring, year: Int, month: Int) -> ValueParseError {
        let days = CivilDate.daysInMonth(year: year, month: month)
        return ValueParseError("there is no day \(ValueText.quoted(s)): \(monthNames[month - 1]) \(year) has \(days) days",
                               hint: "the last day of that month is \(CivilDate(year: year, month: month, day: days)?.iso ?? "")")
    }

    static func datetime(_ s: Substring, zone: TimeZoneRules) throws(ValueParseError) -> Instant {
        let hint = "for example 2026-11-20 10:30, 2026-11-20T10:30:00+01:00 or 2026-11-20 for midnight"
        func bad(_ detail: String? = nil) -> ValueParseError {
            ValueParseError("expected a date and time like 2026-11-20 10:30, got \(ValueText.quoted(s))" + (detail.map { ": " + $0 } ?? ""), hint: hint)
        }
        var sc = ValueScanner(s)
        guard let parts = sc.scanDateParts() else { throw bad() }
        guard (1...12).contains(parts.month) else { throw bad("month must be 01 to 12") }
        guard let date = CivilDate(year: parts.year, month: parts.month, day: parts.day) else {
            throw noSuchDay(s, year: parts.year, month: parts.month)
        }
        if sc.isAtEnd { return Instant(date: date, secondsOfDay: 0, rules: zone) }
        if sc.eat("T") || sc.eat("t") {
            // ISO separator
        } else if let c = sc.peek, c.properties.isWhitespace {
            sc.skipSpaces()
        } else {
            throw bad()
        }
        let hourDigits = sc.digits(max: 2)
        guard !hourDigits.isEmpty, sc.eat(":"), let minute = sc.fixedDigits(2) else { throw bad("the time is written hh:mm") }
        let hour = hourDigits.reduce(0) { $0 * 10 + Int($1) }
        var second = 0, millisecond = 0
        if sc.eat(":") {
            guard let sec = sc.fixedDigits(2) else { throw bad("seconds are written with two digits") }
            second = sec
            if sc.eat(".") || sc.eat(",") {
                let fraction = sc.digits()
                guard !fraction.isEmpty else { throw bad("digits must follow the decimal point") }
                let padded = fraction + [0, 0, 0]
                millisecond = Int(padded[0]) * 100 + Int(padded[1]) * 10 + Int(padded[2])
                if padded[3] >= 5 { millisecond += 1 }  // rounded to the nearest millisecond
            }
        }
        guard hour < 24 else { throw bad("the hour must be 00 to 23") }
        guard minute < 60 else { throw bad("minutes must be 00 to 59") }
        guard second < 60 else { throw bad("seconds must be 00 to 59") }
        let secondsOfDay = hour * 3600 + minute * 60 + second
        sc.skipSpaces()
        if sc.isAtEnd { return Instant(date: date, secondsOfDay: secondsOfDay, millisecond: millisecond, rules: zone) }
        var offset = 0
        if sc.eat("Z") || sc.eat("z") {
            offset = 0
        } else if let sign = sc.eat(anyOf: ["+", "-", "\u{2212}"]) {
            guard let oh = sc.fixedDigits(2) else { throw bad("an offset is written +01:00") }
            var om = 0, os = 0
            if sc.eat(":") {
                guard let m = sc.fixedDigits(2) else { throw bad("an offset is written +01:00") }
                om = m
                if sc.eat(":") {
                    guard let x = sc.fixedDigits(2) else { throw bad("an offset is written +01:00") }
                    os = x
                }
            } else if let m = sc.fixedDigits(2) {
                om = m
            }
            guard oh <= 18, om < 60, os < 60 else { throw bad("the offset is out of range") }
            offset = (oh * 3600 + om * 60 + os) * (sign == "+" ? 1 : -1)
        } else {
            throw bad("unexpected \(ValueText.quoted(Substring(sc.rest)))")
        }
        guard sc.isAtEnd else { throw bad("unexpected \(ValueText.quoted(Substring(sc.rest)))") }
        return Instant(date: date, secondsOfDay: secondsOfDay, millisecond: millisecond, offsetSeconds: offset)
    }

    private static let units: [String: UInt64] = [
        "d": 86_400, "day": 86_400, "days": 86_400,
        "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
        "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
        "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    ]

    static func duration(_ s: Substring) throws(ValueParseError) -> Int64 {
        let hint = "a bare number counts hours: 1.5 is 1:30; units are d, h, m and s"
        func bad(_ detail: String? = nil) -> ValueParseError {
            ValueParseError("expected a duration like 1:30, 1h 30m or 90m, got \(ValueText.quoted(s))" + (detail.map { ": " + $0 } ?? ""), hint: hint)
        }
        func tooLong() -> ValueParseError {
            ValueParseError("the duration \(ValueText.quoted(s)) is too long", hint: "durations run up to \(Int64.max / 3600) hours")
        }
        var body = s
        var negative = false
        if let f = body.first, f == "-" || f == "\u{2212}" || f == "+" {
            negative = f != "+"; body = body.dropFirst()
        }
        guard let first = body.first, first.isASCII, first.isNumber || first == "." else { throw bad() }

        var whole: UInt64 = 0           // exact whole seconds
        var fractional = 0.0            // seconds from fractions of units, rounded once at the end
        func add(_ n: UInt64, times unit: UInt64) throws(ValueParseError) {
            let (p, o1) = n.multipliedReportingOverflow(by: unit)
            let (sum, o2) = whole.addingReportingOverflow(p)
            guard !o1, !o2 else { throw tooLong() }
            whole = sum
        }
        /// Reads digits with an optional `.` or `,` fraction.
        func number(_ sc: inout ValueScanner) throws(ValueParseError) -> (UInt64, Double)? {
            let intDigits = sc.digits()
            var fraction = 0.0
            if let sep = sc.peek, sep == "." || sep == "," {
                sc.advance()
                let f = sc.digits()
                guard !f.isEmpty else { throw bad() }
                fraction = Double("0." + f.map(String.init).joined())!
            } else if intDigits.isEmpty {
                return nil
            }
            var n: UInt64 = 0
            for d in intDigits {
                let (m, o1) = n.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(d))
                guard !o1, !o2 else { throw tooLong() }
                n = a
            }
            return (n, fraction)
        }

        var sc = ValueScanner(body)
        if body.contains(":") {
            // h:mm or h:mm:ss
            let hours = sc.digits()
            guard !hours.isEmpty, sc.eat(":"), let minutes = sc.fixedDigits(2) else { throw bad("write hours:minutes, as in 1:30") }
            var seconds = 0
            if sc.eat(":") {
                guard let x = sc.fixedDigits(2) else { throw bad("write hours:minutes:seconds, as in 1:30:15") }
                seconds = x
            }
            guard sc.isAtEnd else { throw bad() }
            guard minutes < 60 else { throw bad("minutes must be 00 to 59") }
            guard seconds < 60 else { throw bad("seconds must be 00 to 59") }
            var h: UInt64 = 0
            for d in hours {
                let (m, o1) = h.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(d))
                guard !o1, !o2 else { throw tooLong() }
                h = a
            }
            try add(h, times: 3600)
            try add(UInt64(minutes * 60 + seconds), times: 1)
        } else if body.contains(where: { $0.isLetter }) {
            // 1h 30m, 90m, 1.5h, 2d
            while true {
                sc.skipSpaces()
                if sc.isAtEnd { break }
                guard let (n, fraction) = try number(&sc) else { throw bad() }
                sc.skipSpaces()
                var word = ""
                while let c = sc.peek, c.properties.isAlphabetic { word.unicodeScalars.append(c); sc.advance() }
                guard !word.isEmpty else { throw bad("each number needs a unit") }
                guard let unit = units[word.lowercased()] else {
                    throw ValueParseError("unknown unit \(ValueText.quoted(Substring(word))) in the duration \(ValueText.quoted(s))", hint: hint)
                }
                try add(n, times: unit)
                fractional += fraction * Double(unit)
            }
        } else {
            // A bare number counts hours.
            guard let (n, fraction) = try number(&sc), sc.isAtEnd else { throw bad() }
            try add(n, times: 3600)
            fractional += fraction * 3600
        }
        try add(UInt64(fractional.rounded(.toNearestOrAwayFromZero)), times: 1)
        guard let value = Money.signed(whole, negative: negative) else { throw tooLong() }
        return value
    }

    static func option(_ s: Substring, options: [String], many: Bool) throws(ValueParseError) -> String {
        let text = String(s)
        if let exact = options.first(where: { $0 == text }) { return exact }
        let lower = text.lowercased()
        if let match = options.first(where: { $0.lowercased() == lower }) { return match }
        guard !options.isEmpty else {
            throw ValueParseError("\(ValueText.quoted(s)) is not an option: this field has no options",
                                  hint: "add the option to the field's type in the schema")
        }
        let list = options.joined(separator: ", ")
        let suggestion = didYouMean(lower, options)
        throw ValueParseError("\(ValueText.quoted(s)) is not an option; expected \(many ? "any" : "one") of: \(list)",
                              hint: suggestion.map { "did you mean \"\($0)\"?" }
                                ?? (many ? "separate several options with commas" : "options are matched ignoring case"))
    }

    /// The option closest to a mistyped one, if any is close: a unique prefix, or a small edit distance.
    static func didYouMean(_ lower: String, _ options: [String]) -> String? {
        let prefixed = options.filter { $0.lowercased().hasPrefix(lower) }
        if prefixed.count == 1 { return prefixed[0] }
        var best: (String, Int)? = nil
        for option in options {
            let d = editDistance(Array(lower), Array(option.lowercased()))
            if d <= max(2, option.count / 3), best == nil || d < best!.1 { best = (option, d) }
        }
        return best?.0
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    static func rowID(_ s: Substring) throws(ValueParseError) -> RowID {
        if s.first == "#", let id = Int64(s.dropFirst()), id > 0, s.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) {
            return id
        }
        throw ValueParseError("expected a row id like #12 or the row's primary value, got \(ValueText.quoted(s))",
                              hint: "list the table's rows to see their ids")
    }

    /// "expected X, got "s"", with the grammar's detail when it has one.
    private static func expected(_ what: String, _ s: Substring, _ problem: DecimalProblem) -> String {
        "expected \(what), got \(ValueText.quoted(s))" + (problem.detail.map { ": " + $0 } ?? "")
    }
}
