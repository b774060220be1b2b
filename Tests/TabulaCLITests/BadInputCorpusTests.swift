import Foundation
import Testing
import TabulaEngine

/// The bad-input corpus (Tests/Fixtures/BadInput, its README says how a case is written): every
/// case runs through the built `tabula` on a time-tracking base with data, and must exit 1 or 2
/// (never a crash), with an error that says where the input is wrong, and leave the base's
/// content exactly as it was.
@Suite struct BadInputCorpusTests {
    static let root = CLI.packageRoot.appendingPathComponent("Tests/Fixtures/BadInput")

    /// One run of the binary with a bad input, and what its error must contain to count as located.
    struct Case: CustomTestStringConvertible, Sendable {
        var kind: String
        var name: String
        /// Arguments; `BASE` is replaced by the base's path, `NEW` by a path that must stay absent.
        var arguments: [String]
        /// A regular expression the error output must match.
        var located: String
        var testDescription: String { "\(kind)/\(name)" }
    }

    static func lines(_ file: String) throws -> [String] {
        try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            .components(separatedBy: "\n").filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    static func files(_ folder: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    static func escaped(_ s: String) -> String { NSRegularExpression.escapedPattern(for: s) }

    /// Every case of the corpus, by kind.
    static func cases(_ kind: String) throws -> [Case] {
        switch kind {
        case "schema":
            return try files("schema").flatMap { url -> [Case] in
                let name = url.lastPathComponent, where_ = "\(escaped(name)):\\d+|#\\d+"
                let apply = Case(kind: kind, name: name + " (apply)", arguments: ["apply", "BASE", url.path], located: where_)
                // A schema that only the base's rows break is bad as a migration, fine for a new base.
                if name.contains("-rows-break") { return [apply] }
                return [apply, Case(kind: kind, name: name + " (init)", arguments: ["init", "NEW", "--schema", url.path], located: where_)]
            }
        case "formula":
            return try lines("formula/formulas.txt").enumerated().flatMap { i, formula -> [Case] in
                [Case(kind: kind, name: "\(i + 1) where: \(formula.prefix(40))", arguments: ["show", "BASE", "Projects", "--where", formula],
                      located: "<where>:\\d+:\\d+"),
                 Case(kind: kind, name: "\(i + 1) field: \(formula.prefix(40))", arguments: ["apply", "BASE", "PROBE:" + formula],
                      located: "probe\\.tabula:\\d+:\\d+")]
            }
        case "query":
            return try lines("query/queries.txt").enumerated().map { i, query in
                Case(kind: kind, name: "\(i + 1): \(query.prefix(40))", arguments: ["report", "BASE", query], located: "<query>:\\d+:\\d+")
            }
        case "cli":
            return try lines("cli/arguments.txt").map { line in
                let parts = line.components(separatedBy: " => ")
                return Case(kind: kind, name: parts[0], arguments: parts[0].split(separator: " ").map(String.init),
                            located: escaped((parts.count > 1 ? parts[1] : "error").replacingOccurrences(of: "BASE", with: "tt.db")))
            }
        case "csv", "jsonl":
            return try files(kind).map { url in
                let table = String(url.lastPathComponent.prefix { $0 != "." })
                return Case(kind: kind, name: url.lastPathComponent, arguments: ["add", "BASE", table, "--file", url.path],
                            located: "\(escaped(url.lastPathComponent)):\\d+")
            }
        case "import":
            return try files("import").map { url in
                Case(kind: kind, name: url.lastPathComponent, arguments: ["import", "BASE", url.path], located: "\(escaped(url.lastPathComponent))(:\\d+| line \\d+| is empty| has no)")
            }
        default:
            return []
        }
    }

    static let kinds = ["schema", "formula", "query", "cli", "csv", "jsonl", "import"]

    /// Rows and schema of a base file, as text: what "byte-identical content" is compared by.
    static func dump(_ path: String) throws -> [String] {
        let db = try Connection(path: path, mode: .readOnly)
        defer { db.close() }
        var lines = try db.query("SELECT type, name, sql FROM sqlite_master ORDER BY name").map { $0.map(\.description).joined(separator: "|") }
        lines.append("application_id=\(try db.scalar("PRAGMA application_id"))")
        for name in try db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").compactMap({ $0[0].textValue }) {
            lines += try db.query("SELECT * FROM \"\(name)\"").map { "\(name): " + $0.map(\.description).joined(separator: "|") }
        }
        return lines
    }

    /// The probe schema for a formula: the package's schema with one formula field in Projects.
    static func probeSchema(_ formula: String) throws -> String {
        let source = try String(contentsOf: CLI.packageRoot.appendingPathComponent("Samples/timetracking.tabula"), encoding: .utf8)
        return source.replacingOccurrences(of: "table Projects {\n", with: "table Projects {\n  probe_field formula \(formula)\n")
    }

    /// What went wrong with one case, or nil when it held.
    static func run(_ c: Case, cli: CLI, before: [String]) throws -> String? {
        var arguments = c.arguments.map { $0 == "BASE" ? "tt.db" : $0 == "NEW" ? "new.db" : $0 }
        if let i = arguments.firstIndex(where: { $0.hasPrefix("PROBE:") }) {
            arguments[i] = try cli.write("probe.tabula", probeSchema(String(arguments[i].dropFirst(6))))
        }
        let r = try cli.run(arguments)
        var problems: [String] = []
        if r.status == 0 { problems.append("it succeeded") }
        if r.status != 0 && r.status != 1 && r.status != 2 { problems.append("exit status \(r.status) (a crash?)") }
        if r.stderr.range(of: c.located, options: .regularExpression) == nil { problems.append("the error is not located (want /\(c.located)/)") }
        if try dump(cli.path("tt.db")) != before { problems.append("the base changed") }
        if FileManager.default.fileExists(atPath: cli.path("new.db")) { problems.append("init left a file") }
        guard !problems.isEmpty else { return nil }
        return "\(c.kind)/\(c.name): \(problems.joined(separator: "; "))\n    stderr: \(r.stderr.prefix(300))"
    }

    /// A time-tracking base with the demo's people, clients, projects, tasks and entries.
    static func makeBase() throws -> CLI {
        var cli = try CLI()
        cli.environment["TABULA_USER"] = "anna"
        let r = try cli.run("demo", "tt.db")
        #expect(r.status == 0, "\(r.stderr)")
        return cli
    }

    @Test("every bad input of the corpus is refused with a located error, exit 1 or 2, and the base unchanged", arguments: kinds)
    func corpus(kind: String) throws {
        let cases = try Self.cases(kind)
        #expect(!cases.isEmpty)
        let cli = try Self.makeBase()
        let before = try Self.dump(cli.path("tt.db"))
        try FileManager.default.copyItem(atPath: cli.path("tt.db"), toPath: cli.path("pristine.db"))
        var failures: [String] = []
        for c in cases {
            if let failure = try Self.run(c, cli: cli, before: before) {
                failures.append(failure)
                // Put the base back so the next case starts from the same content.
                for name in ["tt.db", "tt.db-wal", "tt.db-shm", "new.db"] { try? FileManager.default.removeItem(atPath: cli.path(name)) }
                try FileManager.default.copyItem(atPath: cli.path("pristine.db"), toPath: cli.path("tt.db"))
            }
        }
        print("bad-input corpus, \(kind): \(cases.count) cases, \(failures.count) failed")
        #expect(failures.isEmpty, "\(failures.count) of \(cases.count) \(kind) cases failed:\n\(failures.joined(separator: "\n"))")
    }
}
