import ArgumentParser
import Foundation
import Logging
import TabulaEngine
import TabulaIO
import TabulaServer
import TabulaBenchmarks

/// `tabula serve BASE`: the base as an HTTP API (and, later, a web table).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a base over HTTP: the REST API under /api/v1 (tokens from `tabula token create`).")

    @Argument(help: "The base file.") var base: String
    @Option(help: "The address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "The port (0: any free one, printed at start).") var port: Int = 8080
    @Option(name: .customLong("public-url"), help: "The https://... address users reach the server at, behind a proxy.") var publicURL: String?
    @Option(name: .customLong("rate-limit"), help: "At most N requests a minute per token (default: no limit); more get 429.") var rateLimit: Int?

    func run() async throws {
        do {
            try await Self.serve(base, host: host, port: port, publicURL: publicURL, rateLimit: rateLimit)
        } catch {
            try runReportingErrors { throw error }
        }
    }

    /// Checks the options, then serves the base until SIGTERM or SIGINT (`tabula serve`, and
    /// `tabula demo --serve`), printing the address once it listens.
    static func serve(_ base: String, host: String, port: Int, publicURL: String?, rateLimit: Int?) async throws {
        try check(port: port, publicURL: publicURL, rateLimit: rateLimit)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["TABULA_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
        TabulaServer.runTasksOnEventLoops()
        let server = try TabulaServer(.init(path: base, host: host, port: port, publicURL: publicURL, requestsPerMinute: rateLimit, now: try clock()))
        let deliverer = try WebhookDeliverer(.init(path: base, now: try clock()))
        let feeds = FeedDeliverer(path: base, now: try clock())
        try await server.run(services: [deliverer, feeds]) { port in
            FileHandle.standardOutput.write(Data("serving \(base) on http://\(host):\(port) (API: /api/v1, stop with Ctrl-C)\n".utf8))
        }
    }

    /// The options' own errors, before anything is opened.
    static func check(port: Int, publicURL: String?, rateLimit: Int?) throws {
        guard (0...65535).contains(port) else { throw CLIError("--port \(port) is not a port", hint: "give 1 to 65535, or 0 for any free port") }
        if let rateLimit, rateLimit < 1 { throw CLIError("--rate-limit must be at least 1 request a minute", hint: "leave it out for no limit") }
        if let publicURL, !(publicURL.hasPrefix("https://") || publicURL.hasPrefix("http://")) {
            throw CLIError("--public-url '\(publicURL)' is not an http(s) address", hint: "e.g. --public-url https://time.example.com")
        }
    }
}

/// `tabula token create|list|revoke`: API tokens, stored as hashes.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke API tokens and shared report links (each acts as one person; only a hash is stored).",
        subcommands: [TokenCreate.self, TokenList.self, TokenRevoke.self, TokenShare.self, TokenShares.self, TokenUnshare.self])
}

struct TokenCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Make a token for a person; it is printed once.")
    @Argument(help: "The base file.") var base: String
    @Option(help: "The person the token acts as (name, login or email).") var person: String
    @Option(help: "What the token is for, e.g. 'laptop script'.") var label: String?
    @Option(help: "A token that may only send a feed into this table (fed from outside), for another base: nothing else of the API.") var feed: String?
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let (id, token) = try APITokens.create(on: b, person: person, label: label, feed: feed)
            print("token \(id) for \(person): \(token)")
            printError("keep it now: it is not shown again (the base keeps only its hash); revoke it with `tabula token revoke \(base) \(id)`")
        }
    }
}

struct TokenList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The tokens: ids, people, labels, last use (never the tokens).")
    @Argument(help: "The base file.") var base: String
    @Option(help: "table, csv or json.") var format: OutputFormat = .table
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let columns = [("id", ValueType.integer), ("person", .text), ("label", .text), ("created", .datetime), ("last used", .datetime), ("revoked", .datetime)]
                .map { ResultColumn(name: $0.0, type: $0.1) }
            let rows: [[Value]] = try b.tokens.list().map { t in
                [.integer(t.id), .text(try b.tokens.personName(t.person) ?? "#\(t.person)"), t.label.map(Value.text) ?? .blank,
                 .datetime(t.created), t.lastUsed.map(Value.datetime) ?? .blank, t.revoked.map(Value.datetime) ?? .blank]
            }
            print(Renderer.render(ResultTable(columns: columns, rows: rows), as: format, context: b.schema.valueContext))
        }
    }
}

struct TokenRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token by its id: it stops working at once.")
    @Argument(help: "The base file.") var base: String
    @Argument(help: "The token's id (from `token list`).") var id: Int64
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            try b.tokens.revoke(id: id)
            print("token \(id) revoked")
        }
    }
}

struct TokenShare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "share",
        abstract: "Make a read-only link to one saved report, shown as the person may see it, to anyone who has it (at /shared/TOKEN of `tabula serve`).")
    @Argument(help: "The base file.") var base: String
    @Argument(help: "The saved report's name.") var report: String
    @Option(help: "The person whose view the link shows (name, login or email).") var person: String
    @Option(name: .customLong("for"), help: ArgumentHelp("Show this period instead of the report's own: 2026-11, last month.", valueName: "period")) var period: String?
    @Option(name: .customLong("filter"), help: ArgumentHelp("Only rows of NAME = VALUE (person, client, project, tag, category, status); repeat for more.", valueName: "name=value"))
    var filters: [String] = []
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let view = ReportView(report: report, period: period, filters: try filters.map { text in
                guard let eq = text.firstIndex(of: "="), !text[..<eq].isEmpty else {
                    throw CLIError("--filter '\(text)' is not NAME=VALUE", hint: "e.g. --filter client=Acme")
                }
                return ReportView.Filter(name: String(text[..<eq]).trimmingCharacters(in: .whitespaces), value: String(text[text.index(after: eq)...]))
            })
            let (id, token) = try ShareLinks.create(on: b, person: person, view)
            print("link \(id) to \(ShareLinks.describe(view)) as \(person): /shared/\(token)")
            printError("keep it now: it is not shown again (the base keeps only its hash); revoke it with `tabula token unshare \(base) \(id)`")
        }
    }
}

struct TokenShares: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "shares", abstract: "The shared report links: ids, reports, people, revoked (never the tokens).")
    @Argument(help: "The base file.") var base: String
    @Option(help: "table, csv or json.") var format: OutputFormat = .table
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let columns = [("id", ValueType.integer), ("report", .text), ("person", .text), ("created", .datetime), ("revoked", .datetime)]
                .map { ResultColumn(name: $0.0, type: $0.1) }
            let rows: [[Value]] = try b.reportShares.list().map { s in
                [.integer(s.id), .text(ShareLinks.describe(s.view)), .text(try b.tokens.personName(s.person) ?? "#\(s.person)"),
                 .datetime(s.created), s.revoked.map(Value.datetime) ?? .blank]
            }
            print(Renderer.render(ResultTable(columns: columns, rows: rows), as: format, context: b.schema.valueContext))
        }
    }
}

struct TokenUnshare: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unshare", abstract: "Revoke a shared report link by its id: it stops working at once.")
    @Argument(help: "The base file.") var base: String
    @Argument(help: "The link's id (from `token shares`).") var id: Int64
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            try b.reportShares.revoke(id: id)
            print("link \(id) revoked")
        }
    }
}

/// `tabula bench server`: requests per second and latency over real HTTP on loopback.
struct BenchServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "The server under C concurrent clients over loopback HTTP: timer writes alone, reads alone, and the mix; requests per second, p50 and p99.")

    @Option(help: "How many concurrent clients (each a person with a token and a task).") var clients = 50
    @Option(help: "How long each phase runs (writes alone, reads alone, the mix).") var seconds: Double = 20
    @Option(help: "Run only these phases (writes, reads, mixed), comma-separated.") var phases = "writes,reads,mixed"
    @Option(help: "Offer this many requests per second in all, each client on a fixed schedule (an open loop; latency counted from when a request was due). Default: each client calls again as soon as its answer came.")
    var rate: Double?
    @Option(help: "Run each phase this many seconds under the same load before counting its requests (a server's first requests prepare statements and fill caches).")
    var warmup: Double = 1

    func validate() throws {
        guard (1...1000).contains(clients) else { throw ValidationError("--clients must be 1 to 1000") }
        guard seconds > 0 && seconds <= 3600 else { throw ValidationError("--seconds must be more than 0 and at most 3600") }
        guard warmup >= 0 && warmup <= 600 else { throw ValidationError("--warmup must be 0 to 600 seconds") }
        if let rate, !(rate >= 1 && rate <= 1_000_000) { throw ValidationError("--rate must be 1 to 1000000 requests per second") }
        _ = try chosenPhases()
    }

    func chosenPhases() throws -> [ServerBenchmark.Phase] {
        let names = phases.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let chosen = try names.map { name in
            guard let phase = ServerBenchmark.Phase(rawValue: name) else {
                throw ValidationError("--phases: '\(name)' is not a phase; the phases are writes, reads, mixed")
            }
            return phase
        }
        guard !chosen.isEmpty else { throw ValidationError("--phases names no phase; the phases are writes, reads, mixed") }
        return chosen
    }

    func run() async throws {
        do {
            let result = try await ServerBenchmark.run(clients: clients, seconds: seconds, phases: try chosenPhases(), rate: rate, warmup: warmup) { printError($0) }
            ServerBenchmark.table(result).forEach { print($0) }
        } catch {
            try runReportingErrors { throw error }
        }
    }
}

/// `tabula bench grid`: the web table's first page of TimeEntries on a base of N entries.
struct BenchGrid: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grid",
        abstract: "The web table's TimeEntries grid on a base of N imported entries: its first page, sorted and filtered, timed over loopback HTTP.")

    @Option(help: "How many entries the base holds.") var entries = 1_000_000
    @Option(help: "Requests of each page.") var repetitions = 21

    func validate() throws {
        guard (1...10_000_000).contains(entries) else { throw ValidationError("--entries must be 1 to 10000000") }
        guard (1...10_000).contains(repetitions) else { throw ValidationError("--repetitions must be 1 to 10000") }
    }

    func run() async throws {
        do {
            let result = try await GridBenchmark.run(entries: entries, repetitions: repetitions) { printError($0) }
            GridBenchmark.table(result).forEach { print($0) }
        } catch {
            try runReportingErrors { throw error }
        }
    }
}
