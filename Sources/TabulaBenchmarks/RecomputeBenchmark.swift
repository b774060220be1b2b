import Foundation
import TabulaEngine
import TabulaReports

/// `tabula bench recompute`: a time-tracking-shaped base (clients → projects → tasks → entries,
/// mirrors at every level, a multi-hop mirror and a few formulas), generated at a given size, and
/// the engine time of the writes that matter: one entry changed, one entry moved to another
/// client, a thousand changes in one transaction, a full recompute, and opening the base.
public struct RecomputeBenchmark {
    public static let schema = """
    base "Recompute benchmark"
    timezone "Europe/Berlin"
    currency EUR

    table Clients {
      name      text required
      projects  link Projects[] inverse client
      hours     mirror sum(projects.hours)
      billable  mirror sum(projects.billable)
      amount    mirror sum(projects.amount)
      entries   mirror count(projects.tasks.entries)
    }

    table Projects {
      name      text required
      client    link Clients
      budget    duration
      tasks     link Tasks[] inverse project
      hours     mirror sum(tasks.hours)
      billable  mirror sum(tasks.billable)
      amount    mirror sum(tasks.amount)
      over      formula hours > budget
    }

    table Tasks {
      title     text required
      project   link Projects
      entries   link TimeEntries[] inverse task
      hours     mirror sum(entries.duration)
      billable  mirror sum(entries.duration) where category = billable
      amount    mirror sum(entries.amount)
      latest    mirror max(entries.start)
    }

    table TimeEntries {
      task      link Tasks
      start     datetime required
      end       datetime
      duration  formula if(is_blank(end), 0h, end - start)
      category  select(billable, internal, non_billable) default billable
      rate      currency
      amount    formula rate * hours(duration)
    }
    """

    /// What one size measured.
    public struct Result: Sendable {
        public var entries: Int
        public var generateSeconds: Double
        public var fullRecompute: TimingSamples
        public var oneChange: TimingSamples
        public var oneMove: TimingSamples
        public var thousandChanges: TimingSamples
        public var open: TimingSamples
        public var cellsPerChange: Int
        public var peakMegabytes: Double?
    }

    public let entries: Int
    public let repetitions: Int

    public init(entries: Int, repetitions: Int = 101) {
        self.entries = max(entries, 100)
        self.repetitions = max(repetitions, 5)
    }

    /// Entries per task, tasks per project and projects per client are fixed, so the cost of one
    /// write can be compared across sizes.
    var taskCount: Int { max(entries / 100, 1) }
    var projectCount: Int { max(taskCount / 10, 1) }
    var clientCount: Int { max(projectCount / 10, 1) }

    public func run(progress: (String) -> Void = { _ in }) throws -> Result {
        let scratch = ScratchBase("recompute-\(entries)")
        defer { scratch.remove() }
        let clock = Instant(millisecondsSinceEpoch: 1_795_000_000_000)
        var base = try Base.create(at: scratch.path, schemaSource: Self.schema, sourceName: "bench.tabula", actor: "bench", now: { clock },
                                   reportChecker: ReportChecker())
        var rng = SeededGenerator(seed: UInt64(entries))
        let started = DispatchTime.now().uptimeNanoseconds
        progress("generating \(entries) entries on \(taskCount) tasks, \(projectCount) projects, \(clientCount) clients")
        try generate(base, rng: &rng)
        let generateSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9

        let entriesTable = try base.table(named: "TimeEntries")
        let end = try base.field(named: "end", in: entriesTable)
        let task = try base.field(named: "task", in: entriesTable)
        let startMillis = baseStart.millisecondsSinceEpoch

        progress("one entry changed")
        var oneChange = TimingSamples()
        var cells = 0
        for _ in 0..<repetitions {
            let row = RowID(Int.random(in: 1...entries, using: &rng))
            let minutes = Int64.random(in: 15...480, using: &rng)
            let value = Value.datetime(Instant(millisecondsSinceEpoch: startMillis + Int64(row) * 60_000 + minutes * 60_000))
            try oneChange.time { try base.write { tx in try tx.updateRow(in: entriesTable, id: row, values: [end.id: value]) } }
            cells = max(cells, base.lastChanges.cellCount)
        }

        progress("one entry moved to another client's task")
        var oneMove = TimingSamples()
        for _ in 0..<repetitions {
            let row = RowID(Int.random(in: 1...entries, using: &rng))
            let target = RowID(Int.random(in: 1...taskCount, using: &rng))
            try oneMove.time { try base.write { tx in try tx.updateRow(in: entriesTable, id: row, values: [task.id: .link(target)]) } }
        }

        progress("1,000 changes in one transaction")
        var thousand = TimingSamples()
        for _ in 0..<max(repetitions / 10, 5) {
            var writes: [(RowID, Value)] = []
            for _ in 0..<1000 {
                let row = RowID(Int.random(in: 1...entries, using: &rng))
                let minutes = Int64.random(in: 15...480, using: &rng)
                writes.append((row, .datetime(Instant(millisecondsSinceEpoch: startMillis + Int64(row) * 60_000 + minutes * 60_000))))
            }
            try thousand.time {
                try base.write { tx in for (row, value) in writes { try tx.updateRow(in: entriesTable, id: row, values: [end.id: value]) } }
            }
        }

        progress("full recompute")
        var full = TimingSamples()
        for _ in 0..<3 { try full.time { _ = try base.integrity.recomputeEverything() } }

        progress("opening the base")
        base.close()
        var open = TimingSamples()
        for _ in 0..<21 {
            let reopened = try open.time { try Base.open(at: scratch.path, actor: "bench", now: { clock }) }
            reopened.close()
        }
        base = try Base.open(at: scratch.path, actor: "bench", now: { clock })
        let mismatches = try base.integrity.check()
        base.close()
        if !mismatches.isEmpty {
            throw EngineError(.storage, "the benchmark base is inconsistent after the writes: \(mismatches.prefix(3).map(\.description).joined(separator: "; "))",
                              hint: "this is a bug in the incremental recompute")
        }
        return Result(entries: entries, generateSeconds: generateSeconds, fullRecompute: full, oneChange: oneChange, oneMove: oneMove,
                      thousandChanges: thousand, open: open, cellsPerChange: cells, peakMegabytes: peakMemoryMegabytes())
    }

    private var baseStart: Instant { Instant(millisecondsSinceEpoch: 1_793_577_600_000) }  // 2026-11-01T00:00Z

    /// Fills the base through the engine's bulk write path, in transactions of 20,000 rows.
    private func generate(_ base: Base, rng: inout SeededGenerator) throws {
        let clients = try base.table(named: "Clients"), projects = try base.table(named: "Projects")
        let tasks = try base.table(named: "Tasks"), entriesTable = try base.table(named: "TimeEntries")
        func f(_ table: Table, _ name: String) throws -> FieldID { try base.field(named: name, in: table).id }
        let clientName = try f(clients, "name")
        let projectName = try f(projects, "name"), projectClient = try f(projects, "client"), budget = try f(projects, "budget")
        let taskTitle = try f(tasks, "title"), taskProject = try f(tasks, "project")
        let eTask = try f(entriesTable, "task"), eStart = try f(entriesTable, "start"), eEnd = try f(entriesTable, "end")
        let eCategory = try f(entriesTable, "category"), eRate = try f(entriesTable, "rate")
        try base.write { tx in
            for c in 1...clientCount { try tx.insertRow(into: clients, values: [clientName: .text("Client \(c)")]) }
            for p in 1...projectCount {
                try tx.insertRow(into: projects, values: [projectName: .text("Project \(p)"), projectClient: .link(RowID((p - 1) % clientCount + 1)),
                                                             budget: .duration(Int64(p % 50 + 10) * 3600)])
            }
            for t in 1...taskCount {
                try tx.insertRow(into: tasks, values: [taskTitle: .text("Task \(t)"), taskProject: .link(RowID((t - 1) % projectCount + 1))])
            }
        }
        let categories = ["billable", "billable", "billable", "internal", "non_billable"]
        let rates: [Int64] = [9_000, 11_000, 12_500]
        var next = 1
        while next <= entries {
            let last = min(next + 19_999, entries)
            var rows: [[FieldID: Value]] = []
            rows.reserveCapacity(last - next + 1)
            for e in next...last {
                let start = baseStart.millisecondsSinceEpoch + Int64(e) * 60_000
                let minutes = Int64.random(in: 15...240, using: &rng)
                rows.append([
                    eTask: .link(RowID(Int.random(in: 1...taskCount, using: &rng))),
                    eStart: .datetime(Instant(millisecondsSinceEpoch: start)),
                    eEnd: .datetime(Instant(millisecondsSinceEpoch: start + minutes * 60_000)),
                    eCategory: .text(categories[Int.random(in: 0..<categories.count, using: &rng)]),
                    eRate: .money(Money(minorUnits: rates[e % rates.count], currency: "EUR")),
                ])
            }
            try base.write { tx in try tx.insertRows(into: entriesTable, rows: rows) }
            next = last + 1
        }
    }
}

extension RecomputeBenchmark {
    /// Runs the benchmark on `entries` and on a hundredth of them (at least 100), for the ratio.
    public static func runWithBaseline(entries: Int, repetitions: Int, progress: (String) -> Void) throws -> [Result] {
        var results: [Result] = []
        for size in [max(entries / 100, 100), entries] {
            let bench = RecomputeBenchmark(entries: size, repetitions: repetitions)
            results.append(try bench.run { progress("[\(size)] \($0)") })
        }
        return results
    }

    /// The figures of the runs as the `tabula bench recompute` table, one column per size.
    public static func table(_ results: [Result]) -> [[String]] {
        let rows: [(String, (Result) -> String)] = [
            ("generate (s)", { String(format: "%.1f", $0.generateSeconds) }),
            ("one entry changed: median", { formatMilliseconds($0.oneChange.median) }),
            ("one entry changed: p99", { formatMilliseconds($0.oneChange.p99) }),
            ("cells changed by it", { "\($0.cellsPerChange)" }),
            ("one entry moved: median", { formatMilliseconds($0.oneMove.median) }),
            ("1,000 changes, one transaction", { formatMilliseconds($0.thousandChanges.median) }),
            ("full recompute", { formatMilliseconds($0.fullRecompute.median) }),
            ("open the base", { formatMilliseconds($0.open.median) }),
            ("peak memory so far", { $0.peakMegabytes.map { String(format: "%.0f MB", $0) } ?? "?" }),
        ]
        let header = ["entries"] + results.map { "\($0.entries)" }
        var table = [header]
        for (label, value) in rows { table.append([label] + results.map(value)) }
        if results.count == 2, results[0].oneChange.median > 0 {
            table.append(["one change: ratio", "", String(format: "%.2fx", results[1].oneChange.median / results[0].oneChange.median)])
        }
        return table
    }
}
