import Foundation
import Testing

/// The audit of the log and the overlap rule, through the built binary.
@Suite struct AuditTests {
    /// A Berlin base: anna (Berlin) and boris (New York), a project Web and an inactive Old.
    func makeBase() throws -> CLI {
        var cli = try CLI()
        cli.environment["TABULA_USER"] = "anna"
        cli.environment["TABULA_NOW"] = "2026-11-20T09:00:00Z"
        for step: [String] in [
            ["init", "tt.db", "--package", "timetracking", "--timezone", "Europe/Berlin", "--currency", "EUR"],
            ["add", "tt.db", "People", "name=anna", "--as", "owner"],
            ["add", "tt.db", "People", "name=boris", "timezone=America/New_York", "--as", "owner"],
            ["add", "tt.db", "Projects", "name=Web", "--as", "owner"],
            ["add", "tt.db", "Projects", "name=Old", "active=false", "--as", "owner"],
            ["add", "tt.db", "Tasks", "title=Landing", "project=Web"],
            ["add", "tt.db", "Tasks", "title=Legacy", "project=Old"],
        ] {
            let r = try cli.run(step)
            #expect(r.status == 0, "\(step): \(r.stderr)")
        }
        return cli
    }

    func at(_ cli: CLI, _ now: String) -> CLI {
        var c = cli
        c.environment["TABULA_NOW"] = now
        return c
    }

    @discardableResult
    func ok(_ cli: CLI, _ args: String...) throws -> String {
        let r = try cli.run(args)
        #expect(r.status == 0, "\(args): \(r.stderr)")
        return r.stdout
    }

    func json(_ cli: CLI, _ args: String...) throws -> [[String: Any]] {
        let r = try cli.run(args + ["--format", "json"])
        #expect(r.status == 0, "\(args): \(r.stderr)")
        return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    @Test("the audit names each entry that overlaps, runs long, lacks a note, ran over midnight, is on an inactive project or manual")
    func findings() throws {
        let cli = try makeBase()
        let warned = try ok(cli, "log", "tt.db", "Tasks", "Landing", "--from", "2026-11-03 09:00", "--to", "2026-11-03 11:00")
        #expect(!warned.contains("warning"))
        #expect(try ok(cli, "log", "tt.db", "Tasks", "Legacy", "--from", "2026-11-03 10:00", "--to", "2026-11-03 21:00").contains("warning: TimeEntries #2 overlaps #1"))
        try ok(at(cli, "2026-11-04T20:00:00Z"), "timer", "start", "tt.db", "Tasks", "Landing")
        try ok(at(cli, "2026-11-05T08:00:00Z"), "timer", "stop", "tt.db")
        // 20:00 to 23:30 in New York: not over boris's midnight, though over Berlin's.
        try ok(at(cli, "2026-11-05T01:00:00Z"), "timer", "start", "tt.db", "Tasks", "Landing", "--as", "boris")
        try ok(at(cli, "2026-11-05T04:30:00Z"), "timer", "stop", "tt.db", "--as", "boris")
        try ok(at(cli, "2026-11-19T08:00:00Z"), "timer", "start", "tt.db", "Tasks", "Landing")
        try ok(cli, "set", "tt.db", "Projects", "Web", "note_required=true", "--as", "owner")  // after the entries were written
        let rows = try json(cli, "audit", "tt.db", "--period", "2026-11")
        func kinds(_ entry: String) -> Set<String> { Set(rows.filter { $0["entry"] as? String == entry }.compactMap { $0["finding"] as? String }) }
        #expect(kinds("#1") == ["overlap", "no_note", "manual"])
        #expect(kinds("#2") == ["overlap", "long", "inactive_project", "manual"])
        #expect(kinds("#3") == ["long", "no_note", "over_midnight"])
        #expect(kinds("#4") == ["no_note"])
        #expect(kinds("#5") == ["long", "over_midnight"])  // running since the 19th, 25 h by now
        #expect(rows.first { $0["entry"] as? String == "#2" && $0["finding"] as? String == "overlap" }?["detail"] as? String == "overlaps TimeEntries #1")
        // The saved report gives the same lines; --only keeps some; another period has none.
        #expect(try json(cli, "report", "tt.db", "audit", "--for", "2026-11").count == rows.count)
        #expect(try json(cli, "audit", "tt.db", "--period", "2026-11", "--only", "overlap").count == 2)
        #expect(try json(cli, "audit", "tt.db", "--period", "2026-10").isEmpty)
        try ok(cli, "setting", "tt.db", "audit_long_entry", "12h")
        #expect(try json(cli, "audit", "tt.db", "--period", "2026-11", "--only", "long").compactMap { $0["entry"] as? String } == ["#5"])
        let bad = try cli.run("audit", "tt.db", "--only", "typos")
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("the findings are: overlap"))
    }

    @Test("with overlap refuse, an overlapping entry or timer is refused naming the other, and the base is unchanged")
    func refuseOverlaps() throws {
        let cli = try makeBase()
        try ok(cli, "log", "tt.db", "Tasks", "Landing", "--from", "2026-11-03 09:00", "--to", "2026-11-03 11:00")
        try ok(cli, "setting", "tt.db", "overlap", "refuse")
        let before = cli.snapshot("tt.db")
        let r = try cli.run("log", "tt.db", "Tasks", "Legacy", "--from", "2026-11-03 10:30", "--to", "2026-11-03 12:00")
        #expect(r.status == 1)
        #expect(r.stderr.contains("the entry overlaps TimeEntries #1 2026-11-03 09:00 to 2026-11-03 11:00 of the same person"), "\(r.stderr)")
        #expect(cli.snapshot("tt.db") == before)
        // Touching is not overlapping; another person's time is theirs.
        try ok(cli, "log", "tt.db", "Tasks", "Legacy", "--from", "2026-11-03 11:00", "--to", "2026-11-03 12:00")
        try ok(cli, "log", "tt.db", "Tasks", "Legacy", "--from", "2026-11-03 09:30", "--to", "2026-11-03 10:00", "--as", "boris")
        // Moving an entry onto another is refused too; a second parallel timer overlaps the first.
        #expect(try cli.run("set", "tt.db", "TimeEntries", "#2", "start=2026-11-03 10:00").status == 1)
        try ok(cli, "timer", "start", "tt.db", "Tasks", "Landing")
        let second = try cli.run("timer", "start", "tt.db", "Tasks", "Legacy")
        #expect(second.status == 1)
        #expect(second.stderr.contains("running since"))
        try ok(cli, "setting", "tt.db", "overlap", "warn")
        #expect(try cli.run("timer", "start", "tt.db", "Tasks", "Legacy").status == 0)
    }
}
