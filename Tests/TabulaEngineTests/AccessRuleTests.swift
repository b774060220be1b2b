import Foundation
import Testing
import TabulaLanguage
import TabulaReports
@testable import TabulaEngine

/// `read when` / `write when`: rules over the acting person (`actor`) that the engine applies to
/// every read and write that names rows, compiled to SQL with the actor's parts evaluated once.
@Suite struct AccessRuleTests {
    static let schema = """
    timezone "Europe/Berlin"
    people People
    table People {
      name   text required unique
      role   select(member, boss)
      group  link Groups
    }
    table Groups {
      name   text required
      secret bool
    }
    table Notes {
      text   text
      owner  link People
      hours  duration
      read when owner = actor or actor.role = boss and not owner.group.secret
      write when owner = actor
    }
    """

    func a(_ pairs: (String, String)...) -> [TextAssignment] { pairs.map { TextAssignment(field: $0.0, text: $0.1) } }

    func makeBase() throws -> Base {
        let base = try Base.createInMemory(schemaSource: Self.schema, actor: "owner")
        try base.write { tx in
            _ = try tx.insert(into: "Groups", rows: [a(("name", "open")), a(("name", "hidden"), ("secret", "true"))])
            _ = try tx.insert(into: "People", rows: [a(("name", "ann"), ("role", "member"), ("group", "open")),
                                                      a(("name", "bob"), ("role", "member"), ("group", "hidden")),
                                                      a(("name", "cy"), ("role", "boss"))])
            _ = try tx.insert(into: "Notes", rows: [a(("text", "a1"), ("owner", "ann"), ("hours", "1h")),
                                                     a(("text", "b1"), ("owner", "bob"), ("hours", "2h")),
                                                     a(("text", "a2"), ("owner", "ann"), ("hours", "4h"))])
        }
        return base
    }

    func readable(_ base: Base, as actor: String) throws -> [RowID] {
        base.actor = actor
        return try base.readableRowIDs(of: try base.table(named: "Notes"))
    }

    @Test func eachPersonReadsTheRowsTheRuleGivesThemAndTheOwnerReadsAll() throws {
        let base = try makeBase()
        #expect(try readable(base, as: "ann") == [1, 3])
        #expect(try readable(base, as: "bob") == [2])
        #expect(try readable(base, as: "cy") == [1, 3])   // a boss, but bob's group is secret
        #expect(try readable(base, as: "owner") == [1, 2, 3])
        #expect(try readable(base, as: "someone-else") == [1, 2, 3])  // no person: the file's owner
    }

    @Test func reportsCountOnlyReadableRows() throws {
        let base = try makeBase()
        base.actor = "ann"
        let output = try ReportRunner.run(SourceText(name: "q", text: "sum(hours) as h by owner from Notes"), on: base)
        #expect(output.table.rows.count == 1)
        #expect(output.table.rows.first?.last == .duration(5 * 3600))
        base.actor = "owner"
        #expect(try ReportRunner.run(SourceText(name: "q", text: "sum(hours) as h by owner from Notes"), on: base).table.rows.count == 2)
    }

    @Test func aRowOneMayNotReadIsNotFoundAndOneMayNotWriteIsForbidden() throws {
        let base = try makeBase()
        base.actor = "ann"
        let hidden = #expect(throws: EngineError.self) { try base.write { try $0.update("Notes", row: "#2", a(("text", "mine"))) } }
        #expect(hidden?.kind == .notFound)
        base.actor = "cy"
        let notTheirs = #expect(throws: EngineError.self) { try base.write { try $0.update("Notes", row: "#1", a(("text", "boss edit"))) } }
        #expect(notTheirs?.kind == .forbidden)
        // Nor may a person add a row for someone else, or hand their row over.
        base.actor = "ann"
        let forOther = #expect(throws: EngineError.self) { try base.write { try $0.insert(into: "Notes", rows: [self.a(("text", "x"), ("owner", "bob"))]) } }
        #expect(forOther?.kind == .forbidden)
        let handOver = #expect(throws: EngineError.self) { try base.write { try $0.update("Notes", row: "#1", a(("owner", "bob"))) } }
        #expect(handOver?.kind == .forbidden)
        try base.write { try $0.update("Notes", row: "#1", a(("text", "a1 fixed"))) }
        base.actor = "owner"
        #expect(try base.rowCount(of: try base.table(named: "Notes")) == 3)
    }

    @Test func historyShowsOnlyReadableRows() throws {
        let base = try makeBase()
        base.actor = "bob"
        let notes = try base.table(named: "Notes")
        let rows = Set(try base.audit.entries(table: notes).compactMap(\.row))
        #expect(rows == [2])
        #expect(throws: EngineError.self) { try base.audit.entries(table: notes, row: 1) }
    }

    @Test(arguments: [
        ("read when text = hours", "cannot compare two of the row's own values"),
        ("read when owner = actor.name", "cannot be compared"),
        ("read when actor", "`actor` alone"),
        ("read when owner = actor or length(text) > 3", "is not a field of Notes"),
        ("read when actor.rank = 1", "actor (People) has no field 'rank'"),
    ])
    func aRuleThatCannotBeSaidIsASchemaErrorAtItsPlace(rule: String, message: String) throws {
        let source = Self.schema.replacingOccurrences(of: "  read when owner = actor or actor.role = boss and not owner.group.secret", with: "  " + rule)
        let error = #expect(throws: SourceErrors.self) { try Base.createInMemory(schemaSource: source, actor: "owner") }
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("test.tabula:") == true || error?.description.contains(":") == true)
    }

    // A rule is resolved once per actor while the file has not changed (`AccessFilterCache`);
    // these check it never answers from before a change.

    @Test func aChangeToTheActorsRowOrWhatTheRuleReachesFromItIsSeenAtOnce() throws {
        let base = try makeBase()
        #expect(try readable(base, as: "cy") == [1, 3])
        base.actor = "owner"
        try base.write { try $0.update("People", row: "cy", a(("role", "member"))) }
        #expect(try readable(base, as: "cy") == [])
        base.actor = "owner"
        try base.write { tx in
            try tx.update("People", row: "cy", a(("role", "boss")))
            try tx.update("Groups", row: "hidden", a(("secret", "false")))
        }
        #expect(try readable(base, as: "cy") == [1, 2, 3])
    }

    @Test func aRuleResolvedInsideAWriteThatFailedIsNotKept() throws {
        let base = try makeBase()
        #expect(try readable(base, as: "cy") == [1, 3])
        struct Undo: Error {}
        base.actor = "owner"
        #expect(throws: Undo.self) {
            try base.write { tx in
                try tx.update("People", row: "cy", a(("role", "member")))
                #expect(try readable(base, as: "cy") == [])
                base.actor = "owner"
                throw Undo()
            }
        }
        #expect(try readable(base, as: "cy") == [1, 3])
    }

    @Test func aWatchedChangeInsideACommandIsSeenByTheRestOfThatCommand() throws {
        let base = try makeBase()
        #expect(try readable(base, as: "cy") == [1, 3])
        base.actor = "owner"
        try base.write { tx in
            try tx.update("People", row: "cy", a(("role", "member")))
            #expect(try readable(base, as: "cy") == [])
            base.actor = "owner"
            try tx.update("People", row: "cy", a(("role", "boss")))
            #expect(try readable(base, as: "cy") == [1, 3])
            base.actor = "owner"
            try tx.update("People", row: "cy", a(("role", "member")))
            base.actor = "owner"
        }
        #expect(try readable(base, as: "cy") == [])
    }

    @Test func peopleAddedOrRenamedAreFoundAtOnceAndUnwatchedWritesKeepTheRules() throws {
        let base = try makeBase()
        #expect(try readable(base, as: "dan") == [1, 2, 3])  // no such person yet: the owner
        #expect(try readable(base, as: "ann") == [1, 3])
        let kept = base.accessFilters.generation
        base.actor = "owner"
        try base.write { try $0.update("Notes", row: "a1", a(("hours", "3h"))) }
        #expect(base.accessFilters.generation == kept, "a field no rule reads about the actor keeps what was resolved")
        try base.write { tx in _ = try tx.insert(into: "People", rows: [a(("name", "dan"), ("role", "member"))]) }
        #expect(try readable(base, as: "dan") == [])
        base.actor = "owner"
        try base.write { try $0.update("People", row: "ann", a(("name", "anna"))) }
        #expect(try readable(base, as: "ann") == [1, 2, 3])
        #expect(try readable(base, as: "anna") == [1, 3])
        #expect(base.accessFilters.generation != kept)
    }

    @Test func aChangeCommittedByAnotherConnectionIsSeenAtOnce() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tabula-access-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("notes.tabula").path
        let first = try Base.create(at: path, schemaSource: Self.schema, sourceName: "notes.tabula", actor: "owner")
        defer { first.close() }
        try first.write { tx in
            _ = try tx.insert(into: "People", rows: [a(("name", "ann"), ("role", "member")), a(("name", "cy"), ("role", "boss"))])
            _ = try tx.insert(into: "Notes", rows: [a(("text", "a1"), ("owner", "ann"))])
        }
        #expect(try readable(first, as: "cy") == [1])
        let second = try Base.open(at: path, actor: "owner")
        try second.write { try $0.update("People", row: "cy", a(("role", "member"))) }
        second.close()
        #expect(try readable(first, as: "cy") == [])
    }
}

/// Listing rows in a field's order: blanks last either way, ties by id.
@Suite struct RowOrderTests {
    @Test("rows listed by a field descending put blanks last and the newest id first among ties")
    func descendingOrder() throws {
        let base = try Base.createInMemory(schemaSource: """
        table Entries {
          note   text
          start  datetime
          time field start
        }
        """, actor: "t")
        let starts = ["2026-11-02 09:00", "", "2026-11-03 09:00", "2026-11-02 09:00", ""]
        try base.write { tx in
            _ = try tx.insert(into: "Entries", rows: starts.map { [TextAssignment(field: "start", text: $0)] })
        }
        let table = try base.table(named: "Entries")
        let start = try base.field(named: "start", in: table)
        #expect(try base.readableRowIDs(of: table, orderBy: start, descending: true) == [3, 4, 1, 5, 2])
        #expect(try base.readableRowIDs(of: table, orderBy: start) == [1, 4, 3, 2, 5])
        #expect(try base.readableRowIDs(of: table, orderBy: start, descending: true, offset: 1, limit: 2) == [4, 1])
    }
}
