import TabulaEngine
import TabulaLanguage

/// A report query checked against a schema: every name resolved to stable ids, every measure
/// typed and compiled. The report planner turns it into SQL; nothing here depends on the data
/// or on the clock.
public struct CheckedReport: Sendable {
    /// The table whose rows are grouped.
    public var table: Table
    /// The table's time field, when the query buckets (`per`) or restricts to a period (`for`).
    public var timeField: Field?
    /// `by ...`, in the order written.
    public var groups: [ReportGroup]
    /// `per ...`.
    public var bucket: ReportUnit?
    /// `for ...`, to be made a span of days with the base's clock.
    public var period: ReportPeriod.Kind?
    /// `where ...`.
    public var filter: ReportCondition?
    /// The aggregates the measures and `having` read, each one SQL aggregate column.
    public var aggregates: [ReportAggregate]
    /// Fields of grouped links' rows that measures read (`person.weekly_target`).
    public var groupReads: [ReportGroupRead]
    /// The measure columns, in the order written.
    public var measures: [ReportMeasureColumn]
    /// `having ...`: a condition over the measures and aggregates.
    public var having: ReportFormula?
    /// `order by ...`, as indexes into `columns`.
    public var order: [ReportSortKey]
    /// `limit N`.
    public var limit: Int?

    /// The result's columns: the groups, the bucket, then the measures.
    public var columnNames: [String] {
        groups.map(\.name) + (bucket.map { [$0.rawValue] } ?? []) + measures.map(\.name)
    }
}

/// A path from a report's table through single links to one field.
public struct RowPath: Sendable, Hashable {
    /// The single link fields walked, from the report's table outward (empty for a field of the table).
    public var links: [FieldID]
    /// The field read in the last table.
    public var field: Field
    public init(links: [FieldID], field: Field) { self.links = links; self.field = field }
    /// The type of the values read.
    public var type: ValueType { field.valueType }
    /// Whether the column may hold error values (computed fields only).
    public var mayHoldErrors: Bool { field.isComputed }
}

/// One `by` grouping.
public struct ReportGroup: Sendable, Hashable {
    /// How the grouped values are read.
    public enum Kind: Sendable, Hashable {
        /// One group per value of the field.
        case value
        /// One group per linked row, shown by its primary field.
        case link(target: TableID)
        /// One group per tag of a tags field: a row with two tags counts in both groups.
        case eachTag
        /// One group per row of a multiple link: a row linked to two counts in both groups.
        case eachLink(target: TableID)
    }
    /// The column name: the `as` name, else the path's last name (the whole path when two clash).
    public var name: String
    /// The path as written: `task.project.client`.
    public var pathText: String
    public var path: RowPath
    public var kind: Kind
}

/// One aggregate read by measures: `sum(duration where category = billable)`.
public struct ReportAggregate: Sendable {
    /// The aggregate functions of reports.
    public enum Function: String, Sendable, Hashable, CaseIterable {
        case sum, count, avg, min, max, count_distinct
    }
    public var function: Function
    /// The value aggregated; nil for `count()`.
    public var argument: RowPath?
    /// The rows the aggregate reads (`where` inside the brackets).
    public var filter: ReportCondition?
    /// The type of the result.
    public var resultType: ValueType
    /// The aggregate as written, for messages.
    public var text: String
}

/// A condition on rows: translated to SQL when it can be, else evaluated by the formula engine.
public struct ReportCondition: Sendable {
    /// The condition as SQL-translatable logic; nil when it uses something the translation does
    /// not cover (functions, arithmetic, multiple links), in which case `source` is evaluated as a
    /// formula on each row instead.
    package var predicate: RowPredicate?
    /// The condition as formula source, for the fallback.
    public var source: String
}

/// The read of a grouped link's field for measures: `person.weekly_target` when grouping by `person`.
public struct ReportGroupRead: Sendable, Hashable {
    /// The index of the group (a single-link group).
    public var group: Int
    /// The path from the group's linked table.
    public var path: RowPath
}

/// What feeds each path of a measure's or `having`'s compiled formula.
public enum ReportInput: Sendable, Hashable {
    /// The value of `aggregates[i]`.
    case aggregate(Int)
    /// The key of `groups[i]` (its linked row for a link group).
    case group(Int)
    /// The value of `groupReads[i]`.
    case groupRead(Int)
    /// The number of days of the row's span: the bucket, cut to the period.
    case days
    /// `days / 7`.
    case weeks
    /// The value of `measures[i]` (in `having`).
    case measure(Int)
}

/// A formula over one group, and what feeds each of its paths.
public struct ReportFormula: Sendable {
    public var formula: CompiledFormula
    /// `inputs[i]` is the value of `formula.paths[i]`.
    public var inputs: [ReportInput]
}

/// One measure column.
public struct ReportMeasureColumn: Sendable {
    public var name: String
    public var type: ValueType
    public var formula: ReportFormula
}

/// One `order by` key.
public struct ReportSortKey: Sendable, Hashable {
    /// The index into `CheckedReport.columnNames`.
    public var column: Int
    public var descending: Bool
    public init(column: Int, descending: Bool) { self.column = column; self.descending = descending }
}

/// A row condition in the form the report planner translates to SQL. Its logic is the formula
/// language's, value for value: blank equals only blank and sorts first, `and`/`or`/`not` read
/// blank as false, and an error value anywhere it is read makes the condition not true.
package indirect enum RowPredicate: Sendable, Hashable {
    case constant(Bool)
    /// `a op b`, texts compared by the base's collation when `collated`.
    case compare(RowOperand, RowComparison, RowOperand, collated: Bool)
    /// `x in (a, b)`: `values` are stored encodings; `blankMatches` when the list holds `blank`.
    case member(RowPath, [SQLValue], blankMatches: Bool, collated: Bool)
    /// `lower <= x < upper` in stored encodings (`start in 2026-11`); false for blank.
    case within(RowPath, lower: SQLValue, upper: SQLValue)
    /// `is_blank(x)`.
    case isBlank(RowPath)
    /// A bool field: true only when true.
    case isTrue(RowPath)
    case not(RowPredicate)
    case and(RowPredicate, RowPredicate)
    case or(RowPredicate, RowPredicate)
}

/// A side of a comparison: a column or a stored constant (`.null` is blank).
package enum RowOperand: Sendable, Hashable {
    case column(RowPath)
    case constant(SQLValue)
}

/// The comparison operators.
public enum RowComparison: String, Sendable, Hashable {
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

    /// The result when the left side is blank and the right is not (blank sorts first).
    public var blankLeft: Bool { self == .notEqual || self == .less || self == .lessOrEqual }
    /// The result when the right side is blank and the left is not.
    public var blankRight: Bool { self == .notEqual || self == .greater || self == .greaterOrEqual }
    /// The result when both are blank.
    public var blankBoth: Bool { self == .equal || self == .lessOrEqual || self == .greaterOrEqual }
}
