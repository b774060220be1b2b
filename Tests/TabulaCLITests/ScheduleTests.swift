import Foundation
import TabulaEngine
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
            ["add", "tt.db", "People", "name=anna", "weekly_target=38h", "--as", "owner"],
            ["add", "tt.db", "People", "name=boris", "schedule=8h 8h 8h 8h 6h 0 0", "timezone=America/New_York", "--as", "owner"],
            ["add", "tt.db", "People", "name=cleo", "active=false", "--as", "owner"],
            ["add", "tt.db", "Projects", "name=Web", "--as", "owner"],
            ["add", "tt.db", "Tasks", "title=Landing", "project=Web"],
            ["add", "tt.db", "Absences", "first_day=2026-11-18", "kind=holiday", "note=Buß- und Bettag", "--as", "owner"],
            ["add", "tt.db", "Absences", "person=boris", "first_day=2026-11-16", "last_day=2026-11-17", "kind=sick", "--as", "owner"],
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
        #expect(week.stdout.contains("anna is 9:12 short for this week: expected 30:24, logged 22:00 (short 2:36 on 2026-11-19, 6:36 on 2026-11-20)"), "\(week.stdout)")
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

    @Test("utilisation of a month in progress counts the expected hours up to today only")
    func utilisationOfAMonthInProgress() throws {
        let cli = try makeBase()  // today is Friday 2026-11-20
        let rows = try json(cli, "report", "tt.db", "utilisation", "--for", "2026-11")
        let anna = try #require(rows.first { $0["person"] as? String == "anna" })
        // 15 weekdays from the 2nd to the 20th, less the holiday on the 18th, at 38h / 5
        #expect(anna["expected"] as? Int == 14 * 38 * 3600 / 5)
    }

    @Test("a schedule that is not seven days' hours is refused")
    func badSchedule() throws {
        let cli = try makeBase()
        let before = cli.snapshot("tt.db")
        let r = try cli.run("set", "tt.db", "People", "anna", "schedule=8h 8h", "--as", "owner")
        #expect(r.status == 1)
        #expect(r.stderr.contains("a schedule is seven days' hours"))
        #expect(cli.snapshot("tt.db") == before)
    }

    @Test("missing per week sums each person's days of the week, and its totals match the day report's")
    func missingPerWeek() throws {
        let cli = try makeBase()
        try #require(try cli.run("log", "tt.db", "Tasks", "Landing", "--date", "2026-11-10", "--hours", "3").status == 0)
        let days = try json(cli, "report", "tt.db", "missing", "--for", "2026-11-09..2026-11-22")
        let weeks = try json(cli, "report", "tt.db", "missing", "--for", "2026-11-09..2026-11-22", "--per", "week")
        // Directly: the days' expected and logged hours added up per person and ISO week.
        var direct: [String: (expected: Int, logged: Int)] = [:]
        for row in days {
            let text = try #require(row["day"] as? String)
            let day = try #require(CivilDate(iso: text))
            let week = String(format: "%04d-W%02d", day.isoWeek.year, day.isoWeek.week)
            let key = "\(row["person"] as? String ?? "") \(week)"
            direct[key, default: (0, 0)].expected += row["expected"] as? Int ?? 0
            direct[key, default: (0, 0)].logged += row["logged"] as? Int ?? 0
        }
        #expect(weeks.count == direct.count)
        for row in weeks {
            let key = "\(row["person"] as? String ?? "") \(row["week"] as? String ?? "")"
            let d = try #require(direct[key], "\(key)")
            #expect(row["expected"] as? Int == d.expected && row["logged"] as? Int == d.logged, "\(key)")
            #expect(row["shortfall"] as? Int == max(0, d.expected - d.logged), "\(key)")
        }
        let h = 3600
        let anna46 = try #require(weeks.first { $0["person"] as? String == "anna" && $0["week"] as? String == "2026-W46" })
        #expect(anna46["expected"] as? Int == 38 * h && anna46["logged"] as? Int == 3 * h)
        // Another saved report or a query does not take --per.
        let other = try cli.run("report", "tt.db", "month", "--per", "week", "--as", "owner")
        #expect(other.status == 1 && other.stderr.contains("regroups only the package's missing report"), "\(other.stderr)")
        #expect(try cli.run("report", "tt.db", "sum(duration) by person", "--per", "week").status == 2)
        #expect(try cli.run("report", "tt.db", "missing", "--per", "fortnight").status == 2)
    }

    @Test("missing leaves the days after today out of the shortfall")
    func missingFutureDays() throws {
        var cli = try makeBase()
        cli.environment["TABULA_NOW"] = "2026-11-17T09:00:00Z"  // Tuesday
        let rows = try json(cli, "report", "tt.db", "missing", "--for", "2026-W47")
        #expect(rows.contains { $0["person"] as? String == "anna" && $0["day"] as? String == "2026-11-17" })
        #expect(!rows.contains { ($0["day"] as? String ?? "") > "2026-11-17" && ($0["expected"] as? Int ?? 0) > 0 })
    }

    @Test("a half-day absence halves the day's expected hours; a whole-day one on the same day wins")
    func halfDayAbsence() throws {
        let cli = try makeBase()
        for step: [String] in [
            ["add", "tt.db", "Absences", "person=anna", "first_day=2026-11-19", "kind=leave", "half_day=true"],
            ["add", "tt.db", "Absences", "person=anna", "first_day=2026-11-18", "kind=leave", "half_day=true"],  // the holiday
            ["add", "tt.db", "Absences", "person=boris", "first_day=2026-11-20", "kind=sick", "half_day=true", "--as", "owner"],
            ["add", "tt.db", "People", "name=lena", "role=lead", "--as", "owner"],
        ] {
            #expect(try cli.run(step).status == 0, "\(step)")
        }
        let rows = try json(cli, "report", "tt.db", "missing", "--for", "2026-W47")
        func row(_ person: String, _ day: String) -> [String: Any]? { rows.first { $0["person"] as? String == person && $0["day"] as? String == day } }
        let h = 3600
        #expect(row("anna", "2026-11-19")?["expected"] as? Int == 38 * h / 5 / 2)
        #expect(row("anna", "2026-11-19")?["shortfall"] as? Int == 0)  // 5 h logged
        #expect(row("anna", "2026-11-18") == nil)  // the holiday still takes the whole day
        #expect(row("boris", "2026-11-20")?["expected"] as? Int == 3 * h)
        let utilisation = try json(cli, "report", "tt.db", "utilisation", "--for", "2026-W47")
        #expect(utilisation.first { $0["person"] as? String == "anna" }?["expected"] as? Int == 3 * 38 * h / 5 + 38 * h / 10)
        // Payroll counts the half day as half a leave day.
        let payroll = try cli.run("export", "tt.db", "--period", "2026-11", "--template", "payroll", "--draft", "--as", "lena")
        #expect(payroll.status == 0, "\(payroll.stderr)")
        let lines = payroll.stdout.components(separatedBy: .newlines).filter { !$0.isEmpty }
        let header = try #require(lines.first { $0.hasPrefix("person,") }).split(separator: ",").map(String.init)
        let anna = try #require(lines.first { $0.hasPrefix("anna,") }).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let cells = Dictionary(uniqueKeysWithValues: zip(header, anna))
        #expect(cells["leave_days"] == "0.5" && cells["holiday_days"] == "1", "\(cells)")
    }

    /// The `hours.missing` events in the base's outbox, their data as Foundation objects.
    func missingEvents(_ cli: CLI) throws -> [[String: Any]] {
        let base = try Base.open(at: cli.path("tt.db"), actor: "test")
        defer { base.close() }
        return try base.webhooks.deliveries(limit: 100).filter { $0.type == "hours.missing" }.compactMap {
            (try JSONSerialization.jsonObject(with: Data($0.payload.utf8)) as? [String: Any])?["data"] as? [String: Any]
        }
    }

    @Test("remind writes one hours.missing event with the period and each short person's hours to a subscribed webhook, none when nobody is short")
    func remindWebhook() throws {
        let cli = try makeBase()
        let added = try cli.run("webhook", "add", "tt.db", "http://127.0.0.1:9/in", "--event", "hours.missing", "--as", "owner")
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try missingEvents(cli).isEmpty)
        let week = try cli.run("remind", "tt.db", "--for", "2026-W47", "--as", "owner")
        #expect(week.status == 0 && week.stdout.contains("hours.missing"), "\(week.stdout) \(week.stderr)")
        let events = try missingEvents(cli)
        #expect(events.count == 1)
        let data = try #require(events.first)
        #expect(data["period"] as? String == "2026-W47" && data["from"] as? String == "2026-11-16" && data["to"] as? String == "2026-11-22")
        let people = data["people"] as? [[String: Any]] ?? []
        #expect(people.compactMap { $0["person"] as? String } == ["anna", "boris"])
        // The same figures as the missing report's days.
        let rows = try json(cli, "report", "tt.db", "missing", "--for", "2026-W47")
        for person in people {
            let mine = rows.filter { $0["person"] as? String == person["person"] as? String }
            #expect(person["expected"] as? Int == mine.compactMap { $0["expected"] as? Int }.reduce(0, +))
            #expect(person["logged"] as? Int == mine.compactMap { $0["logged"] as? Int }.reduce(0, +))
            #expect(person["shortfall"] as? Int == mine.compactMap { $0["shortfall"] as? Int }.reduce(0, +))
            #expect((person["days"] as? [[String: Any]])?.count == mine.filter { ($0["shortfall"] as? Int ?? 0) > 0 }.count)
        }
        // Nobody short (Monday the 16th: anna logged 8 h, boris was sick): no event, no line about one.
        var monday = cli
        monday.environment["TABULA_NOW"] = "2026-11-17T09:00:00Z"
        let none = try monday.run("remind", "tt.db", "--as", "owner")
        #expect(none.stdout.contains("nobody is short") && !none.stdout.contains("hours.missing"))
        #expect(try missingEvents(cli).count == 1)
    }

    @Test("missing in a DST week: a New York evening is its person's day, though it is the next day in the base's zone")
    func missingAcrossDST() throws {
        let cli = try makeBase()
        // 2026-W44: Berlin left summer time on 25 October, New York leaves it on 1 November, so
        // New York is five hours behind Berlin that week. 20:00 to 23:30 EDT on Friday the 30th
        // is 01:00 to 04:30 on Saturday in Berlin: boris's Friday.
        #expect(try cli.run("log", "tt.db", "Tasks", "Landing", "--from", "2026-10-30T20:00-04:00", "--to", "2026-10-30T23:30-04:00", "--as", "boris").status == 0)
        // And on the Sunday of the change, 00:30 EDT to 05:00 EST is 5:30 on his Sunday.
        #expect(try cli.run("log", "tt.db", "Tasks", "Landing", "--from", "2026-11-01T00:30-04:00", "--to", "2026-11-01T05:00-05:00", "--as", "boris").status == 0)
        let rows = try json(cli, "report", "tt.db", "missing", "--for", "2026-W44")
        let boris = rows.filter { $0["person"] as? String == "boris" }
        #expect(boris.first { $0["day"] as? String == "2026-10-30" }?["logged"] as? Int == 3 * 3600 + 1800)
        #expect(boris.first { $0["day"] as? String == "2026-10-30" }?["shortfall"] as? Int == 6 * 3600 - (3 * 3600 + 1800))
        #expect(boris.first { $0["day"] as? String == "2026-11-01" }?["logged"] as? Int == 5 * 3600 + 1800)
        #expect(!boris.contains { $0["day"] as? String == "2026-10-31" })
        let week = try json(cli, "report", "tt.db", "missing", "--for", "2026-W44", "--per", "week")
        let total = try #require(week.first { $0["person"] as? String == "boris" })
        #expect(total["logged"] as? Int == 9 * 3600 && total["expected"] as? Int == 38 * 3600)
    }
}
