import ArgumentParser
import Foundation
import Logging
import TabulaEngine
import TabulaIO
import TabulaServer
import TabulaTimeTracking

/// `tabula webhook add|list|remove|deliveries|deliver`: signed webhooks from the base's outbox.
struct WebhookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook",
        abstract: "Send signed webhooks (period.approved, timer.started, ...) to other systems; `tabula serve` delivers them.",
        subcommands: [WebhookAdd.self, WebhookList.self, WebhookRemove.self, WebhookDeliveries.self, WebhookDeliver.self])
}

struct WebhookAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add an endpoint that receives events of the given types.")
    @Argument(help: "The base file.") var base: String
    @Argument(help: "The receiver's http(s) URL.") var url: String
    @Option(help: "An event type to send: \(WebhookEvents.all.joined(separator: ", ")) (repeat it for more).") var event: [String] = []
    @Option(help: "The signing secret, whsec_ and base64 (made for you when left out, and printed once).") var secret: String?
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let endpoint = try WebhookSetup.add(on: b, url: url, events: event, secret: secret)
            print("webhook \(endpoint.id): \(endpoint.url) for \(endpoint.events.joined(separator: ", "))")
            if secret == nil {
                print("secret: \(endpoint.secret)")
                printError("keep the secret now: the receiver checks signatures with it, and it is not shown again")
            }
        }
    }
}

struct WebhookList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The endpoints: ids, URLs, events, whether they are live (never the secrets).")
    @Argument(help: "The base file.") var base: String
    @Option(help: "table, csv or json.") var format: OutputFormat = .table
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let columns = [("id", ValueType.integer), ("url", .text), ("events", .text), ("created", .datetime), ("state", .text)]
                .map { ResultColumn(name: $0.0, type: $0.1) }
            let rows: [[Value]] = try b.webhooks.list().map { e in
                [.integer(e.id), .text(e.url), .text(e.events.joined(separator: ", ")), .datetime(e.created),
                 .text(e.disabled == nil ? "live" : "disabled (\(e.disabledReason ?? "by hand"))")]
            }
            print(Renderer.render(ResultTable(columns: columns, rows: rows), as: format, context: b.schema.valueContext))
        }
    }
}

struct WebhookRemove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove an endpoint by its id; what it has not received yet is dropped.")
    @Argument(help: "The base file.") var base: String
    @Argument(help: "The endpoint's id (from `webhook list`).") var id: Int64
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            try b.webhooks.remove(id: id)
            print("webhook \(id) removed")
        }
    }
}

struct WebhookDeliveries: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deliveries", abstract: "The latest deliveries: event, endpoint, attempts, last status, next attempt.")
    @Argument(help: "The base file.") var base: String
    @Option(help: "How many, newest last.") var limit: Int = 50
    @Option(help: "table, csv or json.") var format: OutputFormat = .table
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let columns = [("event", ValueType.text), ("type", .text), ("webhook", .integer), ("state", .text), ("attempts", .integer),
                           ("status", .integer), ("last attempt", .datetime), ("next attempt", .datetime), ("error", .text)]
                .map { ResultColumn(name: $0.0, type: $0.1) }
            let rows: [[Value]] = try b.webhooks.deliveries(limit: max(1, limit)).map { d in
                [.text(d.eventID), .text(d.type), .integer(d.endpoint), .text(d.state.rawValue), .integer(Int64(d.attempts)),
                 d.status.map { .integer(Int64($0)) } ?? .blank, d.lastAttempt.map(Value.datetime) ?? .blank,
                 d.nextAttempt.map(Value.datetime) ?? .blank, d.error.map(Value.text) ?? .blank]
            }
            print(Renderer.render(ResultTable(columns: columns, rows: rows), as: format, context: b.schema.valueContext))
        }
    }
}

struct WebhookDeliver: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deliver",
                                                    abstract: "Deliver the events due now, without the server, and exit (failures are tried again later).")
    @Argument(help: "The base file.") var base: String

    func run() async throws {
        do {
            let b = try Base.open(at: base, actor: "webhooks", now: try clock())
            let context = b.schema.valueContext
            b.close()
            // This command prints each attempt itself.
            let deliverer = try WebhookDeliverer(.init(path: base, now: try clock()),
                                                 logger: Logger(label: "tabula.webhooks", factory: { _ in SwiftLogNoOpLogHandler() }))
            let attempts: [WebhookDeliverer.Attempt]
            do { attempts = try await deliverer.deliverPending() } catch {
                await deliverer.close()
                throw error
            }
            let next = try await deliverer.nextDue()
            await deliverer.close()
            for a in attempts {
                let what: String
                switch a.outcome {
                case .delivered(let status): what = "delivered (\(status))"
                case .gone: what = "410 Gone: webhook \(a.endpoint) is disabled"
                case .failed(let status, let error, let retryAt):
                    what = "failed (\(status.map { "status \($0)" } ?? error)), next attempt \(ValueType.datetime.format(.datetime(retryAt), context: context))"
                }
                print("\(a.eventID) \(a.type) to webhook \(a.endpoint): \(what)")
            }
            let delivered = attempts.filter { if case .delivered = $0.outcome { return true } else { return false } }.count
            print("\(delivered) of \(attempts.count) deliver\(attempts.count == 1 ? "y" : "ies") done"
                  + (next.map { "; the next pending one is due \(ValueType.datetime.format(.datetime($0), context: context))" } ?? "; nothing pending"))
            if delivered < attempts.count { throw ExitCode(1) }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            try runReportingErrors { throw error }
        }
    }
}
