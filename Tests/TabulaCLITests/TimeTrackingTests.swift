import Foundation
import Testing

/// End-to-end tests of timers and the time-tracking package, through the built binary.
@Suite struct TimeTrackingTests {
    /// A time-tracking base with a lead (lena), two members (anna, boris), one client with two
    /// projects, and three tasks.
    func makeBase() throws -> CLI {
        var cli = try CLI()
        cli.environment["TABULA_USER"] = "anna"
        cli.environment["TABULA_NOW"] = "2026-11-20T09:00:00Z"
        let steps: [[String]] = [
            ["init", "tt.db", "--package", "timetracking", "--timezone", "Europe/Berlin", "--currency", "EUR"],
            ["add", "tt.db", "People", "name=anna", "role=member", "rate=80", "--as", "owner"],
            ["add", "tt.db", "People", "name=boris", "role=member", "timezone=America/New_York", "--as", "owner"],
            ["add", "tt.db", "People", "name=lena", "role=lead", "--as", "owner"],
            ["add", "tt.db", "Clients", "name=Acme", "rate=120", "--as", "owner"],
            ["add", "tt.db", "Projects", "name=Web", "client=Acme", "--as", "owner"],
            ["add", "tt.db", "Projects", "name=App", "client=Acme", "rate=150", "--as", "owner"],
            ["add", "tt.db", "Tasks", "title=Landing", "project=Web", "stream=frontend"],
            ["add", "tt.db", "Tasks", "title=Login", "project=App", "stream=backend"],
            ["add", "tt.db", "Tasks", "title=Review", "project=App"],
        ]
        for step in steps {
            let r = try cli.run(step)
            #expect(r.status == 0, "\(step): \(r.stderr)")
        }
        return cli
    }

    func json(_ cli: CLI, _ table: String) throws -> [[String: Any]] {
        // Read as the file's owner (an actor that is no person), who sees every row.
        let r = try cli.run("show", "tt.db", table, "--format", "json", "--as", "owner")
        #expect(r.status == 0, "\(r.stderr)")
        return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    func at(_ cli: CLI, _ now: String) -> CLI {
        var c = cli
        c.environment["TABULA_NOW"] = now
        return c
    }

    @Test func startAndStopUpdateTaskProjectAndClientTotalsInOneStep() throws {
        let cli = try makeBase()
        let start = try cli.run("timer", "start", "tt.db", "Tasks", "Landing")
        #expect(start.status == 0, "\(start.stderr)")
        #expect(start.stdout.contains("started Tasks \"Landing\" for anna at 2026-11-20 10:00"))
        let status = try at(cli, "2026-11-20T10:15:00Z").run("timer", "status", "tt.db", "--format", "csv")
        #expect(status.stdout.contains("anna,Tasks,Landing,stopwatch"))
        #expect(status.stdout.contains(",1:15,"))  // elapsed, computed on read
        #expect(try json(cli, "Tasks")[0]["timer"] as? Int == 0)  // nothing closed yet
        let stop = try at(cli, "2026-11-20T10:30:00Z").run("timer", "stop", "tt.db")
        #expect(stop.status == 0, "\(stop.stderr)")
        #expect(stop.stdout.contains("stopped Tasks \"Landing\" for anna: 1:30"))
        let task = try json(cli, "Tasks")[0]
        #expect(task["timer"] as? Int == 5400)
        #expect(task["hours"] as? Int == 5400)
        #expect(try json(cli, "Projects")[0]["hours"] as? Int == 5400)
        let client = try json(cli, "Clients")[0]
        #expect(client["hours"] as? Int == 5400)
        #expect(client["amount"] as? String == "180.00")  // 1.5 h at the client's 120
        let entry = try json(cli, "TimeEntries")[0]
        #expect(entry["person"] as? String == "anna")
        #expect(entry["stream"] as? [String] == ["frontend"])  // inherited at start
        #expect(entry["project"] as? String == "Web")
        #expect(entry["source"] as? String == "timer")
        #expect(try cli.run("check", "tt.db").status == 0)
        let none = try cli.run("timer", "stop", "tt.db")
        #expect(none.status == 1)
        #expect(none.stderr.contains("anna has no running timer"))
    }

    @Test func inheritedValuesStayWhenTheTaskChangesLater() throws {
        let cli = try makeBase()
        try cli.run("timer", "start", "tt.db", "Tasks", "Landing")
        try cli.run("set", "tt.db", "Tasks", "Landing", "stream=design")
        #expect(try json(cli, "TimeEntries")[0]["stream"] as? [String] == ["frontend"])
    }

    @Test func tenParallelTimersRunAndTheEleventhIsRefusedNamingThem() throws {
        let cli = try makeBase()
        for i in 1...8 { try cli.run("add", "tt.db", "Tasks", "title=T\(i)", "project=Web") }
        let titles = ["Landing", "Login", "Review"] + (1...7).map { "T\($0)" }
        for title in titles {
            let r = try cli.run("timer", "start", "tt.db", "Tasks", title)
            #expect(r.status == 0, "\(title): \(r.stderr)")
        }
        let again = try cli.run("timer", "start", "tt.db", "Tasks", "Landing")
        #expect(again.status == 1)
        #expect(again.stderr.contains("already running for anna"))
        let before = cli.snapshot("tt.db")
        let eleventh = try cli.run("timer", "start", "tt.db", "Tasks", "T8")
        #expect(eleventh.status == 1)
        #expect(eleventh.stderr.contains("already runs 10 timers"))
        #expect(eleventh.stderr.contains("Tasks \"Landing\" since 2026-11-20 10:00"))
        #expect(eleventh.stderr.contains("Tasks \"T7\""))
        #expect(cli.snapshot("tt.db") == before)
        // Another person has their own ten.
        let boris = try cli.run("timer", "start", "tt.db", "Tasks", "T8", "--as", "boris")
        #expect(boris.status == 0, "\(boris.stderr)")
        let everyone = try cli.run("timer", "status", "tt.db", "--everyone", "--format", "csv")
        #expect(everyone.stdout.split(whereSeparator: \.isNewline).count == 12)  // header and 11 running
        let several = try cli.run("timer", "stop", "tt.db")
        #expect(several.status == 1)
        #expect(several.stderr.contains("anna runs 10 timers"))
        #expect(several.stderr.contains("--all"))
        let all = try at(cli, "2026-11-20T10:00:00Z").run("timer", "stop", "tt.db", "--all")
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.split(whereSeparator: \.isNewline).count == 10)
        #expect(try cli.run("timer", "status", "tt.db", "--as", "boris").stdout.contains("T8"))
    }

    @Test func aPomodoroClosesItselfAtItsDeadlineOnTheNextCommand() throws {
        let cli = try makeBase()
        let start = try cli.run("timer", "start", "tt.db", "Tasks", "Login", "--pomodoro")
        #expect(start.status == 0, "\(start.stderr)")
        #expect(start.stdout.contains("pomodoro until 2026-11-20 10:25"))
        let during = try at(cli, "2026-11-20T09:20:00Z").run("timer", "status", "tt.db")
        #expect(during.stdout.contains("pomodoro"))
        // Forty minutes later, a read of any kind first closes the interval at its 25th minute.
        let later = at(cli, "2026-11-20T09:40:00Z")
        let entries = try json(later, "TimeEntries")
        #expect(entries.count == 1)
        #expect(entries[0]["end"] as? String == "2026-11-20T10:25:00+01:00")
        #expect(entries[0]["duration"] as? Int == 1500)
        #expect(entries[0]["mode"] as? String == "pomodoro")
        #expect(try later.run("timer", "status", "tt.db").stdout.contains("no timer of anna is running"))
        let task = try json(later, "Tasks")[1]
        #expect(task["pomodoros"] as? Int == 1)
        #expect(task["hours"] as? Int == 1500)
        #expect(try later.run("check", "tt.db").status == 0)
    }

    @Test func theNextCommandSaysWhichPomodoroItClosedAtItsDeadline() throws {
        let cli = try makeBase()
        try cli.run("timer", "start", "tt.db", "Tasks", "Login", "--pomodoro")
        let later = try at(cli, "2026-11-20T09:40:00Z").run("show", "tt.db", "Tasks")
        #expect(later.status == 0, "\(later.stderr)")
        #expect(later.stderr.contains("note: the pomodoro on Tasks \"Login\" for anna ended at 2026-11-20 10:25: 0:25 (TimeEntries #1)"))
        #expect(!later.stdout.contains("note:"))
        // Told once: the interval is closed now.
        #expect(!(try at(cli, "2026-11-20T09:41:00Z").run("show", "tt.db", "Tasks")).stderr.contains("note:"))
    }

    @Test func startingAStopwatchWhileAPomodoroRunsSaysThePomodoroWasStopped() throws {
        let cli = try makeBase()
        try cli.run("timer", "start", "tt.db", "Tasks", "Login", "--pomodoro")
        let stopwatch = try at(cli, "2026-11-20T09:10:00Z").run("timer", "start", "tt.db", "Tasks", "Login")
        #expect(stopwatch.status == 0, "\(stopwatch.stderr)")
        #expect(stopwatch.stdout.contains("note: stopped the pomodoro on Tasks \"Login\" for anna after 0:10 to run it as a stopwatch (TimeEntries #1)"))
        #expect(stopwatch.stdout.contains("started Tasks \"Login\""))
    }

    @Test func switchingStopsMyTimersAndStartsTheNamedOneAndModesSwitchOnTheFly() throws {
        let cli = try makeBase()
        try cli.run("timer", "start", "tt.db", "Tasks", "Landing")
        try cli.run("timer", "start", "tt.db", "Tasks", "Review")
        let sw = try at(cli, "2026-11-20T09:30:00Z").run("timer", "switch", "tt.db", "Tasks", "Login")
        #expect(sw.status == 0, "\(sw.stderr)")
        #expect(sw.stdout.contains("stopped Tasks \"Landing\" for anna: 0:30"))
        #expect(sw.stdout.contains("stopped Tasks \"Review\" for anna: 0:30"))
        #expect(sw.stdout.contains("started Tasks \"Login\""))
        // Starting the running row in the other mode closes the stopwatch and opens a pomodoro.
        let pomodoro = try at(cli, "2026-11-20T09:40:00Z").run("timer", "start", "tt.db", "Tasks", "Login", "--pomodoro")
        #expect(pomodoro.status == 0, "\(pomodoro.stderr)")
        let entries = try json(at(cli, "2026-11-20T09:41:00Z"), "TimeEntries")
        #expect(entries.count == 4)
        #expect(entries[2]["duration"] as? Int == 600)
        #expect(entries[2]["mode"] as? String == "stopwatch")
        #expect(entries[3]["mode"] as? String == "pomodoro")
        #expect(entries[3]["end"] == nil || entries[3]["end"] is NSNull)
    }

    @Test func manualEntriesAreFlaggedWithTheirAuthorAndOverlappingMidnightUsesThePersonsZone() throws {
        let cli = try makeBase()
        let log = try cli.run("log", "tt.db", "Tasks", "Login", "--date", "2026-11-19", "--hours", "1.5", "--note", "forgot")
        #expect(log.status == 0, "\(log.stderr)")
        #expect(log.stdout.contains("logged 1:30 on Tasks \"Login\" for anna, 2026-11-19 09:00 to 2026-11-19 10:30"))
        // boris works in New York: 22:00 to 01:00 his time is the 20th and 21st in Berlin, his day is the 20th.
        let night = try cli.run("log", "tt.db", "Tasks", "Review", "--from", "2026-11-21T03:00Z", "--to", "2026-11-21T06:00Z", "--as", "boris")
        #expect(night.status == 0, "\(night.stderr)")
        let entries = try json(cli, "TimeEntries")
        #expect(entries[0]["manual"] as? Bool == true)
        #expect(entries[0]["source"] as? String == "manual")
        #expect(entries[0]["note"] as? String == "forgot")
        #expect(entries[0]["by"] as? String == "anna")
        #expect(entries[0]["person"] as? String == "anna")
        #expect(entries[1]["person"] as? String == "boris")
        #expect(entries[1]["duration"] as? Int == 3 * 3600)
        #expect(entries[1]["local_day"] as? String == "2026-11-20")
        let bad = try cli.run("log", "tt.db", "Tasks", "Login", "--from", "2026-11-19 12:00", "--to", "2026-11-19 11:00")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("the interval ends before it starts (start 2026-11-19 12:00, end 2026-11-19 11:00)"))
    }

    @Test func anEndBeforeTheStartIsRefusedOnEveryWritePathWithTheMessageLogGives() throws {
        let cli = try makeBase()
        let logged = try cli.run("log", "tt.db", "Tasks", "Landing", "--from", "2026-11-19 09:00", "--to", "2026-11-19 10:00")
        #expect(logged.status == 0, "\(logged.stderr)")
        let before = cli.snapshot("tt.db")
        let message = "the interval ends before it starts (start 2026-11-19 09:00, end 2026-11-19 08:00)"
        let set = try cli.run("set", "tt.db", "TimeEntries", "#1", "end=2026-11-19 08:00")
        #expect(set.status == 1)
        #expect(set.stderr.contains("TimeEntries #1: " + message), "\(set.stderr)")
        let add = try cli.run("add", "tt.db", "TimeEntries", "task=Landing", "start=2026-11-19 09:00", "end=2026-11-19 08:00")
        #expect(add.status == 1)
        #expect(add.stderr.contains("TimeEntries #2: " + message), "\(add.stderr)")
        let file = try cli.write("entries.csv", "task,start,end\nLanding,2026-11-19 11:00,2026-11-19 12:00\nLanding,2026-11-19 09:00,2026-11-19 08:00\n")
        let imported = try cli.run("add", "tt.db", "TimeEntries", "--file", file)
        #expect(imported.status == 1)
        #expect(imported.stderr.contains(message), "\(imported.stderr)")
        let repl = try cli.run("repl", "tt.db", stdin: "set TimeEntries #1 end=\"2026-11-19 08:00\"\n")
        #expect(repl.status == 1)
        #expect(repl.stderr.contains("TimeEntries #1: " + message), "\(repl.stderr)")
        let direct = try cli.run("log", "tt.db", "Tasks", "Landing", "--from", "2026-11-19 09:00", "--to", "2026-11-19 08:00")
        #expect(direct.stderr.contains(message), "\(direct.stderr)")
        #expect(cli.snapshot("tt.db") == before)
        #expect(try json(cli, "TimeEntries").count == 1)
    }

    @Test func aPersonsEditDeadlineLocksEntriesOlderThanItsDays() throws {
        let cli = try makeBase()
        #expect(try cli.run("set", "tt.db", "People", "anna", "edit_days=7", "--as", "lena").status == 0)
        let recent = try cli.run("log", "tt.db", "Tasks", "Login", "--date", "2026-11-14", "--hours", "1")
        #expect(recent.status == 0, "\(recent.stderr)")
        let late = try cli.run("log", "tt.db", "Tasks", "Login", "--date", "2026-11-12", "--hours", "1")
        #expect(late.status != 0)
        #expect(late.stderr.contains("locked"), "\(late.stderr)")
        // boris has no deadline: the same day is still open to him.
        let other = try cli.run("log", "tt.db", "Tasks", "Login", "--date", "2026-11-12", "--hours", "1", "--as", "boris")
        #expect(other.status == 0, "\(other.stderr)")
        // A week later anna's entry of the 14th is locked too.
        let edit = try at(cli, "2026-11-23T09:00:00Z").run("set", "tt.db", "TimeEntries", "#1", "note=fix")
        #expect(edit.status != 0)
    }

    @Test func aLockedEntrySaysWhyInTheTermsOfTheMonthOrTheEditDeadline() throws {
        let cli = try makeBase()
        #expect(try cli.run("set", "tt.db", "People", "anna", "edit_days=7", "--as", "lena").status == 0)
        #expect(try cli.run("log", "tt.db", "Tasks", "Login", "--date", "2026-11-14", "--hours", "1").status == 0)
        let late = try at(cli, "2026-11-23T09:00:00Z").run("set", "tt.db", "TimeEntries", "#1", "note=fix")
        #expect(late.stderr.contains("TimeEntries #1 is locked and cannot be changed: anna's edit deadline (7 days) passed on 2026-11-21"), "\(late.stderr)")
        #expect(!late.stderr.contains("lock when"))
        #expect(try cli.run("set", "tt.db", "People", "anna", "edit_days=", "--as", "lena").status == 0)
        #expect(try cli.run("period", "close", "tt.db", "2026-11").status == 0)
        let closed = try cli.run("delete", "tt.db", "TimeEntries", "#1")
        #expect(closed.stderr.contains("TimeEntries #1 is locked and cannot be deleted: it is in November 2026, which is closed"), "\(closed.stderr)")
        #expect(closed.stderr.contains("tabula request BASE TimeEntries '#1'"))
        let added = try cli.run("log", "tt.db", "Tasks", "Login", "--date", "2026-11-11", "--hours", "1")
        #expect(added.stderr.contains("cannot be added: it is in November 2026, which is closed"), "\(added.stderr)")
    }

    @Test func fourEyesALeadDoesNotApproveHerOwnEditRequestUnlessTheBaseTurnsItOff() throws {
        let cli = try makeBase()
        #expect(try cli.run("log", "tt.db", "Tasks", "Login", "--date", "2026-11-10", "--hours", "1", "--as", "lena").status == 0)
        #expect(try cli.run("period", "approve", "tt.db", "2026-11", "--as", "lena").status == 0)
        #expect(try cli.run("request", "tt.db", "TimeEntries", "#1", "note=typo", "--reason", "wrong note", "--as", "lena").status == 0)
        let own = try cli.run("request", "approve", "tt.db", "1", "--as", "lena")
        #expect(own.status == 1)
        #expect(own.stderr.contains("lena filed edit request #1, so another person must approve it"), "\(own.stderr)")
        #expect(own.stderr.contains("tabula setting BASE four_eyes off"))
        #expect(try cli.run("setting", "tt.db").stdout.contains("four_eyes on"))
        let bad = try cli.run("setting", "tt.db", "four_eyes", "maybe")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("its values are: on, off"))
        #expect(try cli.run("setting", "tt.db", "four_eyes", "off", "--as", "lena").stdout.contains("four_eyes off"))
        let approved = try cli.run("request", "approve", "tt.db", "1", "--as", "lena")
        #expect(approved.status == 0, "\(approved.stderr)")
        #expect(try cli.run("history", "tt.db").stdout.contains("four_eyes = off"))
        let unknown = try cli.run("setting", "tt.db", "six_eyes")
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("its settings are: four_eyes"))
    }

    @Test func anIntervalOverADaylightSavingChangeCountsTheRealHours() throws {
        let cli = try makeBase()
        // Berlin leaves summer time on 2026-10-25 at 03:00, back to 02:00: 01:00 to 04:00 is four hours.
        let r = try cli.run("log", "tt.db", "Tasks", "Login", "--from", "2026-10-25 01:00", "--to", "2026-10-25 04:00")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("logged 4:00"))
        let entries = try json(cli, "TimeEntries")
        #expect(entries[0]["duration"] as? Int == 4 * 3600)
        #expect(entries[0]["period"] as? String == "2026-10")
    }

    @Test func ratesResolveMostSpecificFirstAndStaySnapshotted() throws {
        let cli = try makeBase()
        try cli.run("add", "tt.db", "Assignments", "person=anna", "project=App", "rate=170", "--as", "lena")
        try cli.run("add", "tt.db", "Projects", "name=Internal", "--as", "lena")
        try cli.run("add", "tt.db", "Tasks", "title=Admin", "project=Internal")
        try cli.run("log", "tt.db", "Tasks", "Login", "--date", "2026-11-18", "--hours", "1")                 // anna on App: 170
        try cli.run("log", "tt.db", "Tasks", "Review", "--date", "2026-11-18", "--hours", "1", "--as", "boris")  // App: 150
        try cli.run("log", "tt.db", "Tasks", "Landing", "--date", "2026-11-18", "--hours", "1")               // Web has none: Acme 120
        try cli.run("log", "tt.db", "Tasks", "Admin", "--date", "2026-11-18", "--hours", "1")                 // no client: anna's 80
        try cli.run("add", "tt.db", "TimeEntries", "task=Admin", "start=2026-11-17 09:00", "end=2026-11-17 10:00", "--as", "anna")
        var rates = try json(cli, "TimeEntries").map { $0["rate"] as? String }
        #expect(rates == ["170.00", "150.00", "120.00", "80.00", "80.00"])
        // A later rate change does not rewrite entries already written.
        try cli.run("set", "tt.db", "Projects", "App", "rate=200", "--as", "lena")
        try cli.run("set", "tt.db", "Assignments", "#1", "rate=210", "--as", "lena")
        rates = try json(cli, "TimeEntries").map { $0["rate"] as? String }
        #expect(rates == ["170.00", "150.00", "120.00", "80.00", "80.00"])
        #expect(try json(cli, "TimeEntries")[4]["source"] as? String == "manual")
        try cli.run("log", "tt.db", "Tasks", "Review", "--date", "2026-11-19", "--hours", "1", "--as", "boris")
        #expect(try json(cli, "TimeEntries")[5]["rate"] as? String == "200.00")
    }

    @Test func anApprovedMonthRefusesEditsAndStartsUntilAnEditRequestIsApprovedAndAudited() throws {
        let cli = try makeBase()
        try cli.run("log", "tt.db", "Tasks", "Login", "--date", "2026-11-10", "--hours", "2")
        let close = try cli.run("period", "close", "tt.db", "2026-11")
        #expect(close.status == 0, "\(close.stderr)")
        #expect(close.stdout.contains("period 2026-11 is closed: 1 entry, 2:00"))
        let member = try cli.run("period", "approve", "tt.db", "2026-11")
        #expect(member.status == 1)
        #expect(member.stderr.contains("anna may not approve a period: that needs the role lead"))
        let approve = try cli.run("period", "approve", "tt.db", "2026-11", "--as", "lena")
        #expect(approve.status == 0, "\(approve.stderr)")
        let period = try json(cli, "Periods")[0]
        #expect(period["state"] as? String == "approved")
        #expect(period["approved_by"] as? String == "lena")

        let before = cli.snapshot("tt.db")
        let edit = try cli.run("set", "tt.db", "TimeEntries", "#1", "end=2026-11-10 12:00")
        #expect(edit.status == 1)
        #expect(edit.stderr.contains("TimeEntries #1 is locked and cannot be changed"))
        #expect(edit.stderr.contains("tabula request BASE TimeEntries '#1'"))
        let delete = try cli.run("delete", "tt.db", "TimeEntries", "#1")
        #expect(delete.status == 1)
        let start = try at(cli, "2026-11-25T09:00:00Z").run("timer", "start", "tt.db", "Tasks", "Landing")
        #expect(start.status == 1)
        #expect(start.stderr.contains("cannot be added"))
        let log = try cli.run("log", "tt.db", "Tasks", "Login", "--date", "2026-11-11", "--hours", "1")
        #expect(log.status == 1)
        #expect(cli.snapshot("tt.db") == before)

        let request = try cli.run("request", "tt.db", "TimeEntries", "#1", "end=2026-11-10 12:00", "--reason", "left later")
        #expect(request.status == 0, "\(request.stderr)")
        #expect(request.stdout.contains("request #1"))
        let self_ = try cli.run("request", "approve", "tt.db", "1")
        #expect(self_.status == 1)
        let ok = try cli.run("request", "approve", "tt.db", "1", "--as", "lena")
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try json(cli, "TimeEntries")[0]["duration"] as? Int == 3 * 3600)
        #expect(try json(cli, "Tasks")[1]["hours"] as? Int == 3 * 3600)
        let history = try cli.run("history", "tt.db", "TimeEntries", "#1", "--format", "csv")
        #expect(history.stdout.contains("lena,update,TimeEntries,#1,end"))
        #expect(history.stdout.contains("edit request #1 by anna, approved by lena"))
        let twice = try cli.run("request", "approve", "tt.db", "1", "--as", "lena")
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("already approved"))

        let reopen = try cli.run("period", "reopen", "tt.db", "2026-11", "--as", "lena")
        #expect(reopen.status == 0, "\(reopen.stderr)")
        #expect(try cli.run("set", "tt.db", "TimeEntries", "#1", "note=ok").status == 0)
        #expect(try cli.run("check", "tt.db").status == 0)
    }

    @Test func approvingAMonthApprovesItsEntriesAndReopeningSetsThemBackAudited() throws {
        let cli = try makeBase()
        for (task, day) in [("Landing", "2026-11-18"), ("Login", "2026-11-19")] {
            let r = try cli.run("log", "tt.db", "Tasks", task, "--date", day, "--hours", "2")
            #expect(r.status == 0, "\(r.stderr)")
        }
        let october = try cli.run("log", "tt.db", "Tasks", "Login", "--date", "2026-10-30", "--hours", "1")
        #expect(october.status == 0, "\(october.stderr)")
        let open = try cli.run("report", "tt.db", "unapproved", "--format", "csv")
        #expect(open.stdout.contains("anna"), "\(open.stdout)")
        #expect(try cli.run("period", "approve", "tt.db", "2026-11", "--as", "lena").status == 0)
        #expect(try json(cli, "TimeEntries").map { $0["status"] as? String } == ["approved", "approved", "open"])
        let unapproved = try cli.run("report", "tt.db", "unapproved", "--format", "csv")
        #expect(unapproved.status == 0, "\(unapproved.stderr)")
        #expect(!unapproved.stdout.contains("anna"), "an approved month is still counted: \(unapproved.stdout)")
        let history = try cli.run("history", "tt.db", "TimeEntries", "#1", "--format", "csv")
        #expect(history.stdout.contains("lena,update,TimeEntries,#1,status,open,approved"), "\(history.stdout)")
        #expect(try cli.run("period", "reopen", "tt.db", "2026-11", "--as", "lena").status == 0)
        #expect(try json(cli, "TimeEntries").map { $0["status"] as? String } == ["open", "open", "open"])
        #expect(try cli.run("history", "tt.db", "TimeEntries", "#2", "--format", "csv").stdout.contains("lena,update,TimeEntries,#2,status,approved,open"))
    }

    @Test func timesPrintToTheSecondNeverWithMillisecondsInTimerMessagesHistoryAndCSV() throws {
        let cli = try makeBase()
        let start = try at(cli, "2026-11-20T09:24:41.012Z").run("timer", "start", "tt.db", "Tasks", "Landing")
        #expect(start.status == 0, "\(start.stderr)")
        #expect(start.stdout.contains("at 2026-11-20 10:24:41 "), "\(start.stdout)")
        let stop = try at(cli, "2026-11-20T09:54:41.512Z").run("timer", "stop", "tt.db")
        #expect(stop.status == 0, "\(stop.stderr)")
        for output in [try cli.run("show", "tt.db", "TimeEntries", "--format", "csv").stdout,
                       try cli.run("history", "tt.db", "TimeEntries", "#1", "--format", "csv").stdout, start.stdout, stop.stdout] {
            #expect(output.range(of: #"\d:\d\d\.\d{3}"#, options: .regularExpression) == nil, "milliseconds in: \(output)")
        }
        #expect(try cli.run("show", "tt.db", "TimeEntries", "--format", "csv").stdout.contains("2026-11-20 10:24:41,2026-11-20 10:54:41"))
    }

    @Test func aLinkComparedWithTextComparesItsPrimaryValueInFiltersAndReports() throws {
        let cli = try makeBase()
        #expect(try cli.run("log", "tt.db", "Tasks", "Landing", "--date", "2026-11-19", "--hours", "1", "--as", "boris").status == 0)
        #expect(try cli.run("log", "tt.db", "Tasks", "Login", "--date", "2026-11-18", "--hours", "2", "--as", "anna").status == 0)
        let shown = try cli.run("show", "tt.db", "TimeEntries", "--where", "person = \"boris\"", "--format", "csv", "--as", "owner")
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.split(separator: "\r\n").count == 2, "\(shown.stdout)")
        #expect(shown.stdout.contains(",boris,"))
        let report = try cli.run("report", "tt.db", "sum(duration) as hours by task where person != \"boris\" and task.project.client = \"Acme\"", "--format", "csv")
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout == "task,hours\r\nLogin,2:00\r\n")
    }

    @Test func manyLinksShowTheFirstFewAndACountHistoryNamesLinksAndAmbiguousRowsAreToldApart() throws {
        let cli = try makeBase()
        for day in ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19"] {
            #expect(try cli.run("log", "tt.db", "Tasks", "Landing", "--date", day, "--hours", "1").status == 0)
        }
        let people = try cli.run("show", "tt.db", "People")
        #expect(people.stdout.contains("#1, #2, #3, … 4 in all"), "\(people.stdout)")
        let full = try cli.run("show", "tt.db", "People", "--full")
        #expect(full.stdout.contains("#1, #2, #3, #4 "))
        #expect(try cli.run("show", "tt.db", "People", "--format", "csv").stdout.contains("\"#1, #2, #3, #4\""))
        // A member may not hand an entry to someone else; a lead may.
        #expect(try cli.run("set", "tt.db", "TimeEntries", "#1", "person=boris").status == 1)
        #expect(try cli.run("set", "tt.db", "TimeEntries", "#1", "person=boris", "--as", "lena").status == 0)
        let history = try cli.run("history", "tt.db", "TimeEntries", "#1", "--format", "csv", "--as", "lena")
        #expect(history.stdout.contains("update,TimeEntries,#1,person,anna,boris"), "\(history.stdout)")
        #expect(try cli.run("add", "tt.db", "Tasks", "title=Landing", "project=App").status == 0)
        let ambiguous = try cli.run("log", "tt.db", "Tasks", "Landing", "--date", "2026-11-20", "--hours", "1")
        #expect(ambiguous.status == 1)
        #expect(ambiguous.stderr.contains("2 rows of Tasks have title 'Landing': #1 (project Web), #4 (project App)"), "\(ambiguous.stderr)")
    }

    @Test func aTimerOnATableWithoutALogBackLinkIsASchemaError() throws {
        let cli = try CLI()
        let file = try cli.write("bad.tabula", """
            table Tasks {
              title text
              timer timer -> Log
            }
            table Log {
              start datetime
              by author
            }
            """)
        let r = try cli.run("init", "bad.db", "--schema", file)
        #expect(r.status == 1)
        #expect(r.stderr.contains("the log table Log of timer Tasks.timer needs a link back to Tasks"))
        #expect(!FileManager.default.fileExists(atPath: cli.path("bad.db")))
    }

    @Test func theDemoBuildsATimeTrackingBaseRunsATimerAndPrintsTotalsPerClient() throws {
        let cli = try CLI()
        let r = try cli.run("demo", "demo.db")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("stopped Tasks \"Login flow\" for anna: 1:40"))
        #expect(r.stdout.contains("Totals per client"))
        for client in ["Acme", "Globex", "Initech"] { #expect(r.stdout.contains(client)) }
        #expect(try cli.run("check", "demo.db").status == 0)
        #expect(try cli.run("timer", "status", "demo.db", "--everyone").stdout.contains("no timer is running"))
    }

    @Test(arguments: ["2027-03-10T15:00:00Z", "2026-12-01T11:00:00Z"])
    func theDemoLogsHoursUpToTodaySoThisMonthsAndThisWeeksReportsShowRows(now: String) throws {
        var cli = try CLI()
        cli.environment["TABULA_NOW"] = now
        let r = try cli.run("demo", "demo.db")
        #expect(r.status == 0, "\(r.stderr)")
        let today = String(now.prefix(10))
        #expect(r.stdout.contains("to \(today)"))
        #expect(r.stdout.contains("tabula report demo.db week"))
        #expect(!r.stdout.contains("no rows"))
        for report in ["week", "month", "margin", "today"] {
            let out = try cli.run("report", "demo.db", report, "--format", "csv")
            #expect(out.status == 0, "\(out.stderr)")
            #expect(out.stdout.split(whereSeparator: \.isNewline).count > 1, "\(report) on \(now) has no rows")
        }
        let entries = try cli.run("report", "demo.db", "max(start) as last from TimeEntries", "--format", "json")
        #expect(!entries.stdout.contains(String(today.prefix(4)) == "2027" ? "2026-" : "2027-"))
    }

    @Test func theDemoWithoutAPathWritesABaseNamedDotDbNotASchemaFileName() throws {
        let r = try CLI().run("demo")
        #expect(r.status == 0, "\(r.stderr)")
        let path = try #require(r.stdout.firstMatch(of: #/\$ tabula timer start (\S+) /#)?.1)
        #expect(path.hasSuffix(".db"), "\(path)")
        try? FileManager.default.removeItem(atPath: String(path))
    }
}
