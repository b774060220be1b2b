import Testing
import TabulaEngine
import TabulaLanguage

@Suite("Formula checker and compiler")
struct FormulaCompilerTests {
    @Test func designExamples() throws {
        #expect(try evaluate("if(hours > 50h, \"over\", \"ok\")", ["hours": .duration(51 * 3600)]) == .text("over"))
        #expect(try evaluate("if(hours > 50h, \"over\", \"ok\")", ["hours": .duration(50 * 3600)]) == .text("ok"))
        #expect(try evaluate("round_to(hours, 15m)", ["hours": .duration(3600 + 8 * 60)]) == .duration(3600 + 15 * 60))
        #expect(try evaluate("datetime_diff(end, start, \"minutes\")",
                             ["start": .datetime(berlinTime(2026, 11, 20, 9, 0)), "end": .datetime(berlinTime(2026, 11, 20, 10, 30, 59))]) == .integer(90))
        #expect(try evaluate("project.client.name & \" / \" & title",
                             ["project.client.name": .text("ACME"), "title": .text("Login")]) == .text("ACME / Login"))
        #expect(try evaluate("upper(\"привет\")") == .text("ПРИВЕТ"))
        #expect(try evaluate("if(is_blank(end), 0h, end - start)",
                             ["start": .datetime(berlinTime(2026, 11, 20, 9, 0)), "end": .datetime(berlinTime(2026, 11, 20, 10, 0))]) == .duration(3600))
        #expect(try evaluate("if(is_blank(end), 0h, end - start)", ["start": .datetime(berlinTime(2026, 11, 20, 9, 0))]) == .duration(0))
        #expect(try evaluate("hours > project.budget", ["hours": .duration(7200), "project.budget": .duration(3600)]) == .bool(true))
    }

    @Test func inferredTypes() throws {
        #expect(try compileFormula("1 + 2").resultType == .integer)
        #expect(try compileFormula("1 / 2").resultType == .number)
        #expect(try compileFormula("end - start").resultType == .duration)
        #expect(try compileFormula("start + 2h").resultType == .datetime)
        #expect(try compileFormula("due + 3").resultType == .date)
        #expect(try compileFormula("due - due").resultType == .integer)
        #expect(try compileFormula("hours * 2").resultType == .duration)
        #expect(try compileFormula("hours / 2h").resultType == .number)
        #expect(try compileFormula("price * 2").resultType == .currency("EUR"))
        #expect(try compileFormula("price / price").resultType == .number)
        #expect(try compileFormula("if(done, 1, 2.5)").resultType == .number)
        #expect(try compileFormula("if(done, blank, 2h)").resultType == .duration)
        #expect(try compileFormula("title & 1").resultType == .text)
        #expect(try compileFormula("project").resultType == .link(2))
        #expect(try compileFormula("project.client").resultType == .link(1))
        #expect(try compileFormula("split(title, \",\")").resultType == .list(.text))
        #expect(try compileFormula("category").resultType == .select(["billable", "internal", "non_billable"]))
        #expect(try compileFormula("anything + 1").resultType == .any)
        #expect(try compileFormula("{Hours billed} + часы * 1h").resultType == .duration)
    }

    @Test func pathsAreDistinctAndIndexed() throws {
        let f = try compileFormula("project.client.name & title & project.client.name & project.name")
        #expect(f.paths == [[21, 11, 1], [20], [21, 10]])
        #expect(f.isVolatile == false)
        #expect(try compileFormula("now() > start").isVolatile)
        #expect(try compileFormula("today()").isVolatile)
        let expression = try ExpressionParser.parse(SourceText(name: "x", text: "project.client.name & title"))
        #expect(try FormulaCompiler.paths(of: expression, in: FormulaFixture.tasks, schema: FormulaFixture.schema) == [[21, 11, 1], [20]])
    }

    @Test func linkShownByItsPrimaryField() throws {
        let f = try compileFormula("\"Project: \" & project")
        #expect(f.paths == [[21, 10]])
        #expect(try evaluate("\"Project: \" & project", ["project.name": .text("Apollo")]) == .text("Project: Apollo"))
        #expect(try evaluate("text(project.client)", ["project.client.name": .text("ACME")]) == .text("ACME"))
    }

    @Test func unknownFieldWithSuggestion() {
        let d = diagnostics("hours2 * 2")
        #expect(d.count == 1)
        #expect(d.first?.message == "table Tasks has no field 'hours2'")
        #expect(d.first?.hint == "did you mean 'hours'?")
        #expect(d.first?.range.start.column == 1)
        #expect(d.first?.range.end.column == 7)
        let e = diagnostics("project.clent.name")
        #expect(e.first?.message == "table Projects has no field 'clent'")
        #expect(e.first?.hint == "did you mean 'client'?")
        #expect(e.first?.range.start.column == 9)
    }

    @Test func multipleLinks() throws {
        let d = diagnostics("project.tasks.title")
        #expect(d.first?.hint == "use a mirror field to aggregate over a multiple link")
        let c = diagnostics("projects.name", table: "Clients")
        #expect(c.first?.message == "'projects' links to many rows of Projects; a path cannot go through it")
        #expect(try compileFormula("projects", table: "Clients").resultType == .list(.link(2)))
        #expect(try evaluate("count(projects)", ["projects": .list([.link(1), .link(2)])], table: "Clients") == .integer(2))
        #expect(try evaluate("len(projects)", ["projects": .list([.link(1)])], table: "Clients") == .integer(1))
        #expect(diagnostics("title.name").first?.message == "'title' is not a link, so '.name' cannot follow it")
    }

    @Test func unknownFunctionAndArity() {
        let d = diagnostics("rund(estimate)")
        #expect(d.first?.message == "unknown function 'rund'")
        #expect(d.first?.hint == "did you mean 'round'?")
        #expect(diagnostics("round(1, 2, 3)").first?.message == "round takes 1 or 2 arguments, got 3")
        #expect(diagnostics("now(1)").first?.message == "now takes no arguments, got 1")
        #expect(diagnostics("len()").first?.message == "len takes 1 argument, got 0")
        #expect(diagnostics("min()").first?.message == "min takes at least 1 argument, got 0")
        #expect(diagnostics("datetime(2026, 1, 1)").first?.message == "datetime takes 5 or 6 arguments, got 3")
        #expect(diagnostics("ROUND(1.5) + Upper(\"a\")").isEmpty == false)  // text + number
        #expect(diagnostics("ROUND(1.5) + 1").isEmpty)
    }

    @Test func typeErrorsWithRanges() {
        let d = diagnostics("hours + \"x\"")
        #expect(d.first?.message == "cannot add text to duration")
        #expect(d.first?.range.start.column == 7)
        #expect(d.first?.range.end.column == 8)
        #expect(diagnostics("price + fee").first?.message == "cannot add USD to EUR")
        #expect(diagnostics("price + fee").first?.hint?.contains("never converted") == true)
        #expect(diagnostics("hours > 50").first?.message == "cannot compare duration with integer")
        #expect(diagnostics("hours > 50").first?.range.start.column == 7)
        #expect(diagnostics("title * 2").first?.message == "cannot multiply text by integer")
        #expect(diagnostics("due + 2h").first?.message == "cannot add duration to date")
        #expect(diagnostics("hours / price").first?.message == "cannot divide duration by EUR")
        #expect(diagnostics("price * price").first?.message == "cannot multiply EUR by EUR")
        #expect(diagnostics("if(done, 1h, \"x\")").first?.message == "the branches of if have different types: duration and text")
        #expect(diagnostics("if(done, 1h, \"x\")").first?.range.start.column == 14)
        #expect(diagnostics("done and 1").first?.message == "'and' needs bools, got integer")
        #expect(diagnostics("upper(42)").first?.message == "upper expects text as argument 1, got integer")
        #expect(diagnostics("upper(42)").first?.hint == "convert it with text(x)")
        #expect(diagnostics("2026-11").first?.message == "a period can only follow 'in'")
        #expect(diagnostics("regex_match(title, \"(\")").first?.message == "invalid regular expression \"(\"")
        #expect(diagnostics("date_add(due, 1, \"hours\")").first?.message.hasPrefix("a date has no hours") == true)
        #expect(diagnostics("date_add(due, 1, \"dayz\")").first?.hint == "did you mean \"days\"?")
        #expect(diagnostics("to_timezone(start, \"Mars/Base\")").first?.message == "unknown time zone \"Mars/Base\"")
        #expect(diagnostics("1.005 EUR").first?.message.contains("more decimals") == true)
    }

    @Test func severalErrorsAreReportedTogether() throws {
        let d = diagnostics("hourz + titel")
        #expect(d.count == 2)
        do {
            _ = try FormulaCompiler.compile(source: SourceText(name: "<where>", text: "hours + \"x\""), in: FormulaFixture.tasks, schema: FormulaFixture.schema)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("<where>:1:7: error: cannot add text to duration"))
        }
    }

    @Test func compileFromExpressionUsesTypeOf() throws {
        let expression = try ExpressionParser.parse(SourceText(name: "s", text: "anything * 2"))
        let f = try FormulaCompiler.compile(expression, in: FormulaFixture.tasks, schema: FormulaFixture.schema) { id in
            id == 34 ? .duration : FormulaFixture.schema.field(id: id)!.field.valueType
        }
        #expect(f.resultType == .duration)
        #expect(f.evaluate(TestInputs(slots: [.duration(60)], now: testNow, context: FormulaFixture.schema.valueContext)) == .duration(120))
    }

    @Test func selectOptionsAsBareNames() throws {
        #expect(try evaluate("category = billable", ["category": .text("billable")]) == .bool(true))
        #expect(try evaluate("billable = category", ["category": .text("internal")]) == .bool(false))
        #expect(try evaluate("category in (billable, internal)", ["category": .text("internal")]) == .bool(true))
        #expect(try evaluate("switch(category, billable, 1, internal, 2, 0)", ["category": .text("internal")]) == .integer(2))
        // A typo of an option is told as one.
        #expect(diagnostics("category = billabel").first?.message == "'billabel' is neither a field of Tasks nor one of the options billable, internal, non_billable")
        #expect(diagnostics("category = billabel").first?.hint == "did you mean 'billable'?")
        #expect(diagnostics("category = zzzzz").first?.message == "table Tasks has no field 'zzzzz'")
    }

    @Test func constantFolding() throws {
        let f = try compileFormula("2 * 3 + 1")
        #expect(f.paths.isEmpty)
        #expect(f.evaluate(TestInputs(slots: [], now: testNow, context: ValueContext())) == .integer(7))
    }
}
