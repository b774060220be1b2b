import Foundation
import Testing

@Suite struct MigrationTests {
    func makeBase() throws -> CLI {
        let cli = try CLI()
        let schema = try cli.write("team.tabula", teamSchema)
        #expect(try cli.run("init", "team.db", "--schema", schema).status == 0)
        try cli.run("add", "team.db", "Clients", "name=Acme", "rate=120")
        try cli.run("add", "team.db", "Clients", "name=Globex")
        try cli.run("add", "team.db", "Projects", "name=Web", "client=Acme")
        return cli
    }

    func schema(_ replacing: String, with: String) -> String {
        precondition(teamSchema.contains(replacing))
        return teamSchema.replacingOccurrences(of: replacing, with: with)
    }

    @Test func addingAFieldAndATableIsPlannedAndApplied() throws {
        let cli = try makeBase()
        let file = try cli.write("v2.tabula", schema("  started   date\n", with: "  started   date\n  notes     text\n") + "\ntable People {\n  name text\n}\n")
        let dry = try cli.run("apply", "team.db", file, "--dry-run")
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("+ field Projects.notes text"))
        #expect(dry.stdout.contains("+ table People"))
        let before = try cli.run("show", "team.db", "--format", "csv")
        #expect(!before.stdout.contains("Projects,notes"))
        let r = try cli.run("apply", "team.db", file)
        #expect(r.status == 0, "\(r.stderr)")
        let after = try cli.run("show", "team.db", "--format", "csv")
        #expect(after.stdout.contains("Projects,notes,text"))
        #expect(try cli.run("add", "team.db", "People", "name=Anna").status == 0)
        let again = try cli.run("apply", "team.db", file)
        #expect(again.stdout.contains("nothing to change"))
    }

    @Test func aDryRunRunsEveryCheckOfTheRealApplyFailsTheSameWayAndChangesNothing() throws {
        let cli = try makeBase()
        let file = try cli.write("v2.tabula", schema("  rate      currency\n", with: "  rate      currency required\n"))
        let before = cli.snapshot("team.db")
        let dry = try cli.run("apply", "team.db", file, "--dry-run")
        let real = try cli.run("apply", "team.db", file)
        #expect(dry.stdout.contains("+ required Clients.rate"))
        #expect(dry.status == 1)
        #expect(real.status == 1)
        #expect(dry.stderr == real.stderr)
        #expect(dry.stderr.contains("Clients.rate cannot become required: 1 row(s) have no value: #2"), "\(dry.stderr)")
        #expect(cli.snapshot("team.db") == before)
        let fine = try cli.write("v3.tabula", schema("  started   date\n", with: "  started   date\n  notes     text\n"))
        let ok = try cli.run("apply", "team.db", fine, "--dry-run")
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("dry run: the migration would apply (1 change); nothing was changed"))
        #expect(!(try cli.run("show", "team.db", "--format", "csv")).stdout.contains("Projects,notes"))
    }

    @Test func renamesFollowTheWasMarkerAndKeepData() throws {
        let cli = try makeBase()
        let file = try cli.write("v2.tabula", schema("  rate      currency\n", with: "  hourly    currency was rate\n")
            .replacingOccurrences(of: "table Clients {", with: "table Customers was Clients {")
            .replacingOccurrences(of: "link Clients", with: "link Customers"))
        let r = try cli.run("apply", "team.db", file)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("~ table Clients renamed to Customers"))
        #expect(r.stdout.contains("~ field Customers.rate renamed to hourly"))
        let shown = try cli.run("show", "team.db", "Customers", "--format", "csv")
        #expect(shown.stdout.contains("1,Acme,120.00 EUR,Web"))
    }

    @Test func droppingAFieldIsRefusedUnlessAllowedAndTheBaseStaysAsItWas() throws {
        let cli = try makeBase()
        let file = try cli.write("v2.tabula", schema("  rate      currency\n", with: ""))
        let before = cli.snapshot("team.db")
        let refused = try cli.run("apply", "team.db", file)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("would lose data"))
        #expect(refused.stderr.contains("--allow-destructive"))
        #expect(cli.snapshot("team.db") == before)
        let allowed = try cli.run("apply", "team.db", file, "--allow-destructive")
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(!(try cli.run("show", "team.db", "Clients", "--format", "csv")).stdout.contains("rate"))
    }

    @Test func aLossyConversionNamesTheRowsAndIsRefused() throws {
        let cli = try makeBase()
        try cli.run("set", "team.db", "Clients", "Acme", "rate=120.50")
        let file = try cli.write("v2.tabula", schema("  rate      currency\n", with: "  rate      integer\n"))
        let before = cli.snapshot("team.db")
        let r = try cli.run("apply", "team.db", file)
        #expect(r.status != 0)
        #expect(r.stdout.contains("retyped currency(EUR) -> integer"))
        #expect(r.stdout.contains("#1"))
        #expect(cli.snapshot("team.db") == before)
    }

    @Test func aLosslessConversionKeepsTheValues() throws {
        let cli = try makeBase()
        let file = try cli.write("v2.tabula", schema("  started   date\n", with: "  started   text\n"))
        try cli.run("set", "team.db", "Projects", "Web", "started=2026-11-02")
        let r = try cli.run("apply", "team.db", file)
        #expect(r.status == 0, "\(r.stderr)")
        let shown = try cli.run("show", "team.db", "Projects", "--format", "json")
        #expect(shown.stdout.contains("\"started\": \"2026-11-02\""))
    }

    @Test func aNewRequiredFieldThatRowsViolateIsRefusedNamingThem() throws {
        let cli = try makeBase()
        let file = try cli.write("v2.tabula", schema("  rate      currency\n", with: "  rate      currency required\n"))
        let before = cli.snapshot("team.db")
        let r = try cli.run("apply", "team.db", file)
        #expect(r.status != 0)
        #expect(r.stderr.contains("Clients.rate cannot become required"))
        #expect(r.stderr.contains("#2"))
        #expect(cli.snapshot("team.db") == before)
    }

    @Test func aNewUniqueConstraintThatRowsViolateIsRefusedNamingThem() throws {
        let cli = try makeBase()
        try cli.run("set", "team.db", "Clients", "Globex", "rate=120")
        let file = try cli.write("v2.tabula", schema("  rate      currency\n", with: "  rate      currency unique\n"))
        let before = cli.snapshot("team.db")
        let r = try cli.run("apply", "team.db", file)
        #expect(r.status != 0)
        #expect(r.stderr.contains("cannot become unique"))
        #expect(r.stderr.contains("#1, #2"))
        #expect(cli.snapshot("team.db") == before)
    }

    @Test func aSchemaErrorInTheNewFileIsLocatedAndChangesNothing() throws {
        let cli = try makeBase()
        let file = try cli.write("v2.tabula", schema("  rate      currency\n", with: "  rate      money\n"))
        let before = cli.snapshot("team.db")
        let r = try cli.run("apply", "team.db", file)
        #expect(r.status != 0)
        #expect(r.stderr.contains("v2.tabula:7:13: error: unknown type 'money'"))
        #expect(cli.snapshot("team.db") == before)
    }
}
