import Testing
@testable import TabulaLanguage

@Suite struct ReportParserTests {
    @Test func measuresWithNamesAndClausesInAnyOrder() throws {
        let q = try report("sum(duration) as hours, count() as entries where manual by person, task.project.client per week for 2026-11 from TimeEntries")
        #expect(q.measures.map { shape($0.expression) } == ["sum(duration)", "count()"])
        #expect(q.measures.map { $0.alias?.text } == ["hours", "entries"])
        #expect(q.dimensions.map { $0.path.map(\.text).joined(separator: ".") } == ["person", "task.project.client"])
        #expect(q.bucket?.unit == .week)
        #expect(q.period?.kind == .literal(.month(year: 2026, month: 11)))
        #expect(q.table?.text == "TimeEntries")
        #expect(q.filter.map(shape) == "manual")
    }

    @Test func filteredAggregatesAndArithmeticBetweenMeasures() throws {
        let q = try report("sum(duration where category = billable) / sum(duration) as share, sum(amount) - sum(cost) as margin by client")
        #expect(shape(q.measures[0].expression) == "(/ sum(duration where (= category billable)) sum(duration))")
        #expect(shape(q.measures[1].expression) == "(- sum(amount) sum(cost))")
    }

    @Test func everyPeriodForm() throws {
        func period(_ text: String) throws -> ReportPeriod.Kind? { try report("count() for \(text)").period?.kind }
        #expect(try period("2026-11") == .literal(.month(year: 2026, month: 11)))
        #expect(try period("2026-W47") == .literal(.week(year: 2026, week: 47)))
        #expect(try period("2026-Q4") == .literal(.quarter(year: 2026, quarter: 4)))
        #expect(try period("2026") == .literal(.year(2026)))
        #expect(try period("2026-11-20") == .literal(.day(year: 2026, month: 11, day: 20)))
        #expect(try period("2026-11-16..2026-11-22") == .between(.day(year: 2026, month: 11, day: 16), .day(year: 2026, month: 11, day: 22)))
        #expect(try period("2025..2026") == .between(.year(2025), .year(2026)))
        #expect(try period("2026-W45..2026-W47") == .between(.week(year: 2026, week: 45), .week(year: 2026, week: 47)))
        #expect(try period("this month") == .this(.month))
        #expect(try period("last week") == .last(1, .week))
        #expect(try period("last 4 weeks") == .last(4, .week))
        #expect(try period("last 3 months") == .last(3, .month))
        #expect(try period("today") == .this(.day))
        #expect(try period("yesterday") == .last(1, .day))
    }

    @Test func havingOrderAndLimit() throws {
        let q = try report("sum(duration) as hours by person per week for last 4 weeks having hours > 50h order by hours desc, person limit 10")
        #expect(q.having.map(shape) == "(> hours dur(180000))")
        #expect(q.orderBy.map(\.text) == ["hours", "person"])
        #expect(q.orderBy.map(\.descending) == [true, false])
        #expect(q.limit?.count == 10)
    }

    @Test func malformedPeriodIsLocatedWithAHint() throws {
        #expect(reportErrors("sum(duration) for next week") == ["1:19: expected a period, found 'next'"])
        #expect(reportErrors("sum(duration) for 2026-13") == ["1:24: month 13 is out of range (1 to 12)"])
        #expect(reportErrors("sum(duration) for this fortnight") == ["1:24: expected day, week, month, quarter or year after 'this', found 'fortnight'"])
        #expect(reportErrors("sum(duration) for 2026-11-16.2026-11-22") == ["1:29: expected '..' between the two ends of a period"])
    }

    @Test func misspelledClauseGetsADidYouMean() throws {
        do {
            _ = try report("sum(duration) bye person")
            Issue.record("a misspelled clause was accepted")
        } catch {
            #expect(error.diagnostics.first?.message == "unexpected 'bye'")
            #expect(error.diagnostics.first?.hint == "did you mean 'by'?")
            #expect(error.description.contains("<query>:1:15: error: unexpected 'bye'"))
        }
    }

    @Test func emptyQueriesAndMissingPartsAreErrors() {
        #expect(reportErrors("") == ["1:1: the query is empty"])
        #expect(reportErrors("by person") == ["1:1: expected a measure before 'by'"])
        #expect(reportErrors("sum(duration) by") == ["1:17: expected a field or a relation path to group by, found the end of the text"])
        #expect(reportErrors("sum(duration) per fortnight") == ["1:19: expected day, week, month, quarter or year after 'per', found 'fortnight'"])
        #expect(reportErrors("sum(duration) by person by task") == ["1:25: 'by' appears twice"])
        #expect(reportErrors("sum(duration) limit 0") == ["1:21: expected a whole number of at least 1 after 'limit', found '0'"])
        #expect(reportErrors("sum(duration) order hours") == ["1:21: expected 'by' after 'order', found 'hours'"])
    }

    @Test func savedQueryIsParsedInPlaceWithFileLocations() throws {
        let text = "report from TimeEntries\nreport hours = sum(duration) as hours\n  by persn fr 2026-11\n"
        let source = SourceText(name: "s.tabula", text: text)
        let file = try SchemaParser.parse(source)
        #expect(file.reportTable?.table.text == "TimeEntries")
        do {
            _ = try ReportParser.parse(source, range: file.reports[0].queryRange)
            Issue.record("a misspelled clause was accepted")
        } catch {
            #expect(error.diagnostics.map(brief) == ["3:12: unexpected 'fr'"])
            #expect(error.description.hasPrefix("s.tabula:3:12: error: unexpected 'fr'"))
        }
    }

    @Test func timeFieldAndReportTableRoundTripThroughThePrinter() throws {
        let text = "report from Entries\ntable Entries {\n  start datetime\n  time field start\n}\nreport r = count() by start\n"
        let file = try schema(text)
        guard case .timeField(let name, _) = try #require(file.tables.first?.options.first) else {
            Issue.record("no time field option"); return
        }
        #expect(name.text == "start")
        let printed = SchemaPrinter.print(file)
        #expect(printed.contains("report from Entries\n"))
        #expect(printed.contains("  time field start\n"))
        #expect(try schema(printed).withoutSourceRanges == file.withoutSourceRanges)
    }

    @Test func aReportCalledFromIsStillASavedReport() throws {
        let file = try schema("report from = count()\n")
        #expect(file.reportTable == nil)
        #expect(file.reports.map(\.name.text) == ["from"])
    }

    @Test func timeFieldTwiceAndReportFromTwiceAreErrors() {
        #expect(schemaErrors("table T { a date  b date  time field a  time field b }") == ["1:41: table 'T' names its time field twice"])
        #expect(schemaErrors("report from A\nreport from B\n") == ["2:1: the default report table is named twice"])
        #expect(schemaErrors("table T { a date\n  time field\n}") == ["2:8: expected the name of a date or datetime field after 'time field', found '}'"])
    }
}

extension ReportParserTests {
    /// Found by the report fuzzer: a four-character number whose last digit carries a
    /// combining mark passed as a year and crashed on `Int(_:)`.
    @Test func aYearWithANonASCIIDigitIsAnErrorNotACrash() {
        for text in ["sum(duration) for 405\u{64F}", "sum(duration) for 20\u{0662}6", "sum(duration) for 2026..405\u{64F}"] {
            #expect(throws: SourceErrors.self) { try ReportParser.parse(SourceText(name: "<query>", text: text)) }
        }
        #expect(throws: Never.self) { try ReportParser.parse(SourceText(name: "<query>", text: "sum(duration) for 2026")) }
    }
}
