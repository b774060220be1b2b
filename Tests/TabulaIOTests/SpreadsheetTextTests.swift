import Foundation
import Testing
import TabulaEngine
@testable import TabulaIO

/// CSV that a spreadsheet opens shows a formula-looking note as text, and numbers as numbers.
@Suite struct SpreadsheetTextTests {
    let context = ValueContext(timeZone: "UTC", currency: "EUR", locale: "en")

    static let dangerous = ["=HYPERLINK(\"http://x.test\",\"click\")", "+1+2", "-2+3", "@SUM(A1:A2)", "\tcmd", "\rcmd", "=1,2"]

    @Test("a text cell that starts with = + - @ tab or CR is quoted with a leading ' in a result CSV; safe text stays as it was")
    func resultCSVNeutralizesFormulaText() {
        let table = ResultTable(columns: [ResultColumn(name: "note", type: .text)],
                                rows: (Self.dangerous + ["plain", "a=b", "1-2"]).map { [.text($0)] })
        let lines = Renderer.csv(table, context: context).components(separatedBy: "\r\n")
        #expect(lines[1] == "\"'=HYPERLINK(\"\"http://x.test\"\",\"\"click\"\")\"")
        #expect(lines[2] == "\"'+1+2\"")
        #expect(lines[3] == "\"'-2+3\"")
        #expect(lines[4] == "\"'@SUM(A1:A2)\"")
        #expect(lines[5] == "\"'\tcmd\"")
        #expect(lines[6] == "\"'\rcmd\"")
        #expect(lines[7] == "\"'=1,2\"")
        #expect(Array(lines[8...10]) == ["plain", "a=b", "1-2"])
    }

    @Test("negative numbers, money, durations and percents stay numbers in CSV: the type decides, not the text")
    func numericCellsStayNumbers() {
        let table = ResultTable(columns: [ResultColumn(name: "n", type: .number), ResultColumn(name: "i", type: .integer),
                                          ResultColumn(name: "fee", type: .currency("EUR")), ResultColumn(name: "d", type: .duration),
                                          ResultColumn(name: "label", type: .text)],
                                rows: [[.number(-1.5), .integer(-3), .money(Money(minorUnits: -150_050, currency: "EUR")), .duration(-1800), .text("-1.5")]])
        let lines = Renderer.csv(table, context: context).components(separatedBy: "\r\n")
        let fields = lines[1].split(separator: ",").map(String.init)
        #expect(fields[0] == "-1.5")
        #expect(fields[1] == "-3")
        #expect(fields[2].hasPrefix("-1500.50"))
        #expect(fields[3] == "-0:30")
        // The same characters in a text cell are text, so they are neutralized.
        #expect(fields[4] == "\"'-1.5\"")
    }

    @Test("a header that looks like a formula is neutralized too")
    func headersAreText() {
        let table = ResultTable(columns: [ResultColumn(name: "=x", type: .text)], rows: [])
        #expect(Renderer.csv(table, context: context).hasPrefix("\"'=x\"\r\n"))
    }

    @Test("delimited text: text fields are neutralized whatever the separator, literal fields are written as given")
    func delimitedText() {
        let data = DelimitedText.render(fields: [[.text("=cmd"), .literal("-1,50"), .text("ok"), .text("@x;y")]], separator: ";")
        #expect(String(decoding: data, as: UTF8.self) == "\"'=cmd\";-1,50;ok;\"'@x;y\"\r\n")
    }

    @Test("XLSX writes formula-looking text as an inline string cell, never as a formula")
    func xlsxKeepsText() throws {
        let sheet = Worksheet(name: "S", header: ["note"], rows: Self.dangerous.map { [.text($0)] })
        var styles = XLSXWriter.StyleBook()
        let xml = XLSXWriter.worksheet(sheet, styles: &styles)
        #expect(!xml.contains("<f>") && !xml.contains("<f "))
        #expect(xml.contains("t=\"inlineStr\"><is><t xml:space=\"preserve\">=HYPERLINK("))
        let table = ResultTable(columns: [ResultColumn(name: "note", type: .text), ResultColumn(name: "n", type: .number)],
                                rows: Self.dangerous.map { [.text($0), .number(-1)] })
        let reportXML = XLSXWriter.worksheet(table, context: context, styles: &styles)
        #expect(!reportXML.contains("<f>") && !reportXML.contains("<f "))
        #expect(reportXML.contains("t=\"inlineStr\"><is><t xml:space=\"preserve\">@SUM(A1:A2)</t>"))
        #expect(reportXML.contains("<v>-1.0</v>"))
    }
}
