import TabulaEngine
import TabulaLanguage

/// One narrowing of a saved report: `person = anna`, `client = Acme`, `tag = backend`. It joins the
/// report's own `where` (with `and`), so the planner applies it in the query, beside the read rules.
public struct ReportFilter: Sendable, Hashable {
    /// One of `ReportFilters.names`.
    public var name: String
    /// The value as written: a linked row's primary value, a select's option, a tag.
    public var value: String

    public init(_ name: String, _ value: String) { self.name = name; self.value = value }
}

/// Which field of a report's table each filter reads, and the condition it adds.
///
/// A filter reads the report table's field of its name (`person`, `project`, `category`,
/// `status`), else that field one single link away (`client`: `project.client`); `tag` reads the
/// table's first tags field. The rule is by name, so any base whose fields are named so gets them.
public enum ReportFilters {
    /// The filters the web page and the API offer, in the order they show.
    public static let names = ["person", "client", "project", "tag", "category", "status"]

    /// The path the filter reads on `table` (the fields from the table on), nil when it reads nothing there.
    public static func path(_ name: String, in table: Table, schema: Schema) -> [Field]? {
        func usable(_ f: Field) -> Bool {
            switch f.valueType {
            case .link, .select, .tags, .text: return true
            default: return false
            }
        }
        if name == "tag" {
            return table.fields.first { if case .tags = $0.valueType { return true } else { return false } }.map { [$0] }
        }
        if let own = table.fields.first(where: { $0.name == name }), usable(own) { return [own] }
        for link in table.fields {
            guard case .link(let spec) = link.kind, !spec.many, let target = schema.table(id: spec.target),
                  let far = target.fields.first(where: { $0.name == name }), usable(far) else { continue }
            return [link, far]
        }
        return nil
    }

    /// The report's table: its `from`, else the schema's default report table.
    public static func table(of query: ReportQuery, schema: Schema) -> Table? {
        if let name = query.table { return schema.table(named: name.text) }
        return schema.reportTable.flatMap { schema.table(id: $0) }
    }

    /// The condition a filter adds, or an error naming what the table lacks.
    public static func condition(_ filter: ReportFilter, in table: Table, schema: Schema) throws -> Expression {
        guard names.contains(filter.name) else {
            throw EngineError(.invalidValue, "'\(filter.name)' is not a report filter", hint: "the filters are " + names.joined(separator: ", "))
        }
        guard let path = path(filter.name, in: table, schema: schema) else {
            throw EngineError(.invalidValue, "a report on \(table.name) cannot be filtered by \(filter.name): the table has no such field",
                              hint: "leave out the \(filter.name) filter for this report")
        }
        let field = Expression(.path(path.map { Name($0.name) }), range: .none)
        let value = Expression(.string(filter.value), range: .none)
        if case .tags = path.last!.valueType { return Expression(.binary(.in, value, field), range: .none) }
        return Expression(.binary(.equal, field, value), range: .none)
    }

    /// The query with the filters joined to its `where`.
    public static func apply(_ filters: [ReportFilter], to query: ReportQuery, schema: Schema) throws -> ReportQuery {
        guard !filters.isEmpty else { return query }
        guard let table = table(of: query, schema: schema) else {
            throw EngineError(.invalidValue, "this report names no table to filter", hint: "give the query a from clause")
        }
        var result = query
        for filter in filters {
            let condition = try condition(filter, in: table, schema: schema)
            result.filter = result.filter.map { Expression(.binary(.and, $0, condition), range: .none) } ?? condition
        }
        return result
    }
}
