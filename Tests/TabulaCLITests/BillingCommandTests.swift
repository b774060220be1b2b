import Foundation
import Testing

/// `tabula export` and `tabula invoice` through the built binary, on the demo base at a month end.
@Suite struct BillingCommandTests {
    func demo() throws -> CLI {
        var cli = try CLI()
        cli.environment["TABULA_NOW"] = "2026-12-02T09:00:00Z"
        let r = try cli.run("demo", "m.db")
        #expect(r.status == 0, "\(r.stderr)")
        return cli
    }

    @Test("export refuses an open month (exit 1), a member, and a usage mistake (exit 2); finance exports an approved one")
    func exportCommand() throws {
        let cli = try demo()
        let open = try cli.run("export", "m.db", "--period", "2026-11", "--template", "1c", "--as", "dana")
        #expect(open.status == 1)
        #expect(open.stderr.contains("2026-11 is open, so it cannot be exported"))
        #expect(try cli.run("period", "close", "m.db", "2026-11", "--as", "anna").status == 0)
        #expect(try cli.run("period", "approve", "m.db", "2026-11", "--as", "anna").status == 0)
        let member = try cli.run("export", "m.db", "--period", "2026-11", "--template", "1c", "--as", "boris")
        #expect(member.status == 1)
        #expect(member.stderr.contains("that needs the role finance or lead"))
        #expect(try cli.run("export", "m.db", "--period", "2026-11", "--template", "1c", "--format", "xlsx", "--as", "dana").status == 2)
        #expect(try cli.run("export", "m.db", "--period", "2026-11", "--template", "nope", "--as", "dana").status == 2)

        let csv = try cli.run("export", "m.db", "--period", "2026-11", "--template", "sap-cats", "--as", "dana")
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout.hasPrefix("EMPLOYEENUMBER;WORKDATE;CATSHOURS"))
        #expect(csv.stderr.contains("template sap-cats"))

        let billed = try cli.run("export", "m.db", "--period", "2026-11", "--template", "1c", "--out", "acts.xlsx", "--format", "json",
                                 "--round", "entry", "--to", "15m", "--mark-billed", "--as", "dana")
        #expect(billed.status == 0, "\(billed.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(billed.stdout.utf8)) as? [String: Any])
        #expect(summary["format"] as? String == "xlsx")
        #expect(summary["currency"] as? String == "EUR")
        #expect((summary["marked_billed"] as? Int ?? 0) > 0)
        #expect(FileManager.default.contents(atPath: cli.path("acts.xlsx"))?.starts(with: [0x50, 0x4B]) == true)  // a zip
        let again = try cli.run("export", "m.db", "--period", "2026-11", "--template", "1c", "--out", "again.csv", "--mark-billed", "--as", "dana")
        #expect(again.status == 1)
        #expect(again.stderr.contains("nothing left to export"))
        #expect(!FileManager.default.fileExists(atPath: cli.path("again.csv")))
    }

    @Test("invoice prints the lines as JSON with decimal strings; a month still open needs --preview")
    func invoiceCommand() throws {
        let cli = try demo()
        let refused = try cli.run("invoice", "m.db", "--period", "2026-12", "--client", "Acme", "--as", "dana")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--preview"))
        let preview = try cli.run("invoice", "m.db", "--period", "2026-12", "--client", "Acme", "--preview", "--as", "dana")
        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(preview.stdout.hasPrefix("PREVIEW: Invoice Acme, 2026-12"))
        let json = try cli.run("invoice", "m.db", "--period", "2026-11", "--client", "Acme", "--preview", "--format", "json", "--as", "dana")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let lines = try #require(object["lines"] as? [[String: Any]])
        #expect(lines.contains { $0["description"] as? String == "Hosting (Website)" && $0["amount"] as? String == "49.00" })
        let cents = lines.compactMap { ($0["amount"] as? String).flatMap { Int($0.replacingOccurrences(of: ".", with: "")) } }.reduce(0, +)
        #expect(Int((object["total"] as? String ?? "").replacingOccurrences(of: ".", with: "")) == cents)
    }
}
