/// The cells a command wrote or recomputed, by table, row and field. It seeds the recompute and is
/// what the engine reports back (so a future API or UI can push exactly what changed).
public struct ChangeSet: Sendable, Hashable {
    public private(set) var cells: [TableID: [RowID: Set<FieldID>]] = [:]
    public private(set) var inserted: [TableID: Set<RowID>] = [:]
    public private(set) var deleted: [TableID: Set<RowID>] = [:]

    /// Whether a row of the table was inserted or had a cell changed (what the checks after a
    /// command look at; the tables it did not touch are skipped without being copied).
    func touchesRows(of table: TableID) -> Bool { inserted[table] != nil || cells[table] != nil }

    /// Whether a row of the table was inserted, deleted or had a cell changed.
    func touches(_ table: TableID) -> Bool { touchesRows(of: table) || deleted[table] != nil }
    /// The value each changed cell had before the command (first write wins): what lets a rollup
    /// take the old contribution out and put the new one in, instead of re-reading its rows.
    private(set) var before: [TableID: [RowID: [FieldID: Value]]] = [:]

    public init() {}

    /// Remembers a cell's value from before the command, unless an earlier one is already kept.
    mutating func recordBefore(_ table: TableID, _ row: RowID, _ field: FieldID, _ value: Value) {
        if before[table]?[row]?[field] == nil { before[table, default: [:]][row, default: [:]][field] = value }
    }

    /// The value a cell had before the command, if the command changed it.
    func valueBefore(_ table: TableID, _ row: RowID, _ field: FieldID) -> Value? { before[table]?[row]?[field] }

    public mutating func changed(_ table: TableID, _ row: RowID, _ field: FieldID) {
        cells[table, default: [:]][row, default: []].insert(field)
    }
    /// Whether a row had a field changed after it was there (an insert alone records nothing).
    func wasUpdated(_ table: TableID, _ row: RowID) -> Bool { before[table]?[row] != nil }

    /// Notes several fields of a row at once (a new row's written fields).
    mutating func changed(_ table: TableID, _ row: RowID, fields: Set<FieldID>) {
        if cells[table]?[row] == nil { cells[table, default: [:]][row] = fields } else { cells[table]![row]!.formUnion(fields) }
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
        for (t, rows) in other.before { for (r, fs) in rows { for (f, v) in fs { recordBefore(t, r, f, v) } } }
    }
}
