import Foundation
import TabulaEngine
import TabulaIO
import TabulaLanguage
import TabulaReports

/// A small base of time entries whose reports the tests compare with sums computed here,
/// straight from the raw rows, with Foundation's calendar (not through the planner).
let reportSchema = """
base "Reports"
timezone "Europe/Berlin"
currency EUR
report from Entries

table Clients {
  name      text required unique
}

table Projects {
  name      text required unique
  client    link Clients
  stream    tags(backend, frontend, research)
}

table People {
  name      text required unique
  target    duration
}

table Entries {
  project   link Projects
  person    link People
  start     datetime required
  end       datetime
  duration  formula if(is_blank(end), 0h, end - start)
  category  select(billable, internal, non_billable) default billable
  amount    currency
  cost      currency
  manual    bool default false
  approved  bool default false
  note      text
  ratio     formula amount / cost
  paced     formula duration / (cost / cost)
  time field start
}

report weekly = sum(duration) as hours by person per week
report margins = sum(amount) - sum(cost) as margin by project.client for 2026-11
"""

/// One time entry as the test wrote it.
struct RawEntry {
    var project: String?
    var person: String?
    var start: Date
    var end: Date?
    var category: String
    var amountCents: Int64?
    var costCents: Int64?
    var manual: Bool
    var approved: Bool
    var note: String?

    var seconds: Int64 { end.map { Int64($0.timeIntervalSince(start)) } ?? 0 }
}

let projects: [(name: String, client: String?, stream: [String])] = [
    ("Website", "Acme", ["frontend"]),
    ("App", "Acme", ["frontend", "backend"]),
    ("Platform", "Globex", ["backend"]),
    ("Audit", "Initech", ["research"]),
    ("Internal", nil, []),
]
let people: [(name: String, target: Int64?)] = [("anna", 40 * 3600), ("boris", 32 * 3600), ("chen", nil)]

/// The calendar the expected values are computed with: ISO weeks, the base's zone.
let berlin: Calendar = {
    var c = Calendar(identifier: .iso8601)
    c.timeZone = TimeZone(identifier: "Europe/Berlin")!
    return c
}()

func berlinDate(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0) -> Date {
    berlin.date(from: DateComponents(year: y, month: m, day: d, hour: h, minute: mi, second: s))!
}

/// The raw rows: hand-placed edge cases, then seeded random ones from mid October to early December.
let rawEntries: [RawEntry] = {
    var entries: [RawEntry] = [
        // Midnight at a month's start and the last second of the month before.
        RawEntry(project: "Website", person: "anna", start: berlinDate(2026, 11, 1), end: berlinDate(2026, 11, 1, 1),
                 category: "billable", amountCents: 12000, costCents: 5000, manual: true, approved: false, note: "midnight"),
        RawEntry(project: "Website", person: "anna", start: berlinDate(2026, 10, 31, 23, 59, 59), end: berlinDate(2026, 11, 1, 0, 30),
                 category: "billable", amountCents: 100, costCents: 0, manual: false, approved: true, note: nil),
        // Month end in winter time: 23:30 local on 30 November is 22:30 UTC.
        RawEntry(project: "Platform", person: "boris", start: berlinDate(2026, 11, 30, 23, 30), end: berlinDate(2026, 12, 1, 0, 15),
                 category: "internal", amountCents: nil, costCents: 700, manual: false, approved: false, note: "late"),
        RawEntry(project: "Platform", person: "boris", start: berlinDate(2026, 12, 1), end: berlinDate(2026, 12, 1, 2),
                 category: "billable", amountCents: 9000, costCents: 3000, manual: true, approved: true, note: nil),
        // The DST change: 25 October 2026, 03:00 CEST becomes 02:00 CET.
        RawEntry(project: "App", person: "chen", start: berlinDate(2026, 10, 25, 1, 30), end: berlinDate(2026, 10, 25, 4),
                 category: "billable", amountCents: 20000, costCents: 8000, manual: false, approved: false, note: "dst"),
        RawEntry(project: "App", person: "chen", start: Date(timeIntervalSince1970: 1_792_888_200), // 2026-10-25T00:30Z, 02:30 CEST
                 end: Date(timeIntervalSince1970: 1_792_894_200), category: "non_billable", amountCents: nil, costCents: nil,
                 manual: false, approved: false, note: nil),
        RawEntry(project: "App", person: "chen", start: berlinDate(2026, 10, 24, 23, 59), end: berlinDate(2026, 10, 25, 0, 59),
                 category: "internal", amountCents: 500, costCents: 500, manual: true, approved: false, note: "eve"),
        // A week that crosses months: W44 runs from Monday 26 October to Sunday 1 November.
        RawEntry(project: "Audit", person: "anna", start: berlinDate(2026, 11, 1, 22), end: berlinDate(2026, 11, 1, 23, 45),
                 category: "billable", amountCents: 15000, costCents: 6000, manual: false, approved: true, note: nil),
        RawEntry(project: "Audit", person: "anna", start: berlinDate(2026, 10, 26, 0, 0), end: berlinDate(2026, 10, 26, 8),
                 category: "billable", amountCents: 50000, costCents: 20000, manual: false, approved: true, note: "monday"),
        // No project, no person, an open entry, an entry without an end.
        RawEntry(project: nil, person: "boris", start: berlinDate(2026, 11, 10, 9), end: berlinDate(2026, 11, 10, 12),
                 category: "internal", amountCents: nil, costCents: nil, manual: true, approved: false, note: "no task"),
        RawEntry(project: "Internal", person: nil, start: berlinDate(2026, 11, 11, 9), end: berlinDate(2026, 11, 11, 10),
                 category: "internal", amountCents: nil, costCents: nil, manual: false, approved: false, note: nil),
        RawEntry(project: "Website", person: "anna", start: berlinDate(2026, 11, 20, 9), end: nil,
                 category: "billable", amountCents: nil, costCents: nil, manual: false, approved: false, note: "running"),
    ]
    var g = SeededGenerator(seed: 47)
    let first = berlinDate(2026, 10, 15)
    for _ in 0..<260 {
        let start = first.addingTimeInterval(Double(Int.random(in: 0..<(52 * 24 * 4), using: &g)) * 900)
        let minutes = [15, 30, 45, 60, 90, 120, 240, 480][Int.random(in: 0..<8, using: &g)]
        let project: String? = Int.random(in: 0..<12, using: &g) == 0 ? nil : projects[Int.random(in: 0..<projects.count, using: &g)].name
        let person: String? = Int.random(in: 0..<20, using: &g) == 0 ? nil : people[Int.random(in: 0..<people.count, using: &g)].name
        let category = ["billable", "billable", "internal", "non_billable"][Int.random(in: 0..<4, using: &g)]
        let amount: Int64? = Int.random(in: 0..<3, using: &g) == 0 ? nil : Int64(Int.random(in: 0..<40_000, using: &g))
        let cost: Int64? = Int.random(in: 0..<3, using: &g) == 0 ? nil : Int64(Int.random(in: 0..<20_000, using: &g))
        entries.append(RawEntry(project: project, person: person, start: start, end: start.addingTimeInterval(Double(minutes * 60)),
                                category: category, amountCents: amount, costCents: cost,
                                manual: Int.random(in: 0..<4, using: &g) == 0, approved: Int.random(in: 0..<2, using: &g) == 0,
                                note: Int.random(in: 0..<3, using: &g) == 0 ? "n\(Int.random(in: 0..<1000, using: &g))" : nil))
    }
    return entries
}()

/// 2026-11-20T10:00:00Z, a Friday.
let fixtureNow = Instant(millisecondsSinceEpoch: 1_795_168_800_000)

func iso(_ d: Date) -> String {
    Instant(millisecondsSinceEpoch: Int64(d.timeIntervalSince1970 * 1000)).description
}

func money(_ cents: Int64) -> String {
    let sign = cents < 0 ? "-" : ""
    let m = cents.magnitude
    return "\(sign)\(m / 100).\(m % 100 < 10 ? "0" : "")\(m % 100)"
}

/// Builds the fixture base in a temporary file.
func makeReportBase() throws -> Base {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tabula-reports-\(UUID().uuidString).tabula").path
    let base = try Base.create(at: path, schemaSource: reportSchema, sourceName: "reports.tabula", actor: "test", now: { fixtureNow },
                               reportChecker: ReportChecker())
    func a(_ pairs: [(String, String?)]) -> [TextAssignment] {
        pairs.compactMap { k, v in v.map { TextAssignment(field: k, text: $0) } }
    }
    _ = try base.write { try $0.insert(into: "Clients", rows: [a([("name", "Acme")]), a([("name", "Globex")]), a([("name", "Initech")])]) }.value
    _ = try base.write { try $0.insert(into: "Projects", rows: projects.map { p in
        a([("name", p.name), ("client", p.client), ("stream", p.stream.isEmpty ? nil : p.stream.joined(separator: ", "))])
    }) }.value
    _ = try base.write { try $0.insert(into: "People", rows: people.map { p in a([("name", p.name), ("target", p.target.map { "\($0)s" })]) }) }.value
    _ = try base.write { try $0.insert(into: "Entries", rows: rawEntries.map { e in
        a([("project", e.project), ("person", e.person), ("start", iso(e.start)), ("end", e.end.map(iso)),
           ("category", e.category), ("amount", e.amountCents.map(money)), ("cost", e.costCents.map(money)),
           ("manual", e.manual ? "true" : "false"), ("approved", e.approved ? "true" : "false"), ("note", e.note)])
    }) }.value
    return base
}

/// Runs a query on the base; a failure to check is a thrown error.
func report(_ base: Base, _ query: String) throws -> ResultTable {
    try ReportRunner.run(SourceText(name: "<query>", text: query), on: base).table
}

/// The rows of a result by the text of their key columns (`keyCount` first columns), blank as "".
func keyed(_ table: ResultTable, keyCount: Int, context: ValueContext = ValueContext(timeZone: "Europe/Berlin")) -> [String: [Value]] {
    var out: [String: [Value]] = [:]
    for row in table.rows {
        let key = row.prefix(keyCount).map { $0.formatted(context: context) }.joined(separator: "|")
        out[key] = Array(row.dropFirst(keyCount))
    }
    return out
}

extension RawEntry {
    var client: String? { project.flatMap { p in projects.first { $0.name == p }?.client ?? nil } }
    var streams: [String] { project.map { p in projects.first { $0.name == p }?.stream ?? [] } ?? [] }
    var day: DateComponents { berlin.dateComponents([.year, .month, .day], from: start) }
    var dayLabel: String { String(format: "%04d-%02d-%02d", day.year!, day.month!, day.day!) }
    var weekLabel: String {
        let c = berlin.dateComponents([.yearForWeekOfYear, .weekOfYear], from: start)
        return String(format: "%04d-W%02d", c.yearForWeekOfYear!, c.weekOfYear!)
    }
    var monthLabel: String { String(format: "%04d-%02d", day.year!, day.month!) }
    var quarterLabel: String { "\(day.year!)-Q\((day.month! - 1) / 3 + 1)" }
}
