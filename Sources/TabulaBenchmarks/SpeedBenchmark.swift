import Foundation
import TabulaEngine
import TabulaLanguage
import TabulaReports

/// `tabula bench speed`: the write path and long reports on one generated base, each figure
/// beside its floor measured in the same run on the same file (a bare SQLite insert of the same
/// rows, a bare durable commit, bare updates, a bare `GROUP BY` scan), and the cost of one write
/// and of a timer at N against N/100.
public struct SpeedBenchmark: Sendable {
    public static let schema = """
    base "Speed benchmark"
    timezone "Europe/Berlin"
    currency EUR
    people People
    report from TimeEntries

    table Clients {
      name      text required
      projects  link Projects[] inverse client
      hours     mirror sum(projects.hours)
      billable  mirror sum(projects.billable)
      amount    mirror sum(projects.amount)
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

    table People {
      name      text required unique
      entries   link TimeEntries[] inverse person
      hours     mirror sum(entries.duration)
    }

    table Tasks {
      title     text required
      project   link Projects
      entries   link TimeEntries[] inverse task
      timer     timer -> TimeEntries max 10
      hours     mirror sum(entries.duration)
      billable  mirror sum(entries.duration) where category = billable
      amount    mirror sum(entries.amount)
      latest    mirror max(entries.start)
    }

    table TimeEntries {
      task      link Tasks
      person    link People
      start     datetime required
      end       datetime
      duration  formula if(is_blank(end), 0h, end - start)
      category  select(billable, internal, non_billable) default billable
      rate      currency
      amount    formula rate * hours(duration)
      time field start
    }
    """

    /// What one size measured, in milliseconds unless named otherwise.
    public struct Figures: Sendable {
        public var entries: Int
        public var loadSeconds = 0.0, loadFloorSeconds = 0.0
        public var timerStart = TimingSamples(), timerStop = TimingSamples(), durableCommit = TimingSamples()
        public var oneChange = TimingSamples(), cellsPerChange = 0
        public var thousandChanges = TimingSamples(), thousandFloor = TimingSamples()
        public var fullRecompute = TimingSamples(), scanFloor = TimingSamples()
        public var allHistory = TimingSamples(), allHistoryFloor = TimingSamples()
        public var month = TimingSamples(), monthFloor = TimingSamples()
        /// The two reports made to scan the rows instead of reading the kept summary.
        public var allHistoryScan = TimingSamples(), monthScan = TimingSamples()
        public var summaryRows: Int?
        public var monthName = ""
        public var peakMegabytes: Double?
    }

    public let entries: Int
    public let repetitions: Int

    public init(entries: Int, repetitions: Int = 101) {
        self.entries = max(entries, 1000)
        self.repetitions = max(repetitions, 5)
    }

    static let people = 50
    var taskCount: Int { max(entries / 100, 10) }
    var projectCount: Int { max(taskCount / 10, 1) }
    var clientCount: Int { max(projectCount / 10, 1) }
    /// 2026-11-01T00:00Z; an entry a minute.
    static let firstStart: Int64 = 1_793_577_600_000

    /// The entries' columns as generated (task, person, start, end, category, rate), the same
    /// for the engine and the bare-SQLite floor.
    struct EntryRow {
        var task: Int64, person: Int64, start: Int64, end: Int64, category: String, rate: Int64
    }

    func rows(from first: Int, to last: Int, rng: inout SeededGenerator) -> [EntryRow] {
        let categories = ["billable", "billable", "billable", "internal", "non_billable"]
        let rates: [Int64] = [9_000, 11_000, 12_500]
        return (first...last).map { e in
            let start = Self.firstStart + Int64(e) * 60_000
            return EntryRow(task: Int64.random(in: 1...Int64(taskCount), using: &rng), person: Int64.random(in: 1...Int64(Self.people), using: &rng),
                            start: start, end: start + Int64.random(in: 15...240, using: &rng) * 60_000,
                            category: categories[Int.random(in: 0..<categories.count, using: &rng)], rate: rates[e % rates.count])
        }
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> Figures {
        let scratch = ScratchBase("speed-\(entries)")
        defer { scratch.remove() }
        var clock = Instant(millisecondsSinceEpoch: Self.firstStart + Int64(entries + 1440) * 60_000)
        let base = try Base.create(at: scratch.path, schemaSource: Self.schema, sourceName: "speed.tabula", actor: "person1",
                                   now: { [clock] in clock }, reportChecker: ReportChecker())
        defer { base.close() }
        var figures = Figures(entries: entries)
        let floor = try Connection(path: scratch.path, mode: .readWrite)
        defer { floor.close() }
        try floor.execute("PRAGMA synchronous = FULL; PRAGMA cache_size = -65536;")

        progress("loading \(entries) entries through the bulk path")
        try loadStructure(base)
        let entriesTable = try base.table(named: "TimeEntries")
        func f(_ name: String) throws -> FieldID { try base.field(named: name, in: entriesTable).id }
        let eTask = try f("task"), ePerson = try f("person"), eStart = try f("start"), eEnd = try f("end")
        let eCategory = try f("category"), eRate = try f("rate")
        var rng = SeededGenerator(seed: UInt64(entries))
        let chunk = 20_000
        figures.loadSeconds = 0
        var next = 1
        while next <= entries {
            let last = min(next + chunk - 1, entries)
            let generated = rows(from: next, to: last, rng: &rng).map { r -> [FieldID: Value] in
                [eTask: .link(r.task), ePerson: .link(r.person), eStart: .datetime(Instant(millisecondsSinceEpoch: r.start)),
                 eEnd: .datetime(Instant(millisecondsSinceEpoch: r.end)), eCategory: .text(r.category),
                 eRate: .money(Money(minorUnits: r.rate, currency: "EUR"))]
            }
            figures.loadSeconds += try Self.seconds { try base.write { tx in try tx.insertRows(into: entriesTable, rows: generated) } }
            next = last + 1
        }

        progress("the floor: the same rows into a bare table")
        try floor.execute("CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, task INTEGER, person INTEGER, start INTEGER, end_at INTEGER, category TEXT, rate INTEGER)")
        try floor.execute("CREATE INDEX bench_floor_task ON bench_floor(task)")
        try floor.execute("CREATE INDEX bench_floor_person ON bench_floor(person)")
        var floorRng = SeededGenerator(seed: UInt64(entries))
        next = 1
        while next <= entries {
            let last = min(next + chunk - 1, entries)
            let generated = rows(from: next, to: last, rng: &floorRng)
            figures.loadFloorSeconds += try Self.seconds {
                try floor.transaction {
                    let insert = try floor.prepare("INSERT INTO bench_floor (task, person, start, end_at, category, rate) VALUES (?, ?, ?, ?, ?, ?)")
                    for r in generated {
                        try insert.run([.integer(r.task), .integer(r.person), .integer(r.start), .integer(r.end), .text(r.category), .integer(r.rate)])
                    }
                }
            }
            next = last + 1
        }

        progress("timer start and stop, and a bare durable commit")
        try floor.execute("CREATE TABLE bench_floor_commit (id INTEGER PRIMARY KEY, v INTEGER)")
        try floor.execute("INSERT INTO bench_floor_commit VALUES (1, 0)")
        let bump = try floor.prepare("UPDATE bench_floor_commit SET v = v + 1 WHERE id = 1")
        for i in 0..<repetitions {
            let person = "person\(i % Self.people + 1)"
            base.actor = person
            let row = "#\(i * 7 % taskCount + 1)"
            clock = clock.adding(seconds: 120)
            base.now = { [clock] in clock }
            figures.timerStart.add(try Self.seconds { try base.write { _ = try $0.startTimer(table: "Tasks", row: row) } } * 1000)
            clock = clock.adding(seconds: 60)
            base.now = { [clock] in clock }
            figures.timerStop.add(try Self.seconds { try base.write { _ = try $0.stopTimer(table: "Tasks", row: row) } } * 1000)
            figures.durableCommit.add(try Self.seconds { try floor.transaction { try bump.run() } } * 1000)
        }
        base.actor = "person1"

        progress("one entry changed, 1,000 changes in one transaction, and bare updates")
        let entryCount = try base.rowCount(of: entriesTable)
        for _ in 0..<repetitions {
            let row = RowID(Int.random(in: 1...entries, using: &rng))
            let end = Value.datetime(Instant(millisecondsSinceEpoch: Self.firstStart + Int64(row) * 60_000 + Int64.random(in: 15...480, using: &rng) * 60_000))
            figures.oneChange.add(try Self.seconds { try base.write { try $0.updateRow(in: entriesTable, id: row, values: [eEnd: end]) } } * 1000)
            figures.cellsPerChange = max(figures.cellsPerChange, base.lastChanges.cellCount)
        }
        let updateFloor = try floor.prepare("UPDATE bench_floor SET end_at = ? WHERE id = ?")
        for _ in 0..<max(repetitions / 10, 5) {
            let writes: [(RowID, Int64)] = (0..<1000).map { _ in
                let row = RowID(Int.random(in: 1...entries, using: &rng))
                return (row, Self.firstStart + Int64(row) * 60_000 + Int64.random(in: 15...480, using: &rng) * 60_000)
            }
            figures.thousandChanges.add(try Self.seconds {
                try base.write { tx in
                    for (row, end) in writes { try tx.updateRow(in: entriesTable, id: row, values: [eEnd: .datetime(Instant(millisecondsSinceEpoch: end))]) }
                }
            } * 1000)
            figures.thousandFloor.add(try Self.seconds {
                try floor.transaction { for (row, end) in writes { try updateFloor.run([.integer(end), .integer(row)]) } }
            } * 1000)
        }

        progress("full recompute, and a bare GROUP BY scan")
        let scan = try floor.prepare("SELECT task, sum(end_at - start), count(*) FROM bench_floor GROUP BY task")
        for _ in 0..<3 {
            figures.fullRecompute.add(try Self.seconds { try base.integrity.recomputeEverything() } * 1000)
            figures.scanFloor.add(try Self.seconds { _ = try scan.rows() } * 1000)
        }

        progress("reports, and the same questions in bare SQL")
        let middle = Instant(millisecondsSinceEpoch: Self.firstStart + Int64(entryCount / 2) * 60_000).civilDate(in: "Europe/Berlin")
        figures.monthName = String(format: "%04d-%02d", middle.year, middle.month)
        let monthStart = Instant(date: middle.monthStart, secondsOfDay: 0, rules: TimeZoneRules.named("Europe/Berlin")).millisecondsSinceEpoch
        let monthEnd = Instant(date: middle.monthStart.adding(months: 1), secondsOfDay: 0, rules: TimeZoneRules.named("Europe/Berlin")).millisecondsSinceEpoch
        let byClient = "FROM bench_floor e LEFT JOIN \(t(base, "Tasks")) k ON k.id = e.task LEFT JOIN \(t(base, "Projects")) p ON p.id = k.\(c(base, "Tasks", "project"))"
        typealias Samples = WritableKeyPath<Figures, TimingSamples>
        let cases: [(String, String, [SQLValue], Samples, Samples, Samples)] = [
            ("sum(duration) by task.project.client",
             "SELECT p.\(c(base, "Projects", "client")), sum(e.end_at - e.start) \(byClient) GROUP BY 1", [], \.allHistory, \.allHistoryFloor, \.allHistoryScan),
            ("sum(duration) by task.project.client, person for \(figures.monthName)",
             "SELECT p.\(c(base, "Projects", "client")), e.person, sum(e.end_at - e.start) \(byClient) WHERE e.start >= ? AND e.start < ? GROUP BY 1, 2",
             [.integer(monthStart), .integer(monthEnd)], \.month, \.monthFloor, \.monthScan),
        ]
        for (query, sql, arguments, measured, bare, scanned) in cases {
            let statement = try floor.prepare(sql)
            let text = SourceText(name: "<bench>", text: query)
            guard try ReportRunner.run(text, on: base).table.rows == (try ReportRunner.run(text, on: base, source: .scan).table.rows) else {
                throw EngineError(.storage, "'\(query)' gives another answer from the kept summary than from a scan", hint: "this is a bug in the summary")
            }
            _ = try statement.rows(arguments)
            for _ in 0..<max(repetitions / 4, 5) {
                figures[keyPath: measured].add(try Self.seconds { _ = try ReportRunner.run(text, on: base) } * 1000)
                figures[keyPath: bare].add(try Self.seconds { _ = try statement.rows(arguments) } * 1000)
                figures[keyPath: scanned].add(try Self.seconds { _ = try ReportRunner.run(text, on: base, source: .scan) } * 1000)
            }
        }
        figures.summaryRows = try base.summaryRowCount(of: entriesTable)
        figures.peakMegabytes = peakMemoryMegabytes()
        let mismatches = try base.integrity.check()
        if !mismatches.isEmpty {
            throw EngineError(.storage, "the benchmark base is inconsistent: \(mismatches.prefix(3).map(\.description).joined(separator: "; "))",
                              hint: "this is a bug in the incremental recompute")
        }
        return figures
    }

    private func t(_ base: Base, _ table: String) -> String { StorageNames.table(base.schema.table(named: table)!.id) }
    private func c(_ base: Base, _ table: String, _ field: String) -> String {
        StorageNames.column(base.schema.table(named: table)!.field(named: field)!.id)
    }

    /// Clients, projects, tasks and people, in one write.
    private func loadStructure(_ base: Base) throws {
        let clients = try base.table(named: "Clients"), projects = try base.table(named: "Projects")
        let tasks = try base.table(named: "Tasks"), people = try base.table(named: "People")
        func f(_ table: Table, _ name: String) throws -> FieldID { try base.field(named: name, in: table).id }
        let clientName = try f(clients, "name"), projectName = try f(projects, "name"), projectClient = try f(projects, "client")
        let budget = try f(projects, "budget"), taskTitle = try f(tasks, "title"), taskProject = try f(tasks, "project")
        let personName = try f(people, "name")
        try base.write { tx in
            try tx.insertRows(into: clients, rows: (1...clientCount).map { [clientName: .text("Client \($0)")] })
            try tx.insertRows(into: projects, rows: (1...projectCount).map {
                [projectName: .text("Project \($0)"), projectClient: .link(RowID(($0 - 1) % clientCount + 1)), budget: .duration(Int64($0 % 50 + 10) * 3600)]
            })
            try tx.insertRows(into: tasks, rows: (1...taskCount).map { [taskTitle: .text("Task \($0)"), taskProject: .link(RowID(($0 - 1) % projectCount + 1))] })
            try tx.insertRows(into: people, rows: (1...Self.people).map { [personName: .text("person\($0)")] })
        }
    }
}

extension SpeedBenchmark {
    /// Runs at N/100 (at least 1,000 entries) and at N.
    public static func runWithBaseline(entries: Int, repetitions: Int, progress: (String) -> Void) throws -> [Figures] {
        let small = max(entries / 100, 1000)
        var results: [Figures] = []
        for size in small == entries ? [entries] : [small, entries] {
            results.append(try SpeedBenchmark(entries: size, repetitions: repetitions).run { progress("[\(size)] \($0)") })
        }
        return results
    }

    /// The `tabula bench speed` table: each measure at N beside its floor and the ratio, then the
    /// size ratios.
    public static func table(_ results: [Figures]) -> [String] {
        guard let big = results.last else { return [] }
        func ms(_ s: TimingSamples) -> String { formatMilliseconds(s.median) }
        func ratio(_ a: Double, _ b: Double) -> String { b > 0 ? String(format: "%.1fx", a / b) : "-" }
        let load = String(format: "%.2f s (%.0fk rows/s)", big.loadSeconds, Double(big.entries) / big.loadSeconds / 1000)
        let loadFloor = String(format: "%.2f s", big.loadFloorSeconds)
        var rows: [[String]] = [["at \(big.entries) entries", "tabula", "floor", "ratio", "floor is"]]
        rows.append(["load through the bulk path", load, loadFloor, ratio(big.loadSeconds, big.loadFloorSeconds), "bare INSERT of the same rows"])
        rows.append(["timer start (median)", ms(big.timerStart), ms(big.durableCommit), ratio(big.timerStart.median, big.durableCommit.median), "bare durable commit"])
        rows.append(["timer stop (median)", ms(big.timerStop), ms(big.durableCommit), ratio(big.timerStop.median, big.durableCommit.median), "bare durable commit"])
        rows.append(["one entry changed (\(big.cellsPerChange) cells)", ms(big.oneChange), ms(big.durableCommit), ratio(big.oneChange.median, big.durableCommit.median), "bare durable commit"])
        rows.append(["1,000 changes, one transaction", ms(big.thousandChanges), ms(big.thousandFloor), ratio(big.thousandChanges.median, big.thousandFloor.median), "bare 1,000 UPDATEs"])
        rows.append(["full recompute", ms(big.fullRecompute), ms(big.scanFloor), ratio(big.fullRecompute.median, big.scanFloor.median), "bare GROUP BY scan"])
        rows.append(["report: all history by client", ms(big.allHistory), ms(big.allHistoryFloor), ratio(big.allHistory.median, big.allHistoryFloor.median), "bare GROUP BY scan"])
        rows.append(["report: \(big.monthName) by client, person", ms(big.month), ms(big.monthFloor), ratio(big.month.median, big.monthFloor.median), "bare GROUP BY of the month"])
        rows.append(["  all history, scanning the rows", ms(big.allHistoryScan), ms(big.allHistoryFloor), ratio(big.allHistoryScan.median, big.allHistoryFloor.median), "(not the kept summary)"])
        rows.append(["  \(big.monthName), scanning the rows", ms(big.monthScan), ms(big.monthFloor), ratio(big.monthScan.median, big.monthFloor.median), "(not the kept summary)"])
        rows.append(["kept summary", big.summaryRows.map { "\($0) rows" } ?? "none", "", "", ""])
        rows.append(["peak memory", big.peakMegabytes.map { String(format: "%.0f MB", $0) } ?? "?", "", "", ""])
        var lines = alignedLines(rows)
        if results.count == 2 {
            let small = results[0]
            lines.append("")
            lines += alignedLines([
                ["per size", "\(small.entries)", "\(big.entries)", "ratio"],
                ["one entry changed", ms(small.oneChange), ms(big.oneChange), ratio(big.oneChange.median, small.oneChange.median)],
                ["timer start", ms(small.timerStart), ms(big.timerStart), ratio(big.timerStart.median, small.timerStart.median)],
                ["timer stop", ms(small.timerStop), ms(big.timerStop), ratio(big.timerStop.median, small.timerStop.median)],
            ])
        }
        return lines
    }
}
