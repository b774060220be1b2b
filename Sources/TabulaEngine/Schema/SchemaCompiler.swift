import TabulaLanguage

/// Turns a parsed schema file into a checked `Schema`: resolves names, links and inverses,
/// mirror paths and types, assigns stable ids (keeping those of a previous schema, following
/// `was` markers for renames), and reports every problem with its place in the file.
public struct SchemaCompiler {
    public let source: SourceText
    public let file: SchemaFile
    public let previous: Schema?
    /// Checks saved reports once the rest of the schema is sound; nil checks their syntax only.
    public let reportChecker: (any SavedReportChecking)?
    private var diagnostics: [Diagnostic] = []

    /// Parses and compiles schema source text in one step; `reportChecker` checks its saved reports.
    public static func compile(source: SourceText, previous: Schema? = nil,
                               reportChecker: (any SavedReportChecking)? = nil) throws(SourceErrors) -> Schema {
        let file = try SchemaParser.parse(source)
        return try compile(file: file, source: source, previous: previous, reportChecker: reportChecker)
    }

    /// Compiles a parsed schema file; `reportChecker` checks its saved reports.
    public static func compile(file: SchemaFile, source: SourceText, previous: Schema? = nil,
                               reportChecker: (any SavedReportChecking)? = nil) throws(SourceErrors) -> Schema {
        var compiler = SchemaCompiler(source: source, file: file, previous: previous, reportChecker: reportChecker)
        let schema = compiler.run()
        if compiler.diagnostics.contains(where: { $0.severity == .error }) {
            throw SourceErrors(source: source, diagnostics: compiler.diagnostics)
        }
        return schema
    }

    init(source: SourceText, file: SchemaFile, previous: Schema?, reportChecker: (any SavedReportChecking)?) {
        self.source = source; self.file = file; self.previous = previous; self.reportChecker = reportChecker
    }

    private mutating func error(_ message: String, at range: SourceRange, hint: String? = nil) {
        diagnostics.append(Diagnostic(message, at: range, hint: hint))
    }

    // MARK: - Phases

    private mutating func run() -> Schema {
        var schema = Schema(nextTableID: previous?.nextTableID ?? 1, nextFieldID: previous?.nextFieldID ?? 1)
        applySettings(to: &schema)
        declareTables(in: &schema)
        resolveLinks(in: &schema)
        resolveComputed(in: &schema)
        checkDefaultsAndConstraints(in: &schema)
        var timerChecks = TimerSchemaChecks(schema: schema, file: file)
        timerChecks.run()
        schema = timerChecks.schema
        diagnostics += timerChecks.diagnostics
        resolveReportSettings(in: &schema)
        resolveOtherBases(in: &schema)
        for report in file.reports {
            if schema.reports.contains(where: { $0.name.lowercased() == report.name.text.lowercased() }) {
                error("report '\(report.name.text)' is defined twice", at: report.name.range, hint: "give each saved report its own name")
            }
            schema.reports.append(SavedReport(name: report.name.text, query: report.query))
        }
        checkSavedReports(schema)
        return schema
    }

    // MARK: - Reports

    /// `report from TABLE` and each table's `time field NAME`.
    private mutating func resolveReportSettings(in schema: inout Schema) {
        let tableNames = schema.tables.map(\.name)
        if let decl = file.reportTable {
            if let t = schema.table(named: decl.table.text) { schema.reportTable = t.id } else {
                error("there is no table '\(decl.table.text)' to report from", at: decl.table.range,
                      hint: didYouMean(decl.table.text, among: tableNames) ?? (tableNames.isEmpty ? "declare the table first: table \(decl.table.quoted) { ... }" : "the tables are \(tableNames.joined(separator: ", "))"))
            }
        }
        for decl in file.tables {
            guard let index = schema.tables.firstIndex(where: { $0.name == decl.name.text }) else { continue }
            for case .timeField(let name, _) in decl.options {
                let table = schema.tables[index]
                guard let field = table.field(named: name.text) else {
                    let times = table.fields.filter { $0.valueType == .date || $0.valueType == .datetime }.map(\.name)
                    error("table '\(table.name)' has no field '\(name.text)' to be its time field", at: name.range,
                          hint: didYouMean(name.text, among: table.fields.map(\.name))
                            ?? (times.isEmpty ? "add a date or datetime field first" : "its date and datetime fields are \(times.joined(separator: ", "))"))
                    continue
                }
                guard field.valueType == .date || field.valueType == .datetime, Layout.hasColumn(field) else {
                    error("the time field must be a date or a datetime, but '\(field.name)' is \(field.valueType.displayName)", at: name.range,
                          hint: "name a date or datetime field of \(Name.quote(table.name)), such as its start")
                    continue
                }
                schema.tables[index].timeField = field.id
            }
        }
    }

    /// Saved reports are checked against the schema that holds them, so a broken one is reported
    /// in the schema file, at its place.
    private mutating func checkSavedReports(_ schema: Schema) {
        guard !diagnostics.contains(where: { $0.severity == .error }) else { return }
        for report in file.reports {
            do {
                let query = try ReportParser.parse(source, range: report.queryRange)
                try reportChecker?.checkSavedReport(query, source: source, schema: schema)
            } catch {
                diagnostics += error.diagnostics
            }
        }
    }

    private mutating func applySettings(to schema: inout Schema) {
        schema.name = previous?.name ?? ""
        for setting in file.settings {
            switch setting.key {
            case .base: schema.name = setting.value
            case .timezone:
                if TimeZoneRules.isValid(setting.value) { schema.timeZone = setting.value } else {
                    error("unknown time zone '\(setting.value)'", at: setting.valueRange,
                          hint: "use an IANA zone name such as \"Europe/Berlin\", \"America/New_York\" or \"UTC\"")
                }
            case .currency:
                if let code = CurrencyCode.normalized(setting.value) { schema.currency = code } else {
                    error("'\(setting.value)' is not an ISO 4217 currency code", at: setting.valueRange,
                          hint: "use a three-letter code such as EUR, USD, GBP or RUB")
                }
            case .locale:
                schema.locale = setting.value
            case .package:
                schema.package = setting.value.lowercased()
            case .people, .approver, .pomodoro:
                break  // checked with the timers, once tables exist (TimerSchemaChecks)
            }
        }
    }

    static func isCurrencyCode(_ s: String) -> Bool { CurrencyCode.normalized(s) != nil }

    /// Gives every table and field its id and its basic kind (data types, link targets pending).
    private mutating func declareTables(in schema: inout Schema) {
        var seenTables: [String: SourceRange] = [:]
        for decl in file.tables {
            let key = decl.name.text.lowercased()
            if let first = seenTables[key] {
                error("table '\(decl.name.text)' is defined twice", at: decl.name.range,
                      hint: "the first definition is at line \(first.start.line); rename or merge them")
                continue
            }
            seenTables[key] = decl.name.range
            let old = previousTable(for: decl)
            let tableID: TableID
            if let old { tableID = old.id } else { tableID = schema.nextTableID; schema.nextTableID += 1 }
            var table = Table(id: tableID, name: decl.name.text)
            if decl.fields.isEmpty {
                error("table '\(decl.name.text)' has no fields", at: decl.name.range,
                      hint: "declare at least one field; the first one is the row's primary (display) field")
            }
            var seenFields: [String: SourceRange] = [:]
            for fieldDecl in decl.fields {
                let fkey = fieldDecl.name.text.lowercased()
                if let first = seenFields[fkey] {
                    error("field '\(fieldDecl.name.text)' is defined twice in table '\(decl.name.text)'", at: fieldDecl.name.range,
                          hint: "the first definition is at line \(first.start.line); field names are compared without case")
                    continue
                }
                if fkey == "id" {
                    error("'id' is reserved for the row id", at: fieldDecl.name.range, hint: "call the field something else, e.g. 'code'")
                    continue
                }
                seenFields[fkey] = fieldDecl.name.range
                let oldField = old.flatMap { previousField(for: fieldDecl, in: $0) }
                let fieldID: FieldID
                if let oldField { fieldID = oldField.id } else { fieldID = schema.nextFieldID; schema.nextFieldID += 1 }
                guard let kind = basicKind(of: fieldDecl) else { continue }
                var field = Field(id: fieldID, name: fieldDecl.name.text, kind: kind)
                for modifier in fieldDecl.modifiers {
                    switch modifier {
                    case .required: field.isRequired = true
                    case .unique: field.isUnique = true
                    case .default(let expr): field.defaultExpression = expr.sourceText
                    default: break
                    }
                }
                table.fields.append(field)
            }
            for option in decl.options {
                if case .lock(let expr, _) = option { table.lockCondition = expr.sourceText }
                if case .read(let expr, _) = option { table.readCondition = expr.sourceText }
                if case .write(let expr, _) = option { table.writeCondition = expr.sourceText }
                if case .check(let expr, let message, _) = option {
                    table.checks = (table.checks ?? []) + [RowCheck(condition: expr.sourceText, message: message)]
                }
                if case .fed = option { table.isFed = true }
            }
            schema.tables.append(table)
        }
    }

    /// Other bases, copied tables and feeds, checked as far as this schema alone can tell (that the
    /// other base is declared, the mapped fields exist here); what the other base holds is checked
    /// when the base is created or migrated, where the other file can be read.
    private mutating func resolveOtherBases(in schema: inout Schema) {
        var others: [OtherBase] = []
        for decl in file.otherBases {
            if decl.location.trimmingCharacters(in: .whitespaces).isEmpty {
                error("base '\(decl.name.text)' has an empty location", at: decl.locationRange,
                      hint: "give the other base's file (relative to this base's file) or its server's URL")
            }
            let served = OtherBase(name: decl.name.text, location: decl.location).isServed
            if served && decl.tokenVariable == nil {
                error("the served base '\(decl.name.text)' needs a token", at: decl.range,
                      hint: "add token env VARIABLE: the environment variable that holds a feed token of that server")
            }
            if !served && decl.tokenVariable != nil {
                error("a base in a file takes no token", at: decl.range, hint: "a token is for a served base (http://...); remove 'token env ...'")
            }
            if schema.tables.contains(where: { $0.name.lowercased() == decl.name.text.lowercased() }) {
                error("'\(decl.name.text)' names both another base and a table", at: decl.name.range, hint: "give the other base another name")
            }
            others.append(OtherBase(name: decl.name.text, location: decl.location, tokenVariable: decl.tokenVariable))
        }
        schema.otherBases = others.isEmpty ? nil : others
        func declared(_ name: Name) -> Bool {
            if others.contains(where: { $0.name.lowercased() == name.text.lowercased() }) { return true }
            error("no other base is called '\(name.text)'", at: name.range,
                  hint: others.isEmpty ? "declare it first: base \(name.quoted) at \"../other/other.db\""
                      : "the other bases are: \(others.map(\.name).joined(separator: ", "))")
            return false
        }
        for decl in file.tables {
            guard let index = schema.tables.firstIndex(where: { $0.name == decl.name.text }) else { continue }
            if let copied = decl.copiedFrom, declared(copied.base) {
                schema.tables[index].copiedFrom = OtherTableRef(base: copied.base.text, table: copied.table.text)
                if decl.options.contains(where: { if case .fed = $0 { return true } else { return false } }) {
                    error("a copied table cannot also be fed from outside", at: copied.range, hint: "keep one of the two")
                }
            }
            var feeds: [Feed] = []
            for case .feed(let feedDecl) in decl.options {
                guard declared(feedDecl.target.base) else { continue }
                let table = schema.tables[index]
                var mappings: [Feed.Mapping] = []
                for mapping in feedDecl.mappings {
                    guard let source = table.field(named: mapping.source.text) else {
                        error("table '\(table.name)' has no field '\(mapping.source.text)' to feed", at: mapping.source.range,
                              hint: Suggestions.didYouMean(mapping.source.text, among: table.fields.map(\.name)) ?? "its fields are: \(table.fields.map(\.name).joined(separator: ", "))")
                        continue
                    }
                    if case .timer = source.kind {
                        error("a timer field cannot be fed", at: mapping.source.range, hint: "feed the log table's intervals instead")
                        continue
                    }
                    mappings.append(Feed.Mapping(target: mapping.target.text, source: source.id))
                }
                let target = OtherTableRef(base: feedDecl.target.base.text, table: feedDecl.target.table.text)
                if feeds.contains(where: { $0.target.description.lowercased() == target.description.lowercased() }) {
                    error("table '\(table.name)' feeds \(target.description) twice", at: feedDecl.target.range, hint: "keep one feed per target table")
                    continue
                }
                feeds.append(Feed(target: target, mappings: mappings))
            }
            schema.tables[index].feeds = feeds.isEmpty ? nil : feeds
        }
    }

    private func previousTable(for decl: TableDecl) -> Table? {
        guard let previous else { return nil }
        if let t = previous.tables.first(where: { $0.name == decl.name.text }) { return t }
        if let was = decl.previousName, let t = previous.tables.first(where: { $0.name == was.text }) { return t }
        return nil
    }

    private func previousField(for decl: FieldDecl, in table: Table) -> Field? {
        if let f = table.fields.first(where: { $0.name == decl.name.text }) { return f }
        for case .previousName(let was) in decl.modifiers {
            if let f = table.fields.first(where: { $0.name == was.text }) { return f }
        }
        return nil
    }

    static let plainTypes: [String: ValueType] = [
        "text": .text, "number": .number, "integer": .integer, "percent": .percent, "bool": .bool,
        "date": .date, "datetime": .datetime, "duration": .duration,
    ]

    private mutating func basicKind(of decl: FieldDecl) -> FieldKind? {
        switch decl.type {
        case .named(let name, let args):
            let typeName = name.text.lowercased()
            func noArguments() -> Bool {
                if let first = args.first {
                    error("type '\(typeName)' takes no arguments", at: first.range, hint: "write just '\(typeName)'")
                    return false
                }
                return true
            }
            if let t = Self.plainTypes[typeName] { return noArguments() ? .data(t) : nil }
            switch typeName {
            case "autonumber": return noArguments() ? .autonumber : nil
            case "created": return noArguments() ? .created : nil
            case "modified": return noArguments() ? .modified : nil
            case "author": return noArguments() ? .author : nil
            case "currency":
                if args.isEmpty { return .data(.currency(currencyOfBase)) }
                guard args.count == 1 else {
                    error("currency takes one currency code", at: args[1].range, hint: "write currency(EUR)")
                    return nil
                }
                guard let code = CurrencyCode.normalized(args[0].text) else {
                    error("'\(args[0].text)' is not an ISO 4217 currency code", at: args[0].range,
                          hint: "use a three-letter code such as EUR, USD, GBP or RUB")
                    return nil
                }
                return .data(.currency(code))
            case "select", "tags":
                guard !args.isEmpty else {
                    error("\(typeName) needs its options", at: name.range, hint: "list them: \(typeName)(draft, active, done)")
                    return nil
                }
                var seen: Set<String> = []
                var options: [String] = []
                for a in args {
                    if !seen.insert(a.text.lowercased()).inserted {
                        error("option '\(a.text)' is listed twice", at: a.range, hint: "remove the repeated option")
                    } else { options.append(a.text) }
                }
                return .data(typeName == "select" ? .select(options) : .tags(options))
            default:
                error("unknown type '\(name.text)'", at: name.range, hint: "the types are: text, number, integer, autonumber, currency, percent, bool, date, datetime, duration, select, tags, link, formula, mirror, timer, created, modified, author")
                return nil
            }
        case .link(_, let many, _):
            // The target is resolved once every table is declared.
            return .link(LinkSpec(target: -1, many: many, inverse: nil, storage: many ? .derived : .column, onDelete: .clear))
        case .formula(let expr, _):
            return .formula(FormulaSpec(source: expr.sourceText, resultType: .any))
        case .mirror(let m):
            return .mirror(MirrorSpec(aggregate: MirrorAggregate(rawValue: m.aggregate.text.lowercased()) ?? .list, links: [], field: nil,
                                      filter: m.filter?.sourceText, orderBy: nil, descending: m.descending, resultType: .any))
        case .timer:
            return .timer(TimerSpec(logTable: -1, maxRunning: 10))
        }
    }

    private var currencyOfBase: String {
        file.settings.last(where: { $0.key == .currency }).map(\.value).flatMap(CurrencyCode.normalized)
            ?? previous?.currency ?? "EUR"
    }

    private func decl(of tableName: String, field fieldName: String) -> FieldDecl? {
        file.tables.first { $0.name.text == tableName }?.fields.first { $0.name.text == fieldName }
    }

    private func location(_ schema: Schema, _ t: Int, _ f: Int) -> FieldDecl? {
        decl(of: schema.tables[t].name, field: schema.tables[t].fields[f].name)
    }

    private func didYouMean(_ name: String, among candidates: [String]) -> String? {
        Suggestions.closest(to: name, among: candidates).map { "did you mean '\($0)'?" }
    }

    // MARK: - Links

    private mutating func resolveLinks(in schema: inout Schema) {
        let tableNames = schema.tables.map(\.name)
        // Targets and timers' log tables.
        for t in schema.tables.indices {
            for f in schema.tables[t].fields.indices {
                guard let decl = location(schema, t, f) else { continue }
                switch decl.type {
                case .link(let target, _, _):
                    guard let targetTable = schema.table(named: target.text) else {
                        error("link to unknown table '\(target.text)'", at: target.range,
                              hint: didYouMean(target.text, among: tableNames) ?? "declare the table, or link to one of: \(tableNames.joined(separator: ", "))")
                        continue
                    }
                    if case .link(var spec) = schema.tables[t].fields[f].kind {
                        spec.target = targetTable.id
                        for case .onDelete(let word) in decl.modifiers {
                            if let mode = OnDelete(rawValue: word.text.lowercased()) { spec.onDelete = mode } else {
                                error("unknown on-delete behaviour '\(word.text)'", at: word.range, hint: "use clear, restrict or cascade")
                            }
                        }
                        schema.tables[t].fields[f].kind = .link(spec)
                    }
                case .timer(let log, let maxRunning, let range):
                    guard let logTable = schema.table(named: log.text) else {
                        error("timer writes to unknown table '\(log.text)'", at: log.range,
                              hint: didYouMean(log.text, among: tableNames) ?? "declare the log table the timer writes intervals into")
                        continue
                    }
                    if let maxRunning, maxRunning < 1 {
                        error("a timer needs max 1 or more", at: range, hint: "write max 10 (the default) or leave it out")
                    }
                    schema.tables[t].fields[f].kind = .timer(TimerSpec(logTable: logTable.id, maxRunning: maxRunning ?? 10))
                default: break
                }
                for modifier in decl.modifiers {
                    switch modifier {
                    case .inverse(let n) where !isLink(decl):
                        error("'inverse' applies only to link fields", at: n.range, hint: "remove 'inverse \(n.text)'")
                    case .onDelete(let n) where !isLink(decl):
                        error("'on delete' applies only to link fields", at: n.range, hint: "remove 'on delete \(n.text)'")
                    default: break
                    }
                }
            }
        }
        // Inverses: pair each link with the field on the other side, then decide storage.
        for t in schema.tables.indices {
            for f in schema.tables[t].fields.indices {
                guard let decl = location(schema, t, f), case .link(var spec) = schema.tables[t].fields[f].kind,
                      spec.target >= 0 else { continue }
                for case .inverse(let inverseName) in decl.modifiers {
                    let targetIndex = schema.tableIndex(id: spec.target)!
                    let target = schema.tables[targetIndex]
                    guard let inverse = target.field(named: inverseName.text) else {
                        error("table '\(target.name)' has no field '\(inverseName.text)' to be the inverse", at: inverseName.range,
                              hint: didYouMean(inverseName.text, among: target.fields.map(\.name))
                                ?? "add a link field to \(schema.tables[t].name) on table \(target.name), or remove 'inverse'")
                        continue
                    }
                    guard case .link(var inverseSpec) = inverse.kind, inverseSpec.target == schema.tables[t].id else {
                        error("'\(target.name).\(inverse.name)' does not link back to '\(schema.tables[t].name)'", at: inverseName.range,
                              hint: "the inverse must be a link field of \(target.name) pointing to \(schema.tables[t].name)")
                        continue
                    }
                    if let existing = inverseSpec.inverse, existing != schema.tables[t].fields[f].id {
                        error("'\(target.name).\(inverse.name)' is already the inverse of another link", at: inverseName.range,
                              hint: "a link field can have one inverse")
                        continue
                    }
                    if inverse.id == schema.tables[t].fields[f].id {
                        error("a link cannot be its own inverse", at: inverseName.range, hint: "name the field on the other table")
                        continue
                    }
                    spec.inverse = inverse.id
                    inverseSpec.inverse = schema.tables[t].fields[f].id
                    let inverseIndex = target.fields.firstIndex { $0.id == inverse.id }!
                    schema.tables[targetIndex].fields[inverseIndex].kind = .link(inverseSpec)
                    schema.tables[t].fields[f].kind = .link(spec)
                }
            }
        }
        // Check that declared inverses agree in both directions, then decide storage.
        for t in schema.tables.indices {
            for f in schema.tables[t].fields.indices {
                guard case .link(var spec) = schema.tables[t].fields[f].kind, spec.target >= 0 else { continue }
                let me = schema.tables[t].fields[f]
                if let inv = spec.inverse, let (_, other) = schema.field(id: inv), case .link(let otherSpec) = other.kind {
                    switch (spec.many, otherSpec.many) {
                    case (false, true): spec.storage = .column
                    case (true, false): spec.storage = .derived
                    case (false, false): spec.storage = me.id < other.id ? .column : .derived
                    case (true, true): spec.storage = me.id < other.id ? .junction(owner: me.id) : .derived
                    }
                } else {
                    spec.storage = spec.many ? .junction(owner: me.id) : .column
                }
                schema.tables[t].fields[f].kind = .link(spec)
            }
        }
    }

    private func isLink(_ decl: FieldDecl) -> Bool {
        if case .link = decl.type { return true } else { return false }
    }

    // MARK: - Computed fields

    private mutating func resolveComputed(in schema: inout Schema) {
        // Mirror paths.
        for t in schema.tables.indices {
            for f in schema.tables[t].fields.indices {
                guard let decl = location(schema, t, f), case .mirror(let m) = decl.type,
                      case .mirror(var spec) = schema.tables[t].fields[f].kind else { continue }
                guard let aggregate = MirrorAggregate(rawValue: m.aggregate.text.lowercased()) else {
                    error("unknown mirror aggregate '\(m.aggregate.text)'", at: m.aggregate.range,
                          hint: didYouMean(m.aggregate.text.lowercased(), among: MirrorAggregate.allCases.map(\.rawValue))
                            ?? "use one of: \(MirrorAggregate.allCases.map(\.rawValue).joined(separator: ", "))")
                    continue
                }
                spec.aggregate = aggregate
                var current = schema.tables[t]
                var links: [FieldID] = []
                var finalField: Field?
                var ok = true
                for (i, segment) in m.path.enumerated() {
                    guard let field = current.field(named: segment.text) else {
                        error("table '\(current.name)' has no field '\(segment.text)'", at: segment.range,
                              hint: didYouMean(segment.text, among: current.fields.map(\.name)) ?? (current.fields.isEmpty ? "\(current.name) has no fields" : "the fields are: \(current.fields.map(\.name).joined(separator: ", "))"))
                        ok = false; break
                    }
                    let isLast = i == m.path.count - 1
                    if case .link(let l) = field.kind, !isLast || (aggregate == .count || aggregate == .count_all) && links.isEmpty && m.path.count == 1 {
                        links.append(field.id)
                        if isLast { break }
                        current = schema.table(id: l.target) ?? current
                        continue
                    }
                    if isLast {
                        finalField = field
                    } else {
                        error("'\(segment.text)' is not a link, so the path cannot go on through it", at: segment.range,
                              hint: "a mirror path walks link fields and ends at a field of the last table")
                        ok = false; break
                    }
                }
                guard ok else { continue }
                if links.isEmpty {
                    error("a mirror reads through a link field of this table", at: m.path.first?.range ?? m.range,
                          hint: "start the path with a link field, e.g. mirror sum(entries.duration)")
                    continue
                }
                spec.links = links
                spec.field = finalField?.id
                if let order = m.orderBy {
                    if let of = current.field(named: order.text) { spec.orderBy = of.id } else {
                        error("table '\(current.name)' has no field '\(order.text)' to order by", at: order.range,
                              hint: didYouMean(order.text, among: current.fields.map(\.name)))
                    }
                }
                schema.tables[t].fields[f].kind = .mirror(spec)
            }
        }
        var typing = ComputedFieldTyping(schema: schema, file: file)
        typing.run()
        schema = typing.schema
        diagnostics += typing.diagnostics
    }

    // MARK: - Defaults and constraints

    private mutating func checkDefaultsAndConstraints(in schema: inout Schema) {
        for t in schema.tables.indices {
            for f in schema.tables[t].fields.indices {
                guard let decl = location(schema, t, f) else { continue }
                let field = schema.tables[t].fields[f]
                for modifier in decl.modifiers {
                    switch modifier {
                    case .required(let r) where field.isComputed:
                        error("'required' does not apply to a computed field", at: r, hint: "remove it: the engine fills this field")
                    case .unique(let r) where field.isComputed && field.kind != .autonumber:
                        error("'unique' does not apply to a computed field", at: r, hint: "remove it")
                    case .unique(let r):
                        if case .link(let l) = field.kind, l.many {
                            error("'unique' does not apply to a multiple link", at: r, hint: "remove it")
                        } else if case .data(.tags) = field.kind {
                            error("'unique' does not apply to tags", at: r, hint: "remove it")
                        }
                    case .default(let expr):
                        if field.isComputed || { if case .link = field.kind { return true } else { return false } }() {
                            error("a \(field.isComputed ? "computed" : "link") field cannot have a default", at: expr.range, hint: "remove 'default'")
                        } else {
                            diagnostics += DefaultValues.check(expr, for: field, in: schema.tables[t], schema: schema)
                        }
                    default: break
                    }
                }
            }
        }
    }
}
