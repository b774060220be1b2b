import Foundation
import Testing

/// Drafts, required notes, recent tasks and logging several days, through the built binary.
@Suite struct DraftTests {
    /// A time-tracking base with anna (member, Berlin), lena (lead), a client with a project and
    /// a project that wants notes.
    func makeBase() throws -> CLI {
        var cli = try CLI()
        cli.environment["TABULA_USER"] = "anna"
        cli.environment["TABULA_NOW"] = "2026-11-20T09:00:00Z"
        for step: [String] in [
            ["init", "tt.db", "--package", "timetracking", "--timezone", "Europe/Berlin", "--currency", "EUR"],
            ["add", "tt.db", "People", "name=anna", "rate=80", "--as", "owner"],
            ["add", "tt.db", "People", "name=lena", "role=lead", "--as", "owner"],
            ["add", "tt.db", "Clients", "name=Acme", "rate=120", "--as", "owner"],
            ["add", "tt.db", "Projects", "name=Web", "client=Acme", "--as", "owner"],
            ["add", "tt.db", "Projects", "name=Audit", "client=Acme", "note_required=true", "--as", "owner"],
            ["add", "tt.db", "Tasks", "title=Landing", "project=Web"],
            ["add", "tt.db", "Tasks", "title=Check", "project=Audit"],
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

    @Test("drafts are listed, left out of billing, block approval naming them, and complete by setting the task")
    func draftsLifecycle() throws {
        let cli = try makeBase()
        #expect(try ok(cli, "log", "tt.db", "--draft", "--date", "2026-11-03", "--hours", "1.5", "--note", "call with Acme").contains("logged draft 1:30"))
        #expect(try ok(cli, "timer", "start", "tt.db", "--draft", "--note", "support").contains("started a draft for anna"))
        let status = try ok(cli, "timer", "status", "tt.db")
        #expect(status.contains("draft #2"))
        #expect(try ok(at(cli, "2026-11-20T09:45:00Z"), "timer", "stop", "tt.db").contains("stopped the draft for anna: 0:45"))
        try ok(cli, "log", "tt.db", "Tasks", "Landing", "--date", "2026-11-04", "--hours", "2")
        let drafts = try json(cli, "drafts", "tt.db")
        #expect(drafts.map { $0["entry"] as? String } == ["#1", "#2"])
        #expect(drafts.map { $0["duration"] as? Int } == [5400, 2700])
        #expect(try json(cli, "drafts", "tt.db", "--as", "lena").isEmpty)
        #expect(try json(cli, "drafts", "tt.db", "--everyone", "--as", "lena").count == 2)
        // Billing reads only the entry with a task.
        let export = try cli.run("export", "tt.db", "--period", "2026-11", "--template", "csv", "--draft", "--as", "lena")
        #expect(export.status == 0, "\(export.stderr)")
        let lines = export.stdout.components(separatedBy: .newlines).filter { $0.hasPrefix("2026-") }
        #expect(lines.count == 1)
        #expect(!export.stdout.contains("call with Acme"))
        // Approval is refused while the month has drafts, and the refusal lists them.
        let before = cli.snapshot("tt.db")
        let refused = try cli.run("period", "approve", "tt.db", "2026-11", "--as", "lena")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("period 2026-11 has 2 drafts, so it cannot be approved"))
        #expect(refused.stderr.contains("TimeEntries #1 (anna, 2026-11-03 09:00, 1:30, \"call with Acme\")"))
        #expect(refused.stderr.contains("TimeEntries #2"))
        #expect(cli.snapshot("tt.db") == before)
        // Completing a draft gives it its task's project and the rate of that project's client.
        try ok(cli, "set", "tt.db", "TimeEntries", "#1", "task=Landing")
        try ok(cli, "delete", "tt.db", "TimeEntries", "#2")
        let entry = try json(cli, "show", "tt.db", "TimeEntries").first { $0["id"] as? Int == 1 }
        #expect(entry?["draft"] as? Bool == false)
        #expect(entry?["project"] as? String == "Web")
        #expect(entry?["rate"] as? String == "120.00")
        #expect(try json(cli, "drafts", "tt.db").isEmpty)
        #expect(try cli.run("period", "approve", "tt.db", "2026-11", "--as", "lena").status == 0)
        #expect(try cli.run("check", "tt.db").status == 0)
    }

    @Test("a project that requires a note refuses an entry without one, and a timer at its stop")
    func noteRequired() throws {
        let cli = try makeBase()
        let before = cli.snapshot("tt.db")
        let refused = try cli.run("log", "tt.db", "Tasks", "Check", "--date", "2026-11-09", "--hours", "1")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("its project requires a note on every entry"))
        #expect(cli.snapshot("tt.db") == before)
        try ok(cli, "log", "tt.db", "Tasks", "Check", "--date", "2026-11-09", "--hours", "1", "--note", "ledger")
        try ok(cli, "log", "tt.db", "Tasks", "Landing", "--date", "2026-11-09", "--hours", "1")  // Web wants none
        #expect(try cli.run("timer", "start", "tt.db", "Tasks", "Check").status == 0)
        let stop = try at(cli, "2026-11-20T10:00:00Z").run("timer", "stop", "tt.db")
        #expect(stop.status == 1)
        #expect(stop.stderr.contains("its project requires a note on every entry"))
        #expect(try ok(cli, "timer", "status", "tt.db").contains("Check"))  // still running
        try ok(cli, "set", "tt.db", "TimeEntries", "#3", "note=reconciled")
        #expect(try at(cli, "2026-11-20T10:00:00Z").run("timer", "stop", "tt.db").status == 0)
    }

    @Test("--days logs the same hours on each day of the range in one step, or none when one is refused")
    func severalDays() throws {
        let cli = try makeBase()
        let out = try ok(cli, "log", "tt.db", "Tasks", "Landing", "--days", "2026-11-02..2026-11-06", "--hours", "2h")
        #expect(out.split(separator: "\n").count == 5)
        let entries = try json(cli, "show", "tt.db", "TimeEntries")
        #expect(entries.map { $0["local_day"] as? String } == ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06"])
        #expect(entries.allSatisfy { $0["duration"] as? Int == 7200 })
        #expect(try json(cli, "show", "tt.db", "Tasks").first?["hours"] as? Int == 5 * 7200)
        // Across the end of DST (Berlin, 25 October): each day still starts at 09:00 local time
        // (the weekend booked too, as asked).
        try ok(cli, "log", "tt.db", "Tasks", "Landing", "--days", "2026-10-24..2026-10-26", "--hours", "1", "--include-off-days")
        let october = try json(cli, "show", "tt.db", "TimeEntries").compactMap { $0["start"] as? String }.filter { $0.hasPrefix("2026-10") }
        #expect(october == ["2026-10-24T09:00:00+02:00", "2026-10-25T09:00:00+01:00", "2026-10-26T09:00:00+01:00"])
        // One refused day (a note is required) refuses them all.
        let before = cli.snapshot("tt.db")
        let refused = try cli.run("log", "tt.db", "Tasks", "Check", "--days", "2026-11-09..2026-11-10", "--hours", "1")
        #expect(refused.status == 1)
        #expect(cli.snapshot("tt.db") == before)
        for bad in [["--days", "2026-11-06..2026-11-02"], ["--days", "2026-11-02"], ["--days", "2026-11-02..2026-13-01"]] {
            let r = try cli.run(["log", "tt.db", "Tasks", "Landing", "--hours", "1"] + bad)
            #expect(r.status == 2, "\(bad)")
            #expect(r.stderr.contains("--days"), "\(bad): \(r.stderr)")
        }
    }

    @Test("recent lists the tasks I booked, newest first, with their totals")
    func recent() throws {
        let cli = try makeBase()
        #expect(try ok(cli, "recent", "tt.db").contains("anna has booked no task yet"))
        try ok(cli, "log", "tt.db", "Tasks", "Landing", "--date", "2026-11-02", "--hours", "1")
        try ok(cli, "log", "tt.db", "Tasks", "Check", "--date", "2026-11-03", "--hours", "1", "--note", "n")
        try ok(cli, "log", "tt.db", "Tasks", "Landing", "--date", "2026-11-01", "--hours", "2")
        try ok(cli, "log", "tt.db", "Tasks", "Landing", "--date", "2026-11-05", "--hours", "3", "--as", "lena")
        let rows = try json(cli, "recent", "tt.db")
        #expect(rows.map { $0["task"] as? String } == ["Check", "Landing"])
        #expect(rows.map { $0["hours"] as? Int } == [3600, 3 * 3600])
        #expect(rows.map { $0["project"] as? String } == ["Audit", "Web"])
        #expect(try json(cli, "recent", "tt.db", "--as", "lena").map { $0["task"] as? String } == ["Landing"])
        #expect(try json(cli, "recent", "tt.db", "--limit", "1").count == 1)
    }

    @Test("--days skips the days its person is not scheduled (a weekend, a holiday, a whole-day absence) and says so; --include-off-days books them")
    func severalDaysSkipDaysOff() throws {
        let cli = try makeBase()
        try ok(cli, "set", "tt.db", "People", "anna", "schedule=8h 8h 8h 8h 0 0 0", "--as", "lena")  // no Fridays
        try ok(cli, "add", "tt.db", "Absences", "first_day=2026-11-03", "kind=holiday", "--as", "lena")
        try ok(cli, "add", "tt.db", "Absences", "person=anna", "first_day=2026-11-04", "kind=leave")
        try ok(cli, "add", "tt.db", "Absences", "person=anna", "first_day=2026-11-05", "kind=leave", "half_day=true")
        try ok(cli, "add", "tt.db", "Absences", "person=lena", "first_day=2026-11-02", "kind=sick", "--as", "lena")  // not anna's
        let out = try ok(cli, "log", "tt.db", "Tasks", "Landing", "--days", "2026-11-02..2026-11-08", "--hours", "2h")
        #expect(out.contains("skipped 2026-11-03 (holiday)") && out.contains("skipped 2026-11-04 (leave)"), "\(out)")
        #expect(out.contains("skipped 2026-11-06 (Friday: no scheduled hours)") && out.contains("skipped 2026-11-08 (Sunday: no scheduled hours)"))
        #expect(out.components(separatedBy: "skipped ").count - 1 == 5)
        let days = try json(cli, "show", "tt.db", "TimeEntries").compactMap { $0["local_day"] as? String }
        #expect(days == ["2026-11-02", "2026-11-05"])  // a half-day absence leaves hours to book
        // Every day off: refused, saying why, and nothing written.
        let before = cli.snapshot("tt.db")
        let none = try cli.run("log", "tt.db", "Tasks", "Landing", "--days", "2026-11-06..2026-11-08", "--hours", "2h")
        #expect(none.status == 1 && none.stderr.contains("no day of --days 2026-11-06..2026-11-08 is a working day") && none.stderr.contains("--include-off-days"),
                "\(none.stderr)")
        #expect(cli.snapshot("tt.db") == before)
        // Forced: the weekend too.
        let forced = try ok(cli, "log", "tt.db", "Tasks", "Landing", "--days", "2026-11-06..2026-11-08", "--hours", "2h", "--include-off-days")
        #expect(!forced.contains("skipped") && forced.split(separator: "\n").count == 3)
        #expect(try cli.run("log", "tt.db", "Tasks", "Landing", "--date", "2026-11-06", "--hours", "1", "--include-off-days").status == 2)
        // A draft over several days skips the same days.
        let drafts = try ok(cli, "log", "tt.db", "--draft", "--days", "2026-11-09..2026-11-15", "--hours", "1", "--note", "calls")
        #expect(drafts.contains("skipped 2026-11-13 (Friday: no scheduled hours)") && drafts.components(separatedBy: "logged draft").count - 1 == 4)
    }
}
