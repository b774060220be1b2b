import Foundation
import Testing
import TabulaEngine
import TabulaIO
import TabulaLanguage
import TabulaReports
@testable import TabulaREPL

/// What a session printed.
final class Transcript {
    var out = ""
    var err = ""
    var output: REPLOutput { REPLOutput(write: { self.out += $0 }, writeError: { self.err += $0 }) }
}

/// 2026-11-20T10:00:00Z
let fixedNow: @Sendable () -> Instant = { Instant(millisecondsSinceEpoch: 1_795_168_800_000) }

/// A session on a fresh in-memory base, and what it printed.
func session(hooks: REPLHooks = REPLHooks()) throws -> (REPLSession, Transcript) {
    let transcript = Transcript()
    let base = try Base.createInMemory(actor: "tester", now: fixedNow)
    return (REPLSession(base: base, hooks: hooks, output: transcript.output), transcript)
}

/// Runs a script through a session, as if piped in.
@discardableResult
func run(_ script: String, hooks: REPLHooks = REPLHooks()) throws -> (REPLSession, Transcript) {
    let (s, t) = try session(hooks: hooks)
    s.run(PlainLineReader(text: script))
    return (s, t)
}

func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("tabula-repl-\(UUID().uuidString)-\(name)").path
}

@Suite struct SessionTests {
    @Test func scriptBuildsATableAddsRowsAFormulaAndAMirror() throws {
        let (_, t) = try run("""
            table Expenses { amount currency  date date }
            add Expenses amount=12.50 date=2026-11-20
            add Expenses amount=30 date=2026-11-21
            field Expenses.vat formula amount * 0.2
            table Projects {
              name      text required
              expenses  link Expenses[]
              spent     mirror sum(expenses.amount)
            }
            add Projects name=Web expenses="#1, #2"
            show Projects
            set Expenses #1 amount=20
            show Expenses where vat > 3
            """)
        #expect(t.err == "")
        #expect(t.out == """
            + table Expenses
            #1
            #2
            + field Expenses.vat formula
            + table Projects
            #1
            id  name  expenses                  spent
            --  ----  --------------------  ---------
            #1  Web   12.50 EUR, 30.00 EUR  42.50 EUR
            #1
            id     amount  date             vat
            --  ---------  ----------  --------
            #1  20.00 EUR  2026-11-20  4.00 EUR
            #2  30.00 EUR  2026-11-21  6.00 EUR

            """)
    }

    @Test func errorsShowACaretAtTheirInputLineAndTheSessionGoesOn() throws {
        let (s, t) = try run("""
            table Expenses { amount currency }
            add Expenses amont=3
            field Expenses.x formula amout * 2
            add Expenses amount=3
            """)
        #expect(s.failures == 2)
        #expect(t.err == """
            <stdin>:2:14: error: table Expenses has no field 'amont'
              add Expenses amont=3
                           ^~~~~~~
              hint: did you mean 'amount'?
            <stdin>:3:26: error: table Expenses has no field 'amout'
              field Expenses.x formula amout * 2
                                       ^~~~~
              hint: did you mean 'amount'?

            """)
        #expect(t.out.hasSuffix("#1\n"))
    }

    @Test func errorInAMultiLineStatementNamesTheRightLine() throws {
        let (_, t) = try run("""
            1 + 1
            table Projects {
              name text
              spent mirror summ(expenses.amount)
            }
            """)
        #expect(t.err.hasPrefix("<stdin>:4:16: error: unknown aggregate 'summ'\n    spent mirror summ(expenses.amount)\n"))
    }

    @Test func eachStatementIsItsOwnTransaction() throws {
        let (s, t) = try run("""
            table Clients { name text required unique  rate currency }
            add Clients name=Acme rate=100
            add Clients name=Acme rate=abc
            add Clients name=Acme rate=1
            """)
        #expect(t.err.contains("<stdin>:3:23: error: Clients.rate:"))
        #expect(t.err.contains("<stdin>:4:1: error:"), "the unique name is refused")
        #expect(try s.base.rowCount(of: s.base.table(named: "Clients")) == 1)
    }

    @Test func atATerminalDroppingAsksAndOnlyYesGoesAhead() throws {
        let (s, t) = try session()
        s.run(AnsweringReader(["table Expenses { amount currency  note text }", "add Expenses amount=1 note=x",
                               "drop field Expenses.note", "no", "drop field Expenses.note", "yes", "drop table Expenses !"]))
        #expect(t.err == "")
        #expect(t.out.contains("cancelled: nothing was changed\n- field Expenses.note (1 filled value lost)\n- table Expenses (1 row deleted)\n"), "\(t.out)")
        #expect(s.base.schema.tables.isEmpty)
    }

    @Test func aPipedScriptIsNeverReadForAnAnswerAndALossNeedsTheBangOrYes() throws {
        let (s, t) = try run("""
            table Expenses { amount currency  note text  vat number }
            add Expenses amount=1 note=x vat=2
            drop field Expenses.note
            y
            drop field Expenses.vat !
            """)
        #expect(t.err.contains("<stdin>:3:1: error: this loses data (- field Expenses.note (1 filled value lost)), and standard input is not a terminal, so nobody can confirm it; nothing was changed"), "\(t.err)")
        #expect(t.err.contains("hint: end the statement with ! to go ahead (drop field Expenses.note !), or run `tabula repl --yes`"))
        #expect(t.err.contains("<stdin>:4:1: error:"), "the next line is a statement of its own, not an answer")
        #expect(s.base.schema.table(named: "Expenses")?.field(named: "note") != nil)
        #expect(s.base.schema.table(named: "Expenses")?.field(named: "vat") == nil)
        let (yes, yt) = try session()
        yes.confirmsDataLoss = true
        yes.run(PlainLineReader(text: "table T { a text  b text }\nadd T a=1 b=2\ndrop field T.b\n"))
        #expect(yt.err == "")
        #expect(yes.base.schema.table(named: "T")?.field(named: "b") == nil)
    }

    @Test func aTableStatementStatesTheWholeTable() throws {
        let (s, t) = try run("""
            table T { a text  b number }
            table T { a text  c date } !
            """)
        #expect(t.err == "")
        #expect(s.base.schema.tables[0].fields.map(\.name) == ["a", "c"])
    }

    @Test func fieldStatementRenamesWithWasAndKeepsValues() throws {
        let (s, t) = try run("""
            table T { name text  n number }
            add T name=x n=4
            field T.count number was n
            .schema T
            """)
        #expect(t.err == "")
        #expect(t.out.hasSuffix("~ field T.n renamed to count\ntable T {\n  name   text\n  count  number\n}\n"))
        let rows = try s.base.rows(of: s.base.table(named: "T"))
        #expect(rows.map(\.values) == [[.text("x"), .number(4)]])
    }

    @Test func expressionsEvaluateWithoutARow() throws {
        let (_, t) = try run("""
            1h30m * 3
            date_add(today(), 3, "days")
            upper("привет") & "!"
            if(2 > 1, "yes",
               "no")
            1 / 0
            blank
            """)
        #expect(t.err == "")
        #expect(t.out == "4:30\n2026-11-23\nПРИВЕТ!\nyes\n#DIV/0\nblank\n")
    }

    @Test func anExpressionReadingFieldsSaysItHasNoRow() throws {
        let (_, t) = try run("amount * 2")
        #expect(t.err.contains("<stdin>:1:1: error:"))
        #expect(t.err.contains("hint: a statement on its own has no row to read fields from"))
    }

    @Test func saveWritesASchemaThatCreatesTheSameBase() throws {
        let path = temporaryPath("saved.tabula")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (s, t) = try run("""
            base "Scratch"
            currency USD
            table Clients { name text required unique }
            table Projects { name text  client link Clients  hours duration  status select(active, {on hold}) default active }
            field Clients.projects link Projects[] inverse client
            field Clients.hours mirror sum(projects.hours)
            field Projects.over formula hours > 10h
            report by_client = sum(hours) from Projects by client
            .save \(path)
            """)
        #expect(t.err == "")
        #expect(t.out.hasSuffix("saved the schema (2 tables) to \(path)\n"))
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        let recreated = try Base.createInMemory(schemaSource: saved, sourceName: path, actor: "tester", reportChecker: ReportChecker())
        #expect(recreated.schema.tables.map(\.name) == ["Clients", "Projects"])
        #expect(recreated.schema.currency == "USD")
        #expect(recreated.schema.reports.map(\.name) == ["by_client"])
        #expect(try s.schemaText() == saved)
    }

    @Test func openSwitchesToABaseFile() throws {
        let path = temporaryPath("open.db")
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        try Base.create(at: path, schemaSource: "table Notes { text text }", sourceName: "n.tabula", actor: "t").close()
        let (s, t) = try run("""
            table Scratch { a text }
            .open \(path)
            add Notes text=hello
            .open /nonexistent/base.db
            .tables
            """)
        #expect(!s.base.isInMemory)
        #expect(t.out.contains("closed the in-memory base (its schema was not saved)\nopened \(path): 1 table (Notes)\n#1\nNotes  (1 row)\n"))
        #expect(t.err.hasPrefix("<stdin>:4:7: error: no base at '/nonexistent/base.db'"))
        s.base.close()
        let reopened = try Base.open(at: path, actor: "t")
        #expect(try reopened.rowCount(of: reopened.table(named: "Notes")) == 1)
    }

    @Test func formatChangesHowTablesPrint() throws {
        let (_, t) = try run("""
            table T { name text  n integer }
            add T name=a n=1
            .format json
            show T
            .format csv
            show T
            .format xml
            """)
        #expect(t.out.hasSuffix("[\n  {\"id\": 1, \"name\": \"a\", \"n\": 1}\n]\nid,name,n\r\n1,a,1\r\n"))
        #expect(t.err.hasPrefix("<stdin>:7:9: error: unknown format 'xml'"))
    }

    @Test func timerOnPrintsEachStatementsTime() throws {
        let (_, t) = try run(".timer on\n1 + 1\n.timer off\n2 + 2")
        let lines = t.out.split(separator: "\n").map { $0.hasPrefix("time: ") && $0.hasSuffix(" ms") ? "time" : String($0) }
        #expect(lines == ["time", "2", "time", "4"])
    }

    @Test func quitEndsTheSession() throws {
        let (_, t) = try run("1\n.quit\n2")
        #expect(t.out == "1\n")
    }

    @Test func tablesAndHelpDescribeTheSession() throws {
        let (_, t) = try run(".tables\n.help")
        #expect(t.out.hasPrefix("no tables yet; make one: table Expenses { amount currency  date date }\n"))
        #expect(t.out.contains(".save FILE"))
    }
}

/// A report runner for the seam: it answers with the query it was given, so the test sees what
/// the session handed over.
struct EchoingReports: ReportHook {
    func runReport(_ query: SourceText, on base: Base) throws -> ResultTable {
        if query.text.contains("bad") { throw SourceErrors(source: query, diagnostics: [Diagnostic("no good", at: SourceRange(query.location(of: 0)))]) }
        return ResultTable(columns: [ResultColumn(name: "query", type: .text), ResultColumn(name: "tables", type: .integer)],
                           rows: [[.text(query.text), .integer(Int64(base.schema.tables.count))]])
    }
}

/// A timer runner for the seam: it tells what it was asked.
struct EchoingTimers: TimerHook {
    func runTimer(_ verb: TimerVerb, arguments: [Word], source: SourceText, on base: Base) throws -> String {
        "\(verb.rawValue) " + arguments.map { "[\($0.text)]" }.joined(separator: " ")
    }
}

@Suite struct HookTests {
    @Test func withoutAReportRunnerAQuerySaysWhy() throws {
        let (s, t) = try run("sum(amount) by month(date)")
        #expect(s.failures == 1)
        #expect(t.err.hasPrefix("<stdin>:1:13: error: unexpected 'by' after the expression; and reports are not available in this build\n"))
    }

    @Test func queriesAndExpressionsOverFieldsGoToTheReportRunner() throws {
        let (_, t) = try run("""
            table T { amount number }
            sum(amount) by month(date)
            amount * 2
            1 + 2
            .format csv
            bad query
            """, hooks: REPLHooks(reports: EchoingReports()))
        #expect(t.out == """
            + table T
            query                       tables
            --------------------------  ------
            sum(amount) by month(date)       1
            query       tables
            ----------  ------
            amount * 2       1
            3

            """)
        #expect(t.err.hasPrefix("<stdin>:6:1: error: no good\n  bad query\n  ^"))
    }

    @Test func timerStatementsNeedABaseWithTimers() throws {
        let (_, t) = try run("start", hooks: REPLHooks(timers: EchoingTimers()))
        #expect(t.err.hasPrefix("<stdin>:1:1: error: this base has no timers\n"))
    }

    @Test func timerStatementsGoToTheTimerRunnerWithTheirWords() throws {
        let script = """
            table Tasks { title text }
            table Log { task link Tasks  start datetime  end datetime  by author }
            field Tasks.entries link Log[] inverse task
            field Tasks.timer timer -> Log
            start Tasks "Fix login"
            stop
            """
        let (_, t) = try run(script, hooks: REPLHooks(timers: EchoingTimers()))
        #expect(t.err == "")
        #expect(t.out.hasSuffix("start [Tasks] [Fix login]\nstop \n"))
        let (_, without) = try run(script)
        #expect(without.err.contains("<stdin>:5:1: error: timers are not available in this build"))
    }
}

@Suite struct StandardHookTests {
    @Test func reportQueriesAndSavedReportsRunInTheSessionsFormat() throws {
        let (_, t) = try run("""
            table Expenses { amount currency  category select(travel, food) }
            add Expenses amount=12.50 category=food
            add Expenses amount=30 category=travel
            add Expenses amount=2 category=food
            report by_category = sum(amount) as spent from Expenses by category
            .format csv
            by_category
            count() as n from Expenses where amount > 10
            sum(amont) from Expenses
            """, hooks: .standard)
        #expect(t.out.hasSuffix("+ report by_category\ncategory,spent\r\nfood,14.50 EUR\r\ntravel,30.00 EUR\r\nn\r\n2\r\n"))
        #expect(t.err == """
            <stdin>:9:5: error: table Expenses has no field 'amont'
              sum(amont) from Expenses
                  ^~~~~
              hint: did you mean 'amount'?

            """)
    }

    @Test func aPomodoroThatReachedItsDeadlineIsClosedBeforeTheNextStatementWhichSaysSo() throws {
        let (s, t) = try session(hooks: .standard)
        for line in ["table Tasks { title text }",
                     "table Log { task link Tasks  start datetime  end datetime  by author  mode select(stopwatch, pomodoro) default stopwatch }",
                     "field Tasks.entries link Log[] inverse task", "field Tasks.timer timer -> Log", "add Tasks title=Review",
                     "start Tasks Review --pomodoro"] {
            s.execute(line)
        }
        #expect(t.err == "")
        s.base.now = { fixedNow().adding(seconds: 40 * 60) }
        s.execute("status")
        #expect(t.err == "note: the pomodoro on Tasks \"Review\" for tester ended at 2026-11-20 10:25: 0:25 (Log #1)\n")
        #expect(t.out.hasSuffix("no timer of tester is running\n"))
        s.execute("status")
        #expect(t.err.components(separatedBy: "note:").count == 2, "told once")
    }

    @Test func timersStartShowAndStopForTheActingPerson() throws {
        let (s, t) = try run("""
            table Tasks { title text }
            table Log { task link Tasks  start datetime  end datetime  by author }
            field Tasks.entries link Log[] inverse task
            field Tasks.timer timer -> Log
            add Tasks title="Fix login"
            status
            start Tasks "Fix login"
            status --everyone
            stop --all
            start Tasks
            stop --now
            """, hooks: .standard)
        #expect(t.out.hasSuffix("""
            no timer of tester is running
            started Tasks "Fix login" for tester at 2026-11-20 10:00 (Log #1)
            Tasks "Fix login" for tester since 2026-11-20 10:00 (0:00, stopwatch)
            stopped Tasks "Fix login" for tester: 0:00 (Log #1)

            """))
        #expect(t.err == """
            <stdin>:10:1: error: 'start' takes a table and a row
              start Tasks
              ^~~~~~~~~~~
              hint: write start TABLE ROW [--field F] [--pomodoro]
            <stdin>:11:6: error: 'stop' has no option '--now'
              stop --now
                   ^~~~~
              hint: write stop [TABLE ROW] [--field F] [--all]

            """)
        #expect(try s.base.rowCount(of: s.base.table(named: "Log")) == 1)
    }
}

/// Lines typed at a terminal: questions are answered by the next line.
final class AnsweringReader: LineReader {
    private var lines: [String]
    init(_ lines: [String]) { self.lines = lines }
    var isInteractive: Bool { true }
    func readLine(prompt: String) -> String? { lines.isEmpty ? nil : lines.removeFirst() }
    func remember(_ line: String) {}
}
