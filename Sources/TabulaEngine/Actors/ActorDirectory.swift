/// Who acts on a base: how the acting name (`Base.actor`) is found among the rows of the
/// schema's people table (`people T`), and which roles that row has.
///
/// The engine's own directory finds a person by the people table's primary field and reads
/// their roles from its `role` field (the field the `approver` setting names options of). A
/// package fills in its own (the time-tracking one also accepts a login or an email); the
/// server will map a signed-in account the same way.
public struct ActorDirectory: Sendable {
    /// The text fields of the people table that identify a person, tried in order, compared
    /// without case.
    public var keys: @Sendable (Table) -> [Field]
    /// The roles of a person's row.
    public var roles: @Sendable (Base, Table, RowID) throws -> [String]

    public init(keys: @escaping @Sendable (Table) -> [Field], roles: @escaping @Sendable (Base, Table, RowID) throws -> [String]) {
        self.keys = keys; self.roles = roles
    }

    /// The engine's directory: by the primary field; roles from a `role` select or tags field.
    public static let primaryField = ActorDirectory(keys: { [$0.primaryField] }, roles: ActorDirectory.roleField)

    /// The values of the people table's `role` field for a person (one for a select, several for tags).
    public static func roleField(_ base: Base, _ people: Table, _ row: RowID) throws -> [String] {
        guard let role = people.field(named: "role") else { return [] }
        switch try base.readValues(of: people, row: row, fields: [role.id])[role.id] {
        case .text(let r)?: return [r]
        case .list(let items)?: return items.compactMap { if case .text(let r) = $0 { return r } else { return nil } }
        default: return []
        }
    }
}

extension Base {
    /// The row of the people table that is the current actor, as the actor directory finds it.
    public func personRow(in peopleID: TableID? = nil) throws -> RowID {
        guard let peopleID = peopleID ?? schema.peopleTable, let people = schema.table(id: peopleID) else {
            throw EngineError(.schema, "this base names no people table", hint: "add `people People` to the schema")
        }
        if let id = try findPerson(actor, in: people) { return id }
        throw EngineError(.notFound, "'\(actor)' is not one of \(people.name)",
                          remedy: .actAsPerson(peopleTable: people.name, primaryField: people.primaryField.name, actor: actor))
    }

    /// The row of `people` that a name means, by the directory's keys in order.
    func findPerson(_ name: String, in people: Table) throws -> RowID? {
        let keys = actors.keys(people).filter { $0.kind == .data(.text) && Layout.hasColumn($0) }
        // Every command and every rule asks who the actor is: kept while the keys and the
        // table's rows are as they were (AccessFilterCache).
        accessFilters.watch(fields: keys.map(\.id), tables: [people.id], schema: schemaVersion)
        let stamp = try accessCacheStamp()
        if let stamp, let found = accessFilters.person(name, at: stamp) { return found }
        var found: RowID?
        for field in keys {
            let rows = try db.cachedStatement("SELECT id FROM \(Layout.table(people.id)) WHERE lower(\(Layout.column(field.id))) = lower(?) ORDER BY id LIMIT 1")
                .rows([.text(name)])
            if let id = rows.first?[0].int64Value { found = id; break }
        }
        if let stamp { accessFilters.keep(person: found, for: name, at: stamp) }
        return found
    }

    /// The roles of the current actor, as the actor directory gives them (none when the actor is
    /// not a listed person).
    public func actorRoles() throws -> [String] {
        guard let peopleID = schema.peopleTable, let people = schema.table(id: peopleID),
              let row = try findPerson(actor, in: people) else { return [] }
        return try actors.roles(self, people, row)
    }
}
