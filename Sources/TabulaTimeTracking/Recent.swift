import Foundation
import TabulaEngine
import TabulaLanguage
import TabulaReports

/// The tasks a person booked most recently (`tabula recent`), to pick the next entry's task from.
public enum Recent {
    /// The acting person's most recently booked tasks, newest first: the task, its project, when
    /// it was last booked, and its entries and hours over the last `days` days.
    public static func tasks(_ base: Base, limit: Int = 10) throws -> ReportOutput {
        guard TimeTracking.applies(to: base.schema) else {
            throw EngineError(.schema, "this base is not a time-tracking base", hint: "create one with `tabula init BASE --package timetracking`")
        }
        guard (1...1000).contains(limit) else { throw EngineError(.invalidValue, "--limit \(limit) is out of range", hint: "give 1 to 1000") }
        let me = try base.personRow()
        let people = try base.table(named: "People")
        let name = try base.primaryValues(of: people, ids: [me])[me] ?? ""
        var literal = "\""
        for c in name {
            switch c {
            case "\"": literal += "\\\""
            case "\\": literal += "\\\\"
            case "\n": literal += "\\n"
            case "\t": literal += "\\t"
            default: literal.append(c)
            }
        }
        literal += "\""
        let query = "max(start) as last, count() as entries, sum(duration) as hours by task, task.project from TimeEntries "
            + "where not is_blank(task) and person.\(people.primaryField.name) = \(literal) order by last desc limit \(limit)"
        return try ReportRunner.run(SourceText(name: "recent", text: query), on: base)
    }
}
