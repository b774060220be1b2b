import TabulaLanguage

/// Read and write rules resolved for an actor, kept while the file is provably as it was:
/// resolving one reads the acting person's row (and what the rule reaches from it) and compiles
/// its actor-side expressions, and one request asks for the same rule several times. Any
/// change (a row written by this connection, a commit by another, a rollback, a new schema)
/// empties it; a rule that reads the clock is never kept.
struct AccessFilterCache {
    /// Everything that moves when a row of the file may have changed.
    struct Stamp: Equatable {
        var schema: Int
        /// `PRAGMA data_version`: moves when another connection commits.
        var dataVersion: Int64
        /// Rows this connection changed (triggers included).
        var changes: Int
        var rollbacks: Int
    }

    struct Key: Hashable {
        var actor: String
        var table: TableID
        var kind: AccessKind
    }

    private var stamp: Stamp?
    private var filters: [Key: AccessFilter?] = [:]

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

    /// The filter kept for `key`, if nothing changed since (`.some(nil)`: the actor is the owner).
    mutating func filter(_ key: Key, at now: Stamp) -> AccessFilter?? {
        guard stamp == now else {
            stamp = now
            filters.removeAll(keepingCapacity: true)
            return nil
        }
        return filters[key]
    }

    mutating func keep(_ filter: AccessFilter?, for key: Key, at now: Stamp) {
        if stamp != now { stamp = now; filters.removeAll(keepingCapacity: true) }
        if filters.count > 256 { filters.removeAll(keepingCapacity: true) }
        filters[key] = .some(filter)
    }
}
