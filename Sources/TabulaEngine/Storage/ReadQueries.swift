/// The SQL names and encodings of a base's storage, for code above the engine that writes
/// read-only SQL over a base (the report planner). Names follow stable ids (`t3`, `c17`), so a
/// rename never changes them.
public enum StorageNames {
    /// The table holding the rows of a table: `t{id}`; its row id column is `id`.
    public static func table(_ id: TableID) -> String { Layout.table(id) }
    /// The column of a field: `c{id}`.
    public static func column(_ id: FieldID) -> String { Layout.column(id) }
    /// The junction table of a many-to-many link, named after its owning field: `j{id}`, with
    /// columns `a` (the owner's row) and `b` (the linked row).
    public static func junction(_ owner: FieldID) -> String { Layout.junction(owner) }
    /// The collation that compares text as the base's locale does (as formulas compare text).
    public static let textCollation = "tabula"
    /// Whether the field is kept in a column of its table (every field but multiple links, and
    /// single links whose pairs the other side keeps).
    public static func hasColumn(_ field: Field) -> Bool { Layout.hasColumn(field) }
}

/// How values are stored in SQLite columns (see `Storage/ValueCoding.swift`): money in minor
/// units, dates as epoch days, datetimes as epoch milliseconds, durations as seconds, tags as
/// JSON arrays, error values as a BLOB of their code.
public enum StoredValue {
    /// The SQL value a value is stored as.
    package static func encode(_ value: Value) -> SQLValue { ValueCoding.encode(value) }
    /// The value a stored SQL value holds, read as `type`.
    package static func decode(_ sql: SQLValue, as type: ValueType) -> Value { ValueCoding.decode(sql, as: type) }
}

extension Base {
    /// Runs one read-only SQL statement (a `SELECT`) over the base and returns its rows.
    /// A statement that would write is refused, so callers above the engine cannot change a base
    /// behind the engine's back.
    package func read(_ sql: String, _ arguments: [SQLValue] = []) throws -> [[SQLValue]] {
        let statement = try db.prepare(sql)
        guard statement.isReadOnly else {
            throw EngineError(.invalidValue, "internal error: a read query would write", hint: "report this as a bug: \(sql.prefix(80))")
        }
        return try statement.rows(arguments)
    }

    /// The query plan SQLite chooses for a read query (`EXPLAIN QUERY PLAN`), one line per step.
    package func queryPlan(_ sql: String, _ arguments: [SQLValue] = []) throws -> [String] {
        try db.query("EXPLAIN QUERY PLAN " + sql, arguments).map { row in row.last?.textValue ?? "" }
    }

    /// Creates the index of each table's time field (`time field NAME`), so reports for a period
    /// read only that period's rows, and drops those of fields that are no longer time fields.
    func syncTimeIndexes() throws {
        var wanted: [String: (TableID, FieldID)] = [:]
        for table in schema.tables {
            if let id = table.timeField, let field = table.field(id: id), Layout.hasColumn(field) {
                wanted[Layout.timeIndex(id)] = (table.id, id)
            }
        }
        let existing = try db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND name GLOB 'x[0-9]*'")
            .compactMap { $0.first?.textValue }
        for name in existing where wanted[name] == nil { try db.execute("DROP INDEX IF EXISTS \(name)") }
        for (name, (table, field)) in wanted.sorted(by: { $0.key < $1.key }) {
            try db.execute("CREATE INDEX IF NOT EXISTS \(name) ON \(Layout.table(table))(\(Layout.column(field)))")
        }
    }
}

extension Layout {
    /// The index of a table's time field.
    static func timeIndex(_ field: FieldID) -> String { "x\(field)" }
}
