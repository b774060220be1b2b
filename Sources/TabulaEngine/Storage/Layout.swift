/// The SQL names of a base's objects. Tables and columns are named by stable id, never by the
/// user's names, so renaming a table or a field touches no data.
enum Layout {
    static func table(_ id: TableID) -> String { "t\(id)" }
    static func column(_ id: FieldID) -> String { "c\(id)" }
    static func junction(_ owner: FieldID) -> String { "j\(owner)" }
    static func linkIndex(_ id: FieldID) -> String { "i\(id)" }
    static func uniqueIndex(_ id: FieldID) -> String { "u\(id)" }
    static func junctionReverseIndex(_ owner: FieldID) -> String { "jr\(owner)" }

    static let meta = "_tabula_meta"
    static let history = "_tabula_history"
    /// Identifies a Tabula base among SQLite files (PRAGMA application_id), "TBLA".
    static let applicationID: Int64 = 0x5442_4C41
    /// 2: the kept summaries (`s{table}`), which a writer that does not keep them would leave
    /// stale; a format-1 file becomes format 2 when its first summary is built.
    static let formatVersion = 2

    /// Whether a field has a column of its own in its table.
    static func hasColumn(_ field: Field) -> Bool {
        if case .link(let spec) = field.kind { return spec.storage == .column }
        return true
    }
}
