import ArgumentParser
import Foundation
import TabulaEngine
import TabulaLanguage
import TabulaReports
import TabulaTimeTracking

/// `tabula remind BASE [--for PERIOD]`: who logged less than expected, and by how much.
struct RemindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remind",
        abstract: "List who logged less than their expected hours (schedule, holidays, absences) and by how much.")
    @Argument(help: "The base file.") var base: String
    @Option(name: .customLong("for"), help: ArgumentHelp("The period: yesterday (default), this week, last week, 2026-W47, 2026-11-16..2026-11-20.", valueName: "period"))
    var period = "yesterday"
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let days = try PackageReports.missing(b, for: try ReportParser.parsePeriod(SourceText(name: "--for", text: period)))
            let context = b.schema.valueContext
            func text(_ s: Int64) -> String { ValueType.duration.format(.duration(s), context: context) }
            var short = 0
            var people: [String] = []
            for day in days where people.last != day.person { people.append(day.person) }  // the days come by person
            for person in people {
                let mine = days.filter { $0.person == person }
                let shortfall = mine.reduce(0) { $0 + $1.shortfall }
                guard shortfall > 0 else { continue }
                short += 1
                let expected = mine.reduce(0) { $0 + $1.expected }, logged = mine.reduce(0) { $0 + $1.logged }
                var line = "\(person) is \(text(shortfall)) short for \(period): expected \(text(expected)), logged \(text(logged))"
                if mine.count > 1 {
                    line += " (" + mine.filter { $0.shortfall > 0 }.map { "\($0.day.iso) \(text($0.shortfall))" }.joined(separator: ", ") + ")"
                } else if let day = mine.first {
                    line += " on \(day.day.iso)"
                }
                print(line)
            }
            if short == 0 { print("nobody is short for \(period)") }
        }
    }
}
