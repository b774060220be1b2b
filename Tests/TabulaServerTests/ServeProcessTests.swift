import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import HummingbirdTesting
import Testing
import TabulaEngine
@testable import TabulaServer

@Suite struct OpenAPIDocumentTests {
    @Test("every route the OpenAPI document lists is answered by the server (with one of its documented statuses)")
    func everyListedRouteExists() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        #expect(paths.count >= 17)
        var calls: [(uri: String, method: String, documented: Set<Int>)] = []
        for (path, operations) in paths.sorted(by: { $0.key < $1.key }) {
            let uri = "/api/v1" + path.replacingOccurrences(of: "{table}", with: "Tasks").replacingOccurrences(of: "{id}", with: "1")
                .replacingOccurrences(of: "{name}", with: "week").replacingOccurrences(of: "{month}", with: "2026-11").replacingOccurrences(of: "{template}", with: "1c")
            for (method, spec) in operations {
                calls.append((uri, method, Set(((spec as? [String: Any])?["responses"] as? [String: Any] ?? [:]).keys.compactMap { Int($0) })))
            }
        }
        let routes = calls
        let lena = team.tokens["lena"]!
        try await team.server().application().test(.router) { client in
            for (uri, method, documented) in routes {
                let r = try await client.call(HTTPRequest.Method(rawValue: method.uppercased())!, uri, token: lena, method == "get" || method == "delete" ? nil : "{}")
                #expect(documented.contains(Int(r.status.code)), "\(method) \(uri): \(r.status.code) is not documented")
                // A route the router does not know answers 404 with no JSON error of ours.
                if r.status == .notFound { #expect(object(r.body)["error"] != nil, "\(method) \(uri) is not routed") }
            }
        }
    }
}

/// `tabula serve` as a real process on a free loopback port.
@Suite struct ServeProcessTests {
    static let binary: URL = {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("tabula")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/tabula")
    }()

    /// Starts the server and returns it with its port (read from its first line).
    static func serve(_ path: String) throws -> (Process, Int, Pipe) {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", path, "--host", "127.0.0.1", "--port", "0"]
        var env = ProcessInfo.processInfo.environment
        env["TABULA_NOW"] = "2026-11-20T09:00:00Z"
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression),
              let port = Int(text[range].split(separator: ":").last ?? "") else {
            process.terminate()
            throw TestFailure("the server did not say its port: \(text)")
        }
        return (process, port, err)
    }

    struct TestFailure: Error, CustomStringConvertible { let description: String; init(_ d: String) { description = d } }

    static func request(_ method: String, _ url: String, token: String, body: String? = nil) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body { request.httpBody = Data(body.utf8); request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    @Test("tabula serve answers on a free port, logs one line per request, and stops cleanly on SIGTERM")
    func servesAndStopsOnSigterm() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        let (process, port, err) = try Self.serve(team.path)
        let anna = team.tokens["anna"]!
        let (status, started) = try await Self.request("POST", "http://127.0.0.1:\(port)/api/v1/timers/start", token: anna, body: #"{"table": "Tasks", "row": "Login"}"#)
        #expect(status == 201)
        #expect(started["person"] as? String == "anna")
        let (listed, timers) = try await Self.request("GET", "http://127.0.0.1:\(port)/api/v1/timers", token: anna)
        #expect(listed == 200)
        #expect((timers["timers"] as? [Any])?.count == 1)
        let (denied, _) = try await Self.request("GET", "http://127.0.0.1:\(port)/api/v1/tables/TimeEntries/rows/2", token: anna)
        #expect(denied == 404)
        // A CLI write while the server runs waits for the lock, it does not fail.
        let cli = Process()
        cli.executableURL = Self.binary
        cli.arguments = ["log", team.path, "Tasks", "Landing", "--date", "2026-11-18", "--hours", "1", "--as", "boris"]
        cli.standardOutput = Pipe(); cli.standardError = Pipe()
        try cli.run()
        cli.waitUntilExit()
        #expect(cli.terminationStatus == 0)
        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        let log = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("POST /api/v1/timers/start 201"))
        #expect(log.contains("GET /api/v1/tables/TimeEntries/rows/2 404"))
        #expect(log.contains("anna"))
        #expect(!log.contains(anna), "the token must never be logged")
        // What the server wrote is in the file, checked clean.
        let base = try Base.open(at: team.path, actor: "admin")
        defer { base.close() }
        #expect(try base.timers.running(everyone: true).count == 1)
        #expect(try base.integrity.check().isEmpty)
    }
}
