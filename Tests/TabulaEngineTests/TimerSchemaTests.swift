import Testing
import TabulaLanguage
@testable import TabulaEngine

/// Schema checks for timers, `inherit`, `lock when` and the people / approver / pomodoro settings.
@Suite struct TimerSchemaTests {
    static let valid = """
    people People
    approver lead
    pomodoro 50m 10m
    table People { name text required  role select(member, lead) }
    table Tasks {
      title   text
      stream  tags(a, b)
      timer   timer -> Log max 3
      entries link Log[] inverse task
    }
    table Log {
      task    link Tasks
      person  link People
      start   datetime
      end     datetime
      mode    select(stopwatch, pomodoro)
      stream  tags(a, b)
      done    bool
      inherit stream
      lock when done
    }
    """

    func compile(_ text: String) throws -> Schema {
        try SchemaCompiler.compile(source: SourceText(name: "t.tabula", text: text))
    }

    func errors(_ text: String) -> [String] {
        do { _ = try SchemaCompiler.compile(source: SourceText(name: "t.tabula", text: text)); return [] } catch {
            return error.diagnostics.map(\.message)
        }
    }

    @Test func aCompleteTimerSchemaResolvesItsRoles() throws {
        let schema = try compile(Self.valid)
        #expect(schema.pomodoro == PomodoroLengths(focus: 3000, pause: 600))
        #expect(schema.approverRole == "lead")
        #expect(schema.peopleTable == schema.table(named: "People")?.id)
        let roles = try #require(schema.timers.first)
        let log = try #require(schema.table(named: "Log"))
        #expect(roles.maxRunning == 3)
        #expect(roles.back == log.field(named: "task")?.id)
        #expect(roles.author == .person(log.field(named: "person")!.id, peopleTable: schema.peopleTable!))
        #expect(roles.mode == log.field(named: "mode")?.id)
        #expect(log.inheritedFields == [log.field(named: "stream")!.id])
    }

    @Test func aTimerWithoutTheInverseLinkIsRefusedWithTheFieldToAdd() throws {
        let text = Self.valid.replacingOccurrences(of: "  entries link Log[] inverse task\n", with: "")
        #expect(errors(text) == ["Tasks needs the inverse of Log.task, so the timer's total follows its intervals"])
    }

    @Test func aLogWithoutAnAuthorIsRefused() {
        let text = Self.valid.replacingOccurrences(of: "people People\napprover lead\n", with: "")
        #expect(errors(text) == ["the log table Log of timer Tasks.timer needs an author: a link to the people table or an author field"])
    }

    @Test func inheritingAnUnknownOrMismatchedFieldIsRefused() {
        #expect(errors(Self.valid.replacingOccurrences(of: "inherit stream", with: "inherit strem")).first == "table 'Log' has no field 'strem' to inherit")
        #expect(errors(Self.valid.replacingOccurrences(of: "pomodoro)\n  stream  tags(a, b)", with: "pomodoro)\n  stream  tags(a, c)"))
            == ["Log.stream is tags(a, c) but Tasks.stream is tags(a, b)"])
    }

    @Test func anApproverRoleMustBeAnOptionOfTheRoleField() {
        #expect(errors(Self.valid.replacingOccurrences(of: "approver lead", with: "approver boss")) == ["People.role has no option 'boss'"])
    }

    @Test func aLockConditionMustBeTrueOrFalse() {
        #expect(errors(Self.valid.replacingOccurrences(of: "lock when done", with: "lock when start")) == ["the lock condition of Log gives datetime, not true or false"])
    }
}
