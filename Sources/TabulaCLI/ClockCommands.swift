import ArgumentParser
import Foundation
import TabulaEngine
import TabulaTimeTracking

/// `tabula clock in|out|break start|end BASE`: attendance, apart from the project timers.
struct ClockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clock",
        abstract: "Clock in and out, and take breaks: the working day, apart from project time (timers and log).",
        subcommands: [ClockIn.self, ClockOut.self, ClockBreak.self])
}

struct ClockOptions: ParsableArguments {
    @Argument(help: "The base file.") var base: String
    @Option(help: "When, e.g. '2026-11-23 08:30' (in the base's zone; default: now).") var at: String?
    @OptionGroup var actor: ActorOptions

    func run(_ action: Attendance.Action) throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let when = try at.map { try parseInstant($0, option: "--at", b.schema.valueContext) }
            let day = try Attendance.clock(b, action, at: when)
            let context = b.schema.valueContext
            func text(_ s: Int64) -> String { ValueType.duration.format(.duration(s), context: context) }
            switch action {
            case .clockIn: print("\(day.person) clocked in at \(b.formatInstant(day.at)) (\(day.day.iso))" + (day.breaks > 0 ? ", back since \(b.formatInstant(day.clockIn)): breaks so far \(text(day.breaks))" : ""))
            case .breakStart: print("\(day.person)'s break started at \(b.formatInstant(day.at))")
            case .breakEnd: print("\(day.person)'s break ended: breaks \(text(day.breaks)) on \(day.day.iso)")
            case .clockOut:
                print("\(day.person) clocked out at \(b.formatInstant(day.at)): present \(text(day.present ?? 0)), breaks \(text(day.breaks)), booked \(text(day.booked)) on \(day.day.iso)")
            }
            for warning in day.warnings { print("warning: \(warning)") }
        }
    }
}

struct ClockIn: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "in", abstract: "Clock in (again the same day: the time away counts as a break).")
    @OptionGroup var options: ClockOptions
    func run() throws { try options.run(.clockIn) }
}

struct ClockOut: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "out", abstract: "Clock out (a running break ends): prints the day's attendance and booked time.")
    @OptionGroup var options: ClockOptions
    func run() throws { try options.run(.clockOut) }
}

struct ClockBreak: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "break", abstract: "Start or end a break.",
                                                    subcommands: [ClockBreakStart.self, ClockBreakEnd.self])
}

struct ClockBreakStart: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start a break.")
    @OptionGroup var options: ClockOptions
    func run() throws { try options.run(.breakStart) }
}

struct ClockBreakEnd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "end", abstract: "End the running break.")
    @OptionGroup var options: ClockOptions
    func run() throws { try options.run(.breakEnd) }
}

/// A date and time given on the command line, in the base's zone unless it says an offset.
func parseInstant(_ text: String, option: String, _ context: ValueContext) throws -> Instant {
    do {
        guard case .datetime(let i) = try ValueType.datetime.parse(text, context: context) else { throw CLIError("\(option) is empty") }
        return i
    } catch let error as ValueParseError {
        throw CLIError("\(option) '\(text)': \(error.message)",
                       hint: "write a date and time as YYYY-MM-DD HH:MM, e.g. '2026-11-19 14:00' (in the base's time zone), or with an offset: 2026-11-19T14:00+01:00")
    }
}
