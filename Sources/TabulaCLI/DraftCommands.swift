import ArgumentParser
import Foundation
import TabulaEngine
import TabulaIO
import TabulaTimeTracking

/// `tabula drafts BASE`: the acting person's drafts (entries waiting for their task).
struct DraftsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drafts", abstract: "List my drafts (--everyone: all), the entries whose task is still to be set.")
    @Argument(help: "The base file.") var base: String
    @Flag(help: "Everyone's drafts, not only mine.") var everyone = false
    @Option(help: "table, csv or json.") var format: OutputFormat = .table
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let drafts = try everyone ? Drafts.list(b, ids: nil) : Drafts.mine(b)
            if drafts.isEmpty && format == .table { print(everyone ? "no drafts" : "\(b.actor) has no drafts"); return }
            let columns = [("entry", ValueType.text), ("who", .text), ("start", .datetime), ("end", .datetime), ("duration", .duration), ("note", .text)]
                .map { ResultColumn(name: $0.0, type: $0.1) }
            let rows: [[Value]] = drafts.map { d in
                [.text("#\(d.id)"), .text(d.person), .datetime(d.start), d.end.map(Value.datetime) ?? .blank, .duration(d.seconds), d.note.isEmpty ? .blank : .text(d.note)]
            }
            let text = Renderer.render(ResultTable(columns: columns, rows: rows), as: format, context: b.schema.valueContext)
            if format == .csv { FileHandle.standardOutput.write(Data(text.utf8)) } else { print(text) }
            if format == .table { print("complete one with: tabula set \(base) TimeEntries '#ID' task=TASK") }
        }
    }
}

/// `tabula recent BASE`: the tasks I booked most recently.
struct RecentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "recent", abstract: "The tasks I booked most recently, newest first, to log or start the next one.")
    @Argument(help: "The base file.") var base: String
    @Option(help: "How many tasks.") var limit = 10
    @Option(help: "table, csv or json.") var format: OutputFormat = .table
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            var table = try Recent.tasks(b, limit: limit).table
            table.totals = nil
            if table.rows.isEmpty && format == .table { print("\(b.actor) has booked no task yet"); return }
            let text = Renderer.render(table, as: format, context: b.schema.valueContext)
            if format == .csv { FileHandle.standardOutput.write(Data(text.utf8)) } else { print(text) }
        }
    }
}
