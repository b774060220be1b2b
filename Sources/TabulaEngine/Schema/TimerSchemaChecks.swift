import TabulaLanguage

/// Checks the schema parts that timers, row locks and approvals rely on, once tables and field
/// types are known: the `people`, `approver` and `pomodoro` settings, each timer's log table,
/// `inherit` lists, and `lock when` conditions (which must be true or false).
struct TimerSchemaChecks {
    var schema: Schema
    let file: SchemaFile
    var diagnostics: [Diagnostic] = []

    init(schema: Schema, file: SchemaFile) { self.schema = schema; self.file = file }

    private mutating func error(_ message: String, at range: SourceRange, hint: String? = nil) {
        diagnostics.append(Diagnostic(message, at: range, hint: hint))
    }

    mutating func run() {
        settings()
        for decl in file.tables {
            guard let index = schema.tables.firstIndex(where: { $0.name == decl.name.text }) else { continue }
            timers(of: decl, at: index)
            for option in decl.options {
                switch option {
                case .inherit(let names, let range): inherit(names, range: range, at: index)
                case .lock(let condition, _): lock(condition, at: index)
                case .read(let condition, _), .write(let condition, _): accessRule(condition, at: index)
                case .timeField: break  // checked with the report settings
                case .fed, .feed: break  // checked with the other bases
                case .check(let condition, _, _): check(condition, at: index)
                }
            }
        }
    }

    // MARK: - Settings

    private mutating func settings() {
        for setting in file.settings {
            switch setting.key {
            case .people:
                if let table = schema.table(named: setting.value) { schema.peopleTable = table.id } else {
                    error("people names unknown table '\(setting.value)'", at: setting.valueRange,
                          hint: Suggestions.closest(to: setting.value, among: schema.tables.map(\.name)).map { "did you mean '\($0)'?" }
                            ?? "declare the people table, e.g. table People { name text required unique }")
                }
            case .pomodoro:
                let parts = setting.value.split(separator: " ").map(String.init)
                let seconds = parts.compactMap { part -> Int64? in
                    if case .duration(let s)? = try? ValueType.duration.parse(part, context: schema.valueContext) { return s }
                    return nil
                }
                if seconds.count == 2, seconds.allSatisfy({ $0 >= 60 }) {
                    schema.pomodoroLengths = PomodoroLengths(focus: seconds[0], pause: seconds[1])
                } else {
                    error("pomodoro lengths must be two durations of at least a minute", at: setting.valueRange, hint: "pomodoro 25m 5m")
                }
            default: break
            }
        }
        for setting in file.settings where setting.key == .approver {
            guard let peopleID = schema.peopleTable, let people = schema.table(id: peopleID) else {
                error("'approver' needs a people table", at: setting.keyRange, hint: "name it first: people People")
                continue
            }
            guard let role = people.field(named: "role") else {
                error("'approver \(setting.value)' needs a role field in \(people.name)", at: setting.valueRange,
                      hint: "add to \(people.name): role select(member, \(setting.value))")
                continue
            }
            switch role.kind {
            case .data(.select(let options)), .data(.tags(let options)):
                guard let option = options.first(where: { $0.lowercased() == setting.value.lowercased() }) else {
                    error("\(people.name).role has no option '\(setting.value)'", at: setting.valueRange,
                          hint: "the options are: \(options.joined(separator: ", "))")
                    continue
                }
                schema.approverRole = option
            default:
                error("\(people.name).role must be a select or tags field to name an approver", at: setting.valueRange,
                      hint: "role select(member, \(setting.value))")
            }
        }
    }

    // MARK: - Timers

    private mutating func timers(of decl: TableDecl, at index: Int) {
        let table = schema.tables[index]
        for field in table.fields {
            guard case .timer = field.kind, let fieldDecl = decl.fields.first(where: { $0.name.text == field.name }) else { continue }
            if case .failure(let problem) = TimerRoles.resolve(field, in: table, schema: schema) {
                error(problem.message, at: fieldDecl.range, hint: problem.hint)
            }
        }
    }

    private mutating func inherit(_ names: [Name], range: SourceRange, at index: Int) {
        let log = schema.tables[index]
        let timed = schema.tables.filter { t in
            t.fields.contains { if case .timer(let spec) = $0.kind { return spec.logTable == log.id } else { return false } }
        }
        if timed.isEmpty {
            error("'inherit' applies to a timer's log table, and no timer writes to \(log.name)", at: range,
                  hint: "add a timer field that writes here (timer -> \(log.name)), or remove 'inherit'")
            return
        }
        var ids: [FieldID] = []
        for name in names {
            guard let field = log.field(named: name.text) else {
                error("table '\(log.name)' has no field '\(name.text)' to inherit", at: name.range,
                      hint: Suggestions.closest(to: name.text, among: log.fields.map(\.name)).map { "did you mean '\($0)'?" }
                        ?? "declare it in \(log.name) with the same type as in \(timed[0].name)")
                continue
            }
            guard field.isWritable else {
                error("\(log.name).\(field.name) is computed, so it cannot be inherited", at: name.range, hint: "inherit a data or link field")
                continue
            }
            for source in timed {
                guard let from = source.field(named: field.name) else {
                    error("\(source.name) has no field '\(field.name)' for \(log.name) to inherit", at: name.range,
                          hint: "inherit copies the field of the same name from the timed row")
                    continue
                }
                if !Self.compatible(from.valueType, field.valueType) {
                    error("\(log.name).\(field.name) is \(field.valueType.displayName) but \(source.name).\(from.name) is \(from.valueType.displayName)",
                          at: name.range, hint: "give both fields the same type")
                }
            }
            if ids.contains(field.id) {
                error("'\(field.name)' is inherited twice", at: name.range, hint: "list each field once")
            } else { ids.append(field.id) }
        }
        schema.tables[index].inheritedFields = ids
    }

    /// Whether a value of type `a` can be copied into a field of type `b` (the same type; for
    /// select and tags, options of `a` within `b`'s).
    static func compatible(_ a: ValueType, _ b: ValueType) -> Bool {
        switch (a, b) {
        case (.select(let x), .select(let y)), (.tags(let x), .tags(let y)):
            let known = Set(y.map { $0.lowercased() })
            return x.allSatisfy { known.contains($0.lowercased()) }
        default: return a == b
        }
    }

    // MARK: - Checks

    private mutating func check(_ condition: Expression, at index: Int) {
        let table = schema.tables[index]
        let schema = self.schema
        do {
            let compiled = try FormulaCompiler.compile(condition, in: table, schema: schema) { id in schema.field(id: id)?.field.valueType ?? .any }
            if compiled.resultType != .bool && compiled.resultType != .any {
                error("the check of \(table.name) gives \(compiled.resultType.displayName), not true or false", at: condition.range,
                      hint: "compare something, e.g. check end >= start else \"the interval ends before it starts\"")
            }
        } catch {
            diagnostics += error.diagnostics
        }
    }

    // MARK: - Read and write rules

    private mutating func accessRule(_ condition: Expression, at index: Int) {
        do {
            _ = try AccessRule.compile(condition, in: schema.tables[index], schema: schema)
        } catch {
            diagnostics += error.diagnostics
        }
    }

    // MARK: - Locks

    private mutating func lock(_ condition: Expression, at index: Int) {
        let table = schema.tables[index]
        let schema = self.schema
        do {
            let compiled = try FormulaCompiler.compile(condition, in: table, schema: schema) { id in schema.field(id: id)?.field.valueType ?? .any }
            if compiled.resultType != .bool && compiled.resultType != .any {
                error("the lock condition of \(table.name) gives \(compiled.resultType.displayName), not true or false", at: condition.range,
                      hint: "compare something, e.g. lock when period.state = approved")
            }
        } catch {
            diagnostics += error.diagnostics
        }
    }
}
