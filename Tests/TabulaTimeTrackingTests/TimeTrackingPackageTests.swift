import Foundation
import Testing
import TabulaEngine
import TabulaReports
import TabulaTimeTracking

/// The time-tracking package in process: a base built from its schema with its rules installed,
/// written through the engine as the CLI writes it, without running the binary.
@Suite struct TimeTrackingPackageTests {
    /// 2026-11-20 09:00 UTC.
    static let now = Instant(millisecondsSinceEpoch: 1_795_165_200_000)

    /// A base with a lead (lena), two members (anna at 80 an hour, boris), a client at 120 with
    /// a project without a rate (Web) and one at 150 (App), a project with no client (Internal),
    /// and a task on each.
    func makeBase() throws -> Base {
        let package = try #require(SchemaPackage.named("timetracking"))
        let base = try Base.createInMemory(schemaSource: package.configured(timeZone: "Europe/Berlin", currency: "EUR"),
                                           sourceName: "package timetracking", actor: "anna", now: { Self.now },
                                           reportChecker: ReportChecker())
        TimeTracking.install(on: base)
        // The master data is the file's owner's to write (anna, a member, may not).
        base.actor = "owner"
        defer { base.actor = "anna" }
        try add(base, "People", "name=anna", "role=member", "rate=80")
        try add(base, "People", "name=boris", "role=member")
        try add(base, "People", "name=lena", "role=lead")
        try add(base, "Clients", "name=Acme", "rate=120")
        try add(base, "Projects", "name=Web", "client=Acme")
        try add(base, "Projects", "name=App", "client=Acme", "rate=150")
        try add(base, "Projects", "name=Internal")
        try add(base, "Tasks", "title=Landing", "project=Web")
        try add(base, "Tasks", "title=Login", "project=App")
        try add(base, "Tasks", "title=Admin", "project=Internal")
        return base
    }

    @discardableResult
    func add(_ base: Base, _ table: String, _ pairs: String...) throws -> RowID {
        try base.write { try $0.insert(into: table, rows: [pairs.map(assignment)]) }.value[0]
    }

    func set(_ base: Base, _ table: String, _ row: String, _ pairs: String...) throws {
        _ = try base.write { try $0.update(table, row: row, pairs.map(assignment)) }.value
    }

    func assignment(_ pair: String) -> TextAssignment {
        let eq = pair.firstIndex(of: "=")!
        return TextAssignment(field: String(pair[..<eq]), text: String(pair[pair.index(after: eq)...]))
    }

    /// A field of a row, as stored.
    func value(_ base: Base, _ tableName: String, _ id: RowID, _ field: String) throws -> Value {
        let table = try base.table(named: tableName)
        let record = try #require(try base.rows(of: table, ids: [id]).first)
        let index = try #require(table.fields.firstIndex { $0.name == field })
        return record.values[index]
    }

    func euros(_ amount: Int64) -> Value { .money(Money(minorUnits: amount * 100, currency: "EUR")) }

    /// An entry of an hour on a task from `hour` o'clock on `day`, written by `person`.
    func logHour(_ base: Base, _ task: String, on day: String, at hour: Int, as person: String = "anna") throws -> RowID {
        let actor = base.actor
        base.actor = person
        defer { base.actor = actor }
        return try add(base, "TimeEntries", "task=\(task)", "start=\(day) \(hour):00", "end=\(day) \(hour + 1):00")
    }

    // MARK: - Rates

    @Test func anEntrySnapshotsTheMostSpecificRate() throws {
        let base = try makeBase()
        defer { base.close() }
        base.actor = "lena"
        try add(base, "Assignments", "person=anna", "project=App", "rate=170")
        base.actor = "anna"
        let onAssignment = try logHour(base, "Login", on: "2026-11-18", at: 10)                // anna on App: her assignment
        let onProject = try logHour(base, "Login", on: "2026-11-18", at: 11, as: "boris")      // App's own rate
        let onClient = try logHour(base, "Landing", on: "2026-11-18", at: 12)                  // Web has none: Acme's
        let onPerson = try logHour(base, "Admin", on: "2026-11-18", at: 13)                    // no client: anna's own
        #expect(try value(base, "TimeEntries", onAssignment, "rate") == euros(170))
        #expect(try value(base, "TimeEntries", onProject, "rate") == euros(150))
        #expect(try value(base, "TimeEntries", onClient, "rate") == euros(120))
        #expect(try value(base, "TimeEntries", onPerson, "rate") == euros(80))
        #expect(try value(base, "TimeEntries", onProject, "person") == .link(try base.resolveRow("boris", in: base.table(named: "People"))))
    }

    @Test func aLaterRateChangeLeavesWrittenEntriesAlone() throws {
        let base = try makeBase()
        defer { base.close() }
        let before = try logHour(base, "Login", on: "2026-11-18", at: 10)
        base.actor = "lena"
        try set(base, "Projects", "App", "rate=200")
        base.actor = "anna"
        let after = try logHour(base, "Login", on: "2026-11-19", at: 10)
        #expect(try value(base, "TimeEntries", before, "rate") == euros(150))
        #expect(try value(base, "TimeEntries", after, "rate") == euros(200))
    }

    // MARK: - Periods

    func period(_ base: Base, _ month: String) throws -> RowID {
        try base.resolveRow(month, in: base.table(named: "Periods"))
    }

    @Test func anEntryIsFiledInThePeriodOfItsMonthInTheBasesTimeZone() throws {
        let base = try makeBase()
        defer { base.close() }
        let october = try logHour(base, "Login", on: "2026-10-15", at: 10)
        // 23:30 UTC on October 31st is already November in Berlin.
        let november = try add(base, "TimeEntries", "task=Login", "start=2026-10-31T23:30:00Z", "end=2026-11-01T00:30:00Z")
        #expect(try value(base, "TimeEntries", october, "period") == .link(try period(base, "2026-10")))
        #expect(try value(base, "TimeEntries", november, "period") == .link(try period(base, "2026-11")))
        // Moving an entry to another month files it there.
        try set(base, "TimeEntries", "#\(october)", "start=2026-12-01 10:00", "end=2026-12-01 11:00")
        #expect(try value(base, "TimeEntries", october, "period") == .link(try period(base, "2026-12")))
    }

    @Test func closingAMonthLocksItsEntriesAndOnlyTheApproverReopensIt() throws {
        let base = try makeBase()
        defer { base.close() }
        let entry = try logHour(base, "Login", on: "2026-11-10", at: 10)
        let other = try logHour(base, "Login", on: "2026-12-01", at: 10)
        let closed = try Periods.close(base, month: "2026-11")
        #expect(closed.state == "closed")
        #expect(closed.entries == 1)
        #expect(closed.hours == 3600)

        #expect { try set(base, "TimeEntries", "#\(entry)", "note=late") } throws: { error in
            (error as? EngineError)?.message.contains("TimeEntries #\(entry) is locked and cannot be changed") == true
        }
        try set(base, "TimeEntries", "#\(other)", "note=fine")  // December is open

        #expect { _ = try Periods.approve(base, month: "2026-11") } throws: { error in
            (error as? EngineError)?.message.contains("anna may not approve a period: that needs the role lead") == true
        }
        base.actor = "lena"
        let approved = try Periods.approve(base, month: "2026-11")
        #expect(approved.state == "approved")
        #expect(try value(base, "Periods", try period(base, "2026-11"), "approved_by") == .link(try base.resolveRow("lena", in: base.table(named: "People"))))
        #expect(throws: EngineError.self) { try set(base, "TimeEntries", "#\(entry)", "note=late") }

        _ = try Periods.reopen(base, month: "2026-11")
        try set(base, "TimeEntries", "#\(entry)", "note=late")
        #expect(try value(base, "TimeEntries", entry, "note") == .text("late"))
    }

    @Test func fourEyesFollowsTheBasesSettingAtTheMomentOfApproval() throws {
        let base = try makeBase()
        defer { base.close() }
        base.actor = "lena"
        let entry = try logHour(base, "Login", on: "2026-11-10", at: 10, as: "lena")
        _ = try Periods.approve(base, month: "2026-11")
        let request = try base.write { try $0.requestEdit(table: "TimeEntries", row: "#\(entry)", [assignment("note=typo")], reason: "typo") }.value
        let refused = #expect(throws: EngineError.self) { try base.write { _ = try $0.approveEdit(request.id) } }
        #expect(refused?.kind == .forbidden)
        // Turned off in the same open base, the next approval is allowed.
        try base.write { try $0.setSetting(TimeTracking.fourEyes, to: "off") }
        #expect(try base.write { try $0.approveEdit(request.id) }.value.state == .approved)
    }
}
