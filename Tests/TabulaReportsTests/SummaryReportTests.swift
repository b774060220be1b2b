import Foundation
import Testing
import TabulaEngine
import TabulaIO
import TabulaLanguage
@testable import TabulaReports

/// Reports answered from the kept summary give the answer of a scan of the rows, for random
/// queries over random entries spanning three years (day edges at local midnight, DST changes,
/// running timers, blank links, error values); and the queries it cannot answer scan.
@Suite(.serialized) struct SummaryReportTests {
    static let schema = """
    base "Summary"
    timezone "Europe/Berlin"
    currency EUR
    people People
    report from Entries

    table Clients {
      name      text required unique
    }
    table Projects {
      name      text required unique
      client    link Clients
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
      pieces    integer
      manual    bool default false
      note      text
      paced     formula duration / pieces
      time field start
      read when person = actor or actor.target > 35h
    }
    """

    static let now = Instant(millisecondsSinceEpoch: 1_795_168_800_000)  // 2026-11-20T10:00Z

    /// A base with `count` random entries from 2025 to 2027, starts on quarter hours (some at
    /// local midnight and around DST changes), in a temporary file.
    static func makeBase(count: Int, seed: UInt64) throws -> Base {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tabula-summary-\(UUID().uuidString).tabula").path
        let base = try Base.create(at: path, schemaSource: schema, sourceName: "summary.tabula", actor: "test", now: { now },
                                   reportChecker: ReportChecker())
        func a(_ pairs: [(String, String?)]) -> [TextAssignment] { pairs.compactMap { k, v in v.map { TextAssignment(field: k, text: $0) } } }
        _ = try base.write { try $0.insert(into: "Clients", rows: ["Acme", "Globex", "Initech"].map { a([("name", $0)]) }) }.value
        _ = try base.write { try $0.insert(into: "Projects", rows: [("Web", "Acme"), ("App", "Acme"), ("Core", "Globex"), ("Audit", "Initech"), ("Own", nil)].map {
            a([("name", $0.0), ("client", $0.1)])
        }) }.value
        _ = try base.write { try $0.insert(into: "People", rows: [("anna", "40h"), ("boris", "30h"), ("chen", nil)].map { a([("name", $0.0), ("target", $0.1)]) }) }.value
        var g = SeededGenerator(seed: seed)
        let first: Int64 = 1_735_686_000_000  // 2025-01-01T00:00 in Berlin
        let quarters: Int64 = 3 * 366 * 96
        var rows: [[TextAssignment]] = []
        for _ in 0..<count {
            var start = first + Int64.random(in: 0..<quarters, using: &g) * 900_000
            if Int.random(in: 0..<5, using: &g) == 0 {
                // Local midnight, or a quarter hour on either side of it.
                let day = (start + 3_600_000) / 86_400_000 * 86_400_000 - 3_600_000
                start = day + [0, -900_000, 900_000][Int.random(in: 0..<3, using: &g)]
            }
            let minutes = Int64([15, 45, 60, 120, 480][Int.random(in: 0..<5, using: &g)])
            let project = Int.random(in: 0..<8, using: &g) == 0 ? nil : ["Web", "App", "Core", "Audit", "Own"][Int.random(in: 0..<5, using: &g)]
            let person = Int.random(in: 0..<10, using: &g) == 0 ? nil : ["anna", "boris", "chen"][Int.random(in: 0..<3, using: &g)]
            let running = Int.random(in: 0..<15, using: &g) == 0
            rows.append(a([("project", project), ("person", person),
                           ("start", Instant(millisecondsSinceEpoch: start).description),
                           ("end", running ? nil : Instant(millisecondsSinceEpoch: start + minutes * 60_000).description),
                           ("category", ["billable", "internal", "non_billable"][Int.random(in: 0..<3, using: &g)]),
                           ("amount", Int.random(in: 0..<4, using: &g) == 0 ? nil : "\(Int.random(in: 0..<900, using: &g)).\(Int.random(in: 10..<100, using: &g))"),
                           ("pieces", "\(Int.random(in: 1..<4, using: &g))"),
                           ("manual", Int.random(in: 0..<3, using: &g) == 0 ? "true" : "false"),
                           ("note", Int.random(in: 0..<3, using: &g) == 0 ? "n\(Int.random(in: 0..<9, using: &g))" : nil)]))
        }
        // Half through the bulk path, the rest one by one (the delta path).
        let half = rows.count / 2
        _ = try base.write { try $0.insert(into: "Entries", rows: Array(rows[..<half])) }.value
        for row in rows[half...] { _ = try base.write { try $0.insert(into: "Entries", rows: [row]) }.value }
        return base
    }

    static func remove(_ base: Base) {
        base.close()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: base.path + suffix) }
    }

    static let measures = ["sum(duration)", "count()", "sum(amount)", "avg(duration)", "count(amount)", "avg(amount)",
                           "sum(duration where category = billable)", "count(where manual)", "sum(pieces)",
                           "sum(amount) / count()", "round(sum(duration) / 1h, 1)"]
    static let groups = ["project", "project.client", "person", "category", "manual", "project.client.name", "person.target"]
    static let buckets = ["", "per day", "per week", "per month", "per quarter", "per year"]
    static let periods = ["", "for 2026", "for 2025-11..2026-02", "for 2026-11", "for 2026-W13", "for 2025..2026",
                          "for 2026-03-29", "for 2026-10-25", "for 2025-12-31..2027-01-01", "for 2025-07-15..2027-03-03", "for last 3 months"]
    static let conditions = ["", "where category = billable", "where not manual", "where project.client.name = \"Acme\"",
                             "where is_blank(person)", "where person.target > 35h or is_blank(project)", "where category in (internal, non_billable)"]

    /// Both answers of a query, the automatic one and the scan's.
    func both(_ base: Base, _ query: String) throws -> (auto: ReportOutput, scan: ReportOutput) {
        let text = SourceText(name: "<query>", text: query)
        return (try ReportRunner.run(text, on: base, source: .automatic), try ReportRunner.run(text, on: base, source: .scan))
    }

    @Test func randomReportsFromTheSummaryEqualTheScan() throws {
        let base = try Self.makeBase(count: 700, seed: 12)
        defer { Self.remove(base) }
        var g = SeededGenerator(seed: 99)
        var fromSummary = 0
        let runs = 160
        for _ in 0..<runs {
            var measures: [String] = []
            for _ in 0..<Int.random(in: 1...3, using: &g) {
                let measure = Self.measures.randomElement(using: &g)!
                if !measures.contains(measure) { measures.append(measure) }
            }
            var groups: [String] = []
            for _ in 0..<Int.random(in: 0...2, using: &g) {
                let group = Self.groups.randomElement(using: &g)!
                if !groups.contains(group) { groups.append(group) }
            }
            let query = [measures.joined(separator: ", "), groups.isEmpty ? "" : "by " + groups.joined(separator: ", "),
                         Self.buckets.randomElement(using: &g)!, Self.periods.randomElement(using: &g)!,
                         Self.conditions.randomElement(using: &g)!].filter { !$0.isEmpty }.joined(separator: " ")
            let (auto, scan) = try both(base, query)
            if auto.readSummary { fromSummary += 1 }
            #expect(!scan.readSummary)
            #expect(auto.table.rows == scan.table.rows, "\(query)")
            #expect(auto.table.totals == scan.table.totals, "totals of \(query)")
        }
        // Most of these queries are the summary's to answer.
        #expect(fromSummary > runs / 2, "\(fromSummary) of \(runs) read the summary")
    }

    @Test func aLongReportReadsTheSummaryAndGivesTheScansAnswer() throws {
        let base = try Self.makeBase(count: 300, seed: 3)
        defer { Self.remove(base) }
        for query in ["sum(duration) by project.client", "sum(duration), count() by project.client, person for 2026-11",
                      "sum(amount) by person per month for 2025-07-15..2027-03-03"] {
            let (auto, scan) = try both(base, query)
            #expect(auto.readSummary, "\(query)")
            #expect(auto.statements.contains { $0.contains("kept summary") })
            #expect(auto.table.rows == scan.table.rows, "\(query)")
            #expect(!auto.table.rows.isEmpty)
        }
    }

    @Test func queriesTheSummaryCannotAnswerScanAndAreStillRight() throws {
        let base = try Self.makeBase(count: 300, seed: 5)
        defer { Self.remove(base) }
        // An extreme, a distinct count, a field the summary does not keep, a condition on the time.
        for query in ["max(duration) by person", "count_distinct(project) by person", "count() by person where note = \"n1\"",
                      "sum(duration) by person where start < 2026-06-01T12:00", "sum(duration) by note"] {
            let (auto, scan) = try both(base, query)
            #expect(!auto.readSummary, "\(query)")
            #expect(auto.table.rows == scan.table.rows, "\(query)")
        }
        // `max(duration) by person`, computed here from the rows.
        let entries = try base.table(named: "Entries")
        let person = entries.fields.firstIndex { $0.name == "person" }!, duration = entries.fields.firstIndex { $0.name == "duration" }!
        var longest: [RowID: Int64] = [:]
        for row in try base.rows(of: entries) {
            guard case .link(let p) = row.values[person], case .duration(let s) = row.values[duration] else { continue }
            longest[p] = max(longest[p] ?? 0, s)
        }
        let names = try base.primaryValues(of: try base.table(named: "People"), ids: Array(longest.keys))
        let table = try ReportRunner.run(SourceText(name: "<q>", text: "max(duration) by person"), on: base).table
        for row in table.rows {
            guard case .text(let name) = row[0], let id = names.first(where: { $0.value == name })?.key else { continue }
            #expect(row[1] == .duration(longest[id]!), "\(name)")
        }
    }

    @Test func anErrorValueAmongTheSummarisedRowsIsShownAsTheScanShowsIt() throws {
        let base = try Self.makeBase(count: 200, seed: 8)
        defer { Self.remove(base) }
        let last = try base.rows(of: try base.table(named: "Entries")).last!.id
        _ = try base.write { try $0.update("Entries", row: "#\(last)", [TextAssignment(field: "pieces", text: "0")]) }.value
        let (auto, scan) = try both(base, "sum(paced) by person")
        #expect(!auto.readSummary)
        #expect(auto.table.rows == scan.table.rows)
        #expect(auto.table.rows.contains { $0.contains(where: \.isError) })
        // Without the error value, the summary answers again.
        _ = try base.write { try $0.update("Entries", row: "#\(last)", [TextAssignment(field: "pieces", text: "2")]) }.value
        let again = try both(base, "sum(paced) by person")
        #expect(again.auto.readSummary)
        #expect(again.auto.table.rows == again.scan.table.rows)
    }

    @Test func aMembersReportCountsOnlyTheRowsTheyMayReadFromTheSummaryToo() throws {
        let base = try Self.makeBase(count: 300, seed: 21)
        defer { Self.remove(base) }
        for actor in ["boris", "anna"] {
            base.actor = actor
            for query in ["sum(duration) by project.client", "count(), sum(amount) by person per month for 2026"] {
                let (auto, scan) = try both(base, query)
                #expect(auto.readSummary, "\(actor): \(query)")
                #expect(auto.table.rows == scan.table.rows, "\(actor): \(query)")
            }
        }
        base.actor = "boris"
        let own = try ReportRunner.run(SourceText(name: "<q>", text: "count() by person"), on: base).table
        #expect(own.rows.count == 1, "boris reads his own entries only")
    }

    @Test func aSchemaChangeRebuildsTheSummaryForTheNewSchema() throws {
        let base = try Self.makeBase(count: 200, seed: 30)
        defer { Self.remove(base) }
        // A new money field, and the base moved to another zone: days fall elsewhere now.
        let changed = Self.schema
            .replacingOccurrences(of: "timezone \"Europe/Berlin\"", with: "timezone \"America/New_York\"")
            .replacingOccurrences(of: "  note      text\n", with: "  note      text\n  bonus     currency default 2.50\n")
        try base.migrations.apply(try base.migrations.plan(to: changed, sourceName: "changed.tabula", reportChecker: ReportChecker()),
                                  allowDestructive: false)
        for query in ["sum(bonus), count() by person", "sum(duration) by project.client per day for 2026-03-08",
                      "sum(amount) by category per week for 2026-Q1"] {
            let (auto, scan) = try both(base, query)
            #expect(auto.readSummary, "\(query)")
            #expect(auto.table.rows == scan.table.rows, "\(query)")
        }
    }
}
