import Foundation
import TabulaEngine
import TabulaIO
import TabulaLanguage
import TabulaReports

/// What the package adds to its saved reports' output, from what a query cannot read: the time
/// matrix gets a `check` column from the base's settings (a difference beyond `matrix_tolerance`,
/// no break after `break_after`); `missing` sets the logged hours beside the expected ones
/// (schedules, holidays, absences) with the shortfall; `utilisation` divides by expected hours.
public enum PackageReports {
    /// The saved report's output with the package's additions (unchanged for other reports or bases).
    public static func annotate(_ output: ReportOutput, saved name: String, on base: Base) throws -> ReportOutput {
        guard TimeTracking.applies(to: base.schema) else { return output }
        switch name.lowercased() {
        case "missing": return try annotateMissing(output, on: base)
        case "utilisation": return try annotateUtilisation(output, on: base)
        case "phases":
            var result = output
            result.table = PlanVsActual.table(try PlanVsActual.lines(base, days: output.period), currency: base.schema.currency)
            result.table.emptyText = "(no project with an estimate, phases, milestones or hours)"
            return result
        case "audit":
            guard let days = output.period else { return output }
            var result = output
            result.table = Audit.table(try Audit.run(base, days: days))
            result.table.emptyText = "(nothing to report for \(days.lowerBound.iso) to \(days.upperBound.iso))"
            return result
        case "matrix": break
        default: return output
        }
        let columns = output.table.columns.map(\.name)
        guard let present = columns.firstIndex(of: "attendance"), let booked = columns.firstIndex(of: "booked"),
              let breaks = columns.firstIndex(of: "breaks") else { return output }
        var result = output
        func seconds(_ v: Value) -> Int64 { if case .duration(let s) = v { return s } else { return 0 } }
        result.table.rows = try output.table.rows.map { row in
            let found = try Attendance.checks(base, present: seconds(row[present]), booked: seconds(row[booked]), breaks: seconds(row[breaks]))
            return row + [found.isEmpty ? .blank : .text(found.joined(separator: "; "))]
        }
        result.table.columns.append(ResultColumn(name: "check", type: .text, blankText: ""))
        if let totals = result.table.totals { result.table.totals = totals + [.blank] }
        return result
    }
}

extension PackageReports {
    /// The reports whose rows the package makes again from more than the query's rows (the
    /// calendar, the plan, the history): a filter on the query would not reach those.
    static let remade: Set<String> = ["missing", "phases", "audit"]

    /// Whether the saved report takes filters (person, client, ...): every report that is its query.
    public static func takesFilters(_ name: String, on base: Base) -> Bool {
        !(TimeTracking.applies(to: base.schema) && remade.contains(name.lowercased()))
    }

    /// Runs a saved report (for another period when given) with the package's additions. `per`
    /// regroups the `missing` report's days by week (or month, ...); other reports refuse it.
    public static func run(saved name: String, on base: Base, for period: ReportPeriod? = nil, per unit: ReportUnit? = nil,
                           filters: [ReportFilter] = []) throws -> ReportOutput {
        if let unit, !(TimeTracking.applies(to: base.schema) && name.lowercased() == "missing") {
            throw EngineError(.invalidValue, "per \(unit.rawValue) regroups only the package's missing report, not \(name)",
                              hint: "a query says its own buckets: ... by person per \(unit.rawValue)")
        }
        if !filters.isEmpty && !takesFilters(name, on: base) {
            throw EngineError(.invalidValue, "the \(name) report is made by the package from more than its query, so it takes no filters",
                              hint: "leave out the filters, or filter a report that is one query (week, month, ...)")
        }
        let output = try ReportRunner.run(saved: name, on: base, for: period, filters: filters)
        if let unit, unit != .day { return try annotateMissing(output, on: base, per: unit) }
        return try annotate(output, saved: name, on: base)
    }

    /// One person's day in the `missing` report.
    public struct MissingDay: Sendable, Hashable {
        public var person: String
        public var day: CivilDate
        public var expected: Int64
        public var logged: Int64
        public var shortfall: Int64 { max(0, expected - logged) }
    }

    /// Every active person's days of the period with hours expected or logged: the `missing`
    /// report's rows, from the logged hours it grouped by person and local day. Days after
    /// today (in the base's zone) expect nothing yet.
    static func missingDays(_ logged: ResultTable, days: ClosedRange<CivilDate>, on base: Base) throws -> [MissingDay] {
        let columns = logged.columns.map(\.name)
        guard let person = columns.firstIndex(of: "person"), let day = columns.firstIndex(of: "local_day"),
              let hours = columns.firstIndex(of: "logged") else {
            throw EngineError(.schema, "the saved report missing must group by person, local_day and measure logged",
                              hint: "the package's: report missing = sum(duration) as logged by person, local_day for this week")
        }
        var booked: [String: [CivilDate: Int64]] = [:]
        for row in logged.rows {
            guard let d = CivilDate(iso: plainText(row[day])), case .duration(let s) = row[hours] else { continue }
            booked[plainText(row[person]), default: [:]][d, default: 0] += s
        }
        let calendar = try Schedules.Calendar(base)
        // A day after today is not missing yet: it expects nothing (what is logged ahead shows).
        let today = base.now().civilDate(in: base.schema.timeZone)
        var result: [MissingDay] = []
        for (id, name) in calendar.people {
            for offset in 0...Int(days.upperBound.daysSinceEpoch - days.lowerBound.daysSinceEpoch) {
                let d = days.lowerBound.adding(days: offset)
                let expected = d > today ? 0 : calendar.expected(id, on: d), done = booked[name]?[d] ?? 0
                if expected > 0 || done > 0 { result.append(MissingDay(person: name, day: d, expected: expected, logged: done)) }
            }
        }
        return result
    }

    /// The `missing` report's days for a period (default: the saved report's own).
    public static func missing(_ base: Base, for period: ReportPeriod? = nil) throws -> [MissingDay] {
        try missingPeriod(base, for: period).found
    }

    /// The days a period covers and the `missing` report's days in it.
    public static func missingPeriod(_ base: Base, for period: ReportPeriod? = nil) throws -> (days: ClosedRange<CivilDate>, found: [MissingDay]) {
        let output = try period.map { try ReportRunner.run(saved: "missing", on: base, for: $0) } ?? ReportRunner.run(saved: "missing", on: base)
        guard let days = output.period else {
            throw EngineError(.invalidValue, "the missing report needs a period", hint: "add one: --for this week")
        }
        return (days, try missingDays(try widened(days, on: base), days: days, on: base))
    }

    /// One person's week (or month, ...) in the `missing` report: the period's days of it.
    public struct MissingSpan: Sendable, Hashable {
        public var person: String
        /// `2026-W47`, `2026-11`: the bucket as reports label it.
        public var label: String
        public var expected: Int64
        public var logged: Int64
        /// Expected less logged over the span: a day's extra hours make up another's shortfall.
        public var shortfall: Int64 { max(0, expected - logged) }
    }

    /// The days grouped per person and week (or month, ...), in the order of the days.
    public static func spans(_ days: [MissingDay], per unit: ReportUnit) -> [MissingSpan] {
        var spans: [MissingSpan] = []
        var index: [String: Int] = [:]
        for day in days {
            let label = ReportCalendar.label(unit, start: ReportCalendar.start(of: unit, containing: day.day))
            let key = day.person + "\u{0}" + label
            if let i = index[key] {
                spans[i].expected += day.expected
                spans[i].logged += day.logged
            } else {
                index[key] = spans.count
                spans.append(MissingSpan(person: day.person, label: label, expected: day.expected, logged: day.logged))
            }
        }
        return spans
    }

    /// The logged hours of the period's days and the day either side: the period takes entries
    /// by their start in the base's zone, a person's day is in theirs (less than a day apart).
    static func widened(_ days: ClosedRange<CivilDate>, on base: Base) throws -> ResultTable {
        let text = "\(days.lowerBound.adding(days: -1).iso)..\(days.upperBound.adding(days: 1).iso)"
        return try ReportRunner.run(saved: "missing", on: base, for: try ReportParser.parsePeriod(SourceText(name: "period", text: text))).table
    }

    static func annotateMissing(_ output: ReportOutput, on base: Base, per unit: ReportUnit) throws -> ReportOutput {
        guard let days = output.period else { return output }
        let found = spans(try missingDays(try widened(days, on: base), days: days, on: base), per: unit)
        var result = output
        result.table = ResultTable(
            columns: [ResultColumn(name: "person", type: .text), ResultColumn(name: unit.rawValue, type: .text), ResultColumn(name: "expected", type: .duration),
                      ResultColumn(name: "logged", type: .duration), ResultColumn(name: "shortfall", type: .duration)],
            rows: found.map { [.text($0.person), .text($0.label), .duration($0.expected), .duration($0.logged), .duration($0.shortfall)] },
            totals: [.text("total"), .blank, .duration(found.reduce(0) { $0 + $1.expected }), .duration(found.reduce(0) { $0 + $1.logged }),
                     .duration(found.reduce(0) { $0 + $1.shortfall })],
            roundsForReading: output.table.roundsForReading)
        result.table.emptyText = output.table.emptyText
        return result
    }

    static func annotateMissing(_ output: ReportOutput, on base: Base) throws -> ReportOutput {
        guard let days = output.period else { return output }
        let found = try missingDays(try widened(days, on: base), days: days, on: base)
        var result = output
        result.table = ResultTable(
            columns: [ResultColumn(name: "person", type: .text), ResultColumn(name: "day", type: .date), ResultColumn(name: "expected", type: .duration),
                      ResultColumn(name: "logged", type: .duration), ResultColumn(name: "shortfall", type: .duration)],
            rows: found.map { [.text($0.person), .date($0.day), .duration($0.expected), .duration($0.logged), .duration($0.shortfall)] },
            totals: [.text("total"), .blank, .duration(found.reduce(0) { $0 + $1.expected }), .duration(found.reduce(0) { $0 + $1.logged }),
                     .duration(found.reduce(0) { $0 + $1.shortfall })],
            roundsForReading: output.table.roundsForReading)
        result.table.emptyText = output.table.emptyText
        return result
    }

    static func annotateUtilisation(_ output: ReportOutput, on base: Base) throws -> ReportOutput {
        let columns = output.table.columns.map(\.name)
        guard let days = output.period, let person = columns.firstIndex(of: "person"), let billable = columns.firstIndex(of: "billable") else { return output }
        let calendar = try Schedules.Calendar(base)
        let ids = Dictionary(calendar.people.map { ($0.name, $0.id) }, uniquingKeysWith: { a, _ in a })
        // As in `missing`: days after today expect nothing yet, so a month in progress is not
        // measured against the weeks still to come.
        let today = base.now().civilDate(in: base.schema.timeZone)
        var result = output
        var expectedTotal: Int64 = 0, billableTotal: Int64 = 0
        result.table.rows = output.table.rows.map { row in
            let expected: Int64 = ids[plainText(row[person])].map { id in
                (0...Int(days.upperBound.daysSinceEpoch - days.lowerBound.daysSinceEpoch)).reduce(Int64(0)) { total, offset in
                    let day = days.lowerBound.adding(days: offset)
                    return total + (day > today ? 0 : calendar.expected(id, on: day))
                }
            } ?? 0
            let done: Int64 = { if case .duration(let s) = row[billable] { return s } else { return 0 } }()
            expectedTotal += expected
            billableTotal += done
            return row + [.duration(expected), expected > 0 ? .number(Double(done) / Double(expected)) : .blank]
        }
        result.table.columns += [ResultColumn(name: "expected", type: .duration), ResultColumn(name: "utilisation", type: .number)]
        if let totals = result.table.totals {
            result.table.totals = totals + [.duration(expectedTotal), expectedTotal > 0 ? .number(Double(billableTotal) / Double(expectedTotal)) : .blank]
        }
        return result
    }
}
