import Foundation
import TabulaEngine
import TabulaServer

/// `tabula bench grid`: a time-tracking base of N imported entries served in this process, and
/// the requests the web table makes to open its TimeEntries grid (the first page of 50, the same
/// sorted newest first, the same filtered), timed over loopback HTTP: what the server takes to
/// answer them plus one local round trip.
public enum GridBenchmark {
    /// One kind of page request, timed.
    public struct Line: Sendable {
        public var name: String
        public var samples: TimingSamples
    }

    public struct Result: Sendable {
        public var entries: Int
        public var importSeconds: Double
        public var lines: [Line]
    }

    public static func run(entries: Int, repetitions: Int, log: @Sendable (String) -> Void) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tabula-bench-grid-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("grid.tabula").path
        log("importing \(entries) generated entries ...")
        let figures = try ImportBenchmark(entries: entries).build(at: path)
        let token: String = try {
            let base = try Base.open(at: path, actor: "bench")
            defer { base.close() }
            // Finance reads every entry: the page then is the whole table's first page.
            try base.write { tx in _ = try tx.update("People", row: "Person 0", [TextAssignment(field: "role", text: "finance")]) }
            return try APITokens.create(on: base, person: "Person 0", label: "bench").token
        }()
        let (port, serving) = try await ServerBenchmark.serve(path)
        defer { serving.cancel() }
        log("serving on 127.0.0.1:\(port); \(repetitions) requests of each page ...")
        let pages: [(String, String)] = [
            ("first page (50 rows)", "/api/v1/tables/TimeEntries/rows?limit=50"),
            ("sorted newest first", "/api/v1/tables/TimeEntries/rows?limit=50&order=-start"),
            ("filtered (duration > 3h)", "/api/v1/tables/TimeEntries/rows?limit=50&where=duration%20%3E%203h"),
        ]
        // The client blocks on its socket, so it runs on a thread of its own: the server's tasks
        // run on its event loops, which a blocked task would stall.
        let lines = try await onThreadOfItsOwn {
            let connection = try LoopbackHTTPConnection(port: port)
            return try pages.map { name, path in
                var samples = TimingSamples()
                for _ in 0..<repetitions {
                    let start = DispatchTime.now().uptimeNanoseconds
                    let response = try connection.send("GET", path, token: token)
                    samples.add(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
                    guard response.status == 200 else {
                        throw BenchmarkError("\(path) answered \(response.status): \(String(decoding: response.body, as: UTF8.self).prefix(200))")
                    }
                }
                return Line(name: name, samples: samples)
            }
        }
        return Result(entries: entries, importSeconds: figures.importSeconds, lines: lines)
    }

    public static func table(_ r: Result) -> [String] {
        ["TimeEntries grid over loopback HTTP, \(r.entries) entries (imported in \(String(format: "%.1f", r.importSeconds)) s)"]
            + r.lines.map { line in
                line.name.padding(toLength: 28, withPad: " ", startingAt: 0)
                    + String(format: "median %7.2f ms  p99 %7.2f ms  (%d requests)", line.samples.median, line.samples.p99, line.samples.milliseconds.count)
            }
    }
}
