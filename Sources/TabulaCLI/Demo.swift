import ArgumentParser
import Foundation
import TabulaEngine
import TabulaReports
import TabulaTimeTracking

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Build a demo base from Samples/ with sample data and show it.")

    @Argument(help: "Where to write the demo base (default: a temporary file).") var base: String?

    func run() throws {
        try runReportingErrors {
            let path = base ?? NSTemporaryDirectory() + "tabula-demo-\(ProcessInfo.processInfo.processIdentifier).tabula"
            if FileManager.default.fileExists(atPath: path) {
                throw CLIError("'\(path)' already exists", hint: "give a new file name")
            }
            let now: @Sendable () -> Instant = (try? clock()) ?? Base.systemClock
            let b = try DemoBase.build(at: path, actor: "demo", now: now)
            defer { b.close() }
            print("Demo base: \(path)\n")
            print(Renderer.render(TableView.schemaSummary(b.schema), as: .table, context: b.schema.valueContext))
            for table in b.schema.tables {
                print("\n\(table.name)")
                print(Renderer.render(try TableView.make(b, table: table), as: .table, context: b.schema.valueContext))
            }
            print("\nTry: tabula show \(path) Clients --format json")
        }
    }
}
