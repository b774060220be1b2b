import Testing
import TabulaEngine
import TabulaLanguage
import TabulaReports

/// Bad queries and bad report declarations: each a located error with a hint.
@Suite struct ReportErrorTests {
    static let schema: Schema = try! SchemaCompiler.compile(source: SourceText(name: "reports.tabula", text: reportSchema), reportChecker: ReportChecker())

    /// The first error of a query, as `line:column: message (hint)`.
    func firstError(_ query: String) -> String? {
        do {
            _ = try ReportChecker.check(source: SourceText(name: "<query>", text: query), schema: Self.schema)
            return nil
        } catch {
            guard let d = error.diagnostics.first else { return "no diagnostic" }
            return "\(d.range.start.line):\(d.range.start.column): \(d.message)" + (d.hint.map { " (\($0))" } ?? "")
        }
    }

    @Test func unknownFieldGetsADidYouMean() {
        #expect(firstError("sum(duraton) by person") == "1:5: table Entries has no field 'duraton' (did you mean 'duration'?)")
        #expect(firstError("sum(duration) by project.clent") == "1:26: table Projects has no field 'clent' (did you mean 'client'?)")
    }

    @Test func unknownTableGetsADidYouMean() {
        #expect(firstError("count() from Entrys") == "1:14: there is no table 'Entrys' (did you mean 'Entries'?)")
    }

    @Test func typeErrorInWhereIsLocatedAtTheOperator() {
        let e = firstError("sum(duration) by person where duration > 5")
        #expect(e?.hasPrefix("1:40: cannot compare duration with integer") == true)
        #expect(firstError("sum(duration) where note") == "1:21: 'where' needs a condition (true or false), but this is text (compare something, e.g. where category = billable)")
    }

    @Test func havingOnANonMeasureIsRefused() {
        #expect(firstError("sum(duration) as hours by person having person = \"anna\"")
                == "1:41: 'having' filters groups by their measures; 'person' is a group (to keep some rows only, use where: where person = ...)")
        #expect(firstError("sum(duration) as hours by person having duration > 1h")?.hasPrefix("1:41: 'having' filters groups by their measures; 'duration' is a field of each row") == true)
        #expect(firstError("sum(duration) as hours by person having hour > 1h") == "1:41: no measure is called 'hour' (did you mean 'hours'?)")
    }

    @Test func malformedPeriodIsASyntaxError() {
        #expect(firstError("sum(duration) for 2026-11-31")?.hasPrefix("1:27: day 31 is out of range") == true)
        #expect(firstError("sum(duration) for 2026-12..2026-11")?.hasPrefix("1:19: the period ends before it starts") == true)
        #expect(firstError("sum(duration) for next week")?.hasPrefix("1:19: expected a period, found 'next'") == true)
    }

    @Test func measuresMustAggregate() {
        #expect(firstError("duration by person")?.hasPrefix("1:1: 'duration' is read on each row; a measure aggregates rows") == true)
        #expect(firstError("sum(end - start)")?.hasPrefix("1:5: an aggregate reads a field or a relation path, not an expression") == true)
        #expect(firstError("sum(note)") == "1:5: sum cannot add up values of type text (count(note) counts them)")
        #expect(firstError("sum()") == "1:1: sum needs the field it aggregates (sum(duration))")
        #expect(firstError("sum(duration) + 1h") == nil)
    }

    @Test func spanNeedsAPeriodOrABucket() {
        #expect(firstError("sum(duration) / weeks() by person")?.hasPrefix("1:17: weeks() counts the days of a row's period, and this query has none") == true)
    }

    @Test func bucketNeedsATimeField() {
        #expect(firstError("count() from People per week")
                == "1:21: table 'People' has no time field to bucket by (name it in the schema, inside table People { ... }: time field NAME)")
    }

    @Test func orderByAnUnknownColumn() {
        #expect(firstError("sum(duration) as hours by person order by hour") == "1:43: the result has no column 'hour' to order by (did you mean 'hours'?)")
    }

    @Test func groupingByAFieldOfAMultipleLinkPath() {
        let schema = try! SchemaCompiler.compile(source: SourceText(name: "s.tabula", text: """
            table A { name text  bs link B[] }
            table B { name text }
            """))
        do {
            _ = try ReportChecker.check(source: SourceText(name: "<q>", text: "count() from A by bs.name"), schema: schema)
            Issue.record("a path through a multiple link was accepted")
        } catch {
            #expect(error.diagnostics.first?.message == "'bs' links to many rows; a path cannot go through it")
        }
    }

    // MARK: - Schema declarations

    func schemaError(_ text: String) -> String? {
        do {
            _ = try SchemaCompiler.compile(source: SourceText(name: "s.tabula", text: text), reportChecker: ReportChecker())
            return nil
        } catch {
            guard let d = error.diagnostics.first else { return "no diagnostic" }
            return "\(d.range.start.line):\(d.range.start.column): \(d.message)" + (d.hint.map { " (\($0))" } ?? "")
        }
    }

    @Test func timeFieldMustBeADateOrDatetimeOfTheTable() {
        #expect(schemaError("table T {\n  note text\n  time field note\n}") == "3:14: the time field must be a date or a datetime, but 'note' is text (name a date or datetime field of T, such as its start)")
        #expect(schemaError("table T {\n  start datetime\n  time field strat\n}") == "3:14: table 'T' has no field 'strat' to be its time field (did you mean 'start'?)")
    }

    @Test func reportTableMustExist() {
        #expect(schemaError("report from Entrys\ntable Entries { start datetime }") == "1:13: there is no table 'Entrys' to report from (did you mean 'Entries'?)")
    }

    @Test func savedReportsAreCheckedWhereTheSchemaSaysThem() {
        let text = "report from T\ntable T {\n  start datetime\n  hours duration\n  time field start\n}\nreport r = sum(hours)\n  by strat\n"
        #expect(schemaError(text) == "8:6: table T has no field 'strat' (did you mean 'start'?)")
        do {
            _ = try SchemaCompiler.compile(source: SourceText(name: "s.tabula", text: text), reportChecker: ReportChecker())
        } catch {
            #expect(error.description.contains("s.tabula:8:6: error: table T has no field 'strat'\n    by strat\n       ^~~~~"))
        }
    }

    @Test func theModelCarriesTheDeclarations() throws {
        let entries = try #require(Self.schema.table(named: "Entries"))
        #expect(Self.schema.reportTable == entries.id)
        #expect(entries.timeField == entries.field(named: "start")?.id)
        #expect(Self.schema.reports.map(\.name) == ["weekly", "margins"])
    }
}
