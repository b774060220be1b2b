import TabulaLanguage

/// Default values of data fields. A literal (`default 40h`, `default billable`, `default 0`) is
/// turned into a value of the field's type when the schema loads, so a bad default is a schema
/// error, not a failed insert. Any other expression (`default today()`,
/// `default task.project.rate`) is a formula over the new row, checked when the schema loads and
/// evaluated once, when the row is added without that field.
enum DefaultValues {
    struct Problem: Error { var message: String; var hint: String? }

    /// What a `default` is, once checked.
    enum Kind {
        case constant(Value)
        case formula(CompiledFormula)
    }

    /// The problems of a field's default (none when it is fine).
    static func check(_ expr: Expression, for field: Field, in table: Table, schema: Schema) -> [Diagnostic] {
        switch classify(expr, for: field, in: table, schema: schema) {
        case .success: return []
        case .failure(let list): return list.diagnostics
        }
    }

    /// A constant when the expression is a literal of the field's type, otherwise a formula.
    static func classify(_ expr: Expression, for field: Field, in table: Table, schema: Schema) -> Result<Kind, DiagnosticList> {
        let type = field.valueType
        if isLiteral(expr) {
            do { return .success(.constant(try value(of: expr, for: type, context: schema.valueContext))) } catch {
                return .failure(DiagnosticList([Diagnostic(error.message, at: expr.range, hint: error.hint)]))
            }
        }
        // A bare name: an option of a select (`default billable`) before a field of the row.
        if case .path(let names) = expr.kind, names.count == 1, table.field(named: names[0].text) == nil,
           let constant = try? value(of: expr, for: type, context: schema.valueContext) {
            return .success(.constant(constant))
        }
        let compiled: CompiledFormula
        do {
            compiled = try FormulaCompiler.compile(expr, in: table, schema: schema) { id in schema.field(id: id)?.field.valueType ?? .any }
        } catch {
            return .failure(DiagnosticList(error.diagnostics))
        }
        for path in compiled.paths {
            guard let first = path.first, let read = table.field(id: first) else { continue }
            if read.id == field.id {
                return .failure(DiagnosticList([Diagnostic("the default of \(field.name) reads \(field.name) itself", at: expr.range,
                                                            hint: "a default is computed from the other fields of the new row")]))
            }
            if read.kind.isComputedByRecompute {
                return .failure(DiagnosticList([Diagnostic("a default cannot read \(read.name): it is computed after the row is added",
                                                            at: expr.range, hint: "read data fields or links of the row instead")]))
            }
        }
        if !accepts(type, compiled.resultType) {
            return .failure(DiagnosticList([Diagnostic("the default gives \(compiled.resultType.displayName), but \(field.name) is \(type.displayName)",
                                                        at: expr.range, hint: "write an expression of type \(type.displayName)")]))
        }
        return .success(.formula(compiled))
    }

    /// Whether a formula's result type can be stored in a field of `type`.
    static func accepts(_ type: ValueType, _ result: ValueType) -> Bool {
        if result == .any || result == type { return true }
        switch (type, result) {
        case (.number, .integer), (.select, .text), (.select, .select), (.text, .select): return true
        default: return false
        }
    }

    /// A formula default's value made fit for the field, or a problem for the user.
    static func conform(_ value: Value, to field: Field, in table: Table) throws -> Value {
        if case .error(let e) = value {
            throw EngineError(.invalidValue, "the default of \(table.name).\(field.name) gave \(e.code)", hint: "give \(field.name) a value, or fix the default in the schema")
        }
        switch (field.valueType, value) {
        case (.number, .integer(let i)): return .number(Double(i))
        case (.select(let options), .text(let t)):
            guard let option = options.first(where: { $0 == t }) ?? options.first(where: { $0.lowercased() == t.lowercased() }) else {
                throw EngineError(.invalidValue, "the default of \(table.name).\(field.name) gave '\(t)', which is not one of its options",
                                  hint: "its options are: \(options.joined(separator: ", "))")
            }
            return .text(option)
        default: return value
        }
    }

    private static func isLiteral(_ expr: Expression) -> Bool {
        switch expr.kind {
        case .number, .string, .bool, .blank, .date, .datetime, .duration, .money: return true
        case .unary(.negate, let inner): if case .number = inner.kind { return true } else { return false }
        case .list(let items): return items.allSatisfy { if case .path(let n) = $0.kind { return n.count == 1 } else { return false } }
        default: return false
        }
    }

    static func value(of expr: Expression, for type: ValueType, context: ValueContext) throws(Problem) -> Value {
        let text: String
        switch expr.kind {
        case .number(_, let t): text = t
        case .unary(.negate, let inner):
            guard case .number(_, let t) = inner.kind else { throw notConstant(type) }
            text = "-" + t
        case .string(let s): text = s
        case .bool(let b):
            guard type == .bool else { throw mismatch("true/false", type) }
            return .bool(b)
        case .blank: return .blank
        case .date(let y, let m, let d):
            guard let date = CivilDate(year: y, month: m, day: d) else { throw mismatch("an invalid date", type) }
            text = date.iso
        case .datetime(let t): text = t
        case .duration(let seconds):
            guard type == .duration else { throw mismatch("a duration", type) }
            return .duration(seconds)
        case .money(let amount, let code): text = amount + " " + code
        case .path(let names) where names.count == 1: text = names[0].text
        case .list(let items):
            guard case .tags = type else { throw mismatch("a list", type) }
            var parts: [String] = []
            for item in items {
                guard case .path(let n) = item.kind, n.count == 1 else { throw notConstant(type) }
                parts.append(n[0].text)
            }
            text = parts.joined(separator: ", ")
        default:
            throw notConstant(type)
        }
        do {
            return try type.parse(text, context: context)
        } catch {
            throw Problem(message: "bad default for a \(type.displayName) field: \(error.message)", hint: error.hint)
        }
    }

    private static func notConstant(_ type: ValueType) -> Problem {
        Problem(message: "a default must be a constant of the field's type (\(type.displayName))",
                hint: "write a literal such as 0, \"text\", 2026-11-20, 40h or 12.50 EUR")
    }
    private static func mismatch(_ what: String, _ type: ValueType) -> Problem {
        Problem(message: "bad default for a \(type.displayName) field: got \(what)", hint: "write a value of type \(type.displayName)")
    }
}

/// Diagnostics as an error value (for `Result`).
struct DiagnosticList: Error {
    var diagnostics: [Diagnostic]
    init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}
