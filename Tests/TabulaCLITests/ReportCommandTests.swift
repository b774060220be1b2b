import Foundation
import Testing

/// `tabula report` end to end, on the base README.md builds from Samples/team.tabula.
@Suite struct ReportCommandTests {
    func makeTeamBase() throws -> CLI {
        var cli = try CLI()
        cli.environment["TABULA_NOW"] = "2026-11-20T16:00:00Z"
        let samples = CLI.packageRoot.appendingPathComponent("Samples")
        let r = try cli.run("init", "team.db", "--schema", samples.appendingPathComponent("team.tabula").path)
        #expect(r.status == 0, "\(r.stderr)")
        for (table, file) in [("Clients", "clients"), ("Projects", "projects"), ("People", "people"), ("Entries", "entries")] {
            let add = try cli.run("add", "team.db", table, "--file", samples.appendingPathComponent("team/\(file).csv").path)
            #expect(add.status == 0, "\(add.stderr)")
        }
        return cli
    }

    @Test func aQueryPrintsAnAlignedTableWithTotals() throws {
        let cli = try makeTeamBase()
        let r = try cli.run("report", "team.db", "sum(duration) as hours, count() as entries by person for 2026-W46")
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "person   hours  entries")
        #expect(lines.count == 7)  // header, rule, anna, boris, chen, rule, totals
        #expect(lines[5] == "------  ------  -------")
        #expect(lines[6] == "total   123:00       66")
        // Durations read as hours and minutes.
        #expect(lines[2].range(of: #"^anna +\d+:\d\d +\d+$"#, options: .regularExpression) != nil)
    }

    @Test func sqlShowsWhetherAReportReadTheKeptSummary() throws {
        let cli = try makeTeamBase()
        let kept = try cli.run("report", "team.db", "sum(duration) by project.client, person for 2026-11", "--sql")
        #expect(kept.status == 0, "\(kept.stderr)")
        #expect(kept.stdout.contains("/* the kept summary */ SELECT"))
        // An extreme is not kept: the report scans the entries.
        let scanned = try cli.run("report", "team.db", "max(duration) by person for 2026-11", "--sql")
        #expect(scanned.status == 0, "\(scanned.stderr)")
        #expect(!scanned.stdout.contains("kept summary"))
    }

    @Test func csvAndJSONCarryExactValues() throws {
        let cli = try makeTeamBase()
        let csv = try cli.run("report", "team.db", "sum(duration) as hours, sum(amount) as amount by project.client for 2026-11", "--format", "csv")
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout.hasPrefix("client,hours,amount\r\nAcme,"))
        let json = try cli.run("report", "team.db", "sum(duration) as hours, sum(amount) as amount by project.client for 2026-11", "--format", "json")
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [[String: Any]]
        #expect(rows.map { $0["client"] as? String } == ["Acme", "Globex", nil])
        #expect(rows[0]["hours"] is Int)  // seconds
        #expect((rows[0]["amount"] as? String)?.range(of: #"^\d+\.\d\d$"#, options: .regularExpression) != nil)
    }

    @Test func savedReportsRunByNameAndList() throws {
        let cli = try makeTeamBase()
        let list = try cli.run("report", "team.db", "--list")
        #expect(list.status == 0)
        for name in ["today", "week", "month", "utilisation", "margin", "over_50h", "manual", "unapproved"] {
            #expect(list.stdout.contains("\n\(name) "), "--list shows \(name)")
        }
        let over = try cli.run("report", "team.db", "over_50h", "--format", "csv")
        #expect(over.status == 0, "\(over.stderr)")
        #expect(over.stdout == "person,week,hours\r\nboris,2026-W46,51:00\r\n")
        let missing = try cli.run("report", "team.db", "unaproved")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no saved report 'unaproved'"))
        #expect(missing.stderr.contains("did you mean 'unapproved'?"))
    }

    @Test func forReplacesASavedReportsPeriodAndAnEmptyResultSaysWhichPeriodItCovered() throws {
        var cli = try makeTeamBase()
        let november = try cli.run("report", "team.db", "margin", "--format", "csv")
        #expect(november.status == 0, "\(november.stderr)")
        cli.environment["TABULA_NOW"] = "2026-12-01T09:00:00Z"
        let december = try cli.run("report", "team.db", "margin")
        #expect(december.status == 0, "\(december.stderr)")
        #expect(december.stdout.contains("(no rows for this month: 2026-12-01 to 2026-12-31)"), "\(december.stdout)")
        for period in ["2026-11", "last month", "2026-10-26..2026-11-30"] {
            let r = try cli.run("report", "team.db", "margin", "--for", period, "--format", "csv")
            #expect(r.status == 0, "\(period): \(r.stderr)")
            #expect(r.stdout == november.stdout, "--for \(period)")
        }
        let week = try cli.run("report", "team.db", "month", "--for", "2026-W47", "--format", "csv")
        #expect(week.status == 0, "\(week.stderr)")
        #expect(week.stdout.contains("Acme,"), "\(week.stdout)")
        let bad = try cli.run("report", "team.db", "margin", "--for", "2026-13")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("--for:1:6: error: month 13 is out of range (1 to 12)"), "\(bad.stderr)")
        let query = try cli.run("report", "team.db", "sum(duration) by person", "--for", "2026-11")
        #expect(query.status == 2)  // a usage error
        #expect(query.stderr.contains("write the period in the query: ... for 2026-11"))
    }

    @Test func aBadQueryIsALocatedErrorAndChangesNothing() throws {
        let cli = try makeTeamBase()
        let before = cli.snapshot("team.db")
        let r = try cli.run("report", "team.db", "sum(duration) by persn for 2026-11")
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr == """
            <query>:1:18: error: table Entries has no field 'persn'
              sum(duration) by persn for 2026-11
                               ^~~~~
              hint: did you mean 'person'?

            """)
        #expect(cli.snapshot("team.db") == before)
        let period = try cli.run("report", "team.db", "sum(duration) for 2026-13")
        #expect(period.status == 1)
        #expect(period.stderr.contains("<query>:1:24: error: month 13 is out of range (1 to 12)"))
    }

    @Test func anEmptyResultIsAnEmptyTable() throws {
        let cli = try makeTeamBase()
        let r = try cli.run("report", "team.db", "sum(duration) by person for 2027")
        #expect(r.status == 0)
        #expect(r.stdout == "person  sum(duration)\n------  -------------\n(no rows for 2027: 2027-01-01 to 2027-12-31)\n")
        let json = try cli.run("report", "team.db", "sum(duration) by person for 2027", "--format", "json")
        #expect(json.stdout == "[]\n")
    }

    @Test func xlsxIsAWorkbookThatSpreadsheetsRead() throws {
        let cli = try makeTeamBase()
        let r = try cli.run("report", "team.db", "month", "--format", "xlsx", "--out", "month.xlsx")
        #expect(r.status == 0, "\(r.stderr)")
        let data = try #require(FileManager.default.contents(atPath: cli.path("month.xlsx")))
        #expect(data.prefix(2) == Data("PK".utf8))
        let noOut = try cli.run("report", "team.db", "month", "--format", "xlsx")
        #expect(noOut.status == 2)
        #expect(noOut.stderr.contains("add --out report.xlsx"))
        // With LibreOffice on the machine, convert the workbook back to CSV and read the cells.
        guard let office = ["/usr/bin/libreoffice", "/usr/bin/soffice"].first(where: FileManager.default.isExecutableFile) else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: office)
        // The CSV filter's options: comma, double quote, UTF-8, ..., and "save cell contents as shown".
        process.arguments = ["--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",
                             "--outdir", cli.directory.path, cli.path("month.xlsx")]
        process.environment = ["HOME": cli.directory.path, "PATH": "/usr/bin:/bin"]
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        process.waitUntilExit()
        let csv = try String(contentsOfFile: cli.path("month.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("client,person,billable,non_billable,internal"))
        #expect(csv.contains("Acme,anna,36:00:00,13:00:00,16:00:00"))
        #expect(csv.contains(",anna,,,24:30:00"))
    }
}

extension ReportCommandTests {
    /// Found by the report fuzzer: a bucketed period of thousands of years laid out every
    /// time-zone offset over it before running (minutes). Buckets are laid over the data within
    /// the period, so the answer is the same as for the month the data is in.
    @Test func aBucketedReportOverAHugePeriodAnswersAsOverTheDataWithinIt() throws {
        let cli = try makeTeamBase()
        let huge = try cli.run("report", "team.db", "sum(duration) as hours by person per day for 2026-11-01..9185-11-20", "--format", "csv")
        let month = try cli.run("report", "team.db", "sum(duration) as hours by person per day for 2026-11-01..2026-11-30", "--format", "csv")
        #expect(huge.status == 0, "\(huge.stderr)")
        #expect(huge.stdout == month.stdout)
        #expect(huge.stdout.split(separator: "\r\n").count > 10)
    }
}
