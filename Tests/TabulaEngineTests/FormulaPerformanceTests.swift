import Foundation
import Testing
import TabulaEngine

@Suite("Formula evaluation speed")
struct FormulaPerformanceTests {
    /// Compiled closures must evaluate a simple formula well over a million times a second
    /// (measured in optimized builds; debug builds get a tenth of the target).
    @Test func simpleFormulasAreFast() throws {
        let f = try compileFormula("if(hours > 50h, pieces * 2 + 1, 0)")
        var inputs = TestInputs(slots: [.duration(0), .integer(0)], now: testNow, context: FormulaFixture.schema.valueContext)
        #expect(f.paths == [[23], [25]])
        let n = 200_000
        let start = Date()
        var total: Int64 = 0
        for i in 0..<n {
            inputs.slots[0] = .duration(Int64(i % 100) * 3600)
            inputs.slots[1] = .integer(Int64(i))
            if case .integer(let v) = f.evaluate(inputs) { total &+= v }
        }
        let rate = Double(n) / Date().timeIntervalSince(start)
        #expect(total > 0)
        #if DEBUG
        #expect(rate > 100_000, "\(Int(rate)) evaluations/s")
        #else
        #expect(rate > 1_000_000, "\(Int(rate)) evaluations/s")
        #endif
    }
}
