/// The one lexer of the schema, formula and report languages.
///
/// It turns a `SourceText` into tokens on demand. Errors (an unterminated string, a month 13)
/// are collected in `diagnostics` and lexing goes on, so one pass reports them all.
public struct Lexer: Sendable {
    public let source: SourceText
    /// The scalar offset of the next character to read.
    public private(set) var offset: Int
    public private(set) var diagnostics: [Diagnostic] = []
    private var sawNewline: Bool
    private let scalars: [Unicode.Scalar]
    /// The offset where the text to read ends (the end of the source, or of a part of it).
    public let limit: Int

    /// A lexer reading `source` from `offset` up to `limit` (the end when nil); `precededByNewline`
    /// is what the first token reports when no line break precedes it in the text read.
    /// Reading a part of a text, such as a report query saved in a schema file, keeps the
    /// diagnostics' line and column numbers those of the whole file.
    public init(_ source: SourceText, offset: Int = 0, limit: Int? = nil, precededByNewline: Bool = true) {
        self.source = source
        self.scalars = source.scalars
        self.offset = offset
        self.limit = min(limit ?? source.scalars.count, source.scalars.count)
        self.sawNewline = precededByNewline
    }

    /// All tokens of a text, ending with an `.end` token, and the lexical errors.
    public static func tokenize(_ source: SourceText) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var lexer = Lexer(source)
        var tokens: [Token] = []
        while true {
            let token = lexer.next()
            tokens.append(token)
            if token.kind == .end { break }
        }
        return (tokens, lexer.diagnostics)
    }

    /// Moves back (or forward) to `offset`, forgetting the diagnostics found at or after it.
    public mutating func reset(to offset: Int, precededByNewline: Bool) {
        self.offset = offset
        self.sawNewline = precededByNewline
        diagnostics.removeAll { $0.range.start.offset >= offset }
    }

    /// The next token. With `braceOpensBlock`, a `{` is the punctuation opening a table block
    /// instead of the start of a braced name.
    public mutating func next(braceOpensBlock: Bool = false) -> Token {
        var newline = false
        while true {
            skipTrivia()
            newline = newline || sawNewline
            sawNewline = false
            if let token = lexToken(braceOpensBlock: braceOpensBlock) {
                return token.with(precededByNewline: newline)
            }
        }
    }

    /// One token at the current offset, or nil after reporting and skipping a stray character.
    private mutating func lexToken(braceOpensBlock: Bool) -> Token? {
        let start = offset
        guard let c = at(offset) else {
            return Token(kind: .end, text: "", range: range(start, start), precededByNewline: false)
        }
        var token: Token
        if isDigit(c) {
            token = lexNumberLike()
        } else if Lexer.isIdentifierStart(c) {
            while let s = at(offset), Lexer.isIdentifierContinue(s) { offset += 1 }
            token = make(.identifier, from: start)
        } else if c == "\"" || c == "'" {
            token = lexString(quote: c)
        } else if c == "{" && !braceOpensBlock {
            token = lexBracedName()
        } else if let symbol = lexSymbol() {
            token = make(.symbol(symbol), from: start)
        } else {
            offset += 1
            let hint: String? = c == "!" ? "write '!=' for 'not equal', or 'not' to negate" : nil
            error("unexpected character '\(Character(c))'", from: start, hint: hint)
            return nil
        }
        return token
    }

    // MARK: - Characters

    /// A letter or `_`.
    public static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic
    }

    /// A letter, a digit, `_` or a combining mark.
    public static func isIdentifierContinue(_ c: Unicode.Scalar) -> Bool {
        if c == "_" || c.properties.isAlphabetic || c.properties.numericType != nil { return true }
        switch c.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .connectorPunctuation: return true
        default: return false
        }
    }

    private func at(_ i: Int) -> Unicode.Scalar? { i < limit ? scalars[i] : nil }
    private func isDigit(_ c: Unicode.Scalar?) -> Bool { c.map { $0 >= "0" && $0 <= "9" } ?? false }

    private func range(_ a: Int, _ b: Int) -> SourceRange {
        SourceRange(start: source.location(of: a), end: source.location(of: b))
    }

    private func text(_ a: Int, _ b: Int) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[a..<b])
        return String(s)
    }

    private func make(_ kind: Token.Kind, from start: Int) -> Token {
        Token(kind: kind, text: text(start, offset), range: range(start, offset), precededByNewline: false)
    }

    private mutating func error(_ message: String, from a: Int, to b: Int? = nil, hint: String? = nil) {
        diagnostics.append(Diagnostic(message, at: range(a, max(a, b ?? offset)), hint: hint))
    }

    private mutating func skipTrivia() {
        while let c = at(offset) {
            if c == "\n" {
                sawNewline = true; offset += 1
            } else if c == " " || c == "\t" || c == "\r" || c == "\u{FEFF}" || c.properties.isWhitespace {
                offset += 1
            } else if c == "#" || (c == "/" && at(offset + 1) == "/") {
                while let s = at(offset), s != "\n" { offset += 1 }
            } else {
                return
            }
        }
    }

    private mutating func lexSymbol() -> Symbol? {
        guard let c = at(offset) else { return nil }
        let two = at(offset + 1).map { String(Character(c)) + String(Character($0)) } ?? ""
        if let s = Symbol(rawValue: two), two.count == 2 { offset += 2; return s }
        if let s = Symbol(rawValue: String(Character(c))) { offset += 1; return s }
        return nil
    }

    // MARK: - Strings and braced names

    private mutating func lexString(quote: Unicode.Scalar) -> Token {
        let start = offset
        offset += 1
        var value = String.UnicodeScalarView()
        while true {
            guard let c = at(offset), c != "\n" else {
                error("unterminated string", from: start,
                      hint: "close it with \(Character(quote)) on the same line; write \\n for a line break")
                break
            }
            if c == quote { offset += 1; break }
            if c == "\\" {
                let escapeStart = offset
                offset += 1
                switch at(offset) {
                case "\"": value.append("\""); offset += 1
                case "'": value.append("'"); offset += 1
                case "\\": value.append("\\"); offset += 1
                case "n": value.append("\n"); offset += 1
                case "t": value.append("\t"); offset += 1
                case "u":
                    offset += 1
                    if let scalar = lexUnicodeEscape(from: escapeStart) { value.append(scalar) }
                default:
                    if let e = at(offset), e != "\n" { offset += 1 }
                    error("unknown escape '\(text(escapeStart, offset))' in a string", from: escapeStart,
                          hint: "the escapes are \\\" \\' \\\\ \\n \\t and \\u{1F600}")
                }
                continue
            }
            value.append(c)
            offset += 1
        }
        var token = make(.string, from: start)
        token.text = String(value)
        return token
    }

    private mutating func lexUnicodeEscape(from escapeStart: Int) -> Unicode.Scalar? {
        let hint = "write a Unicode escape as \\u{XXXX} with 1 to 8 hex digits"
        guard at(offset) == "{" else {
            error("invalid Unicode escape", from: escapeStart, hint: hint); return nil
        }
        offset += 1
        var digits = ""
        while let c = at(offset), c.properties.isASCIIHexDigit { digits.unicodeScalars.append(c); offset += 1 }
        guard at(offset) == "}", !digits.isEmpty, digits.count <= 8 else {
            error("invalid Unicode escape", from: escapeStart, hint: hint); return nil
        }
        offset += 1
        guard let v = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(v) else {
            error("'\(digits)' is not a Unicode scalar value", from: escapeStart); return nil
        }
        return scalar
    }

    private mutating func lexBracedName() -> Token {
        let start = offset
        offset += 1
        while let c = at(offset), c != "}", c != "\n" { offset += 1 }
        let inner = text(start + 1, offset)
        if at(offset) == "}" {
            offset += 1
            if inner.isEmpty { error("empty braced name", from: start, hint: "write a name inside the braces: {Hours billed}") }
        } else {
            error("unterminated braced name", from: start, hint: "close it with '}' on the same line")
        }
        var token = make(.bracedName, from: start)
        token.text = inner
        return token
    }

    // MARK: - Numbers, durations, dates

    private mutating func digits() -> String {
        let a = offset
        while isDigit(at(offset)) { offset += 1 }
        return text(a, offset)
    }

    private mutating func lexNumberLike() -> Token {
        let start = offset
        let first = digits()
        if first.count == 4, at(offset) == "-",
           let n = at(offset + 1), isDigit(n) || "WwQq".unicodeScalars.contains(n) {
            return lexDateLike(start: start, year: Int(first)!)
        }
        if at(offset) == ".", isDigit(at(offset + 1)) { offset += 1; _ = digits() }
        if at(offset) == "e" || at(offset) == "E" {
            let sign = at(offset + 1) == "+" || at(offset + 1) == "-" ? 1 : 0
            if isDigit(at(offset + 1 + sign)) { offset += 1 + sign; _ = digits() }
        }
        if let c = at(offset), Lexer.isIdentifierContinue(c) {
            return lexDuration(start: start)
        }
        return make(.number, from: start)
    }

    private static let unitSeconds: [(Unicode.Scalar, Int64)] = [("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]

    /// `1h30m`: a number already read, then unit letters and further parts.
    private mutating func lexDuration(start: Int) -> Token {
        offset = start
        var total = 0.0
        var exact: Int64? = 0
        var lastRank = -1
        var failed: String? = nil
        while isDigit(at(offset)) {
            let numberStart = offset
            _ = digits()
            if at(offset) == ".", isDigit(at(offset + 1)) { offset += 1; _ = digits() }
            let numberText = text(numberStart, offset)
            guard let unit = at(offset).map({ Character($0).lowercased().unicodeScalars.first! }),
                  let rank = Lexer.unitSeconds.firstIndex(where: { $0.0 == unit }),
                  !(at(offset + 1).map(Lexer.isIdentifierStart) ?? false) else {
                failed = failed ?? "unit"
                break
            }
            offset += 1
            if rank <= lastRank { failed = failed ?? "order" }
            lastRank = rank
            let perUnit = Lexer.unitSeconds[rank].1
            total += Double(numberText)! * Double(perUnit)
            if let e = exact, let whole = Int64(numberText) {
                let (product, o1) = whole.multipliedReportingOverflow(by: perUnit)
                let (sum, o2) = e.addingReportingOverflow(product)
                exact = o1 || o2 ? nil : sum
            } else { exact = nil }
        }
        if failed == nil, let c = at(offset), Lexer.isIdentifierContinue(c) { failed = "unit" }
        if failed != nil {
            while let c = at(offset), Lexer.isIdentifierContinue(c) || c == "." && isDigit(at(offset + 1)) { offset += 1 }
        }
        let spelling = text(start, offset)
        switch failed {
        case "order":
            error("the units of duration '\(spelling)' must go from the largest to the smallest, each once",
                  from: start, hint: "write durations like 1d2h30m15s")
        case "unit":
            error("invalid number '\(spelling)'", from: start,
                  hint: "durations use the units w, d, h, m, s (1h30m); put a space between a number and a name")
        default:
            break
        }
        if failed != nil { return make(.number, from: start) }
        let seconds: Int64
        if let exact { seconds = exact } else if total.rounded() < 9.2e18 { seconds = Int64(total.rounded()) } else {
            error("duration '\(spelling)' is too long", from: start); seconds = 0
        }
        return make(.duration(seconds: seconds), from: start)
    }

    private static let dateHint = "write a date as 2026-11-20, a month as 2026-11, a week as 2026-W47, a quarter as 2026-Q4, a date and time as 2026-11-20T10:30; for a subtraction put spaces around '-'"

    /// `YYYY-` has been read up to the `-`.
    private mutating func lexDateLike(start: Int, year: Int) -> Token {
        offset += 1
        let kind: Token.Kind?
        switch at(offset) {
        case "W", "w":
            offset += 1
            let numberStart = offset
            let w = digits()
            if w.count != 2 { kind = nil; break }
            let week = Int(w)!
            let weeks = Lexer.isoWeeks(in: year)
            if week < 1 || week > weeks {
                error("week \(week) is out of range: \(year) has weeks 1 to \(weeks)", from: numberStart)
            }
            kind = .period(.week(year: year, week: week))
        case "Q", "q":
            offset += 1
            let numberStart = offset
            let q = digits()
            if q.count != 1 { kind = nil; break }
            let quarter = Int(q)!
            if quarter < 1 || quarter > 4 { error("quarter \(quarter) is out of range (1 to 4)", from: numberStart) }
            kind = .period(.quarter(year: year, quarter: quarter))
        default:
            let monthStart = offset
            let m = digits()
            if m.count != 2 { kind = nil; break }
            let month = Int(m)!
            if month < 1 || month > 12 { error("month \(month) is out of range (1 to 12)", from: monthStart) }
            guard at(offset) == "-", isDigit(at(offset + 1)) else {
                kind = .period(.month(year: year, month: month)); break
            }
            offset += 1
            let dayStart = offset
            let d = digits()
            if d.count != 2 { kind = nil; break }
            let day = Int(d)!
            if (1...12).contains(month) {
                let days = Lexer.daysIn(year: year, month: month)
                if day < 1 || day > days {
                    error("day \(day) is out of range: \(year)-\(m) has days 1 to \(days)", from: dayStart)
                }
            }
            if at(offset) == "T", isDigit(at(offset + 1)) {
                kind = lexTime() ? .datetime : nil
            } else {
                kind = .date(year: year, month: month, day: day)
            }
        }
        let invalid = kind == nil || (at(offset).map { Lexer.isIdentifierContinue($0) } ?? false)
        if invalid {
            while let c = at(offset), Lexer.isIdentifierContinue(c) || c == "-" || c == ":" { offset += 1 }
            error("invalid date '\(text(start, offset))'", from: start, hint: Lexer.dateHint)
            return make(.number, from: start)
        }
        return make(kind!, from: start)
    }

    /// `THH:MM[:SS[.fff]][Z|+HH:MM|-HH:MM]`; false when malformed (range errors are reported here).
    private mutating func lexTime() -> Bool {
        offset += 1
        func two(_ lexer: inout Lexer, _ what: String, _ limit: Int) -> Bool {
            let a = lexer.offset
            let s = lexer.digits()
            guard s.count == 2 else { return false }
            if Int(s)! > limit { lexer.error("\(what) \(Int(s)!) is out of range (0 to \(limit))", from: a) }
            return true
        }
        guard two(&self, "hour", 23), at(offset) == ":" else { return false }
        offset += 1
        guard two(&self, "minute", 59) else { return false }
        if at(offset) == ":" {
            offset += 1
            guard two(&self, "second", 59) else { return false }
            if at(offset) == ".", isDigit(at(offset + 1)) {
                offset += 1
                if digits().count > 9 { return false }
            }
        }
        if at(offset) == "Z" {
            offset += 1
        } else if at(offset) == "+" || at(offset) == "-", isDigit(at(offset + 1)) {
            offset += 1
            guard two(&self, "time zone hour", 23), at(offset) == ":" else { return false }
            offset += 1
            guard two(&self, "time zone minute", 59) else { return false }
        }
        return true
    }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// 52 or 53: an ISO year has 53 weeks when it starts on a Thursday, or on a Wednesday in a leap year.
    static func isoWeeks(in year: Int) -> Int {
        // Day of week of January 1 (0 = Monday), by Zeller-like arithmetic on the proleptic Gregorian calendar.
        let y = year - 1
        let jan1 = (y * 365 + y / 4 - y / 100 + y / 400) % 7  // 0 = Monday for 0001-01-01
        return jan1 == 3 || (jan1 == 2 && isLeap(year)) ? 53 : 52
    }
}

extension Token {
    fileprivate func with(precededByNewline value: Bool) -> Token {
        var t = self
        t.precededByNewline = value
        return t
    }
}
