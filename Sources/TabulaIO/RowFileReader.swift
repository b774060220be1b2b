import Foundation

/// The formats of row files: CSV with a header of column names (RFC 4180), or JSON lines (one
/// object per line, its keys the column names).
public enum RowFileFormat: String, Sendable, CaseIterable {
    case csv
    case jsonLines

    /// The format a file name implies: `.jsonl`, `.ndjson` and `.json` are JSON lines, anything
    /// else CSV.
    public static func of(fileNamed name: String) -> RowFileFormat {
        let lower = name.lowercased()
        return [".jsonl", ".ndjson", ".json"].contains(where: lower.hasSuffix) ? .jsonLines : .csv
    }
}

/// One cell of a row file's row: the column's name and the cell's text as written (a JSON
/// number, bool or null as its text, an array as its items joined by ", ").
public struct RowFileCell: Sendable, Hashable {
    public var column: String
    public var text: String
    public init(column: String, text: String) { self.column = column; self.text = text }
}

/// One row of a row file and the line it starts on (1-based; a CSV row may span lines).
public struct RowFileRow: Sendable, Hashable {
    public var line: Int
    public var cells: [RowFileCell]
    public init(line: Int, cells: [RowFileCell]) { self.line = line; self.cells = cells }
}

/// A problem in a row file, at its line: what importers and the CLI report as `FILE:LINE: ...`.
public struct RowFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public enum Problem: Sendable, Hashable {
        /// The file has no header line.
        case empty
        /// Column `index` (1-based) of the header has no name.
        case unnamedColumn(index: Int)
        /// A row has `count` fields where the header has `header`.
        case fieldCount(count: Int, header: Int)
        /// A quoted CSV field runs to the end of the file.
        case unclosedQuote
        /// A JSON line is valid JSON but not an object: `found` says what it is ("an array").
        case notAnObject(found: String)
        /// A JSON line is not valid JSON (`excerpt` is its start).
        case invalidJSON(excerpt: String)
        /// A JSON object's value for `key` is itself an object.
        case nestedObject(key: String)
    }

    /// The file's name as given to the reader.
    public var file: String
    /// The line of the problem; nil for a problem of the whole file.
    public var line: Int?
    public var problem: Problem

    public init(file: String, line: Int?, problem: Problem) {
        self.file = file; self.line = line; self.problem = problem
    }

    /// `FILE:LINE: what is wrong`.
    public var message: String {
        switch problem {
        case .empty: return "\(file) is empty"
        case .unnamedColumn(let index): return "\(place): column \(index) of the header has no field name"
        case .fieldCount(let count, let header):
            return "\(place): the row has \(count) field\(count == 1 ? "" : "s") but the header has \(header)"
        case .unclosedQuote: return "\(place): a quoted field is not closed"
        case .notAnObject(let found): return "\(place): the line is \(found), not a JSON object"
        case .invalidJSON(let excerpt): return "\(place): the line is not valid JSON (\(excerpt))"
        case .nestedObject(let key): return "\(place): field '\(key)' holds an object"
        }
    }

    /// How to fix it.
    public var hint: String {
        switch problem {
        case .empty: return "the first line names the fields, e.g. name,rate"
        case .unnamedColumn: return "name every column after a field of the table"
        case .fieldCount: return "quote values that contain commas, e.g. \"Smith, John\""
        case .unclosedQuote: return "end the field with a double quote; write \"\" for a quote inside it"
        case .notAnObject: return "write one object per line, with the fields as keys, e.g. {\"name\": \"Acme\", \"rate\": \"120.00\"}"
        case .invalidJSON: return "write one JSON object per line, e.g. {\"name\": \"Acme\", \"rate\": \"120.00\"}; strings need double quotes"
        case .nestedObject: return "give a string, number, bool, null or an array"
        }
    }

    public var description: String { message }

    private var place: String { line.map { "\(file):\($0)" } ?? file }
}

/// Reads the rows of a row file's text, one at a time, each with the line it starts on:
///
///     var reader = RowFileReader(text: text, name: "clients.csv")
///     while let row = try reader.next() { ... row.line, row.cells ... }
///
/// A CSV file's first record is its header; blank lines are skipped, a byte order mark is
/// ignored, and a header with semicolons and no commas makes `;` the separator (the CSV that
/// spreadsheets write in locales with a decimal comma). A JSON-lines object's keys are read in
/// sorted order, without `id`.
public struct RowFileReader: Sendable {
    /// The file's name, for errors (`name:line: ...`).
    public let name: String
    public let format: RowFileFormat
    /// The CSV field separator: `,`, or `;` when the header has semicolons and no commas.
    public let separator: Unicode.Scalar
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var line = 1
    /// The CSV header's column names (trimmed), once the first row has been asked for.
    public private(set) var header: [String]?
    /// Whether a CSV row with fewer fields than the header is read with the missing trailing
    /// cells empty (exports that leave out an optional last column), instead of refused.
    public var padsShortRows = false

    /// A reader of `text`, in the format given or else the one `name` implies.
    public init(text: String, name: String, format: RowFileFormat? = nil) {
        self.name = name
        self.format = format ?? .of(fileNamed: name)
        var scalars = Array(text.unicodeScalars)
        if self.format == .csv, scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        self.scalars = scalars
        let header = scalars.prefix { $0 != "\n" && $0 != "\r" }
        separator = header.contains(";") && !header.contains(",") ? ";" : ","
    }

    /// The next row, or nil at the end of the file.
    public mutating func next() throws(RowFileError) -> RowFileRow? {
        switch format {
        case .csv: return try nextCSVRow()
        case .jsonLines: return try nextJSONLine()
        }
    }

    /// Every remaining row.
    public mutating func rows() throws(RowFileError) -> [RowFileRow] {
        var rows: [RowFileRow] = []
        while let row = try next() { rows.append(row) }
        return rows
    }

    // MARK: - CSV

    private mutating func nextCSVRow() throws(RowFileError) -> RowFileRow? {
        if header == nil {
            guard let (_, fields) = try nextRecord() else { throw RowFileError(file: name, line: nil, problem: .empty) }
            let names = fields.map { $0.trimmingCharacters(in: .whitespaces) }
            if let blank = names.firstIndex(of: "") {
                throw RowFileError(file: name, line: 1, problem: .unnamedColumn(index: blank + 1))
            }
            header = names
        }
        let names = header!
        while let (recordLine, fields) = try nextRecord() {
            if fields.count == 1 && fields[0].isEmpty { continue }
            var fields = fields
            if padsShortRows && fields.count < names.count {
                fields += Array(repeating: "", count: names.count - fields.count)
            }
            guard fields.count == names.count else {
                throw RowFileError(file: name, line: recordLine, problem: .fieldCount(count: fields.count, header: names.count))
            }
            return RowFileRow(line: recordLine, cells: zip(names, fields).map { RowFileCell(column: $0, text: $1) })
        }
        return nil
    }

    /// The next RFC 4180 record and the line it starts on.
    private mutating func nextRecord() throws(RowFileError) -> (Int, [String])? {
        guard position < scalars.count else { return nil }
        var field = ""
        var fields: [String] = []
        var inQuotes = false
        let recordLine = line
        var quoteLine = line
        while position < scalars.count {
            let c = scalars[position]
            position += 1
            if inQuotes {
                if c == "\"" {
                    if position < scalars.count && scalars[position] == "\"" { field.unicodeScalars.append("\""); position += 1 } else { inQuotes = false }
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
                    fields.append(field)
                    line += 1
                    return (recordLine, fields)
                default: field.unicodeScalars.append(c)
                }
            }
        }
        if inQuotes { throw RowFileError(file: name, line: quoteLine, problem: .unclosedQuote) }
        if !field.isEmpty || !fields.isEmpty { fields.append(field); return (recordLine, fields) }
        return nil
    }

    // MARK: - JSON lines

    private mutating func nextJSONLine() throws(RowFileError) -> RowFileRow? {
        while position <= scalars.count {
            let start = position
            while position < scalars.count && scalars[position] != "\n" { position += 1 }
            var raw = String.UnicodeScalarView()
            raw.append(contentsOf: scalars[start..<position])
            position += 1  // past the newline (or past the end)
            let n = line
            line += 1
            let text = String(raw).trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty { continue }
            guard let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
                throw RowFileError(file: name, line: n, problem: .invalidJSON(excerpt: text.count > 40 ? String(text.prefix(40)) + "…" : text))
            }
            guard let object = parsed as? [String: Any] else {
                let found = parsed is [Any] ? "an array" : parsed is String ? "a string" : parsed is NSNull ? "null" : "a number or bool"
                throw RowFileError(file: name, line: n, problem: .notAnObject(found: found))
            }
            var cells: [RowFileCell] = []
            for key in object.keys.sorted() where key != "id" {
                cells.append(RowFileCell(column: key, text: try cellText(of: object[key]!, key: key, line: n)))
            }
            return RowFileRow(line: n, cells: cells)
        }
        return nil
    }

    private func cellText(of value: Any, key: String, line: Int) throws(RowFileError) -> String {
        switch value {
        case is NSNull: return ""
        case let s as String: return s
        case let n as NSNumber:
            if String(cString: n.objCType) == "c" { return n.boolValue ? "true" : "false" }
            return n.stringValue
        case let a as [Any]:
            var items: [String] = []
            for item in a { items.append(try cellText(of: item, key: key, line: line)) }
            return items.joined(separator: ", ")
        default: throw RowFileError(file: name, line: line, problem: .nestedObject(key: key))
        }
    }
}
