import Foundation
import Testing

/// `tabula import` end to end: every format's fixture (Tests/Fixtures/Import, rows made to follow
/// each export and its traps), totals to the second, the queue, rules, idempotency, dry runs, and
/// files that cannot be read leaving the base byte for byte as it was.
@Suite struct ImportTests {
    static let fixtures = CLI.packageRoot.appendingPathComponent("Tests/Fixtures/Import")
    func fixture(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }

    /// A base with Anna (Berlin), Boris (New York) and Lena (lead); client Acme with projects Web
    /// (code WEB) and App; tasks Landing (key WEB-1, frontend) and Review.
    func makeBase() throws -> CLI {
        var cli = try CLI()
        cli.environment["TABULA_USER"] = "lena"
        cli.environment["TABULA_NOW"] = "2026-11-20T09:00:00Z"
        for step in [
            ["init", "tt.db", "--package", "timetracking", "--timezone", "Europe/Berlin", "--currency", "EUR"],
            ["add", "tt.db", "People", "name=Anna Berg", "email=anna@example.com", "rate=80"],
            ["add", "tt.db", "People", "name=Boris Lang", "email=boris@example.com", "timezone=America/New_York"],
            ["add", "tt.db", "People", "name=lena", "role=lead"],
            ["add", "tt.db", "Clients", "name=Acme", "rate=120"],
            ["add", "tt.db", "Projects", "name=Web", "client=Acme", "code=WEB"],
            ["add", "tt.db", "Projects", "name=App", "client=Acme", "rate=150"],
            ["add", "tt.db", "Tasks", "title=Landing", "project=Web", "stream=frontend", "key=WEB-1"],
            ["add", "tt.db", "Tasks", "title=Review", "project=App"],
        ] {
            let r = try cli.run(step)
            #expect(r.status == 0, "\(step): \(r.stderr)")
        }
        return cli
    }

    func importJSON(_ cli: CLI, _ file: String, _ extra: String...) throws -> [String: Any] {
        let r = try cli.run(["import", "tt.db", fixture(file), "--format", "json"] + extra)
        #expect(r.status == 0, "\(file): \(r.stderr)")
        return (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    /// Seconds per group of a report over the entries.
    func totals(_ cli: CLI, by group: String) throws -> [String: Int] {
        let r = try cli.run("report", "tt.db", "sum(duration) as s by \(group)", "--format", "json")
        #expect(r.status == 0, "\(r.stderr)")
        let rows = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
        var result: [String: Int] = [:]
        for row in rows {
            let key = row.first { $0.key != "s" }.map { ($0.value as? String) ?? "-" } ?? "-"
            result[key] = row["s"] as? Int
        }
        return result
    }

    func entries(_ cli: CLI) throws -> [[String: Any]] {
        let r = try cli.run("show", "tt.db", "TimeEntries", "--format", "json")
        return (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    @Test("a Toggl file imports with totals per person, client and project to the second, and its traps kept")
    func togglTotalsAndTraps() throws {
        let cli = try makeBase()
        let text = try cli.run("import", "tt.db", fixture("toggl.csv"))
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("Toggl Track detailed CSV (recognised from the header)"))
        #expect(text.stdout.contains("imported 4 entries (3:45:15)"))
        #expect(text.stdout.contains("queued 1: 1 unknown person"))
        // Anna 1:30:00 + 0:30:15; Boris 1:45 across midnight in New York + a zero-length entry.
        #expect(try totals(cli, by: "person") == ["Anna Berg": 7215, "Boris Lang": 6300])
        #expect(try totals(cli, by: "project") == ["Web": 7215, "App": 6300])
        #expect(try totals(cli, by: "project.client") == ["Acme": 13515])
        let rows = try entries(cli)
        #expect(rows.count == 4)
        #expect(rows[1]["note"] as? String == "say \"hi\" \\ 🔥 done")
        #expect(rows[0]["tags"] as? String == "frontend, design")
        #expect(rows[0]["import_amount"] as? String == "180.00 USD")
        #expect(rows[0]["source"] as? String == "import")
        #expect(rows[0]["stream"] as? [String] == ["frontend"])
        #expect(rows[0]["rate"] as? String == "120.00")  // the client's rate: the package's rule, not the file's amount
        #expect(rows[2]["start"] as? String == "2026-11-04T05:30:00+01:00")  // 23:30 in New York
        #expect(rows[2]["category"] as? String == "non_billable")
        #expect(rows[3]["task"] == nil || rows[3]["task"] is NSNull)  // booked on the project
        #expect(rows[3]["project"] as? String == "App")
        #expect(try cli.run("check", "tt.db").status == 0)
    }

    @Test("importing the same file again imports nothing, and an overlapping file only its new rows")
    func idempotent() throws {
        let cli = try makeBase()
        _ = try importJSON(cli, "toggl.csv")
        let again = try importJSON(cli, "toggl.csv")
        #expect(again["imported"] as? Int == 0)
        #expect(again["queued"] as? Int == 0)
        #expect(again["duplicates"] as? Int == 5)
        let lines = try String(contentsOfFile: fixture("toggl.csv"), encoding: .utf8).split(separator: "\n")
        let overlap = try cli.write("overlap.csv", ([lines[0], lines[2]].map(String.init) + [
            "Anna Berg,anna@example.com,Acme,Web,Landing,A new row,Yes,2026-11-06,09:00:00,2026-11-06,09:10:00,,,",
        ]).joined(separator: "\n") + "\n")
        let r = try cli.run("import", "tt.db", overlap, "--format", "json")
        #expect(r.stdout.contains("\"imported\": 1") && r.stdout.contains("\"duplicates\": 1"), "\(r.stdout)\(r.stderr)")
        #expect(try totals(cli, by: "person")["Anna Berg"] == 7215 + 600)
    }

    @Test("Harvest: European numbers, dotted dates, days placed from 09:00, a project code, internal work")
    func harvest() throws {
        let cli = try makeBase()
        let summary = try importJSON(cli, "harvest.csv", "--create")
        #expect(summary["format"] as? String == "harvest")
        #expect(summary["imported"] as? Int == 4)
        // 7,5 h + 0,25 h + 1 h for Anna; "2.000,0" h for Boris.
        #expect(try totals(cli, by: "person") == ["Anna Berg": 31_500, "Boris Lang": 7_200_000])
        #expect(try totals(cli, by: "project") == ["Web": 27_900, "App": 7_200_000, "Internal": 3600])  // "Website relaunch" is Web by its code
        let rows = try entries(cli)
        #expect(rows[0]["start"] as? String == "2026-11-02T09:00:00+01:00")  // 09:00 in Berlin
        #expect(rows[1]["start"] as? String == "2026-11-02T16:30:00+01:00")  // right after the first
        #expect(rows[1]["note"] as? String == "Review with \"the client\"")
        #expect(rows[3]["category"] as? String == "internal")  // a project of no client
        #expect(rows[0]["import_amount"] as? String == "900,0 EUR")
    }

    @Test("Tempo: issue keys name tasks, work dates with and without a time, billed hours, Russian headers")
    func tempo() throws {
        let cli = try makeBase()
        let without = try importJSON(cli, "tempo-server.csv")
        #expect(without["imported"] as? Int == 1)
        #expect(without["queued"] as? Int == 2)
        let queue = try cli.run("import", "queue", "tt.db")
        #expect(queue.stdout.contains("unknown task WEB-7"))
        #expect(try cli.run("import", "resolve", "tt.db", "--all", "--create").stdout.contains("imported 2 queued rows; 0 still queued"))
        #expect(try totals(cli, by: "person")["Boris Lang"] == 9000)
        let cli2 = try makeBase()
        #expect(try importJSON(cli2, "tempo-server.csv", "--create")["imported"] as? Int == 3)
        let created = try cli2.run("show", "tt.db", "Tasks", "--format", "json")
        #expect(created.stdout.contains("\"key\": \"WEB-7\""))
        let rows = try entries(cli2)
        #expect(rows[0]["start"] as? String == "2026-11-02T14:33:00+01:00")  // 2026-11-2 14:33 in Berlin
        #expect(rows[1]["category"] as? String == "non_billable")  // billed hours 0
        #expect(rows[2]["category"] as? String == "billable")
        #expect(try importJSON(cli2, "tempo-cloud-ru.csv")["imported"] as? Int == 2)
        #expect(try totals(cli2, by: "person") == ["Anna Berg": 5400 + 4500 + 2700, "Boris Lang": 9000])
        #expect(try entries(cli2)[4]["start"] as? String == "2026-11-05T09:00:00+01:00")  // no time: 09:00
    }

    @Test("Clockify: US dates and 12-hour times, day-first dates told from the file, Activity as the task")
    func clockify() throws {
        let cli = try makeBase()
        #expect(try importJSON(cli, "clockify-us.csv")["seconds"] as? Int == 9030 + 2700 + 1800)  // the last row lacks its last cell
        let rows = try entries(cli)
        #expect(rows[0]["start"] as? String == "2026-11-02T09:15:00+01:00")
        #expect(rows[1]["end"] as? String == "2026-11-03T06:15:00+01:00")  // 12:15 AM the next day in New York
        #expect(try importJSON(cli, "clockify-dmy.csv")["seconds"] as? Int == 3600 + 1200)
        #expect(try entries(cli)[3]["start"] as? String == "2026-11-03T14:00:00+01:00")  // 03/11 is the 3rd of November
        let ambiguous = try cli.run("import", "tt.db", fixture("bad-ambiguous-dates.csv"))
        #expect(ambiguous.status == 1)
        #expect(ambiguous.stderr.contains("bad-ambiguous-dates.csv:2: column Start Date: '03/11/2026' could be day first or month first"))
        #expect(try cli.run("import", "tt.db", fixture("bad-ambiguous-dates.csv"), "--dates", "dmy").status == 0)
    }

    @Test("Kimai: English and German headers, an end before the start crosses midnight")
    func kimai() throws {
        let cli = try makeBase()
        #expect(try importJSON(cli, "kimai-en.csv")["seconds"] as? Int == 2 * 12_600 + 2700)
        #expect(try importJSON(cli, "kimai-de.csv")["seconds"] as? Int == 3600)
        #expect(try totals(cli, by: "project") == ["Web": 12_600 + 2700 + 3600, "App": 12_600])
        #expect(try entries(cli)[3]["note"] as? String == "Texte überarbeitet")
    }

    @Test("queued rows list with their line and raw text, resolve with what was missing, and are never queued twice")
    func queueAndResolve() throws {
        let cli = try makeBase()
        _ = try importJSON(cli, "toggl.csv")
        let queue = try cli.run("import", "queue", "tt.db", "--format", "json")
        let rows = (try? JSONSerialization.jsonObject(with: Data(queue.stdout.utf8)) as? [[String: Any]]) ?? []
        #expect(rows.count == 1)
        #expect(rows.first?["line"] as? Int == 6)
        #expect(rows.first?["reason"] as? String == "unknown person Nobody Known <nobody@example.com>")
        #expect((rows.first?["raw"] as? String)?.hasPrefix("Nobody Known,nobody@example.com,Acme,Web,Landing") == true)
        #expect(Set(rows.first?.keys.map { $0 } ?? []) == ["id", "file", "line", "reason", "raw"])
        let refused = try cli.run("import", "resolve", "tt.db", "1", "project=App")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("still cannot be imported: unknown person"))
        let resolved = try cli.run("import", "resolve", "tt.db", "1", "person=lena")
        #expect(resolved.status == 0, "\(resolved.stderr)")
        #expect(try totals(cli, by: "person")["lena"] == 3600)
        #expect(try cli.run("import", "queue", "tt.db").stdout.contains("empty"))
        let again = try importJSON(cli, "toggl.csv")
        #expect(again["duplicates"] as? Int == 5)
    }

    @Test("a map rule places rows of later imports and of the queue")
    func mapRules() throws {
        let cli = try makeBase()
        _ = try importJSON(cli, "toggl.csv")
        let map = try cli.run("import", "map", "tt.db", "person", "Nobody Known", "lena")
        #expect(map.status == 0, "\(map.stderr)")
        #expect(try cli.run("import", "resolve", "tt.db", "--all").stdout.contains("imported 1 queued row; 0 still queued"))
        let fresh = try makeBase()
        #expect(try fresh.run("import", "map", "tt.db", "person", "nobody@example.com", "lena").status == 0)
        #expect(try importJSON(fresh, "toggl.csv")["queued"] as? Int == 0)
        #expect(try fresh.run("import", "map", "tt.db", "person", "X", "nobody").status == 1)
    }

    @Test("dropped rows stay remembered")
    func drop() throws {
        let cli = try makeBase()
        _ = try importJSON(cli, "toggl.csv")
        #expect(try cli.run("import", "drop", "tt.db", "1").status == 0)
        #expect(try cli.run("import", "queue", "tt.db").stdout.contains("empty"))
        #expect(try importJSON(cli, "toggl.csv")["queued"] as? Int == 0)
    }

    @Test("rows in a closed month are queued, never written past the lock")
    func lockedPeriod() throws {
        let cli = try makeBase()
        #expect(try cli.run("period", "close", "tt.db", "2026-11").status == 0)
        let summary = try importJSON(cli, "toggl.csv")
        #expect(summary["imported"] as? Int == 0)
        #expect(summary["queued"] as? Int == 5)
        #expect(try cli.run("import", "queue", "tt.db").stdout.contains("locked: it is in November 2026, which is closed"))
    }

    @Test("a row past the person's edit deadline is queued with that reason")
    func editDeadline() throws {
        let cli = try makeBase()
        #expect(try cli.run("add", "tt.db", "People", "name=Edith Roe", "email=edith@example.com", "edit_days=7").status == 0)
        let file = try cli.write("edith.csv", """
            User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags
            Edith Roe,edith@example.com,Acme,Web,Landing,Too late,Yes,2026-11-02,09:00:00,2026-11-02,10:00:00,,
            Edith Roe,edith@example.com,Acme,Web,Landing,In time,Yes,2026-11-18,09:00:00,2026-11-18,10:00:00,,

            """)
        let r = try cli.run("import", "tt.db", file, "--format", "json")
        #expect(r.stdout.contains("\"imported\": 1, \"queued\": 1"), "\(r.stdout)\(r.stderr)")
        #expect(try cli.run("import", "queue", "tt.db").stdout.contains("locked: Edith Roe's edit deadline (7 days) passed on 2026-11-09"))
    }

    @Test("a dry run prints the same summary and writes nothing")
    func dryRun() throws {
        let cli = try makeBase()
        let before = cli.snapshot("tt.db")
        let dry = try cli.run("import", "tt.db", fixture("harvest.csv"), "--create", "--dry-run", "--format", "json")
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(cli.snapshot("tt.db") == before)
        let text = try cli.run("import", "tt.db", fixture("harvest.csv"), "--create", "--dry-run")
        #expect(text.stdout.contains("would create: project Internal"))
        #expect(text.stdout.contains("dry run: nothing was written"))
        let real = try cli.run("import", "tt.db", fixture("harvest.csv"), "--create", "--format", "json")
        #expect(real.stdout == dry.stdout)
    }

    @Test("a file that cannot be read is refused at its line and column, and the base is byte-identical",
          arguments: [("bad-unclosed-quote.csv", "bad-unclosed-quote.csv:3: column Description: a quoted field is not closed"),
                      ("bad-missing-column.csv", "bad-missing-column.csv:1: column Start time: missing from the header"),
                      ("bad-date.csv", "bad-date.csv:3: column Date: '2026-13-40' is not a date"),
                      ("bad-unknown-format.csv", "bad-unknown-format.csv:1: the header matches no format Tabula imports: when,who,what")])
    func malformed(file: String, message: String) throws {
        let cli = try makeBase()
        let before = cli.snapshot("tt.db")
        let r = try cli.run("import", "tt.db", fixture(file))
        #expect(r.status == 1)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stderr.contains("hint:"))
        #expect(cli.snapshot("tt.db") == before)
    }

    @Test("a base made before imports says how to migrate, and imports after `apply --package`")
    func oldBase() throws {
        var cli = try CLI()
        cli.environment["TABULA_USER"] = "lena"
        var old = try String(contentsOf: CLI.packageRoot.appendingPathComponent("Samples/timetracking.tabula"), encoding: .utf8)
        if let from = old.range(of: "# Rows of an import file"), let to = old.range(of: "# Ready-made reports") {
            old.removeSubrange(from.lowerBound..<to.lowerBound)
        }
        old = old.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            !["origin        text", "tags          text", "import_amount text", "code          text", "key           text"].contains { line.contains($0) }
        }.joined(separator: "\n")
        let schema = try cli.write("old.tabula", old)
        #expect(try cli.run("init", "tt.db", "--schema", schema).status == 0)
        #expect(try cli.run("add", "tt.db", "People", "name=Anna Berg", "email=anna@example.com").status == 0)
        let refused = try cli.run("import", "tt.db", fixture("toggl.csv"))
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("predates imports"))
        #expect(refused.stderr.contains("tabula apply BASE --package timetracking"))
        let apply = try cli.run("apply", "tt.db", "--package", "timetracking")
        #expect(apply.status == 0, "\(apply.stderr)")
        let r = try cli.run("import", "tt.db", fixture("toggl.csv"), "--create", "--format", "json")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"imported\": 2"))
    }
}
