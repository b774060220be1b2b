import ArgumentParser
import Foundation
import TabulaEngine
import TabulaLanguage
import TabulaReports
import TabulaTimeTracking

/// `tabula remind BASE [--for PERIOD]`: who logged less than expected, and by how much (and an
/// `hours.missing` webhook event when someone is short).
struct RemindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remind",
        abstract: "List who logged less than their expected hours (schedule, holidays, absences) and by how much; sends hours.missing to webhooks.")
    @Argument(help: "The base file.") var base: String
    @Option(name: .customLong("for"), help: ArgumentHelp("The period: yesterday (default), this week, last week, 2026-W47, 2026-11-16..2026-11-20.", valueName: "period"))
    var period = "yesterday"
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let run = try Reminders.run(b, period: period, try ReportParser.parsePeriod(SourceText(name: "--for", text: period)))
            let context = b.schema.valueContext
            func text(_ s: Int64) -> String { ValueType.duration.format(.duration(s), context: context) }
            let short = run.short.count
            for person in run.short {
                var line = "\(person.person) is \(text(person.shortfall)) short for \(period): expected \(text(person.expected)), logged \(text(person.logged))"
                if run.found.filter({ $0.person == person.person }).count > 1 {
                    line += " (short " + person.days.map { "\(text($0.shortfall)) on \($0.day.iso)" }.joined(separator: ", ") + ")"
                } else if let day = person.days.first {
                    line += " on \(day.day.iso)"
                }
                print(line)
            }
            if run.event != nil { print("hours.missing event written for the webhooks") }
            if short == 0 { print("nobody is short for \(period)") }
        }
    }
}
