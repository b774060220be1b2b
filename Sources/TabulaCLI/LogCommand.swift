import ArgumentParser
import Foundation
import TabulaEngine
import TabulaTimeTracking

/// `tabula log`: a manual interval on a timed row (the hour forgotten yesterday), on several
/// days at once (`--days`), or a draft whose task is not known yet (`--draft`).
struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Log time on a row by hand: --from T --to T, or --date D (or --days A..B) --hours H (starting 09:00 in the base's zone); --draft without a row.")

    @Argument(help: "The base file.") var base: String
    @Argument(help: "The table of the timed row (none with --draft).") var table: String?
    @Argument(help: "The row: #id or its primary value.") var row: String?
    @Argument(help: "More field=value pairs for the log row (e.g. category=internal).") var assignments: [String] = []
    @Option(help: "When the interval started, e.g. '2026-11-19 14:00'.") var from: String?
    @Option(help: "When it ended.") var to: String?
    @Option(help: "The day, e.g. 2026-11-19 (with --hours).") var date: String?
    @Option(help: "Several days, e.g. 2026-11-02..2026-11-06 (with --hours): the same time on each, in one step.") var days: String?
    @Option(parsing: .unconditional, help: "How long, e.g. 1h30m or 1.5 (with --date or --days).") var hours: String?
    @Option(help: "A note on the entry (the log table's note field).") var note: String?
    @Option(help: "The timer field, when the table has several.") var field: String?
    @Flag(help: "A draft: time whose task is not known yet (no TABLE ROW; set its task later).") var draft = false
    @Flag(help: "With --days, book the days off too (weekends, holidays, absences), which are skipped otherwise.") var includeOffDays = false
    @OptionGroup var actor: ActorOptions

    /// The intervals the options give; `keep` picks the days of `--days` to book.
    static func intervals(from: String?, to: String?, date: String?, days: String?, hours: String?, _ context: ValueContext,
                          keep: ([CivilDate]) throws -> [CivilDate] = { $0 }) throws -> [(Instant, Instant)] {
        func day(_ text: String, _ option: String) throws -> CivilDate {
            guard case .date(let d)? = try? ValueType.date.parse(text, context: context) else {
                throw CLIError("\(option) '\(text)' is not a date", hint: "write the day as YYYY-MM-DD, e.g. \(option) 2026-11-19")
            }
            return d
        }
        func length(_ h: String) throws -> Int64 {
            let text = Double(h).map { "\($0)h" } ?? h
            guard case .duration(let seconds) = try? ValueType.duration.parse(text, context: context) else {
                throw CLIError("--hours '\(h)' is not a duration", hint: "e.g. --hours 1.5 or --hours 1h30m")
            }
            guard seconds > 0 else {
                throw CLIError("--hours must be positive, got '\(h)'", hint: "give how long you worked, e.g. --hours 1.5; to change an entry use `tabula set`")
            }
            // As the API: hours on one date fit in that day (a typo like 1e9 would end in the year 116106).
            guard seconds <= 24 * 3600 else {
                throw CLIError("--hours '\(h)' is more than the day has", hint: "log at most 24 hours on one date; for a longer span give --from and --to")
            }
            return seconds
        }
        func at9(_ d: CivilDate, _ seconds: Int64) -> (Instant, Instant) {
            let start = Instant(date: d, secondsOfDay: 9 * 3600, timeZone: context.timeZone)
            return (start, start.adding(seconds: seconds))
        }
        switch (from, to, date, days, hours) {
        case (let f?, let t?, nil, nil, nil):
            return [(try parseInstant(f, option: "--from", context), try parseInstant(t, option: "--to", context))]
        case (nil, nil, let d?, nil, let h?):
            return [at9(try day(d, "--date"), try length(h))]
        case (nil, nil, nil, let range?, let h?):
            let seconds = try length(h)
            return try keep(try parseDays(range, option: "--days", single: false, context)).map { at9($0, seconds) }
        default:
            throw CLIError("give --from and --to, or --date (or --days) and --hours",
                           hint: "tabula log BASE Tasks Landing --from '2026-11-19 14:00' --to '2026-11-19 15:30', or --days 2026-11-02..2026-11-06 --hours 2h")
        }
    }

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let context = b.schema.valueContext
            if includeOffDays && days == nil { throw CLIError("--include-off-days goes with --days", hint: "e.g. --days 2026-11-02..2026-11-08 --hours 2h --include-off-days") }
            var skipped: [(day: CivilDate, reason: String)] = []
            let spans = try Self.intervals(from: from, to: to, date: date, days: days, hours: hours, context) { all in
                guard !includeOffDays else { return all }
                let found = try Schedules.workingDays(b, all)
                skipped = found.skipped
                guard !found.kept.isEmpty else {
                    throw EngineError(.invalidValue, "no day of --days \(days ?? "") is a working day for \(b.actor): "
                                   + found.skipped.map { "\($0.day.iso) \($0.reason)" }.joined(separator: ", "),
                                   hint: "add --include-off-days to book them anyway")
                }
                return found.kept
            }
            for s in skipped { print("skipped \(s.day.iso) (\(s.reason)); --include-off-days books it too") }
            func length(_ a: Instant, _ z: Instant) -> String {
                ValueType.duration.format(.duration((z.millisecondsSinceEpoch - a.millisecondsSinceEpoch) / 1000), context: context)
            }
            if draft {
                // With no row, what came as TABLE and ROW are field=value pairs.
                let pairs = [table, row].compactMap { $0 } + assignments
                if let notPair = pairs.first(where: { !$0.contains("=") }) {
                    throw CLIError("a draft has no row, so '\(notPair)' is out of place",
                                   hint: "tabula log BASE --draft --date 2026-11-19 --hours 1 --note 'what it was'; set its task later with tabula set BASE TimeEntries '#ID' task=...")
                }
                let extra = try parseAssignments(pairs)
                let ids = try b.write { _ in try spans.map { try Drafts.log(b, from: $0.0, to: $0.1, note: note, extra: extra) } }.value
                for (id, span) in zip(ids, spans) {
                    print("logged draft \(length(span.0, span.1)) for \(b.actor), \(b.formatInstant(span.0)) to \(b.formatInstant(span.1)) (TimeEntries #\(id)); set its task later")
                    try warnOverlaps(b, id)
                }
                return
            }
            guard let table, let row else {
                throw CLIError("give the table and the row to log on, or --draft", hint: "tabula log BASE Tasks Landing --date 2026-11-19 --hours 1.5")
            }
            var extra = try parseAssignments(assignments)
            if let note { extra.append(TextAssignment(field: "note", text: note)) }
            let intervals = try b.write { tx in
                try spans.map { try tx.logInterval(table: table, row: row, field: field, from: $0.0, to: $0.1, extra: extra) }
            }.value
            for (interval, span) in zip(intervals, spans) {
                print("logged \(length(span.0, span.1)) on \(interval.rowDescription) for \(interval.author), \(b.formatInstant(span.0)) to \(b.formatInstant(span.1)) (\(interval.logTable) #\(interval.logRow))")
                try warnOverlaps(b, interval.logRow)
            }
        }
    }
}

/// `2026-11-02..2026-11-06` (or one day, when `single`): the days of a range, forward, at most a year.
func parseDays(_ text: String, option: String, single: Bool, _ context: ValueContext) throws -> [CivilDate] {
    func day(_ part: String) throws -> CivilDate {
        guard case .date(let d)? = try? ValueType.date.parse(part, context: context) else {
            throw CLIError("\(option) '\(text)': '\(part)' is not a date", hint: "write days as YYYY-MM-DD, e.g. \(option) 2026-11-02..2026-11-06")
        }
        return d
    }
    let parts = text.components(separatedBy: "..")
    if parts.count == 1 && single { return [try day(parts[0])] }
    guard parts.count == 2 else {
        throw CLIError("\(option) '\(text)' is not a range of days", hint: "write FIRST..LAST, e.g. \(option) 2026-11-02..2026-11-06")
    }
    let first = try day(parts[0]), last = try day(parts[1])
    guard first <= last, last.daysSinceEpoch - first.daysSinceEpoch < 366 else {
        throw CLIError("\(option) '\(text)' must run forward and span at most a year", hint: "e.g. \(option) 2026-11-02..2026-11-06")
    }
    return (0...Int(last.daysSinceEpoch - first.daysSinceEpoch)).map { first.adding(days: $0) }
}

/// Says which entries of the same person a new entry overlaps (the base's overlap setting is warn).
func warnOverlaps(_ b: Base, _ entry: RowID) throws {
    guard TimeTracking.applies(to: b.schema), b.schema.table(named: "TimeEntries") != nil else { return }
    let others = try Audit.overlaps(b, entry: entry)
    if !others.isEmpty { print("warning: TimeEntries #\(entry) overlaps " + others.map { "#\($0)" }.joined(separator: ", ")) }
}
