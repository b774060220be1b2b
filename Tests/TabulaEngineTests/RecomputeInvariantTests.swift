import Foundation
import Testing
@testable import TabulaEngine

/// After random writes, every stored computed value equals a full recompute from scratch.
@Suite struct RecomputeInvariantTests {
    static let schema = """
    timezone "Europe/Berlin"
    table Clients {
      name      text required
      projects  link Projects[] inverse client
      hours     mirror sum(projects.hours)
      deep      mirror sum(projects.tasks.entries.duration) where category = billable
      count     mirror count(projects)
      latest    mirror max(projects.tasks.entries.start)
      earliest  mirror min(projects.tasks.entries.start) where category = internal
      fees      mirror sum(projects.tasks.fees)
      entries   mirror count(projects.tasks.entries)
      open      mirror count(projects.tasks.entries) where hours > 0h
    }
    table Projects {
      name      text required
      client    link Clients
      budget    duration
      tasks     link Tasks[] inverse project
      hours     mirror sum(tasks.hours)
      over      formula hours > budget
      who       formula client.name & ": " & name
    }
    table Tasks {
      title     text required
      project   link Projects
      entries   link TimeEntries[] inverse task
      hours     mirror sum(entries.duration)
      billable  mirror sum(entries.duration) where category = billable
      notes     mirror concat(entries.note) order by start desc
      share     formula if(hours = 0h, 0, billable / hours)
      client    formula project.client.name
      fees      mirror sum(entries.fee)
      ends      mirror min(entries.end)
      noted     mirror count(entries.note)
      rows      mirror count_all(entries.note) where not is_blank(end)
      timer     timer -> TimeEntries max 3
      timed     formula timer + 1h
    }
    table TimeEntries {
      task      link Tasks
      start     datetime required
      end       datetime
      duration  formula if(is_blank(end), 0h, end - start)
      category  select(billable, internal) default billable
      note      text
      cost      currency
      pieces    integer
      fee       formula cost / pieces
      label     formula task.title & ": " & note
      by        author
      time field start
    }
    """

    func a(_ pairs: (String, String)...) -> [TextAssignment] { pairs.map { TextAssignment(field: $0.0, text: $0.1) } }

    @Test func randomWritesKeepEveryComputedValueEqualToAFullRecompute() throws {
        let sequences = Int(ProcessInfo.processInfo.environment["TABULA_INVARIANT_SEQUENCES"] ?? "") ?? 12
        for seed in 0..<sequences {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("inv-\(UUID().uuidString).db").path
            let base = try Base.create(at: path, schemaSource: Self.schema, sourceName: "inv.tabula", actor: "test",
                                       now: { Instant(millisecondsSinceEpoch: 1_795_000_000_000) })
            defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
            var rng = SeededGenerator(seed: UInt64(seed) &+ 7)
            for i in 0..<3 { _ = try base.write { try $0.insert(into: "Clients", rows: [a(("name", "C\(i)"))]) }.value }
            for i in 0..<5 { _ = try base.write { try $0.insert(into: "Projects", rows: [a(("name", "P\(i)"), ("client", "#\(i % 3 + 1)"), ("budget", "\(i * 3)h"))]) }.value }
            for i in 0..<8 { _ = try base.write { try $0.insert(into: "Tasks", rows: [a(("title", "T\(i)"), ("project", "#\(i % 5 + 1)"))]) }.value }
            for step in 0..<60 {
                // Some steps are bulk: several writes in one transaction.
                let writes = rng.next() % 4 == 0 ? Int(rng.next() % 6) + 2 : 1
                try base.write { _ in for _ in 0..<writes { try randomWrite(base, step: step, rng: &rng) } }
            }
            let mismatches = try base.integrity.check(rowByRow: true)
            #expect(mismatches.isEmpty, "seed \(seed): \(mismatches.prefix(5).map(\.description))")
            // The set-wise SQL aggregates agree with the row-by-row ones.
            #expect(try base.integrity.check().isEmpty, "seed \(seed): set-wise")
            // The kept summary of the entries equals one rebuilt from the rows.
            let summary = try base.summaryDifferences(of: base.table(named: "TimeEntries"))
            #expect(summary.isEmpty, "seed \(seed): summary \(summary.prefix(3))")
        }
    }

    func randomWrite(_ base: Base, step: Int, rng: inout SeededGenerator) throws {
        let op = rng.next() % 19
        let entries = try base.allRowIDs(of: base.table(named: "TimeEntries"))
        switch op {
        case 0, 1, 2:
            let day = rng.next() % 20 + 1, hour = rng.next() % 10 + 6, length = rng.next() % 300 + 15
            let start = String(format: "2026-10-%02d %02d:00", day, hour)
            let endMinutes = Int(hour) * 60 + Int(length)
            let end = String(format: "2026-10-%02d %02d:%02d", day, endMinutes / 60, endMinutes % 60)
            let tasks = try base.allRowIDs(of: base.table(named: "Tasks"))
            _ = try base.write { try $0.insert(into: "TimeEntries", rows: [a(("task", tasks.isEmpty || rng.next() % 7 == 0 ? "" : "#\(tasks[Int(rng.next() % UInt64(tasks.count))])"),
                                                             ("start", start),
                                                             ("end", rng.next() % 5 == 0 ? "" : end),
                                                             ("category", rng.next() % 3 == 0 ? "internal" : "billable"),
                                                             ("note", rng.next() % 4 == 0 ? "" : "n\(step)"),
                                                             ("cost", "\(rng.next() % 50).50"), ("pieces", "\(rng.next() % 4)"))]) }.value
        case 3 where !entries.isEmpty:
            let e = entries[Int(rng.next() % UInt64(entries.count))]
            _ = try base.write { try $0.update("TimeEntries", row: "#\(e)", a(("end", String(format: "2026-10-25 %02d:30", rng.next() % 5 + 18)))) }.value
        case 4 where !entries.isEmpty:
            let e = entries[Int(rng.next() % UInt64(entries.count))]
            let tasks = try base.allRowIDs(of: base.table(named: "Tasks"))
        let task = rng.next() % 6 == 0 ? "" : tasks.randomElement(using: &rng).map { "#\($0)" } ?? ""
        _ = try base.write { try $0.update("TimeEntries", row: "#\(e)", a(("task", task))) }.value
        case 5 where !entries.isEmpty:
            let e = entries[Int(rng.next() % UInt64(entries.count))]
            _ = try base.write { try $0.update("TimeEntries", row: "#\(e)", a(("category", rng.next() % 2 == 0 ? "internal" : "billable"))) }.value
        case 6 where !entries.isEmpty:
            let e = entries[Int(rng.next() % UInt64(entries.count))]
            _ = try base.write { try $0.delete("TimeEntries", row: "#\(e)") }.value
        case 7:
            let projects = try base.allRowIDs(of: base.table(named: "Projects"))
            guard let p = projects.randomElement(using: &rng) else { return }
            _ = try base.write { try $0.update("Projects", row: "#\(p)", a(("client", "#\(rng.next() % 3 + 1)"))) }.value
        case 8:
            let tasks = try base.allRowIDs(of: base.table(named: "Tasks"))
            let projects = try base.allRowIDs(of: base.table(named: "Projects"))
            guard let t = tasks.randomElement(using: &rng), let p = projects.randomElement(using: &rng) else { return }
            _ = try base.write { try $0.update("Tasks", row: "#\(t)", a(("project", "#\(p)"))) }.value
        case 9 where !entries.isEmpty:
            let e = entries[Int(rng.next() % UInt64(entries.count))]
            _ = try base.write { try $0.update("TimeEntries", row: "#\(e)", a(("pieces", "\(rng.next() % 3)"), ("note", rng.next() % 2 == 0 ? "" : "x"))) }.value
        case 10:
            // Deleting a task clears its entries' link; a new task takes its place.
            let tasks = try base.allRowIDs(of: base.table(named: "Tasks"))
            if tasks.count > 4, let t = tasks.randomElement(using: &rng) { _ = try base.write { try $0.delete("Tasks", row: "#\(t)") }.value }
            _ = try base.write { try $0.insert(into: "Tasks", rows: [a(("title", "T\(step)"), ("project", "#\(rng.next() % 5 + 1)"))]) }.value
        case 11 where !entries.isEmpty:
            // An entry added and removed in the same transaction leaves no trace.
            let task = try base.allRowIDs(of: base.table(named: "Tasks")).first.map { "#\($0)" } ?? ""
            let id = try base.write { try $0.insert(into: "TimeEntries", rows: [a(("task", task), ("start", "2026-10-03 10:00"), ("cost", "3"), ("pieces", "0"))]) }.value[0]
            _ = try base.write { try $0.delete("TimeEntries", row: "#\(id)") }.value
        case 12 where !entries.isEmpty:
            let e = entries[Int(rng.next() % UInt64(entries.count))]
            _ = try base.write { try $0.update("TimeEntries", row: "#\(e)", a(("start", String(format: "2026-09-%02d ", rng.next() % 28 + 1) + ["08:00", "00:00", "23:45", "00:15"][Int(rng.next() % 4)]))) }.value
        case 13:
            // A full recompute in the middle of a transaction: later writes start from it.
            try base.integrity.recomputeEverything()
        case 14, 15:
            // The bulk path: many entries in one insert; sometimes one of them is changed, or a
            // task's title (which the new rows read at insert) is changed, in the same write.
            let tasks = try base.allRowIDs(of: base.table(named: "Tasks"))
            let count = rng.next() % 2 == 0 ? Int(rng.next() % 30) + 2 : Int(rng.next() % 60) + 32
            var rows: [[TextAssignment]] = []
            for i in 0..<count {
                let day = rng.next() % 28 + 1, length = rng.next() % 400
                rows.append(a(("task", tasks.isEmpty || rng.next() % 6 == 0 ? "" : "#\(tasks[Int(rng.next() % UInt64(tasks.count))])"),
                              ("start", String(format: "2026-10-%02d 08:00", day)),
                              ("end", rng.next() % 5 == 0 ? "" : String(format: "2026-10-%02d %02d:%02d", day, 8 + length / 60, length % 60)),
                              ("category", rng.next() % 3 == 0 ? "internal" : "billable"),
                              ("note", rng.next() % 4 == 0 ? "" : "b\(step).\(i)"),
                              ("cost", "\(rng.next() % 90).25"), ("pieces", "\(rng.next() % 3)")))
            }
            let after = rng.next() % 3
            _ = try base.write { tx in
                let ids = try tx.insert(into: "TimeEntries", rows: rows)
                if after == 1, let id = ids.randomElement(using: &rng) {
                    try tx.update("TimeEntries", row: "#\(id)", a(("end", "2026-10-29 23:00"), ("note", "")))
                } else if after == 2, let t = tasks.randomElement(using: &rng) {
                    try tx.update("Tasks", row: "#\(t)", a(("title", "R\(step)")))
                }
            }.value
        case 16, 17:
            // The timer path: start one (up to its maximum), or stop one, as one of two actors.
            let tasks = try base.allRowIDs(of: base.table(named: "Tasks"))
            guard let t = tasks.randomElement(using: &rng) else { return }
            base.actor = rng.next() % 2 == 0 ? "test" : "other"
            defer { base.actor = "test" }
            base.now = { [minute = Int64(step * 97 + Int(rng.next() % 50))] in Instant(millisecondsSinceEpoch: 1_795_000_000_000 + minute * 60_000) }
            if op == 16 {
                _ = try? base.write { try $0.startTimer(table: "Tasks", row: "#\(t)") }
            } else {
                _ = try? base.write { try $0.stopTimer(all: true) }
            }
        default:
            _ = try base.write { try $0.update("Clients", row: "#\(rng.next() % 3 + 1)", a(("name", "C\(rng.next() % 100)"))) }.value
        }
    }

    @Test func checkFindsAndFixesATamperedValue() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tamper-\(UUID().uuidString).db").path
        let base = try Base.create(at: path, schemaSource: Self.schema, sourceName: "t.tabula", actor: "test")
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        _ = try base.write { try $0.insert(into: "Clients", rows: [a(("name", "Acme"))]) }.value
        _ = try base.write { try $0.insert(into: "Projects", rows: [a(("name", "Web"), ("client", "Acme"))]) }.value
        _ = try base.write { try $0.insert(into: "Tasks", rows: [a(("title", "Home"), ("project", "Web"))]) }.value
        _ = try base.write { try $0.insert(into: "TimeEntries", rows: [a(("task", "Home"), ("start", "2026-11-20 09:00"), ("end", "2026-11-20 10:30"))]) }.value
        let clients = try base.table(named: "Clients")
        let hours = clients.field(named: "hours")!
        #expect(try base.storedValues(hours, in: clients, rows: [1])[1] == .duration(5400))
        try base.db.execute("UPDATE t\(clients.id) SET c\(hours.id) = 1")
        let found = try base.integrity.check()
        #expect(found.count == 1)
        #expect(found.first?.field == "hours")
        _ = try base.integrity.check(fix: true)
        #expect(try base.integrity.check().isEmpty)
    }
}
