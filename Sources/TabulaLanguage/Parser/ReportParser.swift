/// Parses report queries (`Grammar/report.ebnf`):
/// `sum(duration) as hours by person per week for last 4 weeks having hours > 50h`.
///
/// Measures and conditions are formula expressions read by the shared expression parser, which
/// stops at the first word that cannot continue them (`as`, `by`, `for`, ...).
public enum ReportParser {
    /// Parses a whole text as one query.
    public static func parse(_ source: SourceText) throws(SourceErrors) -> ReportQuery {
        try run(Parser(source), source: source)
    }

    /// Parses the part `range` of `source` (a saved report's query in a schema file), with
    /// diagnostics located in the whole text.
    public static func parse(_ source: SourceText, range: SourceRange) throws(SourceErrors) -> ReportQuery {
        try run(Parser(source, range: range), source: source)
    }

    private static func run(_ parser: Parser, source: SourceText) throws(SourceErrors) -> ReportQuery {
        var state = ReportParsing(parser: parser)
        var query: ReportQuery?
        do {
            query = try state.parseQuery()
        } catch {
            state.parser.report(error.diagnostic)
        }
        if let query, !state.parser.hasErrors { return query }
        throw SourceErrors(source: source, diagnostics: state.parser.diagnostics)
    }

    /// Parses a whole text as the period of a `for` clause (`2026-11`, `2026-W47`, `last month`,
    /// `2026-11-16..2026-11-22`): what `tabula report BASE NAME --for PERIOD` puts in a saved
    /// report's place.
    public static func parsePeriod(_ source: SourceText) throws(SourceErrors) -> ReportPeriod {
        var state = ReportParsing(parser: Parser(source))
        var period: ReportPeriod?
        do throws(SyntaxError) {
            let keyword = state.parser.current
            if state.parser.isAtEnd {
                throw SyntaxError("the period is empty", at: keyword.range, hint: ReportParsing.periodHint)
            }
            period = try state.parsePeriod(keyword)
            if !state.parser.isAtEnd {
                throw SyntaxError("unexpected \(state.parser.describe(state.parser.current)) after the period",
                                  at: state.parser.current.range, hint: ReportParsing.periodHint)
            }
        } catch {
            state.parser.report(error.diagnostic)
        }
        if let period, !state.parser.hasErrors { return period }
        throw SourceErrors(source: source, diagnostics: state.parser.diagnostics)
    }

    /// The words that start a clause after the measures.
    public static let clauseWords = ["from", "by", "per", "for", "where", "having", "order", "limit"]
}

extension Keywords {
    /// The aggregates a report measure can use.
    public static let reportAggregates: [String] = ["sum", "count", "avg", "min", "max", "count_distinct"]
}

/// The state of one report parse.
struct ReportParsing {
    var parser: Parser

    init(parser: Parser) { self.parser = parser }

    private var current: Token { parser.current }

    private func found() -> String { parser.describe(current) }

    private func fail(_ message: String, hint: String? = nil) -> SyntaxError {
        SyntaxError(message, at: current.range, hint: hint)
    }

    static let example = "sum(duration) as hours by person per week for 2026-11 where category = billable"

    mutating func parseQuery() throws(SyntaxError) -> ReportQuery {
        let start = current.range
        if parser.isAtEnd {
            throw fail("the query is empty", hint: "write a measure and its groups, e.g. \(Self.example)")
        }
        var measures: [ReportMeasure] = []
        if let clause = clauseWord(current) {
            throw fail("expected a measure before '\(clause)'", hint: "start with what to compute, e.g. sum(duration) or count()")
        }
        repeat {
            measures.append(try parseMeasure())
        } while parser.consume(.comma) != nil

        var query = ReportQuery(measures: measures, range: start)
        var seen: [String: SourceRange] = [:]
        while !parser.isAtEnd {
            guard let word = clauseWord(current) else { throw unexpected() }
            let keyword = current
            if let earlier = seen[word] {
                throw SyntaxError("'\(word)' appears twice", at: keyword.range,
                                  hint: "the first '\(word)' is at \(earlier.start.line):\(earlier.start.column); join them into one clause")
            }
            seen[word] = keyword.range
            parser.advance()
            switch word {
            case "from":
                guard current.isName else {
                    throw fail("expected a table after 'from', found \(found())", hint: "from TimeEntries")
                }
                query.table = parser.advance().name
            case "by":
                repeat { query.dimensions.append(try parseDimension()) } while parser.consume(.comma) != nil
            case "per":
                query.bucket = try parseBucket(keyword)
            case "for":
                query.period = try parsePeriod(keyword)
            case "where":
                query.filter = try condition(after: "where", example: "where category = billable")
            case "having":
                query.having = try condition(after: "having", example: "having hours > 50h")
            case "order":
                guard parser.consumeKeyword("by") != nil else {
                    throw fail("expected 'by' after 'order', found \(found())", hint: "order by hours desc")
                }
                repeat { query.orderBy.append(try parseOrderKey()) } while parser.consume(.comma) != nil
            case "limit":
                guard current.kind == .number, let n = Int(current.text), n >= 1 else {
                    throw fail("expected a whole number of at least 1 after 'limit', found \(found())", hint: "limit 10")
                }
                query.limit = ReportLimit(count: n, range: parser.advance().range)
            default:
                break
            }
        }
        query.range = parser.range(from: start)
        return query
    }

    /// The clause a token starts (`order` only when `by` follows), or nil.
    private func clauseWord(_ t: Token) -> String? {
        guard t.kind == .identifier else { return nil }
        let word = t.text.lowercased()
        guard ReportParser.clauseWords.contains(word) else { return nil }
        return word
    }

    private func unexpected() -> SyntaxError {
        let t = current
        var hint = "separate measures and groups with ',', or start a clause: from, by, per, for, where, having, order by, limit"
        if t.kind == .identifier, let guess = Suggestions.didYouMean(t.text, among: ReportParser.clauseWords + ["as"]) {
            hint = guess
        } else if t.isSymbol(.rightParen) || t.isSymbol(.rightBracket) {
            hint = "this bracket closes nothing"
        }
        return SyntaxError("unexpected \(parser.describe(t))", at: t.range, hint: hint)
    }

    private mutating func parseMeasure() throws(SyntaxError) -> ReportMeasure {
        if parser.isAtEnd || clauseWord(current) != nil {
            throw fail("expected a measure, found \(found())", hint: "sum(duration), count(), avg(amount) or max(end)")
        }
        let expression = try parser.parseExpression()
        var alias: Name?
        if parser.consumeKeyword("as") != nil {
            guard current.isName, clauseWord(current) == nil else {
                throw fail("expected a column name after 'as', found \(found())", hint: "sum(duration) as hours")
            }
            alias = parser.advance().name
        }
        return ReportMeasure(expression: expression, alias: alias)
    }

    private mutating func parseDimension() throws(SyntaxError) -> ReportDimension {
        guard current.isName, clauseWord(current) == nil else {
            throw fail("expected a field or a relation path to group by, found \(found())",
                       hint: "by person, by task.project.client")
        }
        var path = [parser.advance().name]
        while parser.consume(.dot) != nil {
            guard current.isName else {
                throw fail("expected a name after '.', found \(found())", hint: "by task.project.client")
            }
            path.append(parser.advance().name)
        }
        let range = path[0].range.union(path[path.count - 1].range)
        if current.isSymbol(.leftParen) {
            throw fail("a group is a field or a relation path, not a call",
                       hint: "group by a field, or make a formula field of the expression and group by it")
        }
        var alias: Name?
        if parser.consumeKeyword("as") != nil {
            guard current.isName else {
                throw fail("expected a column name after 'as', found \(found())", hint: "by task.project.client as client")
            }
            alias = parser.advance().name
        }
        return ReportDimension(path: path, alias: alias, range: range)
    }

    private static let unitHint = "day, week, month, quarter or year"

    /// A unit word, singular or plural (`week`, `weeks`).
    private func unit(_ t: Token) -> ReportUnit? {
        guard t.kind == .identifier else { return nil }
        var word = t.text.lowercased()
        if word.hasSuffix("s") { word.removeLast() }
        return ReportUnit(rawValue: word)
    }

    private mutating func parseBucket(_ keyword: Token) throws(SyntaxError) -> ReportBucket {
        guard let u = unit(current), current.text.lowercased() == u.rawValue else {
            var hint = "per \(Self.unitHint)"
            if current.kind == .identifier, let guess = Suggestions.didYouMean(current.text, among: ReportUnit.allCases.map(\.rawValue)) {
                hint = guess
            }
            throw fail("expected \(Self.unitHint) after 'per', found \(found())", hint: hint)
        }
        return ReportBucket(unit: u, range: keyword.range.union(parser.advance().range))
    }

    static let periodHint = "for 2026-11, 2026-W47, 2026-Q4, 2026, 2026-11-20, 2026-11-16..2026-11-22, today, this month, last week or last 4 weeks"

    mutating func parsePeriod(_ keyword: Token) throws(SyntaxError) -> ReportPeriod {
        let start = current.range
        if current.isKeyword("today") || current.isKeyword("yesterday") {
            let today = parser.advance().isKeyword("today")
            return ReportPeriod(kind: today ? .this(.day) : .last(1, .day), range: start)
        }
        if current.isKeyword("this") || current.isKeyword("last") {
            let isThis = parser.advance().isKeyword("this")
            var count = 1
            if !isThis, current.kind == .number {
                guard let n = Int(current.text), n >= 1 else {
                    throw fail("expected a whole number of at least 1 after 'last', found \(found())", hint: "last 4 weeks")
                }
                count = n
                parser.advance()
            }
            guard let u = unit(current) else {
                var hint = Self.periodHint
                if current.kind == .identifier, let guess = Suggestions.didYouMean(current.text, among: ReportUnit.allCases.map(\.rawValue)) {
                    hint = guess
                }
                throw fail("expected \(Self.unitHint) after '\(isThis ? "this" : "last")', found \(found())", hint: hint)
            }
            parser.advance()
            return ReportPeriod(kind: isThis ? .this(u) : .last(count, u), range: parser.range(from: start))
        }
        let first = try periodLiteral()
        if current.isSymbol(.dot) {
            let dot = parser.advance()
            guard current.isSymbol(.dot), current.range.start.offset == dot.range.end.offset else {
                throw SyntaxError("expected '..' between the two ends of a period", at: dot.range, hint: "for 2026-11-16..2026-11-22")
            }
            parser.advance()
            let second = try periodLiteral()
            return ReportPeriod(kind: .between(first, second), range: parser.range(from: start))
        }
        return ReportPeriod(kind: .literal(first), range: parser.range(from: start))
    }

    private mutating func periodLiteral() throws(SyntaxError) -> PeriodLiteral {
        let t = current
        switch t.kind {
        case .date(let y, let m, let d):
            parser.advance(); return .day(year: y, month: m, day: d)
        case .period(let p):
            parser.advance(); return p
        // ASCII digits only: other scripts' digits (and a digit with a combining mark) are
        // "numbers" to Character.isNumber but not to Int(_:).
        case .number where t.text.utf8.count == 4 && t.text.utf8.allSatisfy({ (0x30...0x39).contains($0) }):
            parser.advance(); return .year(Int(t.text)!)
        case .datetime:
            throw fail("a period is a day or longer, not a time of day", hint: "write the day: for \(t.text.prefix(10))")
        default:
            throw fail("expected a period, found \(found())", hint: Self.periodHint)
        }
    }

    private mutating func condition(after word: String, example: String) throws(SyntaxError) -> Expression {
        if parser.isAtEnd || clauseWord(current) != nil {
            throw fail("expected a condition after '\(word)', found \(found())", hint: example)
        }
        return try parser.parseExpression()
    }

    private mutating func parseOrderKey() throws(SyntaxError) -> ReportOrder {
        guard current.isName, clauseWord(current) == nil else {
            throw fail("expected a column to order by, found \(found())", hint: "order by hours desc")
        }
        var path = [parser.advance().name]
        while parser.consume(.dot) != nil {
            guard current.isName else { throw fail("expected a name after '.', found \(found())", hint: "order by task.project") }
            path.append(parser.advance().name)
        }
        let range = path[0].range.union(path[path.count - 1].range)
        var descending = false
        if parser.consumeKeyword("desc") != nil { descending = true } else { _ = parser.consumeKeyword("asc") }
        return ReportOrder(path: path, descending: descending, range: range)
    }
}
