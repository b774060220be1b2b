/// A parsed schema file: base settings, tables and saved reports, in source order.
public struct SchemaFile: Sendable, Hashable {
    public var settings: [SettingDecl]
    public var tables: [TableDecl]
    public var reports: [ReportDecl]
    /// `report from TABLE`: the table a report query reads when it names none.
    public var reportTable: ReportTableDecl?
    /// `base NAME at "LOCATION"`: other bases this one links to (a client's base a contractor logs for).
    public var otherBases: [OtherBaseDecl]
    public init(settings: [SettingDecl] = [], tables: [TableDecl] = [], reports: [ReportDecl] = [],
                reportTable: ReportTableDecl? = nil, otherBases: [OtherBaseDecl] = []) {
        self.settings = settings; self.tables = tables; self.reports = reports; self.reportTable = reportTable
        self.otherBases = otherBases
    }
}

/// `base NAME at "LOCATION" [token env VARIABLE]`: another base this one names, by a file path
/// (relative to this base's file) or a server's URL, whose token is read from the environment.
public struct OtherBaseDecl: Sendable, Hashable {
    public var name: Name
    public var location: String
    public var locationRange: SourceRange
    /// `token env VARIABLE`: the environment variable that holds the server's token.
    public var tokenVariable: String?
    public var range: SourceRange
    public init(name: Name, location: String, locationRange: SourceRange, tokenVariable: String? = nil, range: SourceRange) {
        self.name = name; self.location = location; self.locationRange = locationRange
        self.tokenVariable = tokenVariable; self.range = range
    }
}

/// `BASE.TABLE`: a table of another base.
public struct OtherTableName: Sendable, Hashable {
    public var base: Name
    public var table: Name
    public var range: SourceRange
    public init(base: Name, table: Name, range: SourceRange) { self.base = base; self.table = table; self.range = range }
}

/// `feed BASE.TABLE (target = source, ...)`: the rows of this table, field by field, as the other
/// base's table receives them.
public struct FeedDecl: Sendable, Hashable {
    /// One `target = source`: the other table's field, and this table's field that fills it.
    public struct Mapping: Sendable, Hashable {
        public var target: Name
        public var source: Name
        public var range: SourceRange
        public init(target: Name, source: Name, range: SourceRange) { self.target = target; self.source = source; self.range = range }
    }
    public var target: OtherTableName
    public var mappings: [Mapping]
    public var range: SourceRange
    public init(target: OtherTableName, mappings: [Mapping], range: SourceRange) {
        self.target = target; self.mappings = mappings; self.range = range
    }
}

/// `report from TABLE`: the default table of report queries that have no `from`.
public struct ReportTableDecl: Sendable, Hashable {
    public var table: Name
    public var range: SourceRange
    public init(table: Name, range: SourceRange) { self.table = table; self.range = range }
}

/// A base-level statement: `base "Name"`, `timezone "Europe/Berlin"`, `currency EUR`, `locale "de"`.
public struct SettingDecl: Sendable, Hashable {
    public enum Key: String, Sendable, Hashable, CaseIterable {
        case base, timezone, currency, locale
        /// `people People`: the table whose rows are the base's people (timer authors, approvers).
        case people
        /// `approver lead`: the role (the people table's `role` field) that approves edit requests.
        case approver
        /// `pomodoro 25m 5m`: the focus and break lengths of Pomodoro timers.
        case pomodoro
        /// `package timetracking`: the shipped package the schema is, whose rules apply to the base.
        case package
    }
    public var key: Key
    /// The value as written (string contents or identifier text).
    public var value: String
    public var keyRange: SourceRange
    public var valueRange: SourceRange
    public init(key: Key, value: String, keyRange: SourceRange, valueRange: SourceRange) {
        self.key = key; self.value = value; self.keyRange = keyRange; self.valueRange = valueRange
    }
}

/// `table NAME [was OLD] { fields and table options }`
public struct TableDecl: Sendable, Hashable {
    public var name: Name
    /// The table's previous name (`table Customers was Clients { ... }`), for a rename migration.
    public var previousName: Name?
    public var fields: [FieldDecl]
    public var options: [TableOption]
    /// `table T from BASE.TABLE`: the table is a copy of another base's table, kept by Tabula.
    public var copiedFrom: OtherTableName?
    public var range: SourceRange
    public init(name: Name, previousName: Name? = nil, fields: [FieldDecl] = [], options: [TableOption] = [],
                copiedFrom: OtherTableName? = nil, range: SourceRange) {
        self.name = name; self.previousName = previousName; self.fields = fields; self.options = options
        self.copiedFrom = copiedFrom; self.range = range
    }
}

/// A statement inside a table block that is not a field.
public enum TableOption: Sendable, Hashable {
    /// `lock when EXPR`: rows for which EXPR is true cannot be written.
    case lock(when: Expression, range: SourceRange)
    /// `read when EXPR`: who may read a row (`actor` is the acting person's row).
    case read(when: Expression, range: SourceRange)
    /// `write when EXPR`: who may add, change or delete a row (`actor` as in `read when`).
    case write(when: Expression, range: SourceRange)
    /// `inherit stream, project`: on a timer's log table, the fields a new interval copies from
    /// the timed row when it starts.
    case inherit([Name], range: SourceRange)
    /// `time field NAME`: the date or datetime field that reports bucket (`per week`) and
    /// restrict to a period (`for 2026-11`) by.
    case timeField(Name, range: SourceRange)
    /// `check EXPR else "MESSAGE"`: every row the table gets or keeps must make EXPR true (a
    /// blank result passes, as in SQL); a write that breaks it is refused with MESSAGE.
    case check(Expression, message: String, range: SourceRange)
    /// `fed from outside`: other bases' feeds write rows into this table; those rows are theirs.
    case fed(range: SourceRange)
    /// `feed BASE.TABLE (a = b, ...)`: this table's rows, as another base's fed table receives them.
    case feed(FeedDecl)
}

/// `name type modifiers...`
public struct FieldDecl: Sendable, Hashable {
    public var name: Name
    public var type: FieldTypeDecl
    public var modifiers: [FieldModifier]
    public var range: SourceRange
    public init(name: Name, type: FieldTypeDecl, modifiers: [FieldModifier] = [], range: SourceRange) {
        self.name = name; self.type = type; self.modifiers = modifiers; self.range = range
    }
}

/// The type part of a field declaration.
public enum FieldTypeDecl: Sendable, Hashable {
    /// A plain type with optional arguments: `text`, `currency(EUR)`, `select(a, b, {c d})`.
    case named(Name, arguments: [Name])
    /// `link T` or `link T[]`.
    case link(target: Name, many: Bool, range: SourceRange)
    /// `formula EXPR`
    case formula(Expression, range: SourceRange)
    /// `mirror AGG(path.field) [where COND] [order by FIELD [desc]]`
    case mirror(MirrorDecl)
    /// `timer -> LOGTABLE [max N]`
    case timer(logTable: Name, maxRunning: Int?, range: SourceRange)
}

/// A lookup or rollup over a relation path.
public struct MirrorDecl: Sendable, Hashable {
    public var aggregate: Name
    /// The path from this table's link field to the field read in the last table: `projects.tasks.hours`.
    public var path: [Name]
    public var filter: Expression?
    public var orderBy: Name?
    public var descending: Bool
    public var range: SourceRange
    public init(aggregate: Name, path: [Name], filter: Expression? = nil, orderBy: Name? = nil, descending: Bool = false, range: SourceRange) {
        self.aggregate = aggregate; self.path = path; self.filter = filter; self.orderBy = orderBy
        self.descending = descending; self.range = range
    }
}

/// What may follow a field's type.
public enum FieldModifier: Sendable, Hashable {
    case required(SourceRange)
    case unique(SourceRange)
    case `default`(Expression)
    /// `inverse FIELD`: the link field on the other table that points back.
    case inverse(Name)
    /// `on delete clear|restrict|cascade` for links.
    case onDelete(Name)
    /// `was OLD`: this field was called OLD, for a rename migration.
    case previousName(Name)
}

/// `report NAME = QUERY`: a saved report. The query text is kept as written (to the end of its
/// line, or further while a bracket is open) and parsed by the report parser.
public struct ReportDecl: Sendable, Hashable {
    public var name: Name
    public var query: String
    public var queryRange: SourceRange
    public var range: SourceRange
    public init(name: Name, query: String, queryRange: SourceRange, range: SourceRange) {
        self.name = name; self.query = query; self.queryRange = queryRange; self.range = range
    }
}
