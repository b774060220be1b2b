import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Synchronization
import TabulaEngine
import TabulaReports
import TabulaServer
import TabulaTimeTracking

/// `tabula bench server`: the server in this process on a loopback port, and C clients over real
/// HTTP, each a person of its own starting and stopping a timer (writes) and reading its timers
/// and a row (reads), for S seconds. Prints requests per second and latency percentiles.
public enum ServerBenchmark {
    public struct Result: Sendable {
        public var clients: Int
        public var seconds: Double
        public var writes: TimingSamples
        public var reads: TimingSamples
        public var errors: Int
    }

    public static func run(clients: Int, seconds: Double, log: @Sendable (String) -> Void) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tabula-bench-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bench.tabula").path
        log("making a base with \(clients) people and tasks ...")
        let tokens = try makeBase(path, people: clients)
        // Requests are not logged here: the benchmark measures the API, not the terminal.
        var quiet = Logger(label: "tabula.bench.server")
        quiet.logLevel = .critical
        let server = try TabulaServer(.init(path: path, host: "127.0.0.1", port: 0), logger: quiet)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = server.application { port in continuation.yield(port) }
        let serving = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw EngineError(.storage, "the server did not start") }
        log("serving on 127.0.0.1:\(port); \(clients) clients for \(seconds) s ...")
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: clients)))
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        let started = ContinuousClock.now
        let outcome = try await withThrowingTaskGroup(of: (TimingSamples, TimingSamples, Int).self) { group in
            for (i, token) in tokens.enumerated() {
                group.addTask {
                    var writes = TimingSamples(), reads = TimingSamples()
                    var errors = 0
                    var running = false
                    while ContinuousClock.now < deadline {
                        let body = #"{"table": "Tasks", "row": \#(i + 1)}"#
                        let (ok, ms) = try await call(http, port: port, token: token, post: true, path: running ? "/api/v1/timers/stop" : "/api/v1/timers/start", body: body)
                        writes.add(ms); if !ok { errors += 1 }
                        running.toggle()
                        let (readOK, readMS) = try await call(http, port: port, token: token, post: false, path: "/api/v1/timers", body: nil)
                        reads.add(readMS); if !readOK { errors += 1 }
                        let (rowOK, rowMS) = try await call(http, port: port, token: token, post: false, path: "/api/v1/tables/Tasks/rows/\(i + 1)", body: nil)
                        reads.add(rowMS); if !rowOK { errors += 1 }
                    }
                    return (writes, reads, errors)
                }
            }
            var writes = TimingSamples(), reads = TimingSamples()
            var errors = 0
            for try await (w, r, e) in group {
                w.milliseconds.forEach { writes.add($0) }
                r.milliseconds.forEach { reads.add($0) }
                errors += e
            }
            return (writes, reads, errors)
        }
        let elapsed = ContinuousClock.now - started
        try await http.shutdown()
        serving.cancel()
        _ = try? await serving.value
        let total = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Result(clients: clients, seconds: total, writes: outcome.0, reads: outcome.1, errors: outcome.2)
    }

    static func call(_ http: HTTPClient, port: Int, token: String, post: Bool, path: String, body: String?) async throws -> (Bool, Double) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = post ? .POST : .GET
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let response = try await http.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
        return ((200..<300).contains(Int(response.status.code)), ms)
    }

    /// A time-tracking base with one person, task and token per client.
    static func makeBase(_ path: String, people: Int) throws -> [String] {
        let source = SchemaPackage.named("timetracking")!.configured(timeZone: "Europe/Berlin", currency: "EUR")
        let base = try Base.create(at: path, schemaSource: source, sourceName: "package timetracking", actor: "bench", reportChecker: ReportChecker())
        TimeTracking.install(on: base)
        defer { base.close() }
        try base.write { tx in
            _ = try tx.insert(into: "Clients", rows: [[TextAssignment(field: "name", text: "Acme")]])
            _ = try tx.insert(into: "Projects", rows: [[TextAssignment(field: "name", text: "Web"), TextAssignment(field: "client", text: "Acme")]])
            _ = try tx.insert(into: "People", rows: (0..<people).map { [TextAssignment(field: "name", text: "p\($0)")] })
            _ = try tx.insert(into: "Tasks", rows: (0..<people).map { [TextAssignment(field: "title", text: "t\($0)"), TextAssignment(field: "project", text: "Web")] })
        }
        return try (0..<people).map { try APITokens.create(on: base, person: "p\($0)", label: "bench").token }
    }

    public static func table(_ r: Result) -> [String] {
        func line(_ name: String, _ s: TimingSamples) -> String {
            let perSecond = Double(s.milliseconds.count) / max(r.seconds, 0.001)
            return name.padding(toLength: 26, withPad: " ", startingAt: 0)
                + String(format: "%9.0f/s  p50 %7.2f ms  p99 %7.2f ms  (%d requests)", perSecond, s.median, s.p99, s.milliseconds.count)
        }
        return ["server over loopback HTTP, \(r.clients) clients, \(String(format: "%.1f", r.seconds)) s",
                line("timer start/stop (writes)", r.writes), line("reads (timers, a row)", r.reads),
                "failed requests: \(r.errors)"]
    }
}
