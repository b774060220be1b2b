import Foundation
import Testing
import TabulaLanguage
@testable import TabulaEngine

/// `default EXPR`: literals are constants; any other expression is a formula over the new row,
/// evaluated once when the row is added without that field.
@Suite struct DefaultExpressionTests {
    static let schema = """
    timezone "Europe/Berlin"
    currency EUR
    table Projects {
      name   text required
      rate   currency
      tasks  link Tasks[] inverse project
    }
    table Tasks {
      title    text required
      project  link Projects
      entries  link Entries[] inverse task
    }
    table Entries {
      task     link Tasks
      hours    duration default 1h
      added    date default today()
      rate     currency default task.project.rate
      label    text default upper(note)
      note     text
      amount   formula rate * hours(hours)
    }
    """

    /// 2026-11-20 23:30 UTC: already 2026-11-21 in Berlin.
    static let clock = Instant(millisecondsSinceEpoch: 1_795_217_400_000)

    func makeBase(_ source: String = schema) throws -> (Base, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("defaults-\(UUID().uuidString).db").path
        let base = try Base.create(at: path, schemaSource: source, sourceName: "defaults.tabula", actor: "test", now: { Self.clock })
        return (base, path)
    }

    func a(_ pairs: (String, String)...) -> [TextAssignment] { pairs.map { TextAssignment(field: $0.0, text: $0.1) } }

    func value(_ base: Base, _ table: String, _ row: RowID, _ field: String) throws -> Value {
        let t = try base.table(named: table)
        let f = try base.field(named: field, in: t)
        return try base.readValues(of: t, row: row, fields: [f.id])[f.id] ?? .blank
    }

    @Test func aFormulaDefaultReadsTheNewRowAndItsLinksOnceAtInsert() throws {
        let (base, path) = try makeBase()
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        _ = try base.write { try $0.insert(into: "Projects", rows: [a(("name", "Atlas"), ("rate", "90 EUR"))]) }.value
        _ = try base.write { try $0.insert(into: "Tasks", rows: [a(("title", "Design"), ("project", "Atlas"))]) }.value
        let entry = try base.write { try $0.insert(into: "Entries", rows: [a(("task", "Design"), ("note", "straße"))]) }.value[0]
        #expect(try value(base, "Entries", entry, "rate") == .money(Money(minorUnits: 9000, currency: "EUR")))
        #expect(try value(base, "Entries", entry, "added") == .date(CivilDate(year: 2026, month: 11, day: 21)!))
        #expect(try value(base, "Entries", entry, "label") == .text("STRASSE"))
        #expect(try value(base, "Entries", entry, "hours") == .duration(3600))
        #expect(try value(base, "Entries", entry, "amount") == .money(Money(minorUnits: 9000, currency: "EUR")))
    }

    @Test func aSnapshottedDefaultDoesNotFollowLaterChanges() throws {
        let (base, path) = try makeBase()
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        _ = try base.write { try $0.insert(into: "Projects", rows: [a(("name", "Atlas"), ("rate", "90 EUR"))]) }.value
        _ = try base.write { try $0.insert(into: "Tasks", rows: [a(("title", "Design"), ("project", "Atlas"))]) }.value
        let entry = try base.write { try $0.insert(into: "Entries", rows: [a(("task", "Design"))]) }.value[0]
        _ = try base.write { try $0.update("Projects", row: "Atlas", a(("rate", "120 EUR"))) }.value
        #expect(try value(base, "Entries", entry, "rate") == .money(Money(minorUnits: 9000, currency: "EUR")))
        let later = try base.write { try $0.insert(into: "Entries", rows: [a(("task", "Design"))]) }.value[0]
        #expect(try value(base, "Entries", later, "rate") == .money(Money(minorUnits: 12000, currency: "EUR")))
    }

    @Test func aGivenValueWinsOverTheDefault() throws {
        let (base, path) = try makeBase()
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        _ = try base.write { try $0.insert(into: "Projects", rows: [a(("name", "Atlas"), ("rate", "90 EUR"))]) }.value
        _ = try base.write { try $0.insert(into: "Tasks", rows: [a(("title", "Design"), ("project", "Atlas"))]) }.value
        let entry = try base.write { try $0.insert(into: "Entries", rows: [a(("task", "Design"), ("rate", "75 EUR"), ("added", "2026-11-02"))]) }.value[0]
        #expect(try value(base, "Entries", entry, "rate") == .money(Money(minorUnits: 7500, currency: "EUR")))
        #expect(try value(base, "Entries", entry, "added") == .date(CivilDate(year: 2026, month: 11, day: 2)!))
    }

    @Test func aDefaultWithoutItsLinkIsBlank() throws {
        let (base, path) = try makeBase()
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        let entry = try base.write { try $0.insert(into: "Entries", rows: [a(("note", "loose"))]) }.value[0]
        #expect(try value(base, "Entries", entry, "rate") == .blank)
    }

    @Test func aRequiredFieldWhoseDefaultGivesNothingIsRefused() throws {
        let source = Self.schema.replacingOccurrences(of: "rate     currency default task.project.rate",
                                                      with: "rate     currency required default task.project.rate")
        let (base, path) = try makeBase(source)
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: EngineError.self) { try base.write { try $0.insert(into: "Entries", rows: [a(("note", "loose"))]) }.value }
        #expect(try base.rows(of: base.table(named: "Entries")).isEmpty)
    }

    @Test func aNewFieldWithAFormulaDefaultFillsExistingRows() throws {
        let (base, path) = try makeBase()
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        _ = try base.write { try $0.insert(into: "Projects", rows: [a(("name", "Atlas"), ("rate", "90 EUR"))]) }.value
        _ = try base.write { try $0.insert(into: "Tasks", rows: [a(("title", "Design"), ("project", "Atlas"))]) }.value
        let entry = try base.write { try $0.insert(into: "Entries", rows: [a(("task", "Design"))]) }.value[0]
        let source = Self.schema.replacingOccurrences(of: "  note     text\n", with: "  note     text\n  project  text default task.project.name\n")
        try base.migrations.apply(try base.migrations.plan(to: source, sourceName: "defaults.tabula"), allowDestructive: false)
        #expect(try value(base, "Entries", entry, "project") == .text("Atlas"))
    }

    @Test(arguments: [
        ("rate currency default upper(note)", "the default gives text, but rate is currency"),
        ("rate currency default amount", "a default cannot read amount"),
        ("rate currency default rate * 2", "reads rate itself"),
        ("rate currency default nope(1)", "unknown function 'nope'"),
        ("rate currency default task.projekt.rate", "projekt"),
    ])
    func aBadDefaultIsASchemaErrorAtItsPlace(line: String, message: String) throws {
        let source = Self.schema.replacingOccurrences(of: "rate     currency default task.project.rate", with: line)
        do {
            _ = try SchemaCompiler.compile(source: SourceText(name: "bad.tabula", text: source))
            Issue.record("expected an error for \(line)")
        } catch {
            let text = error.description
            #expect(text.contains(message), "\(text)")
            #expect(text.contains("bad.tabula:17:"), "\(text)")
        }
    }
}
