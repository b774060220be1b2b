import ArgumentParser
import Foundation
import TabulaEngine
import TabulaTimeTracking

/// `tabula period close|approve|reopen BASE MONTH`: lock and unlock a month's time entries.
struct PeriodCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "period",
        abstract: "Close, approve or reopen a month of time entries (approve and reopen need the approver role).",
        subcommands: [PeriodClose.self, PeriodApprove.self, PeriodReopen.self])
}

struct PeriodOptions: ParsableArguments {
    @Argument(help: "The base file.") var base: String
    @Argument(help: "The month, e.g. 2026-11.") var month: String
    @OptionGroup var actor: ActorOptions

    func run(_ body: (Base, String) throws -> Periods.Summary) throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let s = try body(b, month)
            let hours = ValueType.duration.format(.duration(s.hours), context: b.schema.valueContext)
            print("period \(s.month) is \(s.state): \(s.entries) entr\(s.entries == 1 ? "y" : "ies"), \(hours)")
        }
    }
}

struct PeriodClose: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a month: its entries lock.")
    @OptionGroup var options: PeriodOptions
    func run() throws { try options.run { try Periods.close($0, month: $1) } }
}

struct PeriodApprove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve a month (approver role): its entries stay locked.")
    @OptionGroup var options: PeriodOptions
    func run() throws { try options.run { try Periods.approve($0, month: $1) } }
}

struct PeriodReopen: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reopen", abstract: "Reopen a month (approver role): its entries unlock.")
    @OptionGroup var options: PeriodOptions
    func run() throws { try options.run { try Periods.reopen($0, month: $1) } }
}
