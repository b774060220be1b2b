/// Where the pairs of a link field live, seen from the field's own table: the one place that
/// knows the three ways a link is stored (its own column, a junction table, or derived from its
/// inverse) and turns them into the SQL of its pairs, of forward and reverse lookups, and of a join.
///
/// A pair is (from, to): `from` a row of the link field's table, `to` a row it links to. Every
/// link reduces to one of three physical shapes, so code that walks links asks this value instead
/// of switching over `LinkStorage`.
package enum LinkRelation: Sendable, Hashable {
    /// A single link kept in the field's own column: pairs are (id, column) of the field's table.
    case ownColumn(table: String, column: String)
    /// The reverse of a single link: pairs are (column, id) of the target table.
    case targetColumn(table: String, column: String)
    /// A junction table of pairs, read in the direction `from` → `to` (`a, b`, or `b, a` for the
    /// reverse side of a junction link).
    case junction(table: String, from: String, to: String)

    /// The relation of a link field, or nil for a field that is no link (or a derived link
    /// without a stored inverse, which the schema compiler never makes).
    package init?(_ field: Field, in schema: Schema) {
        guard case .link(let spec) = field.kind else { return nil }
        switch spec.storage {
        case .column:
            self = .ownColumn(table: Layout.table(schema.tableOf(field.id)), column: Layout.column(field.id))
        case .junction(let owner):
            self = .junction(table: Layout.junction(owner), from: "a", to: "b")
        case .derived:
            guard let inverseID = spec.inverse, let (other, inverse) = schema.field(id: inverseID),
                  case .link(let inverseSpec) = inverse.kind else { return nil }
            switch inverseSpec.storage {
            case .column: self = .targetColumn(table: Layout.table(other.id), column: Layout.column(inverse.id))
            case .junction(let owner): self = .junction(table: Layout.junction(owner), from: "b", to: "a")
            case .derived: return nil
            }
        }
    }

    /// The SQL table holding the pairs and its `from` and `to` columns.
    package var parts: (table: String, from: String, to: String) {
        switch self {
        case .ownColumn(let table, let column): return (table, "id", column)
        case .targetColumn(let table, let column): return (table, column, "id")
        case .junction(let table, let from, let to): return (table, from, to)
        }
    }

    /// `SELECT from, to` of every pair, ordered by from, then to.
    var allPairsSQL: String {
        let (t, from, to) = parts
        return "SELECT \(from), \(to) FROM \(t) WHERE \(from) IS NOT NULL AND \(to) IS NOT NULL ORDER BY 1, 2"
    }

    /// `SELECT from, to` of the pairs whose `from` is one of `count` bound ids, ordered by from, then to.
    func forwardSQL(count: Int) -> String {
        let (t, from, to) = parts
        return "SELECT \(from), \(to) FROM \(t) WHERE \(from) IN (\(placeholders(count))) AND \(to) IS NOT NULL ORDER BY 1, 2"
    }

    /// `SELECT to, from` of the pairs whose `to` is one of `count` bound ids, ordered by to, then from.
    func reverseSQL(count: Int) -> String {
        let (t, from, to) = parts
        return "SELECT \(to), \(from) FROM \(t) WHERE \(to) IN (\(placeholders(count))) AND \(from) IS NOT NULL ORDER BY 1, 2"
    }

    /// The JOIN clauses that reach `target` (a table aliased `alias`) from the rows aliased
    /// `current`; a junction adds its own alias `via`.
    func joinSQL(from current: String, to target: String, as alias: String, via: String) -> String {
        switch self {
        case .ownColumn(_, let column): return "JOIN \(target) \(alias) ON \(alias).id = \(current).\(column)"
        case .targetColumn(_, let column): return "JOIN \(target) \(alias) ON \(alias).\(column) = \(current).id"
        case .junction(let table, let from, let to):
            return "JOIN \(table) \(via) ON \(via).\(from) = \(current).id JOIN \(target) \(alias) ON \(alias).id = \(via).\(to)"
        }
    }

    /// Whether the pairs live in the target table's column (the reverse of a single link).
    var isTargetColumn: Bool {
        if case .targetColumn = self { return true }
        return false
    }

    /// A LEFT JOIN of the pairs to the rows aliased `current` (the pairs aliased `alias`), and the
    /// SQL of the linked row's id: one output row per linked row, and one with a NULL id for a
    /// row that links to none.
    package func leftJoinPairs(from current: String, as alias: String) -> (join: String, linked: String) {
        let (t, from, to) = parts
        if case .ownColumn(_, let column) = self { return ("", "\(current).\(column)") }
        return ("LEFT JOIN \(t) AS \(alias) ON \(alias).\(from) = \(current).id", "\(alias).\(to)")
    }
}
