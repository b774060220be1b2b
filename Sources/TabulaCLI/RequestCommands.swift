import ArgumentParser
import Foundation
import TabulaEngine
import TabulaIO
import TabulaReports

/// `tabula request BASE TABLE ROW field=value... --reason TEXT`, and `request list|approve|reject`.
struct RequestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request",
        abstract: "Ask for a change to a locked row; an approver approves or rejects it.",
        subcommands: [RequestCreate.self, RequestList.self, RequestApprove.self, RequestReject.self],
        defaultSubcommand: RequestCreate.self)
}

struct RequestCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "File an edit request (the default: tabula request BASE TABLE ROW field=value --reason TEXT).")
    @Argument(help: "The base file.") var base: String
    @Argument(help: "The table.") var table: String
    @Argument(help: "The row: #id or its primary value.") var row: String
    @Argument(help: "field=value pairs.") var assignments: [String] = []
    @Option(help: "Why the change is needed.") var reason: String
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let r = try b.write { try $0.requestEdit(table: table, row: row, try parseAssignments(assignments), reason: reason) }.value
            print("request #\(r.id): \(r.table) #\(r.row) \(r.changesText), pending approval")
        }
    }
}

struct RequestList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The pending edit requests (--all: decided ones too).")
    @Argument(help: "The base file.") var base: String
    @Flag(help: "Decided requests too.") var all = false
    @Option(help: "table, csv or json.") var format: OutputFormat = .table
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let columns = ["id", "at", "by", "table", "row", "changes", "reason", "state", "decided by"].map { ResultColumn(name: $0, type: $0 == "at" ? .datetime : .text) }
            let rows: [[Value]] = try b.requests.list(all: all).map { r in
                [.text("#\(r.id)"), .datetime(r.at), .text(r.requestedBy), .text(r.table), .text("#\(r.row)"), .text(r.changesText),
                 .text(r.reason), .text(r.state.rawValue), r.decidedBy.map(Value.text) ?? .blank]
            }
            print(Renderer.render(ResultTable(columns: columns, rows: rows), as: format, context: b.schema.valueContext))
        }
    }
}

struct RequestDecision: ParsableArguments {
    @Argument(help: "The base file.") var base: String
    @Argument(help: "The request id, e.g. 3 or #3.") var id: String
    @Option(help: "A note on the decision.") var note: String?
    @OptionGroup var actor: ActorOptions

    var requestID: Int64 {
        get throws {
            guard let n = Int64(id.hasPrefix("#") ? String(id.dropFirst()) : id) else {
                throw CLIError("'\(id)' is not a request id", hint: "give the number that `tabula request list BASE` shows, e.g. 3")
            }
            return n
        }
    }
}

struct RequestApprove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve an edit request and apply it despite the lock.")
    @OptionGroup var decision: RequestDecision

    func run() throws {
        try runReportingErrors {
            let b = try openBase(decision.base, decision.actor)
            defer { b.close() }
            let r = try b.write { try $0.approveEdit(try decision.requestID, note: decision.note) }.value
            print("request #\(r.id) approved by \(b.actor): \(r.table) #\(r.row) \(r.changesText)")
        }
    }
}

struct RequestReject: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reject", abstract: "Reject an edit request.")
    @OptionGroup var decision: RequestDecision

    func run() throws {
        try runReportingErrors {
            let b = try openBase(decision.base, decision.actor)
            defer { b.close() }
            let r = try b.write { try $0.rejectEdit(try decision.requestID, note: decision.note) }.value
            print("request #\(r.id) rejected by \(b.actor)")
        }
    }
}
