import Foundation
import Testing

/// The payroll export template, through the built binary.
@Suite struct PayrollTests {
    func run(_ cli: CLI, _ args: String...) throws -> CLI.Result { try run(cli, args) }

    func run(_ cli: CLI, _ args: [String]) throws -> CLI.Result {
        let r = try cli.run(args)
        #expect(r.status == 0, "\(args): \(r.stderr)")
        return r
    }

    @Test("payroll gives per person the month's scheduled, attended and booked hours, overtime, absences and drafts; only for an approved month")
    func payroll() throws {
        var cli = try CLI()
        cli.environment["TABULA_USER"] = "lena"
        cli.environment["TABULA_NOW"] = "2026-12-02T09:00:00Z"
        for step: [String] in [
            ["init", "tt.db", "--package", "timetracking", "--timezone", "Europe/Berlin", "--currency", "EUR"],
            ["add", "tt.db", "People", "name=anna", "employee_number=1001"],
            ["add", "tt.db", "People", "name=lena", "role=lead", "schedule=8h 8h 8h 8h 0 0 0"],
            ["add", "tt.db", "Projects", "name=Web"],
            ["add", "tt.db", "Tasks", "title=Landing", "project=Web"],
            ["add", "tt.db", "Absences", "first_day=2026-11-18", "note=holiday"],
            ["add", "tt.db", "Absences", "person=anna", "first_day=2026-11-23", "last_day=2026-11-29", "kind=leave"],
            ["add", "tt.db", "Absences", "person=anna", "first_day=2026-11-30", "kind=sick"],
            ["log", "tt.db", "Tasks", "Landing", "--days", "2026-11-02..2026-11-06", "--hours", "9", "--as", "anna"],
            ["log", "tt.db", "Tasks", "Landing", "category=internal", "--date", "2026-11-09", "--hours", "2", "--as", "anna"],
            ["clock", "in", "tt.db", "--at", "2026-11-09 08:00", "--as", "anna"],
            ["clock", "out", "tt.db", "--at", "2026-11-09 10:30", "--as", "anna"],
            ["log", "tt.db", "--draft", "--date", "2026-11-10", "--hours", "1", "--as", "anna"],
        ] {
            _ = try run(cli, step)
        }
        let refused = try cli.run("export", "tt.db", "--period", "2026-11", "--template", "payroll")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("2026-11 is open, so it cannot be exported"))
        let draft = try run(cli, "export", "tt.db", "--period", "2026-11", "--template", "payroll", "--draft")
        let lines = draft.stdout.components(separatedBy: .newlines).filter { !$0.isEmpty }
        #expect(lines[0].hasPrefix("DRAFT"))
        let header = lines[1].split(separator: ",").map(String.init)
        func row(_ name: String) throws -> [String: String] {
            let cells = try #require(lines.first { $0.hasPrefix(name + ",") }).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, cells))
        }
        let anna = try row("anna"), lena = try row("lena")
        // November 2026 has 21 weekdays; the 18th is a holiday; anna is away the 23rd to 27th and the 30th.
        #expect(anna["scheduled_hours"] == String(format: "%.2f", Double((21 - 1 - 5 - 1) * 8)))
        #expect(anna["attendance_hours"] == "2.50")
        #expect(anna["booked_hours"] == "47.00")  // the draft is not booked hours
        #expect(anna["billable_hours"] == "45.00")
        #expect(anna["internal_hours"] == "2.00")
        #expect(anna["overtime_hours"] == String(format: "%.2f", 47.0 - Double(14 * 8)))
        #expect(anna["holiday_days"] == "1")
        #expect(anna["leave_days"] == "5")
        #expect(anna["sick_days"] == "1")
        #expect(anna["open_drafts"] == "1")
        #expect(lena["scheduled_hours"] == String(format: "%.2f", Double((17 - 1) * 8)))  // Monday to Thursday: 17 days
        #expect(lena["holiday_days"] == "1")
        // Approved (the draft completed first), the month exports without --draft, in a workbook too.
        _ = try run(cli, "set", "tt.db", "TimeEntries", "#7", "task=Landing")
        _ = try run(cli, "period", "approve", "tt.db", "2026-11")
        let approved = try run(cli, "export", "tt.db", "--period", "2026-11", "--template", "payroll")
        #expect(approved.stdout.hasPrefix("person,employee_number"))
        #expect(approved.stdout.contains("anna,1001,2026-11,112.00,2.50,48.00,46.00,2.00,0.00,-64.00,1,5,1,0"))
        _ = try run(cli, "export", "tt.db", "--period", "2026-11", "--template", "payroll", "--format", "xlsx", "--out", "payroll.xlsx")
        #expect(FileManager.default.fileExists(atPath: cli.path("payroll.xlsx")))
        let marked = try cli.run("export", "tt.db", "--period", "2026-11", "--template", "payroll", "--out", "p.csv", "--mark-billed")
        #expect(marked.status == 1)
        #expect(marked.stderr.contains("marks nothing billed"))
    }
}
