import Foundation
import TabulaEngine
import TabulaLanguage
import TabulaReports
import TabulaTimeTracking

/// The bodies of the libFuzzer targets (Tests/Fuzz builds each with `-sanitize=fuzzer` and
/// feeds it bytes): each reads the bytes as text and runs one parser or reader on it. Errors
/// are the expected outcome of most inputs; a crash (a trap, an overflow, a runaway recursion)
/// is a bug. `FuzzCorpusTests` replays the committed corpus and reproducers through the same
/// bodies in the ordinary test run.
public enum FuzzTargets {
    /// The targets, by name: schema, formula, report, values, import.
    public static let names = ["schema", "formula", "report", "values", "import"]

    /// Runs the target `name` on one input.
    public static func run(_ name: String, _ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        switch name {
        case "schema": schema(text)
        case "formula": formula(text)
        case "report": report(text)
        case "values": values(text)
        case "import": importCSV(text)
        default: break
        }
    }

    /// The schema parser and compiler (with saved reports checked).
    static func schema(_ text: String) {
        _ = try? SchemaCompiler.compile(source: SourceText(name: "fuzz.tabula", text: text), reportChecker: ReportChecker())
    }

    /// The formula parser, checker and compiler, on each table of the fixture schema; a formula
    /// that compiles is also evaluated on the fixture's rows.
    static func formula(_ text: String) {
        guard let base = fixture else { return }
        for table in base.schema.tables {
            guard let compiled = try? FormulaCompiler.compile(source: SourceText(name: "<fuzz>", text: text), in: table, schema: base.schema) else { continue }
            if compiled.resultType == .bool { _ = try? base.filterRows(table, where: text) }
        }
    }

    /// The report parser and checker; a report that checks is planned and run on the fixture.
    static func report(_ text: String) {
        guard let base = fixture else { return }
        _ = try? ReportRunner.run(SourceText(name: "<fuzz>", text: text), on: base)
    }

    /// The value parsers of every field type; durations, integers, money and days read back
    /// what they print (a value that does not is a bug: the process stops).
    static func values(_ text: String) {
        let context = ValueContext(timeZone: "Europe/Berlin", currency: "EUR", locale: "de")
        let types: [ValueType] = [.text, .number, .integer, .currency("EUR"), .currency("JPY"), .percent, .bool, .date, .datetime, .duration,
                                  .select(["a", "b"]), .tags(["a", "b"])]
        for type in types {
            guard let value = try? type.parse(text, context: context) else { continue }
            let printed = type.format(value, context: context)
            switch type {
            case .duration, .integer, .currency, .date:
                guard let again = try? type.parse(printed, context: context), again == value else {
                    fatalError("\(type): \(text.debugDescription) reads as \(value), prints as \(printed.debugDescription), which does not read back the same")
                }
            default: break
            }
        }
    }

    /// The import readers: the file as each format, and recognised from its header (a dry run).
    static func importCSV(_ text: String) {
        guard let base = importBase else { return }
        for format in [nil] + ImportFormat.allCases.map(Optional.some) {
            _ = try? TimeImport.run(base, text: text, name: "fuzz.csv", options: .init(format: format, create: true, dryRun: true))
        }
    }

    /// A small base with links, mirrors, formulas, a time field and rows, for formulas and reports.
    nonisolated(unsafe) static let fixture: Base? = {
        let schema = """
            base "Fuzz"
            timezone "Europe/Berlin"
            currency EUR
            report from Entries
            table Clients {
              name      text required unique
              rate      currency
              projects  link Projects[] inverse client
              hours     mirror sum(projects.hours)
            }
            table Projects {
              name      text required
              client    link Clients
              budget    duration
              status    select(active, paused) default active
              entries   link Entries[] inverse project
              hours     mirror sum(entries.duration)
              over      formula hours > budget
            }
            table Entries {
              time field start
              project   link Projects
              person    text
              start     datetime required
              duration  duration
              billable  bool
              note      text
            }
            """
        guard let base = try? Base.createInMemory(schemaSource: schema, actor: "fuzz", now: { Instant(millisecondsSinceEpoch: 1_795_168_800_000) },
                                                  reportChecker: ReportChecker()) else { return nil }
        _ = try? base.write { tx in
            _ = try tx.insert(into: "Clients", rows: [[TextAssignment(field: "name", text: "Acme"), TextAssignment(field: "rate", text: "100")]])
            _ = try tx.insert(into: "Projects", rows: [[TextAssignment(field: "name", text: "Web"), TextAssignment(field: "client", text: "Acme"),
                                                        TextAssignment(field: "budget", text: "10h")]])
            _ = try tx.insert(into: "Entries", rows: (1...5).map { i in
                [TextAssignment(field: "project", text: "Web"), TextAssignment(field: "person", text: "p\(i % 2)"),
                 TextAssignment(field: "start", text: "2026-11-1\(i)T09:00:00Z"), TextAssignment(field: "duration", text: "\(i)h"),
                 TextAssignment(field: "billable", text: i % 2 == 0 ? "true" : "false")]
            })
        }
        return base
    }()

    /// A time-tracking base with a person, a client, a project and a task, for the import readers.
    nonisolated(unsafe) static let importBase: Base? = {
        guard let package = SchemaPackage.named("timetracking"),
              let base = try? Base.createInMemory(schemaSource: package.source, sourceName: "package timetracking", actor: "lena",
                                                  now: { Instant(millisecondsSinceEpoch: 1_795_168_800_000) }, reportChecker: ReportChecker())
        else { return nil }
        TimeTracking.install(on: base)
        _ = try? base.write { tx in
            _ = try tx.insert(into: "People", rows: [[TextAssignment(field: "name", text: "lena"), TextAssignment(field: "role", text: "lead")],
                                                     [TextAssignment(field: "name", text: "Anna Berg"), TextAssignment(field: "email", text: "anna@example.com")]])
            _ = try tx.insert(into: "Clients", rows: [[TextAssignment(field: "name", text: "Acme")]])
            _ = try tx.insert(into: "Projects", rows: [[TextAssignment(field: "name", text: "Web"), TextAssignment(field: "client", text: "Acme")]])
            _ = try tx.insert(into: "Tasks", rows: [[TextAssignment(field: "title", text: "Landing"), TextAssignment(field: "project", text: "Web")]])
        }
        return base
    }()
}
