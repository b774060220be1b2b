import Foundation
import Testing
import TabulaEngine
@testable import TabulaIO

/// The terminal table: the rows shown add up to the total shown.
@Suite struct RendererTests {
    let context = ValueContext(timeZone: "UTC", currency: "EUR", locale: "en")

    func report(_ seconds: [Int64], total: Int64) -> ResultTable {
        ResultTable(columns: [ResultColumn(name: "person", type: .text), ResultColumn(name: "hours", type: .duration)],
                    rows: seconds.enumerated().map { [.text("p\($0.offset)"), .duration($0.element)] },
                    totals: [.blank, .duration(total)], roundsForReading: true)
    }

    @Test func durationsWithSecondsShowSecondsInEveryRowAndTheTotalSoTheyAddUp() {
        // 1:14:40 + 3:47:40 + 3:47:40 = 8:50:00; rounded to minutes the rows read 1:15 + 3:48 + 3:48 = 8:51.
        let out = Renderer.terminal(report([4480, 13660, 13660], total: 31800), context: context)
        #expect(out.contains("1:14:40"))
        #expect(out.contains("3:47:40"))
        #expect(out.contains("8:50:00"))
        #expect(!out.contains("1:15\n"))
    }

    @Test func wholeMinuteDurationsStayInHoursAndMinutes() {
        let out = Renderer.terminal(report([3600, 5400], total: 9000), context: context)
        #expect(out.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.contains("total    2:30"))
        #expect(out.contains("1:30"))
        #expect(!out.contains("1:30:00"))
    }
}

extension RendererTests {
    @Test func moneyIsGroupedInTheTerminalTableAndPlainInCSVAndJSON() {
        let table = ResultTable(columns: [ResultColumn(name: "fee", type: .currency("EUR"))],
                                rows: [[.money(Money(minorUnits: 1_367_917, currency: "EUR"))], [.money(Money(minorUnits: -150_050, currency: "EUR"))]])
        let terminal = Renderer.terminal(table, context: context)
        #expect(terminal.contains("13 679.17 EUR"))
        #expect(terminal.contains("-1 500.50 EUR"))
        #expect(Renderer.csv(table, context: context).contains("13679.17 EUR"))
        #expect(Renderer.json(table, context: context).contains("\"13679.17\""))
    }
}

extension RendererTests {
    @Test func csvDurationsShareOneFormatInAFile() {
        let csv = Renderer.csv(report([3600, 45], total: 3645), context: context)
        #expect(csv == "person,hours\r\np0,1:00:00\r\np1,0:00:45\r\n")
    }
}
