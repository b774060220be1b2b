import Foundation
import Testing

/// Mistakes a new user makes, and what they are told: what is wrong, where, how to fix it.
@Suite struct ErrorMessageTests {
    func makeBase() throws -> CLI {
        var cli = try CLI()
        cli.environment["TABULA_USER"] = "anna"
        for step in [["init", "tt.db", "--package", "timetracking"], ["add", "tt.db", "People", "name=anna", "--as", "owner"],
                     ["add", "tt.db", "Projects", "name=Web", "budget=40h", "--as", "owner"], ["add", "tt.db", "Tasks", "title=Landing", "project=Web"]] {
            let r = try cli.run(step)
            #expect(r.status == 0, "\(step): \(r.stderr)")
        }
        return cli
    }

    @Test func anUnknownFunctionInAReportIsNamedWithADidYouMean() throws {
        let r = try makeBase().run("report", "tt.db", "summ(duration) by person")
        #expect(r.status == 1)
        #expect(r.stderr.contains("<query>:1:1: error: 'summ' is not a function"), "\(r.stderr)")
        #expect(r.stderr.contains("hint: did you mean 'sum'?"))
    }

    @Test func aMistypedOptionSuggestsTheOption() throws {
        let r = try makeBase().run("report", "tt.db", "sum(duration) by person where category = billabel")
        #expect(r.status == 1)
        #expect(r.stderr.contains("'billabel' is neither a field of TimeEntries nor one of the options billable, internal, non_billable"), "\(r.stderr)")
        #expect(r.stderr.contains("hint: did you mean 'billable'?"))
    }

    @Test func logSaysHoursMustBePositiveAndWhichDatesItReads() throws {
        let cli = try makeBase()
        let negative = try cli.run("log", "tt.db", "Tasks", "Landing", "--date", "2026-11-19", "--hours", "-1")
        #expect(negative.status == 2)
        #expect(negative.stderr.contains("--hours must be positive, got '-1'"), "\(negative.stderr)")
        let before = cli.snapshot("tt.db")
        let huge = try cli.run("log", "tt.db", "Tasks", "Landing", "--date", "2026-11-19", "--hours", "1e9")
        #expect(huge.status == 2)
        #expect(huge.stderr.contains("--hours '1e9' is more than the day has"), "\(huge.stderr)")
        #expect(try cli.run("log", "tt.db", "Tasks", "Landing", "--days", "2026-11-16..2026-11-17", "--hours", "25h").status == 2)
        #expect(cli.snapshot("tt.db") == before)
        let dotted = try cli.run("log", "tt.db", "Tasks", "Landing", "--date", "19.11.2026", "--hours", "1")
        #expect(dotted.status == 2)
        #expect(dotted.stderr.contains("--date '19.11.2026' is not a date"), "\(dotted.stderr)")
        #expect(dotted.stderr.contains("YYYY-MM-DD, e.g. --date 2026-11-19"))
    }

    @Test func aQuotedDurationIsToldToLoseItsQuotes() throws {
        let r = try makeBase().run("show", "tt.db", "Projects", "--where", "budget > \"40h\"")
        #expect(r.status == 1)
        #expect(r.stderr.contains("hint: write 40h without quotes: in quotes it is text, not a duration"), "\(r.stderr)")
    }

    @Test func aCSVWithAnUnknownColumnPointsAtTheHeaderAndListsWritableFields() throws {
        let cli = try makeBase()
        let file = try cli.write("clients.csv", "name,rat,hours\nAcme,1,2\n")
        let r = try cli.run("add", "tt.db", "Clients", "--file", file)
        #expect(r.status == 1)
        #expect(r.stderr.contains("clients.csv:1: table Clients has no field 'rat'"), "\(r.stderr)")
        #expect(r.stderr.contains("did you mean 'rate'? the fields a file can write are: name, rate, tax_id, contract, projects\n"), "\(r.stderr)")
        let computed = try cli.write("computed.csv", "name,hours\nAcme,2\n")
        #expect(try cli.run("add", "tt.db", "Clients", "--file", computed).stderr.contains("computed.csv:1: Clients.hours is computed and cannot be written"))
    }

    @Test func aSemicolonSeparatedCSVIsRead() throws {
        let cli = try makeBase()
        let file = try cli.write("clients.csv", "name;rate\nAcme;\"1 500,50\"\nGlobex;90\n")
        let r = try cli.run("add", "tt.db", "Clients", "--file", file, "--as", "owner")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try cli.run("show", "tt.db", "Clients", "--format", "csv").stdout.contains("Acme,1500.50 EUR"))
    }

    @Test func aJSONLineThatIsNotAnObjectSaysWhereAndWhatItIs() throws {
        let cli = try makeBase()
        let file = try cli.write("bad.jsonl", "{\"name\": \"Acme\"}\n[1, 2]\n")
        let r = try cli.run("add", "tt.db", "Clients", "--file", file)
        #expect(r.status == 1)
        #expect(r.stderr.contains("bad.jsonl:2: the line is an array, not a JSON object"), "\(r.stderr)")
        let broken = try cli.write("broken.jsonl", "{name: Acme}\n")
        #expect(try cli.run("add", "tt.db", "Clients", "--file", broken).stderr.contains("broken.jsonl:1: the line is not valid JSON ({name: Acme})"))
    }

    @Test func aMistypedRowNameGetsADidYouMean() throws {
        let cli = try makeBase()
        let r = try cli.run("log", "tt.db", "Tasks", "Landng", "--date", "2026-11-19", "--hours", "1")
        #expect(r.status == 1)
        #expect(r.stderr.contains("no row of Tasks has title 'Landng'"))
        #expect(r.stderr.contains("did you mean 'Landing'?"), "\(r.stderr)")
    }

    @Test func usageErrorsExitWithTwoAndRefusalsWithOne() throws {
        let cli = try makeBase()
        #expect(try cli.run("show", "tt.db", "--bogus").status == 2)
        #expect(try cli.run("log").status == 2)
        #expect(try cli.run("show", "missing.db").status == 1)
    }
}
