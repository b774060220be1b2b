import Foundation
import TabulaEngine
import TabulaLanguage

/// Compiles a checked report to SQL over the stored and materialized columns: one `SELECT` with
/// `LEFT JOIN`s through the link columns, the period as a range on the time field's index, the
/// bucket computed from the stored instant, and one SQL aggregate per aggregate of the query.
///
/// All SQL of reports is written here (the engine's `StorageNames` gives the names): the runner
/// asks for a `Query` (statement, result layout, bucket keys) once it has resolved what only the
/// data can say (`Resolved`), runs it, and shapes the rows. It keeps to the common subset of SQL
/// but for `json_each`, which reads tags, so a second backend would change only this file.
struct ReportSQL {
    let report: CheckedReport
    let schema: Schema

    /// The statement's text and its arguments.
    struct Statement {
        var sql: String
        var arguments: [SQLValue]
    }

    /// The parts of one query, before they are joined.
    struct Plan {
        /// Group key expressions (the groups', then the bucket's).
        var keys: [String] = []
        /// Aggregate expressions; `aggregateColumns[i]` lists the select columns of aggregate i.
        var aggregates: [String] = []
        var aggregateColumns: [[Int]] = []
        /// `MIN(...)` of each group read.
        var groupReads: [String] = []
        var joins: [String] = []
        var conditions: [String] = []
        var arguments: [SQLValue] = []
        /// Join aliases by the path of link fields walked from the report's table.
        var aliases: [[FieldID]: String] = [[]: "t"]

        /// Adds an argument and returns its numbered parameter (`?3`), which may then appear in
        /// the SQL more than once.
        mutating func bind(_ value: SQLValue) -> String {
            arguments.append(value)
            return "?\(arguments.count)"
        }
    }

    // MARK: - Joins and columns

    /// The alias of the table reached by walking `links` from `start` (joined on first use).
    func alias(_ links: [FieldID], from start: [FieldID] = [], plan: inout Plan) -> String {
        var walked = start
        var current = plan.aliases[start] ?? "t"
        for link in links {
            walked.append(link)
            if let a = plan.aliases[walked] { current = a; continue }
            guard let (_, field) = schema.field(id: link), case .link(let spec) = field.kind else { continue }
            let a = "j\(plan.aliases.count)"
            let target = StorageNames.table(spec.target)
            if spec.storage == .column {
                plan.joins.append("LEFT JOIN \(target) AS \(a) ON \(a).id = \(current).\(StorageNames.column(link))")
            } else if let inverse = spec.inverse {
                plan.joins.append("LEFT JOIN \(target) AS \(a) ON \(a).\(StorageNames.column(inverse)) = \(current).id")
            }
            plan.aliases[walked] = a
            current = a
        }
        return current
    }

    /// The SQL expression of a path's stored value.
    func column(_ path: RowPath, from start: [FieldID] = [], plan: inout Plan) -> String {
        if case .link(let spec) = path.field.kind, spec.storage != .column, !spec.many {
            // A single link whose pair the other side keeps: join it and read the linked row's id.
            return alias(path.links + [path.field.id], from: start, plan: &plan) + ".id"
        }
        return alias(path.links, from: start, plan: &plan) + "." + StorageNames.column(path.field.id)
    }

    /// `COLLATE` of the base's text comparison.
    static let collate = " COLLATE \(StorageNames.textCollation)"

    // MARK: - Conditions

    /// SQL giving 1 (true), 0 (false) or NULL (an error value was read) for a predicate.
    func condition(_ p: RowPredicate, plan: inout Plan) -> String {
        func isError(_ path: RowPath, _ sql: String) -> String? {
            path.mayHoldErrors ? "typeof(\(sql)) = 'blob'" : nil
        }
        switch p {
        case .constant(let b):
            return b ? "1" : "0"
        case .compare(let l, let op, let r, let collated):
            var errors: [String] = []
            func operand(_ o: RowOperand) -> (sql: String, nullable: Bool) {
                switch o {
                case .column(let path):
                    let sql = column(path, plan: &plan)
                    if let e = isError(path, sql) { errors.append(e) }
                    return (sql, true)
                case .constant(let v):
                    if v == .null { return ("NULL", true) }
                    return (plan.bind(v), false)
                }
            }
            let a = operand(l)
            let b = operand(r)
            let test = "\(a.sql) \(op.rawValue) \(b.sql)\(collated ? Self.collate : "")"
            var whens: [String] = []
            if !errors.isEmpty { whens.append("WHEN \(errors.joined(separator: " OR ")) THEN NULL") }
            if a.nullable && b.nullable {
                whens.append("WHEN \(a.sql) IS NULL AND \(b.sql) IS NULL THEN \(op.blankBoth ? 1 : 0)")
            }
            if a.sql == "NULL" || b.sql == "NULL" {
                // Against blank: only the other side's blankness matters.
                let other = a.sql == "NULL" ? b.sql : a.sql
                let result = a.sql == "NULL" ? op.blankLeft : op.blankRight
                return "CASE \(whens.joined(separator: " ")) WHEN \(other) IS NULL THEN \(op.blankBoth ? 1 : 0) ELSE \(result ? 1 : 0) END"
            }
            if a.nullable { whens.append("WHEN \(a.sql) IS NULL THEN \(op.blankLeft ? 1 : 0)") }
            if b.nullable { whens.append("WHEN \(b.sql) IS NULL THEN \(op.blankRight ? 1 : 0)") }
            return "CASE \(whens.joined(separator: " ")) ELSE \(test) END"
        case .member(let path, let values, let blankMatches, let collated):
            let sql = column(path, plan: &plan)
            var whens: [String] = []
            if let e = isError(path, sql) { whens.append("WHEN \(e) THEN NULL") }
            whens.append("WHEN \(sql) IS NULL THEN \(blankMatches ? 1 : 0)")
            if values.isEmpty { return "CASE \(whens.joined(separator: " ")) ELSE 0 END" }
            let list = values.map { plan.bind($0) }.joined(separator: ", ")
            return "CASE \(whens.joined(separator: " ")) ELSE (\(sql)\(collated ? Self.collate : "")) IN (\(list)) END"
        case .within(let path, let lower, let upper):
            let sql = column(path, plan: &plan)
            var whens: [String] = []
            if let e = isError(path, sql) { whens.append("WHEN \(e) THEN NULL") }
            whens.append("WHEN \(sql) IS NULL THEN 0")
            let lo = plan.bind(lower), hi = plan.bind(upper)
            return "CASE \(whens.joined(separator: " ")) ELSE (\(sql) >= \(lo) AND \(sql) < \(hi)) END"
        case .isBlank(let path):
            return "(\(column(path, plan: &plan)) IS NULL)"
        case .isTrue(let path):
            let sql = column(path, plan: &plan)
            if let e = isError(path, sql) { return "CASE WHEN \(e) THEN NULL ELSE COALESCE(\(sql) <> 0, 0) END" }
            return "COALESCE(\(sql) <> 0, 0)"
        case .not(let x):
            return "(NOT \(condition(x, plan: &plan)))"
        case .and(let x, let y):
            let a = condition(x, plan: &plan), b = condition(y, plan: &plan)
            return "(CASE \(a) WHEN 0 THEN 0 WHEN 1 THEN \(b) ELSE NULL END)"
        case .or(let x, let y):
            let a = condition(x, plan: &plan), b = condition(y, plan: &plan)
            return "(CASE \(a) WHEN 1 THEN 1 WHEN 0 THEN \(b) ELSE NULL END)"
        }
    }

    /// A row condition as SQL: the predicate, or membership in the ids the formula engine kept.
    func condition(_ c: ReportCondition, fallbackIDs: [RowID]?, plan: inout Plan) -> String {
        if let p = c.predicate { return condition(p, plan: &plan) }
        let ids = fallbackIDs ?? []
        let list = plan.bind(.text("[" + ids.map(String.init).joined(separator: ",") + "]"))
        return "(t.id IN (SELECT value FROM json_each(\(list))))"
    }
}

// MARK: - The plan of a report's queries

extension ReportSQL {
    /// What the data decides before the SQL can be written, found by the runner.
    struct Resolved {
        /// The days of the report's period, resolved against today.
        var periodDays: ClosedRange<CivilDate>?
        /// Row ids kept by each condition that SQL cannot express, by the condition's source.
        var fallbackIDs: [String: [RowID]] = [:]
        /// The stored range of the time field over the whole table (from `timeBounds`), for a
        /// bucketed report: its buckets are laid over this range (within the period, if any).
        var tableRange: ClosedRange<Int64>?
        /// The table's read rule for the acting person: a member's report counts only the
        /// rows they may read.
        var access: AccessFilter?

        /// The span the bucket key must be right over: the period's, narrowed to the values the
        /// table holds (so `for 2026-11-10..9185-11-20` does not lay out seven thousand years).
        func bucketRange(period: ClosedRange<Int64>?) -> ClosedRange<Int64> {
            guard let period else { return tableRange ?? 0...0 }
            guard let data = tableRange else { return period.lowerBound...period.lowerBound }
            let lo = max(period.lowerBound, data.lowerBound), hi = min(period.upperBound, data.upperBound)
            return lo <= hi ? lo...hi : period.lowerBound...period.lowerBound
        }
    }

    /// One query, ready to run: its statement, where each part lands in a result row, and the
    /// bucket start of each bucket key (when it groups by a bucket).
    struct Query {
        var statement: Statement
        var layout: Layout
        var bucketStart: ((Int64) -> CivilDate)?
    }

    var axis: TimeAxis? {
        report.timeField.map { TimeAxis(rules: .named(schema.timeZone), isDatetime: $0.valueType == .datetime) }
    }

    /// The conditions that SQL cannot express (`where`, then the aggregates'), which the runner
    /// evaluates with the formula engine before the query is built.
    var fallbackConditions: [ReportCondition] {
        ([report.filter] + report.aggregates.map(\.filter)).compactMap { $0 }.filter { $0.predicate == nil }
    }

    /// The statement reading the time field's stored range over the whole table, when the grouped
    /// query buckets by time and has no period to bound the buckets.
    func timeBounds(grouped: Bool, periodDays: ClosedRange<CivilDate>?) -> String? {
        guard grouped, report.bucket != nil, let field = report.timeField, axis != nil else { return nil }
        // Two subqueries: each reads one end of the time field's index (MIN and MAX side by side scan the table).
        let column = StorageNames.column(field.id), table = StorageNames.table(report.table.id)
        return "SELECT (SELECT MIN(\(column)) FROM \(table)), (SELECT MAX(\(column)) FROM \(table))"
    }

    /// Column positions of one query's result.
    struct Layout {
        var keyCount = 0
        var aggregateColumns: [[Int]] = []
        var readColumns: [Int] = []
        var countColumn = 0
        /// From the kept summary: the column counting error values the rows held (the runner
        /// then scans the rows instead, whose SQL names the error).
        var errorColumn: Int?
    }

    /// Whether the grouped query can aggregate the table's rows by its own columns first and
    /// walk the links only for the groups: true when groups reach other tables (or read their
    /// fields) while conditions and aggregates read only the table's own columns, and every
    /// aggregate can be re-aggregated from its parts. A million entries then cost one scan and a
    /// sort by task, not two million index lookups.
    var aggregatesFirst: Bool {
        func ownColumns(_ p: RowPredicate?) -> Bool {
            guard let p else { return true }
            switch p {
            case .constant: return true
            case .compare(let a, _, let b, _):
                func own(_ o: RowOperand) -> Bool { if case .column(let path) = o { return path.links.isEmpty } else { return true } }
                return own(a) && own(b)
            case .member(let path, _, _, _), .within(let path, _, _), .isBlank(let path), .isTrue(let path): return path.links.isEmpty
            case .not(let x): return ownColumns(x)
            case .and(let x, let y), .or(let x, let y): return ownColumns(x) && ownColumns(y)
            }
        }
        func singleColumn(_ f: Field) -> Bool {
            if case .link(let spec) = f.kind { return spec.storage == .column }
            return StorageNames.hasColumn(f)
        }
        let groupsOK = report.groups.allSatisfy { g in
            switch g.kind {
            case .value, .link: return g.path.links.isEmpty ? singleColumn(g.path.field) : firstHopIsColumn(g.path)
            default: return false
            }
        }
        let reachesOut = report.groups.contains { !$0.path.links.isEmpty } || !report.groupReads.isEmpty
        let aggregatesOK = report.aggregates.allSatisfy { a in
            a.function != .count_distinct && (a.argument.map { $0.links.isEmpty && singleColumn($0.field) } ?? true)
                && ownColumns(a.filter?.predicate)
        }
        return groupsOK && reachesOut && aggregatesOK && ownColumns(report.filter?.predicate)
    }

    /// The columns that read fields of a group's linked row (a client's rate beside the client),
    /// one per group read, as MIN over the group (they are equal within it).
    func appendGroupReads(to columns: inout [String], layout: inout Layout, plan: inout Plan) {
        for read in report.groupReads {
            let g = report.groups[read.group]
            let start = g.path.links + [g.path.field.id]
            _ = alias(start, plan: &plan)
            layout.readColumns.append(layout.keyCount + columns.count)
            columns.append("MIN(\(column(read.path, from: start, plan: &plan)))")
        }
    }

    func firstHopIsColumn(_ path: RowPath) -> Bool {
        guard let first = path.links.first, let (_, f) = schema.field(id: first), case .link(let spec) = f.kind else { return true }
        return spec.storage == .column
    }

    /// Builds the grouped query (or, with `grouped` false, the one-row totals query).
    func query(grouped: Bool, exactErrors: Bool, resolved: Resolved) -> Query {
        if grouped && aggregatesFirst { return queryAggregatesFirst(exactErrors: exactErrors, resolved: resolved) }
        var plan = Plan()
        var bucketStart: ((Int64) -> CivilDate)?
        var layout = Layout()
        if let field = report.timeField, let axis {
            let column = "t." + StorageNames.column(field.id)
            var range: ClosedRange<Int64>?
            if let days = resolved.periodDays {
                let lo = axis.stored(days.lowerBound), hi = axis.stored(days.upperBound.adding(days: 1))
                plan.conditions.append("\(column) >= \(plan.bind(.integer(lo))) AND \(column) < \(plan.bind(.integer(hi)))")
                range = lo...(hi - 1)
            }
            if grouped, let unit = report.bucket {
                let key = axis.bucketKey(column, unit: unit, range: resolved.bucketRange(period: range))
                bucketStart = key.start
                plan.keys.append("CASE WHEN \(column) IS NULL THEN NULL ELSE \(key.sql) END")
            }
        }
        if grouped {
            var groupKeys: [String] = []
            for (i, g) in report.groups.enumerated() {
                switch g.kind {
                case .value, .link:
                    groupKeys.append(column(g.path, plan: &plan))
                case .eachTag:
                    let a = alias(g.path.links, plan: &plan)
                    plan.joins.append("LEFT JOIN json_each(\(a).\(StorageNames.column(g.path.field.id))) AS g\(i)")
                    groupKeys.append("g\(i).value")
                case .eachLink:
                    let a = alias(g.path.links, plan: &plan)
                    guard let relation = LinkRelation(g.path.field, in: schema) else { continue }
                    if case .ownColumn = relation {
                        groupKeys.append(column(g.path, plan: &plan))
                    } else {
                        let pairs = relation.leftJoinPairs(from: a, as: "g\(i)")
                        plan.joins.append(pairs.join)
                        groupKeys.append(pairs.linked)
                    }
                }
            }
            plan.keys = groupKeys + plan.keys
        }
        layout.keyCount = plan.keys.count
        if let access = resolved.access {
            let predicate = access.sql(alias: "t") { plan.bind($0) }
            plan.conditions.append(predicate)
        }
        if let filter = report.filter {
            plan.conditions.append(condition(filter, fallbackIDs: resolved.fallbackIDs[filter.source], plan: &plan))
        }
        var columns: [String] = []
        for agg in report.aggregates {
            let value = agg.argument.map { column($0, plan: &plan) }
            let cond = agg.filter.map { condition($0, fallbackIDs: resolved.fallbackIDs[$0.source], plan: &plan) }
            func filtered(_ x: String) -> String { cond.map { "CASE WHEN \($0) THEN \(x) END" } ?? x }
            var parts: [String] = []
            let computed = agg.argument?.mayHoldErrors ?? false
            let realStored: Bool = {
                switch agg.argument?.type { case .number?, .percent?: return true; default: return false }
            }()
            switch agg.function {
            case .count:
                if let value { parts = ["COUNT(\(filtered(value)))"] }
                else { parts = [cond.map { "COUNT(CASE WHEN \($0) THEN 1 END)" } ?? "COUNT(*)"] }
            case .count_distinct:
                parts = ["COUNT(DISTINCT \(filtered(value!)))"]
            case .sum:
                parts = ["SUM(\(filtered(value!)))"]
            case .avg:
                parts = ["SUM(\(filtered(value!)))", "COUNT(\(filtered(value!)))"]
            case .min:
                parts = ["MIN(\(filtered(value!)))"]
            case .max:
                parts = ["MAX(\(filtered(value!)))"]
            }
            let needsErrors = computed && (agg.function == .min || (agg.function == .sum || agg.function == .avg) && (realStored || exactErrors))
            if needsErrors, let value {
                parts.append("MAX(CASE WHEN typeof(\(value)) = 'blob' THEN \(filtered(value)) END)")
            }
            layout.aggregateColumns.append(Array(columns.count..<(columns.count + parts.count)).map { $0 + layout.keyCount })
            columns += parts
        }
        if grouped { appendGroupReads(to: &columns, layout: &layout, plan: &plan) }
        layout.countColumn = layout.keyCount + columns.count
        columns.append("COUNT(*)")
        var text = "SELECT " + (plan.keys + columns).joined(separator: ", ")
        text += " FROM \(StorageNames.table(report.table.id)) AS t"
        if !plan.joins.isEmpty { text += " " + plan.joins.joined(separator: " ") }
        if !plan.conditions.isEmpty { text += " WHERE " + plan.conditions.map { "(\($0))" }.joined(separator: " AND ") }
        if !plan.keys.isEmpty { text += " GROUP BY " + (1...plan.keys.count).map(String.init).joined(separator: ", ") }
        return Query(statement: Statement(sql: text, arguments: plan.arguments), layout: layout, bucketStart: bucketStart)
    }

    /// The grouped query as an inner aggregate over the table's own columns (the groups' first
    /// link columns, the bucket, the aggregates' parts) and an outer one that joins the links per
    /// inner group and re-aggregates the parts. See `aggregatesFirst`.
    func queryAggregatesFirst(exactErrors: Bool, resolved: Resolved) -> Query {
        var inner = Plan()
        var bucketStart: ((Int64) -> CivilDate)?
        var innerKeys: [String] = []
        func key(_ column: String) {
            if !innerKeys.contains(column) { innerKeys.append(column) }
        }
        for g in report.groups {
            key(StorageNames.column(g.path.links.first ?? g.path.field.id))
        }
        for read in report.groupReads {
            let g = report.groups[read.group]
            key(StorageNames.column(g.path.links.first ?? g.path.field.id))
        }
        var bucket: String?
        if let field = report.timeField, let axis {
            let column = "t." + StorageNames.column(field.id)
            var range: ClosedRange<Int64>?
            if let days = resolved.periodDays {
                let lo = axis.stored(days.lowerBound), hi = axis.stored(days.upperBound.adding(days: 1))
                inner.conditions.append("\(column) >= \(inner.bind(.integer(lo))) AND \(column) < \(inner.bind(.integer(hi)))")
                range = lo...(hi - 1)
            }
            if let unit = report.bucket {
                let k = axis.bucketKey(column, unit: unit, range: resolved.bucketRange(period: range))
                bucketStart = k.start
                bucket = "CASE WHEN \(column) IS NULL THEN NULL ELSE \(k.sql) END"
            }
        }
        if let access = resolved.access {
            let predicate = access.sql(alias: "t") { inner.bind($0) }
            inner.conditions.append(predicate)
        }
        if let filter = report.filter {
            inner.conditions.append(condition(filter, fallbackIDs: resolved.fallbackIDs[filter.source], plan: &inner))
        }
        var innerColumns = innerKeys.map { "t.\($0) AS \($0)" } + (bucket.map { ["\($0) AS b"] } ?? [])
        var outerAggregates: [[String]] = []
        for (i, agg) in report.aggregates.enumerated() {
            let value = agg.argument.map { "t." + StorageNames.column($0.field.id) }
            let cond = agg.filter.map { condition($0, fallbackIDs: resolved.fallbackIDs[$0.source], plan: &inner) }
            func filtered(_ x: String) -> String { cond.map { "CASE WHEN \($0) THEN \(x) END" } ?? x }
            var parts: [(inner: String, outer: String)] = []
            switch agg.function {
            case .count:
                if let value { parts = [("COUNT(\(filtered(value)))", "SUM")] }
                else { parts = [(cond.map { "COUNT(CASE WHEN \($0) THEN 1 END)" } ?? "COUNT(*)", "SUM")] }
            case .sum: parts = [("SUM(\(filtered(value!)))", "SUM")]
            case .avg: parts = [("SUM(\(filtered(value!)))", "SUM"), ("COUNT(\(filtered(value!)))", "SUM")]
            case .min: parts = [("MIN(\(filtered(value!)))", "MIN")]
            case .max: parts = [("MAX(\(filtered(value!)))", "MAX")]
            case .count_distinct: break
            }
            let computed = agg.argument?.mayHoldErrors ?? false
            let realStored: Bool = {
                switch agg.argument?.type { case .number?, .percent?: return true; default: return false }
            }()
            if computed && (agg.function == .min || (agg.function == .sum || agg.function == .avg) && (realStored || exactErrors)), let value {
                parts.append(("MAX(CASE WHEN typeof(\(value)) = 'blob' THEN \(filtered(value)) END)", "MAX"))
            }
            var outer: [String] = []
            for (k, part) in parts.enumerated() {
                innerColumns.append("\(part.inner) AS a\(i)_\(k)")
                outer.append("\(part.outer)(t.a\(i)_\(k))")
            }
            outerAggregates.append(outer)
        }
        innerColumns.append("COUNT(*) AS n")
        let innerKeyCount = innerKeys.count + (bucket == nil ? 0 : 1)
        var innerSQL = "SELECT " + innerColumns.joined(separator: ", ") + " FROM \(StorageNames.table(report.table.id)) AS t"
        // SQLite: without a period, scanning the table and sorting beats walking a link index
        // with a random row read per entry.
        if resolved.periodDays == nil { innerSQL += " NOT INDEXED" }
        if !inner.conditions.isEmpty { innerSQL += " WHERE " + inner.conditions.map { "(\($0))" }.joined(separator: " AND ") }
        if innerKeyCount > 0 { innerSQL += " GROUP BY " + (1...innerKeyCount).map(String.init).joined(separator: ", ") }

        var outer = Plan()
        var keys = report.groups.map { column($0.path, plan: &outer) }
        if bucket != nil { keys.append("t.b") }
        var layout = Layout()
        layout.keyCount = keys.count
        var columns: [String] = []
        for parts in outerAggregates {
            layout.aggregateColumns.append(Array(columns.count..<(columns.count + parts.count)).map { $0 + layout.keyCount })
            columns += parts
        }
        appendGroupReads(to: &columns, layout: &layout, plan: &outer)
        layout.countColumn = layout.keyCount + columns.count
        columns.append("SUM(t.n)")
        var text = "SELECT " + (keys + columns).joined(separator: ", ") + " FROM (\(innerSQL)) AS t"
        if !outer.joins.isEmpty { text += " " + outer.joins.joined(separator: " ") }
        if !keys.isEmpty { text += " GROUP BY " + (1...keys.count).map(String.init).joined(separator: ", ") }
        return Query(statement: Statement(sql: text, arguments: inner.arguments), layout: layout, bucketStart: bucketStart)
    }
}

// MARK: - Answering from the kept summary

extension ReportSQL {
    /// The kept summary can answer the report exactly when everything the report reads of a row
    /// is in the summary's rows: measures of `sum`, `count` and `avg` over summed fields (or
    /// `count()`), groups and conditions (`where`, the aggregates' filters, the read rule) that
    /// start at key columns, whole days (a period is whole days; buckets are unions of days).
    /// Returns the key fields the report reads, or nil when only a scan can answer.
    func summaryKeys(_ layout: SummaryLayout, resolved: Resolved) -> Set<FieldID>? {
        guard report.table.id == layout.table, fallbackConditions.isEmpty else { return nil }
        if let field = report.timeField, field.id != layout.timeField { return nil }
        let keys = Set(layout.keys.map(\.id)), sums = Set(layout.sums.map(\.id))
        var read: Set<FieldID> = []
        func start(_ path: RowPath) -> Bool {
            let first = path.links.first ?? path.field.id
            guard keys.contains(first) else { return false }
            read.insert(first)
            return true
        }
        func keysOnly(_ p: RowPredicate?) -> Bool {
            guard let p else { return true }
            switch p {
            case .constant: return true
            case .compare(let a, _, let b, _):
                func ok(_ o: RowOperand) -> Bool { if case .column(let path) = o { return start(path) } else { return true } }
                return ok(a) && ok(b)
            case .member(let path, _, _, _), .within(let path, _, _), .isBlank(let path), .isTrue(let path): return start(path)
            case .not(let x): return keysOnly(x)
            case .and(let x, let y), .or(let x, let y): return keysOnly(x) && keysOnly(y)
            }
        }
        for g in report.groups {
            switch g.kind {
            case .value, .link: if !start(g.path) { return nil }
            case .eachTag, .eachLink: return nil
            }
        }
        for a in report.aggregates {
            switch a.function {
            case .sum, .avg:
                guard let arg = a.argument, arg.links.isEmpty, sums.contains(arg.field.id) else { return nil }
            case .count:
                if let arg = a.argument, !(arg.links.isEmpty && sums.contains(arg.field.id)) { return nil }
            case .min, .max, .count_distinct:
                return nil
            }
            if !keysOnly(a.filter?.predicate) { return nil }
        }
        if !keysOnly(report.filter?.predicate) { return nil }
        if let access = resolved.access {
            guard let fields = access.firstFields, fields.isSubset(of: keys) else { return nil }
            read.formUnion(fields)
        }
        return read
    }

    /// The ranges of summary rows a report reads: a cuboid and a span of days `[from, to)`
    /// (nil: every day, blank times too). Whole local years in the middle of the period come
    /// from a year cuboid when one keeps every key read and the bucket is none or a year.
    func summaryPieces(_ layout: SummaryLayout, reading keys: Set<FieldID>, periodDays: ClosedRange<CivilDate>?)
        -> [(cuboid: Int64, from: Int64?, to: Int64?)] {
        let yearly = (report.bucket == nil || report.bucket == .year)
            ? layout.cuboids.first(where: { $0.grain == .year && keys.isSubset(of: Set($0.keys)) }) : nil
        guard let days = periodDays else { return [(yearly?.id ?? 0, nil, nil)] }
        let lo = days.lowerBound.daysSinceEpoch, end = days.upperBound.daysSinceEpoch + 1
        guard let yearly else { return [(0, lo, end)] }
        var firstYear = days.lowerBound.yearStart
        if firstYear.daysSinceEpoch < lo { firstYear = firstYear.adding(years: 1) }
        let lastYear = CivilDate(daysSinceEpoch: end).yearStart
        guard firstYear < lastYear else { return [(0, lo, end)] }
        var pieces: [(Int64, Int64?, Int64?)] = []
        if lo < firstYear.daysSinceEpoch { pieces.append((0, lo, firstYear.daysSinceEpoch)) }
        pieces.append((yearly.id, firstYear.daysSinceEpoch, lastYear.daysSinceEpoch))
        if lastYear.daysSinceEpoch < end { pieces.append((0, lastYear.daysSinceEpoch, end)) }
        return pieces.map { (cuboid: $0.0, from: $0.1, to: $0.2) }
    }

    /// The report from the kept summary (see `summaryKeys`), in the shape of the scan's query:
    /// an inner aggregate over the summary rows of its pieces, by the groups' key columns and
    /// the bucket (computed from the row's day), and an outer one that joins the links per
    /// group. Its last column counts the error values met, for the runner to scan instead.
    func summaryQuery(_ layout: SummaryLayout, reading keys: Set<FieldID>, grouped: Bool, resolved: Resolved) -> Query {
        var inner = Plan()
        let blank = SummaryLayout.blankKey
        var selected = ["CASE WHEN d = \(SummaryLayout.blankDay) THEN NULL ELSE d END AS d"]
        selected += layout.keys.map { "NULLIF(\(SummaryLayout.keyColumn($0.id)), \(blank)) AS \(SummaryLayout.keyColumn($0.id))" }
        selected += layout.valueColumns
        var pieces: [String] = []
        let chosen = summaryPieces(layout, reading: keys, periodDays: resolved.periodDays)
        for piece in chosen {
            var text = "SELECT \(selected.joined(separator: ", ")) FROM \(layout.tableName) WHERE q = \(inner.bind(.integer(piece.cuboid)))"
            if let from = piece.from, let to = piece.to {
                text += " AND d >= \(inner.bind(.integer(from))) AND d < \(inner.bind(.integer(to)))"
            }
            pieces.append(text)
        }
        var innerKeys: [String] = []
        if grouped {
            for g in report.groups {
                let c = StorageNames.column(g.path.links.first ?? g.path.field.id)
                if !innerKeys.contains(c) { innerKeys.append(c) }
            }
        }
        var bucket: String?
        var bucketStart: ((Int64) -> CivilDate)?
        if grouped, let unit = report.bucket, let axis {
            let days = TimeAxis(rules: axis.rules, isDatetime: false)
            var range: ClosedRange<Int64>?
            if let p = resolved.periodDays { range = p.lowerBound.daysSinceEpoch...p.upperBound.daysSinceEpoch }
            var dayResolved = Resolved()
            if let data = resolved.tableRange {
                dayResolved.tableRange = axis.day(ofStored: data.lowerBound).daysSinceEpoch...axis.day(ofStored: data.upperBound).daysSinceEpoch
            }
            let k = days.bucketKey("t.d", unit: unit, range: dayResolved.bucketRange(period: range))
            bucketStart = k.start
            bucket = "CASE WHEN t.d IS NULL THEN NULL ELSE \(k.sql) END"
        }
        if !chosen.contains(where: { $0.cuboid != 0 }) {
            // Daily rows by every key: about as many as the rows they summarise in a short span,
            // so grouping them before the joins would not make fewer.
            return summaryQueryJoiningFirst(from: pieces, plan: inner, grouped: grouped, bucket: bucket, bucketStart: bucketStart, resolved: resolved)
        }
        if let access = resolved.access {
            let predicate = access.sql(alias: "t") { inner.bind($0) }
            inner.conditions.append(predicate)
        }
        if let filter = report.filter { inner.conditions.append(condition(filter, fallbackIDs: nil, plan: &inner)) }
        var innerColumns = innerKeys.map { "t.\($0) AS \($0)" } + (bucket.map { ["\($0) AS b"] } ?? [])
        var outerAggregates: [[String]] = []
        var errors: [String] = []
        for (i, agg) in report.aggregates.enumerated() {
            let cond = agg.filter.map { condition($0, fallbackIDs: nil, plan: &inner) }
            func filtered(_ x: String) -> String { cond.map { "CASE WHEN \($0) THEN \(x) END" } ?? x }
            // The inner parts per summary group; the outer ones below add them up.
            var parts: [String] = []
            if let field = agg.argument?.field.id {
                let sum = "t." + SummaryLayout.sumColumn(field), count = "t." + SummaryLayout.countColumn(field)
                let error = "t." + SummaryLayout.errorColumn(field)
                errors.append(error)
                switch agg.function {
                case .count: parts = ["SUM(\(filtered("\(count) + \(error)")))"]
                // A sum is blank when no row had a value, as SQL's SUM over the rows.
                case .sum, .avg: parts = ["SUM(\(filtered(sum)))", "SUM(\(filtered(count)))"]
                default: break
                }
            } else {
                parts = ["SUM(\(filtered("t.n")))"]
            }
            var outer: [String] = []
            for (k, part) in parts.enumerated() { innerColumns.append("\(part) AS a\(i)_\(k)") }
            switch (agg.function, agg.argument != nil) {
            case (.sum, true): outer = ["CASE WHEN SUM(t.a\(i)_1) > 0 THEN SUM(t.a\(i)_0) END"]
            case (.avg, _): outer = ["CASE WHEN SUM(t.a\(i)_1) > 0 THEN SUM(t.a\(i)_0) END", "SUM(t.a\(i)_1)"]
            default: outer = ["COALESCE(SUM(t.a\(i)_0), 0)"]
            }
            outerAggregates.append(outer)
        }
        innerColumns.append("SUM(t.n) AS n")
        innerColumns.append("SUM(\(errors.isEmpty ? "0" : errors.joined(separator: " + "))) AS e")
        let innerKeyCount = innerKeys.count + (bucket == nil ? 0 : 1)
        var innerSQL = "SELECT " + innerColumns.joined(separator: ", ") + " FROM (" + pieces.joined(separator: " UNION ALL ") + ") AS t"
        if !inner.joins.isEmpty { innerSQL += " " + inner.joins.joined(separator: " ") }
        if !inner.conditions.isEmpty { innerSQL += " WHERE " + inner.conditions.map { "(\($0))" }.joined(separator: " AND ") }
        if innerKeyCount > 0 { innerSQL += " GROUP BY " + (1...innerKeyCount).map(String.init).joined(separator: ", ") }

        var outer = Plan()
        var outerKeys: [String] = []
        if grouped {
            outerKeys = report.groups.map { column($0.path, plan: &outer) }
            if bucket != nil { outerKeys.append("t.b") }
        }
        var layoutOut = Layout()
        layoutOut.keyCount = outerKeys.count
        var columns: [String] = []
        for parts in outerAggregates {
            layoutOut.aggregateColumns.append(Array(columns.count..<(columns.count + parts.count)).map { $0 + layoutOut.keyCount })
            columns += parts
        }
        if grouped { appendGroupReads(to: &columns, layout: &layoutOut, plan: &outer) }
        layoutOut.countColumn = layoutOut.keyCount + columns.count
        columns.append("COALESCE(SUM(t.n), 0)")
        layoutOut.errorColumn = layoutOut.keyCount + columns.count
        columns.append("COALESCE(SUM(t.e), 0)")
        var text = "/* the kept summary */ SELECT " + (outerKeys + columns).joined(separator: ", ") + " FROM (\(innerSQL)) AS t"
        if !outer.joins.isEmpty { text += " " + outer.joins.joined(separator: " ") }
        if !outerKeys.isEmpty { text += " GROUP BY " + (1...outerKeys.count).map(String.init).joined(separator: ", ") }
        return Query(statement: Statement(sql: text, arguments: inner.arguments), layout: layoutOut, bucketStart: bucketStart)
    }
}

extension ReportSQL {
    /// The report from summary rows in one aggregate: the links joined per summary row, then
    /// grouped (see `summaryQuery`).
    func summaryQueryJoiningFirst(from pieces: [String], plan given: Plan, grouped: Bool, bucket: String?,
                                  bucketStart: ((Int64) -> CivilDate)?, resolved: Resolved) -> Query {
        var plan = given
        if grouped {
            plan.keys = report.groups.map { column($0.path, plan: &plan) }
            if let bucket { plan.keys.append(bucket) }
        }
        if let access = resolved.access {
            let predicate = access.sql(alias: "t") { plan.bind($0) }
            plan.conditions.append(predicate)
        }
        if let filter = report.filter { plan.conditions.append(condition(filter, fallbackIDs: nil, plan: &plan)) }
        var layout = Layout()
        layout.keyCount = plan.keys.count
        var columns: [String] = []
        var errors: [String] = []
        for agg in report.aggregates {
            let cond = agg.filter.map { condition($0, fallbackIDs: nil, plan: &plan) }
            func filtered(_ x: String) -> String { cond.map { "CASE WHEN \($0) THEN \(x) END" } ?? x }
            var parts: [String]
            if let field = agg.argument?.field.id {
                let sum = "t." + SummaryLayout.sumColumn(field), count = "t." + SummaryLayout.countColumn(field)
                errors.append("t." + SummaryLayout.errorColumn(field))
                let total = "CASE WHEN SUM(\(filtered(count))) > 0 THEN SUM(\(filtered(sum))) END"
                switch agg.function {
                case .count: parts = ["COALESCE(SUM(\(filtered("\(count) + t.\(SummaryLayout.errorColumn(field))"))), 0)"]
                case .avg: parts = [total, "SUM(\(filtered(count)))"]
                default: parts = [total]
                }
            } else {
                parts = ["COALESCE(SUM(\(filtered("t.n"))), 0)"]
            }
            layout.aggregateColumns.append(Array(columns.count..<(columns.count + parts.count)).map { $0 + layout.keyCount })
            columns += parts
        }
        if grouped { appendGroupReads(to: &columns, layout: &layout, plan: &plan) }
        layout.countColumn = layout.keyCount + columns.count
        columns.append("COALESCE(SUM(t.n), 0)")
        layout.errorColumn = layout.keyCount + columns.count
        columns.append("COALESCE(SUM(\(errors.isEmpty ? "0" : errors.joined(separator: " + "))), 0)")
        var text = "/* the kept summary */ SELECT " + (plan.keys + columns).joined(separator: ", ")
        text += " FROM (" + pieces.joined(separator: " UNION ALL ") + ") AS t"
        if !plan.joins.isEmpty { text += " " + plan.joins.joined(separator: " ") }
        if !plan.conditions.isEmpty { text += " WHERE " + plan.conditions.map { "(\($0))" }.joined(separator: " AND ") }
        if !plan.keys.isEmpty { text += " GROUP BY " + (1...plan.keys.count).map(String.init).joined(separator: ", ") }
        return Query(statement: Statement(sql: text, arguments: plan.arguments), layout: layout, bucketStart: bucketStart)
    }
}
