import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TabulaEngine
import TabulaTimeTracking
import TabulaReports
@testable import TabulaServer

/// A time-tracking base with a team: anna and boris (members of team Web), carl (member of
/// team Ops, which keeps its hours by team), lena (lead of Web), fiona (finance), otto (lead of
/// no team), with a token each.
struct TeamBase {
    let directory: URL
    let path: String
    var tokens: [String: String] = [:]

    static let now = Instant(millisecondsSinceEpoch: 1_795_165_200_000)  // 2026-11-20T09:00:00Z

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tabula-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("team.tabula").path
        let source = SchemaPackage.named("timetracking")!.configured(timeZone: "Europe/Berlin", currency: "EUR")
        let base = try Base.create(at: path, schemaSource: source, sourceName: "package timetracking",
                                   actor: "admin", now: { TeamBase.now }, reportChecker: ReportChecker())
        TimeTracking.install(on: base)
        defer { base.close() }
        try base.write { tx in
            _ = try tx.insert(into: "Teams", rows: [[.init(field: "name", text: "Web")],
                                                    [.init(field: "name", text: "Ops"), .init(field: "privacy", text: "by_team")]])
            let people: [(String, String, String)] = [("anna", "member", "Web"), ("boris", "member", "Web"), ("carl", "member", "Ops"),
                                                      ("lena", "lead", "Web"), ("fiona", "finance", ""), ("otto", "lead", "")]
            for (name, role, team) in people {
                _ = try tx.insert(into: "People", rows: [[.init(field: "name", text: name), .init(field: "role", text: role), .init(field: "team", text: team)]])
            }
            _ = try tx.insert(into: "Clients", rows: [[.init(field: "name", text: "Acme")]])
            _ = try tx.insert(into: "Projects", rows: [[.init(field: "name", text: "Web"), .init(field: "client", text: "Acme")]])
            for title in ["Landing", "Login"] {
                _ = try tx.insert(into: "Tasks", rows: [[.init(field: "title", text: title), .init(field: "project", text: "Web")]])
            }
        }
        for (person, hours) in [("anna", "2h"), ("boris", "3h"), ("carl", "5h")] {
            base.actor = person
            try base.write { tx in
                let start = Instant(millisecondsSinceEpoch: 1_795_078_800_000)  // 2026-11-19T09:00:00Z
                guard case .duration(let s) = try ValueType.duration.parse(hours, context: base.schema.valueContext) else { return }
                _ = try tx.logInterval(table: "Tasks", row: "Landing", from: start, to: start.adding(seconds: s))
            }
        }
        base.actor = "admin"
        for name in ["anna", "boris", "carl", "lena", "fiona", "otto"] {
            tokens[name] = try APITokens.create(on: base, person: name, label: "test").token
        }
    }

    func server() throws -> TabulaServer {
        try TabulaServer(.init(path: path, port: 0, now: { TeamBase.now }))
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// A JSON body or answer, read loosely for assertions.
func object(_ buffer: ByteBuffer) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [String: Any] ?? [:]
}

func array(_ buffer: ByteBuffer) -> [[String: Any]] {
    (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [[String: Any]] ?? []
}

extension TestClientProtocol {
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String?, _ body: String? = nil) async throws -> TestResponse {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }
}

@Suite struct APITests {
    @Test("without a valid token every route answers 401 with the error shape")
    func noTokenIsUnauthorized() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        try await team.server().application().test(.router) { client in
            for token in [nil, "tab_wrong"] {
                let r = try await client.call(.get, "/api/v1/tables", token: token)
                #expect(r.status == .unauthorized)
                let error = object(r.body)["error"] as? [String: Any]
                #expect(error?["kind"] as? String == "unauthorized")
                #expect(error?["message"] is String)
            }
            // The document is public.
            let doc = try await client.call(.get, "/api/v1/openapi.json", token: nil)
            #expect(doc.status == .ok)
            #expect(object(doc.body)["openapi"] as? String == "3.1.0")
        }
    }

    @Test("GET /reports/missing?per=week gives each person's week; per on another report is refused with 422")
    func missingPerWeek() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        try await team.server().application().test(.router) { client in
            let days = array(try await client.call(.get, "/api/v1/reports/missing?for=2026-W47", token: team.tokens["lena"]!).body)
            let weeks = try await client.call(.get, "/api/v1/reports/missing?for=2026-W47&per=week", token: team.tokens["lena"]!)
            #expect(weeks.status == .ok)
            let rows = array(weeks.body)
            let anna = try #require(rows.first { $0["person"] as? String == "anna" })
            #expect(anna["week"] as? String == "2026-W47")
            let annaDays = days.filter { $0["person"] as? String == "anna" }
            #expect(anna["expected"] as? Int == annaDays.compactMap { $0["expected"] as? Int }.reduce(0, +))
            #expect(anna["logged"] as? Int == 2 * 3600)
            let refused = try await client.call(.get, "/api/v1/reports/week?per=week", token: team.tokens["lena"]!)
            #expect(refused.status == .unprocessableContent)
            #expect(try await client.call(.get, "/api/v1/reports/missing?per=fortnight", token: team.tokens["lena"]!).status == .unprocessableContent)
        }
    }

    @Test("a member lists, reads and counts only their own entries; another's row is not found")
    func aMemberSeesOnlyTheirOwn() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        let anna = team.tokens["anna"]!
        try await team.server().application().test(.router) { client in
            let list = try await client.call(.get, "/api/v1/tables/TimeEntries/rows", token: anna)
            #expect(list.status == .ok)
            let rows = object(list.body)["rows"] as? [[String: Any]] ?? []
            #expect(rows.count == 1)
            #expect((rows.first?["fields"] as? [String: Any])?["person"] as? String == "anna")
            #expect(object(list.body)["next"] is NSNull)
            let other = try await client.call(.get, "/api/v1/tables/TimeEntries/rows/2", token: anna)
            #expect(other.status == .notFound)
            #expect((object(other.body)["error"] as? [String: Any])?["kind"] as? String == "not_found")
            let patch = try await client.call(.patch, "/api/v1/tables/TimeEntries/rows/2", token: anna, #"{"fields": {"note": "mine now"}}"#)
            #expect(patch.status == .notFound)
            let delete = try await client.call(.delete, "/api/v1/tables/TimeEntries/rows/2", token: anna)
            #expect(delete.status == .notFound)
            let report = try await client.call(.post, "/api/v1/report", token: anna, #"{"query": "sum(duration) as hours by person"}"#)
            #expect(report.status == .ok)
            let lines = array(report.body)
            #expect(lines.count == 1)
            #expect(lines.first?["person"] as? String == "anna")
            #expect(lines.first?["hours"] as? Int == 7200)
            let filtered = try await client.call(.get, "/api/v1/tables/TimeEntries/rows?where=" + "person = \"boris\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, token: anna)
            #expect((object(filtered.body)["rows"] as? [Any])?.count == 0)
            // The task's rollup is the task row's value: everyone's hours, seen by whoever reads the task.
            let task = try await client.call(.get, "/api/v1/tables/Tasks/rows/1", token: anna)
            #expect((object(task.body)["fields"] as? [String: Any])?["hours"] as? Int == 10 * 3600)
        }
    }

    @Test("a lead sees the team's entries, not a by-team team's; a lead of no team and finance see the rest")
    func leadsAndFinanceSeeWhatTheRuleAllows() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        try await team.server().application().test(.router) { client in
            func people(_ who: String) async throws -> [String] {
                let r = try await client.call(.post, "/api/v1/report", token: team.tokens[who]!, #"{"query": "sum(duration) by person"}"#)
                #expect(r.status == .ok)
                return array(r.body).compactMap { $0["person"] as? String }.filter { $0 != "total" }
            }
            #expect(try await people("lena") == ["anna", "boris"])
            #expect(try await people("otto") == ["anna", "boris"])
            #expect(try await people("fiona") == ["anna", "boris", "carl"])
            #expect(try await people("carl") == ["carl"])
            // The by-team team's total is on its row.
            let teams = try await client.call(.get, "/api/v1/tables/Teams/rows", token: team.tokens["lena"]!)
            let ops = (object(teams.body)["rows"] as? [[String: Any]])?.first { ($0["fields"] as? [String: Any])?["name"] as? String == "Ops" }
            #expect((ops?["fields"] as? [String: Any])?["hours"] as? Int == 5 * 3600)
            // A lead may correct a team member's entry; finance may read but not write it.
            let fix = try await client.call(.patch, "/api/v1/tables/TimeEntries/rows/1", token: team.tokens["lena"]!, #"{"fields": {"note": "checked"}}"#)
            #expect(fix.status == .ok)
            #expect((object(fix.body)["fields"] as? [String: Any])?["note"] as? String == "checked")
            let finance = try await client.call(.patch, "/api/v1/tables/TimeEntries/rows/1", token: team.tokens["fiona"]!, #"{"fields": {"note": "x"}}"#)
            #expect(finance.status == .forbidden)
            #expect((object(finance.body)["error"] as? [String: Any])?["kind"] as? String == "forbidden")
        }
    }

    @Test("rows are created (201), changed, refused with the field (422), deleted (204), and paged")
    func rowsRoundTrip() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        let anna = team.tokens["anna"]!
        try await team.server().application().test(.router) { client in
            let created = try await client.call(.post, "/api/v1/tables/Tasks/rows", token: anna, #"{"fields": {"title": "Docs", "project": "Web", "estimate": "2h30m"}}"#)
            #expect(created.status == .created)
            let row = object(created.body)
            let id = row["id"] as? Int ?? 0
            #expect((row["fields"] as? [String: Any])?["estimate"] as? Int == 9000)
            #expect((row["fields"] as? [String: Any])?["label"] as? String == "Acme / Docs")
            let bad = try await client.call(.post, "/api/v1/tables/Tasks/rows", token: anna, #"{"fields": {"title": "X", "estimate": "soon"}}"#)
            #expect(bad.status == .unprocessableContent)
            let error = object(bad.body)["error"] as? [String: Any]
            #expect(error?["kind"] as? String == "invalid")
            #expect(error?["field"] as? String == "estimate")
            let notJSON = try await client.call(.post, "/api/v1/tables/Tasks/rows", token: anna, "{title")
            #expect(notJSON.status == .badRequest)
            let unknownTable = try await client.call(.get, "/api/v1/tables/Nope/rows", token: anna)
            #expect(unknownTable.status == .notFound)
            let changed = try await client.call(.patch, "/api/v1/tables/Tasks/rows/\(id)", token: anna, #"{"fields": {"title": "Docs v2"}}"#)
            #expect(changed.status == .ok)
            #expect((object(changed.body)["fields"] as? [String: Any])?["title"] as? String == "Docs v2")
            let taken = try await client.call(.post, "/api/v1/tables/Clients/rows", token: anna, #"{"fields": {"name": "Acme"}}"#)
            #expect(taken.status == .conflict)
            // Paging: one row a page, following "next" to the end.
            var seen: [Int] = []
            var uri = "/api/v1/tables/Tasks/rows?limit=1"
            while true {
                let page = object(try await client.call(.get, uri, token: anna).body)
                seen += (page["rows"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
                guard let next = page["next"] as? String else { break }
                uri = "/api/v1/tables/Tasks/rows?limit=1&cursor=\(next)"
            }
            #expect(seen == [1, 2, id])
            let ordered = object(try await client.call(.get, "/api/v1/tables/Tasks/rows?order=-title", token: anna).body)
            #expect((ordered["rows"] as? [[String: Any]])?.compactMap { ($0["fields"] as? [String: Any])?["title"] as? String } == ["Login", "Landing", "Docs v2"])
            let deleted = try await client.call(.delete, "/api/v1/tables/Tasks/rows/\(id)", token: anna)
            #expect(deleted.status == .noContent)
            let gone = try await client.call(.get, "/api/v1/tables/Tasks/rows/\(id)", token: anna)
            #expect(gone.status == .notFound)
        }
    }

    @Test("timers start (201), list with elapsed, stop; the 11th is 429; a manual entry is logged for the caller")
    func timersAndTheLog() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        let anna = team.tokens["anna"]!
        try await team.server().application().test(.router) { client in
            let start = try await client.call(.post, "/api/v1/timers/start", token: anna, #"{"table": "Tasks", "row": "Login"}"#)
            #expect(start.status == .created)
            #expect(object(start.body)["person"] as? String == "anna")
            #expect(object(start.body)["mode"] as? String == "stopwatch")
            let again = try await client.call(.post, "/api/v1/timers/start", token: anna, #"{"table": "Tasks", "row": 2}"#)
            #expect(again.status == .conflict)
            let list = object(try await client.call(.get, "/api/v1/timers", token: anna).body)["timers"] as? [[String: Any]] ?? []
            #expect(list.count == 1)
            #expect(list.first?["entry"] is Int && list.first?["elapsed"] is Int && list.first?["start"] is String)
            #expect(list.first?["table"] as? String == "Tasks")
            let forbidden = try await client.call(.get, "/api/v1/timers?everyone=true", token: anna)
            #expect(forbidden.status == .forbidden)
            let lead = try await client.call(.get, "/api/v1/timers?everyone=true", token: team.tokens["lena"]!)
            #expect(lead.status == .ok)
            let stop = try await client.call(.post, "/api/v1/timers/stop", token: anna, #"{"all": true}"#)
            #expect(stop.status == .ok)
            #expect((object(stop.body)["stopped"] as? [Any])?.count == 1)
            let none = try await client.call(.post, "/api/v1/timers/stop", token: anna, "{}")
            #expect(none.status == .notFound || none.status == .conflict)
            // Ten timers in parallel at most (the package's `max 10`): the 11th is refused with 429.
            for i in 0..<10 {
                let t = try await client.call(.post, "/api/v1/tables/Tasks/rows", token: anna, #"{"fields": {"title": "T\#(i)"}}"#)
                let id = object(t.body)["id"] as? Int ?? 0
                let s = try await client.call(.post, "/api/v1/timers/start", token: anna, #"{"table": "Tasks", "row": \#(id)}"#)
                #expect(s.status == .created)
            }
            let eleventh = try await client.call(.post, "/api/v1/timers/start", token: anna, #"{"table": "Tasks", "row": "Login"}"#)
            #expect(eleventh.status == .tooManyRequests)
            #expect((object(eleventh.body)["error"] as? [String: Any])?["kind"] as? String == "limit")
            let logged = try await client.call(.post, "/api/v1/log", token: anna, #"{"table": "Tasks", "row": "Landing", "date": "2026-11-18", "hours": 1.5, "note": "forgot"}"#)
            #expect(logged.status == .created)
            let fields = object(logged.body)["fields"] as? [String: Any]
            #expect(fields?["person"] as? String == "anna")
            #expect(fields?["duration"] as? Int == 5400)
            #expect(fields?["manual"] as? Bool == true)
            let badLog = try await client.call(.post, "/api/v1/log", token: anna, #"{"table": "Tasks", "row": "Landing", "from": "yesterday-ish", "to": "2026-11-18T10:00:00Z"}"#)
            #expect(badLog.status == .unprocessableContent)
            #expect((object(badLog.body)["error"] as? [String: Any])?["field"] as? String == "from")
        }
    }

    @Test("periods: a member cannot approve (403), a lead can; an approved month's entry is locked (423); requests decide")
    func periodsAndRequests() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        let anna = team.tokens["anna"]!, lena = team.tokens["lena"]!
        try await team.server().application().test(.router) { client in
            let periods = object(try await client.call(.get, "/api/v1/periods", token: anna).body)["periods"] as? [[String: Any]] ?? []
            #expect(periods.first?["period"] as? String == "2026-11")
            let denied = try await client.call(.post, "/api/v1/periods/2026-11/approve", token: anna)
            #expect(denied.status == .forbidden)
            let approved = try await client.call(.post, "/api/v1/periods/2026-11/approve", token: lena)
            #expect(approved.status == .ok)
            #expect(object(approved.body)["state"] as? String == "approved")
            let twice = try await client.call(.post, "/api/v1/periods/2026-11/approve", token: lena)
            #expect(twice.status == .conflict)
            let locked = try await client.call(.patch, "/api/v1/tables/TimeEntries/rows/1", token: anna, #"{"fields": {"note": "late"}}"#)
            #expect(locked.status.code == 423)
            #expect((object(locked.body)["error"] as? [String: Any])?["kind"] as? String == "locked")
            let filed = try await client.call(.post, "/api/v1/requests", token: anna, #"{"table": "TimeEntries", "row": 1, "fields": {"note": "late"}, "reason": "forgot the note"}"#)
            #expect(filed.status == .created)
            let id = object(filed.body)["id"] as? Int ?? 0
            let pending = object(try await client.call(.get, "/api/v1/requests", token: lena).body)["requests"] as? [[String: Any]] ?? []
            #expect(pending.count == 1)
            let decided = try await client.call(.post, "/api/v1/requests/\(id)/approve", token: lena, "{}")
            #expect(decided.status == .ok)
            #expect(object(decided.body)["state"] as? String == "approved")
            let entry = object(try await client.call(.get, "/api/v1/tables/TimeEntries/rows/1", token: anna).body)
            #expect((entry["fields"] as? [String: Any])?["note"] as? String == "late")
            let reopened = try await client.call(.post, "/api/v1/periods/2026-11/reopen", token: lena)
            #expect(reopened.status == .ok)
            let unknown = try await client.call(.post, "/api/v1/periods/2026-11/explode", token: lena)
            #expect(unknown.status == .notFound)
        }
    }

    @Test("master data: a member's PATCH of their own role or a period's state is 403 and changes nothing; a lead's is applied")
    func memberCannotWriteMasterData() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        let anna = team.tokens["anna"]!, lena = team.tokens["lena"]!
        try await team.server().application().test(.router) { client in
            func fields(_ uri: String) async throws -> [String: Any] {
                object(try await client.call(.get, uri, token: lena).body)["fields"] as? [String: Any] ?? [:]
            }
            let role = try await client.call(.patch, "/api/v1/tables/People/rows/1", token: anna, #"{"fields": {"role": "finance"}}"#)
            #expect(role.status == .forbidden)
            #expect((object(role.body)["error"] as? [String: Any])?["kind"] as? String == "forbidden")
            #expect(try await fields("/api/v1/tables/People/rows/1")["role"] as? String == "member")
            let state = try await client.call(.patch, "/api/v1/tables/Periods/rows/1", token: anna, #"{"fields": {"state": "approved"}}"#)
            #expect(state.status == .forbidden)
            #expect(try await fields("/api/v1/tables/Periods/rows/1")["state"] as? String == "open")
            let privacy = try await client.call(.patch, "/api/v1/tables/Teams/rows/2", token: anna, #"{"fields": {"privacy": "per_person"}}"#)
            #expect(privacy.status == .forbidden)
            let added = try await client.call(.post, "/api/v1/tables/People/rows", token: anna, #"{"fields": {"name": "mallory", "role": "finance"}}"#)
            #expect(added.status == .forbidden)
            // Still only her own entries: her role did not change.
            let rows = object(try await client.call(.get, "/api/v1/tables/TimeEntries/rows", token: anna).body)["rows"] as? [[String: Any]] ?? []
            #expect(rows.count == 1)
            let closed = try await client.call(.patch, "/api/v1/tables/Periods/rows/1", token: lena, #"{"fields": {"state": "closed"}}"#)
            #expect(closed.status == .ok)
            #expect(try await fields("/api/v1/tables/Periods/rows/1")["state"] as? String == "closed")
            let promoted = try await client.call(.patch, "/api/v1/tables/People/rows/1", token: lena, #"{"fields": {"role": "lead"}}"#)
            #expect(promoted.status == .ok)
            #expect(try await fields("/api/v1/tables/People/rows/1")["role"] as? String == "lead")
        }
    }

    @Test("query values are decoded once: + is a space (as the page's URLSearchParams sends it), %2B a plus, %25 a percent sign")
    func queryValuesAreDecodedOnce() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        let anna = team.tokens["anna"]!
        try await team.server().application().test(.router) { client in
            let created = try await client.call(.post, "/api/v1/tables/Tasks/rows", token: anna, #"{"fields": {"title": "100%41 + more"}}"#)
            #expect(created.status == .created)
            func titles(_ query: String) async throws -> [String] {
                let page = object(try await client.call(.get, "/api/v1/tables/Tasks/rows?" + query, token: anna).body)
                return (page["rows"] as? [[String: Any]] ?? []).compactMap { ($0["fields"] as? [String: Any])?["title"] as? String }
            }
            #expect(try await titles("where=title+%3D+%22Login%22") == ["Login"])
            #expect(try await titles("where=title%20%3D%20%22100%2541%20%2B%20more%22") == ["100%41 + more"])
        }
    }

    @Test("a revoked token stops working at once")
    func revokedTokensStopWorking() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        try await team.server().application().test(.router) { client in
            #expect(try await client.call(.get, "/api/v1/tables", token: team.tokens["boris"]!).status == .ok)
            let base = try Base.open(at: team.path, actor: "admin")
            let id = try base.tokens.list().first { try base.tokens.personName($0.person) == "boris" }!.id
            try base.tokens.revoke(id: id)
            base.close()
            #expect(try await client.call(.get, "/api/v1/tables", token: team.tokens["boris"]!).status == .unauthorized)
        }
    }

    @Test("a schema applied by another connection while serving is what the next request sees")
    func aSchemaAppliedElsewhereIsReadAgain() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        let anna = team.tokens["anna"]!, lena = team.tokens["lena"]!
        try await team.server().application().test(.router) { client in
            #expect(try await client.call(.get, "/api/v1/tables/Clients/rows/1", token: anna).status == .ok)
            let other = try Base.open(at: team.path, actor: "admin")
            let source = other.schemaSource.replacingOccurrences(of: "  contract      text", with: "  contract      text\n  region        text")
            try other.migrations.apply(try other.migrations.plan(to: source, sourceName: "changed.tabula", reportChecker: ReportChecker()), allowDestructive: false)
            other.close()
            // Clients are master data: a lead writes them (a member may not).
            let changed = try await client.call(.patch, "/api/v1/tables/Clients/rows/1", token: lena, #"{"fields": {"region": "EU"}}"#)
            #expect(changed.status == .ok)
            #expect((object(changed.body)["fields"] as? [String: Any])?["region"] as? String == "EU")
        }
    }

    @Test("an operator's rate limit refuses the request past it with 429 and kind limit; there is none by default")
    func aRateLimitIsTheOperatorsChoice() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        let limited = try TabulaServer(.init(path: team.path, port: 0, requestsPerMinute: 3, now: { TeamBase.now }))
        try await limited.application().test(.router) { client in
            for _ in 0..<3 { #expect(try await client.call(.get, "/api/v1/timers", token: team.tokens["anna"]!).status == .ok) }
            let refused = try await client.call(.get, "/api/v1/timers", token: team.tokens["anna"]!)
            #expect(refused.status == .tooManyRequests)
            #expect((object(refused.body)["error"] as? [String: Any])?["kind"] as? String == "limit")
            #expect(try await client.call(.get, "/api/v1/timers", token: team.tokens["boris"]!).status == .ok)
        }
        try await team.server().application().test(.router) { client in
            for _ in 0..<20 {
                let r = try await client.call(.get, "/api/v1/timers", token: team.tokens["anna"]!)
                #expect(r.status == .ok)
            }
        }
    }

    @Test("50 concurrent writers: every entry is applied, none lost")
    func concurrentWritersLoseNothing() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        let anna = team.tokens["anna"]!
        try await team.server().application().test(.router) { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for i in 0..<50 {
                    group.addTask {
                        try await client.call(.post, "/api/v1/log", token: anna,
                                              #"{"table": "Tasks", "row": "Login", "from": "2026-11-1\#(i % 9)T\#(10 + i % 10):00:00Z", "to": "2026-11-1\#(i % 9)T\#(10 + i % 10):30:00Z", "note": "w\#(i)"}"#).status
                    }
                }
                for try await status in group { #expect(status == .created) }
            }
        }
        let base = try Base.open(at: team.path, actor: "admin")
        defer { base.close() }
        let entries = try base.table(named: "TimeEntries")
        let notes = try base.columnValues(of: entries, fields: ["note"]).compactMap { row -> String? in
            if case .text(let s) = row.values[0] { return s } else { return nil }
        }
        #expect(Set(notes) == Set((0..<50).map { "w\($0)" }))
        #expect(try base.integrity.check().isEmpty)
    }
}
