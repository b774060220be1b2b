import TabulaEngine
import TabulaLanguage

/// A small base for formula tests: Clients ← Projects ← Tasks, with fields of every type.
enum FormulaFixture {
    static let schema: Schema = {
        let clients = Table(id: 1, name: "Clients", fields: [
            Field(id: 1, name: "name", kind: .data(.text)),
            Field(id: 2, name: "projects", kind: .link(LinkSpec(target: 2, many: true, inverse: 11, storage: .derived, onDelete: .clear))),
            Field(id: 3, name: "country", kind: .data(.text)),
        ])
        let projects = Table(id: 2, name: "Projects", fields: [
            Field(id: 10, name: "name", kind: .data(.text)),
            Field(id: 11, name: "client", kind: .link(LinkSpec(target: 1, many: false, inverse: 2, storage: .column, onDelete: .clear))),
            Field(id: 12, name: "budget", kind: .data(.duration)),
            Field(id: 13, name: "tasks", kind: .link(LinkSpec(target: 3, many: true, inverse: 21, storage: .derived, onDelete: .clear))),
            Field(id: 14, name: "rate", kind: .data(.currency("EUR"))),
        ])
        let tasks = Table(id: 3, name: "Tasks", fields: [
            Field(id: 20, name: "title", kind: .data(.text)),
            Field(id: 21, name: "project", kind: .link(LinkSpec(target: 2, many: false, inverse: 13, storage: .column, onDelete: .clear))),
            Field(id: 22, name: "stream", kind: .data(.tags(["backend", "frontend", "research"]))),
            Field(id: 23, name: "hours", kind: .data(.duration)),
            Field(id: 24, name: "estimate", kind: .data(.number)),
            Field(id: 25, name: "pieces", kind: .data(.integer)),
            Field(id: 26, name: "due", kind: .data(.date)),
            Field(id: 27, name: "start", kind: .data(.datetime)),
            Field(id: 28, name: "end", kind: .data(.datetime)),
            Field(id: 29, name: "category", kind: .data(.select(["billable", "internal", "non_billable"]))),
            Field(id: 30, name: "price", kind: .data(.currency("EUR"))),
            Field(id: 31, name: "fee", kind: .data(.currency("USD"))),
            Field(id: 32, name: "discount", kind: .data(.percent)),
            Field(id: 33, name: "done", kind: .data(.bool)),
            Field(id: 34, name: "anything", kind: .formula(FormulaSpec(source: "", resultType: .any))),
            Field(id: 35, name: "Hours billed", kind: .data(.duration)),
            Field(id: 36, name: "часы", kind: .data(.number)),
        ])
        return Schema(name: "Test", timeZone: "Europe/Berlin", currency: "EUR", locale: "en",
                      tables: [clients, projects, tasks], nextTableID: 4, nextFieldID: 40)
    }()

    static var tasks: Table { schema.table(named: "Tasks")! }

    /// The dotted name of a path of field ids, from `table`.
    static func name(of path: [FieldID], from table: Table) -> String {
        path.map { schema.field(id: $0)!.field.name }.joined(separator: ".")
    }
}

/// Row values by dotted path name (`project.client.name`).
struct TestInputs: FormulaInputs {
    var slots: [Value]
    var now: Instant
    var context: ValueContext
    func value(_ index: Int) -> Value { index < slots.count ? slots[index] : .error(.reference) }
}

/// 2026-11-20T10:30:00+01:00 (a Friday).
let testNow = Instant(millisecondsSinceEpoch: 1_795_167_000_000)

func compileFormula(_ source: String, table: String = "Tasks") throws -> CompiledFormula {
    let schema = FormulaFixture.schema
    return try FormulaCompiler.compile(source: SourceText(name: "<test>", text: source), in: schema.table(named: table)!, schema: schema)
}

/// Compiles and evaluates a formula on one row; a compile error fails the test through `throws`.
func evaluate(_ source: String, _ row: [String: Value] = [:], table: String = "Tasks",
              now: Instant = testNow, context: ValueContext? = nil) throws -> Value {
    let f = try compileFormula(source, table: table)
    let t = FormulaFixture.schema.table(named: table)!
    let slots = f.paths.map { row[FormulaFixture.name(of: $0, from: t)] ?? .blank }
    return f.evaluate(TestInputs(slots: slots, now: now, context: context ?? FormulaFixture.schema.valueContext))
}

/// The diagnostics of a formula that must not compile.
func diagnostics(_ source: String, table: String = "Tasks") -> [Diagnostic] {
    let schema = FormulaFixture.schema
    do {
        _ = try FormulaCompiler.compile(source: SourceText(name: "<test>", text: source), in: schema.table(named: table)!, schema: schema)
        return []
    } catch {
        return error.diagnostics
    }
}

func euros(_ minor: Int64) -> Value { .money(Money(minorUnits: minor, currency: "EUR")) }
func civil(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { CivilDate(year: y, month: m, day: d)! }
func berlinTime(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int = 0) -> Instant {
    Instant(date: civil(y, m, d), secondsOfDay: h * 3600 + mi * 60 + s, timeZone: "Europe/Berlin")
}
