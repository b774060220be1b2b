import Foundation
import TabulaEngine
import TabulaLanguage

/// Rows to add from a file: CSV with a header of field names (RFC 4180), or JSON lines.
enum RowFile {
    /// The rows and a label for each ("FILE:line N") for error messages.
    static func read(_ path: String) throws -> ([[TextAssignment]], [String]) {
        let text = try readFile(path)
        if isJSONLines(path) { return try jsonLines(text, path: path) }
        return try csv(text, path: path)
    }

    /// Whether a file is read as JSON lines (by its extension) rather than CSV.
    static func isJSONLines(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".json")
    }

    /// The fields of a table a file may write, for the header check and its hint.
    static func checkColumns(_ names: [String], of table: Table, at label: String) throws {
        let writable = table.fields.filter(\.isWritable).map(\.name)
        for name in names where table.field(named: name) == nil || !(table.field(named: name)!.isWritable) {
            let known = table.field(named: name) != nil
            throw EngineError("\(label): \(known ? "\(table.name).\(name) is computed and cannot be written" : "table \(table.name) has no field '\(name)'")",
                           hint: (known ? "" : Suggestions.didYouMean(name, among: writable).map { $0 + " " } ?? "")
                            + "the fields a file can write are: \(writable.joined(separator: ", "))")
        }
    }

    static func csv(_ text: String, path: String) throws -> ([[TextAssignment]], [String]) {
        let records = try parseCSV(text, path: path, separator: separator(of: text))
        guard let (_, header) = records.first else { throw EngineError("\(path) is empty", hint: "the first line names the fields, e.g. name,rate") }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces) }
        if let blank = names.firstIndex(of: "") {
            throw EngineError("\(path):1: column \(blank + 1) of the header has no field name", hint: "name every column after a field of the table")
        }
        var rows: [[TextAssignment]] = []
        var labels: [String] = []
        for (line, fields) in records.dropFirst() {
            if fields.count == 1 && fields[0].isEmpty { continue }
            guard fields.count == names.count else {
                throw EngineError("\(path):\(line): the row has \(fields.count) field\(fields.count == 1 ? "" : "s") but the header has \(names.count)",
                               hint: "quote values that contain commas, e.g. \"Smith, John\"")
            }
            rows.append(zip(names, fields).map { TextAssignment(field: $0, text: $1) })
            labels.append("\(path):\(line)")
        }
        return (rows, labels)
    }

    /// The field separator of a CSV text: `;` when its header has semicolons and no commas
    /// (the CSV of spreadsheets in locales with a decimal comma), else `,`.
    static func separator(of text: String) -> Unicode.Scalar {
        let header = text.prefix { $0 != "\n" && $0 != "\r" }
        return header.contains(";") && !header.contains(",") ? ";" : ","
    }

    /// RFC 4180 records with the line each starts on.
    static func parseCSV(_ text: String, path: String, separator: Unicode.Scalar = ",") throws -> [(Int, [String])] {
        var records: [(Int, [String])] = []
        var field = ""
        var fields: [String] = []
        var inQuotes = false
        var line = 1, recordLine = 1, quoteLine = 1
        var chars = Array(text.unicodeScalars)
        if chars.first == "\u{FEFF}" { chars.removeFirst() }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 1 } else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else {
                switch c {
                case "\"" where field.isEmpty: inQuotes = true; quoteLine = line
                case separator: fields.append(field); field = ""
                case "\r": break
                case "\n":
                    fields.append(field); field = ""
                    records.append((recordLine, fields)); fields = []
                    line += 1; recordLine = line
                default: field.unicodeScalars.append(c)
                }
            }
            i += 1
        }
        if inQuotes { throw EngineError("\(path):\(quoteLine): a quoted field is not closed", hint: "end the field with a double quote; write \"\" for a quote inside it") }
        if !field.isEmpty || !fields.isEmpty { fields.append(field); records.append((recordLine, fields)) }
        return records
    }

    static func jsonLines(_ text: String, path: String) throws -> ([[TextAssignment]], [String]) {
        var rows: [[TextAssignment]] = []
        var labels: [String] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            let parsed: Any
            do {
                parsed = try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
            } catch {
                throw EngineError("\(path):\(n + 1): the line is not valid JSON (\(line.count > 40 ? String(line.prefix(40)) + "…" : line))",
                               hint: "write one JSON object per line, e.g. {\"name\": \"Acme\", \"rate\": \"120.00\"}; strings need double quotes")
            }
            guard let object = parsed as? [String: Any] else {
                let what = parsed is [Any] ? "an array" : parsed is String ? "a string" : parsed is NSNull ? "null" : "a number or bool"
                throw EngineError("\(path):\(n + 1): the line is \(what), not a JSON object",
                               hint: "write one object per line, with the fields as keys, e.g. {\"name\": \"Acme\", \"rate\": \"120.00\"}")
            }
            var row: [TextAssignment] = []
            for key in object.keys.sorted() where key != "id" {
                row.append(TextAssignment(field: key, text: try cellText(of: object[key]!, key: key, line: n + 1, path: path)))
            }
            rows.append(row)
            labels.append("\(path):\(n + 1)")
        }
        return (rows, labels)
    }

    private static func cellText(of value: Any, key: String, line: Int, path: String) throws -> String {
        switch value {
        case is NSNull: return ""
        case let s as String: return s
        case let n as NSNumber:
            if String(cString: n.objCType) == "c" { return n.boolValue ? "true" : "false" }
            return n.stringValue
        case let a as [Any]: return try a.map { try cellText(of: $0, key: key, line: line, path: path) }.joined(separator: ", ")
        default: throw EngineError("\(path):\(line): field '\(key)' holds an object", hint: "give a string, number, bool, null or an array")
        }
    }
}
