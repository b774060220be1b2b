import TabulaLanguage

/// The checked model of a base's schema: tables and fields with stable ids, types resolved,
/// links paired with their inverses. Built by `SchemaCompiler` from a schema file.
public struct Schema: Sendable, Hashable, Codable {
    public var name: String
    public var timeZone: String
    public var currency: String
    public var locale: String
    public var tables: [Table]
    public var reports: [SavedReport]
    /// `report from TABLE`: the table report queries read when they name none.
    public var reportTable: TableID?
    /// The next unused table and field ids; ids are never reused, so history stays unambiguous.
    public var nextTableID: TableID
    public var nextFieldID: FieldID
    /// `people T`: the table whose rows are the base's people (timer authors, approvers).
    public var peopleTable: TableID?
    /// `approver R`: the role (the people table's `role` field) that approves edit requests.
    public var approverRole: String?
    /// `pomodoro F B`: focus and break lengths in seconds (nil: 25m and 5m).
    public var pomodoroLengths: PomodoroLengths?
    /// `package P`: the shipped package this schema is (its rules apply to the base), in lower case.
    public var package: String?
    /// `base NAME at "LOCATION"`: the other bases this one copies tables from or feeds (nil: none).
    public var otherBases: [OtherBase]?

    public init(name: String = "", timeZone: String = "UTC", currency: String = "EUR", locale: String = "en",
                tables: [Table] = [], reports: [SavedReport] = [], nextTableID: TableID = 1, nextFieldID: FieldID = 1) {
        self.name = name; self.timeZone = timeZone; self.currency = currency; self.locale = locale
        self.tables = tables; self.reports = reports; self.nextTableID = nextTableID; self.nextFieldID = nextFieldID
    }

    public var valueContext: ValueContext { ValueContext(timeZone: timeZone, currency: currency, locale: locale) }

    /// The table of that name (exact match first, then case-insensitive).
    public func table(named name: String) -> Table? {
        tables.first { $0.name == name } ?? tables.first { $0.name.lowercased() == name.lowercased() }
    }
    public func table(id: TableID) -> Table? { tables.first { $0.id == id } }
    public func tableIndex(id: TableID) -> Int? { tables.firstIndex { $0.id == id } }

    /// The other base of that name (case-insensitive).
    public func otherBase(named name: String) -> OtherBase? {
        otherBases?.first { $0.name.lowercased() == name.lowercased() }
    }

    /// The field of that id, with its table.
    public func field(id: FieldID) -> (table: Table, field: Field)? {
        for t in tables { if let f = t.fields.first(where: { $0.id == id }) { return (t, f) } }
        return nil
    }
}

/// The properties of a value type shared by its copies (`Table`, `Field`): a copy costs one
/// retain, and the owner copies the box before changing it unless it holds the only reference,
/// so a box is never changed while shared, which makes sharing it between threads safe.
final class CopyOnWriteBox<Contents: Sendable>: @unchecked Sendable {
    // Changed only through a uniquely referenced box (copy on write), so two accesses never
    // overlap: the run-time exclusivity check on every read of a table or field is dropped.
    @exclusivity(unchecked) var contents: Contents
    init(_ contents: Contents) { self.contents = contents }
}

/// A table of the base.
///
/// Its properties live in one shared box, copied only when a copy is changed: the engine passes
/// tables by value everywhere (a lookup by id, a loop over the schema), and a plain struct of a
/// dozen strings and arrays cost a dozen reference-count updates per copy.
public struct Table: Sendable, Hashable, Codable {
    /// The table's properties, encoded exactly as the struct's own were (same keys, same order).
    private struct Contents: Sendable, Hashable, Codable {
        var id: TableID
        var name: String
        var fields: [Field]
        var lockCondition: String?
        var readCondition: String?
        var writeCondition: String?
        var inheritedFields: [FieldID]?
        var timeField: FieldID?
        var checks: [RowCheck]?
        var copiedFrom: OtherTableRef?
        var isFed: Bool?
        var feeds: [Feed]?
    }
    private var box: CopyOnWriteBox<Contents>

    private mutating func unique() {
        if !isKnownUniquelyReferenced(&box) { box = CopyOnWriteBox(box.contents) }
    }

    public var id: TableID {
        get { box.contents.id }
        set { unique(); box.contents.id = newValue }
    }
    public var name: String {
        get { box.contents.name }
        set { unique(); box.contents.name = newValue }
    }
    public var fields: [Field] {
        get { box.contents.fields }
        _modify { unique(); yield &box.contents.fields }
    }
    /// `lock when EXPR`: the expression's source, checked against each row before a write.
    public var lockCondition: String? {
        get { box.contents.lockCondition }
        set { unique(); box.contents.lockCondition = newValue }
    }
    /// `read when EXPR`: who may read a row (nil: everyone who may open the base).
    public var readCondition: String? {
        get { box.contents.readCondition }
        set { unique(); box.contents.readCondition = newValue }
    }
    /// `write when EXPR`: who may add, change or delete a row (nil: everyone).
    public var writeCondition: String? {
        get { box.contents.writeCondition }
        set { unique(); box.contents.writeCondition = newValue }
    }
    /// `inherit a, b` on a timer's log table: the fields a new interval copies from the timed row.
    public var inheritedFields: [FieldID]? {
        get { box.contents.inheritedFields }
        set { unique(); box.contents.inheritedFields = newValue }
    }
    /// `time field NAME`: the date or datetime field that reports bucket and filter periods by.
    public var timeField: FieldID? {
        get { box.contents.timeField }
        set { unique(); box.contents.timeField = newValue }
    }
    /// `check EXPR else "MESSAGE"`: conditions every row must keep (nil in bases made before checks).
    public var checks: [RowCheck]? {
        get { box.contents.checks }
        set { unique(); box.contents.checks = newValue }
    }
    /// `table T from BASE.TABLE`: the table is a copy of another base's table (its fields of the
    /// same names), kept by Tabula; its rows cannot be added, deleted or have those fields changed here.
    public var copiedFrom: OtherTableRef? {
        get { box.contents.copiedFrom }
        set { unique(); box.contents.copiedFrom = newValue }
    }
    /// `fed from outside`: other bases' feeds write rows here; a fed row is changed only by its feed.
    public var isFed: Bool? {
        get { box.contents.isFed }
        set { unique(); box.contents.isFed = newValue }
    }
    /// `feed BASE.TABLE (...)`: where this table's rows are sent, field by field.
    public var feeds: [Feed]? {
        get { box.contents.feeds }
        set { unique(); box.contents.feeds = newValue }
    }

    public init(id: TableID, name: String, fields: [Field] = [], lockCondition: String? = nil) {
        box = CopyOnWriteBox(Contents(id: id, name: name, fields: fields, lockCondition: lockCondition))
    }

    public init(from decoder: any Decoder) throws { box = CopyOnWriteBox(try Contents(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try box.contents.encode(to: encoder) }
    public static func == (a: Table, b: Table) -> Bool { a.box === b.box || a.box.contents == b.box.contents }
    public func hash(into hasher: inout Hasher) { box.contents.hash(into: &hasher) }

    /// The first field: the row's display name, by which rows can be referred to.
    public var primaryField: Field { box.contents.fields[0] }

    /// The field of that name (exact match first, then case-insensitive).
    public func field(named name: String) -> Field? {
        let fields = box.contents.fields
        return fields.first { $0.name == name } ?? fields.first { $0.name.lowercased() == name.lowercased() }
    }
    public func field(id: FieldID) -> Field? { box.contents.fields.first { $0.id == id } }
}

/// Another base a schema names: `base Client at "../client/client.db"` (a path relative to this
/// base's file) or `base Client at "http://host:8080" token env CLIENT_TOKEN` (a served base).
public struct OtherBase: Sendable, Hashable, Codable {
    public var name: String
    public var location: String
    /// The environment variable holding the token for a served base.
    public var tokenVariable: String?
    public init(name: String, location: String, tokenVariable: String? = nil) {
        self.name = name; self.location = location; self.tokenVariable = tokenVariable
    }
    /// Whether the base is reached over HTTP rather than as a file.
    public var isServed: Bool {
        let lower = location.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }
}

/// A table of another base, by names: `Client.Tasks`.
public struct OtherTableRef: Sendable, Hashable, Codable {
    public var base: String
    public var table: String
    public init(base: String, table: String) { self.base = base; self.table = table }
    public var description: String { "\(base).\(table)" }
}

/// `feed BASE.TABLE (target = source, ...)` on a table: each of its rows is kept, as the mapped
/// fields, in the other base's table (which says `fed from outside`).
public struct Feed: Sendable, Hashable, Codable {
    /// One field of the fed table and the field of this table that fills it.
    public struct Mapping: Sendable, Hashable, Codable {
        public var target: String
        public var source: FieldID
        public init(target: String, source: FieldID) { self.target = target; self.source = source }
    }
    public var target: OtherTableRef
    public var mappings: [Mapping]
    public init(target: OtherTableRef, mappings: [Mapping]) { self.target = target; self.mappings = mappings }
}

/// `check EXPR else "MESSAGE"` on a table: a condition that every row it inserts or changes must
/// make true (a blank result passes), checked at the end of each command, before commit.
public struct RowCheck: Sendable, Hashable, Codable {
    /// The condition's source text.
    public var condition: String
    /// What the user is told when a row breaks it.
    public var message: String
    public init(condition: String, message: String) { self.condition = condition; self.message = message }
}

/// A field of a table. Like `Table`, its properties live in a shared box copied only on change.
public struct Field: Sendable, Hashable, Codable {
    /// The field's properties, encoded exactly as the struct's own were.
    private struct Contents: Sendable, Hashable, Codable {
        var id: FieldID
        var name: String
        var kind: FieldKind
        var isRequired: Bool
        var isUnique: Bool
        var defaultExpression: String?
    }
    private var box: CopyOnWriteBox<Contents>

    private mutating func unique() {
        if !isKnownUniquelyReferenced(&box) { box = CopyOnWriteBox(box.contents) }
    }

    public var id: FieldID {
        get { box.contents.id }
        set { unique(); box.contents.id = newValue }
    }
    public var name: String {
        get { box.contents.name }
        set { unique(); box.contents.name = newValue }
    }
    public var kind: FieldKind {
        get { box.contents.kind }
        set { unique(); box.contents.kind = newValue }
    }
    public var isRequired: Bool {
        get { box.contents.isRequired }
        set { unique(); box.contents.isRequired = newValue }
    }
    public var isUnique: Bool {
        get { box.contents.isUnique }
        set { unique(); box.contents.isUnique = newValue }
    }
    /// `default EXPR`, as source text; evaluated when a row is added without this field.
    public var defaultExpression: String? {
        get { box.contents.defaultExpression }
        set { unique(); box.contents.defaultExpression = newValue }
    }

    public init(id: FieldID, name: String, kind: FieldKind, isRequired: Bool = false, isUnique: Bool = false,
                defaultExpression: String? = nil) {
        box = CopyOnWriteBox(Contents(id: id, name: name, kind: kind, isRequired: isRequired, isUnique: isUnique, defaultExpression: defaultExpression))
    }

    public init(from decoder: any Decoder) throws { box = CopyOnWriteBox(try Contents(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try box.contents.encode(to: encoder) }
    public static func == (a: Field, b: Field) -> Bool { a.box === b.box || a.box.contents == b.box.contents }
    public func hash(into hasher: inout Hasher) { box.contents.hash(into: &hasher) }

    /// The type of the field's values.
    public var valueType: ValueType { box.contents.kind.valueType }
    /// True for fields whose values the engine computes (formula, mirror, timer, created, ...).
    public var isComputed: Bool { box.contents.kind.isComputed }
    /// True when a user may write this field directly.
    public var isWritable: Bool { box.contents.kind.isWritable }
}

/// What a field is and how its values come to be.
public enum FieldKind: Sendable, Hashable, Codable {
    /// A value the user writes: text, number, currency, date, select, tags, ...
    case data(ValueType)
    /// A number the engine assigns at insert: 1, 2, 3, never reused.
    case autonumber
    /// When the row was created (datetime).
    case created
    /// When the row was last written (datetime).
    case modified
    /// Who created the row (text: the actor).
    case author
    case link(LinkSpec)
    case formula(FormulaSpec)
    case mirror(MirrorSpec)
    case timer(TimerSpec)

    public var valueType: ValueType {
        switch self {
        case .data(let t): return t
        case .autonumber: return .integer
        case .created, .modified: return .datetime
        case .author: return .text
        case .link(let l): return l.many ? .list(.link(l.target)) : .link(l.target)
        case .formula(let f): return f.resultType
        case .mirror(let m): return m.resultType
        case .timer: return .duration
        }
    }

    public var isComputed: Bool {
        switch self {
        case .data, .link: return false
        default: return true
        }
    }

    public var isWritable: Bool {
        switch self {
        case .data, .link: return true
        default: return false
        }
    }
}

/// A link to rows of another (or the same) table.
public struct LinkSpec: Sendable, Hashable, Codable {
    public var target: TableID
    public var many: Bool
    /// The field on the target table that is this link seen from the other side.
    public var inverse: FieldID?
    /// How this link is stored: in its own column, in a junction table, or derived from its inverse.
    public var storage: LinkStorage
    public var onDelete: OnDelete

    public init(target: TableID, many: Bool, inverse: FieldID?, storage: LinkStorage, onDelete: OnDelete) {
        self.target = target; self.many = many; self.inverse = inverse; self.storage = storage; self.onDelete = onDelete
    }
}

/// Where a link's pairs live.
public enum LinkStorage: Sendable, Hashable, Codable {
    /// A single link kept in the table's own column.
    case column
    /// A many-to-many link kept in a junction table named after the owning field.
    case junction(owner: FieldID)
    /// The reverse side of a link stored by `inverse` (its column or junction).
    case derived
}

/// What happens to links pointing at a row when the row is deleted.
public enum OnDelete: String, Sendable, Hashable, Codable, CaseIterable {
    /// The link is cleared (the default).
    case clear
    /// The delete is refused while links point at the row.
    case restrict
    /// The linking rows are deleted too.
    case cascade
}

/// `formula EXPR`
public struct FormulaSpec: Sendable, Hashable, Codable {
    public var source: String
    public var resultType: ValueType
    public init(source: String, resultType: ValueType) { self.source = source; self.resultType = resultType }
}

/// `mirror AGG(path.field) [where COND] [order by FIELD [desc]]`
public struct MirrorSpec: Sendable, Hashable, Codable {
    public var aggregate: MirrorAggregate
    /// The link fields walked, from this table outward.
    public var links: [FieldID]
    /// The field read in the last table; nil for `count(links)`.
    public var field: FieldID?
    /// Condition on the linked rows, as source text (names resolve in the last table).
    public var filter: String?
    public var orderBy: FieldID?
    public var descending: Bool
    public var resultType: ValueType

    public init(aggregate: MirrorAggregate, links: [FieldID], field: FieldID?, filter: String?, orderBy: FieldID?,
                descending: Bool, resultType: ValueType) {
        self.aggregate = aggregate; self.links = links; self.field = field; self.filter = filter
        self.orderBy = orderBy; self.descending = descending; self.resultType = resultType
    }
}

/// The aggregates a mirror field can apply to the linked rows.
public enum MirrorAggregate: String, Sendable, Hashable, Codable, CaseIterable {
    case sum, count, count_all, avg, min, max, median, list, unique, concat, first, last, any, all
}

/// `timer -> LOGTABLE [max N]`
public struct TimerSpec: Sendable, Hashable, Codable {
    public var logTable: TableID
    public var maxRunning: Int
    public init(logTable: TableID, maxRunning: Int) { self.logTable = logTable; self.maxRunning = maxRunning }
}

/// `report NAME = QUERY` saved in the schema.
public struct SavedReport: Sendable, Hashable, Codable {
    public var name: String
    public var query: String
    public init(name: String, query: String) { self.name = name; self.query = query }
}

/// How long a Pomodoro focus interval and its break last, in seconds.
public struct PomodoroLengths: Sendable, Hashable, Codable {
    public var focus: Int64
    public var pause: Int64
    public init(focus: Int64 = 25 * 60, pause: Int64 = 5 * 60) { self.focus = focus; self.pause = pause }
    /// 25 minutes of focus, 5 of break.
    public static let standard = PomodoroLengths()
}
