import ArgumentParser
import Foundation
import TabulaEngine
import TabulaIO
import TabulaTimeTracking

extension ExportTemplate: ExpressibleByArgument {}
extension InvoiceGrouping: ExpressibleByArgument {}
extension HourRounding.Scope: ExpressibleByArgument {}
extension HourRounding.Direction: ExpressibleByArgument {}

/// The file formats of `tabula export`, and `json` for its summary on standard output.
enum ExportOutputFormat: String, CaseIterable, ExpressibleByArgument {
    case csv, xlsx, json
}

/// Options of the rounding at export.
struct RoundingOptions: ParsableArguments {
    @Option(help: "What is rounded: nothing, each entry, each person's day on a line, or each line's total.")
    var round: HourRounding.Scope = .none
    @Option(help: ArgumentHelp("The rounding step, e.g. 15m, 6m, 1h.", valueName: "duration")) var to: String = "15m"
    @Option(help: "To the nearest step or up.") var rounding: HourRounding.Direction = .nearest

    func resolved() throws -> HourRounding {
        guard case .duration(let seconds) = try? ValueType.duration.parse(to, context: ValueContext()), seconds > 0 else {
            throw CLIError("--to '\(to)' is not a positive duration", hint: "write it as 15m, 6m, 30m or 1h")
        }
        return HourRounding(scope: round, step: seconds, direction: rounding)
    }
}

/// `tabula export BASE --period 2026-11 --template ...`: an approved month in accounting's shape.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export an approved month's billable hours for accounting (csv, 1C, SAP CATS, SAP S/4HANA timesheet); needs the finance or lead role.",
        discussion: """
            Only an approved month is exported (--draft exports an open or closed one, saying DRAFT in the file's name and \
            first line). --mark-billed sets the exported entries billed in the same transaction as the file is written; \
            later exports leave billed entries out unless --include-billed. The summary goes to standard error \
            (--format json prints it to standard output, with the file written as --out's extension says).
            """)

    @Argument(help: "The base file.") var base: String
    @Option(help: ArgumentHelp("The month, e.g. 2026-11.", valueName: "month")) var period: String
    @Option(help: "The accounting system's layout.") var template: ExportTemplate
    @Option(help: "csv or xlsx (default: from --out's extension, else csv); json prints the summary as JSON.") var format: ExportOutputFormat?
    @Option(help: "The file to write (default: standard output, for csv).") var out: String?
    @Option(help: "Only this client's entries.") var client: String?
    @Option(help: "Only this project's entries.") var project: String?
    @OptionGroup var rounding: RoundingOptions
    @Flag(help: "Export entries billed before, too.") var includeBilled = false
    @Flag(help: "Mark the exported entries billed (needs --out).") var markBilled = false
    @Flag(help: "Export a month that is not approved yet, as a DRAFT.") var draft = false
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let fileFormat: ExportFormat
            switch format {
            case .csv?: fileFormat = .csv
            case .xlsx?: fileFormat = .xlsx
            case .json?, nil:
                if format == .json && out == nil {
                    throw CLIError("--format json prints the summary, so the file needs --out", hint: "add --out FILE.csv or --out FILE.xlsx")
                }
                fileFormat = out.map { URL(fileURLWithPath: $0).pathExtension.lowercased() == "xlsx" } == true ? .xlsx : .csv
            }
            if fileFormat == .xlsx && out == nil {
                throw CLIError("xlsx is a binary file: give it a file name", hint: "add --out export.xlsx")
            }
            let b = try openBase(base, actor)
            defer { b.close() }
            let request = ExportRequest(month: period, template: template, format: fileFormat, output: out, client: client, project: project,
                                        rounding: try rounding.resolved(), includeBilled: includeBilled, markBilled: markBilled, draft: draft)
            let (summary, data) = try BillingExport.run(b, request)
            if let data { FileHandle.standardOutput.write(data) }
            if format == .json { print(summary.json) } else { printError(summary.text) }
        }
    }
}

/// The formats of `tabula invoice`.
enum InvoiceFormat: String, CaseIterable, ExpressibleByArgument {
    case table, json, xlsx, html
}

/// `tabula invoice BASE --period 2026-11 --client Acme`: a client's invoice, or its fee preview.
struct InvoiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoice",
        abstract: "A client's invoice for a month: hours at their rates, fixed prices, fees, VAT; --preview for a month still open. Needs the finance or lead role.",
        discussion: "The hours are rounded as tabula export rounds them (--round, --to, --rounding), so an invoice and the export it goes with agree.")

    @Argument(help: "The base file.") var base: String
    @Option(help: ArgumentHelp("The month, e.g. 2026-11.", valueName: "month")) var period: String
    @Option(help: "The client.") var client: String
    @Option(help: "What each time-and-materials line is.") var by: InvoiceGrouping = .project
    @Option(help: "The output (xlsx needs --out).") var format: InvoiceFormat = .table
    @Option(help: "Write to this file instead of standard output.") var out: String?
    @Flag(help: "The fee so far of a month not approved yet (says PREVIEW).") var preview = false
    @OptionGroup var rounding: RoundingOptions
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            if format == .xlsx && out == nil { throw CLIError("xlsx is a binary file: give it a file name", hint: "add --out invoice.xlsx") }
            let b = try openBase(base, actor)
            defer { b.close() }
            let invoice = try Invoicing.make(b, month: period, client: client, by: by, preview: preview, rounding: try rounding.resolved())
            let data: Data
            switch format {
            case .table: data = Data((invoice.table(context: b.schema.valueContext) + "\n").utf8)
            case .json: data = Data((invoice.json + "\n").utf8)
            case .html: data = Data(invoice.html.utf8)
            case .xlsx: data = try invoice.workbook()
            }
            if let out {
                guard FileManager.default.createFile(atPath: out, contents: data) else { throw CLIError("cannot write '\(out)'", hint: "check the folder") }
                printError("wrote \(invoice.title) to \(out): \(invoice.lines.count) line\(invoice.lines.count == 1 ? "" : "s"), total \(invoice.total)")
            } else {
                FileHandle.standardOutput.write(data)
            }
        }
    }
}
