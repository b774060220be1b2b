import TabulaLanguage

/// One assignment as a user typed it: `field=value`.
public struct TextAssignment: Sendable, Hashable {
    public var field: String
    public var text: String
    public init(field: String, text: String) { self.field = field; self.text = text }
}


extension Base {
    // MARK: - Text input

    /// Resolves `#12` or a primary value to a row id of a table.
    public func resolveRow(_ reference: String, in table: Table) throws -> RowID {
        // Foundation's trimming costs more than the lookup; most references have nothing to trim.
        let padded = [reference.unicodeScalars.first, reference.unicodeScalars.last].contains { $0?.properties.isWhitespace == true }
        let ref = padded ? reference.trimmingCharacters(in: .whitespaces) : reference
        if ref.hasPrefix("#"), let id = RowID(ref.dropFirst()) {
            guard try rowExists(id, in: table) else {
                throw EngineError(.notFound, "table \(table.name) has no row #\(id)", remedy: .listRows(table: table.name))
            }
            try requireReadable(table, row: id)
            return id
        }
        let primary = table.primaryField
        let value: Value
        do { value = try primary.valueType.parse(ref, context: schema.valueContext) } catch {
            throw EngineError(.notFound, "no row of \(table.name) is called '\(ref)'", hint: "refer to a row by #id or by its \(primary.name)")
        }
        guard Layout.hasColumn(primary) else {
            throw EngineError(.invalidValue, "rows of \(table.name) cannot be found by \(primary.name)", hint: "refer to the row by #id")
        }
        let ids = try db.query("SELECT id FROM \(Layout.table(table.id)) WHERE \(Layout.column(primary.id)) = ? ORDER BY id LIMIT 6",
                               [ValueCoding.encode(value)]).compactMap { $0[0].int64Value }
        if ids.isEmpty {
            let guess = try closestPrimaryValue(to: ref, in: table)
            throw EngineError(.notFound, "no row of \(table.name) has \(primary.name) '\(ref)'",
                              hint: guess.map { "did you mean '\($0)'?" },
                              remedy: .referToRow(table: table.name, primaryField: primary.name))
        }
        if table.readCondition != nil, try permittedRows(.read, of: table, among: ids).isEmpty {
            throw EngineError(.notFound, "no row of \(table.name) has \(primary.name) '\(ref)'",
                              remedy: .referToRow(table: table.name, primaryField: primary.name))
        }
        if ids.count > 1 {
            let candidates = try describeCandidates(Array(ids.prefix(5)), in: table)
            throw EngineError(.conflict, "\(ids.count == 6 ? "several" : "\(ids.count)") rows of \(table.name) have \(primary.name) '\(ref)': \(candidates)",
                              hint: "refer to the row by its id, e.g. #\(ids[0])")
        }
        return ids[0]
    }

    func rowExists(_ id: RowID, in table: Table) throws -> Bool {
        try db.cachedStatement("SELECT 1 FROM \(Layout.table(table.id)) WHERE id = ?").rows([.integer(id)]).isEmpty == false
    }

    /// The table of that name, or an error with a did-you-mean.
    public func table(named name: String) throws -> Table {
        if let t = schema.table(named: name) { return t }
        let names = schema.tables.map(\.name)
        throw EngineError(.notFound, "no table '\(name)'", hint: Suggestions.closest(to: name, among: names).map { "did you mean '\($0)'?" }
                            ?? (names.isEmpty ? "the base has no tables yet: make one (table \(Name.quote(name)) { name text }) in the base's schema first"
                                : "the tables are: \(names.joined(separator: ", "))"))
    }

    /// The field of that name in a table, or an error with a did-you-mean.
    public func field(named name: String, in table: Table) throws -> Field {
        if let f = table.field(named: name) { return f }
        let names = table.fields.map(\.name)
        throw EngineError(.notFound, "table \(table.name) has no field '\(name)'",
                          hint: Suggestions.closest(to: name, among: names).map { "did you mean '\($0)'?" }
                            ?? (names.isEmpty ? "\(table.name) has no fields yet" : "its fields are: \(names.joined(separator: ", "))"))
    }

    /// Parses `field=value` texts into typed values, resolving links by `#id` or primary value.
    public func parseAssignments(_ assignments: [TextAssignment], for table: Table) throws -> [FieldID: Value] {
        var values: [FieldID: Value] = [:]
        for a in assignments {
            let field = try self.field(named: a.field, in: table)
            guard field.isWritable else {
                throw EngineError(.invalidValue, "\(table.name).\(field.name) is computed and cannot be written",
                                  hint: "it is a \(field.kind.summary); write the fields it reads instead")
            }
            if values[field.id] != nil {
                throw EngineError(.invalidValue, "\(table.name).\(field.name) is given twice", hint: "give each field once")
            }
            values[field.id] = try parseValue(a.text, for: field, in: table)
        }
        return values
    }

    /// Parses one value typed by a user for a field.
    public func parseValue(_ text: String, for field: Field, in table: Table) throws -> Value {
        if case .link(let spec) = field.kind {
            guard let target = schema.table(id: spec.target) else { return .blank }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return spec.many ? .list([]) : .blank }
            if spec.many {
                let parts = trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                var ids: [Value] = []
                for p in parts {
                    let id = try resolveLink(p, target: target, field: field, table: table)
                    if !ids.contains(.link(id)) { ids.append(.link(id)) }
                }
                return .list(ids)
            }
            return .link(try resolveLink(trimmed, target: target, field: field, table: table))
        }
        do {
            return try field.valueType.parse(text, context: schema.valueContext)
        } catch {
            throw EngineError(.invalidValue, "\(table.name).\(field.name): \(error.message)", hint: error.hint)
        }
    }

    private func resolveLink(_ ref: String, target: Table, field: Field, table: Table) throws -> RowID {
        do { return try resolveRow(ref, in: target) } catch let error as EngineError {
            throw error.prefixed("\(table.name).\(field.name): ")
        }
    }

    /// The rows a link field of one row points at, in id order.
    func linkedIDs(_ field: Field, spec: LinkSpec, row: RowID) throws -> [RowID] {
        guard let relation = LinkRelation(field, in: schema) else { return [] }
        return try db.cachedStatement(relation.forwardSQL(count: 1)).rows([.integer(row)]).compactMap { $0[1].int64Value }
    }

    // MARK: - Display

    /// A value as the history and messages show it (links by `#id`).
    func display(_ value: Value, of field: Field) -> String {
        switch value {
        case .link(let id): return "#\(id)"
        case .list(let items) where items.allSatisfy({ if case .link = $0 { return true } else { return false } }):
            return items.map { if case .link(let id) = $0 { return "#\(id)" } else { return "" } }.joined(separator: ", ")
        default: return field.valueType.format(value, context: schema.valueContext)
        }
    }
}

extension Value {
    /// The row ids of a link value (single or multiple).
    var linkIDs: [RowID] {
        switch self {
        case .link(let id): return [id]
        case .list(let items): return items.compactMap { if case .link(let id) = $0 { return id } else { return nil } }
        default: return []
        }
    }
}

extension FieldKind {
    /// A few words for messages: "formula", "mirror", "timer", ...
    public var summary: String {
        switch self {
        case .data(let t): return t.displayName
        case .autonumber: return "autonumber"
        case .created: return "created time"
        case .modified: return "modified time"
        case .author: return "author"
        case .link(let l): return l.many ? "multiple link" : "link"
        case .formula: return "formula"
        case .mirror: return "mirror"
        case .timer: return "timer"
        }
    }

    /// Fields filled by the recompute, not at insert.
    var isComputedByRecompute: Bool {
        switch self {
        case .formula, .mirror, .timer: return true
        default: return false
        }
    }
}

extension Schema {
    /// The id of the table that holds a field.
    func tableOf(_ field: FieldID) -> TableID { self.field(id: field)?.table.id ?? -1 }
}
