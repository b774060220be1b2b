import ArgumentParser
import Foundation
import TabulaEngine
import TabulaIO
import TabulaLanguage
import TabulaReports
import TabulaTimeTracking

/// `tabula audit BASE --period 2026-11`: the log's doubtful entries, each named.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List the entries of a period that overlap, run long, lack a required note, ran over midnight, sit on inactive projects, or were entered by hand.")
    @Argument(help: "The base file.") var base: String
    @Option(help: ArgumentHelp("The period: 2026-11 (default: this month), 2026-W47, last month.", valueName: "period")) var period: String?
    @Option(help: "Only these findings, e.g. overlap,long (of overlap, long, no_note, over_midnight, inactive_project, manual).") var only: String?
    @Option(help: "table, csv or json.") var format: OutputFormat = .table
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let kinds = ["overlap", "long", "no_note", "over_midnight", "inactive_project", "manual"]
            let wanted = only.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            if let bad = wanted?.first(where: { !kinds.contains($0) }) {
                throw CLIError("--only: '\(bad)' is not a finding", hint: "the findings are: \(kinds.joined(separator: ", "))")
            }
            let b = try openBase(base, actor)
            defer { b.close() }
            var output = try PackageReports.run(saved: "audit", on: b, for: try period.map { try ReportParser.parsePeriod(SourceText(name: "--period", text: $0)) })
            if let wanted, let column = output.table.columns.firstIndex(where: { $0.name == "finding" }) {
                output.table.rows = output.table.rows.filter { wanted.contains(plainText($0[column])) }
            }
            let text = Renderer.render(output.table, as: format, context: b.schema.valueContext)
            if format == .csv { FileHandle.standardOutput.write(Data(text.utf8)) } else { print(text) }
        }
    }
}

private func plainText(_ value: Value) -> String { if case .text(let t) = value { return t } else { return "" } }
