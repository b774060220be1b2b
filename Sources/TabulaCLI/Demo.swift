import ArgumentParser
import Foundation
import TabulaEngine
import TabulaIO
import TabulaREPL
import TabulaReports
import TabulaTimeTracking

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Build a time-tracking demo base (people, clients, projects, a month of entries), run a timer, and print the totals per client.")

    @Argument(help: "Where to write the demo base (default: a temporary file).") var base: String?
    @Flag(help: "Print every table of the demo base too.") var tables = false

    func run() throws {
        try runReportingErrors {
            let path = base ?? NSTemporaryDirectory() + "tabula-demo-\(ProcessInfo.processInfo.processIdentifier).db"
            if FileManager.default.fileExists(atPath: path) {
                throw CLIError("'\(path)' already exists", hint: "give a new file name")
            }
            let now: @Sendable () -> Instant = (try? clock()) ?? Base.systemClock
            let b = try DemoBase.build(at: path, actor: "demo", now: now)
            defer { b.close() }
            let context = b.schema.valueContext
            print("Demo base: \(path)")
            print(try DemoBase.summary(of: b) + "\n")
            let (started, stopped) = try DemoBase.runTimer(b)
            print("$ tabula timer start \(path) Tasks 'Login flow' --as anna")
            print(Wording.started(started, on: b))
            print("$ tabula timer stop \(path) Tasks 'Login flow' --as anna")
            print(Wording.stopped(stopped, on: b) + "\n")
            if tables {
                for table in b.schema.tables {
                    print("\(table.name)")
                    print(Renderer.render(try TableView.make(b, table: table, linksShown: 3), as: .table, context: context) + "\n")
                }
            }
            print("Totals per client")
            let clients = try b.table(named: "Clients")
            let view = try TableView.make(b, table: clients)
            let keep = ["name", "hours", "billable", "amount"]
            let indexes = keep.compactMap { name in view.columns.firstIndex { $0.name == name } }
            let totals = ResultTable(columns: indexes.map { view.columns[$0] }, rows: view.rows.map { row in indexes.map { row[$0] } })
            print(Renderer.render(totals, as: .table, context: context))
            print("\n$ tabula report \(path) week      # a saved report: this week's hours by person and project")
            print(Renderer.terminal(try ReportRunner.run(saved: "week", on: b).table, context: context))
            let lastMonth = TimeTracking.month(of: b.now(), zone: b.schema.timeZone, offset: -1)
            print("\nTry: tabula report \(path) --list, tabula timer status \(path) --everyone, tabula show \(path) Projects, tabula period close \(path) \(lastMonth)")
        }
    }
}
