import Foundation
import Testing
import TabulaEngine

/// Speed is measured by the benchmark command, not here; this checks the compiled closure's
/// results over many evaluations with changing inputs.
@Suite("Formula evaluation over many rows")
struct FormulaPerformanceTests {
    @Test func compiledFormulaGivesTheRightValueForEveryRow() throws {
        let f = try compileFormula("if(hours > 50h, pieces * 2 + 1, 0)")
        var inputs = TestInputs(slots: [.duration(0), .integer(0)], now: testNow, context: FormulaFixture.schema.valueContext)
        #expect(f.paths == [[23], [25]])
        for i in 0..<20_000 {
            let hours = Int64(i % 100)
            inputs.slots[0] = .duration(hours * 3600)
            inputs.slots[1] = .integer(Int64(i))
            let expected: Value = hours > 50 ? .integer(Int64(i) * 2 + 1) : .integer(0)
            if f.evaluate(inputs) != expected {
                Issue.record("row \(i): got \(f.evaluate(inputs)), expected \(expected)")
                break
            }
        }
    }
}
