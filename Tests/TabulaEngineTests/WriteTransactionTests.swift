import Foundation
import Testing
import TabulaEngine

/// The write transaction: the only way to write, one commit for everything done through it, a
/// savepoint when nested, the change set returned, and errors that say what kind they are.
@Suite struct WriteTransactionTests {
    static let schema = """
    table Projects {
      name   text required unique
      tasks  link Tasks[] inverse project
      hours  mirror sum(tasks.hours)
    }
    table Tasks {
      title    text required
      project  link Projects on delete restrict
      hours    duration
      timer    timer -> Entries max 1
      entries  link Entries[] inverse task
    }
    table Entries {
      task   link Tasks
      by     author
      start  datetime required
      end    datetime
    }
    """

    func makeBase() throws -> Base {
        try Base.createInMemory(schemaSource: Self.schema, actor: "anna")
    }

    func a(_ pairs: (String, String)...) -> [TextAssignment] { pairs.map { TextAssignment(field: $0.0, text: $0.1) } }

    @Test func aWriteReturnsItsValueAndEveryCellItChangedOrRecomputed() throws {
        let base = try makeBase()
        try base.write { try $0.insert(into: "Projects", rows: [a(("name", "Web"))]) }
        let committed = try base.write { tx in
            try tx.insert(into: "Tasks", rows: [a(("title", "Landing"), ("project", "Web"), ("hours", "2h"))])
        }
        let tasks = try base.table(named: "Tasks"), projects = try base.table(named: "Projects")
        let hours = try base.field(named: "hours", in: projects)
        #expect(committed.value == [1])
        #expect(committed.changes.inserted[tasks.id] == [1])
        #expect(committed.changes.cells[projects.id]?[1]?.contains(hours.id) == true)
        #expect(base.lastChanges == committed.changes)
    }

    @Test func anErrorUndoesEverythingTheWriteDid() throws {
        let base = try makeBase()
        #expect(throws: EngineError.self) {
            try base.write { tx in
                try tx.insert(into: "Projects", rows: [a(("name", "Web"))])
                try tx.insert(into: "Projects", rows: [a(("name", "Web"))])
            }
        }
        #expect(try base.rowCount(of: base.table(named: "Projects")) == 0)
    }

    @Test func aNestedWriteIsASavepointWhoseFailureUndoesOnlyItself() throws {
        let base = try makeBase()
        let committed = try base.write { tx in
            try tx.insert(into: "Projects", rows: [a(("name", "Web"))])
            let inner = Result { try base.write { try $0.insert(into: "Projects", rows: [a(("name", "App")), a(("name", "Web"))]) } }
            #expect(throws: EngineError.self) { try inner.get() }
            try tx.savepoint { try $0.insert(into: "Projects", rows: [a(("name", "Ops"))]) }
            return try base.rowCount(of: base.table(named: "Projects"))
        }
        #expect(committed.value == 2)
        let names = try base.rows(of: base.table(named: "Projects")).map { $0.values[0] }
        #expect(names == [.text("Web"), .text("Ops")])
        #expect(committed.changes.inserted[try base.table(named: "Projects").id]?.count == 2)
    }

    @Test func aTransactionKeptPastItsWriteRefusesToWrite() throws {
        let base = try makeBase()
        var kept: WriteTransaction?
        try base.write { kept = $0 }
        #expect(kept?.isOpen == false)
        let error = #expect(throws: EngineError.self) { try kept?.insert(into: "Projects", rows: [a(("name", "Late"))]) }
        #expect(error?.message.contains("already ended") == true)
        #expect(try base.rowCount(of: base.table(named: "Projects")) == 0)
    }

    @Test func errorsSayWhatKindOfFailureTheyAre() throws {
        let base = try makeBase()
        try base.write { tx in
            try tx.insert(into: "Projects", rows: [a(("name", "Web"))])
            try tx.insert(into: "Tasks", rows: [a(("title", "Landing"), ("project", "Web"))])
        }
        func kind(_ body: (WriteTransaction) throws -> Void) -> EngineError.Kind? {
            do { try base.write(body); return nil } catch let error as EngineError { return error.kind } catch { return nil }
        }
        #expect(kind { _ = try $0.update("Projects", row: "#9", a(("name", "X"))) } == .notFound)
        #expect(kind { _ = try $0.update("Tasks", row: "Landing", a(("titel", "X"))) } == .notFound)
        #expect(kind { _ = try $0.insert(into: "Projects", rows: [a(("name", "Web"))]) } == .conflict)
        #expect(kind { _ = try $0.delete("Projects", row: "Web") } == .conflict)
        #expect(kind { _ = try $0.update("Tasks", row: "Landing", a(("hours", "lots"))) } == .invalidValue)
        #expect(kind { _ = try $0.insert(into: "Tasks", rows: [a(("project", "Web"))]) } == .invalidValue)
        try base.write { tx in try tx.insert(into: "Tasks", rows: [a(("title", "Review"), ("project", "Web"))]) }
        _ = try base.write { try $0.startTimer(table: "Tasks", row: "Landing") }
        #expect(kind { _ = try $0.startTimer(table: "Tasks", row: "Landing") } == .conflict)
        #expect(kind { _ = try $0.startTimer(table: "Tasks", row: "Review") } == .limit)
    }

    @Test func aStorageErrorKeepsItsCodeButNotItsSQLOrValues() {
        let error = EngineError(.storage, "x")
        #expect(!error.isBusy)
        #expect(EngineError.Kind.allCases.map(\.rawValue) == ["not_found", "conflict", "invalid_value", "locked", "forbidden", "limit", "schema", "storage"])
    }
}
