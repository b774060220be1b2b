import Foundation
import Testing

/// Who writes the time-tracking package's master data (people, projects, periods, ...): leads and
/// finance; a member writes only their own entries, attendance and absences. Through the binary.
@Suite struct MasterDataAccessTests {
    /// anna (member), lena (lead), fiona (finance), set up by the file's owner; anna has logged
    /// an hour in November, which filed the month's Periods row for her.
    func makeBase() throws -> CLI {
        var cli = try CLI()
        cli.environment["TABULA_USER"] = "anna"
        cli.environment["TABULA_NOW"] = "2026-11-20T09:00:00Z"
        for step: [String] in [
            ["init", "tt.db", "--package", "timetracking", "--timezone", "Europe/Berlin", "--currency", "EUR"],
            ["add", "tt.db", "People", "name=anna", "--as", "owner"],
            ["add", "tt.db", "People", "name=lena", "role=lead", "--as", "owner"],
            ["add", "tt.db", "People", "name=fiona", "role=finance", "--as", "owner"],
            ["add", "tt.db", "Projects", "name=Web", "--as", "owner"],
            ["add", "tt.db", "Tasks", "title=Landing", "project=Web"],
            ["log", "tt.db", "Tasks", "Landing", "--date", "2026-11-19", "--hours", "2"],
        ] {
            let r = try cli.run(step)
            #expect(r.status == 0, "\(step): \(r.stderr)")
        }
        return cli
    }

    func field(_ cli: CLI, _ table: String, _ name: String) throws -> [String] {
        let r = try cli.run("show", "tt.db", table, "--format", "json", "--as", "owner")
        #expect(r.status == 0, "\(r.stderr)")
        let rows = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
        return rows.map { "\($0[name] ?? "")" }
    }

    @Test("a member cannot make themselves finance, reopen a period or rename a project; the base stays as it was")
    func memberCannotWriteMasterData() throws {
        let cli = try makeBase()
        #expect(try field(cli, "Periods", "month") == ["2026-11"])  // filed by anna's own entry
        let before = cli.snapshot("tt.db")
        for step: [String] in [
            ["set", "tt.db", "People", "anna", "role=finance"],
            ["set", "tt.db", "Periods", "2026-11", "state=approved"],
            ["set", "tt.db", "Projects", "Web", "name=Mine"],
            ["add", "tt.db", "People", "name=mallory", "role=finance"],
            ["add", "tt.db", "Absences", "person=lena", "first_day=2026-11-23", "kind=leave"],
        ] {
            let r = try cli.run(step)
            #expect(r.status == 1, "\(step)")
            #expect(r.stderr.contains("anna may not"), "\(step): \(r.stderr)")
            #expect(r.stderr.contains("does not hold for them"), "\(step): \(r.stderr)")
        }
        #expect(cli.snapshot("tt.db") == before)
        #expect(try field(cli, "People", "role") == ["member", "lead", "finance"])
    }

    @Test("a member records their own leave and closes a month; a lead and finance write master data")
    func leadAndFinanceWriteMasterData() throws {
        let cli = try makeBase()
        #expect(try cli.run("add", "tt.db", "Absences", "person=anna", "first_day=2026-11-23", "kind=leave").status == 0)
        #expect(try cli.run("period", "close", "tt.db", "2026-11").status == 0)
        #expect(try field(cli, "Periods", "state") == ["closed"])
        #expect(try cli.run("set", "tt.db", "Periods", "2026-11", "state=open", "--as", "lena").status == 0)
        #expect(try field(cli, "Periods", "state") == ["open"])
        #expect(try cli.run("set", "tt.db", "People", "anna", "role=lead", "--as", "lena").status == 0)
        #expect(try cli.run("add", "tt.db", "Absences", "first_day=2026-12-24", "kind=holiday", "--as", "fiona").status == 0)
        #expect(try cli.run("set", "tt.db", "Projects", "Web", "budget=40h", "--as", "fiona").status == 0)
        #expect(try field(cli, "People", "role") == ["lead", "lead", "finance"])
        #expect(try field(cli, "Absences", "kind") == ["leave", "holiday"])
    }

    @Test("a member logging time in a month not seen yet files its period, though Periods are not theirs to write")
    func memberFilesANewMonth() throws {
        let cli = try makeBase()
        #expect(try cli.run("log", "tt.db", "Tasks", "Landing", "--date", "2026-12-01", "--hours", "1").status == 0)
        #expect(try field(cli, "Periods", "month") == ["2026-11", "2026-12"])
    }
}
