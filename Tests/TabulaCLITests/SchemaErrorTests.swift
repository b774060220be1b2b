import Foundation
import Testing

/// Malformed schema files: each gets a located error, a non-zero exit, and no base file.
@Suite struct SchemaErrorTests {
    static let corpus: [(name: String, schema: String, expected: String)] = [
        ("unknown type", "table T {\n  a bogus\n}\n", "bad.tabula:2:5: error: unknown type 'bogus'"),
        ("duplicate field", "table T {\n  a text\n  A number\n}\n", "bad.tabula:3:3: error: field 'A' is defined twice"),
        ("link to a missing table", "table T {\n  a text\n  b link Nope\n}\n", "bad.tabula:3:10: error: link to unknown table 'Nope'"),
        ("inverse that does not point back", "table A {\n  n text\n  bs link B[] inverse x\n}\ntable B {\n  n text\n  x text\n}\n",
         "bad.tabula:3:23: error: 'B.x' does not link back to 'A'"),
        ("bad default", "table T {\n  n text\n  d duration default \"soon\"\n}\n", "bad.tabula:3:22: error: bad default for a duration field"),
        ("unterminated brace", "table T {\n  n text\n", "bad.tabula:1:"),
        ("unterminated string", "base \"Team\ntable T {\n  n text\n}\n", "bad.tabula:1:6: error:"),
        ("unknown modifier", "table T {\n  n text requird\n}\n", "bad.tabula:2:10: error: unknown modifier 'requird'"),
        ("unknown time zone", "timezone \"Mars/Olympus\"\ntable T {\n  n text\n}\n", "bad.tabula:1:10: error: unknown time zone"),
        ("bad currency", "table T {\n  n text\n  c currency(euro)\n}\n", "bad.tabula:3:14: error: 'euro' is not an ISO 4217 currency code"),
        ("made-up currency", "currency XYZ\ntable T {\n  n text\n}\n", "bad.tabula:1:10: error: 'XYZ' is not an ISO 4217 currency code"),
        ("duplicate table", "table T {\n  n text\n}\ntable T {\n  m text\n}\n", "bad.tabula:4:7: error: table 'T' is defined twice"),
        ("mirror through a non-link", "table T {\n  n text\n  s mirror sum(n.x)\n}\n", "bad.tabula:3:16: error: 'n' is not a link"),
    ]

    @Test(arguments: corpus.map(\.name))
    func malformedSchemaIsRefusedWithALocatedError(name: String) throws {
        let entry = Self.corpus.first { $0.name == name }!
        let cli = try CLI()
        let file = try cli.write("bad.tabula", entry.schema)
        let r = try cli.run("init", "x.db", "--schema", file)
        #expect(r.status != 0)
        #expect(r.stderr.contains(entry.expected), "\(r.stderr)")
        #expect(r.stderr.contains("^"))
        #expect(!FileManager.default.fileExists(atPath: cli.path("x.db")))
    }

    @Test func severalErrorsInOneFileAreReportedTogether() throws {
        let cli = try CLI()
        let file = try cli.write("bad.tabula", "table T {\n  a currency(euro)\n  b link Nope\n  c text\n  c number\n}\n")
        let r = try cli.run("init", "x.db", "--schema", file)
        #expect(r.status != 0)
        #expect(r.stderr.contains("bad.tabula:2:14"))
        #expect(r.stderr.contains("bad.tabula:3:10"))
        #expect(r.stderr.contains("bad.tabula:5:3"))
    }

    @Test func initRefusesToOverwriteAnExistingFile() throws {
        let cli = try CLI()
        let file = try cli.write("ok.tabula", "table T {\n  n text\n}\n")
        #expect(try cli.run("init", "x.db", "--schema", file).status == 0)
        let again = try cli.run("init", "x.db", "--schema", file)
        #expect(again.status != 0)
        #expect(again.stderr.contains("already exists"))
    }
}

/// Package names, currency codes and empty lists in hints.
@Suite struct InitOptionTests {
    @Test func aMistypedPackageGetsADidYouMeanAndTheRealPackages() throws {
        let cli = try CLI()
        let r = try cli.run("init", "x.db", "--package", "timetraking")
        #expect(r.status != 0)
        #expect(r.stderr.contains("did you mean 'timetracking'? (the packages are: timetracking)"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.path("x.db")))
    }

    @Test func currencyCodesAreCaseInsensitiveISO4217CheckedBeforeTheSchemaIsBuilt() throws {
        let cli = try CLI()
        let usd = try cli.run("init", "usd.db", "--package", "timetracking", "--currency", "usd")
        #expect(usd.status == 0, "\(usd.stderr)")
        #expect(try cli.run("add", "usd.db", "Clients", "name=Acme", "rate=120").status == 0)
        #expect(try cli.run("show", "usd.db", "Clients", "--format", "csv").stdout.contains("Acme,120.00 USD"))
        let made = try cli.run("init", "xyz.db", "--package", "timetracking", "--currency", "XYZ")
        #expect(made.status == 1)
        #expect(made.stderr == "error: 'XYZ' is not an ISO 4217 currency code\n  hint: use a three-letter code such as EUR, USD, GBP, CHF or RUB (in any case: usd works)\n")
        #expect(!FileManager.default.fileExists(atPath: cli.path("xyz.db")))
    }

    @Test func aHintNeverListsNothingOnAnEmptyBase() throws {
        let cli = try CLI()
        let r = try cli.run("repl", stdin: "show X\nadd X a=1\nsum(a) from X\n")
        #expect(r.status == 1)
        #expect(!r.stderr.contains("are: \n") && !r.stderr.contains("are \n"), "\(r.stderr)")
        #expect(r.stderr.contains("the base has no tables yet"))
    }
}
