import Testing
@testable import TabulaLanguage

/// The schema syntax timers rely on: `people`, `approver`, `pomodoro` settings and `inherit`.
@Suite struct TimerSchemaSyntaxTests {
    @Test func timerSettingsParseAndPrintBack() throws {
        let file = try schema("people People\napprover lead\npomodoro 50m 10m\n")
        #expect(file.settings.map(\.key) == [.people, .approver, .pomodoro])
        #expect(file.settings.map(\.value) == ["People", "lead", "50m 10m"])
        #expect(SchemaPrinter.print(file) == "people People\napprover lead\npomodoro 50m 10m\n")
    }

    @Test func pomodoroNeedsTwoDurations() throws {
        let error = try #require(schemaError("pomodoro 25m\n"))
        #expect(error.message == "'pomodoro' needs a focus and a break length")
        #expect(error.hint == "write it as pomodoro 25m 5m")
        #expect(!schemaErrors("pomodoro 25m 5m 1m\n").isEmpty)
    }

    @Test func inheritListsFieldsOnItsOwnLineOrAfterAField() throws {
        let file = try schema("""
        table TimeEntries {
          task    link Tasks
          stream  tags(a, b)
          inherit stream, project
        }
        table Other { a text  inherit a }
        """)
        #expect(file.tables[0].options.map(\.withoutSourceRanges) == [.inherit([Name("stream"), Name("project")], range: .none)])
        #expect(file.tables[0].fields.count == 2)
        #expect(file.tables[1].options.map(\.withoutSourceRanges) == [.inherit([Name("a")], range: .none)])
        #expect(SchemaPrinter.print(file).contains("  inherit stream, project\n"))
    }

    @Test func inheritFollowedByATypeIsAFieldNamedInherit() throws {
        let file = try schema("table T { inherit text\n  inherit tags(x, y) }")
        #expect(file.tables[0].fields.map(\.name.text) == ["inherit", "inherit"])
        #expect(file.tables[0].options.isEmpty)
    }

    @Test func inheritWithADanglingCommaIsAnError() {
        #expect(schemaErrors("table T { a text\n  inherit a, }").count == 1)
    }
}
