import Foundation
import Testing

/// The cross-base log through the binary: a contractor's base (Samples/crossbase/contractor.tabula)
/// logs on a client's tasks, the client's base (the time-tracking package) counts the hours in
/// ContractorHours, both files on one machine.
@Suite struct CrossBaseTests {
    /// A client base with two tasks and the contractor's base beside it, linked at `init`.
    func makeBases() throws -> CLI {
        var cli = try CLI()
        cli.environment["TABULA_NOW"] = "2026-11-20T09:00:00Z"
        let schema = try String(contentsOf: CLI.packageRoot.appendingPathComponent("Samples/crossbase/contractor.tabula"), encoding: .utf8)
        _ = try cli.write("contractor.tabula", schema)
        for step: [String] in [
            ["init", "client.db", "--package", "timetracking", "--timezone", "Europe/Berlin"],
            ["add", "client.db", "People", "name=lena", "role=lead"],
            ["add", "client.db", "Clients", "name=Acme"],
            ["add", "client.db", "Projects", "name=Web", "client=Acme"],
            ["add", "client.db", "Tasks", "title=Landing", "key=WEB-1", "project=Web"],
            ["add", "client.db", "Tasks", "title=Review", "key=WEB-2", "project=Web"],
            ["init", "contractor.db", "--schema", "contractor.tabula"],
            ["add", "contractor.db", "People", "name=Sam", "rate=90"],
        ] {
            let r = try cli.run(step)
            #expect(r.status == 0, "\(step): \(r.stderr)")
        }
        return cli
    }

    func rows(_ cli: CLI, _ base: String, _ table: String) throws -> [[String: Any]] {
        let r = try cli.run("show", base, table, "--format", "json")
        #expect(r.status == 0, "\(r.stderr)")
        return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    /// A JSON value as text, null as empty.
    func text(_ value: Any?) -> String { value == nil || value is NSNull ? "" : "\(value!)" }

    /// The client's fed rows as task|start|end|note, sorted.
    func fed(_ cli: CLI) throws -> [String] {
        try rows(cli, "client.db", "ContractorHours").map { [text($0["task"]), text($0["start"]), text($0["end"]), text($0["note"])].joined(separator: "|") }.sorted()
    }

    /// The contractor's intervals the same way.
    func logged(_ cli: CLI) throws -> [String] {
        try rows(cli, "contractor.db", "WorkLog").map { [text($0["task"]), text($0["start"]), text($0["end"]), text($0["note"])].joined(separator: "|") }.sorted()
    }

    /// `tabula check` on the client: its rollups equal a full recompute and its fed rows equal the contractor's.
    func expectClientChecks(_ cli: CLI, _ comment: String) throws {
        let r = try cli.run("check", "client.db")
        #expect(r.status == 0, "\(comment): \(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("ok: the rows fed from Sam's consultancy (contractor.db) equal their source"), "\(comment): \(r.stdout)")
        #expect(r.stdout.contains("ok: every computed value equals a full recompute"), "\(comment): \(r.stdout)")
    }

    @Test("the contractor's copy of the client's tasks follows the client: added, renamed and deleted tasks")
    func copiedTasksFollowTheClient() throws {
        let cli = try makeBases()
        #expect(try rows(cli, "contractor.db", "ClientTasks").map { "\($0["title"] ?? "")" } == ["Landing", "Review"])
        #expect(try cli.run("add", "client.db", "Tasks", "title=Deploy", "key=WEB-3", "project=Web").status == 0)
        #expect(try cli.run("set", "client.db", "Tasks", "Review", "title=Code review").status == 0)
        #expect(try rows(cli, "contractor.db", "ClientTasks").map { "\($0["title"] ?? "")" } == ["Landing", "Code review", "Deploy"])
        #expect(try cli.run("delete", "client.db", "Tasks", "Deploy").status == 0)
        #expect(try rows(cli, "contractor.db", "ClientTasks").map { "\($0["title"] ?? "")" } == ["Landing", "Code review"])
        // The copy is the client's: the contractor cannot add or rename its rows.
        let before = cli.snapshot("contractor.db")
        let add = try cli.run("add", "contractor.db", "ClientTasks", "title=Mine")
        #expect(add.status == 1)
        #expect(add.stderr.contains("ClientTasks is a copy of Client.Tasks"), "\(add.stderr)")
        #expect(try cli.run("set", "contractor.db", "ClientTasks", "Landing", "title=Other").status == 1)
        #expect(cli.snapshot("contractor.db") == before)
    }

    @Test("every kind of change to an interval shows in the client's base: timer start and stop, log, edit, re-link, delete")
    func everyChangePropagates() throws {
        var cli = try makeBases()
        var r = try cli.run("timer", "start", "contractor.db", "ClientTasks", "Landing", "--as", "Sam")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try fed(cli) == ["Landing|2026-11-20T10:00:00+01:00||"])  // running: no end yet
        try expectClientChecks(cli, "after start")
        cli.environment["TABULA_NOW"] = "2026-11-20T10:30:00Z"
        r = try cli.run("timer", "stop", "contractor.db", "--as", "Sam")
        #expect(r.status == 0, "\(r.stderr)")
        r = try cli.run("log", "contractor.db", "ClientTasks", "Review", "--date", "2026-11-19", "--hours", "2", "--note", "notes", "--as", "Sam")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try fed(cli) == ["Landing|2026-11-20T10:00:00+01:00|2026-11-20T11:30:00+01:00|", "Review|2026-11-19T09:00:00+01:00|2026-11-19T11:00:00+01:00|notes"])
        let hours = try rows(cli, "client.db", "Tasks").map { "\(text($0["title"])):\(text($0["contractor_hours"]))" }
        #expect(hours == ["Landing:5400", "Review:7200"])
        // The flags carry over: a timer's interval is not manual, a logged one is.
        let manual = try rows(cli, "client.db", "ContractorHours").map { "\(text($0["mode"]))/\(text($0["manual"]))" }.sorted()
        #expect(manual == ["/1", "stopwatch/0"])
        try expectClientChecks(cli, "after stop and log")

        #expect(try cli.run("set", "contractor.db", "WorkLog", "#1", "note=landing page", "end=2026-11-20 12:00").status == 0)
        #expect(try cli.run("set", "contractor.db", "WorkLog", "#2", "task=Landing").status == 0)
        #expect(try fed(cli) == ["Landing|2026-11-19T09:00:00+01:00|2026-11-19T11:00:00+01:00|notes", "Landing|2026-11-20T10:00:00+01:00|2026-11-20T12:00:00+01:00|landing page"])
        #expect(try rows(cli, "client.db", "Tasks").map { text($0["contractor_hours"]) } == ["14400", "0"])
        try expectClientChecks(cli, "after edit and re-link")

        #expect(try cli.run("delete", "contractor.db", "WorkLog", "#1").status == 0)
        #expect(try fed(cli) == ["Landing|2026-11-19T09:00:00+01:00|2026-11-19T11:00:00+01:00|notes"])
        #expect(try fed(cli) == (try logged(cli)))
        try expectClientChecks(cli, "after delete")
    }

    @Test("the client's fed rows are read-only there; the error says they come from the contractor")
    func fedRowsAreReadOnly() throws {
        let cli = try makeBases()
        #expect(try cli.run("log", "contractor.db", "ClientTasks", "Landing", "--date", "2026-11-19", "--hours", "1", "--as", "Sam").status == 0)
        let before = cli.snapshot("client.db")
        for step: [String] in [["set", "client.db", "ContractorHours", "#1", "note=mine"], ["delete", "client.db", "ContractorHours", "#1"]] {
            let r = try cli.run(step)
            #expect(r.status == 1, "\(step)")
            #expect(r.stderr.contains("comes from Sam's consultancy's base"), "\(step): \(r.stderr)")
        }
        #expect(cli.snapshot("client.db") == before)
    }

    @Test("an interval in a month the client approved cannot be changed or deleted by the contractor either")
    func clientApprovedPeriodRefusesTheContractor() throws {
        var cli = try makeBases()
        #expect(try cli.run("log", "contractor.db", "ClientTasks", "Landing", "--date", "2026-11-19", "--hours", "1", "--as", "Sam").status == 0)
        cli.environment["TABULA_NOW"] = "2026-12-02T09:00:00Z"
        #expect(try cli.run("period", "close", "client.db", "2026-11", "--as", "lena").status == 0)
        #expect(try cli.run("period", "approve", "client.db", "2026-11", "--as", "lena").status == 0)
        // Opening the contractor refreshes its copy of the client's tasks once; then nothing moves.
        #expect(try cli.run("feed", "status", "contractor.db").status == 0)
        let contractor = cli.snapshot("contractor.db"), client = cli.snapshot("client.db")
        for step: [String] in [
            ["set", "contractor.db", "WorkLog", "#1", "note=later"],
            ["delete", "contractor.db", "WorkLog", "#1"],
            ["log", "contractor.db", "ClientTasks", "Review", "--date", "2026-11-18", "--hours", "1", "--as", "Sam"],
        ] {
            let r = try cli.run(step)
            #expect(r.status == 1, "\(step): \(r.stdout)")
            #expect(r.stderr.contains("November 2026, which is approved"), "\(step): \(r.stderr)")
        }
        #expect(cli.snapshot("contractor.db") == contractor)
        #expect(cli.snapshot("client.db") == client)
        // December is open: that interval goes through.
        #expect(try cli.run("log", "contractor.db", "ClientTasks", "Review", "--date", "2026-12-01", "--hours", "1", "--as", "Sam").status == 0)
        #expect(try fed(cli).count == 2)
    }

    @Test("killed between the two writes, the bases agree after the next open of either one")
    func crashBetweenTheWritesConverges() throws {
        var cli = try makeBases()
        // The test hook ends the process right after the contractor's commit, before the send.
        cli.environment["TABULA_TEST_KILL_BEFORE_FEED"] = "1"
        let r = try cli.run("log", "contractor.db", "ClientTasks", "Landing", "--date", "2026-11-19", "--hours", "1", "--as", "Sam")
        #expect(r.status != 0)
        cli.environment["TABULA_TEST_KILL_BEFORE_FEED"] = nil
        // Opening the client (first) pulls what the contractor's outbox holds.
        let fedRows = try fed(cli)
        #expect(fedRows == ["Landing|2026-11-19T09:00:00+01:00|2026-11-19T10:00:00+01:00|"])
        #expect(fedRows == (try logged(cli)))
        try expectClientChecks(cli, "after the client opened")

        cli.environment["TABULA_TEST_KILL_BEFORE_FEED"] = "1"
        #expect(try cli.run("set", "contractor.db", "WorkLog", "#1", "note=after the crash").status != 0)
        cli.environment["TABULA_TEST_KILL_BEFORE_FEED"] = nil
        // Opening the contractor sends it.
        let status = try cli.run("feed", "status", "contractor.db")
        #expect(status.stdout.contains("outbox: empty"), "\(status.stdout)")
        #expect(try fed(cli) == ["Landing|2026-11-19T09:00:00+01:00|2026-11-19T10:00:00+01:00|after the crash"])
    }

    @Test("processes killed at random moments while logging leave both bases equal after the next open")
    func randomKillsConverge() throws {
        let cli = try makeBases()
        var generator = SystemRandomNumberGenerator()
        for i in 0..<24 {
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = ["log", "contractor.db", "ClientTasks", i % 2 == 0 ? "Landing" : "Review",
                                 "--date", "2026-11-\(String(format: "%02d", 1 + i))", "--hours", "1", "--note", "run \(i)", "--as", "Sam"]
            process.currentDirectoryURL = cli.directory
            var env = ProcessInfo.processInfo.environment
            for (k, v) in cli.environment { env[k] = v }
            process.environment = env
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 2_000...60_000, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        #expect(try fed(cli) == (try logged(cli)))
        try expectClientChecks(cli, "after random kills")
    }

    @Test("schema errors about the other base are located: a missing base, table or field, a table not fed, a mismatched or missing feed field")
    func otherBaseErrorsAreLocated() throws {
        let cli = try makeBases()
        let good = try String(contentsOf: CLI.packageRoot.appendingPathComponent("Samples/crossbase/contractor.tabula"), encoding: .utf8)
        let cases: [(String, String, String)] = [
            ("base Client at \"client.db\"", "base Client at \"missing.db\"", "no base at 'missing.db'"),
            ("from Client.Tasks", "from Client.Taskz", "the base Client has no table 'Taskz'"),
            ("  key       text\n", "  keyz      text\n", "Client.Tasks has no field 'keyz' to copy"),
            ("feed Client.ContractorHours (task", "feed Client.Tasks (task", "Client.Tasks is not fed from outside"),
            ("note = note,", "notes = note,", "Client.ContractorHours has no field 'notes'"),
            ("end = end,", "end = duration,", "duration is duration, but Client.end is datetime"),
            ("start = start, ", "", "required field start empty"),
            ("feed Client.", "feed Other.", "no other base is called 'Other'"),
        ]
        for (from, to, message) in cases {
            #expect(good.contains(from), "\(from)")
            let file = "bad-\(abs(from.hashValue)).tabula"
            _ = try cli.write(file, good.replacingOccurrences(of: from, with: to))
            let r = try cli.run("init", "other.db", "--schema", file)
            #expect(r.status == 1, "\(message): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(message): \(r.stderr)")
            #expect(r.stderr.contains("\(file):"), "not located: \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: cli.path("other.db")))
        }
    }

    /// Starts `tabula serve` on a base (port 0: a free one, or the one given) and says its port.
    func serve(_ cli: CLI, port: Int = 0, base: String = "client.db") throws -> (Process, Int) {
        let server = Process()
        server.executableURL = CLI.binary
        server.arguments = ["serve", cli.path(base), "--host", "127.0.0.1", "--port", String(port)]
        server.currentDirectoryURL = cli.directory
        let out = Pipe()
        server.standardOutput = out
        _ = FileManager.default.createFile(atPath: cli.path(base + ".log"), contents: nil)
        server.standardError = FileHandle(forWritingAtPath: cli.path(base + ".log"))
        try server.run()
        do {
            return (server, try CLI.servedPort(out))
        } catch {
            server.terminate()
            throw error
        }
    }

    @Test("a served client takes the feed over the API with a feed token; while it is down the rows wait in the outbox, and go when it is back")
    func servedClientTakesTheFeed() throws {
        var cli = try CLI()
        cli.environment["TABULA_NOW"] = "2026-11-20T09:00:00Z"
        for step: [String] in [
            ["init", "client.db", "--package", "timetracking", "--timezone", "Europe/Berlin"],
            ["add", "client.db", "People", "name=Sam"],
            ["add", "client.db", "Tasks", "title=Landing", "assignee=Sam"],
            ["add", "client.db", "Tasks", "title=Secret"],
        ] { #expect(try cli.run(step).status == 0, "\(step)") }
        let made = try cli.run("token", "create", "client.db", "--person", "Sam", "--feed", "ContractorHours")
        #expect(made.status == 0, "\(made.stderr)")
        let token = String(made.stdout.split(separator: " ").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("tab_"))
        var (server, port) = try serve(cli)
        defer { if server.isRunning { server.terminate(); server.waitUntilExit() } }
        let schema = try String(contentsOf: CLI.packageRoot.appendingPathComponent("Samples/crossbase/contractor.tabula"), encoding: .utf8)
            .replacingOccurrences(of: #"base Client at "client.db""#, with: #"base Client at "http://127.0.0.1:\#(port)" token env CLIENT_TOKEN"#)
        _ = try cli.write("contractor.tabula", schema)
        cli.environment["CLIENT_TOKEN"] = token
        #expect(try cli.run("init", "contractor.db", "--schema", "contractor.tabula").status == 0)
        #expect(try cli.run("add", "contractor.db", "People", "name=Sam", "rate=90").status == 0)
        #expect(try rows(cli, "contractor.db", "ClientTasks").map { text($0["title"]) } == ["Landing", "Secret"])
        #expect(try cli.run("log", "contractor.db", "ClientTasks", "Landing", "--date", "2026-11-19", "--hours", "1", "--as", "Sam").status == 0)
        #expect(try fed(cli) == (try logged(cli)))
        // A task not assigned to the token's person is refused by the client's server, here, before anything commits.
        let before = cli.snapshot("contractor.db")
        let refused = try cli.run("log", "contractor.db", "ClientTasks", "Secret", "--date", "2026-11-19", "--hours", "1", "--as", "Sam")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("Client refuses it"), "\(refused.stderr)")
        #expect(cli.snapshot("contractor.db") == before)
        // The feed token opens nothing else of the API.
        let other = ConcurrentWriterTests.post("http://127.0.0.1:\(port)/api/v1/tables/Tasks/rows", token: token, body: #"{"fields": {"title": "x"}}"#)
        #expect(other.0 == 403, "\(other.1)")

        server.terminate()
        server.waitUntilExit()
        let offline = try cli.run("log", "contractor.db", "ClientTasks", "Landing", "--date", "2026-11-18", "--hours", "2", "--as", "Sam")
        #expect(offline.status == 0, "\(offline.stderr)")
        #expect(offline.stderr.contains("kept in the outbox"), "\(offline.stderr)")
        #expect(try fed(cli).count == 1)
        #expect(try cli.run("feed", "status", "contractor.db").stdout.contains("outbox: 1 row waiting"))

        (server, _) = try serve(cli, port: port)
        let push = try cli.run("feed", "push", "contractor.db")
        #expect(push.status == 0, "\(push.stdout)\(push.stderr)")
        #expect(try fed(cli) == (try logged(cli)))
        #expect(try fed(cli).count == 2)
        #expect(try cli.run("feed", "status", "contractor.db").stdout.contains("outbox: empty"))
    }

    @Test("a timer started through the contractor's served base reaches the client's base within seconds")
    func contractorServerSendsTheFeed() throws {
        let cli = try makeBases()
        let made = try cli.run("token", "create", "contractor.db", "--person", "Sam")
        let token = String(made.stdout.split(separator: " ").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let (server, port) = try serve(cli, base: "contractor.db")
        defer { server.terminate(); server.waitUntilExit() }
        let started = ConcurrentWriterTests.post("http://127.0.0.1:\(port)/api/v1/timers/start", token: token, body: #"{"table": "ClientTasks", "row": "Landing"}"#)
        #expect(started.0 == 201 || started.0 == 200, "\(started.1)")
        // The server's feed deliverer sends it (not a later command: the log says so).
        var log = ""
        for _ in 0..<80 where !log.contains("feed: sent 1, taken 1") {
            usleep(250_000)
            log = (try? String(contentsOfFile: cli.path("contractor.db.log"), encoding: .utf8)) ?? ""
        }
        #expect(log.contains("feed: sent 1, taken 1"), "\(log)")
        let seen = try fed(cli)
        #expect(seen.count == 1)
        #expect(seen == (try logged(cli)))
    }

    @Test("timers on the client's tasks count against the contractor's ten, and a Pomodoro arrives as one")
    func clientTaskTimersCountAgainstTheLimit() throws {
        let cli = try makeBases()
        let tasks = "title,project\n" + (1...9).map { "Task \($0),Web" }.joined(separator: "\n") + "\n"
        _ = try cli.write("tasks.csv", tasks)
        #expect(try cli.run("add", "client.db", "Tasks", "--file", "tasks.csv").status == 0)
        #expect(try cli.run("timer", "start", "contractor.db", "ClientTasks", "Landing", "--pomodoro", "--as", "Sam").status == 0)
        for title in ["Review"] + (1...8).map({ "Task \($0)" }) {
            let r = try cli.run("timer", "start", "contractor.db", "ClientTasks", title, "--as", "Sam")
            #expect(r.status == 0, "\(title): \(r.stderr)")
        }
        let eleventh = try cli.run("timer", "start", "contractor.db", "ClientTasks", "Task 9", "--as", "Sam")
        #expect(eleventh.status == 1)
        #expect(eleventh.stderr.contains("already runs 10 timers"), "\(eleventh.stderr)")
        let modes = try rows(cli, "client.db", "ContractorHours").map { text($0["mode"]) }
        #expect(modes.count == 10)
        #expect(modes.filter { $0 == "pomodoro" }.count == 1)
        try expectClientChecks(cli, "ten timers")
    }

    @Test("a feed added by a migration sends the rows the table already has")
    func feedAddedByMigrationSendsExistingRows() throws {
        let cli = try makeBases()
        let good = try String(contentsOf: CLI.packageRoot.appendingPathComponent("Samples/crossbase/contractor.tabula"), encoding: .utf8)
        guard let feedLine = good.range(of: "  feed Client.ContractorHours") else { Issue.record("no feed in the sample"); return }
        let closing = good[feedLine.lowerBound...].range(of: ")\n")!
        _ = try cli.write("nofeed.tabula", String(good[..<feedLine.lowerBound]) + String(good[closing.upperBound...]))
        #expect(try cli.run("init", "old.db", "--schema", "nofeed.tabula").status == 0)
        #expect(try cli.run("add", "old.db", "People", "name=Sam").status == 0)
        #expect(try cli.run("log", "old.db", "ClientTasks", "Landing", "--date", "2026-11-19", "--hours", "1", "--as", "Sam").status == 0)
        #expect(try fed(cli).isEmpty)
        let applied = try cli.run("apply", "old.db", "contractor.tabula")
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(try fed(cli) == ["Landing|2026-11-19T09:00:00+01:00|2026-11-19T10:00:00+01:00|"])
    }
}
