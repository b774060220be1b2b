/// A parsed report query: `sum(duration) as hours by person per week for 2026-11 where category = billable`.
///
/// The parser checks only the shape; names and types are checked against a schema by the
/// engine's report checker.
public struct ReportQuery: Sendable, Hashable {
    /// What is computed for each group, in the order written.
    public var measures: [ReportMeasure]
    /// `from TABLE`; nil when the schema's default report table applies.
    public var table: Name?
    /// `by a, b.c`: the groups, each a field or a relation path.
    public var dimensions: [ReportDimension]
    /// `per week`: a time bucket on the table's time field.
    public var bucket: ReportBucket?
    /// `for 2026-11`: the period the entries' time must fall in.
    public var period: ReportPeriod?
    /// `where COND`: a condition on each row (a formula expression).
    public var filter: Expression?
    /// `having COND`: a condition on each group's measures.
    public var having: Expression?
    /// `order by hours desc, person`.
    public var orderBy: [ReportOrder]
    /// `limit 10`.
    public var limit: ReportLimit?
    /// The whole query's span.
    public var range: SourceRange

    public init(measures: [ReportMeasure], table: Name? = nil, dimensions: [ReportDimension] = [],
                bucket: ReportBucket? = nil, period: ReportPeriod? = nil, filter: Expression? = nil,
                having: Expression? = nil, orderBy: [ReportOrder] = [], limit: ReportLimit? = nil, range: SourceRange) {
        self.measures = measures; self.table = table; self.dimensions = dimensions; self.bucket = bucket
        self.period = period; self.filter = filter; self.having = having; self.orderBy = orderBy
        self.limit = limit; self.range = range
    }
}

/// One measure: an expression over aggregates (`sum(duration where billable) / sum(duration)`)
/// and an optional column name (`as share`).
public struct ReportMeasure: Sendable, Hashable {
    public var expression: Expression
    public var alias: Name?
    public init(expression: Expression, alias: Name? = nil) { self.expression = expression; self.alias = alias }
}

/// One grouping: a field or a relation path (`task.project.client`), with an optional column name.
public struct ReportDimension: Sendable, Hashable {
    public var path: [Name]
    public var alias: Name?
    public var range: SourceRange
    public init(path: [Name], alias: Name? = nil, range: SourceRange) {
        self.path = path; self.alias = alias; self.range = range
    }
}

/// The calendar units of buckets and relative periods.
public enum ReportUnit: String, Sendable, Hashable, CaseIterable {
    case day, week, month, quarter, year
}

/// `per day|week|month|quarter|year`.
public struct ReportBucket: Sendable, Hashable {
    public var unit: ReportUnit
    public var range: SourceRange
    public init(unit: ReportUnit, range: SourceRange) { self.unit = unit; self.range = range }
}

/// `for PERIOD`.
public struct ReportPeriod: Sendable, Hashable {
    /// What a period is, before the base's clock and time zone make it a span of time.
    public enum Kind: Sendable, Hashable {
        /// `2026-11-20`, `2026-W47`, `2026-11`, `2026-Q4`, `2026`.
        case literal(PeriodLiteral)
        /// `A..B`: from the start of A to the end of B, both included.
        case between(PeriodLiteral, PeriodLiteral)
        /// `this week`: the unit that holds the base's current day.
        case this(ReportUnit)
        /// `last month`, `last 4 weeks`: the `count` whole units before the current one.
        case last(Int, ReportUnit)
    }
    public var kind: Kind
    public var range: SourceRange
    public init(kind: Kind, range: SourceRange) { self.kind = kind; self.range = range }
}

/// One `order by` key: a measure's or dimension's column name, a dimension's path, or the
/// bucket's unit (`week`), and its direction.
public struct ReportOrder: Sendable, Hashable {
    public var path: [Name]
    public var descending: Bool
    public var range: SourceRange
    public init(path: [Name], descending: Bool, range: SourceRange) {
        self.path = path; self.descending = descending; self.range = range
    }
    /// The key as written: `hours`, `task.project`.
    public var text: String { path.map(\.text).joined(separator: ".") }
}

/// `limit N`.
public struct ReportLimit: Sendable, Hashable {
    public var count: Int
    public var range: SourceRange
    public init(count: Int, range: SourceRange) { self.count = count; self.range = range }
}

extension PeriodLiteral {
    /// The literal as written in a query: `2026-11-20`, `2026-W47`, `2026-11`, `2026-Q4`, `2026`.
    public var text: String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        switch self {
        case .day(let y, let m, let d): return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
        case .week(let y, let w): return "\(pad(y, 4))-W\(pad(w, 2))"
        case .month(let y, let m): return "\(pad(y, 4))-\(pad(m, 2))"
        case .quarter(let y, let q): return "\(pad(y, 4))-Q\(q)"
        case .year(let y): return pad(y, 4)
        }
    }
}
