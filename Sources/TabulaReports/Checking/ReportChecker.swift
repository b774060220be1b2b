import TabulaEngine
import TabulaLanguage

/// Checks report queries against a schema: names, types, what may go where. Errors are located
/// in the query's source (a command-line query or a saved report in a schema file), with a caret
/// and a did-you-mean hint, as formula errors are. An instance is the schema compiler's hook for
/// saved reports: pass `ReportChecker()` wherever a schema is compiled.
public struct ReportChecker: SavedReportChecking {
    public init() {}

    /// Checks a saved report of a schema file (the `SavedReportChecking` hook).
    public func checkSavedReport(_ query: ReportQuery, source: SourceText, schema: Schema) throws(SourceErrors) {
        _ = try Self.check(query, source: source, schema: schema)
    }

    /// Parses and checks a query text.
    public static func check(source: SourceText, schema: Schema) throws(SourceErrors) -> CheckedReport {
        let query = try ReportParser.parse(source)
        return try check(query, source: source, schema: schema)
    }

    /// Checks a parsed query.
    public static func check(_ query: ReportQuery, source: SourceText, schema: Schema) throws(SourceErrors) -> CheckedReport {
        let checking = ReportChecking(schema: schema, source: source)
        let report = checking.run(query)
        if let report, checking.diagnostics.isEmpty { return report }
        throw SourceErrors(source: source, diagnostics: checking.diagnostics)
    }

    /// The prefix of the synthetic names that stand for aggregates and groups inside measures;
    /// a NUL cannot be typed into a query, so these never meet a user's name.
    static let hidden = "\u{0}"
}

/// The state of one check.
final class ReportChecking {
    let schema: Schema
    let source: SourceText
    private(set) var diagnostics: [Diagnostic] = []
    private var table = Table(id: -1, name: "")
    private var groups: [ReportGroup] = []
    private var aggregates: [ReportAggregate] = []
    private var groupReads: [ReportGroupRead] = []
    private var hasSpan = false

    init(schema: Schema, source: SourceText) { self.schema = schema; self.source = source }

    private func error(_ message: String, at range: SourceRange, hint: String? = nil) {
        diagnostics.append(Diagnostic(message, at: range, hint: hint))
    }

    private func typeOf(_ id: FieldID) -> ValueType { schema.field(id: id)?.field.valueType ?? .any }

    private func typeName(_ t: ValueType) -> String { t.formulaName(in: schema) }

    func run(_ query: ReportQuery) -> CheckedReport? {
        guard let table = resolveTable(query) else { return nil }
        self.table = table
        var timeField: Field?
        if query.bucket != nil || query.period != nil {
            let at = query.bucket?.range ?? query.period!.range
            if let id = table.timeField, let f = table.field(id: id) {
                timeField = f
            } else {
                let candidates = table.fields.filter { $0.valueType == .date || $0.valueType == .datetime }.map(\.name)
                error("table '\(table.name)' has no time field to \(query.bucket != nil ? "bucket" : "take a period") by", at: at,
                      hint: "name it in the schema, inside table \(Name.quote(table.name)) { ... }: time field \(candidates.first.map(Name.quote) ?? "NAME")")
            }
        }
        if let period = query.period, case .between(let a, let b) = period.kind,
           ReportCalendar.days(of: a).lowerBound > ReportCalendar.days(of: b).upperBound {
            error("the period ends before it starts", at: period.range, hint: "write the earlier end first: \(b.text)..\(a.text)")
        }
        hasSpan = query.bucket != nil || query.period != nil
        checkGroups(query)
        let filter = query.filter.flatMap { condition($0, what: "where") }
        let measures = checkMeasures(query)
        let having = query.having.flatMap { checkHaving($0, measures: measures) }
        let order = checkOrder(query, measures: measures)
        guard diagnostics.isEmpty else { return nil }
        return CheckedReport(table: table, timeField: timeField, groups: groups, bucket: query.bucket?.unit,
                             period: query.period?.kind, filter: filter, aggregates: aggregates, groupReads: groupReads,
                             measures: measures, having: having, order: order, limit: query.limit?.count)
    }

    // MARK: - Table

    private func resolveTable(_ query: ReportQuery) -> Table? {
        let names = schema.tables.map(\.name)
        if let name = query.table {
            if let t = schema.table(named: name.text) { return t }
            error("there is no table '\(name.text)'", at: name.range,
                  hint: Suggestions.didYouMean(name.text, among: names) ?? (names.isEmpty ? "the base has no tables yet" : "the tables are \(names.joined(separator: ", "))"))
            return nil
        }
        if let id = schema.reportTable, let t = schema.table(id: id) { return t }
        error("the query names no table, and the schema has no default report table", at: SourceRange(query.range.start),
              hint: names.isEmpty ? "the base has no tables yet: make one first" : "add 'from TABLE' to the query (the tables are \(names.joined(separator: ", "))), or declare 'report from TABLE' in the schema")
        return nil
    }

    // MARK: - Paths

    /// Resolves a path of names from `start` through single links; reports what does not resolve.
    private func resolvePath(_ names: [Name], from start: Table, allowManyAtEnd: Bool, what: String) -> RowPath? {
        var current = start
        var links: [FieldID] = []
        for (i, name) in names.enumerated() {
            guard let field = current.field(named: name.text) else {
                error("table \(current.name) has no field '\(name.text)'", at: name.range,
                      hint: Suggestions.didYouMean(name.text, among: current.fields.map(\.name))
                        ?? (current.fields.isEmpty ? "\(current.name) has no fields yet" : "the fields of \(current.name) are \(current.fields.map(\.name).joined(separator: ", "))"))
                return nil
            }
            if i == names.count - 1 {
                if case .link(let spec) = field.kind, spec.many, !allowManyAtEnd {
                    error("'\(field.name)' links to many rows; \(what) cannot read it", at: name.range,
                          hint: "group by it instead (by \(names.map(\.quoted).joined(separator: "."))), or count through a mirror field")
                    return nil
                }
                return RowPath(links: links, field: field)
            }
            guard case .link(let spec) = field.kind else {
                error("'\(field.name)' is not a link, so '.\(names[i + 1].text)' cannot follow it", at: names[i + 1].range,
                      hint: "only a path through single links (link T) can go on")
                return nil
            }
            if spec.many {
                error("'\(field.name)' links to many rows; a path cannot go through it", at: name.range.union(names[i + 1].range),
                      hint: "group by '\(names[...i].map(\.quoted).joined(separator: "."))' itself, or add a mirror field on the other table")
                return nil
            }
            guard let next = schema.table(id: spec.target) else { return nil }
            links.append(field.id)
            current = next
        }
        return nil
    }

    // MARK: - Groups

    private func checkGroups(_ query: ReportQuery) {
        var names: [String] = []
        for dimension in query.dimensions {
            guard let path = resolvePath(dimension.path, from: table, allowManyAtEnd: true, what: "a group") else {
                names.append("")
                continue
            }
            let kind: ReportGroup.Kind
            switch path.field.kind {
            case .link(let spec): kind = spec.many ? .eachLink(target: spec.target) : .link(target: spec.target)
            case .data(.tags): kind = .eachTag
            default:
                if case .list = path.type {
                    error("cannot group by '\(dimension.path.last!.text)': its values are lists", at: dimension.range,
                          hint: "group by a single value: a field, a link, or a tags field")
                    continue
                }
                kind = .value
            }
            let pathText = dimension.path.map(\.text).joined(separator: ".")
            groups.append(ReportGroup(name: dimension.alias?.text ?? dimension.path.last!.text, pathText: pathText, path: path, kind: kind))
            names.append(pathText)
        }
        // Two groups with the same last name are told apart by their whole paths.
        for i in groups.indices where query.dimensions[i].alias == nil {
            if groups.filter({ $0.name.lowercased() == groups[i].name.lowercased() }).count > 1 { groups[i].name = groups[i].pathText }
        }
        var seen: [String: SourceRange] = [:]
        for (i, g) in groups.enumerated() {
            let key = g.name.lowercased()
            if let first = seen[key] {
                error("the query groups by '\(g.pathText)' twice", at: query.dimensions[i].range,
                      hint: "the first is at \(first.start.line):\(first.start.column); remove one")
            }
            seen[key] = query.dimensions[i].range
        }
        if let bucket = query.bucket, let clash = groups.first(where: { $0.name.lowercased() == bucket.unit.rawValue }) {
            error("the bucket column '\(bucket.unit.rawValue)' has the name of the group '\(clash.pathText)'", at: bucket.range,
                  hint: "name the group: by \(clash.pathText) as other_name")
        }
    }

    // MARK: - Conditions

    /// Checks a row condition (`where`, or `where` inside an aggregate) and translates what it can.
    private func condition(_ e: Expression, what: String) -> ReportCondition? {
        do {
            let compiled = try FormulaCompiler.compile(e, in: table, schema: schema, typeOf: typeOf)
            if compiled.resultType != .bool && compiled.resultType != .any {
                error("'\(what)' needs a condition (true or false), but this is \(typeName(compiled.resultType))", at: e.range,
                      hint: "compare something, e.g. where category = billable")
                return nil
            }
            if compiled.isVolatile {
                // now() and today() read the clock: the fallback evaluates them with the command's clock.
                return ReportCondition(predicate: nil, source: e.sourceText)
            }
        } catch {
            diagnostics += error.diagnostics
            return nil
        }
        return ReportCondition(predicate: RowPredicateBuilder(schema: schema, table: table).predicate(e), source: e.sourceText)
    }

    // MARK: - Measures

    /// A table of hidden fields standing for the aggregates, the grouped links and the span, over
    /// which measure formulas are compiled.
    private struct GroupRow {
        var fields: [Field] = []
        var inputs: [FieldID: ReportInput] = [:]
        var types: [FieldID: ValueType] = [:]
        var nextID = -1

        mutating func add(_ name: String, _ type: ValueType, _ input: ReportInput) -> String {
            let id = nextID
            nextID -= 1
            let kind: FieldKind
            if case .link(let target) = type {
                kind = .link(LinkSpec(target: target, many: false, inverse: nil, storage: .column, onDelete: .clear))
            } else {
                kind = .data(type)
            }
            fields.append(Field(id: id, name: name, kind: kind))
            inputs[id] = input
            types[id] = type
            return name
        }
    }

    private func checkMeasures(_ query: ReportQuery) -> [ReportMeasureColumn] {
        var columns: [ReportMeasureColumn] = []
        var seen: [String: SourceRange] = [:]
        for measure in query.measures {
            var row = GroupRow()
            var found = false
            let rewritten = rewriteMeasure(measure.expression, row: &row, insideAggregate: false, foundAggregate: &found)
            guard let rewritten else { continue }
            if !found {
                error("a measure aggregates rows: this one has no aggregate", at: measure.expression.range,
                      hint: "write sum(x), count(), avg(x), min(x), max(x) or count_distinct(x)")
                continue
            }
            guard let formula = compileOverGroup(rewritten, row: row) else { continue }
            let name = measure.alias?.text ?? source.slice(measure.expression.range)
            let range = measure.alias?.range ?? measure.expression.range
            if let first = seen[name.lowercased()] {
                error("two measures are called '\(name)'", at: range,
                      hint: "the first is at \(first.start.line):\(first.start.column); name them apart with 'as'")
            } else if groups.contains(where: { $0.name.lowercased() == name.lowercased() }) {
                error("the measure '\(name)' has the name of a group", at: range, hint: "name it apart with 'as'")
            }
            seen[name.lowercased()] = range
            columns.append(ReportMeasureColumn(name: name, type: formula.formula.resultType, formula: formula))
        }
        return columns
    }

    private func compileOverGroup(_ e: Expression, row: GroupRow) -> ReportFormula? {
        let groupTable = Table(id: -1, name: "group", fields: row.fields)
        do {
            let formula = try FormulaCompiler.compile(e, in: groupTable, schema: schema) { id in
                row.types[id] ?? self.typeOf(id)
            }
            let inputs = formula.paths.map { path -> ReportInput in
                guard let first = path.first, let input = row.inputs[first] else { return .days }
                return input
            }
            return ReportFormula(formula: formula, inputs: inputs)
        } catch {
            diagnostics += error.diagnostics.map { d in
                var d = d
                d.message = d.message.replacingOccurrences(of: "table group has no field", with: "no measure or group is called")
                return d
            }
            return nil
        }
    }

    private static let spanFunctions: Set<String> = ["days", "weeks"]

    /// The measure with aggregates, grouped-link reads and `days()`/`weeks()` replaced by hidden names.
    private func rewriteMeasure(_ e: Expression, row: inout GroupRow, insideAggregate: Bool, foundAggregate: inout Bool) -> Expression? {
        switch e.kind {
        case .call(let name, let args, let filter):
            let word = name.text.lowercased()
            if let function = ReportAggregate.Function(rawValue: word), args.count <= 1,
               !(args.first.map(containsAggregate) ?? false) {
                foundAggregate = true
                guard let index = aggregate(function, name: name, args: args, filter: filter, range: e.range) else { return nil }
                let hidden = row.add("\(ReportChecker.hidden)a\(index)", aggregates[index].resultType, .aggregate(index))
                return Expression(.path([Name(hidden, range: e.range)]), range: e.range)
            }
            if Self.spanFunctions.contains(word) && args.isEmpty && filter == nil {
                guard hasSpan else {
                    error("\(word)() counts the days of a row's period, and this query has none", at: e.range,
                          hint: "add a period (for this month) or a bucket (per week)")
                    return nil
                }
                let hidden = row.add("\(ReportChecker.hidden)\(word)", .number, word == "days" ? .days : .weeks)
                return Expression(.path([Name(hidden, range: e.range)]), range: e.range)
            }
            if !FormulaLibrary.names.contains(word) && !Self.spanFunctions.contains(word) {
                // summ(duration): say the function is unknown before its argument is judged.
                let known = Keywords.reportAggregates + FormulaLibrary.names.sorted()
                error("'\(name.text)' is not a function", at: name.range,
                      hint: Suggestions.didYouMean(name.text, among: known)
                        ?? "a measure aggregates rows: \(Keywords.reportAggregates.map { "\($0)(...)" }.joined(separator: ", "))")
                return nil
            }
            var newArgs: [Expression] = []
            for a in args {
                guard let r = rewriteMeasure(a, row: &row, insideAggregate: insideAggregate, foundAggregate: &foundAggregate) else { return nil }
                newArgs.append(r)
            }
            return Expression(.call(name, newArgs, filter: filter), range: e.range)
        case .path(let names):
            return rewriteGroupPath(names, range: e.range, row: &row)
        case .unary(let op, let x):
            guard let rx = rewriteMeasure(x, row: &row, insideAggregate: insideAggregate, foundAggregate: &foundAggregate) else { return nil }
            return Expression(.unary(op, rx), range: e.range)
        case .binary(let op, let l, let r):
            guard let rl = rewriteMeasure(l, row: &row, insideAggregate: insideAggregate, foundAggregate: &foundAggregate),
                  let rr = rewriteMeasure(r, row: &row, insideAggregate: insideAggregate, foundAggregate: &foundAggregate) else { return nil }
            return Expression(.binary(op, rl, rr), range: e.range)
        case .list(let items):
            var out: [Expression] = []
            for item in items {
                guard let r = rewriteMeasure(item, row: &row, insideAggregate: insideAggregate, foundAggregate: &foundAggregate) else { return nil }
                out.append(r)
            }
            return Expression(.list(out), range: e.range)
        default:
            return e
        }
    }

    private func containsAggregate(_ e: Expression) -> Bool {
        switch e.kind {
        case .call(let name, let args, _):
            return ReportAggregate.Function(rawValue: name.text.lowercased()) != nil || args.contains(where: containsAggregate)
        case .unary(_, let x): return containsAggregate(x)
        case .binary(_, let l, let r): return containsAggregate(l) || containsAggregate(r)
        case .list(let items): return items.contains(where: containsAggregate)
        default: return false
        }
    }

    /// A name in a measure outside an aggregate: a group, or a field of a grouped link's row.
    private func rewriteGroupPath(_ names: [Name], range: SourceRange, row: inout GroupRow) -> Expression? {
        let lowered = names.map { $0.text.lowercased() }
        // The longest group path (or group name) the names start with.
        var best: (group: Int, length: Int)?
        for (i, g) in groups.enumerated() {
            for prefix in [g.pathText.lowercased().split(separator: ".").map(String.init), [g.name.lowercased()]]
            where prefix.count <= lowered.count && Array(lowered.prefix(prefix.count)) == prefix {
                if best == nil || prefix.count > best!.length { best = (i, prefix.count) }
            }
        }
        guard let (index, length) = best else {
            let isField = table.field(named: names[0].text) != nil
            error(isField ? "'\(names.map(\.text).joined(separator: "."))' is read on each row; a measure aggregates rows"
                          : "no measure or group is called '\(names[0].text)'",
                  at: range,
                  hint: isField ? "aggregate it: sum(\(names.map(\.quoted).joined(separator: "."))), avg(...), min(...), max(...); or group by it"
                                : Suggestions.didYouMean(names[0].text, among: groups.map(\.name) + table.fields.map(\.name)))
            return nil
        }
        let group = groups[index]
        let groupType: ValueType
        switch group.kind {
        case .link(let target): groupType = .link(target)
        case .value: groupType = group.path.type
        case .eachTag: groupType = .text
        case .eachLink(let target): groupType = .link(target)
        }
        let hidden = row.fields.first(where: { row.inputs[$0.id] == .group(index) })?.name
            ?? row.add("\(ReportChecker.hidden)g\(index)", groupType, .group(index))
        let rest = Array(names.dropFirst(length))
        if rest.isEmpty { return Expression(.path([Name(hidden, range: range)]), range: range) }
        guard case .link(let target) = groupType, let linked = schema.table(id: target),
              let path = resolvePath(rest, from: linked, allowManyAtEnd: false, what: "a measure") else {
            if case .link = groupType {} else {
                error("'\(group.pathText)' is not a link, so '.\(rest[0].text)' cannot follow it", at: rest[0].range,
                      hint: "a measure may read the fields of a grouped link's row, such as person.weekly_target")
            }
            return nil
        }
        let readIndex: Int
        if let existing = groupReads.firstIndex(of: ReportGroupRead(group: index, path: path)) { readIndex = existing } else {
            readIndex = groupReads.count
            groupReads.append(ReportGroupRead(group: index, path: path))
        }
        let readName = row.fields.first(where: { row.inputs[$0.id] == .groupRead(readIndex) })?.name
            ?? row.add("\(ReportChecker.hidden)r\(readIndex)", path.type, .groupRead(readIndex))
        return Expression(.path([Name(readName, range: range)]), range: range)
    }

    /// Checks an aggregate call and records it; its index in `aggregates`.
    private func aggregate(_ function: ReportAggregate.Function, name: Name, args: [Expression], filter: Expression?,
                           range: SourceRange) -> Int? {
        var argument: RowPath?
        if let arg = args.first {
            guard case .path(let names) = arg.kind else {
                error("an aggregate reads a field or a relation path, not an expression", at: arg.range,
                      hint: "add a formula field to \(Name.quote(table.name)) for the expression, and aggregate that field")
                return nil
            }
            guard let path = resolvePath(names, from: table, allowManyAtEnd: false, what: "an aggregate") else { return nil }
            argument = path
        } else if function != .count {
            error("\(function.rawValue) needs the field it aggregates", at: range, hint: "\(function.rawValue)(duration)")
            return nil
        }
        let resultType: ValueType
        let t = argument?.type ?? .integer
        func refuse(_ verb: String) -> Int? {
            error("\(function.rawValue) cannot \(verb) values of type \(typeName(t))", at: args[0].range,
                  hint: "count(\(args.first.map { source.slice($0.range) } ?? "")) counts them")
            return nil
        }
        switch function {
        case .count, .count_distinct:
            if function == .count_distinct, case .list = t { return refuse("compare") }
            resultType = .integer
        case .sum:
            switch t {
            case .number, .integer, .currency, .duration, .percent: resultType = t
            default: return refuse("add up")
            }
        case .avg:
            switch t {
            case .number, .currency, .duration, .percent: resultType = t
            case .integer: resultType = .number
            default: return refuse("average")
            }
        case .min, .max:
            switch t {
            case .number, .integer, .currency, .duration, .percent, .date, .datetime: resultType = t
            default: return refuse("order")
            }
        }
        var condition: ReportCondition?
        if let filter {
            guard let c = self.condition(filter, what: "where") else { return nil }
            condition = c
        }
        aggregates.append(ReportAggregate(function: function, argument: argument, filter: condition, resultType: resultType,
                                          text: source.slice(range)))
        return aggregates.count - 1
    }

    // MARK: - Having

    private func checkHaving(_ e: Expression, measures: [ReportMeasureColumn]) -> ReportFormula? {
        var row = GroupRow()
        for (i, m) in measures.enumerated() { _ = row.add(m.name, m.type, .measure(i)) }
        guard let rewritten = rewriteHaving(e, row: &row, measures: measures) else { return nil }
        guard let formula = compileOverGroup(rewritten, row: row) else { return nil }
        if formula.formula.resultType != .bool && formula.formula.resultType != .any {
            error("'having' needs a condition (true or false), but this is \(typeName(formula.formula.resultType))", at: e.range,
                  hint: "compare a measure, e.g. having hours > 50h")
            return nil
        }
        return formula
    }

    private func rewriteHaving(_ e: Expression, row: inout GroupRow, measures: [ReportMeasureColumn]) -> Expression? {
        switch e.kind {
        case .call(let name, let args, let filter):
            if let function = ReportAggregate.Function(rawValue: name.text.lowercased()), args.count <= 1 {
                guard let index = aggregate(function, name: name, args: args, filter: filter, range: e.range) else { return nil }
                let hidden = row.add("\(ReportChecker.hidden)a\(index)", aggregates[index].resultType, .aggregate(index))
                return Expression(.path([Name(hidden, range: e.range)]), range: e.range)
            }
            var out: [Expression] = []
            for a in args {
                guard let r = rewriteHaving(a, row: &row, measures: measures) else { return nil }
                out.append(r)
            }
            return Expression(.call(name, out, filter: filter), range: e.range)
        case .path(let names):
            let text = names.map(\.text).joined(separator: ".")
            if names.count == 1, measures.contains(where: { $0.name.lowercased() == text.lowercased() }) { return e }
            if groups.contains(where: { $0.name.lowercased() == text.lowercased() || $0.pathText.lowercased() == text.lowercased() }) {
                error("'having' filters groups by their measures; '\(text)' is a group", at: e.range,
                      hint: "to keep some rows only, use where: where \(text) = ...")
            } else if table.field(named: names[0].text) != nil {
                error("'having' filters groups by their measures; '\(text)' is a field of each row", at: e.range,
                      hint: "use where for a condition on rows, or aggregate it: having sum(\(text)) > ...")
            } else {
                error("no measure is called '\(text)'", at: e.range,
                      hint: Suggestions.didYouMean(text, among: measures.map(\.name))
                        ?? "the measures are \(measures.map(\.name).joined(separator: ", ")); name one with 'as'")
            }
            return nil
        case .unary(let op, let x):
            return rewriteHaving(x, row: &row, measures: measures).map { Expression(.unary(op, $0), range: e.range) }
        case .binary(let op, let l, let r):
            guard let a = rewriteHaving(l, row: &row, measures: measures), let b = rewriteHaving(r, row: &row, measures: measures) else { return nil }
            return Expression(.binary(op, a, b), range: e.range)
        case .list(let items):
            var out: [Expression] = []
            for item in items {
                guard let r = rewriteHaving(item, row: &row, measures: measures) else { return nil }
                out.append(r)
            }
            return Expression(.list(out), range: e.range)
        default:
            return e
        }
    }

    // MARK: - Order

    private func checkOrder(_ query: ReportQuery, measures: [ReportMeasureColumn]) -> [ReportSortKey] {
        let names = groups.map(\.name) + (query.bucket.map { [$0.unit.rawValue] } ?? []) + measures.map(\.name)
        var keys: [ReportSortKey] = []
        for key in query.orderBy {
            let text = key.text.lowercased()
            if let i = names.firstIndex(where: { $0.lowercased() == text }) ?? groups.firstIndex(where: { $0.pathText.lowercased() == text }) {
                keys.append(ReportSortKey(column: i, descending: key.descending))
            } else {
                error("the result has no column '\(key.text)' to order by", at: key.range,
                      hint: Suggestions.didYouMean(key.text, among: names) ?? "the columns are \(names.joined(separator: ", "))")
            }
        }
        return keys
    }
}
