import Foundation
import Hummingbird
import TabulaEngine
import TabulaTimeTracking

/// Routes the web table's finance and activity parts call (scripts may call them too): who I
/// am, billing exports as files, and activity intervals.
extension API {
    func registerWebTable(on api: RouterGroup<BasicRequestContext>) {
        api.get("me") { r, c in await handle(r, c) { caller, _, _ in try await me(caller) } }
        api.get("exports/:template") { r, c in
            let template = c.parameters.get("template") ?? ""
            return await handle(r, c) { caller, request, _ in try await export(caller, template, Self.query(request, allowing: ["period", "format", "draft", "client", "project"])) }
        }
        api.post("activity") { r, c in await handle(r, c) { caller, _, body in try await recordActivity(caller, try JSONBody(body, allowed: ["entry", "start", "active", "idle"])) } }
    }

    /// The caller: name, roles, and whether their team records activity (the page shows its
    /// indicator and records only then).
    func me(_ caller: Caller) async throws -> Reply {
        try await host.read(as: caller.name) { base in
            let roles = try base.actorRoles()
            let activity = try ActivityRecording.setting(base)
            let exports = roles.contains { BillingExport.roles.contains($0.lowercased()) }
            return .json(.object([("name", .string(caller.name)), ("roles", .array(roles.map(JSONValue.string))),
                                  ("activity", .string(activity.rawValue)), ("exports", .bool(exports))]))
        }
    }

    /// `GET /exports/{template}?period=2026-11&format=csv|xlsx[&draft=true][&client=..][&project=..]`:
    /// the month in accounting's shape, as `tabula export` writes it (finance or a lead; an
    /// approved month unless a draft is asked for). Nothing is marked billed from here.
    func export(_ caller: Caller, _ templateName: String, _ query: [String: String]) async throws -> Reply {
        guard let template = ExportTemplate(rawValue: templateName.lowercased()) else {
            throw APIError.notFound("there is no export template '\(templateName)'",
                                    hint: "the templates: " + ExportTemplate.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let period = query["period"], !period.isEmpty else {
            throw APIError.badRequest("missing period", hint: "e.g. ?period=2026-11")
        }
        let formatName = (query["format"] ?? "csv").lowercased()
        guard let format = ExportFormat(rawValue: formatName) else {
            throw APIError.badRequest("format '\(formatName)' is not one of csv, xlsx", hint: "e.g. ?format=xlsx")
        }
        let draft = ["true", "1", "yes"].contains((query["draft"] ?? "").lowercased())
        let request = ExportRequest(month: period, template: template, format: format, client: query["client"].flatMap { $0.isEmpty ? nil : $0 },
                                    project: query["project"].flatMap { $0.isEmpty ? nil : $0 }, draft: draft)
        return try await host.write(as: caller.name) { base in
            let (summary, data) = try BillingExport.run(base, request)
            let name = "\(template.rawValue)-\(summary.month)\(draft ? "-DRAFT" : "").\(format.rawValue)"
            let type = format == .xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8"
            return Reply(status: .ok, body: nil, file: data ?? Data(), contentType: type, fileName: name)
        }
    }

    /// `POST /activity {"entry": 12, "start": "2026-11-20T09:00:00Z", "active": 4, "idle": 1}`:
    /// one interval of the caller's running timer, refused unless their team records activity.
    func recordActivity(_ caller: Caller, _ body: JSONBody) async throws -> Reply {
        let entryText = try body.rowReference("entry")
        guard let entry = RowID(entryText.hasPrefix("#") ? String(entryText.dropFirst()) : entryText) else {
            throw APIError.badRequest("\"entry\" must be a time entry's id", hint: "the \"entry\" of GET /api/v1/timers")
        }
        let startText = try body.requiredString("start", example: "\"2026-11-20T09:00:00Z\"")
        func minutes(_ key: String) throws -> Int {
            guard let value = body.object[key], !(value is NSNull) else { return 0 }
            guard let n = value as? NSNumber, let m = Int(exactly: n.doubleValue) else {
                throw APIError(.unprocessableContent, "invalid", "\"\(key)\" must be a whole number of minutes", field: key)
            }
            return m
        }
        let active = try minutes("active"), idle = try minutes("idle")
        return try await host.write(as: caller.name) { base in
            guard case .datetime(let start)? = try? ValueType.datetime.parse(startText, context: base.schema.valueContext) else {
                throw APIError(.unprocessableContent, "invalid", "\"start\": '\(startText)' is not a date and time",
                               hint: "ISO 8601, e.g. \"2026-11-20T09:00:00Z\"", field: "start")
            }
            let id = try ActivityRecording.record(base, entry: entry, start: start, active: active, idle: idle)
            return .json(try RowJSON.row(base, try base.table(named: "Activity"), id: id), .created)
        }
    }
}
