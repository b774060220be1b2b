import TabulaLanguage

/// Read and write rules resolved for an actor, and the people that names find, kept while what
/// they read is provably as it was: resolving a rule reads the acting person's row (and what the
/// rule reaches from it) and compiles its actor-side expressions, and one request asks for the
/// same rule several times, a server's writer for the same people again and again.
///
/// What they read is watched field by field: the people table's keys and the fields on the
/// actor-side formulas' paths (`actor.team.privacy` watches `team` and `privacy`), and rows added
/// to or deleted from those tables. A command of this connection that changes any of them moves
/// the generation when it ends; while it runs, nothing is looked up in or kept by the cache. A
/// commit by another connection, a rollback, a new schema, or a row changed outside any command
/// empties it too. A rule that reads the clock is never kept.
struct AccessFilterCache {
    /// Everything that moves when what the cache holds may have changed.
    struct Stamp: Equatable {
        var schema: Int
        /// `PRAGMA data_version`: moves when another connection commits.
        var dataVersion: Int64
        var rollbacks: Int
        /// Moves when a command of this connection changed something watched.
        var generation: Int
    }

    struct Key: Hashable {
        var actor: String
        var table: TableID
        var kind: AccessKind
    }

    private var stamp: Stamp?
    private var filters: [Key: AccessFilter?] = [:]
    private var people: [String: RowID?] = [:]

    /// The fields and tables that kept values read (for this schema).
    private(set) var watchedFields: Set<FieldID> = []
    private(set) var watchedTables: Set<TableID> = []
    private var watchedSchema = -1
    private(set) var generation = 0
    /// `Connection.totalChanges` when the last command ended: a difference is a row changed
    /// outside any command.
    var accountedChanges = 0

    /// The rules' actor-side formulas, compiled once per schema (they depend on nothing else).
    private struct FormulaKey: Hashable {
        var expression: Expression
        var type: ValueType?
    }
    private var formulas: [FormulaKey: CompiledFormula] = [:]
    private var formulasSchema = -1

    func formula(_ e: Expression, _ type: ValueType?, schema: Int) -> CompiledFormula? {
        formulasSchema == schema ? formulas[FormulaKey(expression: e, type: type)] : nil
    }

    mutating func keep(_ formula: CompiledFormula, for e: Expression, _ type: ValueType?, schema: Int) {
        if formulasSchema != schema { formulas.removeAll(); formulasSchema = schema }
        formulas[FormulaKey(expression: e, type: type)] = formula
    }

    /// Watches fields (with their tables) that a kept value reads; call before reading them.
    mutating func watch(fields: [FieldID], tables: [TableID], schema: Int) {
        if watchedSchema != schema { watchedFields = []; watchedTables = []; watchedSchema = schema }
        watchedFields.formUnion(fields)
        watchedTables.formUnion(tables)
    }

    /// Something watched changed: nothing kept so far is used again.
    mutating func moveGeneration() { generation &+= 1 }

    /// The filter kept for `key`, if nothing changed since (`.some(nil)`: the actor is the owner).
    mutating func filter(_ key: Key, at now: Stamp) -> AccessFilter?? {
        refresh(now)
        return filters[key]
    }

    mutating func keep(_ filter: AccessFilter?, for key: Key, at now: Stamp) {
        refresh(now)
        if filters.count > 256 { filters.removeAll(keepingCapacity: true) }
        filters[key] = .some(filter)
    }

    /// The person row kept for a name (`.some(nil)`: no person has it).
    mutating func person(_ name: String, at now: Stamp) -> RowID?? {
        refresh(now)
        return people[name]
    }

    mutating func keep(person: RowID?, for name: String, at now: Stamp) {
        refresh(now)
        if people.count > 1024 { people.removeAll(keepingCapacity: true) }
        people[name] = .some(person)
    }

    private mutating func refresh(_ now: Stamp) {
        guard stamp != now else { return }
        stamp = now
        filters.removeAll(keepingCapacity: true)
        people.removeAll(keepingCapacity: true)
    }
}

extension Base {
    /// The cache's stamp now, or nil while the command in progress has changed something the
    /// cache watches (its values may be out of date until the command ends).
    func accessCacheStamp() throws -> AccessFilterCache.Stamp? {
        if currentTransaction != nil {
            if commandChangedWatched() { return nil }
        } else if db.totalChanges != accessFilters.accountedChanges {
            accessFilters.accountedChanges = db.totalChanges
            accessFilters.moveGeneration()
        }
        return AccessFilterCache.Stamp(schema: schemaVersion, dataVersion: try db.dataVersion(),
                                       rollbacks: db.rollbacks, generation: accessFilters.generation)
    }

    /// At a command's start: a row changed outside any command since the last one ended
    /// (a raw write of a migration, say) moves the generation.
    func accessCacheCommandStarts() {
        if db.totalChanges != accessFilters.accountedChanges {
            accessFilters.accountedChanges = db.totalChanges
            accessFilters.moveGeneration()
        }
    }

    /// At a command's end, committed or not: when it changed something watched, nothing kept
    /// before is used again.
    func accessCacheCommandEnds() {
        if commandChangedWatched() { accessFilters.moveGeneration() }
        accessFilters.accountedChanges = db.totalChanges
    }

    /// Whether the command in progress added or deleted a row of a watched table or changed a
    /// watched field (written or recomputed).
    private func commandChangedWatched() -> Bool {
        let tables = accessFilters.watchedTables, fields = accessFilters.watchedFields
        if tables.isEmpty { return false }
        for changes in [pending, settled] {
            guard let changes else { continue }
            for table in tables {
                if !(changes.inserted[table]?.isEmpty ?? true) || !(changes.deleted[table]?.isEmpty ?? true) { return true }
                for (_, changed) in changes.cells[table] ?? [:] where !changed.isDisjoint(with: fields) { return true }
            }
        }
        return false
    }
}
