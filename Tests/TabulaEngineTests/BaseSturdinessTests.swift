import Foundation
import Testing
@testable import TabulaEngine

/// Backup and restore, the full integrity check, and bases this version must not read.
@Suite struct BaseSturdinessTests {
    let folder: URL
    static let schema = """
        base "Shop"
        table Clients {
          name      text required unique
          projects  link Projects[] inverse client
          total     mirror sum(projects.budget)
        }
        table Projects {
          name      text required
          client    link Clients
          budget    integer
        }
        """

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tabula-sturdy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func makeBase(_ name: String = "b.db") throws -> Base {
        let base = try Base.create(at: path(name), schemaSource: Self.schema, sourceName: "shop.tabula", actor: "t")
        try base.write { tx in
            _ = try tx.insert(into: "Clients", rows: [[TextAssignment(field: "name", text: "Acme")], [TextAssignment(field: "name", text: "Globex")]])
            _ = try tx.insert(into: "Projects", rows: (1...5).map { i in
                [TextAssignment(field: "name", text: "P\(i)"), TextAssignment(field: "client", text: i % 2 == 0 ? "Acme" : "Globex"),
                 TextAssignment(field: "budget", text: "\(i * 10)")]
            })
        }
        return base
    }

    func dump(_ path: String) throws -> [String] {
        let db = try Connection(path: path, mode: .readOnly)
        defer { db.close() }
        var lines: [String] = []
        for name in try db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").compactMap({ $0[0].textValue }) {
            lines += try db.query("SELECT * FROM \"\(name)\"").map { "\(name): \($0.map(\.description).joined(separator: "|"))" }.sorted()
        }
        return lines
    }

    @Test("a backup is a whole, checked copy; it refuses an existing file; a restore into a new path gives the same rows")
    func backupAndRestore() throws {
        let base = try makeBase()
        let summary = try base.backup(to: path("copy.db"))
        #expect(summary.rows == 7)
        #expect(!FileManager.default.fileExists(atPath: path("copy.db-wal")))
        #expect(throws: EngineError.self) { try base.backup(to: path("copy.db")) }
        let restored = try Base.restore(from: path("copy.db"), to: path("back.db"), replacing: false, actor: "t")
        #expect(restored.rows == 7 && restored.previousSavedAt == nil)
        base.close()
        #expect(try dump(path("back.db")) == dump(path("b.db")))
        let reopened = try Base.open(at: path("back.db"), actor: "t")
        defer { reopened.close() }
        #expect(try reopened.integrity.full().isClean)
    }

    @Test("restore over an existing base needs replacing, saves the old content first, and refuses a file that is not a base")
    func restoreReplacing() throws {
        let base = try makeBase()
        _ = try base.backup(to: path("copy.db"))
        try base.write { tx in _ = try tx.insert(into: "Clients", rows: [[TextAssignment(field: "name", text: "Initech")]]) }
        base.close()
        let before = try dump(path("b.db"))
        let refused = #expect(throws: EngineError.self) { try Base.restore(from: path("copy.db"), to: path("b.db"), replacing: false, actor: "t") }
        #expect(refused?.kind == .conflict)
        try "not a base".write(toFile: path("junk.db"), atomically: true, encoding: .utf8)
        #expect(throws: EngineError.self) { try Base.restore(from: path("junk.db"), to: path("b.db"), replacing: true, actor: "t") }
        #expect(try dump(path("b.db")) == before)
        let done = try Base.restore(from: path("copy.db"), to: path("b.db"), replacing: true, actor: "t")
        #expect(done.rows == 7)
        let saved = try #require(done.previousSavedAt)
        #expect(try dump(saved) == before)
        #expect(try dump(path("b.db")) == dump(path("copy.db")))
    }

    @Test("the full check finds a row written outside the engine, a removed row, a dangling link and a stale rollup, and says so")
    func fullCheckFindsTampering() throws {
        let base = try makeBase()
        #expect(try base.integrity.full().isClean)
        let clients = try #require(base.schema.table(named: "Clients")), projects = try #require(base.schema.table(named: "Projects"))
        let client = try #require(projects.field(named: "client")), budget = try #require(projects.field(named: "budget"))
        let p = Layout.table(projects.id), c = Layout.table(clients.id)
        try base.db.execute("PRAGMA foreign_keys = OFF")
        try base.db.execute("INSERT INTO \(p) (id, \(Layout.column(client.id)), \(Layout.column(budget.id))) VALUES (100, 99, 1)")
        try base.db.execute("DELETE FROM \(p) WHERE id = 1")
        try base.db.execute("UPDATE \(c) SET \(Layout.column(clients.field(named: "total")!.id)) = 12345 WHERE id = 1")
        let report = try base.integrity.full()
        #expect(!report.isClean)
        #expect(report.storage.isEmpty)
        #expect(report.danglingLinks.map(\.description) == ["Projects.client #100: links to a row of Clients that does not exist"])
        #expect(report.history.contains(HistoryGap(table: "Projects", row: 100, kind: .rowWithoutHistory)))
        #expect(report.history.contains(HistoryGap(table: "Projects", row: 1, kind: .historyWithoutRow)))
        #expect(report.computed.contains { $0.table == "Clients" && $0.field == "total" && $0.row == 1 })
        let fixed = try base.integrity.full(fixComputed: true)
        #expect(fixed.computedFixed)
        #expect(try base.integrity.check().isEmpty)
        base.close()
    }

    @Test("a base written by a newer Tabula is refused with a clear error, and its file is left as it was")
    func newerFormatIsRefused() throws {
        try makeBase().close()
        let db = try Connection(path: path("b.db"), mode: .readWrite)
        try db.execute("UPDATE \(Layout.meta) SET value = \(Layout.formatVersion + 1) WHERE key = 'format'")
        db.close()
        let before = try Data(contentsOf: folder.appendingPathComponent("b.db"))
        let error = #expect(throws: EngineError.self) { try Base.open(at: path("b.db"), actor: "t") }
        #expect(error?.message.contains("written by a newer Tabula (file format \(Layout.formatVersion + 1)") == true)
        #expect(error?.hint?.contains("upgrade Tabula") == true)
        #expect(try Data(contentsOf: folder.appendingPathComponent("b.db")) == before)
        // A backup of such a base is not restored either.
        #expect(throws: EngineError.self) { try Base.restore(from: path("b.db"), to: path("r.db"), replacing: false, actor: "t") }
        #expect(!FileManager.default.fileExists(atPath: path("r.db")))
    }

    @Test("a format value that is not a known number, or a schema model this version cannot decode, is a clear error")
    func unknownSchemaFormatIsRefused() throws {
        try makeBase().close()
        let db = try Connection(path: path("b.db"), mode: .readWrite)
        try db.execute("UPDATE \(Layout.meta) SET value = 'v2-beta' WHERE key = 'format'")
        let odd = #expect(throws: EngineError.self) { try Base.open(at: path("b.db"), actor: "t") }
        #expect(odd?.message.contains("file format this Tabula does not know") == true)
        try db.execute("UPDATE \(Layout.meta) SET value = 1 WHERE key = 'format'")
        let model = try #require(try db.scalar("SELECT value FROM \(Layout.meta) WHERE key = 'schema_model'").textValue)
        let future = model.replacingOccurrences(of: "\"integer\"", with: "\"quaternion\"")
        #expect(future != model)
        try db.execute("UPDATE \(Layout.meta) SET value = ? WHERE key = 'schema_model'", [.text(future)])
        db.close()
        let error = #expect(throws: EngineError.self) { try Base.open(at: path("b.db"), actor: "t") }
        #expect(error?.message.contains("holds a schema in a form this Tabula does not know") == true, "\(String(describing: error))")
    }

    @Test("an internal table made by another connection is seen at once, and one whose making was rolled back is not")
    func internalTablesAreSeenAsTheFileHasThem() throws {
        let base = try makeBase()
        defer { base.close() }
        let other = try Base.open(at: path("b.db"), actor: "u")
        defer { other.close() }
        #expect(try base.internalTableExists("_tabula_probe") == false)
        try other.db.execute("CREATE TABLE _tabula_probe (id INTEGER PRIMARY KEY)")
        #expect(try base.internalTableExists("_tabula_probe"))
        struct Undo: Error {}
        _ = try? base.db.transaction { () throws -> Void in
            try base.db.execute("CREATE TABLE _tabula_undone (id INTEGER PRIMARY KEY)")
            #expect(try base.internalTableExists("_tabula_undone"))
            throw Undo()
        }
        #expect(try base.internalTableExists("_tabula_undone") == false)
    }
}
