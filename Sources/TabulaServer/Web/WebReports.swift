import Foundation
import Hummingbird
import TabulaEngine
import TabulaIO
import TabulaLanguage
import TabulaReports

/// The Reports page's data: the saved reports of the base, and one of them for a period with
/// its cells already formatted as the CLI's table shows them (durations `12:30`, money with its
/// currency) and its totals row.
struct WebReports: Sendable {
    let host: BaseHost
    let sessions: WebSessions

    func register(on router: Router<BasicRequestContext>) {
        router.get("/web/reports") { request, _ in
            await answer(request) { caller in
                try await host.read(as: caller.name) { base in
                    let reports: [JSONValue] = base.schema.reports.map { r in
                        JSONValue.object([("name", .string(r.name)), ("query", .string(r.query))])
                    }
                    return Reply.json(.object([("reports", .array(reports))]))
                }
            }
        }
        router.get("/web/reports/:name") { request, context in
            let name = context.parameters.get("name") ?? ""
            let period = API.query(request)["for"] ?? ""
            return await answer(request) { caller in try await run(caller, name, period: period) }
        }
    }

    func answer(_ request: Request, _ work: @escaping @Sendable (Caller) async throws -> Reply) async -> Response {
        do {
            guard let signed = try await sessions.session(request) else { throw APIError.unauthorized }
            return API.response(try await work(signed.caller))
        } catch {
            let e = APIError.from(error)
            return API.response(Reply(status: e.status, body: e.json.serialized))
        }
    }

    func run(_ caller: Caller, _ name: String, period: String) async throws -> Reply {
        try await host.read(as: caller.name) { base in
            guard base.schema.reports.contains(where: { $0.name == name }) else {
                throw APIError.notFound("there is no saved report '\(name)'")
            }
            let output = period.isEmpty
                ? try ReportRunner.run(saved: name, on: base)
                : try ReportRunner.run(saved: name, on: base, for: try ReportParser.parsePeriod(SourceText(name: "for", text: period)))
            let table = output.table, context = base.schema.valueContext
            func cells(_ row: [Value]) -> JSONValue {
                .array(zip(row, table.columns).map { value, column in .string(column.type.format(value, context: context)) })
            }
            let columns: [JSONValue] = table.columns.map { c in
                .object([("name", .string(c.name)), ("numeric", .bool(Self.isNumeric(c.type)))])
            }
            var members: [(key: String, value: JSONValue)] = [("columns", .array(columns)), ("rows", .array(table.rows.map(cells)))]
            members.append(("totals", table.totals.map(cells) ?? .null))
            if let days = output.period { members.append(("period", .string("\(days.lowerBound.iso) – \(days.upperBound.iso)"))) }
            return .json(.object(members))
        }
    }

    static func isNumeric(_ type: ValueType) -> Bool {
        switch type {
        case .number, .integer, .currency, .percent, .duration: return true
        default: return false
        }
    }
}
