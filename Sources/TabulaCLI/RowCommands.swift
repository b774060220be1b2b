import ArgumentParser
import Foundation
import TabulaEngine
import TabulaIO
import TabulaReports

struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add a row (field=value ...), or many rows from a CSV or JSON-lines file, in one transaction.")

    @Argument(help: "The base file.") var base: String
    @Argument(help: "The table.") var table: String
    @Argument(help: "field=value pairs.") var assignments: [String] = []
    @Option(help: "A CSV file with a header of field names, or a JSON-lines file (.jsonl/.ndjson/.json).") var file: String?
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            if let file {
                guard assignments.isEmpty else { throw CLIError("give either field=value pairs or --file, not both") }
                let (rows, labels) = try RowFile.read(file)
                let target = try b.table(named: table)
                if RowFile.isJSONLines(file) {
                    for (row, label) in zip(rows, labels) { try RowFile.checkColumns(row.map(\.field), of: target, at: label) }
                } else if let first = rows.first {
                    // The header is line 1: a column no field takes is its mistake, not the first row's.
                    try RowFile.checkColumns(first.map(\.field), of: target, at: "\(file):1")
                }
                let ids = try b.write { try $0.insert(into: table, rows: rows, labels: labels) }.value
                print("added \(ids.count) row\(ids.count == 1 ? "" : "s") to \(table)")
            } else {
                let ids = try b.write { try $0.insert(into: table, rows: [try parseAssignments(assignments)]) }.value
                print("#\(ids[0])")
            }
        }
    }
}

struct SetRow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set", abstract: "Change fields of a row (ROW is #id or the primary value).")

    @Argument(help: "The base file.") var base: String
    @Argument(help: "The table.") var table: String
    @Argument(help: "The row: #id or its primary value.") var row: String
    @Argument(help: "field=value pairs.") var assignments: [String]
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let id = try b.write { try $0.update(table, row: row, try parseAssignments(assignments)) }.value
            print("#\(id)")
        }
    }
}

struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Delete a row (ROW is #id or the primary value).")

    @Argument(help: "The base file.") var base: String
    @Argument(help: "The table.") var table: String
    @Argument(help: "The row: #id or its primary value.") var row: String
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let id = try b.write { try $0.delete(table, row: row) }.value
            print("deleted #\(id)")
        }
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a table's rows, or without TABLE the tables and their fields.")

    @Argument(help: "The base file.") var base: String
    @Argument(help: "The table.") var table: String?
    @Option(help: "table, csv or json.") var format: OutputFormat = .table
    @Option(name: .customLong("where"), help: "Only rows for which this formula is true, e.g. 'hours > 10h'.") var condition: String?
    @Flag(help: "Show every linked row of a multiple link (the terminal table shows the first three and the count).") var full = false
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            guard let table else {
                if condition != nil { throw CLIError("--where needs a TABLE") }
                print(Renderer.render(TableView.schemaSummary(b.schema), as: format, context: b.schema.valueContext))
                return
            }
            let t = try b.table(named: table)
            let view = try TableView.make(b, table: t, where: condition, linksShown: format == .table && !full ? 3 : nil)
            let text = Renderer.render(view, as: format, context: b.schema.valueContext)
            if format == .csv { FileHandle.standardOutput.write(Data(text.utf8)) } else { print(text) }
        }
    }
}

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the audit history: who wrote what, when.")

    @Argument(help: "The base file.") var base: String
    @Argument(help: "Only this table.") var table: String?
    @Argument(help: "Only this row (#id or primary value).") var row: String?
    @Option(help: "table, csv or json.") var format: OutputFormat = .table
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let t = try table.map { try b.table(named: $0) }
            var rowID: RowID?
            if let row, let t {
                rowID = (try? b.resolveRow(row, in: t)) ?? (row.hasPrefix("#") ? RowID(row.dropFirst()) : nil)
                if rowID == nil { _ = try b.resolveRow(row, in: t) }
            }
            let entries = try b.audit.entries(table: t, row: rowID)
            if let row, let t, entries.isEmpty {
                // A deleted row keeps its history; a row that never was has none: say so.
                throw EngineError(.notFound, "table \(t.name) has no row \(row) and no history of one", remedy: .listRows(table: t.name))
            }
            let columns = ["at", "actor", "action", "table", "row", "field", "old", "new", "note"].map { ResultColumn(name: $0, type: $0 == "at" ? .datetime : .text) }
            let rows: [[Value]] = entries.map { e in
                [.datetime(e.at), .text(e.actor), .text(e.action), e.table.map(Value.text) ?? .blank,
                 e.row.map { .text("#\($0)") } ?? .blank, e.field.map(Value.text) ?? .blank,
                 e.oldValue.map(Value.text) ?? .blank, e.newValue.map(Value.text) ?? .blank, e.note.map(Value.text) ?? .blank]
            }
            print(Renderer.render(ResultTable(columns: columns, rows: rows), as: format, context: b.schema.valueContext))
        }
    }
}
