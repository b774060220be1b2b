import Testing
@testable import TabulaLanguage

@Suite struct SchemaParserTests {
    // MARK: Constructs

    @Test func settingsTakeAStringOrAName() throws {
        let file = try schema("BASE \"Time tracking\"\ntimezone \"Europe/Berlin\"\ncurrency EUR\nlocale de\n")
        #expect(file.settings.map(\.key) == [.base, .timezone, .currency, .locale])
        #expect(file.settings.map(\.value) == ["Time tracking", "Europe/Berlin", "EUR", "de"])
        #expect(file.settings[2].valueRange.start.column == 10)
    }

    @Test func tableWithFieldsTypesAndModifiers() throws {
        let file = try schema("""
        table Clients {
          name      text required unique
          projects  link Projects[] inverse client on delete CASCADE
          hours     mirror sum(projects.hours)
          rate      currency(EUR) default 150.00 EUR was price
          kind      Select(a, {b c}, "d e")
        }
        """)
        let t = try #require(file.tables.first)
        #expect(t.name.text == "Clients")
        #expect(t.fields.map(\.name.text) == ["name", "projects", "hours", "rate", "kind"])
        let f = t.fields.map(\.withoutSourceRanges)
        #expect(f[0].type == .named(Name("text"), arguments: []))
        #expect(f[0].modifiers == [.required(.none), .unique(.none)])
        #expect(f[1].type == .link(target: Name("Projects"), many: true, range: .none))
        #expect(f[1].modifiers == [.inverse(Name("client")), .onDelete(Name("cascade"))])
        #expect(f[2].type == .mirror(MirrorDecl(aggregate: Name("sum"), path: [Name("projects"), Name("hours")], range: .none)))
        #expect(f[3].type == .named(Name("currency"), arguments: [Name("EUR")]))
        #expect(f[3].modifiers == [.default(Expression(.money(amount: "150.00", currency: "EUR"), range: .none)), .previousName(Name("price"))])
        #expect(f[4].type == .named(Name("select"), arguments: [Name("a"), Name("b c"), Name("d e")]))
        #expect(t.fields[0].range.start.line == 2)
        #expect(t.fields[0].range.start.column == 3)
        #expect(t.fields[0].range.end.column == 33)
    }

    @Test func everySimpleTypeParses() throws {
        let words = Keywords.simpleFieldTypes
        let body = words.enumerated().map { "  f\($0.offset) \($0.element)" }.joined(separator: "\n")
        let file = try schema("table T {\n\(body)\n  c currency\n  t tags(x)\n}")
        #expect(file.tables[0].fields.count == words.count + 2)
        for (field, word) in zip(file.tables[0].fields, words) {
            #expect(field.type.withoutSourceRanges == .named(Name(word), arguments: []))
        }
    }

    @Test func tableRenameAndBracedAndUnicodeNames() throws {
        let file = try schema("table {Time entries} was Entries {\n  {Hours billed} duration\n  часы duration default 0h\n}\ntable Задачи {}")
        #expect(file.tables.map(\.name.text) == ["Time entries", "Задачи"])
        #expect(file.tables[0].previousName?.text == "Entries")
        #expect(file.tables[0].fields.map(\.name.text) == ["Hours billed", "часы"])
        #expect(file.tables[0].fields[0].name.range.end.column == 17)
        #expect(file.tables[1].fields.isEmpty)
    }

    @Test func oneLineTableForm() throws {
        let file = try schema("table Expenses { amount currency  date date }")
        let fields = file.tables[0].fields.map(\.withoutSourceRanges)
        #expect(fields.map(\.name.text) == ["amount", "date"])
        #expect(fields.map(\.type) == [.named(Name("currency"), arguments: []), .named(Name("date"), arguments: [])])

        let tight = try schema("table Expenses {amount currency(EUR) required note text}")
        #expect(tight.tables[0].fields.map(\.name.text) == ["amount", "note"])
        #expect(tight.tables[0].fields[0].modifiers.count == 1)

        let formulas = try schema("table T { total formula price * qty  label formula upper(name) }")
        #expect(formulas.tables[0].fields.map(\.name.text) == ["total", "label"])
    }

    @Test func tableBlockMayOpenOnTheNextLine() throws {
        let file = try schema("table T\n{\n  a text\n}")
        #expect(file.tables[0].fields.count == 1)
    }

    @Test func formulaFieldsEndAtTheEndOfTheirLine() throws {
        let file = try schema("""
        table TimeEntries {
          duration  formula if(is_blank(end),
                              0h, end - start)
          over      formula hours > project.budget
          category  select(billable, internal) default billable
        }
        """)
        let fields = file.tables[0].fields
        #expect(fields.map(\.name.text) == ["duration", "over", "category"])
        guard case .formula(let e, let range) = fields[0].type else { Issue.record("not a formula"); return }
        #expect(shape(e) == "if(is_blank(end), dur(0), (- end start))")
        #expect(range.start.line == 2 && range.end.line == 3)
        guard case .formula(let over, _) = fields[1].type else { Issue.record("not a formula"); return }
        #expect(shape(over) == "(> hours project.budget)")
    }

    @Test func mirrorWithWhereAndOrderBy() throws {
        let file = try schema("""
        table Tasks {
          billable  mirror sum(entries.duration) where category = billable
          latest    mirror LAST(entries.note) where note != blank order by start desc
          first     mirror first(entries.note) order by start asc
          n         mirror count(entries)
          all       mirror count_all(entries)
        }
        """)
        let types = file.tables[0].fields.map(\.type.withoutSourceRanges)
        guard case .mirror(let billable) = types[0], case .mirror(let latest) = types[1], case .mirror(let first) = types[2],
              case .mirror(let n) = types[3], case .mirror(let all) = types[4] else { Issue.record("not mirrors"); return }
        #expect(shape(try #require(billable.filter)) == "(= category billable)")
        #expect(latest.aggregate.text == "last")
        #expect(latest.orderBy?.text == "start")
        #expect(latest.descending)
        #expect(first.orderBy?.text == "start")
        #expect(!first.descending)
        #expect(n.path.map(\.text) == ["entries"])
        #expect(all.aggregate.text == "count_all")
    }

    @Test func timerWithOptionalMax() throws {
        let file = try schema("table Tasks {\n  timer timer -> TimeEntries\n  t2 timer -> {Time entries} max 3\n}")
        let types = file.tables[0].fields.map(\.type.withoutSourceRanges)
        #expect(types[0] == .timer(logTable: Name("TimeEntries"), maxRunning: nil, range: .none))
        #expect(types[1] == .timer(logTable: Name("Time entries"), maxRunning: 3, range: .none))
    }

    @Test func lockWhenIsATableOption() throws {
        let file = try schema("table T {\n  approved bool\n  lock when approved and start < 2026-11-01\n  lock text\n}")
        let t = file.tables[0]
        #expect(t.fields.map(\.name.text) == ["approved", "lock"])
        guard case .lock(let condition, let range) = try #require(t.options.first) else { return }
        #expect(shape(condition) == "(and approved (< start date(2026,11,1)))")
        #expect(range.start.line == 3 && range.start.column == 3)
    }

    @Test func reportQueryIsKeptRaw() throws {
        let file = try schema("""
        report hours = sum(duration) as hours by client
        report billable = sum(duration) as hours
          from TimeEntries
          where category = billable
        report grouped = sum(duration) by (
        client, task) for 2026-11
        table T { a text }
        """)
        #expect(file.reports.map(\.name.text) == ["hours", "billable", "grouped"])
        #expect(file.reports[0].query == "sum(duration) as hours by client")
        #expect(file.reports[1].query == "sum(duration) as hours\n  from TimeEntries\n  where category = billable")
        #expect(file.reports[2].query == "sum(duration) by (\nclient, task) for 2026-11")
        #expect(file.reports[0].queryRange.start.column == 16)
        #expect(file.tables.count == 1)
    }

    @Test func commentsAreIgnoredEverywhere() throws {
        let file = try schema("# header\nbase \"B\" // the base\ntable T { # fields\n  a text # note\n}\n")
        #expect(file.settings.count == 1)
        #expect(file.tables[0].fields.count == 1)
    }

    @Test func designDocumentSchemaParses() throws {
        let file = try schema(try readPackageFile("Samples/design.tabula"))
        #expect(file.tables.map(\.name.text) == ["Clients", "Projects", "Tasks", "TimeEntries"])
        #expect(file.tables[2].fields.count == 8)
    }

    // MARK: Diagnostics

    @Test func unknownTypeSuggestsTheClosestAndListsTypes() throws {
        #expect(schemaErrors("table T {\n  x bogus\n}") == ["2:5: unknown type 'bogus'"])
        let d = try #require(schemaError("table T {\n  x txt\n}"))
        #expect(brief(d) == "2:5: unknown type 'txt'")
        #expect(d.hint?.hasPrefix("did you mean 'text'? the types are text, number,") == true)
    }

    @Test func unknownModifierOnTheSameLine() throws {
        #expect(schemaErrors("table T {\n  x text reqired unique\n}") == ["2:10: unknown modifier 'reqired'"])
        #expect(schemaError("table T {\n  x text reqired\n}")?.hint == "did you mean 'required'?")
        #expect(schemaErrors("table T {\n  x text bogus\n  y text\n}") == ["2:10: unknown modifier 'bogus'"])
        #expect(schemaErrors("table T {\n  x text 5\n}") == ["2:10: unexpected '5' after field 'x'"])
    }

    @Test func missingTypeAfterAFieldName() {
        #expect(schemaErrors("table T {\n  x\n  y text\n}") == ["2:3: missing type after field 'x'"])
        #expect(schemaErrors("table T { a text b }") == ["1:18: unknown modifier 'b'"])
        #expect(schemaErrors("table T {\n  x = 1\n}") == ["2:5: expected a type after field 'x', found '='"])
        #expect(schemaErrors("table T {\n  text(5) x\n}") == ["2:7: expected a type after field 'text', found '('"])
    }

    @Test func unterminatedBlockPointsAtTheTable() throws {
        #expect(schemaErrors("table T {\n  a text\n") == ["1:1: the block of table 'T' is not closed"])
        let errors = schemaErrors("table A {\n  a text\ntable B {\n  b text\n}\n")
        #expect(errors == ["1:1: the block of table 'A' is not closed"])
        #expect(schemaErrors("table A {\n  a text\nreport r = count()\n") == ["1:1: the block of table 'A' is not closed"])
        #expect(schemaError("table T {\n")?.hint == "add '}' after the last field of T")
    }

    @Test func unterminatedStringAndBracedNameInSchema() {
        #expect(schemaErrors("base \"Time tracking\ntable T { a text }") == ["1:6: unterminated string"])
        #expect(schemaErrors("table T {\n  {Hours billed duration\n}") == ["2:3: unterminated braced name", "2:3: missing type after field 'Hours billed duration'"])
    }

    @Test func unexpectedTokenAtTopLevel() throws {
        let expected = "1:1: expected 'table', 'base', 'timezone', 'currency', 'locale' or 'report', found 'tabel'"
        #expect(schemaErrors("tabel T {\n  a text\n}\ntable U { b text }") == [expected])
        #expect(schemaError("tabel T {}")?.hint == "did you mean 'table'?")
        #expect(schemaErrors("table T { a text }\n}") == ["2:1: expected 'table', 'base', 'timezone', 'currency', 'locale' or 'report', found '}'"])
        #expect(schemaError("name text")?.hint == "fields go inside a table: table Name { name text }")
    }

    @Test func linkErrors() {
        #expect(schemaErrors("table T {\n  a link\n}") == ["2:5: 'link' needs a table, found '}'"])
        #expect(schemaErrors("table T {\n  a link\n  b text\n}") == ["2:5: 'link' needs a table, found 'b'"])
        #expect(schemaErrors("table T {\n  a link U[\n}") == ["2:11: '[' without ']'"])
    }

    @Test func typeArgumentErrors() {
        #expect(schemaErrors("table T {\n  a select\n}") == ["2:5: 'select' needs its options in parentheses"])
        #expect(schemaErrors("table T {\n  a tags()\n}") == ["2:9: 'tags' needs at least one option"])
        #expect(schemaErrors("table T {\n  a select(x y)\n}") == ["2:14: expected ',' or ')' in the options of 'select', found 'y'"])
        #expect(schemaErrors("table T {\n  a select(x,\n}") == ["3:1: expected an option, found '}'"])
        #expect(schemaErrors("table T {\n  a text(5)\n}") == ["2:9: type 'text' takes no arguments"])
        #expect(schemaErrors("table T {\n  a currency(5)\n}") == ["2:14: expected a currency code inside 'currency(...)', found '5'"])
        #expect(schemaErrors("table T {\n  a currency(EUR\n}") == ["2:14: expected ')' after the currency code, found '}'"])
    }

    @Test func timerErrors() {
        #expect(schemaErrors("table T {\n  t timer TimeEntries\n}") == ["2:11: expected '->' after 'timer', found 'TimeEntries'"])
        #expect(schemaErrors("table T {\n  t timer ->\n}") == ["2:11: expected the log table after 'timer ->', found '}'"])
        #expect(schemaErrors("table T {\n  t timer -> Log max\n}") == ["2:18: expected a whole number of at least 1 after 'max', found '}'"])
        #expect(schemaErrors("table T {\n  t timer -> Log max 0\n}") == ["2:22: expected a whole number of at least 1 after 'max', found '0'"])
    }

    @Test func mirrorErrors() throws {
        #expect(schemaErrors("table T {\n  m mirror total(a.b)\n}") == ["2:12: unknown aggregate 'total'"])
        #expect(schemaError("table T {\n  m mirror summ(a.b)\n}")?.hint?.hasPrefix("did you mean 'sum'?") == true)
        #expect(schemaErrors("table T {\n  m mirror sum a.b\n}") == ["2:16: expected '(' after 'sum', found 'a'"])
        #expect(schemaErrors("table T {\n  m mirror sum()\n}") == ["2:16: expected a link field inside 'sum(...)', found ')'"])
        #expect(schemaErrors("table T {\n  m mirror sum(a.b\n}") == ["3:1: expected ')' to close 'sum(', found '}'"])
        #expect(schemaErrors("table T {\n  m mirror sum(a)\n}") == ["2:16: 'sum' needs a field after the link"])
        #expect(schemaErrors("table T {\n  m mirror sum(a.b where x)\n}") == ["2:20: write the mirror's 'where' after the closing parenthesis"])
        #expect(schemaErrors("table T {\n  m mirror sum(a.b) where\n}") == ["2:21: missing condition after 'where'"])
        #expect(schemaErrors("table T {\n  m mirror last(a.b) order start\n}") == ["2:28: expected 'by' after 'order', found 'start'"])
        #expect(schemaErrors("table T {\n  m mirror\n}") == ["2:5: expected an aggregate after 'mirror', found '}'"])
    }

    @Test func expressionErrorsInsideFormulaDefaultWhereAndLock() {
        #expect(schemaErrors("table T {\n  f formula 1 +\n  g text\n}") == ["2:16: expected an expression, found the end of the line"])
        #expect(schemaErrors("table T {\n  f formula (a + b\n  g text\n}") == ["3:3: expected ')' to close the '(' at 2:13, found 'g'"])
        #expect(schemaErrors("table T {\n  f formula\n}") == ["2:5: missing expression after 'formula'"])
        #expect(schemaErrors("table T {\n  d number default * 2\n}") == ["2:20: expected an expression, found '*'"])
        #expect(schemaErrors("table T {\n  d number default\n}") == ["2:12: missing value after 'default'"])
        #expect(schemaErrors("table T {\n  m mirror sum(a.b) where x = = 1\n}") == ["2:31: expected an expression, found '='"])
        #expect(schemaErrors("table T {\n  lock when a and\n}") == ["2:18: expected an expression, found the end of the line"])
        #expect(schemaErrors("table T {\n  lock when a b\n}") == ["2:15: unexpected 'b' after the lock condition"])
    }

    @Test func modifierErrors() {
        #expect(schemaErrors("table T {\n  a link U on remove clear\n}") == ["2:15: expected 'delete' after 'on', found 'remove'"])
        #expect(schemaErrors("table T {\n  a link U on delete nullify\n}") == ["2:22: unknown delete action 'nullify'"])
        #expect(schemaErrors("table T {\n  a link U inverse\n}") == ["2:12: expected the linked table's field after 'inverse', found '}'"])
        #expect(schemaErrors("table T {\n  a text was\n}") == ["2:10: expected the field's previous name after 'was', found '}'"])
    }

    @Test func settingErrors() {
        #expect(schemaErrors("base \"A\"\ntimezone \"UTC\"\nbase \"B\"") == ["3:1: duplicate setting 'base'"])
        #expect(schemaError("base \"A\"\nbase \"B\"")?.hint == "'base' is already set on line 1")
        #expect(schemaErrors("timezone\ntable T {}") == ["1:1: missing value after 'timezone'"])
        #expect(schemaErrors("currency EUR USD") == ["1:14: unexpected 'USD' after the setting"])
    }

    @Test func tableHeaderErrors() {
        #expect(schemaErrors("table\ntable T {}") == ["1:1: expected a table name after 'table', found 'table'"])
        #expect(schemaErrors("table T\n  a text\n}\ntable U {}") == ["2:3: expected '{' after the table name, found 'a'"])
        #expect(schemaErrors("table T was {}") == ["1:13: expected the table's previous name after 'was', found '{'"])
    }

    @Test func reportErrors() {
        #expect(schemaErrors("report = count()") == ["1:8: expected a report name after 'report', found '='"])
        #expect(schemaErrors("report r count()") == ["1:10: expected '=' after the report name, found 'count'"])
        #expect(schemaErrors("report r =\ntable T {}") == ["1:10: missing query after 'report r ='"])
        #expect(schemaErrors("report r = count(where \"x)") == ["1:17: the '(' in report 'r' is not closed", "1:24: unterminated string"])
        #expect(schemaErrors("report r = sum(x) by (a,\n  b\ntable T { a text }") == ["1:22: the '(' in report 'r' is not closed"])
        #expect((try? schema("report r = sum(x) by (a,\n  b\ntable T { a text }")) == nil)
    }

    @Test func aCheckIsATableOptionWithAConditionAndAMessageWhileCheckWithATypeIsAField() throws {
        let file = try schema("""
        table TimeEntries {
          start datetime
          end   datetime
          check is_blank(end) or end >= start else "the interval ends before it starts"
          check (start >
            2026-01-01) else 'too early'  note text
        }
        table T { check bool  check date }
        """)
        let options = file.tables[0].options.map(\.withoutSourceRanges)
        #expect(options.count == 2)
        guard case .check(let condition, let message, _) = options[0] else { Issue.record("not a check: \(options[0])"); return }
        #expect(condition.sourceText == "is_blank(end) or end >= start")
        #expect(message == "the interval ends before it starts")
        guard case .check(_, let second, _) = options[1] else { Issue.record("not a check: \(options[1])"); return }
        #expect(second == "too early")
        #expect(file.tables[0].fields.map(\.name.text) == ["start", "end", "note"])
        #expect(file.tables[1].fields.map(\.name.text) == ["check", "check"])
    }

    @Test func aCheckWithoutItsMessageSaysHowToWriteIt() {
        #expect(schemaErrors("table T {\n  n number\n  check n > 0 else\n}") == ["3:15: expected the message (a string) after 'else', found the end of the line"])
        #expect(schemaErrors("table T {\n  n number\n  check n > 0 else \"\"\n}") == ["3:20: the check's message is empty"])
    }

    @Test func severalErrorsInOneFileAreAllReported() {
        let text = """
        base "A"
        base "B"
        table Clients {
          name  txt required
          hours mirror summ(projects.hours)
          rate  currency reqired
          link  link
          ok    text
        }
        tabel Oops {
        }
        table Projects {
          when  formula 1 +
          due   date default 2026-02-30
        """
        #expect(schemaErrors(text) == [
            "2:1: duplicate setting 'base'",
            "4:9: unknown type 'txt'",
            "5:16: unknown aggregate 'summ'",
            "6:18: unknown modifier 'reqired'",
            "7:9: 'link' needs a table, found 'ok'",
            "10:1: expected 'table', 'base', 'timezone', 'currency', 'locale' or 'report', found 'tabel'",
            "12:1: the block of table 'Projects' is not closed",
            "13:20: expected an expression, found the end of the line",
            "14:30: day 30 is out of range: 2026-02 has days 1 to 28",
        ])
    }
}
