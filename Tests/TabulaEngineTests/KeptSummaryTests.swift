import Foundation
import Testing
@testable import TabulaEngine

/// The kept summary of a table with a time field: built by the first write to a base made
/// before it existed (which then becomes file format 2), kept by delta after, and not read while
/// it does not match the schema.
@Suite struct KeptSummaryTests {
    static let schema = """
    timezone "Europe/Berlin"
    table Tasks {
      title     text required
    }
    table Entries {
      task      link Tasks
      start     datetime required
      end       datetime
      duration  formula if(is_blank(end), 0h, end - start)
      kind      select(work, call)
      cost      currency
      time field start
    }
    """

    func a(_ pairs: (String, String)...) -> [TextAssignment] { pairs.map { TextAssignment(field: $0.0, text: $0.1) } }

    @Test func aBaseFromBeforeTheSummaryGetsOneWithItsFirstWriteAndTheNewFormat() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("summary-\(UUID().uuidString).db").path
        let base = try Base.create(at: path, schemaSource: Self.schema, sourceName: "s.tabula", actor: "test")
        defer { base.close(); for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        _ = try base.write { try $0.insert(into: "Tasks", rows: [a(("title", "A")), a(("title", "B"))]) }.value
        var rows: [[TextAssignment]] = []
        for i in 0..<40 {
            let day = String(format: "2026-03-%02d", i % 28 + 1)
            let kind = i % 3 == 0 ? "call" : "work"
            rows.append(a(("task", "#\(i % 2 + 1)"), ("start", day + " 23:30"), ("end", day + " 23:59"), ("kind", kind), ("cost", "\(i).10")))
        }
        _ = try base.write { try $0.insert(into: "Entries", rows: rows) }.value
        let entries = try base.table(named: "Entries")
        #expect(try base.keptSummary(of: entries) != nil)
        #expect(try base.summaryDifferences(of: entries).isEmpty)

        // As a file written before summaries: no summary, format 1.
        let layout = try #require(try base.compiledSchema().summaries[entries.id])
        try base.db.execute("DROP TABLE \(layout.tableName)")
        try base.db.execute("DELETE FROM \(Layout.meta) WHERE key = 'summary.\(entries.id)'")
        try base.db.execute("UPDATE \(Layout.meta) SET value = 1 WHERE key = 'format'")
        #expect(try base.keptSummary(of: entries) == nil, "a missing summary is not read")

        // Any write builds it, from every row.
        _ = try base.write { try $0.update("Tasks", row: "#1", a(("title", "A2"))) }.value
        #expect(try base.keptSummary(of: entries) != nil)
        #expect(try base.summaryDifferences(of: entries).isEmpty)
        #expect(try base.db.scalar("SELECT value FROM \(Layout.meta) WHERE key = 'format'").int64Value == Int64(Layout.formatVersion))
        let summarised = try base.db.scalar("SELECT sum(n) FROM \(layout.tableName) WHERE q = 0").int64Value
        #expect(summarised == 40)
    }

    @Test("rows added by one command reach more summary rows than one statement takes; later moves and deletes keep the summary equal to a rebuild")
    func manyNewSummaryRowsAtOnceThenMovesAndDeletes() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("summary-\(UUID().uuidString).db").path
        let base = try Base.create(at: path, schemaSource: Self.schema, sourceName: "s.tabula", actor: "test")
        defer { base.close(); for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        _ = try base.write { try $0.insert(into: "Tasks", rows: [a(("title", "A")), a(("title", "B")), a(("title", "C"))]) }.value
        let entries = try base.table(named: "Entries")
        // Fewer rows than the id-range path takes, each on a day of its own: every cuboid's day
        // keys differ, well over 32 new summary rows from one command.
        let rows = (0..<50).map { (i: Int) -> [TextAssignment] in
            let day = String(format: "2026-%02d-%02d", i / 28 + 1, i % 28 + 1)
            let kind = i % 2 == 0 ? "call" : "work"
            return a(("task", "#\(i % 3 + 1)"), ("start", day + " 09:00"), ("end", day + " 10:30"), ("kind", kind), ("cost", "\(i).25"))
        }
        _ = try base.write { try $0.insert(into: "Entries", rows: rows) }.value
        let layout = try #require(try base.compiledSchema().summaries[entries.id])
        #expect(try base.db.scalar("SELECT count(*) FROM \(layout.tableName)").int64Value ?? 0 > 32)
        #expect(try base.summaryDifferences(of: entries).isEmpty)
        // The same command adds to some summary rows and empties others.
        _ = try base.write { tx in
            try tx.insert(into: "Entries", rows: [a(("task", "#1"), ("start", "2026-01-01 12:00"), ("end", "2026-01-01 13:00"), ("kind", "work"))])
            _ = try tx.delete("Entries", row: "#2")
            try tx.update("Entries", row: "#3", a(("start", "2026-06-01 08:00"), ("end", "2026-06-01 09:00"), ("kind", "work")))
        }.value
        #expect(try base.summaryDifferences(of: entries).isEmpty)
        #expect(try base.db.scalar("SELECT sum(n) FROM \(layout.tableName) WHERE q = 0").int64Value == 50)
    }

    @Test func aTamperedSummaryIsFoundAndARepairRebuildsIt() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("summary-\(UUID().uuidString).db").path
        let base = try Base.create(at: path, schemaSource: Self.schema, sourceName: "s.tabula", actor: "test")
        defer { base.close(); for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        _ = try base.write { try $0.insert(into: "Tasks", rows: [a(("title", "A"))]) }.value
        _ = try base.write { try $0.insert(into: "Entries", rows: [a(("task", "A"), ("start", "2026-10-25 01:30"), ("end", "2026-10-25 04:00"))]) }.value
        let entries = try base.table(named: "Entries")
        let layout = try #require(try base.keptSummary(of: entries))
        try base.db.execute("UPDATE \(layout.tableName) SET \(SummaryLayout.sumColumn(entries.field(named: "duration")!.id)) = 1")
        #expect(!(try base.summaryDifferences(of: entries).isEmpty))
        // A full recompute that changes nothing leaves the summary alone; one that fixes a value rebuilds it.
        let duration = entries.field(named: "duration")!
        try base.db.execute("UPDATE t\(entries.id) SET c\(duration.id) = 7")
        try base.integrity.recomputeEverything()
        #expect(try base.summaryDifferences(of: entries).isEmpty)
    }
}
