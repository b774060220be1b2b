import Foundation
import TabulaEngine

/// The output formats of tables and reports.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, json
}

/// A column of a result: its heading and the type its values are formatted by.
public struct ResultColumn: Sendable, Hashable {
    public var name: String
    public var type: ValueType
    /// What the terminal table shows for a blank cell (a report's group of rows without a value
    /// shows `(none)`); CSV and JSON keep blanks empty.
    public var blankText: String?
    public init(name: String, type: ValueType, blankText: String? = nil) {
        self.name = name; self.type = type; self.blankText = blankText
    }
}

/// Rows to print: from `show`, or from a report. Link values are already replaced by their
/// target rows' display names, so renderers only format.
public struct ResultTable: Sendable, Hashable {
    public var columns: [ResultColumn]
    public var rows: [[Value]]
    /// The row ids, printed as the `id` column when present.
    public var ids: [RowID]?
    /// A last row of totals for the terminal table (reports).
    public var totals: [Value]?
    /// Reports show durations as hours and minutes (`12:30`) and numbers to two decimals in the
    /// terminal table; CSV and JSON carry exact values always.
    public var roundsForReading: Bool
    /// What the terminal table says when there are no rows (a report says which period it covered).
    public var emptyText = "(no rows)"

    public init(columns: [ResultColumn], rows: [[Value]], ids: [RowID]? = nil, totals: [Value]? = nil,
                roundsForReading: Bool = false) {
        self.columns = columns; self.rows = rows; self.ids = ids; self.totals = totals
        self.roundsForReading = roundsForReading
    }
}

/// Prints result tables as an aligned terminal table, RFC 4180 CSV, or a JSON array of objects.
public enum Renderer {
    public static func render(_ table: ResultTable, as format: OutputFormat, context: ValueContext) -> String {
        switch format {
        case .table: return terminal(table, context: context)
        case .csv: return csv(table, context: context)
        case .json: return json(table, context: context)
        }
    }

    /// Aligned columns with a header line; numbers, money and durations right-aligned.
    public static func terminal(_ table: ResultTable, context: ValueContext) -> String {
        var headers = table.columns.map(\.name)
        var rightAligned = table.columns.map { isNumeric($0.type) }
        // Durations in one table share one precision, so the rows add up to the total shown:
        // all to the second when any of them has seconds, else all to the minute.
        let seconds = durationsHaveSeconds(table)
        func shown(_ value: Value, _ column: ResultColumn) -> String {
            if value.isBlank, let blank = column.blankText { return blank }
            return format(value, column.type, context, seconds: seconds, forReading: table.roundsForReading)
        }
        var cells: [[String]] = table.rows.map { row in
            zip(row, table.columns).map(shown)
        }
        if let ids = table.ids {
            headers.insert("id", at: 0)
            rightAligned.insert(true, at: 0)
            for i in cells.indices { cells[i].insert("#\(ids[i])", at: 0) }
        }
        var footer: [String]?
        if let totals = table.totals {
            var f = zip(totals, table.columns).map { format($0, $1.type, context, seconds: seconds, forReading: table.roundsForReading) }
            if table.ids != nil { f.insert("", at: 0) }
            if !f.isEmpty && f[0].isEmpty { f[0] = "total" }
            footer = f
        }
        var widths = headers.map(displayWidth)
        for row in cells + (footer.map { [$0] } ?? []) {
            for (i, c) in row.enumerated() { widths[i] = max(widths[i], displayWidth(c)) }
        }
        func line(_ row: [String]) -> String {
            row.enumerated().map { i, c in
                let pad = String(repeating: " ", count: widths[i] - displayWidth(c))
                return rightAligned[i] ? pad + c : c + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var out = [line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += cells.map(line)
        if let footer {
            out.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
            out.append(line(footer))
        }
        if cells.isEmpty { out.append(table.emptyText) }
        return out.joined(separator: "\n")
    }

    /// RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a comma, quote or line break.
    /// Text cells that a spreadsheet would take as a formula are written as text
    /// (`SpreadsheetText`); numbers, money and durations as they are.
    public static func csv(_ table: ResultTable, context: ValueContext) -> String {
        var header = table.columns.map(\.name)
        if table.ids != nil { header.insert("id", at: 0) }
        var lines = [header.map(csvTextField).joined(separator: ",")]
        // Durations in one file share one format, as in the terminal table.
        let seconds = durationsHaveSeconds(table)
        for (i, row) in table.rows.enumerated() {
            var fields = zip(row, table.columns).map { value, column in
                switch value {
                case .duration(let s): return csvField(duration(s, seconds: seconds))
                case .text, .list: return csvTextField(cell(value, column.type, context))
                default: return csvField(cell(value, column.type, context))
                }
            }
            if let ids = table.ids { fields.insert(String(ids[i]), at: 0) }
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// An array of objects, one per row, keyed by column name; the row id under `id`; blanks as null.
    public static func json(_ table: ResultTable, context: ValueContext) -> String {
        var out = "["
        for (i, row) in table.rows.enumerated() {
            out += i == 0 ? "\n  {" : ",\n  {"
            var members: [String] = []
            if let ids = table.ids { members.append("\"id\": \(ids[i])") }
            for (value, column) in zip(row, table.columns) {
                members.append(jsonString(column.name) + ": " + value.json(context: context).serialized)
            }
            out += members.joined(separator: ", ") + "}"
        }
        return out + (table.rows.isEmpty ? "]" : "\n]")
    }

    static func cell(_ value: Value, _ type: ValueType, _ context: ValueContext) -> String {
        type.format(value, context: context)
    }

    /// Whether any duration of the table (a row's or the total's, in any column, lists
    /// included) has seconds: then the terminal table shows every duration to the second.
    static func durationsHaveSeconds(_ table: ResultTable) -> Bool {
        func has(_ value: Value) -> Bool {
            switch value {
            case .duration(let s): return s % 60 != 0
            case .list(let items): return items.contains(where: has)
            default: return false
            }
        }
        return table.rows.contains { $0.contains(where: has) } || (table.totals?.contains(where: has) ?? false)
    }

    /// A terminal cell: durations as `H:MM`, or `H:MM:SS` throughout when `seconds`; with
    /// `forReading` (reports) numbers to at most two decimals.
    static func format(_ value: Value, _ type: ValueType, _ context: ValueContext, seconds: Bool, forReading: Bool) -> String {
        switch value {
        case .duration(let s): return duration(s, seconds: seconds)
        case .money(let m): return grouped(m.decimalString) + " " + m.currency
        case .list(let items) where items.contains(where: { switch $0 { case .duration, .money: true; default: false } }):
            return items.map { format($0, { if case .list(let element) = type { element } else { type } }(), context, seconds: seconds, forReading: forReading) }.joined(separator: ", ")
        default: return forReading ? readable(value, type, context) : cell(value, type, context)
        }
    }

    /// `13 679.17`: the whole part of a decimal in groups of three, separated by spaces (which
    /// money input reads back: `1 500,50`); CSV and JSON keep the plain `13679.17`.
    static func grouped(_ decimal: String) -> String {
        var digits = Substring(decimal)
        var sign = ""
        if digits.first == "-" { sign = "-"; digits = digits.dropFirst() }
        let point = digits.firstIndex(of: ".") ?? digits.endIndex
        let whole = Array(digits[..<point])
        guard whole.count > 3 else { return decimal }
        var out = ""
        for (i, c) in whole.enumerated() {
            if i > 0 && (whole.count - i) % 3 == 0 { out += " " }
            out.append(c)
        }
        return sign + out + digits[point...]
    }

    /// `12:30`, or `12:30:05` with `seconds`; never rounded: a table whose durations have seconds shows them.
    static func duration(_ total: Int64, seconds: Bool) -> String {
        let m = total.magnitude
        let sign = total < 0 ? "-" : ""
        func two(_ n: UInt64) -> String { (n < 10 ? "0" : "") + "\(n)" }
        if seconds { return sign + "\(m / 3600):" + two(m / 60 % 60) + ":" + two(m % 60) }
        return sign + "\(m / 3600):" + two(m / 60 % 60)
    }

    /// A cell as a person reads it: numbers to at most two decimals; everything else as `cell`.
    static func readable(_ value: Value, _ type: ValueType, _ context: ValueContext) -> String {
        switch value {
        case .number(let d) where d.isFinite && d != d.rounded():
            let r = (d * 100).rounded(.toNearestOrAwayFromZero) / 100
            return Value.number(r).formatted(context: context)
        default:
            return cell(value, type, context)
        }
    }

    static func isNumeric(_ type: ValueType) -> Bool {
        switch type {
        case .number, .integer, .currency, .percent, .duration: return true
        default: return false
        }
    }

    static func csvField(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    /// A text field: quoted with a leading `'` when a spreadsheet would read it as a formula.
    static func csvTextField(_ s: String) -> String {
        guard SpreadsheetText.looksLikeFormula(s) else { return csvField(s) }
        return "\"" + SpreadsheetText.neutralized(s).replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func jsonString(_ s: String) -> String { JSONValue.string(s).serialized }

    /// Terminal columns a string takes: wide East Asian characters count two.
    static func displayWidth(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { w, u in
            if u.properties.generalCategory == .nonspacingMark || u.properties.generalCategory == .enclosingMark { return w }
            let v = u.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v)
            return w + (wide ? 2 : 1)
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
