import Foundation
import TabulaEngine
import TabulaReports
import TabulaTimeTracking

/// `tabula bench import`: a generated Toggl detailed CSV of N rows imported into a fresh
/// time-tracking base (50 people; clients, projects and tasks created by the import), with all
/// rollups kept: the time and rows per second, and a check that every second arrived.
public struct ImportBenchmark: Sendable {
    public var entries: Int

    public init(entries: Int) { self.entries = entries }

    /// The figures of one run.
    public struct Figures: Sendable {
        public var entries: Int
        public var fileMegabytes: Double
        public var generateSeconds: Double
        public var importSeconds: Double
        public var imported: Int
        public var totalSeconds: Int64
        public var clientsSeconds: Int64
        public var rowsPerSecond: Double { importSeconds > 0 ? Double(imported) / importSeconds : 0 }
    }

    /// The file's text: rows spread over 2026 by a seeded generator, each of 15 to 240 minutes,
    /// some crossing midnight.
    public func generate() -> (text: String, seconds: Int64) {
        var generator = SeededGenerator(seed: 11)
        var text = "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags,Amount (EUR)\n"
        text.reserveCapacity(entries * 150)
        var total: Int64 = 0
        let year = CivilDate(year: 2026, month: 1, day: 1)!
        for i in 0..<entries {
            let person = Int.random(in: 0..<50, using: &generator)
            let task = Int.random(in: 0..<1000, using: &generator)
            let project = task % 100, client = project % 20
            let day = year.adding(days: Int.random(in: 0..<360, using: &generator))
            let start = Int.random(in: 6 * 3600..<23 * 3600, using: &generator) / 60 * 60
            let length = Int.random(in: 15...240, using: &generator) * 60
            let endSecond = start + length
            let endDay = day.adding(days: endSecond / 86_400)
            total += Int64(length)
            func clock(_ s: Int) -> String { String(format: "%02d:%02d:%02d", s / 3600 % 24, s / 60 % 60, s % 60) }
            text += "Person \(person),p\(person)@example.com,Client \(client),Project \(project),Task \(task),\"Row \(i), work\",\(i % 3 == 0 ? "No" : "Yes"),"
            text += "\(day.iso),\(clock(start)),\(endDay.iso),\(clock(endSecond % 86_400)),\(clock(length)),\"a, b\",\(length / 36).00\n"
        }
        return (text, total)
    }

    /// Generates the file, builds the base in `folder` and imports the file into it.
    public func run(folder: String) throws -> Figures {
        let path = (folder as NSString).appendingPathComponent("tabula-bench-import-\(ProcessInfo.processInfo.processIdentifier)-\(entries).db")
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        return try build(at: path)
    }

    /// Imports the generated file into a new base at `path`, which is kept (the grid benchmark serves it).
    public func build(at path: String) throws -> Figures {
        guard entries > 0 else { throw BenchmarkError("--entries must be positive") }
        let t0 = DispatchTime.now().uptimeNanoseconds
        let (text, expected) = generate()
        let generated = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        guard let package = SchemaPackage.named("timetracking") else { throw BenchmarkError("the timetracking package is missing from this build") }
        let now = Instant(millisecondsSinceEpoch: 1_798_761_600_000)  // 2027-01-01 UTC
        let base = try Base.create(at: path, schemaSource: package.configured(timeZone: "UTC", currency: "EUR"), sourceName: "package timetracking",
                                   actor: "bench", now: { now }, reportChecker: ReportChecker())
        defer { base.close() }
        TimeTracking.install(on: base)
        let people = try base.table(named: "People")
        try base.write { tx in
            try tx.insertRows(into: people, rows: (0..<50).map { i in
                [people.field(named: "name")!.id: .text("Person \(i)"), people.field(named: "email")!.id: .text("p\(i)@example.com"),
                 people.field(named: "rate")!.id: .money(Money(minorUnits: 9000, currency: "EUR")), people.field(named: "timezone")!.id: .text("UTC")]
            })
        }
        let t1 = DispatchTime.now().uptimeNanoseconds
        let summary = try TimeImport.run(base, text: text, name: "generated.csv", options: .init(format: .toggl, create: true))
        let imported = Double(DispatchTime.now().uptimeNanoseconds - t1) / 1e9
        guard summary.imported == entries, summary.seconds == expected else {
            throw BenchmarkError("the import lost rows: \(summary.imported) of \(entries) entries, \(summary.seconds) of \(expected) seconds")
        }
        let clients = try base.columnValues(of: try base.table(named: "Clients"), fields: ["hours"])
        let rolledUp = clients.reduce(Int64(0)) { sum, row in if case .duration(let s) = row.values[0] { sum + s } else { sum } }
        return Figures(entries: entries, fileMegabytes: Double(text.utf8.count) / 1_048_576, generateSeconds: generated, importSeconds: imported,
                       imported: summary.imported, totalSeconds: summary.seconds, clientsSeconds: rolledUp)
    }
}
