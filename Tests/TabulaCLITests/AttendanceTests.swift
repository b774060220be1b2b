import Foundation
import Testing

/// Clocking in and out, breaks and the time matrix, through the built binary.
@Suite struct AttendanceTests {
    /// A time-tracking base (Berlin) with anna (Berlin), boris (New York) and two tasks.
    func makeBase() throws -> CLI {
        var cli = try CLI()
        cli.environment["TABULA_USER"] = "anna"
        cli.environment["TABULA_NOW"] = "2026-11-23T07:00:00Z"
        for step: [String] in [
            ["init", "tt.db", "--package", "timetracking", "--timezone", "Europe/Berlin", "--currency", "EUR"],
            ["add", "tt.db", "People", "name=anna", "--as", "owner"],
            ["add", "tt.db", "People", "name=boris", "timezone=America/New_York", "--as", "owner"],
            ["add", "tt.db", "Projects", "name=Web", "--as", "owner"],
            ["add", "tt.db", "Tasks", "title=Landing", "project=Web"],
            ["add", "tt.db", "Tasks", "title=Review", "project=Web"],
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
        // Read as the file's owner (no person), who sees everyone's rows, unless the call says who.
        let r = try cli.run(args + ["--format", "json"] + (args.contains("--as") ? [] : ["--as", "owner"]))
        #expect(r.status == 0, "\(args): \(r.stderr)")
        return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    static func instant(_ text: Any?) -> Date? {
        guard let text = text as? String else { return nil }
        return ISO8601DateFormatter().date(from: text)
    }

    /// The matrix computed from the rows: per person and day clocked out, out - in - breaks, and
    /// the durations of the person's entries on that local day.
    func directMatrix(_ cli: CLI) throws -> [String: (present: Int, booked: Int)] {
        var result: [String: (present: Int, booked: Int)] = [:]
        for day in try json(cli, "show", "tt.db", "Attendance") {
            guard let out = Self.instant(day["clock_out"]), let clockIn = Self.instant(day["clock_in"]) else { continue }
            let key = "\(day["person"]!) \(day["day"]!)"
            result[key] = (Int(out.timeIntervalSince(clockIn)) - (day["breaks"] as! Int), 0)
        }
        for entry in try json(cli, "show", "tt.db", "TimeEntries") {
            let key = "\(entry["person"]!) \(entry["local_day"]!)"
            if let known = result[key] { result[key] = (known.present, known.booked + (entry["duration"] as! Int)) }
        }
        return result
    }

    @Test("a day: clock in, a timer, a switch, a break, a forgotten entry, clock out; the matrix adds up")
    func aDay() throws {
        let cli = try makeBase()
        #expect(try ok(cli, "clock", "in", "tt.db", "--at", "2026-11-23 08:30").contains("anna clocked in at 2026-11-23 08:30"))
        try ok(at(cli, "2026-11-23T07:30:00Z"), "timer", "start", "tt.db", "Tasks", "Landing")
        try ok(at(cli, "2026-11-23T10:00:00Z"), "timer", "switch", "tt.db", "Tasks", "Review")
        try ok(at(cli, "2026-11-23T11:00:00Z"), "timer", "stop", "tt.db")
        #expect(try ok(cli, "clock", "break", "start", "tt.db", "--at", "2026-11-23 12:00").contains("break started at 2026-11-23 12:00"))
        #expect(try ok(cli, "clock", "break", "end", "tt.db", "--at", "2026-11-23 12:45").contains("breaks 0:45"))
        try ok(cli, "log", "tt.db", "Tasks", "Landing", "--from", "2026-11-23 12:45", "--to", "2026-11-23 17:00", "--note", "forgot")
        try ok(cli, "log", "tt.db", "Tasks", "Review", "--from", "2026-11-23 20:00", "--to", "2026-11-23 21:00", "--note", "evening")
        let out = try ok(cli, "clock", "out", "tt.db", "--at", "2026-11-23 17:00")
        // 08:30 to 17:00 is 8:30, minus 0:45 of break: 7:45; booked 2:30 + 1:00 + 4:15 + 1:00 = 8:45.
        #expect(out.contains("present 7:45, breaks 0:45, booked 8:45"), "\(out)")
        #expect(out.contains("warning: 1:00 booked beyond attendance"), "\(out)")
        let matrix = try json(cli, "report", "tt.db", "matrix", "--for", "2026-W48")
        #expect(matrix.count == 1)
        let direct = try directMatrix(cli)
        for row in matrix {
            let expected = try #require(direct["\(row["person"]!) \(row["day"]!)"])
            #expect(row["attendance"] as? Int == expected.present)
            #expect(row["booked"] as? Int == expected.booked)
            #expect(row["difference"] as? Int == expected.present - expected.booked)
        }
        #expect(matrix[0]["check"] as? String == "1:00 booked beyond attendance")
        // A wider tolerance: the same day passes.
        try ok(cli, "setting", "tt.db", "matrix_tolerance", "1h")
        #expect(try json(cli, "report", "tt.db", "matrix", "--for", "2026-W48")[0]["check"] is NSNull)
        let table = try ok(cli, "report", "tt.db", "matrix", "--for", "2026-W48")
        #expect(table.contains("check"))
        #expect(try cli.run("check", "tt.db").status == 0)
    }

    @Test("a day of more than six hours without a break is warned about, at clock-out and in the matrix")
    func noBreak() throws {
        let cli = try makeBase()
        try ok(cli, "clock", "in", "tt.db", "--at", "2026-11-24 08:00")
        try ok(cli, "log", "tt.db", "Tasks", "Landing", "--from", "2026-11-24 08:00", "--to", "2026-11-24 14:30")
        let out = try ok(cli, "clock", "out", "tt.db", "--at", "2026-11-24 14:30")
        #expect(out.contains("warning: no break in 6:30 (more than 6:00)"), "\(out)")
        #expect(try json(cli, "report", "tt.db", "matrix", "--for", "2026-W48")[0]["check"] as? String == "no break in 6:30 (more than 6:00)")
        try ok(cli, "setting", "tt.db", "break_after", "7h")
        #expect(try json(cli, "report", "tt.db", "matrix", "--for", "2026-W48")[0]["check"] is NSNull)
        let bad = try cli.run("setting", "tt.db", "break_after", "soon")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("a duration such as 15m or 6h"))
    }

    @Test("clocking in again the same day counts the time away as a break")
    func backAgain() throws {
        let cli = try makeBase()
        try ok(cli, "clock", "in", "tt.db", "--at", "2026-11-24 08:00")
        try ok(cli, "clock", "out", "tt.db", "--at", "2026-11-24 12:00")
        #expect(try ok(cli, "clock", "in", "tt.db", "--at", "2026-11-24 13:00").contains("breaks so far 1:00"))
        #expect(try ok(cli, "clock", "out", "tt.db", "--at", "2026-11-24 17:00").contains("present 8:00, breaks 1:00"))
        #expect(try json(cli, "show", "tt.db", "Attendance").count == 1)
    }

    @Test("a person's day is in their own zone, across the DST change of their zone")
    func dstWeekInAnotherZone() throws {
        let cli = try makeBase()
        let boris = { (args: [String]) throws -> CLI.Result in try cli.run(args + ["--as", "boris"]) }
        // New York leaves DST on 2026-11-01 at 02:00: 00:30 EDT to 05:00 EST is 5:30.
        #expect(try boris(["clock", "in", "tt.db", "--at", "2026-11-01T00:30-04:00"]).status == 0)
        // 22:00 in New York on the 1st is the 2nd in Berlin and in UTC: it is still boris's 1st.
        #expect(try boris(["log", "tt.db", "Tasks", "Landing", "--from", "2026-11-02T03:00Z", "--to", "2026-11-02T04:00Z"]).status == 0)
        #expect(try boris(["log", "tt.db", "Tasks", "Review", "--from", "2026-11-01T00:30-04:00", "--to", "2026-11-01T03:00-05:00"]).status == 0)
        let out = try boris(["clock", "out", "tt.db", "--at", "2026-11-01T05:00-05:00"])
        #expect(out.stdout.contains("present 5:30, breaks 0:00, booked 4:30 on 2026-11-01"), "\(out.stdout) \(out.stderr)")
        let days = try json(cli, "show", "tt.db", "Attendance")
        #expect(days.map { $0["day"] as? String } == ["2026-11-01"])
        let matrix = try json(cli, "report", "tt.db", "matrix", "--for", "2026-10-26..2026-11-01")
        let direct = try directMatrix(cli)
        #expect(matrix.count == 1)
        #expect(matrix.first?["attendance"] as? Int == direct["boris 2026-11-01"]?.present)
        #expect(matrix.first?["booked"] as? Int == direct["boris 2026-11-01"]?.booked)
        #expect(matrix.first?["booked"] as? Int == 4 * 3600 + 1800)
    }

    @Test("entries logged before clocking in join the day, and a moved entry leaves it")
    func entriesFollowTheDay() throws {
        let cli = try makeBase()
        try ok(cli, "log", "tt.db", "Tasks", "Landing", "--from", "2026-11-24 07:00", "--to", "2026-11-24 08:00")
        try ok(cli, "clock", "in", "tt.db", "--at", "2026-11-24 07:00")
        try ok(cli, "clock", "out", "tt.db", "--at", "2026-11-24 09:00")
        #expect(try json(cli, "show", "tt.db", "Attendance")[0]["booked"] as? Int == 3600)
        try ok(cli, "set", "tt.db", "TimeEntries", "#1", "start=2026-11-25 07:00", "end=2026-11-25 08:00")
        #expect(try json(cli, "show", "tt.db", "Attendance")[0]["booked"] as? Int == 0)
        #expect(try json(cli, "show", "tt.db", "TimeEntries")[0]["attendance"] is NSNull)
        #expect(try cli.run("check", "tt.db").status == 0)
    }

    @Test("clock commands out of order are refused, saying what to do, and change nothing")
    func refusals() throws {
        let cli = try makeBase()
        let cases: [([String], String)] = [
            (["clock", "out", "tt.db"], "anna is not clocked in"),
            (["clock", "break", "start", "tt.db"], "anna is not clocked in"),
            (["clock", "in", "tt.db", "--at", "tomorrow-ish"], "--at 'tomorrow-ish'"),
        ]
        for (args, message) in cases {
            let before = cli.snapshot("tt.db")
            let r = try cli.run(args)
            #expect(r.status != 0, "\(args)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(cli.snapshot("tt.db") == before)
        }
        try ok(cli, "clock", "in", "tt.db", "--at", "2026-11-23 08:00")
        let more: [([String], String)] = [
            (["clock", "in", "tt.db", "--at", "2026-11-23 09:00"], "anna is clocked in since 2026-11-23 08:00"),
            (["clock", "break", "end", "tt.db"], "anna has no break running"),
            (["clock", "out", "tt.db", "--at", "2026-11-23 07:00"], "is before anna's clock-in at 2026-11-23 08:00"),
        ]
        for (args, message) in more {
            let before = cli.snapshot("tt.db")
            let r = try cli.run(args)
            #expect(r.status == 1, "\(args)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(r.stderr.contains("hint:"))
            #expect(cli.snapshot("tt.db") == before)
        }
    }

    @Test("a base made before attendance, drafts, schedules and templates says how to upgrade, and has them after `apply --package`")
    func oldBase() throws {
        let cli = try CLI()
        var old = try String(contentsOf: CLI.packageRoot.appendingPathComponent("Samples/timetracking.tabula"), encoding: .utf8)
        if let from = old.range(of: "# A person's working day as clocked"), let to = old.range(of: "# Rows of an import file") {
            old.removeSubrange(from.lowerBound..<to.lowerBound)
        }
        if let from = old.range(of: "# The time matrix:"), let to = old.range(of: "report fee_preview") {
            old.removeSubrange(from.lowerBound..<to.lowerBound)
        }
        // Without everything this issue added: the fields and checks that name the new tables.
        let added = ["attendance    link Attendance", "draft         bool", "schedule      text", "division      link Divisions",
                     "note_required bool", "note_required, false", "regex_match(schedule"]
        old = old.split(separator: "\n", omittingEmptySubsequences: false).filter { line in !added.contains { line.contains($0) } }.joined(separator: "\n")
        #expect(try cli.run("init", "tt.db", "--schema", try cli.write("old.tabula", old)).status == 0)
        try ok(cli, "add", "tt.db", "People", "name=tester")
        let refused = try cli.run("clock", "in", "tt.db")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("tabula apply BASE --package timetracking"))
        try ok(cli, "apply", "tt.db", "--package", "timetracking")
        try ok(cli, "clock", "in", "tt.db", "--at", "2026-11-20 08:00")
        #expect(try ok(cli, "clock", "out", "tt.db", "--at", "2026-11-20 10:00").contains("present 2:00"))
        try ok(cli, "log", "tt.db", "--draft", "--date", "2026-11-20", "--hours", "1")
        try ok(cli, "template", "save", "tt.db", "day", "--day", "2026-11-20")
        #expect(try ok(cli, "report", "tt.db", "missing", "--for", "2026-11-20").contains("tester"))
    }
}
