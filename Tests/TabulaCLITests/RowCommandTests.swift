import Foundation
import Testing

@Suite struct RowCommandTests {
    func makeBase() throws -> CLI {
        let cli = try CLI()
        let schema = try cli.write("team.tabula", teamSchema)
        let r = try cli.run("init", "team.db", "--schema", schema)
        #expect(r.status == 0, "\(r.stderr)")
        return cli
    }

    @Test func addPrintsTheNewRowIdAndShowListsIt() throws {
        let cli = try makeBase()
        let r = try cli.run("add", "team.db", "Clients", "name=Acme", "rate=1 500,50")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "#1\n")
        try cli.run("add", "team.db", "Projects", "name=Web", "client=Acme", "tags=frontend, backend", "started=2026-11-02")
        let json = try cli.run("show", "team.db", "Projects", "--format", "json")
        #expect(json.status == 0)
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [[String: Any]]
        #expect(rows.count == 1)
        #expect(rows[0]["id"] as? Int == 1)
        #expect(rows[0]["client"] as? String == "Acme")
        #expect(rows[0]["budget"] as? Int == 36000)  // the default, in seconds
        #expect(rows[0]["status"] as? String == "active")
        #expect(rows[0]["tags"] as? [String] == ["frontend", "backend"])
        #expect(rows[0]["started"] as? String == "2026-11-02")
        let clients = try cli.run("show", "team.db", "Clients", "--format", "json")
        let c = try JSONSerialization.jsonObject(with: Data(clients.stdout.utf8)) as! [[String: Any]]
        #expect(c[0]["rate"] as? String == "1500.50")
        #expect(c[0]["projects"] as? [String] == ["Web"])
    }

    @Test func setAndDeleteByPrimaryValueAndHistoryRecordsEveryWrite() throws {
        var cli = try makeBase()
        try cli.run("add", "team.db", "Clients", "name=Acme")
        cli.environment["TABULA_USER"] = "boris"
        let set = try cli.run("set", "team.db", "Clients", "Acme", "rate=120")
        #expect(set.status == 0, "\(set.stderr)")
        let history = try cli.run("history", "team.db", "Clients", "Acme", "--format", "csv")
        #expect(history.stdout.contains("tester,insert,Clients,#1,name,,Acme"))
        #expect(history.stdout.contains("boris,update,Clients,#1,rate,,120.00 EUR"))
        let del = try cli.run("delete", "team.db", "Clients", "#1", "--as", "chen")
        #expect(del.status == 0)
        let all = try cli.run("history", "team.db", "--format", "csv")
        #expect(all.stdout.contains("chen,delete,Clients,#1,name,Acme,"))
    }

    @Test func showPrintsAnAlignedTableAndCSV() throws {
        let cli = try makeBase()
        try cli.run("add", "team.db", "Clients", "name=Acme", "rate=120")
        try cli.run("add", "team.db", "Clients", "name=Globex, Inc.", "rate=95.5")
        let table = try cli.run("show", "team.db", "Clients")
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("id  name"))
        #expect(lines.count == 4)
        let csv = try cli.run("show", "team.db", "Clients", "--format", "csv")
        #expect(csv.stdout == "id,name,rate,projects\r\n1,Acme,120.00 EUR,\r\n2,\"Globex, Inc.\",95.50 EUR,\r\n")
    }

    @Test func addFromCSVIsOneTransactionAndAnErrorNamesTheLineAndField() throws {
        let cli = try makeBase()
        let good = try cli.write("clients.csv", "name,rate\nAcme,120\n\"Globex, Inc.\",\"1 000,00\"\n")
        let r = try cli.run("add", "team.db", "Clients", "--file", good)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "added 2 rows to Clients\n")
        let before = cli.snapshot("team.db")
        let bad = try cli.write("bad.csv", "name,rate\nInitech,100\nUmbrella,lots\n")
        let refused = try cli.run("add", "team.db", "Clients", "--file", bad)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("bad.csv:3"))
        #expect(refused.stderr.contains("Clients.rate"))
        #expect(cli.snapshot("team.db") == before)
        let shown = try cli.run("show", "team.db", "Clients", "--format", "csv")
        #expect(!shown.stdout.contains("Initech"))
    }

    @Test func addFromJSONLines() throws {
        let cli = try makeBase()
        let file = try cli.write("rows.jsonl", "{\"name\": \"Acme\", \"rate\": 120}\n{\"name\": \"Globex\", \"rate\": \"95.50\"}\n")
        let r = try cli.run("add", "team.db", "Clients", "--file", file)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "added 2 rows to Clients\n")
    }

    @Test(arguments: [
        ("rate=abc", "Clients.rate"),
        ("nme=Acme", "did you mean 'name'"),
        ("projects=Nope", "no row of Projects"),
        ("name", "field=value"),
    ])
    func badAssignmentsAreRefusedAndLeaveTheBaseUnchanged(argument: String, expected: String) throws {
        let cli = try makeBase()
        try cli.run("add", "team.db", "Clients", "name=Existing")
        let before = cli.snapshot("team.db")
        let r = try cli.run("add", "team.db", "Clients", argument)
        #expect(r.status != 0)
        #expect(r.stderr.contains(expected), "\(r.stderr)")
        #expect(cli.snapshot("team.db") == before)
    }

    @Test func requiredAndUniqueAreEnforced() throws {
        let cli = try makeBase()
        try cli.run("add", "team.db", "Clients", "name=Acme")
        let dup = try cli.run("add", "team.db", "Clients", "name=Acme")
        #expect(dup.status != 0)
        #expect(dup.stderr.contains("must be unique"))
        let missing = try cli.run("add", "team.db", "Clients", "rate=10")
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("Clients.name is required"))
    }

    @Test func deletingAClientClearsTheProjectsLink() throws {
        let cli = try makeBase()
        try cli.run("add", "team.db", "Clients", "name=Acme")
        try cli.run("add", "team.db", "Projects", "name=Web", "client=Acme")
        try cli.run("delete", "team.db", "Clients", "Acme")
        let json = try cli.run("show", "team.db", "Projects", "--format", "json")
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [[String: Any]]
        #expect(rows[0]["client"] is NSNull)
    }

    @Test func notABaseGetsAClearError() throws {
        let cli = try CLI()
        _ = try cli.write("notes.txt", "just some text, not a database at all\n")
        let r = try cli.run("show", "notes.txt")
        #expect(r.status != 0)
        #expect(r.stderr.contains("is not a Tabula base"))
        let missing = try cli.run("show", "nothing.db")
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no base at"))
    }

    @Test func tabulaNowMustBeADateTime() throws {
        var cli = try makeBase()
        cli.environment["TABULA_NOW"] = "yesterday"
        let r = try cli.run("add", "team.db", "Clients", "name=Acme")
        #expect(r.status != 0)
        #expect(r.stderr.contains("TABULA_NOW"))
    }
}
