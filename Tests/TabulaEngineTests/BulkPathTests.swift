import Foundation
import Testing
@testable import TabulaEngine

/// The bulk insert path and the set-wise evaluation it relies on.
@Suite struct BulkPathTests {
    static let schema = """
    timezone "Europe/Berlin"
    table Clients {
      name      text required unique
      projects  link Projects[] inverse client
      hours     mirror sum(projects.hours)
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
      entries   link TimeEntries[] inverse task
      hours     mirror sum(entries.duration)
      billable  mirror sum(entries.duration) where category = billable
      latest    mirror max(entries.start)
      label     formula project.client.name & " / " & title
    }
    table TimeEntries {
      task      link Tasks
      start     datetime required
      end       datetime
      code      text unique
      duration  formula if(is_blank(end), 0h, end - start)
      category  select(billable, internal) default billable
      cost      currency
      fee       formula cost * hours(duration)
      where     formula task.project.client.name & ": " & task.title
    }
    """

    func a(_ pairs: (String, String)...) -> [TextAssignment] { pairs.map { TextAssignment(field: $0.0, text: $0.1) } }

    func makeBase() throws -> (Base, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bulk-\(UUID().uuidString).db").path
        let base = try Base.create(at: path, schemaSource: Self.schema, sourceName: "bulk.tabula", actor: "test",
                                   now: { Instant(millisecondsSinceEpoch: 1_795_000_000_000) })
        _ = try base.write { tx in
            try tx.insert(into: "Clients", rows: (0..<3).map { a(("name", "C\($0)")) })
            try tx.insert(into: "Projects", rows: (0..<6).map { a(("name", "P\($0)"), ("client", $0 == 5 ? "" : "C\($0 % 3)")) })
            try tx.insert(into: "Tasks", rows: (0..<12).map { a(("title", "T\($0)"), ("project", $0 == 11 ? "" : "#\($0 % 6 + 1)")) })
        }
        return (base, path)
    }

    func entryRows(_ count: Int, rng: inout SeededGenerator, codePrefix: String = "e") -> [[TextAssignment]] {
        (0..<count).map { i in
            let day = Int(rng.next() % 28) + 1, minutes = Int(rng.next() % 600)
            return a(("task", rng.next() % 9 == 0 ? "" : "#\(rng.next() % 12 + 1)"),
                     ("start", String(format: "2026-10-%02d 07:00", day)),
                     ("end", rng.next() % 6 == 0 ? "" : String(format: "2026-10-%02d %02d:%02d", day, 7 + minutes / 60, minutes % 60)),
                     ("category", rng.next() % 3 == 0 ? "internal" : "billable"),
                     ("code", rng.next() % 4 == 0 ? "" : "\(codePrefix)\(i)"),
                     ("cost", rng.next() % 5 == 0 ? "" : "\(rng.next() % 90).50"))
        }
    }

    @Test func aBulkInsertKeepsEveryComputedValueEqualToAFullRecompute() throws {
        let (base, path) = try makeBase()
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        var rng = SeededGenerator(seed: 11)
        _ = try base.write { try $0.insert(into: "TimeEntries", rows: entryRows(1500, rng: &rng)) }
        // A second bulk write that also renames a client the new rows read through two links.
        _ = try base.write { tx in
            try tx.insert(into: "TimeEntries", rows: entryRows(1200, rng: &rng, codePrefix: "f"))
            try tx.update("Clients", row: "C1", a(("name", "C1 renamed")))
        }
        #expect(try base.integrity.check(rowByRow: true).isEmpty)
        #expect(try base.integrity.check().isEmpty)
        #expect(try base.rowCount(of: base.table(named: "TimeEntries")) == 2700)
    }

    @Test func formulasReadTheSameInputsByRangeAsPathByPath() throws {
        let (base, path) = try makeBase()
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        var rng = SeededGenerator(seed: 5)
        _ = try base.write { try $0.insert(into: "TimeEntries", rows: entryRows(2000, rng: &rng)) }
        // A task moved to a project without a client, and one losing its project.
        _ = try base.write { tx in
            try tx.update("Tasks", row: "T3", a(("project", "P5")))
            try tx.update("Tasks", row: "T4", a(("project", "")))
        }
        let compiled = try base.compiledSchema()
        var compared = 0, fewCompared = 0
        for table in base.schema.tables {
            let rows = try base.allRowIDs(of: table)
            for field in table.fields {
                guard let formula = compiled.formulas[field.id] else { continue }
                let byRange = try base.evaluate(formula, in: table, rows: rows)
                let pathByPath = try base.evaluate(formula, in: table, rows: rows, joined: false)
                #expect(byRange == pathByPath, "\(table.name).\(field.name)")
                // A few rows (a command's own) read by one SELECT of their ids, a missing id among them.
                for few in [Array(rows.prefix(1)), Array(rows.suffix(3)), stride(from: 0, to: rows.count, by: max(1, rows.count / 20)).map { rows[$0] },
                            [rows[0], (rows.last ?? 0) + 1000]] where !few.isEmpty {
                    guard let joined = try base.evaluateFew(formula, in: table, rows: few) else { continue }
                    #expect(joined == (try base.evaluate(formula, in: table, rows: few, joined: false)), "\(table.name).\(field.name) on \(few.count) rows")
                    fewCompared += 1
                }
                compared += 1
            }
        }
        #expect(compared == 4)
        #expect(fewCompared >= 8)
        #expect(try base.rangeInputsSQL(compiled.formulas[base.field(named: "where", in: base.table(named: "TimeEntries")).id]!.paths,
                                        table: base.table(named: "TimeEntries")) != nil)
    }

    @Test func checkFindsATamperedFormulaValueAmongThousandsAndRecomputeRepairsIt() throws {
        let (base, path) = try makeBase()
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        var rng = SeededGenerator(seed: 8)
        _ = try base.write { try $0.insert(into: "TimeEntries", rows: entryRows(3000, rng: &rng)) }
        let entries = try base.table(named: "TimeEntries")
        let duration = try base.field(named: "duration", in: entries)
        try base.db.execute("UPDATE t\(entries.id) SET c\(duration.id) = 7 WHERE id = 1234")
        // The tampered cell first; the rollups read from it follow.
        let found = try base.integrity.check()
        #expect(found.first?.row == 1234 && found.first?.field == "duration", "\(found.prefix(3))")
        #expect(found.filter { $0.table == "TimeEntries" }.count == 1)
        #expect(try base.integrity.recomputeEverything() >= 1)
        #expect(try base.integrity.check().isEmpty)
    }

    @Test func aBulkInsertRecordsOneHistoryLinePerRowAndOneForTheWrite() throws {
        let (base, path) = try makeBase()
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        var rng = SeededGenerator(seed: 3)
        let ids = try base.write { try $0.insert(into: "TimeEntries", rows: entryRows(40, rng: &rng)) }.value
        let entries = try base.table(named: "TimeEntries")
        let history = try base.audit.entries(table: entries)
        #expect(history.filter { $0.action == "insert" && $0.row != nil }.map(\.row) == ids.map { Optional($0) })
        #expect(history.contains { $0.action == "insert" && $0.row == nil && ($0.note ?? "").contains("40 rows") })
        // A later change records the value it replaced: the value the row was inserted with.
        let end = try base.values(of: entries, row: ids[0], fields: ["end"])?["end"]
        _ = try base.write { try $0.update("TimeEntries", row: "#\(ids[0])", a(("end", "2026-10-30 23:00"))) }
        let change = try base.audit.entries(table: entries, row: ids[0]).last
        #expect(change?.action == "update")
        let endField = try base.field(named: "end", in: entries)
        #expect(change?.oldValue == end.flatMap { $0.isBlank ? nil : base.display($0, of: endField) })
    }

    @Test func aBulkInsertThatFailsOnOneRowNamesItAndLeavesNothing() throws {
        let (base, path) = try makeBase()
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        var rng = SeededGenerator(seed: 9)
        var rows = entryRows(100, rng: &rng)
        rows[49] = a(("task", "#1"))  // no start, which is required
        let labels = (1...100).map { "line \($0 + 1)" }
        #expect {
            _ = try base.write { try $0.insert(into: "TimeEntries", rows: rows, labels: labels) }
        } throws: { error in
            (error as? EngineError).map { $0.message.hasPrefix("line 51: ") && $0.message.contains("start is required") } ?? false
        }
        #expect(try base.rowCount(of: base.table(named: "TimeEntries")) == 0)
        #expect(try base.integrity.check().isEmpty)
    }

    @Test func aFailedBulkInsertCaughtInsideTheWriteStillLeavesNothing() throws {
        let (base, path) = try makeBase()
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        let entries = try base.table(named: "TimeEntries")
        var rng = SeededGenerator(seed: 4)
        var rows = entryRows(30, rng: &rng)
        rows[20] = a(("task", "#2"))  // no start
        var laterWriteRefused = false
        #expect(throws: EngineError.self) {
            try base.write { tx in
                do { try tx.insert(into: "TimeEntries", rows: rows) } catch {}
                // The transaction cannot go on, and does not commit the first twenty rows.
                do { try tx.insert(into: "TimeEntries", rows: [self.a(("start", "2026-10-01 08:00"))]) } catch { laterWriteRefused = true }
            }
        }
        #expect(laterWriteRefused)
        #expect(try base.rowCount(of: entries) == 0)
        // In a savepoint, only the savepoint's work goes; the write goes on.
        _ = try base.write { tx in
            _ = try? tx.savepoint { inner in try inner.insert(into: "TimeEntries", rows: rows) }
            try tx.insert(into: "TimeEntries", rows: [a(("start", "2026-10-01 08:00")), a(("start", "2026-10-02 08:00"))])
        }
        #expect(try base.rowCount(of: entries) == 2)
        #expect(try base.integrity.check().isEmpty)
    }

    @Test func aValueGivenTwiceToAUniqueFieldInOneBulkInsertIsRefusedWithBothPlaces() throws {
        let (base, path) = try makeBase()
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        let rows = [a(("start", "2026-10-01 08:00"), ("code", "A")), a(("start", "2026-10-02 08:00"), ("code", "B")),
                    a(("start", "2026-10-03 08:00"), ("code", "A"))]
        #expect {
            _ = try base.write { try $0.insert(into: "TimeEntries", rows: rows, labels: ["line 2", "line 3", "line 4"]) }
        } throws: { error in
            guard let e = error as? EngineError else { return false }
            return e.kind == .conflict && e.message.hasPrefix("line 4: ") && e.message.contains("line 2")
        }
        #expect(try base.rowCount(of: base.table(named: "TimeEntries")) == 0)
    }
}
