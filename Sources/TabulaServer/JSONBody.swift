import Foundation
import TabulaEngine
import TabulaReports

/// A request's JSON object, read with the checks the API promises: what is missing or of the
/// wrong type is a 400 that names the member.
struct JSONBody: @unchecked Sendable {
    // Foundation's parsed JSON (not Sendable by type, but never mutated after parsing).
    let object: [String: Any]

    init(_ data: Data) throws {
        if data.isEmpty { object = [:]; return }
        guard let parsed = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw APIError.badRequest("the body is not valid JSON", hint: "send a JSON object, e.g. {\"fields\": {\"title\": \"Landing\"}}")
        }
        guard let object = parsed as? [String: Any] else {
            throw APIError.badRequest("the body must be a JSON object", hint: "wrap it in {...}")
        }
        self.object = object
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
        if let n = value as? NSNumber, let id = Int64(exactly: n.doubleValue) { return "#\(id)" }
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
            return try items.map { try text($0, field: field) }.joined(separator: ", ")
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
