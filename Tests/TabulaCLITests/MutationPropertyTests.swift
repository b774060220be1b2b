import Foundation
import Testing
import TabulaEngine
import TabulaIO
import TabulaLanguage
import TabulaReports
import TabulaTimeTracking

/// Good inputs (schemas, formulas, report queries, CSV rows) mutated into bad ones, from a fixed
/// seed: each mutant either works or is refused with an error that says where, never a crash,
/// and a refused write leaves the base's content exactly as it was.
@Suite struct MutationPropertyTests {
    /// Small edits that turn good text into nearly-good text.
    struct Mutator {
        var random: SeededGenerator
        static let alphabet: [Character] = Array("(){}[],.:;=<>+-*/\"'#@\n \t0a9_é\u{0}\\|&!?%$^~`ö\r")

        mutating func mutate(_ text: String) -> String {
            var chars = Array(text)
            let edits = Int.random(in: 1...3, using: &random)
            for _ in 0..<edits {
                guard !chars.isEmpty else { chars = [Self.alphabet.randomElement(using: &random)!]; continue }
                let i = Int.random(in: 0..<chars.count, using: &random)
                switch Int.random(in: 0..<7, using: &random) {
                case 0: chars.remove(at: i)
                case 1: chars.insert(Self.alphabet.randomElement(using: &random)!, at: i)
                case 2: chars[i] = Self.alphabet.randomElement(using: &random)!
                case 3: if i + 1 < chars.count { chars.swapAt(i, i + 1) }
                case 4: chars.removeSubrange(i..<min(chars.count, i + Int.random(in: 1...6, using: &random)))
                case 5: let end = min(chars.count, i + Int.random(in: 1...12, using: &random)); chars.insert(contentsOf: chars[i..<end], at: end)
                default: chars.removeSubrange(i...)
                }
            }
            return String(chars)
        }
    }

    /// Whether an error says where: a diagnostic with a position, or a message that starts
    /// with its place (`FILE:12: ...`, `<where>:1:4`).
    static func isLocated(_ error: Error, place: String) -> Bool {
        if let errors = error as? SourceErrors { return !errors.diagnostics.isEmpty }
        if let error = error as? EngineError { return error.message.contains(place) }
        if let error = error as? RowFileError { return error.line != nil || error.description.contains(place) }
        return false
    }

    static func dump(_ base: Base) throws -> [String] {
        let db = try Connection(path: base.path, mode: .readOnly)
        defer { db.close() }
        var lines = try db.query("SELECT type, name, sql FROM sqlite_master ORDER BY name").map { $0.map(\.description).joined(separator: "|") }
        for name in try db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").compactMap({ $0[0].textValue }) {
            lines += try db.query("SELECT * FROM \"\(name)\"").map { "\(name): " + $0.map(\.description).joined(separator: "|") }
        }
        return lines
    }

    static let now = Instant(millisecondsSinceEpoch: 1_795_168_800_000)  // 2026-11-20 10:00 UTC

    static func demoBase() throws -> Base {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tabula-mutants-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let base = try DemoBase.build(at: folder.appendingPathComponent("d.db").path, actor: "anna", now: { now })
        TimeTracking.install(on: base)
        return base
    }

    struct Tally: CustomStringConvertible {
        var accepted = 0, refused = 0, unlocated: [String] = []
        var description: String { "\(accepted + refused) mutants: \(accepted) accepted, \(refused) refused, \(unlocated.count) without a place" }
    }

    @Test("mutated schema files compile or give located diagnostics; mutated migrations that fail leave the base as it was")
    func schemas() throws {
        var mutator = Mutator(random: SeededGenerator(seed: 19))
        let samples = CLI.packageRoot.appendingPathComponent("Samples")
        var tally = Tally()
        for name in ["timetracking.tabula", "team.tabula", "example.tabula"] {
            let text = try String(contentsOf: samples.appendingPathComponent(name), encoding: .utf8)
            for _ in 0..<120 {
                let mutant = mutator.mutate(text)
                do {
                    _ = try SchemaCompiler.compile(source: SourceText(name: name, text: mutant), reportChecker: ReportChecker())
                    tally.accepted += 1
                } catch {
                    tally.refused += 1
                    if !Self.isLocated(error, place: name) { tally.unlocated.append("\(error)") }
                }
            }
        }
        // Migrations of the demo base to mutants of its own schema.
        let base = try Self.demoBase()
        defer { base.close() }
        let source = base.schemaSource
        var before = try Self.dump(base)
        for _ in 0..<40 {
            let mutant = mutator.mutate(source)
            do {
                let plan = try base.migrations.plan(to: mutant, sourceName: "mutant.tabula", reportChecker: ReportChecker())
                try base.migrations.apply(plan, allowDestructive: false)
                tally.accepted += 1
                before = try Self.dump(base)
            } catch {
                tally.refused += 1
                #expect(try Self.dump(base) == before, "a refused migration changed the base: \(error)")
                if !Self.isLocated(error, place: "#") && !Self.isLocated(error, place: "mutant.tabula") && !(error is EngineError) {
                    tally.unlocated.append("\(error)")
                }
            }
        }
        print("schema \(tally)")
        #expect(tally.refused > 0)
        #expect(tally.unlocated.isEmpty, "\(tally.unlocated.prefix(5))")
    }

    @Test("mutated formulas filter rows or give a located error")
    func formulas() throws {
        let base = try Self.demoBase()
        defer { base.close() }
        let table = try #require(base.schema.table(named: "Projects"))
        let good = ["hours > 10h", "name = \"Website\"", "if(hours > 1h, budget, 0s) > 0s", "client.name & \" / \" & name != \"\"",
                    "round_to(hours, 15m) >= 0s", "is_blank(code) or len(code) > 2", "amount > 100 and not over_budget",
                    "datetime_diff(now(), now(), \"minutes\") = 0", "upper(name) = \"AUDIT\"", "billing = per_hour"]
        var mutator = Mutator(random: SeededGenerator(seed: 7))
        var tally = Tally()
        for formula in good {
            _ = try TableView.make(base, table: table, where: formula)
            for _ in 0..<30 {
                let mutant = mutator.mutate(formula)
                do { _ = try TableView.make(base, table: table, where: mutant); tally.accepted += 1 } catch {
                    tally.refused += 1
                    if !Self.isLocated(error, place: "<where>") { tally.unlocated.append("\(mutant): \(error)") }
                }
            }
        }
        print("formula \(tally)")
        #expect(tally.refused > 0)
        #expect(tally.unlocated.isEmpty, "\(tally.unlocated.prefix(5))")
    }

    @Test("mutated report queries run or give a located error")
    func queries() throws {
        let base = try Self.demoBase()
        defer { base.close() }
        let good = ["sum(duration) as hours by person for 2026-11", "count() as entries, sum(duration) by project.client, project order by entries desc limit 3",
                    "sum(duration where category = billable) / sum(duration) as share by task.stream", "sum(amount) - sum(cost) as margin by project.client for this month",
                    "sum(duration) by person per week for last 4 weeks having sum(duration) > 1h", "avg(duration) by category where manual or duration > 1h"]
        var mutator = Mutator(random: SeededGenerator(seed: 11))
        var tally = Tally()
        for query in good {
            _ = try ReportRunner.run(SourceText(name: "<query>", text: query), on: base)
            for _ in 0..<30 {
                let mutant = mutator.mutate(query)
                do { _ = try ReportRunner.run(SourceText(name: "<query>", text: mutant), on: base); tally.accepted += 1 } catch {
                    tally.refused += 1
                    if !Self.isLocated(error, place: "<query>") { tally.unlocated.append("\(mutant): \(error)") }
                }
            }
        }
        print("query \(tally)")
        #expect(tally.refused > 0)
        #expect(tally.unlocated.isEmpty, "\(tally.unlocated.prefix(5))")
    }

    @Test("mutated CSV rows are added or refused naming their line, and a refused file leaves the base as it was")
    func csvRows() throws {
        let base = try Self.demoBase()
        defer { base.close() }
        let good: [(String, String)] = [
            ("Clients", "name,rate,tax_id\nZeta,120.50,123\n\"Omega, Ltd\",99,\n"),
            ("Projects", "name,client,budget,billing\nMars,Acme,10h,per_hour\nVenus,Globex,1h30m,fixed_price\n"),
            ("TimeEntries", "task,person,start,end,category\nLogin flow,anna,2026-11-19T09:00:00Z,2026-11-19T10:00:00Z,billable\n"),
            ("Tasks", "title,project,stream\nRocket,Website,\"frontend, design\"\n"),
        ]
        var mutator = Mutator(random: SeededGenerator(seed: 3))
        var tally = Tally()
        var before = try Self.dump(base)
        for (table, text) in good {
            for _ in 0..<25 {
                let mutant = mutator.mutate(text)
                do {
                    var reader = RowFileReader(text: mutant, name: "rows.csv")
                    var rows: [[TextAssignment]] = [], labels: [String] = []
                    while let row = try reader.next() {
                        rows.append(row.cells.map { TextAssignment(field: $0.column, text: $0.text) })
                        labels.append("rows.csv:\(row.line)")
                    }
                    _ = try base.write { try $0.insert(into: table, rows: rows, labels: labels) }
                    tally.accepted += 1
                    before = try Self.dump(base)
                } catch {
                    tally.refused += 1
                    #expect(try Self.dump(base) == before, "a refused file changed the base: \(error)")
                    if !Self.isLocated(error, place: "rows.csv") { tally.unlocated.append("\(mutant.debugDescription): \(error)") }
                }
            }
        }
        print("csv \(tally)")
        #expect(tally.refused > 0)
        #expect(tally.unlocated.isEmpty, "\(tally.unlocated.prefix(5))")
    }
}
