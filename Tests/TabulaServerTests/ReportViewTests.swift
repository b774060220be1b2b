import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Testing
import TabulaEngine
import TabulaTimeTracking
import TabulaReports
import TabulaLanguage
@testable import TabulaServer

extension TeamBase {
    /// A second client beside Acme: Globex, its project Shop and task Cart (stream backend), with
    /// 4h of boris's on it, and a client whose name a spreadsheet would take as a formula.
    func addGlobex() throws {
        let base = try Base.open(at: path, actor: "admin", now: { TeamBase.now })
        TimeTracking.install(on: base)
        defer { base.close() }
        try base.write { tx in
            _ = try tx.insert(into: "Clients", rows: [[.init(field: "name", text: "Globex")], [.init(field: "name", text: "=HYPERLINK(\"x\")")]])
            _ = try tx.insert(into: "Projects", rows: [[.init(field: "name", text: "Shop"), .init(field: "client", text: "Globex")],
                                                       [.init(field: "name", text: "Trap"), .init(field: "client", text: "=HYPERLINK(\"x\")")]])
            _ = try tx.insert(into: "Tasks", rows: [[.init(field: "title", text: "Cart"), .init(field: "project", text: "Shop"), .init(field: "stream", text: "backend")],
                                                    [.init(field: "title", text: "Bait"), .init(field: "project", text: "Trap")]])
        }
        base.actor = "boris"
        try base.write { tx in
            let start = Instant(millisecondsSinceEpoch: 1_795_089_600_000)  // 2026-11-19T12:00:00Z
            _ = try tx.logInterval(table: "Tasks", row: "Cart", from: start, to: start.adding(seconds: 4 * 3600))
            _ = try tx.logInterval(table: "Tasks", row: "Bait", from: start.adding(seconds: 5 * 3600), to: start.adding(seconds: 6 * 3600))
        }
    }
}

@Suite struct ReportViewTests {
    static func rows(_ r: TestResponse) -> [[String: Any]] { array(r.body) }

    @Test("filters narrow a saved report in its query: by client, project, person, tag and category; a member's filter on another finds nothing")
    func filtersNarrowTheQuery() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        try team.addGlobex()
        let lena = team.tokens["lena"]!
        try await team.server().application().test(.router) { client in
            let all = Self.rows(try await client.call(.get, "/api/v1/reports/week?for=2026-W47", token: lena))
            #expect(Set(all.compactMap { $0["project"] as? String }) == ["Web", "Shop", "Trap"])
            let acme = try await client.call(.get, "/api/v1/reports/week?for=2026-W47&client=Acme", token: lena)
            #expect(acme.status == .ok)
            #expect(Set(Self.rows(acme).compactMap { $0["project"] as? String }) == ["Web"])
            #expect(Self.rows(acme).compactMap { $0["hours"] as? Int }.reduce(0, +) == 5 * 3600)
            let shop = Self.rows(try await client.call(.get, "/api/v1/reports/week?for=2026-W47&project=Shop", token: lena))
            #expect(shop.count == 1 && shop.first?["hours"] as? Int == 4 * 3600)
            let tagged = Self.rows(try await client.call(.get, "/api/v1/reports/week?for=2026-W47&tag=backend", token: lena))
            #expect(tagged.map { $0["project"] as? String } == ["Shop"])
            let anna = Self.rows(try await client.call(.get, "/api/v1/reports/week?for=2026-W47&person=anna", token: lena))
            #expect(anna.map { $0["person"] as? String } == ["anna"])
            let both = Self.rows(try await client.call(.get, "/api/v1/reports/week?for=2026-W47&person=boris&client=Globex", token: lena))
            #expect(both.count == 1 && both.first?["hours"] as? Int == 4 * 3600)
            #expect(Self.rows(try await client.call(.get, "/api/v1/reports/week?for=2026-W47&category=internal", token: lena)).isEmpty)
            // The read rules still hold: anna filtering by boris sees none of boris's hours.
            #expect(Self.rows(try await client.call(.get, "/api/v1/reports/week?for=2026-W47&person=boris", token: team.tokens["anna"]!)).isEmpty)
            // A lead of Web filtering by carl (team Ops, by team) sees nothing of carl's either.
            #expect(Self.rows(try await client.call(.get, "/api/v1/reports/week?for=2026-W47&person=carl", token: lena)).isEmpty)
            // A report whose table has no such field, and one the package remakes, refuse the filter.
            #expect(try await client.call(.get, "/api/v1/reports/attendance?client=Acme", token: lena).status == .unprocessableContent)
            #expect(try await client.call(.get, "/api/v1/reports/missing?person=anna", token: lena).status == .unprocessableContent)
        }
    }

    @Test("a report downloads as CSV (a formula-like cell written as text) and as XLSX, filtered like the JSON")
    func downloads() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        try team.addGlobex()
        try await team.server().application().test(.router) { client in
            let csv = try await client.call(.get, "/api/v1/reports/unapproved?format=csv", token: team.tokens["lena"]!)
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.headers[.contentDisposition]?.contains("unapproved.csv") == true)
            let text = String(buffer: csv.body)
            #expect(text.hasPrefix("client,person,hours,fee\r\n"))
            #expect(text.contains("'=HYPERLINK"))
            #expect(!text.contains(",=HYPERLINK") && !text.contains("\n=HYPERLINK") && !text.contains("\"=HYPERLINK"))
            let filtered = String(buffer: try await client.call(.get, "/api/v1/reports/unapproved?format=csv&client=Globex", token: team.tokens["lena"]!).body)
            #expect(filtered.split(separator: "\r\n").count == 2)
            #expect(filtered.contains("Globex") && !filtered.contains("Acme"))
            let xlsx = try await client.call(.get, "/api/v1/reports/unapproved?format=xlsx", token: team.tokens["lena"]!)
            #expect(xlsx.status == .ok)
            #expect(xlsx.headers[.contentType]?.contains("spreadsheetml") == true)
            #expect(Array(Data(buffer: xlsx.body).prefix(2)) == Array("PK".utf8))
            #expect(try await client.call(.get, "/api/v1/reports/week?format=pdf", token: team.tokens["lena"]!).status == .unprocessableContent)
        }
    }

    @Test("pins are each person's own: pinned with period and filters, listed, not removable by another, unpinned")
    func pins() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        let lena = team.tokens["lena"]!, anna = team.tokens["anna"]!
        try await team.server().application().test(.router) { client in
            let made = try await client.call(.post, "/api/v1/pins", token: lena, #"{"report": "week", "for": "2026-W47", "filters": {"client": "Acme"}}"#)
            #expect(made.status == .created)
            let id = try #require(object(made.body)["id"] as? Int)
            let again = try await client.call(.post, "/api/v1/pins", token: lena, #"{"report": "week", "for": "2026-W47", "filters": {"client": "Acme"}}"#)
            #expect(object(again.body)["id"] as? Int == id)
            let list = object(try await client.call(.get, "/api/v1/pins", token: lena).body)["pins"] as? [[String: Any]] ?? []
            #expect(list.count == 1)
            #expect(list.first?["report"] as? String == "week" && list.first?["for"] as? String == "2026-W47")
            #expect((list.first?["filters"] as? [String: Any])?["client"] as? String == "Acme")
            #expect((object(try await client.call(.get, "/api/v1/pins", token: anna).body)["pins"] as? [Any])?.count == 0)
            #expect(try await client.call(.delete, "/api/v1/pins/\(id)", token: anna).status == .notFound)
            #expect(try await client.call(.post, "/api/v1/pins", token: lena, #"{"report": "nosuch"}"#).status == .notFound)
            #expect(try await client.call(.post, "/api/v1/pins", token: lena, #"{"report": "week", "filters": {"colour": "red"}}"#).status == .unprocessableContent)
            let removed = try await client.call(.delete, "/api/v1/pins/\(id)", token: lena)
            #expect(removed.status == .noContent, "\(String(buffer: removed.body))")
            #expect((object(try await client.call(.get, "/api/v1/pins", token: lena).body)["pins"] as? [Any])?.count == 0)
        }
    }

    @Test("a shared link shows its one report as the sharer sees it, without an account; it opens nothing else and stops at revoke")
    func sharedLinks() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        try team.addGlobex()
        let lena = team.tokens["lena"]!
        try await team.server().application().test(.router) { client in
            let made = try await client.call(.post, "/api/v1/shares", token: lena, #"{"report": "week", "for": "2026-W47", "filters": {"client": "Acme"}}"#)
            #expect(made.status == .created)
            let id = try #require(object(made.body)["id"] as? Int)
            let token = try #require(object(made.body)["token"] as? String)
            #expect(object(made.body)["url"] as? String == "/shared/" + token)
            let page = try await client.execute(uri: "/shared/" + token, method: .get)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            // As lena sees it: her team's anna and boris on Acme's project, not carl (a by-team team), not Globex.
            #expect(html.contains("<td>anna</td>") && html.contains("<td>boris</td>"))
            #expect(!html.contains("carl") && !html.contains("Shop"))
            #expect(html.contains("2026-11-16"))
            #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            // Query parameters do not change the shared view.
            let other = String(buffer: try await client.execute(uri: "/shared/\(token)?for=2026-W40&client=Globex", method: .get).body)
            #expect(other.contains("2026-11-16") && !other.contains("Shop"))
            let csv = try await client.execute(uri: "/shared/\(token)?format=csv", method: .get)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(String(buffer: csv.body).hasPrefix("person,project,hours"))
            // The link's token is no API token and no session: every other route refuses it.
            for uri in ["/api/v1/tables", "/api/v1/reports/week", "/api/v1/reports/month", "/api/v1/tables/TimeEntries/rows", "/api/v1/shares"] {
                #expect(try await client.call(.get, uri, token: token).status == .unauthorized)
            }
            var cookie = HTTPFields()
            cookie[.cookie] = "tabula_session=\(token)"
            #expect(try await client.execute(uri: "/web/reports/month", method: .get, headers: cookie).status == .unauthorized)
            #expect(try await client.execute(uri: "/shared/shr_nosuchtoken", method: .get).status == .notFound)
            // Listing and revoking: only the sharer's own.
            let listed = object(try await client.call(.get, "/api/v1/shares", token: lena).body)["shares"] as? [[String: Any]] ?? []
            #expect(listed.map { $0["id"] as? Int } == [id])
            #expect(listed.first?["token"] == nil)
            #expect(try await client.call(.delete, "/api/v1/shares/\(id)", token: team.tokens["anna"]!).status == .notFound)
            #expect(try await client.call(.delete, "/api/v1/shares/\(id)", token: lena).status == .noContent)
            #expect(try await client.execute(uri: "/shared/" + token, method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/shared/\(token)?format=csv", method: .get).status == .notFound)
        }
        // Only the token's hash is in the file.
        let file = try Data(contentsOf: URL(fileURLWithPath: team.path))
        #expect(file.range(of: Data("shr_".utf8)) == nil)
    }

    @Test("the Reports page's data: a bucketed report has a chart of its first measure per bucket; filters offered with their choices")
    func pageDataHasChartAndFilters() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        try team.setPasswords(["lena"])
        try await team.server().application().test(.router) { client in
            let browser = try #require(try await Browser.signIn(client, "lena", "lena-password"))
            let r = try await browser.call(client, .get, "/web/reports/pomodoros?for=2026-W47")
            #expect(r.status == .ok)
            let data = object(r.body)
            let chart = try #require(data["chart"] as? [String: Any])
            #expect(chart["unit"] as? String == "week" && chart["measure"] as? String == "pomodoros")
            #expect((chart["bars"] as? [[String: Any]])?.compactMap { $0["label"] as? String } == ["2026-W47"])
            #expect((chart["svg"] as? String)?.hasPrefix("<svg") == true)
            let filters = data["filters"] as? [[String: Any]] ?? []
            #expect(filters.compactMap { $0["name"] as? String } == ["person", "client", "project", "tag", "category", "status"])
            #expect((filters.first { $0["name"] as? String == "client" }?["choices"] as? [String]) == ["Acme"])
            #expect((filters.first { $0["name"] as? String == "category" }?["choices"] as? [String]) == ["billable", "internal", "non_billable"])
            let week = object(try await browser.call(client, .get, "/web/reports/week?for=2026-W47").body)
            #expect(week["chart"] is NSNull)
            #expect((object(try await browser.call(client, .get, "/web/reports/missing").body)["filters"] as? [Any])?.count == 0)
        }
    }

    @Test("a chart sums the first measure per bucket over the groups, in the buckets' order, with bars to scale")
    func chartSumsPerBucket() throws {
        let team = try TeamBase()
        defer { team.remove() }
        try team.addGlobex()
        let base = try Base.open(at: team.path, actor: "admin", now: { TeamBase.now })
        TimeTracking.install(on: base)
        defer { base.close() }
        let output = try ReportRunner.run(SourceText(name: "q", text: "sum(duration) as hours by person per day for 2026-11-18..2026-11-20"), on: base)
        let chart = try #require(ReportPage.chart(output, context: base.schema.valueContext))
        #expect(chart.bars.map(\.label) == ["2026-11-19"])
        #expect(chart.bars.first?.value == Double((2 + 3 + 5 + 4 + 1) * 3600))
        #expect(chart.bars.first?.text == "15:00")
        let svg = ReportPage.svg(chart)
        #expect(svg.contains("width=\"360\""))  // the largest bar spans the chart
        #expect(ReportPage.chart(try ReportRunner.run(SourceText(name: "q", text: "sum(duration) by person"), on: base), context: base.schema.valueContext) == nil)
    }

    /// Runs the built `tabula`, waiting on a thread of its own (not one the in-process servers answer on).
    static func tabula(_ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = ServeProcessTests.binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["TABULA_USER"] = "admin"
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return await withCheckedContinuation { done in
            Thread.detachNewThread {
                let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                done.resume(returning: (process.terminationStatus, o, e))
            }
        }
    }

    @Test("tabula token share makes a link the server opens, token shares lists it without its token, token unshare ends it; a bad filter is refused")
    func sharingFromTheCommandLine() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        let made = try await Self.tabula(["token", "share", team.path, "week", "--person", "lena", "--for", "2026-W47", "--filter", "person=anna"])
        #expect(made.status == 0, "\(made.err)")
        let token = try #require(made.out.split(separator: "/shared/").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        #expect(token.hasPrefix("shr_"))
        #expect(made.out.contains("week for 2026-W47, person = anna"))
        let listed = try await Self.tabula(["token", "shares", team.path, "--format", "csv"])
        #expect(listed.out.contains("lena") && !listed.out.contains(token))
        try await team.server().application().test(.router) { client in
            let page = String(buffer: try await client.execute(uri: "/shared/" + token, method: .get).body)
            #expect(page.contains("<td>anna</td>") && !page.contains("boris"))
        }
        let id = try #require(made.out.split(separator: " ").dropFirst().first.map(String.init))
        #expect(try await Self.tabula(["token", "unshare", team.path, id]).status == 0)
        try await team.server().application().test(.router) { client in
            let gone = try await client.execute(uri: "/shared/" + token, method: .get)
            #expect(gone.status == .notFound)
        }
        let bad = try await Self.tabula(["token", "share", team.path, "attendance", "--person", "lena", "--filter", "client=Acme"])
        #expect(bad.status == 1)
        #expect(bad.err.contains("cannot be filtered by client"))
        #expect(try await Self.tabula(["token", "share", team.path, "week", "--person", "lena", "--filter", "client"]).status != 0)
    }
}
