import ArgumentParser
import Foundation
import TabulaEngine
import TabulaIO
import TabulaTimeTracking

extension ImportFormat: ExpressibleByArgument {}
extension ImportDateOrder: ExpressibleByArgument {}
extension TimeImport.RuleKind: ExpressibleByArgument {}

/// `tabula import`: other trackers' exports into a time-tracking base, and the queue of rows
/// that did not match.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import time entries from Toggl, Harvest, Jira Tempo, Clockify or Kimai CSV exports.",
        subcommands: [ImportFileCommand.self, ImportQueueCommand.self, ImportResolve.self, ImportMap.self, ImportDrop.self],
        defaultSubcommand: ImportFileCommand.self)
}

struct ImportFileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "file",
        abstract: "Import a CSV export in one transaction; rows that cannot be placed wait in the queue, rows already imported are skipped.")

    @Argument(help: "The base file.") var base: String
    @Argument(help: "The exported CSV file.") var file: String
    @Option(name: .customLong("from"), help: "The format: toggl, harvest, tempo, clockify or kimai (default: recognised from the header).") var source: ImportFormat?
    @Option(help: "The zone the file's times are in (default: each person's zone).") var timezone: String?
    @Option(help: "The order of slashed dates: dmy, mdy or ymd (default: told from the file).") var dates: ImportDateOrder?
    @Flag(help: "Create the clients, projects and tasks the file names and the base lacks.") var create = false
    @Flag(help: "Report what the import would do and write nothing.") var dryRun = false
    @Option(help: "table or json.") var format: OutputFormat = .table
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let text = try readFile(file)
            let b = try openBase(base, actor)
            defer { b.close() }
            let summary = try TimeImport.run(b, text: text, name: file,
                                             options: .init(format: source, timeZone: timezone, dates: dates, create: create, dryRun: dryRun))
            if format == .json {
                print("{\"format\": \"\(summary.format.rawValue)\", \"imported\": \(summary.imported), \"queued\": \(summary.queued), \"duplicates\": \(summary.duplicates), \"seconds\": \(summary.seconds)}")
                return
            }
            let hours = ValueType.duration.format(.duration(summary.seconds), context: b.schema.valueContext)
            print("\(summary.format.title)\(summary.recognised ? " (recognised from the header)" : "")")
            print("\(summary.dryRun ? "would import" : "imported") \(summary.imported) entr\(summary.imported == 1 ? "y" : "ies") (\(hours))")
            let reasons = summary.reasons.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.map { "\($0.value) \($0.key)" }
            print("queued \(summary.queued)" + (reasons.isEmpty ? "" : ": \(reasons.joined(separator: ", ")) (see `tabula import queue \(base)`)"))
            print("duplicates \(summary.duplicates)")
            if !summary.created.isEmpty { print("\(summary.dryRun ? "would create" : "created"): \(summary.created.joined(separator: ", "))") }
            if summary.dryRun { print("dry run: nothing was written") }
        }
    }
}

struct ImportQueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "queue", abstract: "List the rows of imports that did not match, with the reason.")

    @Argument(help: "The base file.") var base: String
    @Option(help: "table or json.") var format: OutputFormat = .table
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let rows = try TimeImport.queue(b)
            let columns = [ResultColumn(name: "id", type: .integer), ResultColumn(name: "file", type: .text), ResultColumn(name: "line", type: .integer),
                           ResultColumn(name: "reason", type: .text), ResultColumn(name: "raw", type: .text)]
            let table = ResultTable(columns: columns, rows: rows.map { [.integer($0.id), .text($0.file), .integer(Int64($0.line)), .text($0.reason), .text($0.raw)] })
            if format == .json || !rows.isEmpty {
                print(Renderer.render(table, as: format, context: b.schema.valueContext))
            } else {
                print("the import queue is empty")
            }
        }
    }
}

struct ImportResolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Import a queued row with what was missing (person=, client=, project=, task= name rows of the base), or retry them all with --all.")

    @Argument(help: "The base file.") var base: String
    @Argument(help: "The queued row's id (from `tabula import queue`).") var id: String?
    @Argument(help: "field=value pairs: person=NAME, project=NAME, task=TITLE, or a field of the entry.") var assignments: [String] = []
    @Flag(help: "Try every queued row again (after `map` rules or new rows).") var all = false
    @Flag(help: "Create the clients, projects and tasks the rows name and the base lacks.") var create = false
    @OptionGroup var actor: ActorOptions

    func validate() throws {
        if all && (id != nil) { throw ValidationError("give a queued row's id or --all, not both") }
        if !all && id == nil { throw ValidationError("give a queued row's id (see `tabula import queue BASE`), or --all") }
    }

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            if all {
                let result = try TimeImport.resolveAll(b, create: create)
                print("imported \(result.imported.count) queued row\(result.imported.count == 1 ? "" : "s"); \(result.stillQueued.count) still queued")
                return
            }
            guard let text = id, let row = RowID(text.hasPrefix("#") ? String(text.dropFirst()) : text) else {
                throw CLIError("'\(id ?? "")' is not a queued row's id", hint: "give the id `tabula import queue BASE` shows, e.g. 3")
            }
            let entry = try TimeImport.resolve(b, id: row, with: try parseAssignments(assignments), create: create)
            print("imported queued row #\(row) as TimeEntries #\(entry)")
        }
    }
}

struct ImportMap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Say what a name in import files means in this base; later imports and `resolve` use the rule.")

    @Argument(help: "The base file.") var base: String
    @Argument(help: "person, client, project or task.") var kind: TimeImport.RuleKind
    @Argument(help: "The name as the file writes it.") var name: String
    @Argument(help: "The row in the base: its name or #id.") var row: String
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let target = try TimeImport.map(b, kind: kind, name: name, to: row)
            print("\(kind.rawValue) '\(name)' in import files means \(target)")
        }
    }
}

struct ImportDrop: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drop", abstract: "Discard a queued row (importing its file again still skips it).")

    @Argument(help: "The base file.") var base: String
    @Argument(help: "The queued row's id.") var id: String
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            guard let row = RowID(id.hasPrefix("#") ? String(id.dropFirst()) : id) else {
                throw CLIError("'\(id)' is not a queued row's id", hint: "give the id `tabula import queue BASE` shows, e.g. 3")
            }
            let b = try openBase(base, actor)
            defer { b.close() }
            try TimeImport.drop(b, id: row)
            print("dropped queued row #\(row)")
        }
    }
}
