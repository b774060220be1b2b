import Testing
@testable import TabulaLanguage

@Suite struct REPLStatementParserTests {
    static let examples: [String] = (try? grammarExamples(readPackageFile("Grammar/repl.ebnf"))) ?? []

    func statement(_ text: String) throws(SourceErrors) -> REPLStatement {
        try REPLStatementParser.parse(SourceText(name: "<repl>", text: text))
    }

    func firstError(_ text: String) -> Diagnostic? {
        do { _ = try statement(text); return nil } catch { return error.diagnostics.first }
    }

    @Test func replGrammarHasExamplesOfEveryKind() {
        #expect(Self.examples.count >= 40)
    }

    @Test(arguments: examples)
    func replGrammarExampleParses(_ example: String) {
        #expect(firstError(example) == nil, "\(example)")
    }

    @Test func tableStatementIsASchemaConstruct() throws {
        guard case .schema(let file) = try statement("table Expenses { amount currency  date date }").kind else {
            Issue.record("not a schema statement"); return
        }
        #expect(file.tables.map(\.name.text) == ["Expenses"])
        #expect(file.tables[0].fields.map(\.name.text) == ["amount", "date"])
    }

    @Test func settingsAndSavedReportsAreSchemaConstructs() throws {
        for text in ["base \"Scratch\"", "currency USD", "report r = sum(amount) by date"] {
            guard case .schema = try statement(text).kind else { Issue.record("\(text) is not a schema statement"); continue }
        }
    }

    @Test func fieldStatementReadsOneFieldOfATable() throws {
        guard case .field(let table, let field) = try statement("field Expenses.vat formula amount * 0.2 ").kind else {
            Issue.record("not a field statement"); return
        }
        #expect(table.text == "Expenses")
        #expect(field.name.text == "vat")
        #expect(field.type.withoutSourceRanges == .formula(try expr("amount * 0.2").withoutSourceRanges, range: .none))
    }

    @Test func fieldStatementErrorsPointIntoTheStatement() {
        let error = firstError("field Expenses.vat formual amount")
        #expect(error.map(brief) == "1:20: unknown type 'formual'")
        #expect(error?.hint?.contains("did you mean 'formula'?") == true)
    }

    @Test func trailingBangConfirmsDataLoss() throws {
        let drop = try statement("drop table Expenses !")
        #expect(drop.confirmed)
        guard case .dropTable(let name) = drop.kind else { Issue.record("not drop table"); return }
        #expect(name.text == "Expenses")
        #expect(try statement("drop field Expenses.vat").confirmed == false)
        #expect(try statement("table T { a text }!").confirmed)
    }

    @Test func dropNeedsTableOrField() {
        #expect(firstError("drop Expenses").map(brief) == "1:6: expected 'table' or 'field' after 'drop', found 'Expenses'")
        #expect(firstError("drop field Expenses").map(brief) == "1:12: expected TABLE.FIELD after 'drop field', found the end of the text")
    }

    @Test func addSplitsAssignmentsLikeAShell() throws {
        let text = "add Expenses amount=\"1 500,50\" note='it\\'s' {Paid on}=2026-11-21 \"rate=120 EUR\""
        guard case .add(let table, let assignments) = try statement(text).kind else { Issue.record("not add"); return }
        #expect(table.text == "Expenses")
        #expect(assignments.map(\.field.name) == ["amount", "note", "Paid on", "rate"])
        #expect(assignments.map(\.value.text) == ["1 500,50", "it's", "2026-11-21", "120 EUR"])
        let source = SourceText(name: "", text: text)
        #expect(source.slice(assignments[0].field.range) == "amount")
        #expect(source.slice(assignments[0].value.range) == "\"1 500,50\"")
        #expect(source.slice(assignments[2].field.range) == "{Paid on}")
    }

    @Test func setAndDeleteTakeARow() throws {
        guard case .set(_, let row, let assignments) = try statement("set Clients \"Acme Corp\" rate=120").kind else {
            Issue.record("not set"); return
        }
        #expect(row.text == "Acme Corp")
        #expect(assignments.count == 1)
        guard case .delete(let table, let deleted) = try statement("delete Expenses #2  # the wrong one").kind else {
            Issue.record("not delete"); return
        }
        #expect(table.text == "Expenses")
        #expect(deleted.text == "#2")
    }

    @Test func rowCommandErrorsPointAtTheWord() {
        #expect(firstError("add Expenses amount").map(brief) == "1:14: 'amount' is not a field=value pair")
        #expect(firstError("add Expenses note=\"open").map(brief) == "1:19: the string is not closed")
        #expect(firstError("set Expenses #1").map(brief) == "1:14: 'set' needs at least one field=value")
        #expect(firstError("delete Expenses #1 #2").map(brief) == "1:20: 'delete' takes one row, found 2 words")
    }

    @Test func showTakesATableAndACondition() throws {
        #expect(try statement("show").kind == .show(table: nil, condition: nil))
        guard case .show(let table, let condition) = try statement("show {Time entries} where hours > 1h").kind else {
            Issue.record("not show"); return
        }
        #expect(table?.name == "Time entries")
        #expect(condition?.withoutSourceRanges == (try expr("hours > 1h")).withoutSourceRanges)
        #expect(firstError("show Expenses where").map(brief) == "1:15: missing condition after 'where'")
        #expect(firstError("show Expenses sorted").map(brief) == "1:15: unexpected 'sorted' after the table")
    }

    @Test func timerWordsAreTimerStatementsUnlessAnOperatorFollows() throws {
        #expect(try statement("start Tasks \"Fix login\"").kind == .timer(.start, arguments: [
            Word("Tasks", range: SourceRange(start: .init(offset: 6, line: 1, column: 7), end: .init(offset: 11, line: 1, column: 12))),
            Word("Fix login", range: SourceRange(start: .init(offset: 12, line: 1, column: 13), end: .init(offset: 23, line: 1, column: 24))),
        ]))
        #expect(try statement("stop").kind == .timer(.stop, arguments: []))
        guard case .expression = try statement("start + 1h").kind else { Issue.record("not an expression"); return }
    }

    @Test func aWholeExpressionIsAnExpression() throws {
        guard case .expression(let e) = try statement("1h30m * 3").kind else { Issue.record("not an expression"); return }
        #expect(e.withoutSourceRanges == (try expr("1h30m * 3")).withoutSourceRanges)
    }

    @Test func anythingElseIsAReportQuerySayingWhyItIsNoExpression() throws {
        guard case .query(let reason) = try statement("sum(amount) by month(date)").kind else { Issue.record("not a query"); return }
        #expect(brief(reason) == "1:13: unexpected 'by' after the expression")
    }

    @Test func dotCommandsCheckTheirArguments() throws {
        #expect(try statement(".schema").kind == .dot(.schema(table: nil)))
        #expect(try statement("  .timer OFF").kind == .dot(.timer(on: false)))
        guard case .dot(.save(let file)) = try statement(".save \"my schema.tabula\"").kind else { Issue.record("not save"); return }
        #expect(file.text == "my schema.tabula")
        #expect(firstError(".sav x").map(brief) == "1:1: unknown command '.sav'")
        #expect(firstError(".sav x")?.hint == "did you mean '.save'? type .help for the list")
        #expect(firstError(".save").map(brief) == "1:1: '.save' needs an argument")
        #expect(firstError(".tables Expenses").map(brief) == "1:9: too many arguments to '.tables'")
        #expect(firstError(".timer maybe").map(brief) == "1:8: expected 'on' or 'off', found 'maybe'")
    }

    @Test func blankLinesAndCommentsAreEmpty() throws {
        #expect(try statement("   ").kind == .empty)
        #expect(try statement("# just a note").kind == .empty)
    }

    @Test func statementIsCompleteWhenNoBracketIsOpen() {
        #expect(REPLStatementParser.isComplete("1 + 2"))
        #expect(!REPLStatementParser.isComplete("table Expenses {"))
        #expect(REPLStatementParser.isComplete("table Expenses {\n  amount currency\n}"))
        #expect(!REPLStatementParser.isComplete("if(a,"))
        #expect(REPLStatementParser.isComplete("\"(\" & '['"))
        #expect(REPLStatementParser.isComplete("table T { {Hours billed} duration }"))
        #expect(!REPLStatementParser.isComplete("table T { # a comment }"))
        #expect(REPLStatementParser.isComplete("set T #3 note=x"))
        #expect(REPLStatementParser.isComplete(".save (odd"))
        #expect(!REPLStatementParser.isComplete("a) + ("), "a stray closer does not hide the opener after it")
    }
}
