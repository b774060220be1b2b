import Foundation
import TabulaEngine
import TabulaLanguage

/// Compiles a checked report to SQL over the stored and materialized columns: one `SELECT` with
/// `LEFT JOIN`s through the link columns, the period as a range on the time field's index, the
/// bucket computed from the stored instant, and one SQL aggregate per aggregate of the query.
///
/// All SQL of reports is written here (the engine's `StorageNames` gives the names). It keeps to
/// the common subset of SQL but for `json_each`, which reads tags, so a second backend would
/// change only this file.
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
