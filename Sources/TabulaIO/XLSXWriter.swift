import Foundation
import TabulaEngine
import ZIPFoundation

/// Writes a result table as an Office Open XML workbook (`.xlsx`) of one sheet, which Excel and
/// LibreOffice open: a header row, then one row per result row, typed cells (numbers, money with
/// its currency's format, durations as `[h]:mm:ss`, dates and datetimes in the base's time zone,
/// bools) and text as inline strings.
public enum XLSXWriter {
    /// Errors from writing the zip container.
    public struct WriteError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The workbook's bytes.
    public static func workbook(_ table: ResultTable, sheet: String, context: ValueContext) throws -> Data {
        var styles = StyleBook()
        let sheetXML = worksheet(table, context: context, styles: &styles)
        return try package([(sheet, sheetXML)], styles: styles)
    }

    /// A workbook of several sheets, each with typed cells, a header row, an optional first
    /// title line and totals row, and column widths.
    public static func workbook(_ sheets: [Worksheet]) throws -> Data {
        var styles = StyleBook()
        let parts = sheets.map { ($0.name, worksheet($0, styles: &styles)) }
        return try package(parts, styles: styles)
    }

    /// The zip container of a workbook: its parts, one worksheet per sheet.
    static func package(_ sheets: [(name: String, xml: String)], styles: StyleBook) throws -> Data {
        var files: [(String, String)] = [
            ("[Content_Types].xml", contentTypes(sheets: sheets.count)),
            ("_rels/.rels", rootRelationships),
            ("xl/workbook.xml", workbookXML(sheetNames: sheets.map(\.name))),
            ("xl/_rels/workbook.xml.rels", workbookRelationships(sheets: sheets.count)),
            ("xl/styles.xml", styles.xml),
        ]
        for (i, sheet) in sheets.enumerated() { files.append(("xl/worksheets/sheet\(i + 1).xml", sheet.xml)) }
        do {
            let archive = try Archive(accessMode: .create)
            for (path, text) in files {
                let data = Data(text.utf8)
                try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                                     modificationDate: Date(timeIntervalSince1970: 1_767_225_600),
                                     compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            guard let data = archive.data else { throw WriteError(description: "the workbook could not be assembled") }
            return data
        } catch let error as WriteError {
            throw error
        } catch {
            throw WriteError(description: "cannot write the workbook: \(error)")
        }
    }

    /// Number formats of the cells, each one `<xf>` style by index.
    struct StyleBook {
        /// Custom number formats (id from 164) by format code.
        var formats: [String] = []
        /// Cell styles: the number format id of each and whether it is bold; style 0 is the default.
        var styles: [Style] = [Style(format: 0, bold: false)]

        struct Style: Equatable { var format: Int; var bold: Bool }

        mutating func style(format code: String, bold: Bool = false) -> Int {
            let id: Int
            if let i = formats.firstIndex(of: code) { id = 164 + i } else { formats.append(code); id = 163 + formats.count }
            return style(builtin: id, bold: bold)
        }

        /// A built-in number format (0 is General, 10 is 0.00%).
        mutating func style(builtin id: Int, bold: Bool = false) -> Int {
            let wanted = Style(format: id, bold: bold)
            if let s = styles.firstIndex(of: wanted) { return s }
            styles.append(wanted)
            return styles.count - 1
        }

        var xml: String {
            var s = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
            s += #"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
            if !formats.isEmpty {
                s += "<numFmts count=\"\(formats.count)\">"
                for (i, f) in formats.enumerated() { s += "<numFmt numFmtId=\"\(164 + i)\" formatCode=\"\(escape(f))\"/>" }
                s += "</numFmts>"
            }
            s += #"<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>"#
            s += #"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#
            s += #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#
            s += #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
            s += "<cellXfs count=\"\(styles.count)\">"
            for style in styles {
                s += "<xf numFmtId=\"\(style.format)\" fontId=\"\(style.bold ? 1 : 0)\" fillId=\"0\" borderId=\"0\" xfId=\"0\""
                    + (style.format == 0 ? "" : " applyNumberFormat=\"1\"") + (style.bold ? " applyFont=\"1\"" : "") + "/>"
            }
            s += "</cellXfs>"
            s += #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#
            s += "</styleSheet>"
            return s
        }

        /// The bold style of a header row.
        mutating func headerStyle() -> Int { style(builtin: 0, bold: true) }
    }

    static func worksheet(_ table: ResultTable, context: ValueContext, styles: inout StyleBook) -> String {
        var rows: [String] = []
        var header: [String] = table.columns.enumerated().map { i, c in inlineString(c.name, column: i, row: 1) }
        if table.ids != nil { header.insert(inlineString("id", column: 0, row: 1), at: 0) }
        var body: [[String]] = []
        for (r, values) in table.rows.enumerated() {
            var cells: [String] = []
            let offset = table.ids == nil ? 0 : 1
            if let ids = table.ids { cells.append("<c r=\"\(reference(0, r + 2))\"><v>\(ids[r])</v></c>") }
            for (i, (value, column)) in zip(values, table.columns).enumerated() {
                if let c = cell(value, column.type, column: i + offset, row: r + 2, context: context, styles: &styles) { cells.append(c) }
            }
            body.append(cells)
        }
        let headerStyle = styles.headerStyle()
        header = header.map { $0.replacingOccurrences(of: "<c ", with: "<c s=\"\(headerStyle)\" ") }
        rows.append("<row r=\"1\">\(header.joined())</row>")
        for (r, cells) in body.enumerated() { rows.append("<row r=\"\(r + 2)\">\(cells.joined())</row>") }
        var s = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
        s += #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
        s += #"<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>"#
        s += "<sheetData>\(rows.joined())</sheetData></worksheet>"
        return s
    }

    /// Days from 1899-12-30 (the spreadsheet epoch) to 1970-01-01.
    static let epochSerial: Int64 = 25_569

    static func cell(_ value: Value, _ type: ValueType, column: Int, row: Int, context: ValueContext, styles: inout StyleBook) -> String? {
        let ref = reference(column, row)
        func number(_ text: String, style: Int = 0) -> String {
            "<c r=\"\(ref)\"\(style == 0 ? "" : " s=\"\(style)\"")><v>\(text)</v></c>"
        }
        switch value {
        case .blank: return nil
        case .text(let s): return s.isEmpty ? nil : inlineString(s, column: column, row: row)
        case .integer(let i): return number(String(i))
        case .number(let d): return d.isFinite ? number(String(d)) : nil
        case .percent(let d): return d.isFinite ? number(String(d), style: styles.style(builtin: 10)) : nil
        case .bool(let b): return "<c r=\"\(ref)\" t=\"b\"><v>\(b ? 1 : 0)</v></c>"
        case .money(let m):
            let decimals = m.minorDigits
            let format = (decimals == 0 ? "#,##0" : "#,##0." + String(repeating: "0", count: decimals)) + " \"\(m.currency)\""
            return number(m.decimalString, style: styles.style(format: format))
        case .duration(let seconds):
            return number(String(Double(seconds) / 86_400), style: styles.style(format: "[h]:mm:ss"))
        case .date(let d):
            return number(String(d.daysSinceEpoch + epochSerial), style: styles.style(format: "yyyy-mm-dd"))
        case .datetime(let instant):
            let t = instant.localTime(in: context.timeZone)
            let serial = Double(t.date.daysSinceEpoch + epochSerial) + Double(t.secondsOfDay) / 86_400
            return number(String(serial), style: styles.style(format: "yyyy-mm-dd hh:mm"))
        case .link, .list, .error:
            return inlineString(type.format(value, context: context), column: column, row: row)
        }
    }

    static func inlineString(_ text: String, column: Int, row: Int) -> String {
        "<c r=\"\(reference(column, row))\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(escape(text))</t></is></c>"
    }

    /// `A1`-style reference of a zero-based column and a one-based row.
    static func reference(_ column: Int, _ row: Int) -> String {
        var name = ""
        var n = column + 1
        while n > 0 {
            let r = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + r))) + name
            n = (n - 1) / 26
        }
        return name + String(row)
    }

    /// XML text with the five special characters escaped and control characters dropped.
    static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default:
                if u.value < 0x20 || (0xFFFE...0xFFFF).contains(u.value) { continue }
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    static func workbookXML(sheetNames: [String]) -> String {
        var used: Set<String> = []
        var sheets = ""
        for (i, name) in sheetNames.enumerated() {
            // Sheet names are at most 31 characters, without []:*?/\ and unique.
            var clean = String(name.map { "[]:*?/\\".contains($0) ? "-" : $0 }.prefix(31))
            if clean.isEmpty { clean = "Sheet\(i + 1)" }
            while used.contains(clean.lowercased()) { clean = String(clean.prefix(28)) + " \(i + 1)" }
            used.insert(clean.lowercased())
            sheets += "<sheet name=\"\(escape(clean))\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
        }
        return #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
            + #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
            + "<sheets>\(sheets)</sheets></workbook>"
    }

    static func contentTypes(sheets: Int) -> String {
        #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
            + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
            + #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
            + #"<Default Extension="xml" ContentType="application/xml"/>"#
            + #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
            + (1...max(1, sheets)).map { "<Override PartName=\"/xl/worksheets/sheet\($0).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>" }.joined()
            + #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
            + "</Types>"
    }

    static let rootRelationships = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
        + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        + #"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#
        + "</Relationships>"

    static func workbookRelationships(sheets: Int) -> String {
        #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
            + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
            + (1...max(1, sheets)).map { "<Relationship Id=\"rId\($0)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0).xml\"/>" }.joined()
            + "<Relationship Id=\"rId\(max(1, sheets) + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
            + "</Relationships>"
    }
}
