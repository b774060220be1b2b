extension Keywords {
    /// Words that start a top-level statement of a schema file.
    public static let schemaStatements: [String] = ["table", "base", "timezone", "currency", "locale", "report", "package"]
        + timerSettings

    /// The settings of timers, people and approvals: `people People`, `approver lead`, `pomodoro 25m 5m`.
    public static let timerSettings: [String] = ["people", "approver", "pomodoro"]

    /// Field types that take no arguments.
    public static let simpleFieldTypes: [String] = [
        "text", "number", "integer", "autonumber", "percent", "bool", "date", "datetime", "duration",
        "created", "modified", "author",
    ]

    /// Every word that can start a field's type.
    public static let fieldTypes: [String] = simpleFieldTypes + ["currency", "select", "tags", "link", "formula", "mirror", "timer"]

    /// The aggregates a `mirror` field can apply over a relation path.
    public static let mirrorAggregates: [String] = [
        "sum", "count", "count_all", "avg", "min", "max", "median", "list", "unique", "concat",
        "first", "last", "any", "all",
    ]

    /// The aggregates that may take a link field alone: `count(entries)`.
    public static let rowCountingAggregates: Set<String> = ["count", "count_all"]

    /// Words that may follow a field's type.
    public static let fieldModifiers: [String] = ["required", "unique", "default", "inverse", "on", "was"]

    /// What `on delete` may be followed by.
    public static let deleteActions: [String] = ["clear", "restrict", "cascade"]
}
