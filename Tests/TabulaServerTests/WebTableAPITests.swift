import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TabulaEngine
import TabulaTimeTracking
@testable import TabulaServer

extension TeamBase {
    /// Sets a team's activity setting as the base's owner.
    func setActivity(_ team: String, _ setting: String) throws {
        let base = try Base.open(at: path, actor: "admin", now: { TeamBase.now })
        TimeTracking.install(on: base)
        defer { base.close() }
        try base.write { tx in _ = try tx.update("Teams", row: team, [TextAssignment(field: "activity", text: setting)]) }
    }

    /// Gives every time entry a rate, as billing needs (the base's people have none).
    func rateEntries() throws {
        let base = try Base.open(at: path, actor: "admin", now: { TeamBase.now })
        TimeTracking.install(on: base)
        defer { base.close() }
        try base.write { tx in
            for id in 1...3 { _ = try tx.update("TimeEntries", row: "#\(id)", [TextAssignment(field: "rate", text: "80")]) }
        }
    }
}

@Suite struct ExportRouteTests {
    @Test("GET /exports/{template}: finance and leads get the file, a member 403; a month not approved is 409 unless draft=true")
    func rolesAndApproval() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        try team.rateEntries()
        let fiona = team.tokens["fiona"]!, anna = team.tokens["anna"]!, otto = team.tokens["otto"]!
        try await team.server().application().test(.router) { client in
            let open = try await client.call(.get, "/api/v1/exports/csv?period=2026-11", token: fiona)
            #expect(open.status == .conflict)
            #expect(String(buffer: open.body).contains("approved"))
            let draft = try await client.call(.get, "/api/v1/exports/csv?period=2026-11&draft=true", token: fiona)
            #expect(draft.status == .ok)
            #expect(draft.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(draft.headers[.contentDisposition]?.contains("csv-2026-11-DRAFT.csv") == true)
            #expect(String(buffer: draft.body).contains("DRAFT"))
            for member in [anna, team.tokens["boris"]!] {
                let refused = try await client.call(.get, "/api/v1/exports/csv?period=2026-11&draft=true", token: member)
                #expect(refused.status == .forbidden)
                #expect((object(refused.body)["error"] as? [String: Any])?["kind"] as? String == "forbidden")
            }
            #expect(try await client.call(.post, "/api/v1/periods/2026-11/approve", token: otto).status == .ok)
            #expect(try await client.call(.get, "/api/v1/exports/csv?period=2026-11", token: anna).status == .forbidden)
            let csv = try await client.call(.get, "/api/v1/exports/csv?period=2026-11", token: fiona)
            #expect(csv.status == .ok)
            let text = String(buffer: csv.body)
            #expect(!text.contains("DRAFT"))
            for person in ["anna", "boris", "carl"] { #expect(text.contains(person), "the export lacks \(person)'s entry:\n\(text)") }
            // A lead may export too, as on the command line.
            #expect(try await client.call(.get, "/api/v1/exports/1c?period=2026-11", token: otto).status == .ok)
            let xlsx = try await client.call(.get, "/api/v1/exports/csv?period=2026-11&format=xlsx", token: fiona)
            #expect(xlsx.status == .ok)
            #expect(xlsx.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(Array(xlsx.body.readableBytesView.prefix(2)) == Array("PK".utf8))
            #expect(try await client.call(.get, "/api/v1/exports/pdf?period=2026-11", token: fiona).status == .notFound)
            #expect(try await client.call(.get, "/api/v1/exports/csv?period=2026-11&format=pdf", token: fiona).status == .badRequest)
            #expect(try await client.call(.get, "/api/v1/exports/csv", token: fiona).status == .badRequest)
            // Exporting from here marks nothing billed.
            let entries = object(try await client.call(.get, "/api/v1/tables/TimeEntries/rows", token: fiona).body)["rows"] as? [[String: Any]] ?? []
            #expect(entries.count == 3)
            #expect(entries.allSatisfy { ($0["fields"] as? [String: Any])?["status"] as? String != "billed" })
        }
    }

    @Test("GET /me tells the page who may export and whether the team records activity")
    func me() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        try team.setActivity("Web", "private")
        try await team.server().application().test(.router) { client in
            let anna = object(try await client.call(.get, "/api/v1/me", token: team.tokens["anna"]!).body)
            #expect(anna["name"] as? String == "anna")
            #expect(anna["exports"] as? Bool == false)
            #expect(anna["activity"] as? String == "private")
            let fiona = object(try await client.call(.get, "/api/v1/me", token: team.tokens["fiona"]!).body)
            #expect(fiona["exports"] as? Bool == true)
            #expect(fiona["activity"] as? String == "off")
            #expect(object(try await client.call(.get, "/api/v1/me", token: team.tokens["carl"]!).body)["activity"] as? String == "off")
        }
    }
}

@Suite struct ActivityRouteTests {
    /// Starts anna's timer and returns its entry's id.
    static func startTimer(_ client: some TestClientProtocol, _ token: String, row: String = "Landing") async throws -> Int {
        let started = try await client.call(.post, "/api/v1/timers/start", token: token, #"{"table": "Tasks", "row": "\#(row)"}"#)
        #expect(started.status == .created)
        return object(started.body)["entry"] as? Int ?? 0
    }

    static func interval(_ entry: Int, active: Int = 4, idle: Int = 1) -> String {
        #"{"entry": \#(entry), "start": "2026-11-20T09:00:00Z", "active": \#(active), "idle": \#(idle)}"#
    }

    static func activityRows(_ client: some TestClientProtocol, _ token: String) async throws -> [[String: Any]] {
        let r = try await client.call(.get, "/api/v1/tables/Activity/rows", token: token)
        #expect(r.status == .ok)
        return object(r.body)["rows"] as? [[String: Any]] ?? []
    }

    @Test("recording is refused while the team's activity setting is off (the default), and nothing is stored")
    func refusedWhenOff() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        let anna = team.tokens["anna"]!
        try await team.server().application().test(.router) { client in
            let entry = try await Self.startTimer(client, anna)
            let refused = try await client.call(.post, "/api/v1/activity", token: anna, Self.interval(entry))
            #expect(refused.status == .forbidden)
            #expect(String(buffer: refused.body).contains("activity setting is off"))
            // Past the route, the table's own check refuses it too.
            let direct = try await client.call(.post, "/api/v1/tables/Activity/rows", token: anna,
                                               "{\"fields\": {\"person\": \"anna\", \"entry\": \"#\(entry)\", \"start\": \"2026-11-20 10:00\", \"active\": \"5m\"}}")
            #expect(direct.status == .unprocessableContent)
            #expect(try await Self.activityRows(client, anna).isEmpty)
        }
    }

    @Test("with activity private the person records and sees their own; another member and the lead see none")
    func privateSetting() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        try team.setActivity("Web", "private")
        let anna = team.tokens["anna"]!, boris = team.tokens["boris"]!, lena = team.tokens["lena"]!
        try await team.server().application().test(.router) { client in
            let entry = try await Self.startTimer(client, anna)
            let recorded = try await client.call(.post, "/api/v1/activity", token: anna, Self.interval(entry, active: 3, idle: 2))
            #expect(recorded.status == .created)
            let fields = object(recorded.body)["fields"] as? [String: Any] ?? [:]
            #expect(fields["person"] as? String == "anna")
            #expect(fields["active"] as? Int == 180)
            #expect(fields["idle"] as? Int == 120)
            #expect(try await Self.activityRows(client, anna).count == 1)
            #expect(try await Self.activityRows(client, boris).isEmpty)
            #expect(try await Self.activityRows(client, lena).isEmpty)
            #expect(try await Self.activityRows(client, team.tokens["fiona"]!).isEmpty)
            // Only while one's own timer runs: not on another's entry, not on a stopped one, no empty interval.
            #expect(try await client.call(.post, "/api/v1/activity", token: boris, Self.interval(entry)).status == .notFound)
            #expect(try await client.call(.post, "/api/v1/activity", token: anna, Self.interval(entry, active: 0, idle: 0)).status == .unprocessableContent)
            #expect(try await client.call(.post, "/api/v1/timers/stop", token: anna, #"{"all": true}"#).status == .ok)
            #expect(try await client.call(.post, "/api/v1/activity", token: anna, Self.interval(entry)).status == .conflict)
        }
    }

    @Test("with activity lead the team's lead sees the person's minutes; a member of another team and finance do not")
    func leadSetting() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        try team.setActivity("Web", "lead")
        let anna = team.tokens["anna"]!, lena = team.tokens["lena"]!
        try await team.server().application().test(.router) { client in
            let entry = try await Self.startTimer(client, anna)
            #expect(try await client.call(.post, "/api/v1/activity", token: anna, Self.interval(entry)).status == .created)
            let seen = try await Self.activityRows(client, lena)
            #expect(seen.count == 1)
            #expect((seen.first?["fields"] as? [String: Any])?["person"] as? String == "anna")
            #expect(try await Self.activityRows(client, anna).count == 1)
            #expect(try await Self.activityRows(client, team.tokens["boris"]!).isEmpty)
            #expect(try await Self.activityRows(client, team.tokens["carl"]!).isEmpty)
            #expect(try await Self.activityRows(client, team.tokens["fiona"]!).isEmpty)
            // The lead cannot record in the person's name.
            #expect(try await client.call(.post, "/api/v1/activity", token: lena, Self.interval(entry)).status == .notFound)
        }
        // Turned back to private: the lead no longer sees it, the person still does.
        try team.setActivity("Web", "private")
        try await team.server().application().test(.router) { client in
            let lead = try await Self.activityRows(client, lena), own = try await Self.activityRows(client, anna)
            #expect(lead.isEmpty)
            #expect(own.count == 1)
        }
    }
}
