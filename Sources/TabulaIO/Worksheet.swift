import Foundation
import TabulaEngine

/// A sheet of cells whose types and number formats the writer of a file chose (an export
/// template), for `XLSXWriter.workbook(_:)`: an optional title line, a header row, the rows, an
/// optional totals row, and column widths.
public struct Worksheet: Sendable, Hashable {
    /// One cell.
    public enum Cell: Sendable, Hashable {
        case blank
        case text(String)
        /// A number as its exact decimal text (`12.5`, `-0.25`: no binary rounding on the way),
        /// shown with a number format code such as `0.00` or `#,##0.00`.
        case number(String, format: String)
        /// A day, shown with a date format code such as `dd.mm.yyyy`.
        case date(CivilDate, format: String)
    }

    public var name: String
    /// A line above the header (a draft says so there).
    public var title: String?
    public var header: [String]
    public var rows: [[Cell]]
    public var totals: [Cell]?
    /// Column widths in characters; nil fits each column to its longest cell.
    public var widths: [Double]?

    public init(name: String, title: String? = nil, header: [String], rows: [[Cell]], totals: [Cell]? = nil, widths: [Double]? = nil) {
        self.name = name; self.title = title; self.header = header; self.rows = rows; self.totals = totals; self.widths = widths
    }

    /// The characters a cell shows (near enough to size its column).
    static func shownLength(_ cell: Cell) -> Int {
        switch cell {
        case .blank: return 0
        case .text(let s): return s.count
        case .number(let n, let format): return n.count + (format.contains(",") ? n.count / 3 : 0) + 1
        case .date: return 10
        }
    }

    /// The column widths: the given ones, else each column's longest cell plus a margin (at most 60).
    var columnWidths: [Double] {
        if let widths { return widths }
        var longest = header.map(\.count)
        for row in rows + (totals.map { [$0] } ?? []) {
            for (i, cell) in row.enumerated() {
                if i >= longest.count { longest.append(0) }
                longest[i] = max(longest[i], Self.shownLength(cell))
            }
        }
        return longest.map { Double(min(60, max(6, $0 + 2))) }
    }
}

extension XLSXWriter {
    static func worksheet(_ sheet: Worksheet, styles: inout StyleBook) -> String {
        var rows: [String] = []
        var r = 1
        func cells(_ values: [Worksheet.Cell], bold: Bool) -> String {
            var out = ""
            for (c, cell) in values.enumerated() {
                let ref = reference(c, r)
                switch cell {
                case .blank:
                    continue
                case .text(let s):
                    if s.isEmpty { continue }
                    let style = bold ? styles.headerStyle() : 0
                    out += "<c r=\"\(ref)\" t=\"inlineStr\"\(style == 0 ? "" : " s=\"\(style)\"")><is><t xml:space=\"preserve\">\(escape(s))</t></is></c>"
                case .number(let n, let format):
                    out += "<c r=\"\(ref)\" s=\"\(styles.style(format: format, bold: bold))\"><v>\(n)</v></c>"
                case .date(let d, let format):
                    out += "<c r=\"\(ref)\" s=\"\(styles.style(format: format, bold: bold))\"><v>\(d.daysSinceEpoch + epochSerial)</v></c>"
                }
            }
            return out
        }
        if let title = sheet.title {
            rows.append("<row r=\"\(r)\">\(cells([.text(title)], bold: true))</row>")
            r += 1
        }
        let headerRow = r
        rows.append("<row r=\"\(r)\">\(cells(sheet.header.map(Worksheet.Cell.text), bold: true))</row>")
        r += 1
        for row in sheet.rows {
            rows.append("<row r=\"\(r)\">\(cells(row, bold: false))</row>")
            r += 1
        }
        if let totals = sheet.totals {
            rows.append("<row r=\"\(r)\">\(cells(totals, bold: true))</row>")
        }
        var s = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
        s += #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
        s += "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"\(headerRow)\" topLeftCell=\"A\(headerRow + 1)\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>"
        let widths = sheet.columnWidths
        if !widths.isEmpty {
            s += "<cols>" + widths.enumerated().map { "<col min=\"\($0 + 1)\" max=\"\($0 + 1)\" width=\"\($1)\" customWidth=\"1\"/>" }.joined() + "</cols>"
        }
        s += "<sheetData>\(rows.joined())</sheetData></worksheet>"
        return s
    }
}

/// Delimited text files as accounting systems import them: a separator (`,` or `;`), fields
/// quoted when they hold the separator, a quote or a line break, CRLF line ends, and optionally
/// a UTF-8 byte order mark (which Excel and 1C read as "this is UTF-8").
public enum DelimitedText {
    /// One field of a line: text (a spreadsheet must show it as text, `SpreadsheetText`) or a
    /// number, amount or date written exactly as given.
    public enum Field: Sendable, Hashable {
        case text(String)
        case literal(String)
    }

    /// Lines whose fields are all text (a header, a title).
    public static func render(_ lines: [[String]], separator: Character = ",", byteOrderMark: Bool = false) -> Data {
        render(fields: lines.map { $0.map(Field.text) }, separator: separator, byteOrderMark: byteOrderMark)
    }

    public static func render(fields lines: [[Field]], separator: Character = ",", byteOrderMark: Bool = false) -> Data {
        var text = byteOrderMark ? "\u{FEFF}" : ""
        for line in lines {
            text += line.map { field($0, separator: separator) }.joined(separator: String(separator)) + "\r\n"
        }
        return Data(text.utf8)
    }

    static func field(_ field: Field, separator: Character) -> String {
        switch field {
        case .literal(let s):
            return quotedIfNeeded(s, separator: separator, always: false)
        case .text(let s):
            let formula = SpreadsheetText.looksLikeFormula(s)
            return quotedIfNeeded(SpreadsheetText.neutralized(s), separator: separator, always: formula)
        }
    }

    static func quotedIfNeeded(_ s: String, separator: Character, always: Bool) -> String {
        if always || s.contains(where: { $0 == separator || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }
}
