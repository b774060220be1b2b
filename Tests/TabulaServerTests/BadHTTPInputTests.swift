import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TabulaEngine
@testable import TabulaServer

/// The HTTP part of the bad-input corpus (Tests/Fixtures/BadInput/http/requests.txt): every bad
/// request goes to the real routes of the server, and must be answered with its 4xx status and
/// the error shape, the error must say where the request is wrong, and the base's content must
/// be exactly as it was.
@Suite struct BadHTTPInputTests {
    static let file = BrowserTests.root.appendingPathComponent("Tests/Fixtures/BadInput/http/requests.txt")

    /// One request of the corpus and what its answer must be.
    struct Case: Sendable {
        var line: Int
        var person: String
        var contentType: String
        var method: HTTPRequest.Method
        var uri: String
        var body: String
        var status: Int
        var located: String

        var description: String { "requests.txt:\(line): \(method) \(uri) \(body.prefix(80))" }

        /// The body's bytes: the text, or what a generator makes.
        var bytes: ByteBuffer? {
            if body.isEmpty { return nil }
            if body == "@oversized" {
                // A valid JSON object just over the server's 16 MB limit.
                return ByteBuffer(string: #"{"fields": {"title": "X", "note": ""# + String(repeating: "a", count: 17 << 20) + #""}}"#)
            }
            if body == "@deep" { return ByteBuffer(string: String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)) }
            if body.hasPrefix("@bytes:") {
                let hex = Array(body.dropFirst(7))
                return ByteBuffer(bytes: stride(from: 0, to: hex.count - 1, by: 2).compactMap { UInt8(String(hex[$0...$0 + 1]), radix: 16) })
            }
            return ByteBuffer(string: body)
        }
    }

    static func cases() throws -> [Case] {
        let text = try String(contentsOf: file, encoding: .utf8)
        return try text.components(separatedBy: "\n").enumerated().compactMap { i, raw -> Case? in
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { return nil }
            guard let arrow = line.range(of: " => ", options: .backwards) else { throw CorpusError("requests.txt:\(i + 1): no ' => '") }
            var words = line[..<arrow.lowerBound].split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            var person = "anna", contentType = "application/json"
            while let first = words.first, first.hasPrefix("as=") || first.hasPrefix("type=") {
                if first.hasPrefix("as=") { person = String(first.dropFirst(3)) } else { contentType = String(first.dropFirst(5)) }
                words.removeFirst()
            }
            guard words.count >= 2, let method = HTTPRequest.Method(words[0]) else { throw CorpusError("requests.txt:\(i + 1): no METHOD PATH") }
            let expected = line[arrow.upperBound...].split(separator: " ", maxSplits: 1).map(String.init)
            guard let status = Int(expected.first ?? ""), expected.count == 2 else { throw CorpusError("requests.txt:\(i + 1): no STATUS WHERE") }
            return Case(line: i + 1, person: person, contentType: contentType, method: method, uri: words[1],
                        body: words.dropFirst(2).joined(separator: " "), status: status, located: expected[1])
        }
    }

    struct CorpusError: Error, CustomStringConvertible { let description: String; init(_ d: String) { description = d } }

    /// What was wrong with the answer to one case, or nil when it held.
    static func problems(_ c: Case, _ response: TestResponse, changed: Bool) -> String? {
        var problems: [String] = []
        if Int(response.status.code) != c.status { problems.append("status \(response.status.code), want \(c.status)") }
        let error = object(response.body)["error"] as? [String: Any]
        let message = error?["message"] as? String, field = error?["field"] as? String
        if error?["kind"] as? String == nil || message == nil { problems.append("no {\"error\": {\"kind\", \"message\"}}") }
        if !(message ?? "").contains(c.located) && field != c.located { problems.append("the error does not say '\(c.located)'") }
        if changed { problems.append("the base changed") }
        guard !problems.isEmpty else { return nil }
        return "\(c.description): \(problems.joined(separator: "; "))\n    answer: \(String(buffer: response.body).prefix(300))"
    }

    @Test("every bad request of the corpus is answered with its 4xx and an error that says where, and the base is unchanged")
    func corpus() async throws {
        let cases = try Self.cases()
        #expect(cases.count >= 100)
        #expect(cases.allSatisfy { (400..<500).contains($0.status) })
        var failures: [String] = []
        var next = 0
        // The cases run on one base and server; a case that changed the base fails, and the
        // rest go on from a fresh base (as the command-line corpus puts its base back).
        while next < cases.count {
            let team = try TeamBase()
            defer { team.remove() }
            let remaining = Array(cases[next...])
            let (failed, ran) = try await team.server().application().test(.router) { client -> ([String], Int) in
                try await Self.noteTokens(team, client)
                var failed: [String] = []
                for (i, c) in remaining.enumerated() {
                    let before = try Self.dump(team.path)
                    let response = try await client.execute(uri: c.uri, method: c.method, headers: Self.headers(c, team), body: c.bytes)
                    let changed = try Self.dump(team.path) != before
                    if let failure = Self.problems(c, response, changed: changed) { failed.append(failure) }
                    if changed { return (failed, i + 1) }
                }
                return (failed, remaining.count)
            }
            failures += failed
            next += ran
        }
        print("bad-input corpus, http: \(cases.count) cases, \(failures.count) failed")
        #expect(failures.isEmpty, "\(failures.count) of \(cases.count) http cases failed:\n\(failures.joined(separator: "\n"))")
    }

    /// Good requests, each of which the mutation test edits into nearly-good ones.
    static let goodRequests: [(HTTPRequest.Method, String, String)] = [
        (.post, "/api/v1/tables/Tasks/rows", #"{"fields": {"title": "Docs", "project": "Web", "estimate": "2h30m", "stream": ["backend"]}}"#),
        (.patch, "/api/v1/tables/Tasks/rows/1", #"{"fields": {"estimate": "3h", "assignee": "anna"}}"#),
        (.post, "/api/v1/timers/start", #"{"table": "Tasks", "row": "Login", "pomodoro": false}"#),
        (.post, "/api/v1/timers/stop", #"{"all": true}"#),
        (.post, "/api/v1/log", #"{"table": "Tasks", "row": "Landing", "date": "2026-11-18", "hours": 1.5, "note": "forgot"}"#),
        (.post, "/api/v1/log", #"{"table": "Tasks", "row": 1, "from": "2026-11-17T09:00:00Z", "to": "2026-11-17T10:00:00Z", "fields": {"category": "internal"}}"#),
        (.post, "/api/v1/report", #"{"query": "sum(duration) by person for this month"}"#),
        (.post, "/api/v1/requests", #"{"table": "TimeEntries", "row": 1, "fields": {"note": "late"}, "reason": "forgot"}"#),
        (.get, "/api/v1/tables/TimeEntries/rows?where=duration%20%3E%201h&order=-start&limit=5&cursor=o0", ""),
    ]

    @Test("good requests mutated from a fixed seed are answered 2xx, or a 4xx with the error shape and the base unchanged; never a 5xx")
    func mutatedRequests() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        let anna = team.tokens["anna"]!
        let problems = try await team.server().application().test(.router) { client -> [String] in
            try await Self.noteTokens(team, client)
            var random = SeededGenerator(seed: 19)
            var problems: [String] = []
            var refused = 0, taken = 0
            for (method, uri, body) in Self.goodRequests {
                for n in 0..<40 {
                    // A GET's query string is mutated, a write's body: its text, or one of its values.
                    let (path, query) = uri.split(separator: "?", maxSplits: 1).map(String.init).splitFirst
                    let mutantURI = method == .get ? path + "?" + Self.mutate(query ?? "", &random) : uri
                    let mutantBody = method == .get ? "" : n % 2 == 0 ? Self.mutate(body, &random) : Self.mutateValue(body, &random)
                    let before = try Self.dump(team.path)
                    var headers = HTTPFields()
                    headers[.authorization] = "Bearer \(anna)"
                    if !mutantBody.isEmpty { headers[.contentType] = "application/json" }
                    let response = try await client.execute(uri: mutantURI, method: method, headers: headers,
                                                            body: mutantBody.isEmpty ? nil : ByteBuffer(string: mutantBody))
                    let code = Int(response.status.code)
                    let what = "\(method) \(mutantURI) \(mutantBody): \(code) \(String(buffer: response.body).prefix(200))"
                    if code >= 500 { problems.append("a 5xx: " + what) }
                    guard (400..<500).contains(code) else { taken += 1; continue }
                    refused += 1
                    let error = object(response.body)["error"] as? [String: Any]
                    if error?["kind"] as? String == nil || (error?["message"] as? String ?? "").isEmpty { problems.append("no error shape: " + what) }
                    if try Self.dump(team.path) != before { problems.append("refused, yet the base changed: " + what) }
                }
            }
            print("mutated HTTP requests: \(refused + taken) (\(refused) refused with a 4xx, \(taken) taken), \(problems.count) problems")
            return problems
        }
        #expect(problems.isEmpty, "\(problems.count) mutants went wrong:\n\(problems.prefix(20).joined(separator: "\n"))")
    }

    /// The body with one member's value (at the top or in "fields") replaced by a value of
    /// another type or an edge of its own, or the member dropped or misnamed: JSON that parses.
    static func mutateValue(_ body: String, _ random: inout SeededGenerator) -> String {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] else { return body }
        let values: [Any] = [NSNull(), true, false, 0, -1, 1.5, 1e300, "", " ", "x", "#0", "#-1", "9999-99-99", "25:61", "-2h", "1e9h", "0 EUR",
                             String(repeating: "w", count: 5000), [Any](), [String: Any](), [[1]], ["a", 2], ["k": "v"]]
        var fields = object["fields"] as? [String: Any]
        let inFields = fields != nil && Bool.random(using: &random)
        var target = inFields ? fields! : object
        guard let key = target.keys.sorted().randomElement(using: &random) else { return body }
        switch Int.random(in: 0..<6, using: &random) {
        case 0: target[key] = nil
        case 1: target[key + "x"] = target.removeValue(forKey: key)
        default: target[key] = values.randomElement(using: &random)!
        }
        if inFields { fields = target; object["fields"] = fields } else { object = target }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? body
    }

    /// One to three small edits of the text (characters JSON and queries care about).
    static func mutate(_ text: String, _ random: inout SeededGenerator) -> String {
        let alphabet = Array(#"{}[],:"\ 0-9.e+%&=ntfaé"#) + ["\u{0}", "\n"]
        var chars = Array(text)
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            guard !chars.isEmpty else { chars = [alphabet.randomElement(using: &random)!]; continue }
            let i = Int.random(in: 0..<chars.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: chars.remove(at: i)
            case 1: chars.insert(alphabet.randomElement(using: &random)!, at: i)
            case 2: chars[i] = alphabet.randomElement(using: &random)!
            case 3: if i + 1 < chars.count { chars.swapAt(i, i + 1) }
            case 4: chars.removeSubrange(i..<min(chars.count, i + Int.random(in: 1...8, using: &random)))
            default: let end = min(chars.count, i + Int.random(in: 1...12, using: &random)); chars.insert(contentsOf: chars[i..<end], at: end)
            }
        }
        return String(chars)
    }

    static func headers(_ c: Case, _ team: TeamBase) -> HTTPFields {
        var headers = HTTPFields()
        switch c.person {
        case "none": break
        case "forged": headers[.authorization] = "Bearer tab_forged0000000000000000"
        default: headers[.authorization] = "Bearer \(team.tokens[c.person] ?? "")"
        }
        if !c.body.isEmpty { headers[.contentType] = c.contentType }
        return headers
    }

    /// Each token's first use is noted in the base (once a minute, at the server's fixed clock);
    /// done here first, so that the cases' dumps compare only their own writes.
    static func noteTokens(_ team: TeamBase, _ client: some TestClientProtocol) async throws {
        for token in team.tokens.values {
            #expect(try await client.call(.get, "/api/v1/timers", token: token).status == .ok)
        }
        try await waitUntilTokensAreNoted(team)
    }

    static func waitUntilTokensAreNoted(_ team: TeamBase) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let base = try Base.open(at: team.path, actor: "admin")
            let unused = try base.tokens.list().filter { $0.lastUsed == nil }.count
            base.close()
            if unused == 0 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Rows and schema of a base file, as text: what "the base unchanged" is compared by (as in
    /// the command-line corpus).
    static func dump(_ path: String) throws -> [String] {
        let db = try Connection(path: path, mode: .readOnly)
        defer { db.close() }
        var lines = try db.query("SELECT type, name, sql FROM sqlite_master ORDER BY name").map { $0.map(\.description).joined(separator: "|") }
        for name in try db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").compactMap({ $0[0].textValue }) {
            lines += try db.query("SELECT * FROM \"\(name)\"").map { "\(name): " + $0.map(\.description).joined(separator: "|") }
        }
        return lines
    }
}

extension Array where Element == String {
    /// The first element and the second, if any (a path and its query string).
    var splitFirst: (String, String?) { (first ?? "", count > 1 ? self[1] : nil) }
}
