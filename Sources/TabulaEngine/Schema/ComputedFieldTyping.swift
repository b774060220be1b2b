import TabulaLanguage

/// Infers the value types of computed fields (formulas and mirrors) in dependency order,
/// and refuses a cycle between computed fields, naming it.
struct ComputedFieldTyping {
    var schema: Schema
    let file: SchemaFile
    var diagnostics: [Diagnostic] = []
    private var state: [FieldID: Visit] = [:]
    private var stack: [FieldID] = []

    private enum Visit { case inProgress, done }

    init(schema: Schema, file: SchemaFile) { self.schema = schema; self.file = file }

    mutating func run() {
        for table in schema.tables {
            for field in table.fields where field.isComputed { _ = type(of: field.id) }
        }
    }

    private func declaration(of id: FieldID) -> FieldDecl? {
        guard let (table, field) = schema.field(id: id) else { return nil }
        return file.tables.first(where: { $0.name.text == table.name })?.fields.first(where: { $0.name.text == field.name })
    }

    private func declRange(of id: FieldID) -> SourceRange {
        guard let (table, field) = schema.field(id: id),
              let decl = file.tables.first(where: { $0.name.text == table.name })?.fields.first(where: { $0.name.text == field.name })
        else { return .none }
        return decl.name.range
    }

    private mutating func setKind(_ id: FieldID, _ kind: FieldKind) {
        for t in schema.tables.indices {
            if let f = schema.tables[t].fields.firstIndex(where: { $0.id == id }) { schema.tables[t].fields[f].kind = kind; return }
        }
    }

    /// The type of a field, computing (and recording) it first for a computed field.
    mutating func type(of id: FieldID) -> ValueType {
        guard let (table, field) = schema.field(id: id) else { return .any }
        switch state[id] {
        case .done: return schema.field(id: id)!.field.valueType
        case .inProgress:
            let start = stack.firstIndex(of: id) ?? 0
            let cycle = (stack[start...] + [id]).compactMap { schema.field(id: $0) }.map { "\($0.table.name).\($0.field.name)" }
            diagnostics.append(Diagnostic("computed fields depend on each other in a cycle: \(cycle.joined(separator: " -> "))",
                                          at: declRange(of: id), hint: "break the cycle: one of these fields must not read the other"))
            state[id] = .done
            return .any
        case nil: break
        }
        state[id] = .inProgress
        stack.append(id)
        defer { stack.removeLast(); state[id] = .done }
        switch field.kind {
        case .mirror(var spec):
            spec.resultType = mirrorType(spec, field: field, table: table)
            setKind(id, .mirror(spec))
            return spec.resultType
        case .formula(var spec):
            guard let decl = declaration(of: id), case .formula(let expr, _) = decl.type else { return .any }
            do {
                let compiled = try FormulaCompiler.compile(expr, in: table, schema: schema, typeOf: { self.type(of: $0) })
                spec.resultType = compiled.resultType
                setKind(id, .formula(spec))
                return spec.resultType
            } catch {
                diagnostics += error.diagnostics
                return .any
            }
        default:
            return field.valueType
        }
    }

    private mutating func mirrorType(_ spec: MirrorSpec, field: Field, table: Table) -> ValueType {
        for link in spec.links { _ = type(of: link) }
        let range = declRange(of: field.id)
        if let decl = declaration(of: field.id), case .mirror(let m) = decl.type, let filter = m.filter,
           let lastLink = spec.links.last, let (_, linkField) = schema.field(id: lastLink),
           case .link(let linkSpec) = linkField.kind, let last = schema.table(id: linkSpec.target) {
            do {
                let compiled = try FormulaCompiler.compile(filter, in: last, schema: schema, typeOf: { self.type(of: $0) })
                if compiled.resultType != .bool && compiled.resultType != .any {
                    diagnostics.append(Diagnostic("a mirror's where must be true or false, but this is \(compiled.resultType.displayName)",
                                                  at: filter.range, hint: "compare something, e.g. where category = billable"))
                }
            } catch {
                diagnostics += error.diagnostics
            }
        }
        guard let read = spec.field else {
            return .integer  // count(links)
        }
        let element = type(of: read)
        let base: ValueType = { if case .list(let inner) = element { return inner } else { return element } }()
        func refuse(_ what: String) -> ValueType {
            diagnostics.append(Diagnostic("mirror \(spec.aggregate.rawValue) cannot \(what) values of type \(base.displayName)", at: range,
                                          hint: "use list, count, first or last for this field, or mirror a numeric field"))
            return .any
        }
        switch spec.aggregate {
        case .count, .count_all: return .integer
        case .sum:
            switch base {
            case .number, .integer, .currency, .duration, .percent, .any: return base
            default: return refuse("add up")
            }
        case .avg, .median:
            switch base {
            case .number, .percent, .currency, .duration, .any: return base
            case .integer: return .number
            default: return refuse("average")
            }
        case .min, .max:
            switch base {
            case .tags, .list, .bool: return refuse("order")
            default: return base
            }
        case .first, .last: return base
        case .list, .unique: return .list(base)
        case .concat: return .text
        case .any, .all:
            if base == .bool || base == .any { return .bool }
            return refuse("test")
        }
    }
}
