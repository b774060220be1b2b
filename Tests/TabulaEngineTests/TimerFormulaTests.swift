import Foundation
import Testing
import TabulaLanguage
@testable import TabulaEngine

/// `timer.running` and `timer.elapsed` in formulas: read from the running intervals when the
/// formula is read, never stored stale; the timer field itself is the total of closed intervals.
@Suite struct TimerFormulaTests {
    static let schema = """
    timezone "Europe/Berlin"
    table Tasks {
      title    text required
      timer    timer -> Log
      entries  link Log[] inverse task
      live     formula timer.running
      running  formula timer.elapsed
      total    formula timer + timer.elapsed
    }
    table Log {
      task     link Tasks
      start    datetime
      end      datetime
      by       author
    }
    """

    @Test func runningAndElapsedFollowTheClockWhileTheTotalCountsClosedIntervals() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("timer-formula-\(UUID().uuidString).db").path
        let nine = Instant(millisecondsSinceEpoch: 1_795_680_000_000)  // 2026-11-26 05:20 UTC
        let base = try Base.create(at: path, schemaSource: Self.schema, sourceName: "t.tabula", actor: "anna", now: { nine })
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        _ = try base.write { try $0.insert(into: "Tasks", rows: [[TextAssignment(field: "title", text: "Design")]]) }.value
        let tasks = try base.table(named: "Tasks")
        func read(_ name: String) throws -> Value {
            let record = try base.rows(of: tasks, ids: [1])[0]
            return record.values[tasks.fields.firstIndex { $0.name == name }!]
        }
        #expect(try read("live") == .bool(false))
        #expect(try read("running") == .duration(0))

        _ = try base.write { try $0.startTimer(table: "Tasks", row: "Design") }.value
        base.now = { Instant(millisecondsSinceEpoch: nine.millisecondsSinceEpoch + 25 * 60_000) }
        #expect(try read("live") == .bool(true))
        #expect(try read("running") == .duration(25 * 60))
        #expect(try read("total") == .duration(25 * 60))

        base.now = { Instant(millisecondsSinceEpoch: nine.millisecondsSinceEpoch + 90 * 60_000) }
        _ = try base.write { try $0.stopTimer(table: "Tasks", row: "Design") }.value
        #expect(try read("live") == .bool(false))
        #expect(try read("timer") == .duration(90 * 60))
        #expect(try read("total") == .duration(90 * 60))
        #expect(try base.integrity.check().isEmpty)
    }

    @Test func aTimerHasOnlyRunningAndElapsed() throws {
        let source = Self.schema.replacingOccurrences(of: "timer.running", with: "timer.paused")
        do {
            _ = try SchemaCompiler.compile(source: SourceText(name: "t.tabula", text: source))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("a timer field has only .running and .elapsed, not '.paused'"), "\(error.description)")
            #expect(error.description.contains("t.tabula:6:"), "\(error.description)")
        }
    }
}

@Suite struct VolatileFormulaTests {
    @Test func aFormulaReadingTheClockIsComputedWhenRead() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("volatile-\(UUID().uuidString).db").path
        let friday = Instant(millisecondsSinceEpoch: 1_795_680_000_000)  // 2026-11-26 in Berlin
        let base = try Base.create(at: path, schemaSource: "timezone \"Europe/Berlin\"\ntable T {\n  due date\n  today formula due = today()\n}\n",
                                   sourceName: "t.tabula", actor: "test", now: { friday })
        defer { base.close(); try? FileManager.default.removeItem(atPath: path) }
        _ = try base.write { try $0.insert(into: "T", rows: [[TextAssignment(field: "due", text: "2026-11-26")]]) }.value
        let table = try base.table(named: "T")
        #expect(try base.rows(of: table)[0].values[1] == .bool(true))
        base.now = { Instant(millisecondsSinceEpoch: friday.millisecondsSinceEpoch + 86_400_000) }
        #expect(try base.rows(of: table)[0].values[1] == .bool(false))
    }
}
