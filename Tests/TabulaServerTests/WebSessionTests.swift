import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TabulaEngine
import TabulaTimeTracking
@testable import TabulaServer

extension TeamBase {
    /// Sets web passwords (`name` + "-password") for the named people.
    func setPasswords(_ names: [String]) throws {
        let base = try Base.open(at: path, actor: "admin", now: { TeamBase.now })
        TimeTracking.install(on: base)
        defer { base.close() }
        for name in names { try WebPasswords.set(on: base, person: name, password: name + "-password") }
    }
}

/// A signed-in browser as the tests drive it: the session cookie and the page's CSRF token.
struct Browser {
    var cookie: String
    var csrf: String

    static func signIn(_ client: some TestClientProtocol, _ name: String, _ password: String) async throws -> Browser? {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-www-form-urlencoded"
        let r = try await client.execute(uri: "/signin", method: .post, headers: headers,
                                         body: ByteBuffer(string: "name=\(name)&password=\(password)"))
        guard r.status == .seeOther, let set = r.headers[.setCookie] else { return nil }
        let cookie = String(set.split(separator: ";")[0])
        var pageHeaders = HTTPFields()
        pageHeaders[.cookie] = cookie
        let page = try await client.execute(uri: "/", method: .get, headers: pageHeaders)
        let html = String(buffer: page.body)
        guard let range = html.range(of: #"<meta name="csrf" content=""#),
              let end = html[range.upperBound...].firstIndex(of: "\"") else { return nil }
        return Browser(cookie: cookie, csrf: String(html[range.upperBound..<end]))
    }

    func call(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, csrf: String?? = .none) async throws -> TestResponse {
        var headers = HTTPFields()
        headers[.cookie] = cookie
        let token: String? = csrf ?? self.csrf
        if let token { headers[WebSessions.csrfHeader] = token }
        if body != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }
}

@Suite struct WebSessionTests {
    @Test("a password is stored as a bcrypt hash, never as itself, and a short one is refused")
    func passwordsAreHashed() throws {
        let team = try TeamBase()
        defer { team.remove() }
        let base = try Base.open(at: team.path, actor: "admin", now: { TeamBase.now })
        defer { base.close() }
        #expect(throws: EngineError.self) { try WebPasswords.set(on: base, person: "anna", password: "short") }
        #expect(throws: EngineError.self) { try WebPasswords.set(on: base, person: "nobody", password: "long enough") }
        try WebPasswords.set(on: base, person: "anna", password: "anna-password")
        let anna = try #require(try WebPasswords.person(named: "anna", in: base))
        let hash = try #require(try base.logins.passwordHash(person: anna))
        #expect(hash.hasPrefix("$2"))
        #expect(!hash.contains("anna-password"))
        let file = try Data(contentsOf: URL(fileURLWithPath: team.path))
        #expect(file.range(of: Data("anna-password".utf8)) == nil)
    }

    @Test("signing in sets an HttpOnly SameSite=Strict cookie; a wrong password or name is refused the same way")
    func signIn() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        try team.setPasswords(["anna"])
        try await team.server().application().test(.router) { client in
            var headers = HTTPFields()
            headers[.contentType] = "application/x-www-form-urlencoded"
            for body in ["name=anna&password=wrong", "name=nobody&password=anna-password", "name=boris&password=boris-password"] {
                let r = try await client.execute(uri: "/signin", method: .post, headers: headers, body: ByteBuffer(string: body))
                #expect(r.status == .unauthorized)
                #expect(r.headers[.setCookie] == nil)
                #expect(String(buffer: r.body).contains("not right"))
            }
            let ok = try await client.execute(uri: "/signin", method: .post, headers: headers, body: ByteBuffer(string: "name=anna&password=anna-password"))
            #expect(ok.status == .seeOther)
            let cookie = try #require(ok.headers[.setCookie])
            #expect(cookie.hasPrefix("tabula_session=tab_"))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(!cookie.contains("Secure"))
            // The base keeps only a hash of the session id.
            let id = String(cookie.split(separator: ";")[0].dropFirst("tabula_session=".count))
            let file = try Data(contentsOf: URL(fileURLWithPath: team.path))
            #expect(file.range(of: Data(id.utf8)) == nil)
            // Without a session the page sends the browser to the sign-in page.
            let page = try await client.execute(uri: "/", method: .get)
            #expect(page.status == .seeOther)
            #expect(page.headers[.location] == "/signin")
        }
    }

    @Test("the cookie is Secure when the server sits behind an https public URL")
    func secureBehindHTTPS() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        try team.setPasswords(["anna"])
        let server = try TabulaServer(.init(path: team.path, port: 0, publicURL: "https://time.example.com", now: { TeamBase.now }))
        try await server.application().test(.router) { client in
            var headers = HTTPFields()
            headers[.contentType] = "application/x-www-form-urlencoded"
            let ok = try await client.execute(uri: "/signin", method: .post, headers: headers, body: ByteBuffer(string: "name=anna&password=anna-password"))
            #expect(ok.headers[.setCookie]?.contains("; Secure") == true)
        }
    }

    @Test("the session reads the API as its person; writes need the page's CSRF token")
    func sessionUsesTheAPIWithCSRF() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        try team.setPasswords(["anna"])
        try await team.server().application().test(.router) { client in
            let anna = try #require(try await Browser.signIn(client, "anna", "anna-password"))
            let list = try await anna.call(client, .get, "/api/v1/tables/TimeEntries/rows", csrf: .some(nil))
            #expect(list.status == .ok)
            let rows = object(list.body)["rows"] as? [[String: Any]] ?? []
            #expect(rows.count == 1)
            #expect((rows.first?["fields"] as? [String: Any])?["person"] as? String == "anna")
            let start = #"{"table": "Tasks", "row": "Login"}"#
            for csrf in [nil, "tab_forged"] as [String?] {
                let refused = try await anna.call(client, .post, "/api/v1/timers/start", start, csrf: .some(csrf))
                #expect(refused.status == .forbidden)
                #expect((object(refused.body)["error"] as? [String: Any])?["message"] as? String == "this write carries no valid CSRF token")
            }
            let none = try await anna.call(client, .get, "/api/v1/timers")
            #expect((object(none.body)["timers"] as? [Any])?.isEmpty == true)
            let started = try await anna.call(client, .post, "/api/v1/timers/start", start)
            #expect(started.status == .created)
            #expect(object(started.body)["person"] as? String == "anna")
            // API tokens keep working beside sessions.
            let byToken = try await client.call(.get, "/api/v1/timers", token: team.tokens["anna"]!)
            #expect((object(byToken.body)["timers"] as? [Any])?.count == 1)
        }
    }

    @Test("signing out ends the session in the base: the old cookie no longer reads anything")
    func signOut() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        try team.setPasswords(["anna"])
        try await team.server().application().test(.router) { client in
            let anna = try #require(try await Browser.signIn(client, "anna", "anna-password"))
            // A sign-out without the token (another site's form) does not end the session.
            var headers = HTTPFields()
            headers[.cookie] = anna.cookie
            headers[.contentType] = "application/x-www-form-urlencoded"
            _ = try await client.execute(uri: "/signout", method: .post, headers: headers, body: ByteBuffer(string: "csrf=forged"))
            #expect(try await anna.call(client, .get, "/api/v1/tables").status == .ok)
            let out = try await client.execute(uri: "/signout", method: .post, headers: headers, body: ByteBuffer(string: "csrf=\(anna.csrf)"))
            #expect(out.status == .seeOther)
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await anna.call(client, .get, "/api/v1/tables").status == .unauthorized)
            let page = try await client.execute(uri: "/", method: .get, headers: headers)
            #expect(page.headers[.location] == "/signin")
        }
    }

    @Test("a new password ends the person's open sessions")
    func newPasswordEndsSessions() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        try team.setPasswords(["anna"])
        try await team.server().application().test(.router) { client in
            let anna = try #require(try await Browser.signIn(client, "anna", "anna-password"))
            #expect(try await anna.call(client, .get, "/api/v1/tables").status == .ok)
            try team.setPasswords(["anna"])
            #expect(try await anna.call(client, .get, "/api/v1/tables").status == .unauthorized)
        }
    }

    @Test("the page, its script and style are served by the binary; the event stream needs a session")
    func pagesAndEvents() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        try team.setPasswords(["anna"])
        try await team.server().application().test(.router) { client in
            let anna = try #require(try await Browser.signIn(client, "anna", "anna-password"))
            let page = try await anna.call(client, .get, "/")
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains(#"<meta name="person" content="anna">"#))
            #expect(html.contains("/assets/app.js"))
            #expect(!html.contains("http://") && !html.contains("https://"))
            let script = try await client.execute(uri: "/assets/app.js", method: .get)
            #expect(script.headers[.contentType]?.hasPrefix("text/javascript") == true)
            #expect(String(buffer: script.body).contains("X-CSRF-Token"))
            let style = try await client.execute(uri: "/assets/app.css", method: .get)
            #expect(style.status == .ok)
            let events = try await client.execute(uri: "/events", method: .get)
            #expect(events.status == .unauthorized)
        }
    }

    @Test("the reports page lists the saved reports and runs one for a period, formatted, as the signed-in person")
    func savedReports() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        try team.setPasswords(["anna", "lena"])
        try await team.server().application().test(.router) { client in
            let anna = try #require(try await Browser.signIn(client, "anna", "anna-password"))
            let list = object(try await anna.call(client, .get, "/web/reports").body)["reports"] as? [[String: Any]] ?? []
            #expect(list.contains { $0["name"] as? String == "week" })
            let week = object(try await anna.call(client, .get, "/web/reports/week?for=2026-W47").body)
            let rows = week["rows"] as? [[String]] ?? []
            #expect(rows == [["anna", "Web", "2:00"]])
            #expect((week["columns"] as? [[String: Any]])?.last?["numeric"] as? Bool == true)
            let lena = try #require(try await Browser.signIn(client, "lena", "lena-password"))
            let team = object(try await lena.call(client, .get, "/web/reports/week?for=2026-W47").body)["rows"] as? [[String]] ?? []
            #expect(Set(team.map { $0[0] }) == ["anna", "boris"])
            let empty = object(try await anna.call(client, .get, "/web/reports/week?for=2026-10").body)["rows"] as? [[String]]
            #expect(empty?.isEmpty == true)
            #expect(try await anna.call(client, .get, "/web/reports/nope").status == .notFound)
            #expect(try await client.execute(uri: "/web/reports", method: .get).status == .unauthorized)
        }
    }

    @Test("the change stamp grows with every write, whichever connection made it")
    func changeStampGrows() throws {
        let team = try TeamBase()
        defer { team.remove() }
        let reader = try Base.open(at: team.path, actor: "admin", now: { TeamBase.now })
        let writer = try Base.open(at: team.path, actor: "anna", now: { TeamBase.now })
        TimeTracking.install(on: writer)
        defer { reader.close(); writer.close() }
        let before = try reader.changeStamp()
        _ = try writer.write { tx in try tx.startTimer(table: "Tasks", row: "Login", field: nil, mode: .stopwatch) }
        let afterStart = try reader.changeStamp()
        #expect(afterStart > before)
        _ = try writer.write { tx in try tx.stopTimer(table: "Tasks", row: "Login", field: nil, all: false) }
        #expect(try reader.changeStamp() > afterStart)
    }
}
