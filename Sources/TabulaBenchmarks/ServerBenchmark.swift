import Foundation
import Logging
import TabulaEngine
import TabulaReports
import TabulaServer
import TabulaTimeTracking

/// `tabula bench server`: the server in this process on a loopback port, and C clients over real
/// HTTP, each a person of its own on a connection of its own, in three phases of S seconds, each
/// on a fresh base of its own: every client starting and stopping its timer (writes alone),
/// every client reading its timers and a row (reads alone), and every client doing one write
/// then two reads (the mix). Prints requests per second and
/// latency percentiles of each. The clients run in the same process, on the same cores.
///
/// By default each client calls again as soon as its answer came (a closed loop: the server's
/// most requests per second, and latency under that saturation, which with C clients is at least
/// C over the rate). With a rate, the clients send at that many requests per second in all, each
/// on a fixed schedule (an open loop, as wrk2 does), and a request's latency counts from when it
/// was due, so a slow answer that delays the next request is counted, not hidden.
///
/// In the phases that write, the server's clock runs an hour for each second of the wall clock
/// (`simulatedClock`): a client's timer runs some 20 ms between its start and its stop, which
/// would be a stop of 0 s, changing no total. At this speed each stopped timer has run a minute
/// or more, as in use, and its stop changes the task's, project's, client's and period's hours
/// and amounts, as a real stop does: the incremental graph's whole path is what is measured.
///
/// Each phase first runs a warm-up (one second by default) under the same load, not counted: a
/// server's first requests prepare statements and fill caches, and a closed loop's clients all
/// start at once; the figures are those of the load held after that, as wrk2 calibrates first.
public enum ServerBenchmark {
    /// What the clients do in a phase.
    public enum Phase: String, Sendable, CaseIterable {
        case writes, reads, mixed
    }

    /// The requests of one phase.
    public struct PhaseResult: Sendable {
        public var phase: Phase
        public var seconds: Double
        public var writes: TimingSamples
        public var reads: TimingSamples
        public var errors: Int
        /// CPU seconds the process spent in the phase (user and system, server and clients together).
        public var cpuSeconds: Double
    }

    public struct Result: Sendable {
        public var clients: Int
        /// The requests per second offered in all (nil: a closed loop).
        public var rate: Double?
        /// Seconds each phase ran before its requests were counted.
        public var warmup: Double
        public var phases: [PhaseResult]
        public var errors: Int { phases.reduce(0) { $0 + $1.errors } }
    }

    public static func run(clients: Int, seconds: Double, phases: [Phase] = Phase.allCases, rate: Double? = nil, warmup: Double = 1,
                           log: @Sendable (String) -> Void) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tabula-bench-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var results: [PhaseResult] = []
        for phase in phases {
            // Each phase on a base of its own, made the same way: the reads are not of task rows
            // that the write phase gave thousands of entries in a few seconds.
            let path = directory.appendingPathComponent("\(phase.rawValue).tabula").path
            log("making a base with \(clients) people and tasks ...")
            // The readers' timers run, so that listing them has something to list.
            let tokens = try makeBase(path, people: clients, timersRunning: phase == .reads)
            let (port, serving) = try await serve(path, now: phase == .reads ? Base.systemClock : simulatedClock())
            log("serving on 127.0.0.1:\(port); \(clients) clients, \(phase.rawValue), for \(seconds) s after \(warmup) s of warm-up" + (rate.map { String(format: ", %.0f requests/s offered", $0) } ?? "") + " ...")
            do {
                results.append(try await measure(phase, port: port, tokens: tokens, seconds: seconds, rate: rate, warmup: warmup))
            } catch {
                serving.cancel()
                throw error
            }
            serving.cancel()
            _ = try? await serving.value
        }
        return Result(clients: clients, rate: rate, warmup: warmup, phases: results)
    }

    /// Serves the base at `path` in this process on a free loopback port, with requests not
    /// logged (the benchmarks measure the API, not the terminal); cancel the task to stop it.
    static func serve(_ path: String, now: @escaping @Sendable () -> Instant = Base.systemClock) async throws
        -> (port: Int, serving: Task<Void, any Error>) {
        // As `tabula serve` runs (the clients are threads of their own either way).
        TabulaServer.runTasksOnEventLoops()
        var quiet = Logger(label: "tabula.bench.server")
        quiet.logLevel = .critical
        let server = try TabulaServer(.init(path: path, host: "127.0.0.1", port: 0, now: now), logger: quiet)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = server.application { port in continuation.yield(port) }
        let serving = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            serving.cancel()
            throw EngineError(.storage, "the server did not start")
        }
        return (port, serving)
    }

    /// One phase (a client's first write starts its timer). Each client has one kept-alive
    /// connection and calls again as soon as its answer comes (a closed loop), or, with a rate,
    /// when its next request is due (an open loop); two threads drive all the connections with
    /// `poll`, as load generators such as wrk do, so the clients' own CPU (a thread woken per
    /// answer, otherwise) stays small beside the server's.
    static func measure(_ phase: Phase, port: Int, tokens: [String], seconds: Double, rate: Double? = nil,
                        warmup: Double = 0) async throws -> PhaseResult {
        /// What one poll loop measured, for its clients.
        struct Loop: Sendable {
            var clients: [Int]
            var writes = TimingSamples(), reads = TimingSamples(), errors = 0
            var running: [Bool]
        }
        let begin = DispatchTime.now().uptimeNanoseconds
        // Requests due (or, in a closed loop, sent) before this are the warm-up, not counted.
        let counted = begin + UInt64(warmup * 1e9)
        let deadline = counted + UInt64(seconds * 1e9)
        // Each client's time between two requests, and when its first is due: the clients'
        // schedules spread evenly over that interval.
        let interval = rate.map { UInt64(Double(tokens.count) / $0 * 1e9) }
        let firstDue = tokens.indices.map { i in begin + (interval ?? 0) * UInt64(i) / UInt64(tokens.count) }
        // The process's CPU time when the counted part began, read by a task that waits for it.
        let cpuAtStart = Task<Double, Never> {
            let wait = counted > DispatchTime.now().uptimeNanoseconds ? counted - DispatchTime.now().uptimeNanoseconds : 0
            try? await Task.sleep(nanoseconds: wait)
            return processCPUSeconds()
        }
        // The requests of one round of a client, in order: a write (start or stop), then reads.
        let steps: [Bool] = phase == .writes ? [true] : phase == .reads ? [false, false] : [true, false, false]
        let loopCount = min(2, tokens.count)
        let loops = try await withThrowingTaskGroup(of: Loop.self) { group in
            for t in 0..<loopCount {
                let mine = Array(stride(from: t, to: tokens.count, by: loopCount))
                group.addTask {
                    try await onThreadOfItsOwn {
                        try pollLoop(Loop(clients: mine, running: mine.map { _ in false }), steps: steps, port: port, tokens: tokens,
                                     counted: counted, deadline: deadline, interval: interval, firstDue: mine.map { firstDue[$0] })
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let cpu = processCPUSeconds() - (await cpuAtStart.value)
        let now = DispatchTime.now().uptimeNanoseconds
        let total = Double(now > counted ? now - counted : 0) / 1e9
        var writes = TimingSamples(), reads = TimingSamples()
        for loop in loops {
            loop.writes.milliseconds.forEach { writes.add($0) }
            loop.reads.milliseconds.forEach { reads.add($0) }
        }
        return PhaseResult(phase: phase, seconds: total, writes: writes, reads: reads, errors: loops.reduce(0) { $0 + $1.errors }, cpuSeconds: cpu)

        /// Drives its clients' connections until the deadline: each sends its next request as
        /// soon as its answer came (or, with an interval, when it is due, the latency counted from
        /// then), and stops after a whole round once the deadline passed.
        @Sendable func pollLoop(_ start: Loop, steps: [Bool], port: Int, tokens: [String], counted: UInt64, deadline: UInt64,
                                interval: UInt64?, firstDue: [UInt64]) throws -> Loop {
            var loop = start
            let mine = loop.clients
            let connections = try mine.map { _ in try LoopbackHTTPConnection(port: port) }
            var step = [Int](repeating: 0, count: mine.count)
            var sentAt = [UInt64](repeating: 0, count: mine.count)
            // Open loop: when each client's next request is due, and whether it waits for that.
            var due = firstDue
            var waiting = [Bool](repeating: interval != nil, count: mine.count)
            func send(_ k: Int) throws {
                let i = mine[k], token = tokens[i]
                sentAt[k] = interval == nil ? DispatchTime.now().uptimeNanoseconds : due[k]
                if steps[step[k]] {
                    try connections[k].request("POST", loop.running[k] ? "/api/v1/timers/stop" : "/api/v1/timers/start", token: token,
                                               body: #"{"table": "Tasks", "row": \#(i + 1)}"#)
                } else if step[k] == steps.count - 1 {
                    try connections[k].request("GET", "/api/v1/tables/Tasks/rows/\(i + 1)", token: token)
                } else {
                    try connections[k].request("GET", "/api/v1/timers", token: token)
                }
            }
            var polled = connections.map { pollfd(fd: $0.socket, events: Int16(POLLIN), revents: 0) }
            if interval == nil { for k in mine.indices { try send(k) } }
            var open = mine.count
            while open > 0 {
                var timeout: Int32 = 1000
                if interval != nil {
                    let now = DispatchTime.now().uptimeNanoseconds
                    var next = UInt64.max
                    for k in mine.indices where waiting[k] {
                        if due[k] <= now { waiting[k] = false; try send(k) } else { next = min(next, due[k]) }
                    }
                    // Woken at the next due request (a late wake is counted in its latency).
                    if next != .max { timeout = Int32(min(1000, (next - now + 999_999) / 1_000_000)) }
                }
                guard poll(&polled, nfds_t(polled.count), timeout) >= 0 else {
                    if errno == EINTR { continue }
                    throw LoopbackHTTPError("poll failed: errno \(errno)")
                }
                for k in polled.indices where polled[k].fd >= 0 && polled[k].revents != 0 {
                    polled[k].revents = 0
                    let response = try connections[k].readResponse()
                    let now = DispatchTime.now().uptimeNanoseconds
                    let ms = Double(now - sentAt[k]) / 1_000_000
                    let isCounted = sentAt[k] >= counted
                    if steps[step[k]] {
                        if isCounted { loop.writes.add(ms) }
                        loop.running[k].toggle()
                    } else if isCounted {
                        loop.reads.add(ms)
                    }
                    if !(200..<300).contains(response.status) { loop.errors += 1 }
                    step[k] = (step[k] + 1) % steps.count
                    if step[k] == 0 && now >= deadline {
                        polled[k].fd = -1  // this client's last round is done
                        open -= 1
                    } else if let interval {
                        due[k] += interval
                        waiting[k] = true
                    } else {
                        try send(k)
                    }
                }
            }
            return loop
        }
    }

    /// How many times faster than the wall clock the writing phases' server clock runs.
    public static let clockSpeedup: Int64 = 3_600

    /// A clock that starts at the wall clock's now and runs `clockSpeedup` times faster.
    static func simulatedClock() -> @Sendable () -> Instant {
        let origin = Base.systemClock().millisecondsSinceEpoch
        let started = DispatchTime.now().uptimeNanoseconds
        return {
            let elapsed = Int64((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)
            return Instant(millisecondsSinceEpoch: origin + elapsed * clockSpeedup)
        }
    }

    /// User and system CPU time of the whole process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// A time-tracking base with one person, task and token per client (and with each person's
    /// timer running on their task when asked).
    static func makeBase(_ path: String, people: Int, timersRunning: Bool = false) throws -> [String] {
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
        if timersRunning {
            for i in 0..<people {
                base.actor = "p\(i)"
                _ = try base.write { tx in try tx.startTimer(table: "Tasks", row: "t\(i)") }
            }
            base.actor = "bench"
        }
        return try (0..<people).map { try APITokens.create(on: base, person: "p\($0)", label: "bench").token }
    }

    public static func table(_ r: Result) -> [String] {
        func line(_ name: String, _ s: TimingSamples, _ seconds: Double) -> String {
            let perSecond = Double(s.milliseconds.count) / max(seconds, 0.001)
            return name.padding(toLength: 30, withPad: " ", startingAt: 0)
                + String(format: "%9.0f/s  p50 %7.2f ms  p99 %7.2f ms  (%d requests)", perSecond, s.median, s.p99, s.milliseconds.count)
        }
        var lines = ["server over loopback HTTP, \(r.clients) clients (in this process, on the same cores)"]
        if let rate = r.rate {
            lines.append(String(format: "open loop: %.0f requests/s offered, on a fixed schedule; latency counted from when each request was due", rate))
        } else {
            lines.append("closed loop: each client calls again as soon as its answer came (latency is at least clients / rate)")
        }
        if r.phases.contains(where: { $0.phase != .reads }) {
            lines.append("writing phases: the server's clock runs \(clockSpeedup)x the wall clock, so each stopped timer ran a minute or more and its stop changes the totals")
        }
        if r.warmup > 0 { lines.append(String(format: "each phase after %.1f s of warm-up under the same load, not counted", r.warmup)) }
        for p in r.phases {
            let what: String
            switch p.phase {
            case .writes: what = "writes alone"
            case .reads: what = "reads alone"
            case .mixed: what = "mixed (1 write, 2 reads)"
            }
            lines.append("\(what), \(String(format: "%.1f", p.seconds)) s")
            if p.phase != .reads { lines.append(line("  timer start/stop (writes)", p.writes, p.seconds)) }
            if p.phase != .writes { lines.append(line("  reads (timers, a row)", p.reads, p.seconds)) }
            let requests = p.writes.milliseconds.count + p.reads.milliseconds.count
            lines.append(String(format: "  CPU per request %.3f ms (server and clients together; %.1f of %d cores busy)",
                                p.cpuSeconds * 1000 / Double(max(requests, 1)), p.cpuSeconds / max(p.seconds, 0.001), ProcessInfo.processInfo.activeProcessorCount))
        }
        lines.append("failed requests: \(r.errors)")
        return lines
    }
}
