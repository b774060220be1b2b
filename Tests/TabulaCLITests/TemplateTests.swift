import Foundation
import Testing

/// Templates and copied reference days, through the built binary.
@Suite struct TemplateTests {
    /// A time-tracking base (Berlin) with anna (38 h a week) and two tasks; anna's Tuesday
    /// 2026-11-03 has three entries: 3:20 on Landing, 0:40 internal on Review, a 3:00 draft.
    func makeBase() throws -> CLI {
        var cli = try CLI()
        cli.environment["TABULA_USER"] = "anna"
        cli.environment["TABULA_NOW"] = "2026-11-20T09:00:00Z"
        for step: [String] in [
            ["init", "tt.db", "--package", "timetracking", "--timezone", "Europe/Berlin", "--currency", "EUR"],
            ["add", "tt.db", "People", "name=anna", "weekly_target=38h", "--as", "owner"],
            ["add", "tt.db", "People", "name=boris", "--as", "owner"],
            ["add", "tt.db", "Projects", "name=Web", "--as", "owner"],
            ["add", "tt.db", "Tasks", "title=Landing", "project=Web"],
            ["add", "tt.db", "Tasks", "title=Review", "project=Web"],
            ["log", "tt.db", "Tasks", "Landing", "--from", "2026-11-03 08:00", "--to", "2026-11-03 11:20", "--note", "hero"],
            ["log", "tt.db", "Tasks", "Review", "--from", "2026-11-03 11:30", "--to", "2026-11-03 12:10", "category=internal"],
            ["log", "tt.db", "--draft", "--from", "2026-11-03 13:00", "--to", "2026-11-03 16:00", "--note", "calls"],
        ] {
            let r = try cli.run(step)
            #expect(r.status == 0, "\(step): \(r.stderr)")
        }
        return cli
    }

    @discardableResult
    func ok(_ cli: CLI, _ args: String...) throws -> String {
        let r = try cli.run(args)
        #expect(r.status == 0, "\(args): \(r.stderr)")
        return r.stdout
    }

    func entries(_ cli: CLI, day: String) throws -> [[String: Any]] {
        let r = try cli.run("show", "tt.db", "TimeEntries", "--format", "json")
        #expect(r.status == 0, "\(r.stderr)")
        let all = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
        return all.filter { $0["local_day"] as? String == day }
    }

    @Test("a saved template books the day's entries on each day: task, category, note, length and time of day")
    func saveAndApply() throws {
        let cli = try makeBase()
        #expect(try ok(cli, "template", "save", "tt.db", "std", "--day", "2026-11-03").contains("saved template std of anna: 3 entries, 7:00"))
        let out = try ok(cli, "template", "apply", "tt.db", "std", "--days", "2026-11-04..2026-11-05")
        #expect(out.contains("6 entries on 2 days"))
        let reference = try entries(cli, day: "2026-11-03")
        for day in ["2026-11-04", "2026-11-05"] {
            let copies = try entries(cli, day: day)
            #expect(copies.count == 3)
            for (a, b) in zip(reference, copies) {
                for key in ["task", "category", "note", "duration", "draft", "project"] {
                    #expect("\(a[key] ?? "")" == "\(b[key] ?? "")", "\(day) \(key)")
                }
                #expect((b["start"] as? String)?.dropFirst(10) == (a["start"] as? String)?.dropFirst(10))  // same time of day
            }
        }
        // Saving again replaces; boris has templates of his own.
        #expect(try ok(cli, "template", "save", "tt.db", "std", "--day", "2026-11-04").contains("replaced template std"))
        let missing = try cli.run("template", "apply", "tt.db", "std", "--days", "2026-11-06", "--as", "boris")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("boris has no template 'std'"))
        let empty = try cli.run("template", "save", "tt.db", "none", "--day", "2026-11-10")
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("no finished entry on 2026-11-10"))
    }

    @Test("a template keeps its time of day across the DST change")
    func dst() throws {
        let cli = try makeBase()
        try ok(cli, "log", "tt.db", "Tasks", "Landing", "--from", "2026-10-23 09:00", "--to", "2026-10-23 10:00")
        try ok(cli, "template", "save", "tt.db", "friday", "--day", "2026-10-23")
        try ok(cli, "template", "apply", "tt.db", "friday", "--days", "2026-10-26")
        #expect(try entries(cli, day: "2026-10-23").first?["start"] as? String == "2026-10-23T09:00:00+02:00")
        #expect(try entries(cli, day: "2026-10-26").first?["start"] as? String == "2026-10-26T09:00:00+01:00")
    }

    @Test("copy-day scales the reference day to the hours, rounded to the step, summing exactly")
    func copyDay() throws {
        let cli = try makeBase()
        try ok(cli, "copy-day", "tt.db", "2026-11-03", "--to", "2026-11-06", "--hours", "6h")
        let copied = try entries(cli, day: "2026-11-06")
        // 200, 40 and 180 minutes of 420, scaled to 24 quarter hours: 11.43, 2.29, 10.29 -> 12, 2, 10.
        #expect(copied.map { $0["duration"] as? Int } == [3 * 3600, 1800, 9000])
        #expect(copied.map { $0["task"] as? String } == ["Landing", "Review", nil])
        #expect(copied.map { $0["note"] as? String } == ["hero", nil, "calls"])
        // They follow one another from the reference day's first start.
        #expect(copied.map { $0["start"] as? String } == ["2026-11-06T08:00:00+01:00", "2026-11-06T11:00:00+01:00", "2026-11-06T11:30:00+01:00"])
        // Default: the scheduled hours (38 h / 5 = 7:36), whatever the step leaves goes to the largest.
        try ok(cli, "copy-day", "tt.db", "2026-11-03", "--to", "2026-11-09..2026-11-10")
        for day in ["2026-11-09", "2026-11-10"] {
            #expect(try entries(cli, day: day).compactMap { $0["duration"] as? Int }.reduce(0, +) == 38 * 3600 / 5)
        }
        try ok(cli, "setting", "tt.db", "booking_step", "30m")
        try ok(cli, "copy-day", "tt.db", "2026-11-03", "--to", "2026-11-11", "--hours", "4h")
        let halves = try entries(cli, day: "2026-11-11").compactMap { $0["duration"] as? Int }
        #expect(halves.reduce(0, +) == 4 * 3600)
        #expect(halves.allSatisfy { $0 % 1800 == 0 })
        // The weekend has no scheduled hours: refused, and nothing of the range is booked.
        let before = cli.snapshot("tt.db")
        let weekend = try cli.run("copy-day", "tt.db", "2026-11-03", "--to", "2026-11-13..2026-11-14")
        #expect(weekend.status == 1)
        #expect(weekend.stderr.contains("anna has no hours scheduled on 2026-11-14"))
        #expect(cli.snapshot("tt.db") == before)
        #expect(try cli.run("check", "tt.db").status == 0)
    }
}
