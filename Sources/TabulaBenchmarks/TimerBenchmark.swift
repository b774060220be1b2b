import Foundation
import TabulaEngine
import TabulaReports
import TabulaTimeTracking

/// `tabula bench timers`: start+stop latency of a timer on a time-tracking base of many entries,
/// against a small base, so the ratio shows whether a timer's cost grows with the log's size.
public struct TimerBenchmark: Sendable {
    /// Entries in the measured base.
    public var entries: Int
    /// Entries in the small base the latency is compared with.
    public var baseline: Int
    /// Start+stop pairs measured on each base.
    public var samples: Int

    public init(entries: Int, baseline: Int, samples: Int) {
        self.entries = entries; self.baseline = baseline; self.samples = samples
    }

    /// The latencies measured on one base, in milliseconds.
    public struct Figures: Sendable {
        public var entries: Int
        public var setupSeconds: Double
        public var start: TimingSamples
        public var stop: TimingSamples
        public var pair: TimingSamples
    }

    /// Measures the baseline base, then the large one, in scratch files under `folder` (deleted
    /// afterwards), writing a line per base and the ratio through `output`.
    public func run(folder: String, output: (String) -> Void) throws {
        guard entries > 0, baseline > 0, samples > 0 else { throw BenchmarkError("--entries, --baseline and --samples must be positive") }
        output("timer start+stop, \(samples) pairs per base, times in milliseconds")
        var results: [Figures] = []
        for size in [baseline, entries] where results.first?.entries != size {
            let figures = try measure(size: size, folder: folder)
            results.append(figures)
            output(String(format: "%9d entries (built in %.1f s): start median %.2f p99 %.2f | stop median %.2f p99 %.2f | start+stop median %.2f p99 %.2f",
                          figures.entries, figures.setupSeconds, figures.start.median, figures.start.p99,
                          figures.stop.median, figures.stop.p99, figures.pair.median, figures.pair.p99))
        }
        if results.count == 2 {
            output(String(format: "ratio %d / %d entries: median %.2fx, p99 %.2fx", results[1].entries, results[0].entries,
                          results[1].pair.median / results[0].pair.median, results[1].pair.p99 / results[0].pair.p99))
        }
    }

    private func milliseconds(_ body: () throws -> Void) rethrows -> Double {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
    }

    /// Builds a base of `size` entries (50 people, 20 clients, 100 projects, 1000 tasks, entries
    /// spread over the two years before the measured day), then times start and stop on it.
    public func measure(size: Int, folder: String) throws -> Figures {
        let path = (folder as NSString).appendingPathComponent("tabula-bench-timers-\(ProcessInfo.processInfo.processIdentifier)-\(size).tabula")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        guard let package = SchemaPackage.named("timetracking") else { throw BenchmarkError("the timetracking package is missing from this build") }
        let day0 = Instant(millisecondsSinceEpoch: 1_796_025_600_000)  // 2026-11-30 08:00 UTC
        let base = try Base.create(at: path, schemaSource: package.configured(timeZone: "UTC", currency: "EUR"),
                                   sourceName: "package timetracking", actor: "bench", now: { day0 },
                                   reportChecker: ReportChecker())
        defer { base.close() }
        let people = 50, clients = 20, projects = 100, tasks = 1000
        let setup = try milliseconds {
            let schema = base.schema
            guard let peopleT = schema.table(named: "People"), let clientsT = schema.table(named: "Clients"),
                  let projectsT = schema.table(named: "Projects"), let tasksT = schema.table(named: "Tasks"),
                  let entriesT = schema.table(named: "TimeEntries"), let periodsT = schema.table(named: "Periods") else {
                throw BenchmarkError("the timetracking package lacks its tables")
            }
            func f(_ t: Table, _ name: String) -> FieldID { t.field(named: name)!.id }
            try base.write { tx in
                for i in 0..<people {
                    try tx.insertRow(into: peopleT, values: [f(peopleT, "name"): .text("p\(i)"), f(peopleT, "rate"): .money(Money(minorUnits: 9000, currency: "EUR"))])
                }
                for i in 0..<clients {
                    try tx.insertRow(into: clientsT, values: [f(clientsT, "name"): .text("c\(i)"), f(clientsT, "rate"): .money(Money(minorUnits: 12000, currency: "EUR"))])
                }
                for i in 0..<projects {
                    try tx.insertRow(into: projectsT, values: [f(projectsT, "name"): .text("pr\(i)"), f(projectsT, "client"): .link(Int64(i % clients + 1))])
                }
                for i in 0..<tasks {
                    try tx.insertRow(into: tasksT, values: [f(tasksT, "title"): .text("t\(i)"), f(tasksT, "project"): .link(Int64(i % projects + 1))])
                }
            }
            // The entries: closed intervals of an hour, in chunks of one transaction each, filed
            // in their month's period and with a snapshot rate as the package's rules would.
            var periodIDs: [String: RowID] = [:]
            let chunk = 20_000
            var written = 0
            var generator = SeededGenerator(seed: 7)
            while written < size {
                try base.write { tx in
                    var rows: [[FieldID: Value]] = []
                    for _ in 0..<min(chunk, size - written) {
                        let start = day0.adding(seconds: -Int64.random(in: 3600...(730 * 86_400), using: &generator))
                        let month = TimeTracking.month(of: start, zone: "UTC")
                        let period = try periodIDs[month] ?? tx.insertRow(into: periodsT, values: [f(periodsT, "month"): .text(month)])
                        periodIDs[month] = period
                        rows.append([
                            f(entriesT, "task"): .link(Int64.random(in: 1...Int64(tasks), using: &generator)),
                            f(entriesT, "person"): .link(Int64.random(in: 1...Int64(people), using: &generator)),
                            f(entriesT, "start"): .datetime(start), f(entriesT, "end"): .datetime(start.adding(seconds: 3600)),
                            f(entriesT, "source"): .text("import"), f(entriesT, "period"): .link(period),
                            f(entriesT, "rate"): .money(Money(minorUnits: 12000, currency: "EUR")),
                        ])
                        written += 1
                    }
                    try tx.insertRows(into: entriesT, rows: rows)
                }
            }
        }
        TimeTracking.install(on: base)
        var figures = Figures(entries: size, setupSeconds: setup / 1000, start: TimingSamples(), stop: TimingSamples(), pair: TimingSamples())
        for i in 0..<samples {
            base.actor = "p\(i % people)"
            let row = "#\(i * 7 % tasks + 1)"
            let startAt = day0.adding(seconds: Int64(i) * 120), stopAt = startAt.adding(seconds: 60)
            base.now = { startAt }
            let started = try milliseconds { try base.write { _ = try $0.startTimer(table: "Tasks", row: row) } }
            base.now = { stopAt }
            let stopped = try milliseconds { try base.write { _ = try $0.stopTimer(table: "Tasks", row: row) } }
            figures.start.add(started)
            figures.stop.add(stopped)
            figures.pair.add(started + stopped)
        }
        return figures
    }
}
