/// A value as SQLite stores it: one of its five storage classes.
///
/// This is the storage layer's currency, below the engine's typed `Value`: arguments are bound
/// from it and rows are read into it. Text is UTF-8; a blob is raw bytes.
package enum SQLValue: Sendable, Hashable {
    /// SQL `NULL`.
    case null
    /// A 64-bit signed integer.
    case integer(Int64)
    /// An IEEE 754 double.
    case real(Double)
    /// UTF-8 text.
    case text(String)
    /// Raw bytes.
    case blob([UInt8])
}

/// One of SQLite's five storage classes, as `Statement.columnType(_:)` reports it.
package enum SQLStorageClass: Sendable, Hashable {
    case null, integer, real, text, blob
}

extension SQLValue {
    /// The storage class of the value.
    package var storageClass: SQLStorageClass {
        switch self {
        case .null: return .null
        case .integer: return .integer
        case .real: return .real
        case .text: return .text
        case .blob: return .blob
        }
    }

    /// The integer, when the value is `.integer`; `nil` otherwise (no conversion).
    package var int64Value: Int64? {
        if case .integer(let v) = self { return v } else { return nil }
    }

    /// The number as a Double, when the value is `.real` or `.integer`; `nil` otherwise.
    package var doubleValue: Double? {
        switch self {
        case .real(let v): return v
        case .integer(let v): return Double(v)
        default: return nil
        }
    }

    /// The string, when the value is `.text`; `nil` otherwise (no conversion).
    package var textValue: String? {
        if case .text(let v) = self { return v } else { return nil }
    }

    /// The bytes, when the value is `.blob`; `nil` otherwise.
    package var blobValue: [UInt8]? {
        if case .blob(let v) = self { return v } else { return nil }
    }

    /// Whether the value is SQL `NULL`.
    package var isNull: Bool {
        if case .null = self { return true } else { return false }
    }
}

extension SQLValue: ExpressibleByIntegerLiteral {
    package init(integerLiteral value: Int64) { self = .integer(value) }
}

extension SQLValue: ExpressibleByFloatLiteral {
    package init(floatLiteral value: Double) { self = .real(value) }
}

extension SQLValue: ExpressibleByStringLiteral {
    package init(stringLiteral value: String) { self = .text(value) }
}

extension SQLValue: ExpressibleByBooleanLiteral {
    /// `true` is stored as the integer 1, `false` as 0 (SQLite has no boolean class).
    package init(booleanLiteral value: Bool) { self = .integer(value ? 1 : 0) }
}

extension SQLValue: CustomStringConvertible {
    /// A short, readable rendering for messages and debugging (`NULL`, `42`, `'text'`, `x'00FF'`).
    ///
    /// Long text and blobs are shortened. It is not meant to be pasted into SQL: bind values instead.
    package var description: String {
        switch self {
        case .null:
            return "NULL"
        case .integer(let v):
            return String(v)
        case .real(let v):
            return String(v)
        case .text(let s):
            let limit = 200
            let escaped = s.replacing("'", with: "''")
            if escaped.count > limit {
                return "'" + escaped.prefix(limit) + "'…(\(s.utf8.count) bytes)"
            }
            return "'" + escaped + "'"
        case .blob(let bytes):
            let limit = 32
            let digits = "0123456789ABCDEF".map { $0 }
            var hex = ""
            hex.reserveCapacity(min(bytes.count, limit) * 2)
            for b in bytes.prefix(limit) {
                hex.append(digits[Int(b >> 4)])
                hex.append(digits[Int(b & 0x0F)])
            }
            return bytes.count > limit ? "x'\(hex)'…(\(bytes.count) bytes)" : "x'\(hex)'"
        }
    }
}
