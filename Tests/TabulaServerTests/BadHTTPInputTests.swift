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
