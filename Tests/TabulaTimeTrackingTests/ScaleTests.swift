import Testing
import TabulaTimeTracking

/// Scaling a reference day's entries to a day's hours (`tabula copy-day`).
@Suite struct ScaleTests {
    /// A small deterministic generator, so the cases are many and reproducible.
    struct Generator {
        var state: UInt64
        mutating func next(_ range: ClosedRange<Int64>) -> Int64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return range.lowerBound + Int64((state >> 33) % UInt64(range.upperBound - range.lowerBound + 1))
        }
    }

    @Test("scaled lengths sum exactly to the target, are whole steps but for one, and stay close to proportional")
    func sumsExactly() {
        var random = Generator(state: 42)
        for _ in 0..<500 {
            let weights = (0..<Int(random.next(1...8))).map { _ in random.next(1...36_000) }
            let step = [60, 300, 900, 1800][Int(random.next(0...3))] as Int64
            let target = random.next(1...43_200)
            let lengths = Templates.scale(weights, to: target, step: step)
            #expect(lengths.reduce(0, +) == target, "\(weights) to \(target) by \(step): \(lengths)")
            #expect(lengths.filter { $0 % step != 0 }.count <= 1)
            let total = Double(weights.reduce(0, +))
            for (w, l) in zip(weights, lengths) {
                // Within one step of the exact share, plus the part of a step the target leaves over.
                #expect(abs(Double(l) - Double(target) * Double(w) / total) <= Double(step) + Double(target % step))
            }
        }
    }

    @Test("equal weights split a target of whole steps evenly, the earlier entries taking the odd step")
    func ties() {
        #expect(Templates.scale([3600, 3600, 3600], to: 4 * 3600, step: 900) == [5400, 4500, 4500])
        #expect(Templates.scale([1, 1], to: 1800, step: 900) == [900, 900])
        #expect(Templates.scale([], to: 3600, step: 900) == [])
        #expect(Templates.scale([0, 0], to: 3600, step: 900) == [0, 0])
    }
}
