import Foundation
import Testing

/// `show` and `report` CSV open in a spreadsheet with formula-looking text as text.
@Suite struct CSVInjectionTests {
    @Test("show --format csv and report --format csv quote a text cell starting with = and leave negative money a number")
    func showAndReportNeutralizeFormulaText() throws {
        let cli = try CLI()
        let schema = try cli.write("team.tabula", teamSchema)
        #expect(try cli.run("init", "t.db", "--schema", schema).status == 0)
        let add = try cli.run("add", "t.db", "Clients", "name==HYPERLINK(\"http://x.test\",\"x\")", "rate=-12.50")
        #expect(add.status == 0, "\(add.stderr)")
        let show = try cli.run("show", "t.db", "Clients", "--format", "csv")
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("\"'=HYPERLINK(\"\"http://x.test\"\",\"\"x\"\")\""), "\(show.stdout)")
        #expect(show.stdout.contains(",-12.50"), "\(show.stdout)")
        let report = try cli.run("report", "t.db", "sum(rate) as rate from Clients by name", "--format", "csv")
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.hasPrefix("name,rate\r\n\"'=HYPERLINK(\"\"http://x.test\"\",\"\"x\"\")\",-12.50"), "\(report.stdout)")
    }
}
