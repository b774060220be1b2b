import ArgumentParser
import Foundation
import TabulaEngine

/// `tabula log`: a manual interval on a timed row (the hour forgotten yesterday).
struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Log time on a row by hand: --from T --to T, or --date D --hours H (starting 09:00 in the base's zone).")

    @Argument(help: "The base file.") var base: String
    @Argument(help: "The table of the timed row.") var table: String
    @Argument(help: "The row: #id or its primary value.") var row: String
    @Argument(help: "More field=value pairs for the log row (e.g. category=internal).") var assignments: [String] = []
    @Option(help: "When the interval started, e.g. '2026-11-19 14:00'.") var from: String?
    @Option(help: "When it ended.") var to: String?
    @Option(help: "The day, e.g. 2026-11-19 (with --hours).") var date: String?
    @Option(parsing: .unconditional, help: "How long, e.g. 1h30m or 1.5 (with --date).") var hours: String?
    @Option(help: "A note on the entry (the log table's note field).") var note: String?
    @Option(help: "The timer field, when the table has several.") var field: String?
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let context = b.schema.valueContext
            let start: Instant, end: Instant
            switch (from, to, date, hours) {
            case (let f?, let t?, nil, nil):
                start = try instant(f, "--from", context)
                end = try instant(t, "--to", context)
            case (nil, nil, let d?, let h?):
                guard case .date? = try? ValueType.date.parse(d, context: context) else {
                    throw CLIError("--date '\(d)' is not a date", hint: "write the day as YYYY-MM-DD, e.g. --date 2026-11-19")
                }
                start = try instant("\(d) 09:00", "--date", context)
                let text = Double(h).map { "\($0)h" } ?? h
                guard case .duration(let seconds) = try? ValueType.duration.parse(text, context: context) else {
                    throw CLIError("--hours '\(h)' is not a duration", hint: "e.g. --hours 1.5 or --hours 1h30m")
                }
                guard seconds > 0 else {
                    throw CLIError("--hours must be positive, got '\(h)'", hint: "give how long you worked, e.g. --hours 1.5; to change an entry use `tabula set`")
                }
                end = start.adding(seconds: seconds)
            default:
                throw CLIError("give --from and --to, or --date and --hours", hint: "tabula log BASE Tasks Landing --from '2026-11-19 14:00' --to '2026-11-19 15:30'")
            }
            var extra = try parseAssignments(assignments)
            if let note { extra.append(TextAssignment(field: "note", text: note)) }
            let interval = try b.write { try $0.logInterval(table: table, row: row, field: field, from: start, to: end, extra: extra) }.value
            let length = ValueType.duration.format(.duration(interval.elapsed(at: end)), context: context)
            print("logged \(length) on \(interval.rowDescription) for \(interval.author), \(b.formatInstant(start)) to \(b.formatInstant(end)) (\(interval.logTable) #\(interval.logRow))")
        }
    }

    private func instant(_ text: String, _ option: String, _ context: ValueContext) throws -> Instant {
        do {
            guard case .datetime(let i) = try ValueType.datetime.parse(text, context: context) else { throw CLIError("\(option) is empty") }
            return i
        } catch let error as ValueParseError {
            throw CLIError("\(option) '\(text)': \(error.message)",
                           hint: "write a date and time as YYYY-MM-DD HH:MM, e.g. '2026-11-19 14:00' (in the base's time zone), or with an offset: 2026-11-19T14:00+01:00")
        }
    }
}
