/// The cells a command wrote or recomputed, by table, row and field. It seeds the recompute and is
/// what the engine reports back (so a future API or UI can push exactly what changed).
public struct ChangeSet: Sendable, Hashable {
    public private(set) var cells: [TableID: [RowID: Set<FieldID>]] = [:]
    public private(set) var inserted: [TableID: Set<RowID>] = [:]
    public private(set) var deleted: [TableID: Set<RowID>] = [:]

    public init() {}

    public mutating func changed(_ table: TableID, _ row: RowID, _ field: FieldID) {
        cells[table, default: [:]][row, default: []].insert(field)
    }
    public mutating func insert(_ table: TableID, _ row: RowID) { inserted[table, default: []].insert(row) }
    public mutating func delete(_ table: TableID, _ row: RowID) {
        deleted[table, default: []].insert(row)
        cells[table]?[row] = nil
    }

    public var isEmpty: Bool { cells.isEmpty && inserted.isEmpty && deleted.isEmpty }
    /// How many cells changed in all.
    public var cellCount: Int { cells.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.count } } }

    public mutating func formUnion(_ other: ChangeSet) {
        for (t, rows) in other.cells { for (r, fs) in rows { cells[t, default: [:]][r, default: []].formUnion(fs) } }
        for (t, rows) in other.inserted { inserted[t, default: []].formUnion(rows) }
        for (t, rows) in other.deleted { deleted[t, default: []].formUnion(rows) }
    }
}
