import Foundation
import TabulaEngine
import TabulaLanguage
import TabulaReports

/// Measures reports on a generated time-tracking base: each report's median time, and the median
/// of the same question written by hand in SQL on the same file, for the ratio.
public struct ReportBenchmark: Sendable {
    /// How many entries to generate.
    public var entries: Int
    /// How many times each query runs (the median is reported).
    public var repetitions: Int

    public init(entries: Int, repetitions: Int) { self.entries = entries; self.repetitions = repetitions }

    /// One measured query.
    public struct Measurement: Sendable {
        public var name: String
        public var query: String
        public var rows: Int
        /// Median seconds through the report planner (parse, check, SQL, formatting).
        public var report: Double
        /// Median seconds of the hand-written SQL.
        public var handWritten: Double
        /// Median seconds of the same report made to scan the rows (not the kept summary).
        public var scan: Double
        /// Whether the report read the kept summary.
        public var readSummary: Bool
        public var ratio: Double { handWritten > 0 ? report / handWritten : 0 }
    }

    static let schema = """
        base "Report benchmark"
        timezone "Europe/Berlin"
        currency EUR
        report from Entries

        table Clients {
          name      text required unique
        }

        table Projects {
          name      text required
          client    link Clients
        }

        table Tasks {
          title     text required
          project   link Projects
        }

        table People {
          name      text required unique
        }

        table Entries {
          task      link Tasks
          person    link People
          start     datetime required
          end       datetime
          duration  formula if(is_blank(end), 0h, end - start)
          category  select(billable, internal, non_billable) default billable
          time field start
        }
        """

    static let clients = 50, projects = 250, tasks = 2_500, people = 60
    /// 2017-01-02T08:00Z; an entry every five minutes reaches about ten years at a million.
    static let firstStart: Int64 = 1_483_344_000_000
    static let spacing: Int64 = 5 * 60_000

    /// The month and week the benchmark reads: the middle of the generated history.
    public var middleDay: CivilDate {
        let ms = Self.firstStart + Int64(entries / 2) * Self.spacing
        return Instant(millisecondsSinceEpoch: ms).localTime(in: "Europe/Berlin").date
    }

    /// Creates the base at `path` (which must not exist) and fills it.
    public func generate(at path: String, progress: (String) -> Void) throws -> Base {
        let base = try Base.create(at: path, schemaSource: Self.schema, sourceName: "benchmark", actor: "bench",
                                   reportChecker: ReportChecker())
        do {
            try fill(base, progress: progress)
        } catch {
            base.close()
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return base
    }

    private func fill(_ base: Base, progress: (String) -> Void) throws {
        var rng = SeededGenerator(seed: 2026)
        let clients = try base.table(named: "Clients"), projects = try base.table(named: "Projects")
        let tasks = try base.table(named: "Tasks"), people = try base.table(named: "People"), entriesTable = try base.table(named: "Entries")
        func f(_ t: Table, _ name: String) throws -> FieldID { try base.field(named: name, in: t).id }
        let clientName = try f(clients, "name"), projectName = try f(projects, "name"), projectClient = try f(projects, "client")
        let taskTitle = try f(tasks, "title"), taskProject = try f(tasks, "project"), personName = try f(people, "name")
        let eTask = try f(entriesTable, "task"), ePerson = try f(entriesTable, "person"), eStart = try f(entriesTable, "start")
        let eEnd = try f(entriesTable, "end"), eCategory = try f(entriesTable, "category")
        try base.write { tx in
            for c in 1...Self.clients { _ = try tx.insertRow(into: clients, values: [clientName: .text("Client \(c)")]) }
            for p in 1...Self.projects {
                _ = try tx.insertRow(into: projects, values: [projectName: .text("Project \(p)"),
                                                                 projectClient: .link(RowID((p - 1) % Self.clients + 1))])
            }
            for t in 1...Self.tasks {
                _ = try tx.insertRow(into: tasks, values: [taskTitle: .text("Task \(t)"),
                                                              taskProject: .link(RowID((t - 1) % Self.projects + 1))])
            }
            for p in 1...Self.people { _ = try tx.insertRow(into: people, values: [personName: .text("person\(p)")]) }
        }
        let categories = ["billable", "billable", "billable", "internal", "non_billable"]
        var next = 0
        while next < entries {
            let last = min(next + 50_000, entries)
            try base.write { tx in
                for e in next..<last {
                    let start = Self.firstStart + Int64(e) * Self.spacing
                    let minutes = Int64.random(in: 15...240, using: &rng)
                    // One entry in fifty has no task: reports must show it, not lose it.
                    let task: Value = Int.random(in: 0..<50, using: &rng) == 0 ? .blank : .link(RowID(Int.random(in: 1...Self.tasks, using: &rng)))
                    _ = try tx.insertRow(into: entriesTable, values: [
                        eTask: task,
                        ePerson: .link(RowID(Int.random(in: 1...Self.people, using: &rng))),
                        eStart: .datetime(Instant(millisecondsSinceEpoch: start)),
                        eEnd: .datetime(Instant(millisecondsSinceEpoch: start + minutes * 60_000)),
                        eCategory: .text(categories[Int.random(in: 0..<categories.count, using: &rng)]),
                    ])
                }
            }
            next = last
            progress("generated \(next) entries")
        }
    }

    /// The queries measured, each with the same question written by hand in SQL.
    package func cases(for base: Base) throws -> [(name: String, query: String, sql: String, arguments: [SQLValue])] {
        let s = base.schema
        func t(_ name: String) -> String { StorageNames.table(s.table(named: name)!.id) }
        func c(_ table: String, _ field: String) -> String { StorageNames.column(s.table(named: table)!.field(named: field)!.id) }
        let rules = TimeZoneRules.named(s.timeZone)
        func ms(_ d: CivilDate) -> Int64 { Instant(date: d, secondsOfDay: 0, rules: rules).millisecondsSinceEpoch }
        let day = middleDay
        let month = ReportCalendar.days(of: .month(year: day.year, month: day.month))
        let week = ReportCalendar.days(of: .week(year: day.isoWeek.year, week: day.isoWeek.week))
        let monthText = PeriodLiteral.month(year: day.year, month: day.month).text
        let weekText = PeriodLiteral.week(year: day.isoWeek.year, week: day.isoWeek.week).text
        let joins = "FROM \(t("Entries")) e LEFT JOIN \(t("Tasks")) k ON k.id = e.\(c("Entries", "task")) LEFT JOIN \(t("Projects")) p ON p.id = k.\(c("Tasks", "project"))"
        let start = "e." + c("Entries", "start"), duration = "e." + c("Entries", "duration")
        // The week by day, hand-written with the offsets of that week (fixed within it unless a DST change falls in it).
        let offset = Int64(rules.offset(at: Instant(millisecondsSinceEpoch: ms(week.lowerBound.adding(days: 3))))) * 1000
        return [
            ("all entries by client", "sum(duration) by task.project.client",
             "SELECT cl.\(c("Clients", "name")), SUM(\(duration)) \(joins) LEFT JOIN \(t("Clients")) cl ON cl.id = p.\(c("Projects", "client")) GROUP BY p.\(c("Projects", "client"))",
             []),
            ("one month by client and person", "sum(duration) by task.project.client, person for \(monthText)",
             "SELECT cl.\(c("Clients", "name")), pe.\(c("People", "name")), SUM(\(duration)) \(joins) LEFT JOIN \(t("Clients")) cl ON cl.id = p.\(c("Projects", "client")) LEFT JOIN \(t("People")) pe ON pe.id = e.\(c("Entries", "person")) WHERE \(start) >= ? AND \(start) < ? GROUP BY p.\(c("Projects", "client")), e.\(c("Entries", "person"))",
             [.integer(ms(month.lowerBound)), .integer(ms(month.upperBound.adding(days: 1)))]),
            ("one week by person per day", "sum(duration) by person per day for \(weekText)",
             "SELECT pe.\(c("People", "name")), (\(start) + \(offset)) / 86400000, SUM(\(duration)) FROM \(t("Entries")) e LEFT JOIN \(t("People")) pe ON pe.id = e.\(c("Entries", "person")) WHERE \(start) >= ? AND \(start) < ? GROUP BY e.\(c("Entries", "person")), 2",
             [.integer(ms(week.lowerBound)), .integer(ms(week.upperBound.adding(days: 1)))]),
        ]
    }

    /// Runs every case `repetitions` times, alternating the report and the SQL.
    public func measure(_ base: Base) throws -> [Measurement] {
        var results: [Measurement] = []
        for (name, query, sql, arguments) in try cases(for: base) {
            var reportTimes: [Double] = [], sqlTimes: [Double] = [], scanTimes: [Double] = []
            var rows = 0
            var readSummary = false
            let text = SourceText(name: "<bench>", text: query)
            // One warm-up run of each, so all read a warm page cache; the two paths must agree.
            let summarised = try ReportRunner.run(text, on: base, source: .automatic)
            let scanned = try ReportRunner.run(text, on: base, source: .scan)
            guard summarised.table.rows == scanned.table.rows else {
                throw BenchmarkError("'\(query)' gives another answer from the kept summary than from a scan", hint: "this is a bug in the summary")
            }
            _ = try base.read(sql, arguments)
            for _ in 0..<repetitions {
                let a = DispatchTime.now().uptimeNanoseconds
                let output = try ReportRunner.run(text, on: base, source: .automatic)
                let b = DispatchTime.now().uptimeNanoseconds
                _ = try base.read(sql, arguments)
                let c = DispatchTime.now().uptimeNanoseconds
                _ = try ReportRunner.run(text, on: base, source: .scan)
                let d = DispatchTime.now().uptimeNanoseconds
                rows = output.table.rows.count
                readSummary = output.readSummary
                reportTimes.append(Double(b - a) / 1e9)
                sqlTimes.append(Double(c - b) / 1e9)
                scanTimes.append(Double(d - c) / 1e9)
            }
            results.append(Measurement(name: name, query: query, rows: rows, report: Self.median(reportTimes), handWritten: Self.median(sqlTimes),
                                       scan: Self.median(scanTimes), readSummary: readSummary))
        }
        return results
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}

extension ReportBenchmark {
    /// Generates the base (at `basePath`, kept, or at a scratch path, removed afterwards), or
    /// reuses `basePath` when it exists and holds `entries` entries, measures it, and writes the
    /// `tabula bench reports` table through `output`.
    public func run(basePath: String?, output: (String) -> Void, progress: (String) -> Void) throws {
        let path = basePath ?? NSTemporaryDirectory() + "tabula-bench-reports-\(ProcessInfo.processInfo.processIdentifier).tabula"
        let b: Base
        var generateSeconds: Double?
        if FileManager.default.fileExists(atPath: path) {
            guard basePath != nil else { throw BenchmarkError("'\(path)' already exists", hint: "remove it") }
            b = try Base.open(at: path, actor: "bench")
            let count = try b.rowCount(of: try b.table(named: "Entries"))
            guard count == entries else {
                throw BenchmarkError("'\(path)' holds \(count) entries, not \(entries)", hint: "pass --entries \(count), or another --base file")
            }
        } else {
            let start = DispatchTime.now().uptimeNanoseconds
            b = try generate(at: path, progress: progress)
            generateSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        defer {
            b.close()
            if basePath == nil {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
        }
        let results = try measure(b)
        output("\(entries) entries\(generateSeconds.map { String(format: " (generated in %.1f s)", $0) } ?? ""); medians of \(repetitions) runs")
        func milliseconds(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
        var table = [["report", "rows", "tabula report", "read", "scanning the rows", "hand-written SQL (a scan)", "ratio"]]
        for r in results {
            table.append([r.name, "\(r.rows)", milliseconds(r.report), r.readSummary ? "kept summary" : "rows", milliseconds(r.scan),
                          milliseconds(r.handWritten), String(format: "%.2fx", r.ratio)])
        }
        alignedLines(table).forEach(output)
        if let size = try b.summaryRowCount(of: try b.table(named: "Entries")) {
            output("kept summary: \(size) rows for \(entries) entries")
        }
        output("")
        for r in results { output("\(r.name): \(r.query)") }
    }
}
