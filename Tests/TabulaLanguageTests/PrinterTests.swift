import Testing
@testable import TabulaLanguage

@Suite struct PrinterTests {
    @Test(arguments: [
        ("1 + 2 * 3", "1 + 2 * 3"),
        ("(1 + 2) * 3", "(1 + 2) * 3"),
        ("a - (b - c)", "a - (b - c)"),
        ("(a - b) - c", "a - b - c"),
        ("-(2 ^ 2)", "-2^2"),
        ("(-2) ^ 2", "(-2)^2"),
        ("2 ^ (3 ^ 2)", "2^3^2"),
        ("(2 ^ 3) ^ 2", "(2^3)^2"),
        ("2 ^ -1", "2^-1"),
        ("- -a", "-(-a)"),
        ("not (a and b)", "not (a and b)"),
        ("(not a) and b", "not a and b"),
        ("(a or b) and c", "(a or b) and c"),
        ("(a < b) = c", "(a < b) = c"),
        ("a == b", "a = b"),
        ("a <> b", "a != b"),
        ("a not in (b, c)", "a not in (b, c)"),
        ("not (a in [b])", "a not in [b]"),
        ("x in []", "x in []"),
        ("(a & b) & c", "a & b & c"),
        ("a & (b + c)", "a & b + c"),
        ("(a & b) + c", "(a & b) + c"),
        ("sum(d where c = x)", "sum(d where c = x)"),
        ("count(where done)", "count(where done)"),
        ("f()", "f()"),
        ("{Hours billed} + task.{Project name}", "{Hours billed} + task.{Project name}"),
        ("{in} or {not}", "{in} or {not}"),
        ("часы", "часы"),
        ("\"a\\\"b\\\\c\\n\\t\"", "\"a\\\"b\\\\c\\n\\t\""),
        ("'it\\'s'", "\"it's\""),
        ("1.50 + 150.00 EUR", "1.50 + 150.00 EUR"),
        ("90m + 1.5h + 2d + 45s + 0h + 1h30m15s + 1w", "1h30m + 1h30m + 2d + 45s + 0s + 1h30m15s + 7d"),
        ("2026-11-20 + 2026-11 + 2026-W07 + 2026-Q4", "2026-11-20 + 2026-11 + 2026-W07 + 2026-Q4"),
        ("2026-11-20T10:30:00.5+01:00", "2026-11-20T10:30:00.5+01:00"),
        ("TRUE and Blank", "true and blank"),
    ])
    func expressionPrintsWithMinimalParentheses(source: String, printed: String) throws {
        let e = try expr(source)
        #expect(e.sourceText == printed)
        #expect(try expr(printed).withoutSourceRanges == e.withoutSourceRanges)
    }

    @Test func printingQuotesNamesThatAreNotPlainIdentifiers() {
        let path = Expression(.path([Name("Hours billed"), Name("and"), Name("x")]), range: .none)
        #expect(path.sourceText == "{Hours billed}.{and}.x")
    }

    @Test func formulaGrammarExamplesRoundTrip() throws {
        let examples = try grammarExamples(readPackageFile("Sources/TabulaLanguage/Grammar/formula.ebnf"))
        for example in examples {
            let e = try expr(example)
            let again = try expr(e.sourceText)
            #expect(again.withoutSourceRanges == e.withoutSourceRanges, "\(example) printed as \(e.sourceText)")
        }
    }

    @Test func schemaGrammarExamplesAndSamplesRoundTrip() throws {
        var texts = try grammarExamples(readPackageFile("Sources/TabulaLanguage/Grammar/schema.ebnf"))
        for path in try packageFiles(in: "Samples", withExtension: "tabula") { texts.append(try readPackageFile(path)) }
        for text in texts {
            let file = try schema(text)
            let printed = SchemaPrinter.print(file)
            let again = try schema(printed)
            #expect(again.withoutSourceRanges == file.withoutSourceRanges, "reprinted:\n\(printed)")
            #expect(SchemaPrinter.print(again) == printed, "printing is not stable")
        }
    }

    @Test func schemaPrinterIsCanonicalAndAligned() throws {
        let file = try schema("""
        CURRENCY EUR
        base 'Time tracking'
        table Expenses { amount currency(EUR) required  {Paid on} date  note text default "n/a" }
        table Tasks was Jobs {
          hours mirror SUM(entries.duration) where category = billable order by start DESC
          timer timer -> TimeEntries max 3
          client link Clients[] inverse tasks on delete Restrict was customer
          status formula if(hours > 50h, "over", "ok")
          lock when approved
        }
        report r = sum(duration) by client
        """)
        #expect(SchemaPrinter.print(file) == """
        currency EUR
        base "Time tracking"

        table Expenses {
          amount     currency(EUR) required
          {Paid on}  date
          note       text default "n/a"
        }

        table Tasks was Jobs {
          hours   mirror sum(entries.duration) where category = billable order by start desc
          timer   timer -> TimeEntries max 3
          client  link Clients[] inverse tasks on delete restrict was customer
          status  formula if(hours > 50h, "over", "ok")
          lock when approved
        }

        report r = sum(duration) by client

        """)
    }
}
