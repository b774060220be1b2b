import Foundation
import Testing

@Suite struct ReplTests {
    static let script = """
        # A scratch base: expenses, a formula, projects with a rollup.
        table Expenses { amount currency  date date  time field date }
        add Expenses amount=12.50 date=2026-11-20
        add Expenses amount="1 500,50" date=2026-11-21
        field Expenses.vat formula amount * 0.2
        table Projects {
          name      text required
          expenses  link Expenses[]
          spent     mirror sum(expenses.amount)
        }
        add Projects name=Web expenses="#1, #2"
        show Projects
        sum(amount) as spent, count() as n from Expenses per month
        1h30m * 3
        .format csv
        show Expenses where vat > 100
        .save expenses.tabula
        """

    @Test func aPipedDropNeedsTheBangOrYesAndNeverReadsTheNextLine() throws {
        let cli = try CLI()
        let script = "table T { a text  b text }\nadd T a=1 b=2\ndrop field T.b\nshow T\n"
        let refused = try cli.run("repl", stdin: script)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("standard input is not a terminal, so nobody can confirm it"), "\(refused.stderr)")
        #expect(refused.stdout.contains("id  a  b"), "show T ran as a statement: \(refused.stdout)")
        let yes = try cli.run("repl", "--yes", stdin: script)
        #expect(yes.status == 0, "\(yes.stderr)")
        #expect(yes.stdout.contains("- field T.b (1 filled value lost)"))
    }

    @Test func pipedScriptBuildsABaseAndSavesASchemaThatInitAccepts() throws {
        let cli = try CLI()
        let result = try cli.run("repl", stdin: Self.script)
        #expect(result.stderr == "")
        #expect(result.status == 0)
        #expect(result.stdout == """
            + table Expenses
            #1
            #2
            + field Expenses.vat formula
            + table Projects
            #1
            id  name  expenses                       spent
            --  ----  ----------------------  ------------
            #1  Web   12.50 EUR, 1500.50 EUR  1 513.00 EUR
            month           spent  n
            -------  ------------  -
            2026-11  1 513.00 EUR  2
            -------  ------------  -
            total    1 513.00 EUR  2
            4:30
            id,amount,date,vat\r
            2,1500.50 EUR,2026-11-21,300.10 EUR\r
            saved the schema (2 tables) to expenses.tabula

            """)
        let saved = try String(contentsOfFile: cli.path("expenses.tabula"), encoding: .utf8)
        #expect(saved == """
            table Expenses {
              amount  currency
              date    date
              vat     formula amount * 0.2
              time field date
            }

            table Projects {
              name      text required
              expenses  link Expenses[]
              spent     mirror sum(expenses.amount)
            }

            """)
        let created = try cli.run("init", "team.db", "--schema", "expenses.tabula")
        #expect(created.status == 0)
        #expect(created.stdout == "created team.db: 2 tables (Expenses, Projects)\n")
    }

    @Test func pipedErrorsShowTheirLineAndCaretAndTheExitStatusIsOne() throws {
        let cli = try CLI()
        let result = try cli.run("repl", stdin: """
            table T { n number }
            add T n=abc
            sum(n) by n
            add T n=2
            """)
        #expect(result.status == 1)
        #expect(result.stdout == "+ table T\n#1\n")
        #expect(result.stderr.hasPrefix("<stdin>:2:7: error: T.n: "))
        #expect(result.stderr.contains("  add T n=abc\n        ^~~~~\n"))
        #expect(result.stderr.contains("<stdin>:3:1: error: the query names no table, and the schema has no default report table\n  sum(n) by n\n  ^\n"))
    }

    @Test func replOnABaseFileKeepsItsChanges() throws {
        let cli = try CLI()
        _ = try cli.write("team.tabula", teamSchema)
        #expect(try cli.run("init", "team.db", "--schema", "team.tabula").status == 0)
        let session = try cli.run("repl", "team.db", stdin: """
            add Clients name=Acme rate=120
            field Clients.country text default "DE"
            set Clients Acme country=FR
            """)
        #expect(session.stderr == "")
        #expect(session.stdout == "#1\n+ field Clients.country text\n#1\n")
        let shown = try cli.run("show", "team.db", "Clients", "--format", "csv")
        #expect(shown.stdout == "id,name,rate,projects,country\r\n1,Acme,120.00 EUR,,FR\r\n")
    }
}
