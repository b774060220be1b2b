import Foundation

/// How values are kept in SQLite columns: money as integer minor units, dates as epoch days,
/// datetimes as epoch milliseconds, durations as seconds, tags and lists as JSON arrays,
/// error values as a BLOB holding their code (so they never pass for text).
package enum ValueCoding {
    package static func encode(_ value: Value) -> SQLValue {
        switch value {
        case .blank: return .null
        case .text(let s): return s.isEmpty ? .null : .text(s)
        case .number(let d): return d.isNaN ? .null : .real(d)
        case .percent(let d): return d.isNaN ? .null : .real(d)
        case .integer(let i): return .integer(i)
        case .money(let m): return .integer(m.minorUnits)
        case .bool(let b): return .integer(b ? 1 : 0)
        case .date(let d): return .integer(d.daysSinceEpoch)
        case .datetime(let i): return .integer(i.millisecondsSinceEpoch)
        case .duration(let s): return .integer(s)
        case .link(let id): return .integer(id)
        case .list(let items):
            if items.isEmpty { return .null }
            return .text(jsonArray(items))
        case .error(let e): return .blob(Array(e.code.utf8))
        }
    }

    static func decode(_ sql: SQLValue, as type: ValueType) -> Value {
        switch sql {
        case .null: return type.isList ? .list([]) : .blank
        case .blob(let bytes):
            let code = String(decoding: bytes, as: UTF8.self)
            return .error(FormulaError(rawValue: code) ?? .value)
        default: break
        }
        switch type {
        case .text, .select, .any:
            switch sql {
            case .text(let s): return .text(s)
            case .integer(let i): return type == .any ? .integer(i) : .text(String(i))
            case .real(let d): return type == .any ? .number(d) : .text(String(d))
            default: return .blank
            }
        case .number: return sql.doubleValue.map(Value.number) ?? .error(.type)
        case .percent: return sql.doubleValue.map(Value.percent) ?? .error(.type)
        case .integer: return sql.int64Value.map(Value.integer) ?? sql.doubleValue.map { .integer(Int64($0)) } ?? .error(.type)
        case .currency(let code): return sql.int64Value.map { .money(Money(minorUnits: $0, currency: code)) } ?? .error(.type)
        case .bool: return sql.int64Value.map { .bool($0 != 0) } ?? .error(.type)
        case .date: return sql.int64Value.map { .date(CivilDate(daysSinceEpoch: $0)) } ?? .error(.type)
        case .datetime: return sql.int64Value.map { .datetime(Instant(millisecondsSinceEpoch: $0)) } ?? .error(.type)
        case .duration: return sql.int64Value.map(Value.duration) ?? .error(.type)
        case .link: return sql.int64Value.map(Value.link) ?? .error(.type)
        case .tags: return decodeList(sql, element: .text)
        case .list(let element): return decodeList(sql, element: element)
        }
    }

    private static func decodeList(_ sql: SQLValue, element: ValueType) -> Value {
        guard case .text(let json) = sql, let items = parseScalarArray(json) else { return .error(.type) }
        return .list(items.map { item in
            if case .text(let s) = item, s.hasPrefix("#"), let e = FormulaError(rawValue: s) { return .error(e) }
            return item == .null ? .blank : decode(item, as: element)
        })
    }

    /// Reads back the JSON arrays `jsonArray` writes: strings, integers, reals and null.
    static func parseScalarArray(_ json: String) -> [SQLValue]? {
        let s = Array(json.utf8)
        var i = 0
        func skip() { while i < s.count, s[i] == 32 || s[i] == 10 || s[i] == 13 || s[i] == 9 { i += 1 } }
        skip()
        guard i < s.count, s[i] == UInt8(ascii: "[") else { return nil }
        i += 1
        var out: [SQLValue] = []
        skip()
        if i < s.count, s[i] == UInt8(ascii: "]") { return out }
        while i < s.count {
            skip()
            if s[i] == UInt8(ascii: "\"") {
                i += 1
                var bytes: [UInt8] = []
                while i < s.count, s[i] != UInt8(ascii: "\"") {
                    if s[i] == UInt8(ascii: "\\"), i + 1 < s.count {
                        i += 1
                        switch s[i] {
                        case UInt8(ascii: "n"): bytes.append(10)
                        case UInt8(ascii: "r"): bytes.append(13)
                        case UInt8(ascii: "t"): bytes.append(9)
                        case UInt8(ascii: "u"):
                            guard i + 4 < s.count, let code = UInt32(String(decoding: s[(i + 1)...(i + 4)], as: UTF8.self), radix: 16),
                                  let scalar = Unicode.Scalar(code) else { return nil }
                            bytes.append(contentsOf: Array(String(Character(scalar)).utf8))
                            i += 4
                        default: bytes.append(s[i])
                        }
                    } else { bytes.append(s[i]) }
                    i += 1
                }
                guard i < s.count else { return nil }
                i += 1
                out.append(.text(String(decoding: bytes, as: UTF8.self)))
            } else {
                let start = i
                while i < s.count, s[i] != UInt8(ascii: ","), s[i] != UInt8(ascii: "]") { i += 1 }
                let token = String(decoding: s[start..<i], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                if token == "null" { out.append(.null) }
                else if let n = Int64(token) { out.append(.integer(n)) }
                else if let d = Double(token) { out.append(.real(d)) }
                else { return nil }
            }
            skip()
            guard i < s.count else { return nil }
            if s[i] == UInt8(ascii: "]") { return out }
            guard s[i] == UInt8(ascii: ",") else { return nil }
            i += 1
        }
        return nil
    }

    private static func jsonArray(_ items: [Value]) -> String {
        var out = "["
        for (i, item) in items.enumerated() {
            if i > 0 { out += "," }
            switch encode(item) {
            case .null: out += "null"
            case .integer(let n): out += String(n)
            case .real(let d): out += d.isFinite ? "\(d)" : "null"
            case .text(let s): out += JSONValue.string(s).serialized
            case .blob(let b): out += JSONValue.string(String(decoding: b, as: UTF8.self)).serialized
            }
        }
        return out + "]"
    }

}

extension ValueType {
    /// True for types whose values are lists (tags, multiple links, lookups).
    var isList: Bool {
        switch self {
        case .tags, .list: return true
        default: return false
        }
    }
}
