import Foundation
import Testing

/// Pomodoro breaks, the pomodoros report and divisions, through the built binary.
@Suite struct PomodoroDivisionTests {
    func makeBase() throws -> CLI {
        var cli = try CLI()
        cli.environment["TABULA_USER"] = "anna"
        cli.environment["TABULA_NOW"] = "2026-11-20T09:00:00Z"
        for step: [String] in [
            ["init", "tt.db", "--package", "timetracking", "--timezone", "Europe/Berlin", "--currency", "EUR"],
            ["add", "tt.db", "Divisions", "name=North", "--as", "owner"],
            ["add", "tt.db", "Divisions", "name=South", "--as", "owner"],
            ["add", "tt.db", "People", "name=anna", "division=North", "--as", "owner"],
            ["add", "tt.db", "People", "name=boris", "division=South", "--as", "owner"],
            ["add", "tt.db", "Clients", "name=Acme", "rate=100", "--as", "owner"],
            ["add", "tt.db", "Projects", "name=Web", "client=Acme", "division=North", "--as", "owner"],
            ["add", "tt.db", "Projects", "name=App", "client=Acme", "division=South", "--as", "owner"],
            ["add", "tt.db", "Tasks", "title=Landing", "project=Web"],
            ["add", "tt.db", "Tasks", "title=Login", "project=App"],
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

    @Test("after a full focus interval the break runs until its end or the next start, and timer status shows it")
    func breaks() throws {
        let cli = try makeBase()
        #expect(try cli.run("timer", "start", "tt.db", "Tasks", "Landing", "--pomodoro").status == 0)
        let during = try at(cli, "2026-11-20T09:27:00Z").run("timer", "status", "tt.db", "--format", "csv")
        #expect(during.stdout.contains("anna,TimeEntries,break after #1,break,2026-11-20 10:25,0:02,2026-11-20 10:30"), "\(during.stdout)")
        #expect(try at(cli, "2026-11-20T09:27:00Z").run("timer", "status", "tt.db", "--as", "boris").stdout.contains("no timer of boris is running"))
        #expect(try at(cli, "2026-11-20T09:31:00Z").run("timer", "status", "tt.db").stdout.contains("no timer of anna is running"))
        // The next focus starts when anna starts it; the break is over then.
        #expect(try at(cli, "2026-11-20T09:28:00Z").run("timer", "start", "tt.db", "Tasks", "Landing", "--pomodoro").status == 0)
        let next = try at(cli, "2026-11-20T09:29:00Z").run("timer", "status", "tt.db", "--format", "csv")
        #expect(!next.stdout.contains("break"))
        // A focus stopped early earns no break.
        #expect(try at(cli, "2026-11-20T09:40:00Z").run("timer", "stop", "tt.db").status == 0)
        #expect(try at(cli, "2026-11-20T09:41:00Z").run("timer", "status", "tt.db").stdout.contains("no timer of anna is running"))
        let report = try at(cli, "2026-11-20T10:00:00Z").run("report", "tt.db", "pomodoros", "--format", "json")
        let rows = (try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [[String: Any]]) ?? []
        #expect(rows.first?["pomodoros"] as? Int == 1)
        #expect(rows.first?["focus"] as? Int == 25 * 60 + 12 * 60)
    }

    @Test("the divisions report groups hours by the project's and the person's division, adding up to the entries")
    func divisions() throws {
        let cli = try makeBase()
        for step: [String] in [
            ["log", "tt.db", "Tasks", "Landing", "--date", "2026-11-02", "--hours", "2"],
            ["log", "tt.db", "Tasks", "Login", "--date", "2026-11-03", "--hours", "3"],
            ["log", "tt.db", "Tasks", "Login", "--date", "2026-11-03", "--hours", "1", "--as", "boris"],
        ] {
            #expect(try cli.run(step).status == 0)
        }
        let r = try cli.run("report", "tt.db", "divisions", "--format", "json", "--as", "owner")
        let rows = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
        func hours(_ project: String, _ person: String) -> Int? {
            rows.first { $0["project_division"] as? String == project && $0["person_division"] as? String == person }?["hours"] as? Int
        }
        #expect(hours("North", "North") == 2 * 3600)
        #expect(hours("South", "North") == 3 * 3600)
        #expect(hours("South", "South") == 3600)
        #expect(rows.compactMap { $0["hours"] as? Int }.reduce(0, +) == 6 * 3600)
        let divisions = try cli.run("show", "tt.db", "Divisions", "--format", "json")
        let table = (try JSONSerialization.jsonObject(with: Data(divisions.stdout.utf8)) as? [[String: Any]]) ?? []
        #expect(table.map { $0["hours"] as? Int } == [2 * 3600, 4 * 3600])
    }
}
