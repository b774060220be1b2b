import Foundation
import Testing

/// Work schedules, holidays and absences, the `missing` report, `tabula remind` and utilisation
/// from expected hours, through the built binary.
@Suite struct ScheduleTests {
    /// A Berlin base on Friday 2026-11-20: anna (38 h a week), boris (New York, 8h Monday to
    /// Thursday, 6h on Friday), cleo (inactive); a holiday on Wednesday, boris sick Monday and Tuesday.
    func makeBase() throws -> CLI {
        var cli = try CLI()
        cli.environment["TABULA_USER"] = "anna"
        cli.environment["TABULA_NOW"] = "2026-11-20T09:00:00Z"
        for step: [String] in [
            ["init", "tt.db", "--package", "timetracking", "--timezone", "Europe/Berlin", "--currency", "EUR"],
            ["add", "tt.db", "People", "name=anna", "weekly_target=38h"],
            ["add", "tt.db", "People", "name=boris", "schedule=8h 8h 8h 8h 6h 0 0", "timezone=America/New_York"],
            ["add", "tt.db", "People", "name=cleo", "active=false"],
            ["add", "tt.db", "Projects", "name=Web"],
            ["add", "tt.db", "Tasks", "title=Landing", "project=Web"],
            ["add", "tt.db", "Absences", "first_day=2026-11-18", "kind=holiday", "note=Buß- und Bettag"],
            ["add", "tt.db", "Absences", "person=boris", "first_day=2026-11-16", "last_day=2026-11-17", "kind=sick"],
            ["log", "tt.db", "Tasks", "Landing", "--days", "2026-11-16..2026-11-17", "--hours", "8"],
            ["log", "tt.db", "Tasks", "Landing", "--date", "2026-11-19", "--hours", "5"],
            ["log", "tt.db", "Tasks", "Landing", "category=internal", "--date", "2026-11-20", "--hours", "1"],
            // 20:00 to 23:00 in New York on the 19th is the 20th in Berlin: boris's Thursday.
            ["log", "tt.db", "Tasks", "Landing", "--from", "2026-11-19T20:00-05:00", "--to", "2026-11-19T23:00-05:00", "--as", "boris"],
        ] {
            let r = try cli.run(step)
            #expect(r.status == 0, "\(step): \(r.stderr)")
        }
        return cli
    }

    func json(_ cli: CLI, _ args: String...) throws -> [[String: Any]] {
        // Read as the file's owner (no person), who sees everyone's rows, unless the call says who.
        let r = try cli.run(args + ["--format", "json"] + (args.contains("--as") ? [] : ["--as", "owner"]))
        #expect(r.status == 0, "\(args): \(r.stderr)")
        return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    @Test("missing sets each active person's expected hours beside the logged ones, and its totals match the entries")
    func missingReport() throws {
        let cli = try makeBase()
        let rows = try json(cli, "report", "tt.db", "missing", "--for", "2026-W47")
        func row(_ person: String, _ day: String) -> [String: Any]? { rows.first { $0["person"] as? String == person && $0["day"] as? String == day } }
        let h = 3600
        #expect(row("anna", "2026-11-16")?["expected"] as? Int == 38 * h / 5)
        #expect(row("anna", "2026-11-18") == nil)  // the holiday, nothing logged
        #expect(row("anna", "2026-11-19")?["shortfall"] as? Int == 38 * h / 5 - 5 * h)
        #expect(row("boris", "2026-11-16") == nil)  // sick
        #expect(row("boris", "2026-11-19")?["logged"] as? Int == 3 * h)
        #expect(row("boris", "2026-11-19")?["shortfall"] as? Int == 5 * h)
        #expect(row("boris", "2026-11-20")?["expected"] as? Int == 6 * h)
        #expect(!rows.contains { $0["person"] as? String == "cleo" })
        // The logged column adds up to the entries' durations.
        let entries = try json(cli, "show", "tt.db", "TimeEntries")
        #expect(rows.compactMap { $0["logged"] as? Int }.reduce(0, +) == entries.compactMap { $0["duration"] as? Int }.reduce(0, +))
        let expected = rows.compactMap { $0["expected"] as? Int }.reduce(0, +)
        #expect(expected == 4 * 38 * h / 5 + 14 * h)
        let table = try cli.run("report", "tt.db", "missing", "--for", "2026-W47", "--as", "owner")
        #expect(table.stdout.contains("shortfall"))
    }

    @Test("remind lists who is short and by how much, for yesterday or a week")
    func remind() throws {
        let cli = try makeBase()
        let yesterday = try cli.run("remind", "tt.db", "--as", "owner")
        #expect(yesterday.status == 0, "\(yesterday.stderr)")
        #expect(yesterday.stdout.contains("anna is 2:36 short for yesterday: expected 7:36, logged 5:00 on 2026-11-19"), "\(yesterday.stdout)")
        #expect(yesterday.stdout.contains("boris is 5:00 short for yesterday: expected 8:00, logged 3:00"), "\(yesterday.stdout)")
        // A member is told only of themselves: the entries' read rule hides the others' hours.
        let mine = try cli.run("remind", "tt.db", "--as", "anna")
        #expect(mine.stdout.contains("anna is") && !mine.stdout.contains("boris"), "\(mine.stdout)")
        let week = try cli.run("remind", "tt.db", "--for", "this week", "--as", "owner")
        #expect(week.stdout.contains("anna is 9:12 short for this week: expected 30:24, logged 22:00 (2026-11-19 2:36, 2026-11-20 6:36)"), "\(week.stdout)")
        #expect(week.stdout.contains("boris is 11:00 short for this week"))
        var monday = cli
        monday.environment["TABULA_NOW"] = "2026-11-17T09:00:00Z"
        #expect(try monday.run("remind", "tt.db", "--as", "owner").stdout.contains("nobody is short for yesterday"))
        let bad = try cli.run("remind", "tt.db", "--for", "someday")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("--for"))
    }

    @Test("utilisation divides billable hours by the expected hours of the period")
    func utilisation() throws {
        let cli = try makeBase()
        let rows = try json(cli, "report", "tt.db", "utilisation", "--for", "2026-W47")
        let anna = try #require(rows.first { $0["person"] as? String == "anna" })
        #expect(anna["billable"] as? Int == 21 * 3600)
        #expect(anna["expected"] as? Int == 4 * 38 * 3600 / 5)
        #expect(abs((anna["utilisation"] as? Double ?? 0) - 21.0 / (4 * 38.0 / 5)) < 1e-9)
        let boris = try #require(rows.first { $0["person"] as? String == "boris" })
        #expect(boris["expected"] as? Int == 14 * 3600)
    }

    @Test("a schedule that is not seven days' hours is refused")
    func badSchedule() throws {
        let cli = try makeBase()
        let before = cli.snapshot("tt.db")
        let r = try cli.run("set", "tt.db", "People", "anna", "schedule=8h 8h")
        #expect(r.status == 1)
        #expect(r.stderr.contains("a schedule is seven days' hours"))
        #expect(cli.snapshot("tt.db") == before)
    }
}
