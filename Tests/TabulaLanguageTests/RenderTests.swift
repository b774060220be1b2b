import Testing
@testable import TabulaLanguage

@Suite struct RenderTests {
    @Test func schemaErrorsRenderWithFileLineColumnCaretAndHint() {
        let text = "table Clients {\n  name  text\n  hours mirror summ(projects.hours)\n"
        do {
            _ = try SchemaParser.parse(SourceText(name: "clients.tabula", text: text))
            Issue.record("parsed")
        } catch {
            #expect(error.description == """
            clients.tabula:1:1: error: the block of table 'Clients' is not closed
              table Clients {
              ^~~~~
              hint: add '}' after the last field of Clients
            clients.tabula:3:16: error: unknown aggregate 'summ'
                hours mirror summ(projects.hours)
                             ^~~~
              hint: did you mean 'sum'? the aggregates are sum, count, count_all, avg, min, max, median, list, unique, concat, first, last, any, all
            """)
        }
    }

    @Test func endOfLineErrorPointsJustAfterTheLastToken() {
        do {
            _ = try SchemaParser.parse(SourceText(name: "s.tabula", text: "table T {\n  f formula a +\n}"))
            Issue.record("parsed")
        } catch {
            #expect(error.description == """
            s.tabula:2:16: error: expected an expression, found the end of the line
                f formula a +
                             ^
              hint: an expression continues onto the next line only inside brackets
            """)
        }
    }
}
