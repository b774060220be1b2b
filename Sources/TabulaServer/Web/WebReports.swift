import Foundation
import HTTPTypes
import Hummingbird
import TabulaEngine
import TabulaIO
import TabulaLanguage
import TabulaReports

/// The Reports page's data: the saved reports of the base, and one of them for a period and
/// filters with its cells already formatted as the CLI's table shows them (durations `12:30`,
/// money with its currency), its totals row and chart; and the page a shared link opens.
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
            let query = API.query(request)
            return await answer(request) { caller in
                let asked = try ReportRequest(name: name, query: query)
                return try await host.read(as: caller.name) { base in
                    .json(try ReportPage.json(try asked.run(on: base), view: asked.view, on: base))
                }
            }
        }
        // A shared link: its one report, as the person who shared it may see it; no account, no
        // other route (the token is not an API token, and no query parameter changes the view).
        router.get("/shared/:token") { request, context in
            let token = context.parameters.get("token") ?? ""
            let format = API.query(request)["format"] ?? ""
            return await shared(token, format: format)
        }
    }

    func shared(_ token: String, format: String) async -> Response {
        let hash = APITokens.hash(token)
        do {
            let found: (ReportShare, String)? = try await host.read(as: "server") { base in
                guard token.hasPrefix("shr_"), let share = try base.reportShares.find(hash: hash),
                      let name = try base.tokens.personName(share.person) else { return nil }
                return (share, name)
            }
            guard let (share, person) = found else {
                return WebPages.html(WebAssets.page(title: "Not found · Tabula", body: "<main><h1>This link does not work</h1><p>It was revoked, or it was never made.</p></main>"),
                                     status: .notFound)
            }
            let asked = ReportRequest(view: share.view, format: ReportRequest.Format(rawValue: format.lowercased()) ?? .json)
            return try await host.read(as: person) { base in
                let output = try asked.run(on: base)
                if asked.format != .json { return API.response(try asked.reply(output, on: base)) }
                var response = WebPages.html(ReportPage.sharedPage(output, view: share.view, token: token, on: base))
                response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
                return response
            }
        } catch {
            let e = APIError.from(error)
            return WebPages.html(WebAssets.page(title: "Report · Tabula", body: "<main><h1>The report cannot be shown</h1><p>\(e.message.htmlEscaped)</p></main>"),
                                 status: e.status)
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
}
