import ArgumentParser
import Foundation
import TabulaEngine
import TabulaIO
import TabulaLanguage
import TabulaReports
import TabulaTimeTracking

/// The formats a report is written in.
enum ReportFormat: String, CaseIterable, ExpressibleByArgument {
    case table, csv, json, xlsx
}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a report query, or a report saved in the schema.",
        discussion: """
            QUERY is a report query, e.g. 'sum(duration) as hours by person per week for 2026-11',
            or the name of a saved report (report NAME = QUERY in the schema). See Docs/reports.md.
            Errors exit with 1 and say where the query is wrong; an empty result is an empty table.
            """)

    @Argument(help: "The base file.") var base: String
    @Argument(help: "A report query, or the name of a saved report.") var query: String?
    @Option(help: "table, csv, json or xlsx (xlsx needs --out).") var format: ReportFormat = .table
    @Option(help: "Write the report to this file instead of standard output.") var out: String?
    @Option(name: .customLong("for"), help: ArgumentHelp("Run for this period instead of the saved report's own: 2026-11, 2026-W47, 2026-Q4, 2026-11-16..2026-11-22, last month.", valueName: "period"))
    var period: String?
    @Option(help: ArgumentHelp("The saved report missing per day (default), week or month instead.", valueName: "unit"))
    var per: String?
    @Flag(help: "List the saved reports.") var list = false
    @Flag(help: "Print the SQL the report runs, after the report.") var sql = false
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let context = b.schema.valueContext
            if list {
                guard query == nil else { throw CLIError("give either --list or a query, not both") }
                let rows = b.schema.reports.map { [Value.text($0.name), .text($0.query.split(whereSeparator: \.isNewline)
                    .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " "))] }
                let table = ResultTable(columns: [ResultColumn(name: "report", type: .text), ResultColumn(name: "query", type: .text)], rows: rows)
                try write(format == .xlsx ? Renderer.render(table, as: .table, context: context) : render(table, context: context))
                return
            }
            guard let query, !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw CLIError("missing the query", hint: "tabula report \(base) 'sum(duration) by person for this month', a saved report's name, or --list")
            }
            if format == .xlsx && out == nil {
                throw CLIError("xlsx is a binary file: give it a file name", hint: "add --out report.xlsx")
            }
            let unit = try per.map { text -> ReportUnit in
                guard let unit = ReportUnit(rawValue: text.lowercased()) else {
                    throw CLIError("--per '\(text)' is not a unit", hint: "give day, week, month, quarter or year, e.g. --per week")
                }
                return unit
            }
            let output: ReportOutput
            if let name = Self.savedName(query) {
                output = try PackageReports.run(saved: name, on: b, for: try period.map { try ReportParser.parsePeriod(SourceText(name: "--for", text: $0)) },
                                                per: unit)
            } else if per != nil {
                throw CLIError("--per regroups the saved report missing; a query says its own buckets",
                               hint: "write them in the query: ... by person per \(per!)")
            } else if period != nil {
                throw CLIError("--for replaces a saved report's period; a query says its own",
                               hint: "write the period in the query: ... for \(period!)")
            } else {
                output = try ReportRunner.run(SourceText(name: "<query>", text: query), on: b)
            }
            if format == .xlsx {
                let data = try XLSXWriter.workbook(output.table, sheet: "Report", context: context)
                try writeData(data)
            } else {
                try write(render(output.table, context: context))
            }
            if sql { print(output.statements.joined(separator: ";\n") + ";") }
        }
    }

    /// A query that is one name (`hours_by_client`, `{weekly hours}`) names a saved report.
    static func savedName(_ query: String) -> String? {
        let (tokens, diagnostics) = Lexer.tokenize(SourceText(name: "<query>", text: query))
        guard diagnostics.isEmpty, tokens.count == 2, tokens[0].isName else { return nil }
        return tokens[0].text
    }

    func render(_ table: ResultTable, context: ValueContext) -> String {
        switch format {
        case .csv: return Renderer.csv(table, context: context)
        case .json: return Renderer.json(table, context: context) + "\n"
        case .table, .xlsx: return Renderer.terminal(table, context: context) + "\n"
        }
    }

    func write(_ text: String) throws {
        if out != nil { try writeData(Data(text.utf8)) } else { print(text, terminator: "") }
    }

    func writeData(_ data: Data) throws {
        guard let out else { FileHandle.standardOutput.write(data); return }
        do {
            try data.write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            throw CLIError("cannot write '\(out)': \(error.localizedDescription)", hint: "check that the folder exists and is writable")
        }
    }
}
