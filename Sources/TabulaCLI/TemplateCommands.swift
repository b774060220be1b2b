import ArgumentParser
import Foundation
import TabulaEngine
import TabulaTimeTracking

/// `tabula template save|apply`: a day's entries kept and booked again.
struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Save a day's entries as a template and book it on other days.",
        subcommands: [TemplateSave.self, TemplateApply.self])
}

struct TemplateSave: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "save", abstract: "Save my entries of a day (task, category, note, length, time of day) as template NAME.")
    @Argument(help: "The base file.") var base: String
    @Argument(help: "The template's name.") var name: String
    @Option(help: "The day whose entries to keep, e.g. 2026-11-03.") var day: String
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let date = try parseDays(day, option: "--day", single: true, b.schema.valueContext)
            guard date.count == 1 else { throw CLIError("--day takes one day", hint: "e.g. --day 2026-11-03") }
            let saved = try Templates.save(b, name: name, day: date[0])
            let total = ValueType.duration.format(.duration(saved.lines.reduce(0) { $0 + $1.seconds }), context: b.schema.valueContext)
            print("\(saved.replaced ? "replaced" : "saved") template \(name) of \(b.actor): \(saved.lines.count) entr\(saved.lines.count == 1 ? "y" : "ies"), \(total)")
        }
    }
}

struct TemplateApply: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "apply", abstract: "Book my template NAME on each of the days, in one step.")
    @Argument(help: "The base file.") var base: String
    @Argument(help: "The template's name.") var name: String
    @Option(help: "The days, e.g. 2026-11-04..2026-11-06 or 2026-11-04.") var days: String
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let booked = try Templates.apply(b, name: name, days: try parseDays(days, option: "--days", single: true, b.schema.valueContext))
            printBooked(booked, b)
        }
    }
}

/// `tabula copy-day BASE DAY --to DAYS [--hours H]`: a reference day booked again, scaled.
struct CopyDay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy-day",
        abstract: "Book my entries of a reference day on other days, scaled to their hours (default: my scheduled hours), rounded to the booking_step setting.")
    @Argument(help: "The base file.") var base: String
    @Argument(help: "The reference day, e.g. 2026-11-03.") var day: String
    @Option(help: "The days to book, e.g. 2026-11-04 or 2026-11-04..2026-11-06.") var to: String
    @Option(parsing: .unconditional, help: "The hours of each day, e.g. 6h or 7.5 (default: the scheduled hours).") var hours: String?
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let context = b.schema.valueContext
            let reference = try parseDays(day, option: "DAY", single: true, context)
            guard reference.count == 1 else { throw CLIError("the reference is one day", hint: "e.g. tabula copy-day BASE 2026-11-03 --to 2026-11-04") }
            let seconds = try hours.map { h -> Int64 in
                let text = Double(h).map { "\($0)h" } ?? h
                guard case .duration(let s)? = try? ValueType.duration.parse(text, context: context), s > 0 else {
                    throw CLIError("--hours '\(h)' is not a positive duration", hint: "e.g. --hours 6h or --hours 7.5")
                }
                return s
            }
            let booked = try Templates.copyDay(b, from: reference[0], to: try parseDays(to, option: "--to", single: true, context), hours: seconds)
            printBooked(booked, b)
        }
    }
}

func printBooked(_ booked: [Templates.Booked], _ b: Base) {
    let context = b.schema.valueContext
    for entry in booked {
        let length = ValueType.duration.format(.duration((entry.end.millisecondsSinceEpoch - entry.start.millisecondsSinceEpoch) / 1000), context: context)
        print("booked \(length) on \(entry.label), \(b.formatInstant(entry.start)) to \(b.formatInstant(entry.end)) (TimeEntries #\(entry.entry))")
    }
    let days = Set(booked.map(\.day)).count
    print("\(booked.count) entr\(booked.count == 1 ? "y" : "ies") on \(days) day\(days == 1 ? "" : "s")")
}
