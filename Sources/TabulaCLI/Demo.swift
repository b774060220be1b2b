import ArgumentParser
import Foundation
import TabulaEngine
import TabulaIO
import TabulaREPL
import TabulaReports
import TabulaServer
import TabulaTimeTracking

#if canImport(Glibc)
import Glibc
#endif

/// `tabula demo [BASE] [--serve]`: the demo base, printed, and with --serve opened as the web table.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build a time-tracking demo base (people, clients, projects, a month of entries), run a timer, and print the totals per client; --serve opens it as the web table.",
        discussion: "With --serve every person of the demo base gets the web password '\(Demo.password)' (printed; a demo base only) and the base is served as `tabula serve` serves it, until Ctrl-C.")

    /// The web password `--serve` gives every person of the demo base: documented, so it is for a demo only.
    static let password = "tabula-demo"

    @Argument(help: "Where to write the demo base (default: a temporary file).") var base: String?
    @Flag(help: "Print every table of the demo base too.") var tables = false
    @Flag(help: "Then serve the demo base as the web table (sign in with the printed demo password).") var serve = false
    @Option(help: "With --serve: the address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "With --serve: the port (0: any free one, printed at start).") var port: Int = 8080

    func run() async throws {
        do {
            if serve { try Serve.check(port: port, publicURL: nil, rateLimit: nil) }
            let path = try build()
            guard serve else { return }
            fflush(nil)  // the demo's printed lines before the server's first one
            try await Serve.serve(path, host: host, port: port, publicURL: nil, rateLimit: nil)
        } catch {
            try runReportingErrors { throw error }
        }
    }

    /// Builds and prints the demo base (with --serve, also sets its people's web passwords); returns its path.
    func build() throws -> String {
        var built = ""
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
            if serve { try setDemoPasswords(b) }
            built = path
        }
        return built
    }

    /// Gives every person of the demo base the demo password, and says so.
    func setDemoPasswords(_ b: Base) throws {
        let people = try b.table(named: "People")
        let view = try TableView.make(b, table: people)
        guard let name = view.columns.firstIndex(where: { $0.name == "name" }), let role = view.columns.firstIndex(where: { $0.name == "role" }) else { return }
        var who: [String] = []
        for row in view.rows {
            guard case .text(let person) = row[name] else { continue }
            try WebPasswords.set(on: b, person: person, password: Self.password)
            if case .text(let r) = row[role] { who.append("\(person) (\(r))") } else { who.append(person) }
        }
        print("\nWeb table: sign in as \(who.joined(separator: ", ")) with the password '\(Self.password)'.")
        print("That password is public: it is set on this demo base only; a real base's people set their own with `tabula user password`.")
        if !["127.0.0.1", "localhost", "::1"].contains(host) {
            print("warning: --host \(host) lets other machines reach this demo base, and its password is public")
        }
    }
}
