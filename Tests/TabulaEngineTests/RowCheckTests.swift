import Foundation
import Testing
import TabulaLanguage
@testable import TabulaEngine

/// `check EXPR else "MESSAGE"`: a table rule the engine holds on every row a command inserts or
/// changes, inside the command's transaction, and that a migration may add only when existing rows keep it.
@Suite struct RowCheckTests {
    static let schema = """
    timezone "Europe/Berlin"
    table Tasks {
      title    text required
      entries  link Entries[] inverse task
      hours    mirror sum(entries.duration)
      budget   duration
      check hours <= budget or is_blank(budget) else "the task is over its budget"
    }
    table Entries {
      task      link Tasks
      start     datetime required
      end       datetime
      duration  formula if(is_blank(end), 0h, end - start)
      check is_blank(end) or end >= start else "the interval ends before it starts"
    }
    """

    func a(_ pairs: (String, String)...) -> [TextAssignment] { pairs.map { TextAssignment(field: $0.0, text: $0.1) } }

    func makeBase(_ source: String = schema) throws -> Base {
        try Base.createInMemory(schemaSource: source, actor: "test")
    }

    func count(_ base: Base, _ table: String) throws -> Int {
        try base.rowCount(of: try base.table(named: table))
    }

    @Test func anInsertThatBreaksACheckIsRefusedWithItsMessageTableRowAndValues() throws {
        let base = try makeBase()
        _ = try base.write { try $0.insert(into: "Tasks", rows: [a(("title", "Landing"))]) }.value
        let error = #expect(throws: EngineError.self) {
            try base.write { try $0.insert(into: "Entries", rows: [a(("task", "Landing"), ("start", "2026-11-19 09:00"), ("end", "2026-11-19 08:00"))]) }.value
        }
        #expect(error?.message == "Entries #1: the interval ends before it starts (start 2026-11-19 09:00, end 2026-11-19 08:00)")
        #expect(try count(base, "Entries") == 0)
    }

    @Test func anUpdateThatBreaksACheckIsRefusedAndTheRowKeepsItsValues() throws {
        let base = try makeBase()
        _ = try base.write { try $0.insert(into: "Tasks", rows: [a(("title", "Landing"))]) }.value
        let id = try base.write { try $0.insert(into: "Entries", rows: [a(("task", "Landing"), ("start", "2026-11-19 09:00"), ("end", "2026-11-19 10:00"))]) }.value[0]
        #expect(throws: EngineError.self) { try base.write { try $0.update("Entries", row: "#\(id)", a(("end", "2026-11-19 08:00"))) }.value }
        let entries = try base.table(named: "Entries")
        let end = try #require(entries.field(named: "end"))
        let kept = try base.readValues(of: entries, row: id, fields: [end.id])[end.id] ?? .blank
        #expect(ValueType.datetime.format(kept, context: base.schema.valueContext) == "2026-11-19 10:00")
        // A running interval (blank end) passes: a blank condition is not false.
        _ = try base.write { try $0.insert(into: "Entries", rows: [a(("task", "Landing"), ("start", "2026-11-19 11:00"))]) }.value
    }

    @Test func aCheckOnARollupHoldsWhenALinkedRowChangesIt() throws {
        let base = try makeBase()
        _ = try base.write { try $0.insert(into: "Tasks", rows: [a(("title", "Landing"), ("budget", "1h"))]) }.value
        _ = try base.write { try $0.insert(into: "Entries", rows: [a(("task", "Landing"), ("start", "2026-11-19 09:00"), ("end", "2026-11-19 09:30"))]) }.value
        let error = #expect(throws: EngineError.self) {
            try base.write { try $0.insert(into: "Entries", rows: [a(("task", "Landing"), ("start", "2026-11-19 10:00"), ("end", "2026-11-19 11:00"))]) }.value
        }
        #expect(error?.message.hasPrefix("Tasks #1: the task is over its budget") == true)
        #expect(try count(base, "Entries") == 1)
    }

    @Test func aCheckThatIsNotTrueOrFalseIsASchemaError() throws {
        let error = #expect(throws: SourceErrors.self) {
            try makeBase("table T {\n  n number\n  check n + 1 else \"n\"\n}")
        }
        #expect(error?.description.contains("the check of T gives number, not true or false") == true)
    }

    @Test func aMigrationThatAddsACheckExistingRowsBreakIsRefusedNamingThem() throws {
        let plain = Self.schema.replacingOccurrences(of: "  check is_blank(end) or end >= start else \"the interval ends before it starts\"\n", with: "")
        let base = try makeBase(plain)
        _ = try base.write { try $0.insert(into: "Tasks", rows: [a(("title", "Landing"))]) }.value
        _ = try base.write { try $0.insert(into: "Entries", rows: [
            a(("task", "Landing"), ("start", "2026-11-19 09:00"), ("end", "2026-11-19 10:00")),
            a(("task", "Landing"), ("start", "2026-11-19 09:00"), ("end", "2026-11-19 08:00")),
            a(("task", "Landing"), ("start", "2026-11-20 09:00"), ("end", "2026-11-20 07:00")),
        ]) }.value
        let plan = try base.planMigration(to: Self.schema, sourceName: "v2.tabula")
        #expect(plan.description.contains("+ check Entries: is_blank(end) or end >= start"))
        let error = #expect(throws: EngineError.self) { try base.apply(plan, allowDestructive: false) }
        #expect(error?.message.contains("is broken by 2 rows (#2, #3)") == true)
        #expect(error?.message.contains("Entries #2: the interval ends before it starts") == true)
        #expect(base.schema.table(named: "Entries")?.checks == nil)
    }
}
