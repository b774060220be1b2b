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

    /// A fixed-price project with an estimate, two phases and two milestones, and a retainer.
    func plannedBase() throws -> CLI {
        var cli = try CLI()
        cli.environment["TABULA_USER"] = "lena"
        cli.environment["TABULA_NOW"] = "2026-12-02T09:00:00Z"
        for step: [String] in [
            ["init", "tt.db", "--package", "timetracking", "--timezone", "Europe/Berlin", "--currency", "EUR"],
            ["add", "tt.db", "People", "name=lena", "role=lead"],
            ["add", "tt.db", "People", "name=anna", "rate=100"],
            ["add", "tt.db", "Clients", "name=Acme"],
            ["add", "tt.db", "Projects", "name=Site", "client=Acme", "billing=fixed_price", "price=10000", "budget=100h"],
            ["add", "tt.db", "Phases", "name=Design", "project=Site", "planned=20h"],
            ["add", "tt.db", "Phases", "name=Build", "project=Site", "planned=60h"],
            ["add", "tt.db", "Tasks", "title=Mockups", "project=Site", "phase=Design"],
            ["add", "tt.db", "Tasks", "title=Pages", "project=Site", "phase=Build"],
            ["add", "tt.db", "Milestones", "name=Concept", "project=Site", "due=2026-11-10", "share=30%"],
            ["add", "tt.db", "Milestones", "name=Launch", "project=Site", "due=2026-11-30", "amount=7000"],
            ["add", "tt.db", "Projects", "name=Care", "client=Acme", "billing=per_period", "price=1500"],
            ["add", "tt.db", "Tasks", "title=Support", "project=Care"],
            ["log", "tt.db", "Tasks", "Mockups", "--date", "2026-11-05", "--hours", "6", "--as", "anna"],
            ["log", "tt.db", "Tasks", "Pages", "--date", "2026-11-09", "--hours", "4", "--as", "anna"],
            ["log", "tt.db", "Tasks", "Pages", "--date", "2026-11-12", "--hours", "5", "--as", "anna"],
            ["log", "tt.db", "Tasks", "Pages", "category=internal", "--date", "2026-11-27", "--hours", "1", "--as", "anna"],
            ["log", "tt.db", "Tasks", "Support", "--date", "2026-11-12", "--hours", "2", "--as", "anna"],
        ] {
            let r = try cli.run(step)
            #expect(r.status == 0, "\(step): \(r.stderr)")
        }
        return cli
    }

    func rows(_ cli: CLI, _ args: String...) throws -> [[String: Any]] {
        let r = try cli.run(args + ["--format", "json"])
        #expect(r.status == 0, "\(args): \(r.stderr)")
        return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    @Test("phases sets planned against actual per project, phase and milestone; its figures match the entries")
    func phasesReport() throws {
        let cli = try plannedBase()
        let report = try rows(cli, "report", "tt.db", "phases")
        func line(_ kind: String, _ name: String) throws -> [String: Any] {
            try #require(report.first { $0["kind"] as? String == kind && $0["name"] as? String == name }, "\(kind) \(name)")
        }
        // Directly from the entries and tasks.
        let entries = try rows(cli, "show", "tt.db", "TimeEntries")
        let phaseOf = Dictionary(uniqueKeysWithValues: try rows(cli, "show", "tt.db", "Tasks").map { ($0["title"] as? String ?? "", $0["phase"] as? String ?? "") })
        func seconds(_ keep: ([String: Any]) -> Bool) -> Int { entries.filter(keep).compactMap { $0["duration"] as? Int }.reduce(0, +) }
        func onSite(_ e: [String: Any]) -> Bool { e["project"] as? String == "Site" }
        func day(_ e: [String: Any]) -> String { e["local_day"] as? String ?? "" }
        let h = 3600
        let site = try line("project", "Site")
        #expect(site["planned"] as? Int == 100 * h && site["actual"] as? Int == seconds(onSite) && site["price"] as? String == "10000.00")
        #expect(site["variance"] as? Int == seconds(onSite) - 100 * h)
        #expect(site["value"] as? String == "1500.00")  // 15 billable hours at 100; the internal hour is worth nothing
        for (phase, planned) in [("Design", 20 * h), ("Build", 60 * h)] {
            let l = try line("phase", phase)
            let actual = seconds { onSite($0) && phaseOf[$0["task"] as? String ?? ""] == phase }
            #expect(l["planned"] as? Int == planned && l["actual"] as? Int == actual && l["variance"] as? Int == actual - planned, "\(phase)")
        }
        let concept = try line("milestone", "Concept"), launch = try line("milestone", "Launch")
        #expect(concept["due"] as? String == "2026-11-10" && concept["price"] as? String == "3000.00" && concept["planned"] as? Int == 30 * h)
        #expect(concept["actual"] as? Int == seconds { onSite($0) && day($0) <= "2026-11-10" })
        #expect(launch["price"] as? String == "7000.00" && launch["planned"] as? Int == 70 * h)  // 7000 of 10000
        #expect(launch["actual"] as? Int == seconds { onSite($0) && day($0) > "2026-11-10" && day($0) <= "2026-11-30" })
        // A period narrows the actual hours; the plan stays.
        let early = try rows(cli, "report", "tt.db", "phases", "--for", "2026-11-01..2026-11-08")
        #expect(early.first { $0["kind"] as? String == "project" && $0["name"] as? String == "Site" }?["actual"] as? Int == 6 * h)
        #expect(early.first { $0["kind"] as? String == "phase" && $0["name"] as? String == "Build" }?["planned"] as? Int == 60 * h)
    }

    @Test("a retainer (billing per_period) bills its price on each month's invoice, beside the fixed price's milestones due that month")
    func retainerInvoice() throws {
        let cli = try plannedBase()
        let r = try cli.run("invoice", "tt.db", "--period", "2026-11", "--client", "Acme", "--preview", "--format", "json")
        #expect(r.status == 0, "\(r.stderr)")
        let invoice = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let lines = invoice["lines"] as? [[String: Any]] ?? []
        #expect(lines.contains { $0["description"] as? String == "Care: November 2026" && $0["amount"] as? String == "1500.00" && $0["hours"] as? String == "2.00" })
        #expect(lines.contains { $0["description"] as? String == "Site: milestones Concept (30%), Launch" && $0["amount"] as? String == "10000.00" })
        #expect(lines.count == 2, "the retainer's and the fixed price's hours are not billed again by the hour: \(lines)")
        #expect(invoice["subtotal"] as? String == "11500.00")
        // December: the retainer again, no milestone due; an ended retainer (inactive) bills no more.
        let december = try cli.run("invoice", "tt.db", "--period", "2026-12", "--client", "Acme", "--preview", "--format", "json")
        #expect(december.status == 0 && december.stdout.contains("Care: December 2026") && !december.stdout.contains("milestone"), "\(december.stdout) \(december.stderr)")
        #expect(try cli.run("set", "tt.db", "Projects", "Care", "active=false").status == 0)
        let ended = try cli.run("invoice", "tt.db", "--period", "2026-12", "--client", "Acme", "--preview")
        #expect(ended.status == 1 && ended.stderr.contains("nothing to invoice"), "\(ended.stdout) \(ended.stderr)")
    }
}
