import Foundation
import Testing
@testable import TabulaEngine

/// How the recompute works, not only what it gives: the changed cells it reports, rollups kept by
/// delta (a changed entry adjusts the stored total instead of re-reading the task's entries), and
/// set-wise SQL aggregates agreeing with the row-by-row ones.
@Suite struct IncrementalRecomputeTests {
    static let schema = """
    timezone "Europe/Berlin"
    table Clients {
      name      text required
      projects  link Projects[] inverse client
      hours     mirror sum(projects.hours)
      entries   mirror count(projects.tasks.entries)
    }
    table Projects {
      name      text required
      client    link Clients
      tasks     link Tasks[] inverse project
      hours     mirror sum(tasks.hours)
    }
    table Tasks {
      title     text required
      project   link Projects
      entries   link Entries[] inverse task
      hours     mirror sum(entries.duration)
      longest   mirror max(entries.duration)
      notes     mirror concat(entries.note)
    }
    table Entries {
      task      link Tasks
      start     datetime required
      end       datetime
      duration  formula if(is_blank(end), 0h, end - start)
      note      text
    }
    """

    func a(_ pairs: (String, String)...) -> [TextAssignment] { pairs.map { TextAssignment(field: $0.0, text: $0.1) } }

    func makeBase() throws -> (Base, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("incr-\(UUID().uuidString).db").path
        let base = try Base.create(at: path, schemaSource: Self.schema, sourceName: "incr.tabula", actor: "test")
        _ = try base.write { try $0.insert(into: "Clients", rows: [a(("name", "Acme")), a(("name", "Globex"))]) }.value
        _ = try base.write { try $0.insert(into: "Projects", rows: [a(("name", "Web"), ("client", "Acme")), a(("name", "Data"), ("client", "Globex"))]) }.value
        _ = try base.write { try $0.insert(into: "Tasks", rows: [a(("title", "Home"), ("project", "Web")), a(("title", "ETL"), ("project", "Data"))]) }.value
        _ = try base.write { try $0.insert(into: "Entries", rows: [
            a(("task", "Home"), ("start", "2026-11-20 09:00"), ("end", "2026-11-20 10:00"), ("note", "a")),
            a(("task", "Home"), ("start", "2026-11-20 11:00"), ("end", "2026-11-20 13:00"), ("note", "b")),
            a(("task", "ETL"), ("start", "2026-11-20 09:00"), ("end", "2026-11-20 09:30")),
        ]) }.value
        return (base, path)
    }

    func stored(_ base: Base, _ table: String, _ row: RowID, _ field: String) throws -> Value {
        let t = try base.table(named: table)
        return try base.storedValues(try base.field(named: field, in: t), in: t, rows: [row])[row] ?? .blank
    }

    @Test func aWriteReportsExactlyTheCellsItChanged() throws {
        let (base, path) = try makeBase()
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        _ = try base.write { try $0.update("Entries", row: "#1", a(("end", "2026-11-20 10:30"))) }.value
        let ids = { (t: String, f: String) throws -> (TableID, FieldID) in
            let table = try base.table(named: t); return (table.id, try base.field(named: f, in: table).id)
        }
        var expected: [String] = []
        for (t, f, row) in [("Entries", "end", 1), ("Entries", "duration", 1), ("Tasks", "hours", 1), ("Projects", "hours", 1), ("Clients", "hours", 1)] as [(String, String, RowID)] {
            let (tid, fid) = try ids(t, f)
            #expect(base.lastChanges.cells[tid]?[row]?.contains(fid) == true, "\(t).\(f) #\(row)")
            expected.append("\(t).\(f)")
        }
        // Nothing else: the longest entry is still the 2h one, the other client is untouched.
        #expect(base.lastChanges.cellCount == expected.count)
    }

    @Test func aSumIsAdjustedByTheDeltaNotReRead() throws {
        let (base, path) = try makeBase()
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        let tasks = try base.table(named: "Tasks")
        // Tamper with the stored total: a re-read would repair it, a delta carries the offset along.
        try base.db.execute("UPDATE t\(tasks.id) SET c\(try base.field(named: "hours", in: tasks).id) = 100000 WHERE id = 1")
        _ = try base.write { try $0.update("Entries", row: "#1", a(("end", "2026-11-20 11:00"))) }.value  // +1h
        #expect(try stored(base, "Tasks", 1, "hours") == .duration(100_000 + 3600))
        // A concat has no delta: it re-reads, so its value is simply right.
        _ = try base.write { try $0.update("Entries", row: "#2", a(("note", "c"))) }.value
        #expect(try stored(base, "Tasks", 1, "notes") == .text("a, c"))
    }

    @Test func aMaxReReadsOnlyWhenItsExtremeLeaves() throws {
        let (base, path) = try makeBase()
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        #expect(try stored(base, "Tasks", 1, "longest") == .duration(7200))
        _ = try base.write { try $0.update("Entries", row: "#1", a(("end", "2026-11-20 12:00"))) }.value   // 3h: a new maximum
        #expect(try stored(base, "Tasks", 1, "longest") == .duration(10800))
        _ = try base.write { try $0.update("Entries", row: "#1", a(("end", "2026-11-20 09:15"))) }.value   // the maximum leaves: re-read
        #expect(try stored(base, "Tasks", 1, "longest") == .duration(7200))
        _ = try base.write { try $0.delete("Entries", row: "#2") }.value
        #expect(try stored(base, "Tasks", 1, "longest") == .duration(900))
    }

    @Test func movingAnEntryMovesItsHoursAndCountBetweenClients() throws {
        let (base, path) = try makeBase()
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        _ = try base.write { try $0.update("Entries", row: "#2", a(("task", "ETL"))) }.value
        #expect(try stored(base, "Clients", 1, "hours") == .duration(3600))
        #expect(try stored(base, "Clients", 2, "hours") == .duration(9000))
        #expect(try stored(base, "Clients", 1, "entries") == .integer(1))
        #expect(try stored(base, "Clients", 2, "entries") == .integer(2))
        // Re-linking a whole project moves its tasks' entries too (re-read through the changed link).
        _ = try base.write { try $0.update("Projects", row: "Data", a(("client", "Acme"))) }.value
        #expect(try stored(base, "Clients", 1, "entries") == .integer(3))
        #expect(try stored(base, "Clients", 2, "entries") == .integer(0))
        #expect(try base.integrity.check(rowByRow: true).isEmpty)
    }

    @Test func aFullRecomputeChangesNothingWhenAllIsRight() throws {
        let (base, path) = try makeBase()
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        #expect(try base.integrity.recomputeEverything() == 0)
        let clients = try base.table(named: "Clients")
        try base.db.execute("UPDATE t\(clients.id) SET c\(try base.field(named: "hours", in: clients).id) = NULL")
        #expect(try base.integrity.recomputeEverything() == 2)
        #expect(try stored(base, "Clients", 1, "hours") == .duration(10800))
    }
}
