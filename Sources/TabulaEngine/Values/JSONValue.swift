/// A JSON value as Tabula writes it (report output, the CLI's `--format json`, the HTTP API).
///
/// Integers are kept apart from doubles so that row ids, durations and counts print exactly.
/// Objects keep their members in the order given.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A double; non-finite values serialize as `null` (JSON has no NaN or infinity).
    case number(Double)
    case integer(Int64)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.integer(x), .integer(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// Compact JSON text: no insignificant whitespace, strings escaped per RFC 8259.
    public var serialized: String {
        var out = ""
        write(to: &out)
        return out
    }

    /// Appends the compact JSON text to `out`.
    public func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let d): out += d.isFinite ? ValueText.formatNumber(d) : "null"
        case .integer(let i): out += String(i)
        case .string(let s): JSONValue.writeString(s, to: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, member) in members.enumerated() {
                if i > 0 { out += "," }
                JSONValue.writeString(member.key, to: &out)
                out += ":"
                member.value.write(to: &out)
            }
            out += "}"
        }
    }

    static func writeString(_ s: String, to out: inout String) {
        out += "\""
        // Most strings need no escape: appended whole. Else the runs between escapes are.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0xE2 }) {
            out += s
        } else {
            writeEscaped(Array(s.utf8), to: &out)
        }
        out += "\""
    }

    private static func writeEscaped(_ bytes: [UInt8], to out: inout String) {
        var run = 0, i = 0
        while i < bytes.count {
            let b = bytes[i]
            var escape: String?
            var width = 1
            switch b {
            case 0x22: escape = "\\\""
            case 0x5C: escape = "\\\\"
            case 0x0A: escape = "\\n"
            case 0x0D: escape = "\\r"
            case 0x09: escape = "\\t"
            case 0x08: escape = "\\b"
            case 0x0C: escape = "\\f"
            case 0..<0x20:
                let hex = String(b, radix: 16)
                escape = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                // U+2028 and U+2029: valid JSON either way; escaped for JavaScript embedding.
                escape = bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                width = 3
            default: break
            }
            guard let escape else { i += 1; continue }
            if i > run { out += String(decoding: bytes[run..<i], as: UTF8.self) }
            out += escape
            i += width
            run = i
        }
        if bytes.count > run { out += String(decoding: bytes[run...], as: UTF8.self) }
    }
}
