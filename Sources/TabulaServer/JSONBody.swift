import Foundation
import TabulaEngine
import TabulaReports

/// A request's JSON object, read with the checks the API promises: what is missing or of the
/// wrong type is a 400 that names the member.
struct JSONBody: @unchecked Sendable {
    // Foundation's parsed JSON (not Sendable by type, but never mutated after parsing).
    let object: [String: Any]

    /// Parses the body; `allowed` are the members the route takes (any other is refused, so a
    /// misspelt one such as "pomodro" is not silently ignored).
    init(_ data: Data, allowed: [String]) throws {
        if data.isEmpty { object = [:]; return }
        guard let text = String(validating: data, as: UTF8.self) else {
            let valid = data.prefix { $0 < 0x80 }.count
            throw APIError.badRequest("the body is not UTF-8 text (a bad byte near byte \(valid + 1))", hint: "send JSON in UTF-8")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw APIError.badRequest("the body is not valid JSON: " + Self.located(error, in: text),
                                      hint: "send a JSON object, e.g. {\"fields\": {\"title\": \"Landing\"}}")
        }
        // Foundation takes a comma before } or ], which JSON does not.
        if let comma = Self.trailingComma(in: text) {
            throw APIError.badRequest("the body is not valid JSON: a comma before the closing bracket at " + Self.lineAndColumn(comma, in: text),
                                      hint: "remove the last comma of the list or object")
        }
        guard let object = parsed as? [String: Any] else {
            throw APIError.badRequest("the body must be a JSON object", hint: "wrap it in {...}")
        }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw APIError.badRequest("the body has an unknown member \"\(unknown)\"",
                                      hint: allowed.isEmpty ? "send no body, or {}" : "this request takes " + allowed.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        self.object = object
    }

    /// The parser's complaint with its place as line and column (Foundation gives a character
    /// offset, or a line and column, depending on the platform).
    static func located(_ error: any Error, in text: String) -> String {
        let ns = error as NSError
        var said = (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
        if let range = said.range(of: #"around (line \d+, column \d+)"#, options: .regularExpression) {
            return said.replacingCharacters(in: range, with: "at " + said[range].dropFirst("around ".count)).trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        }
        var offset: Int?
        if let range = said.range(of: #" around character \d+"#, options: .regularExpression) {
            offset = Int(said[range].split(separator: " ").last ?? "")
            said.removeSubrange(range)
        }
        return said.trimmingCharacters(in: CharacterSet(charactersIn: ". ")) + " at " + lineAndColumn(offset ?? text.utf8.count, in: text)
    }

    /// "line L, column C" of a byte offset.
    static func lineAndColumn(_ offset: Int, in text: String) -> String {
        let before = text.utf8.prefix(min(offset, text.utf8.count))
        let line = before.filter { $0 == UInt8(ascii: "\n") }.count + 1
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map(before.index(after:)) ?? before.startIndex
        return "line \(line), column \(before.distance(from: lineStart, to: before.endIndex) + 1)"
    }

    /// The byte offset of a comma that only whitespace parts from a closing } or ], outside strings.
    static func trailingComma(in text: String) -> Int? {
        var inString = false, escaped = false, comma: Int?
        for (i, byte) in text.utf8.enumerated() {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true; comma = nil
            case UInt8(ascii: ","): comma = i
            case UInt8(ascii: "}"), UInt8(ascii: "]"): if let comma { return comma }
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): break
            default: comma = nil
            }
        }
        return nil
    }

    func has(_ key: String) -> Bool { object[key] != nil && !(object[key] is NSNull) }

    func string(_ key: String) throws -> String? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        if let s = value as? String { return s }
        throw APIError.badRequest("\"\(key)\" must be a string", hint: "e.g. \"\(key)\": \"...\"")
    }

    func requiredString(_ key: String, example: String) throws -> String {
        guard let s = try string(key), !s.isEmpty else {
            throw APIError.badRequest("missing \"\(key)\"", hint: "e.g. \"\(key)\": \(example)")
        }
        return s
    }

    func bool(_ key: String) throws -> Bool {
        guard let value = object[key], !(value is NSNull) else { return false }
        if let n = value as? NSNumber, isJSONBoolean(n) { return n.boolValue }
        throw APIError.badRequest("\"\(key)\" must be true or false")
    }

    /// A row reference: an id (`12`) or the row's primary value (`"Landing"`), as `#12` or the text.
    func rowReference(_ key: String = "row") throws -> String {
        guard let value = object[key], !(value is NSNull) else {
            throw APIError.badRequest("missing \"\(key)\"", hint: "give the row's id (\"\(key)\": 12) or its primary value (\"\(key)\": \"Landing\")")
        }
        if let s = value as? String, !s.isEmpty { return s }
        if let n = value as? NSNumber, !isJSONBoolean(n), let id = Int64(exactly: n.doubleValue) { return "#\(id)" }
        throw APIError.badRequest("\"\(key)\" must be a row id or a primary value")
    }

    /// `"fields": {...}` as the CLI's `field=value` assignments (each value in the typed text the
    /// CLI takes; numbers, booleans, null and lists are accepted too).
    func fields(_ key: String = "fields", required: Bool) throws -> [TextAssignment] {
        guard let value = object[key], !(value is NSNull) else {
            if required { throw APIError.badRequest("missing \"\(key)\"", hint: "send {\"\(key)\": {\"FIELD\": \"VALUE\"}}") }
            return []
        }
        guard let members = value as? [String: Any] else {
            throw APIError.badRequest("\"\(key)\" must be an object of field names and values", hint: "{\"\(key)\": {\"title\": \"Landing\"}}")
        }
        return try members.keys.sorted().map { name in
            TextAssignment(field: name, text: try Self.text(members[name]!, field: name))
        }
    }

    static func text(_ value: Any, field: String) throws -> String {
        switch value {
        case is NSNull: return ""
        case let s as String: return s
        case let n as NSNumber:
            if isJSONBoolean(n) { return n.boolValue ? "true" : "false" }
            if let i = Int64(exactly: n.doubleValue), !"\(n)".contains(".") { return String(i) }
            return "\(n.doubleValue)"
        case let items as [Any]:
            return try items.map { item in
                guard !(item is [Any]) else {
                    throw APIError(.unprocessableContent, "invalid", "the value of \(field) is a list of lists; give one list of values", field: field)
                }
                return try text(item, field: field)
            }.joined(separator: ", ")
        default:
            throw APIError(.unprocessableContent, "invalid", "the value of \(field) must be text, a number, true/false, null or a list", field: field)
        }
    }
}

/// Whether an NSNumber came from a JSON `true`/`false` (Foundation on Linux keeps booleans apart).
private func isJSONBoolean(_ n: NSNumber) -> Bool {
    let code = String(cString: n.objCType)
    return code == "c" || code == "B"
}

/// Rows as the API shows them: `{"id": N, "fields": {...}}`, values as `tabula show --format json`
/// prints them (links by the linked rows' primary values).
enum RowJSON {
    static func rows(_ base: Base, _ table: Table, ids: [RowID]) throws -> [JSONValue] {
        let view = try TableView.make(base, table: table, ids: ids)
        let context = base.schema.valueContext
        return view.rows.enumerated().map { i, row in
            let fields: [(key: String, value: JSONValue)] = zip(view.columns, row).map { ($0.name, $1.json(context: context)) }
            return .object([("id", .integer(view.ids?[i] ?? 0)), ("fields", .object(fields))])
        }
    }

    static func row(_ base: Base, _ table: Table, id: RowID) throws -> JSONValue {
        guard let row = try rows(base, table, ids: [id]).first else {
            throw APIError.notFound("table \(table.name) has no row #\(id)")
        }
        return row
    }
}
