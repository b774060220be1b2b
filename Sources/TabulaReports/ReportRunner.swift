import Foundation
import TabulaEngine
import TabulaIO
import TabulaLanguage

/// A report's result: the table to render, and the SQL that computed it.
public struct ReportOutput: Sendable {
    public var table: ResultTable
    /// The SQL statements run, in order (for `--explain` and the benchmark).
    public var statements: [String]
    /// The days the report covered (`for ...`), nil when it has no period.
    public var period: ClosedRange<CivilDate>? = nil
    /// The report's time bucket (`per week`): its column holds the bucket's label.
    public var bucket: ReportUnit? = nil
    /// Whether the groups came from the table's kept summary rather than a scan of its rows.
    public var readSummary = false
}

/// Where a report may read its rows' aggregates from.
public enum ReportSource: Sendable, Hashable {
    /// The kept summary when it answers the report exactly, else a scan of the rows.
    case automatic
    /// Always the rows (what the tests compare the summary's answers with).
    case scan
}

/// Runs reports on a base: the SQL does the scanning, joining and grouping; Swift then only
/// formats the groups, computes the measures over their aggregates, and applies `having`,
/// `order by` and `limit` to the (few) group rows.
public enum ReportRunner {
    /// Parses, checks and runs a query text.
    public static func run(_ source: SourceText, on base: Base) throws -> ReportOutput {
        let report = try ReportChecker.check(source: source, schema: base.schema)
        return try run(report, on: base)
    }

    /// Runs a saved report of the base's schema by name.
    public static func run(saved name: String, on base: Base) throws -> ReportOutput {
        guard let saved = base.schema.reports.first(where: { $0.name == name })
                ?? base.schema.reports.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            let names = base.schema.reports.map(\.name)
            throw EngineError(.notFound, "the base has no saved report '\(name)'",
                              hint: Suggestions.didYouMean(name, among: names)
                                ?? (names.isEmpty ? "save one in the schema: report NAME = QUERY" : "the saved reports are \(names.joined(separator: ", ")); or quote a query"))
        }
        return try run(SourceText(name: "report \(saved.name)", text: saved.query), on: base)
    }

    /// Runs a saved report for another period: `period` (parsed by `ReportParser.parsePeriod`)
    /// replaces the report's own `for` clause, or adds one.
    public static func run(saved name: String, on base: Base, for period: ReportPeriod) throws -> ReportOutput {
        try run(saved: name, on: base, for: Optional(period), filters: [])
    }

    /// Runs a saved report, for another period when one is given, narrowed by `filters` (joined
    /// to its `where`, so the planner applies them in the query beside the read rules).
    public static func run(saved name: String, on base: Base, for period: ReportPeriod?, filters: [ReportFilter]) throws -> ReportOutput {
        guard let saved = base.schema.reports.first(where: { $0.name == name })
                ?? base.schema.reports.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            return try run(saved: name, on: base)  // the error naming the saved reports
        }
        if period == nil && filters.isEmpty { return try run(saved: name, on: base) }
        let source = SourceText(name: "report \(saved.name)", text: saved.query)
        var query = try ReportParser.parse(source)
        if let period { query.period = period }
        query = try ReportFilters.apply(filters, to: query, schema: base.schema)
        return try run(try ReportChecker.check(query, source: source, schema: base.schema), on: base)
    }

    /// How a period reads in a message: `2026-11`, `last 4 weeks`, `2026-11-16..2026-11-22`.
    public static func describe(_ period: ReportPeriod.Kind) -> String {
        switch period {
        case .literal(let p): return p.text
        case .between(let a, let b): return "\(a.text)..\(b.text)"
        case .this(.day): return "today"
        case .this(let unit): return "this \(unit.rawValue)"
        case .last(1, .day): return "yesterday"
        case .last(1, let unit): return "last \(unit.rawValue)"
        case .last(let n, let unit): return "last \(n) \(unit.rawValue)s"
        }
    }

    /// Runs a checked report.
    public static func run(_ report: CheckedReport, on base: Base, source: ReportSource = .automatic) throws -> ReportOutput {
        var execution = ReportExecution(report: report, base: base)
        execution.mayReadSummary = source == .automatic
        return try execution.run()
    }

    /// Parses, checks and runs a query text, reading from `source`.
    public static func run(_ text: SourceText, on base: Base, source: ReportSource) throws -> ReportOutput {
        try run(try ReportChecker.check(source: text, schema: base.schema), on: base, source: source)
    }
}

/// One run of a report.
struct ReportExecution {
    let report: CheckedReport
    let base: Base
    let schema: Schema
    let rules: TimeZoneRules
    let sql: ReportSQL
    var statements: [String] = []
    /// Bucket starts by key, once the bucket's SQL is built.
    var bucketStart: ((Int64) -> CivilDate)?
    var periodDays: ClosedRange<CivilDate>?
    /// False to scan the rows even when the kept summary could answer; set false too when the
    /// summary's rows held an error value (the scan names it).
    var mayReadSummary = true
    var readSummary = false

    init(report: CheckedReport, base: Base) {
        self.report = report
        self.base = base
        self.schema = base.schema
        self.rules = .named(base.schema.timeZone)
        self.sql = ReportSQL(report: report, schema: base.schema)
    }

    // MARK: - Running

    mutating func run() throws -> ReportOutput {
        if let period = report.period {
            let today = base.now().localTime(in: rules).date
            guard let days = ReportCalendar.days(of: period, today: today) else {
                throw EngineError(.invalidValue, "the period ends before it starts", hint: "write the earlier end first")
            }
            periodDays = days
        }
        var groups = try query(grouped: true)
        if groups.count == 1 && report.groups.isEmpty && report.bucket == nil && groups[0].rowCount == 0 {
            groups = []  // no row matched: an empty result, not a row of zeros
        }
        // Measures, having.
        var rows: [ResultRow] = []
        for g in groups {
            let measures = evaluateMeasures(g)
            if let having = report.having {
                let keep = having.formula.evaluate(Inputs(slots: having.inputs.map { input(g, $0, measures: measures) },
                                                          now: base.now(), context: schema.valueContext))
                if keep != .bool(true) { continue }
            }
            rows.append(ResultRow(group: g, keys: try displayKeys(g), measures: measures))
        }
        try nameLinks(&rows)
        sort(&rows)
        let cut = report.limit.map { rows.count > $0 } ?? false
        if let limit = report.limit { rows = Array(rows.prefix(limit)) }
        let totals = try totalsRow(rows, cut: cut || report.having != nil)
        var table = ResultTable(columns: resultColumns(), rows: rows.map { $0.keys + $0.measures }, totals: totals, roundsForReading: true)
        if let period = report.period, let days = periodDays {
            let span = days.lowerBound == days.upperBound ? days.lowerBound.iso : "\(days.lowerBound.iso) to \(days.upperBound.iso)"
            let named = ReportRunner.describe(period)
            table.emptyText = "(no rows for \(named == span ? span : "\(named): \(span)"))"
        }
        return ReportOutput(table: table, statements: statements, period: periodDays, bucket: report.bucket, readSummary: readSummary)
    }

    /// One group as the SQL returned it, decoded.
    struct Group {
        var keys: [SQLValue]
        var aggregates: [Value]
        var reads: [Value]
        var rowCount: Int64
    }

    struct ResultRow {
        var group: Group
        var keys: [Value]
        var measures: [Value]
    }

    /// Row ids kept by each condition that SQL cannot express, by the condition's source.
    var fallbackIDs: [String: [RowID]] = [:]

    /// The planner's query, once the reads it depends on are done: the rows that conditions
    /// SQL cannot express keep, and the time field's range for buckets without a period.
    mutating func plan(grouped: Bool, exactErrors: Bool) throws -> ReportSQL.Query {
        var resolved = ReportSQL.Resolved(periodDays: periodDays)
        if let bounds = sql.timeBounds(grouped: grouped, periodDays: periodDays) {
            statements.append(bounds)
            let row = try base.read(bounds).first ?? []
            if let lo = row.first?.int64Value, let hi = row.last?.int64Value { resolved.tableRange = lo...max(lo, hi) }
        }
        for c in sql.fallbackConditions where fallbackIDs[c.source] == nil {
            fallbackIDs[c.source] = try base.filterRows(report.table, where: c.source)
        }
        resolved.fallbackIDs = fallbackIDs
        if let access = try base.accessFilter(.read, for: report.table), !access.allowsAll { resolved.access = access }
        if mayReadSummary, !exactErrors, let layout = try base.keptSummary(of: report.table),
           let keys = sql.summaryKeys(layout, resolved: resolved) {
            let query = sql.summaryQuery(layout, reading: keys, grouped: grouped, resolved: resolved)
            if let start = query.bucketStart { bucketStart = start }
            return query
        }
        let query = sql.query(grouped: grouped, exactErrors: exactErrors, resolved: resolved)
        if let start = query.bucketStart { bucketStart = start }
        return query
    }

    mutating func query(grouped: Bool) throws -> [Group] {
        var query = try plan(grouped: grouped, exactErrors: false)
        statements.append(query.statement.sql)
        var rows = try base.read(query.statement.sql, query.statement.arguments)
        if let errors = query.layout.errorColumn {
            if rows.contains(where: { ($0[errors].int64Value ?? 0) != 0 }) {
                // An error value among the rows summarised: the scan shows which aggregate it reaches.
                mayReadSummary = false
                return try self.query(grouped: grouped)
            }
            readSummary = true
        }
        if needsExactErrors(rows, query.layout) {
            // An integer-stored sum came back as a real: a computed value in it is an error.
            // Run again with the columns that name the error.
            query = try plan(grouped: grouped, exactErrors: true)
            statements.append(query.statement.sql)
            rows = try base.read(query.statement.sql, query.statement.arguments)
        }
        let layout = query.layout
        return rows.map { row in
            Group(keys: Array(row.prefix(layout.keyCount)),
                  aggregates: report.aggregates.indices.map { decodeAggregate($0, row, layout.aggregateColumns[$0]) },
                  reads: report.groupReads.indices.map { i in
                      i < layout.readColumns.count ? StoredValue.decode(row[layout.readColumns[i]], as: report.groupReads[i].path.type) : .blank
                  },
                  rowCount: row[layout.countColumn].int64Value ?? 0)
        }
    }

    func needsExactErrors(_ rows: [[SQLValue]], _ layout: ReportSQL.Layout) -> Bool {
        for (i, agg) in report.aggregates.enumerated() where (agg.function == .sum || agg.function == .avg) && (agg.argument?.mayHoldErrors ?? false) {
            switch agg.argument?.type { case .number?, .percent?: continue; default: break }
            let column = layout.aggregateColumns[i][0]
            if rows.contains(where: { if case .real = $0[column] { return true } else { return false } }) { return true }
        }
        return false
    }

    func decodeAggregate(_ index: Int, _ row: [SQLValue], _ columns: [Int]) -> Value {
        let agg = report.aggregates[index]
        let type = agg.resultType
        // A trailing error column names the first error value the aggregate met.
        let hasErrorColumn = columns.count > (agg.function == .avg ? 2 : 1)
        if hasErrorColumn, case .blob = row[columns.last!] {
            return StoredValue.decode(row[columns.last!], as: type)
        }
        let first = row[columns[0]]
        switch agg.function {
        case .count, .count_distinct:
            return .integer(first.int64Value ?? 0)
        case .sum, .min, .max:
            return StoredValue.decode(first, as: type)
        case .avg:
            let count = row[columns[1]].int64Value ?? 0
            guard count > 0 else { return .blank }
            switch (type, first) {
            case (.duration, .integer(let s)):
                let q = Double(s) / Double(count)
                return .duration(Int64(q.rounded(.toNearestOrAwayFromZero)))
            case (.currency(let code), .integer(let minor)):
                return Money(minorUnits: minor, currency: code).divided(by: Double(count)).map(Value.money) ?? .error(.number)
            case (.percent, _):
                return first.doubleValue.map { .percent($0 / Double(count)) } ?? .error(.type)
            default:
                return first.doubleValue.map { .number($0 / Double(count)) } ?? .error(.type)
            }
        }
    }

    // MARK: - Measures

    struct Inputs: FormulaInputs {
        var slots: [Value]
        var now: Instant
        var context: ValueContext
        func value(_ index: Int) -> Value { index < slots.count ? slots[index] : .error(.reference) }
    }

    /// The days of a group's span: its bucket cut to the period, or the period.
    func spanDays(_ g: Group?) -> Double? {
        var span = periodDays
        if let g, report.bucket != nil, let start = bucketDate(g) {
            let end = ReportCalendar.next(report.bucket!, after: start).adding(days: -1)
            var lo = start, hi = end
            if let p = periodDays { lo = max(lo, p.lowerBound); hi = min(hi, p.upperBound) }
            span = lo <= hi ? lo...hi : nil
        } else if g == nil, report.bucket != nil, periodDays == nil {
            span = nil
        }
        guard let span else { return nil }
        return Double(span.upperBound.daysSinceEpoch - span.lowerBound.daysSinceEpoch + 1)
    }

    func bucketDate(_ g: Group) -> CivilDate? {
        guard report.bucket != nil, let start = bucketStart, let key = g.keys.last?.int64Value else { return nil }
        return start(key)
    }

    /// The value feeding a measure's path in group `g` (the totals when `isTotal`).
    func input(_ g: Group?, _ input: ReportInput, measures: [Value], isTotal: Bool = false) -> Value {
        switch input {
        case .aggregate(let i): return g?.aggregates[i] ?? .blank
        case .group(let i):
            guard let g, !isTotal else { return .blank }
            let group = report.groups[i]
            switch group.kind {
            case .link, .eachLink: return g.keys[i].int64Value.map(Value.link) ?? .blank
            case .eachTag: return g.keys[i].textValue.map(Value.text) ?? .blank
            case .value: return StoredValue.decode(g.keys[i], as: group.path.type)
            }
        case .groupRead(let i): return isTotal ? .blank : g?.reads[i] ?? .blank
        case .days: return spanDays(isTotal ? nil : g).map(Value.number) ?? .blank
        case .weeks: return spanDays(isTotal ? nil : g).map { .number($0 / 7) } ?? .blank
        case .measure(let i): return i < measures.count ? measures[i] : .blank
        }
    }

    func evaluateMeasures(_ g: Group) -> [Value] {
        var values: [Value] = []
        for m in report.measures {
            let slots = m.formula.inputs.map { input(g, $0, measures: values) }
            values.append(m.formula.formula.evaluate(Inputs(slots: slots, now: base.now(), context: schema.valueContext)))
        }
        return values
    }

    // MARK: - Display

    func resultColumns() -> [ResultColumn] {
        var columns: [ResultColumn] = report.groups.map { g in
            switch g.kind {
            case .value:
                if case .select = g.path.type { return ResultColumn(name: g.name, type: .text, blankText: "(none)") }
                return ResultColumn(name: g.name, type: g.path.type, blankText: "(none)")
            default: return ResultColumn(name: g.name, type: .text, blankText: "(none)")
            }
        }
        if let unit = report.bucket {
            columns.append(ResultColumn(name: unit.rawValue, type: unit == .day ? .date : .text, blankText: "(none)"))
        }
        columns += report.measures.map { ResultColumn(name: $0.name, type: $0.type) }
        return columns
    }

    func displayKeys(_ g: Group) throws -> [Value] {
        var keys: [Value] = []
        for (i, group) in report.groups.enumerated() {
            switch group.kind {
            case .value: keys.append(StoredValue.decode(g.keys[i], as: group.path.type))
            case .link, .eachLink: keys.append(g.keys[i].int64Value.map(Value.link) ?? .blank)
            case .eachTag: keys.append(g.keys[i].textValue.map(Value.text) ?? .blank)
            }
        }
        if let unit = report.bucket {
            if let start = bucketDate(g) {
                keys.append(unit == .day ? .date(start) : .text(ReportCalendar.label(unit, start: start)))
            } else {
                keys.append(.blank)
            }
        }
        return keys
    }

    /// Replaces link keys by the linked rows' primary values.
    func nameLinks(_ rows: inout [ResultRow]) throws {
        for (i, group) in report.groups.enumerated() {
            let target: TableID
            switch group.kind {
            case .link(let t), .eachLink(let t): target = t
            default: continue
            }
            guard let table = schema.table(id: target) else { continue }
            let ids = rows.compactMap { row -> RowID? in if case .link(let id) = row.keys[i] { return id } else { return nil } }
            let names = try base.primaryValues(of: table, ids: ids)
            for r in rows.indices {
                if case .link(let id) = rows[r].keys[i] { rows[r].keys[i] = .text(names[id] ?? "#\(id)") }
            }
        }
    }

    func sort(_ rows: inout [ResultRow]) {
        let collator = TextCollator.shared(locale: schema.locale)
        let keyCount = report.groups.count + (report.bucket == nil ? 0 : 1)
        var keys = report.order
        for c in 0..<keyCount where !keys.contains(where: { $0.column == c }) {
            keys.append(ReportSortKey(column: c, descending: false))
        }
        func rank(_ v: Value) -> Int { v.isError ? 2 : (v.isBlank ? 1 : 0) }
        // Texts are ranked once per distinct text, so sorting compares integers, not collation keys.
        var textRank: [String: Int] = [:]
        for key in keys {
            var texts = Set<String>()
            for row in rows {
                let v = key.column < row.keys.count ? row.keys[key.column] : row.measures[key.column - row.keys.count]
                if case .text(let t) = v { texts.insert(t) }
            }
            for t in texts where textRank[t] == nil { textRank[t] = 0 }
        }
        for (i, t) in textRank.keys.sorted(by: { collator.compare($0, $1) < 0 }).enumerated() { textRank[t] = i }
        // Each row's sort values once, texts as their rank: the comparisons then neither copy
        // values nor hash texts (a few thousand groups sort in a fraction of the time).
        let values: [[Value]] = rows.map { row in
            keys.map { key in key.column < row.keys.count ? row.keys[key.column] : row.measures[key.column - row.keys.count] }
        }
        let blanks: [[Int]] = values.map { $0.map(rank) }
        let texts: [[Int]] = values.map { $0.map { v in if case .text(let t) = v, let r = textRank[t] { return r } else { return -1 } } }
        var order = Array(rows.indices)
        order.sort { a, b in
            for k in keys.indices {
                // Blanks and errors come last whichever the direction.
                if blanks[a][k] != blanks[b][k] { return blanks[a][k] < blanks[b][k] }
                let c: Int
                let i = texts[a][k], j = texts[b][k]
                if i >= 0 && j >= 0 {
                    c = i < j ? -1 : (i > j ? 1 : 0)
                } else {
                    c = Self.compare(values[a][k], values[b][k], collator)
                }
                if c != 0 { return keys[k].descending ? c > 0 : c < 0 }
            }
            return false
        }
        rows = order.map { rows[$0] }
    }

    /// Orders two values of one column (blanks and errors compare equal to everything here).
    static func compare(_ a: Value, _ b: Value, _ collator: TextCollator) -> Int {
        if a.isBlank || a.isError || b.isBlank || b.isError { return 0 }
        switch (a, b) {
        case (.text(let x), .text(let y)): return collator.compare(x, y)
        case (.integer(let x), .integer(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.money(let x), .money(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.duration(let x), .duration(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.date(let x), .date(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.datetime(let x), .datetime(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (x ? 1 : -1)
        default:
            guard let x = number(a), let y = number(b) else { return 0 }
            return x < y ? -1 : (x > y ? 1 : 0)
        }
    }

    static func number(_ v: Value) -> Double? {
        switch v {
        case .integer(let i): return Double(i)
        case .number(let d), .percent(let d): return d
        default: return nil
        }
    }

    // MARK: - Totals

    /// The totals row of the terminal table: the aggregates over every row the report counted,
    /// measured as one group. With `having` or `limit`, over the groups shown instead; none when
    /// tags or multiple links count a row in several groups there, or when the report is one row.
    mutating func totalsRow(_ rows: [ResultRow], cut: Bool) throws -> [Value]? {
        if rows.isEmpty || (report.groups.isEmpty && report.bucket == nil) { return nil }
        let total: Group
        let multiplies = report.groups.contains { g in
            switch g.kind { case .eachTag, .eachLink: return true; default: return false }
        }
        let combinable = report.aggregates.allSatisfy { [.sum, .count, .min, .max].contains($0.function) }
        if cut {
            if multiplies { return nil }
            total = combine(rows.map(\.group))
        } else if combinable && !multiplies {
            // Every group is shown and each row counts in one group: adding up the groups is
            // exact, and saves a second scan.
            total = combine(rows.map(\.group))
        } else {
            guard let g = try query(grouped: false).first else { return nil }
            total = g
        }
        var measures: [Value] = []
        for m in report.measures {
            let readsGroups = m.formula.inputs.contains { input in
                switch input { case .group, .groupRead: return true; default: return false }
            }
            if readsGroups { measures.append(.blank); continue }
            let slots = m.formula.inputs.map { input(total, $0, measures: measures, isTotal: true) }
            measures.append(m.formula.formula.evaluate(Inputs(slots: slots, now: base.now(), context: schema.valueContext)))
        }
        let keyCount = report.groups.count + (report.bucket == nil ? 0 : 1)
        return [Value](repeating: .blank, count: keyCount) + measures
    }

    /// Aggregates of several groups combined (sums added, extremes kept); averages and distinct
    /// counts cannot be combined from their parts and stay blank.
    func combine(_ groups: [Group]) -> Group {
        var out = Group(keys: [], aggregates: [], reads: [], rowCount: groups.reduce(0) { $0 + $1.rowCount })
        for (i, agg) in report.aggregates.enumerated() {
            let values = groups.map { $0.aggregates[i] }
            if let error = values.first(where: \.isError) { out.aggregates.append(error); continue }
            let present = values.filter { !$0.isBlank }
            switch agg.function {
            case .sum, .count:
                out.aggregates.append(present.dropFirst().reduce(present.first ?? (agg.function == .count ? .integer(0) : .blank)) { add($0, $1) })
            case .min:
                out.aggregates.append(present.min { Self.compare($0, $1, TextCollator.shared(locale: schema.locale)) < 0 } ?? .blank)
            case .max:
                out.aggregates.append(present.max { Self.compare($0, $1, TextCollator.shared(locale: schema.locale)) < 0 } ?? .blank)
            case .avg, .count_distinct:
                out.aggregates.append(.blank)
            }
        }
        return out
    }

    func add(_ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.integer(let x), .integer(let y)): return .integer(x &+ y)
        case (.duration(let x), .duration(let y)): return .duration(x &+ y)
        case (.money(let x), .money(let y)): return x.adding(y).map(Value.money) ?? .error(.number)
        case (.number(let x), .number(let y)): return .number(x + y)
        case (.percent(let x), .percent(let y)): return .percent(x + y)
        default: return .error(.type)
        }
    }
}
