import Foundation
import Hummingbird
import TabulaEngine
import TabulaReports

/// Making shared report links: a link's token is as random as an API token but starts `shr_`,
/// and the base keeps only its SHA-256, as for API tokens. A link's token is never an API token:
/// the API looks tokens up among API tokens only, so a link opens its one report and nothing else.
public enum ShareLinks {
    /// A new link token.
    public static func generate() -> String { "shr_" + APITokens.generate().dropFirst(4) }

    /// Shares a report view as the person of that name (or login, or email): the link shows the
    /// report as they may see it. Returns the link's id and token (shown once, never stored).
    public static func create(on base: Base, person name: String, _ view: ReportView) throws -> (id: Int64, token: String) {
        let actor = base.actor
        base.actor = name
        defer { base.actor = actor }
        guard let person = try base.actingPerson() else {
            throw EngineError(.notFound, "'\(name)' is not one of the people of this base", hint: "give a person's name, login or email")
        }
        // The view must run now (the report exists, the period and filters fit it).
        _ = try ReportRequest(view: view).run(on: base)
        let token = generate()
        let id = try base.reportShares.create(person: person, view, hash: APITokens.hash(token))
        return (id, token)
    }

    /// How a view reads in a listing: `week for last week, client = Acme`.
    public static func describe(_ view: ReportView) -> String {
        var parts = [view.report + (view.period.map { " for \($0)" } ?? "")]
        parts += view.filters.map { "\($0.name) = \($0.value)" }
        return parts.joined(separator: ", ")
    }
}

extension API {
    static func viewJSON(_ view: ReportView) -> [(key: String, value: JSONValue)] {
        [("report", .string(view.report)), ("for", view.period.map(JSONValue.string) ?? .null),
         ("filters", .object(view.filters.map { ($0.name, .string($0.value)) }))]
    }

    static func id(_ text: String, _ what: String) throws -> Int64 {
        guard let id = Int64(text), id > 0 else { throw APIError.notFound("'\(text)' is not the id of a \(what)") }
        return id
    }

    // MARK: - Pins: the reports on a person's start page

    func pins(_ caller: Caller) async throws -> Reply {
        try await host.read(as: caller.name) { base in
            let list = try base.reportPins.list(person: caller.person)
            return .json(.object([("pins", .array(list.map { .object([("id", .integer($0.id))] + Self.viewJSON($0.view)) }))]))
        }
    }

    func pin(_ caller: Caller, _ view: ReportView) async throws -> Reply {
        // The view must run for the caller before it is pinned (report, period and filters fit).
        _ = try await host.read(as: caller.name) { base in try ReportRequest(view: view).run(on: base).table.columns.count }
        return try await host.write(as: caller.name) { base in
            let pin = try base.reportPins.pin(person: caller.person, view)
            return .json(.object([("id", .integer(pin.id))] + Self.viewJSON(pin.view)), .created)
        }
    }

    func unpin(_ caller: Caller, _ idText: String) async throws -> Reply {
        let id = try Self.id(idText, "pin")
        return try await host.write(as: caller.name) { base in
            try base.reportPins.unpin(person: caller.person, id: id)
            return .noContent
        }
    }

    // MARK: - Shared links

    static func shareJSON(_ s: ReportShare) -> JSONValue {
        .object([("id", .integer(s.id))] + viewJSON(s.view) + [("created", .string(s.created.iso8601(in: "UTC"))),
                 ("revoked", s.revoked.map { .string($0.iso8601(in: "UTC")) } ?? .null)])
    }

    func shares(_ caller: Caller) async throws -> Reply {
        try await host.read(as: caller.name) { base in
            .json(.object([("shares", .array(try base.reportShares.list(person: caller.person).map(Self.shareJSON)))]))
        }
    }

    func share(_ caller: Caller, _ view: ReportView) async throws -> Reply {
        try await host.write(as: caller.name) { base in
            let (id, token) = try ShareLinks.create(on: base, person: caller.name, view)
            return .json(.object([("id", .integer(id))] + Self.viewJSON(view) + [("token", .string(token)), ("url", .string("/shared/" + token))]), .created)
        }
    }

    func unshare(_ caller: Caller, _ idText: String) async throws -> Reply {
        let id = try Self.id(idText, "shared link")
        return try await host.write(as: caller.name) { base in
            try base.reportShares.revoke(id: id, person: caller.person)
            return .noContent
        }
    }
}
