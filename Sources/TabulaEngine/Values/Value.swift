/// A value of a cell or of a formula: the engine's one currency of data.
///
/// Values are exact where the type demands it (money in minor units, durations in whole seconds,
/// instants in milliseconds). Errors are values too, so a bad row never stops a recompute.
public enum Value: Sendable, Hashable {
    /// An empty cell.
    case blank
    case text(String)
    case number(Double)
    case integer(Int64)
    case money(Money)
    /// A fraction: 0.15 is shown as 15%.
    case percent(Double)
    case bool(Bool)
    case date(CivilDate)
    case datetime(Instant)
    /// Whole seconds.
    case duration(Int64)
    /// A reference to a row of the table the field's type names.
    case link(RowID)
    /// Several values: a `link T[]`, a `tags` field, a lookup mirror, `split()`.
    case list([Value])
    case error(FormulaError)

    public var isBlank: Bool {
        switch self {
        case .blank: return true
        case .text(let s): return s.isEmpty
        case .list(let l): return l.isEmpty
        default: return false
        }
    }
    public var isError: Bool { if case .error = self { return true } else { return false } }
}

/// A row's stable id inside its table (SQLite rowid).
public typealias RowID = Int64

/// A formula's error value; it propagates through every operation that reads it.
public enum FormulaError: String, Sendable, Hashable, Codable, CaseIterable, Error {
    /// Division by zero.
    case divisionByZero = "#DIV/0"
    /// An operand of the wrong type at run time.
    case type = "#TYPE"
    /// A reference that does not resolve (a deleted row, a missing field).
    case reference = "#REF"
    /// A number out of range (overflow, sqrt of a negative).
    case number = "#NUM"
    /// A value that cannot be converted (`value("abc")`, a bad date).
    case value = "#VALUE"

    /// The displayed code, e.g. `#DIV/0`.
    public var code: String { rawValue }
}

/// Exact money: an integer count of the currency's minor units (cents), never a Double.
public struct Money: Sendable, Hashable, Codable, Comparable {
    public var minorUnits: Int64
    /// ISO 4217 code, upper case.
    public var currency: String

    public init(minorUnits: Int64, currency: String) {
        self.minorUnits = minorUnits; self.currency = currency
    }

    /// Digits after the decimal point for an ISO 4217 code (2 unless the currency says otherwise).
    public static func minorDigits(of currency: String) -> Int {
        switch currency {
        case "JPY", "KRW", "CLP", "ISK", "VND", "XAF", "XOF", "UGX", "PYG", "RWF", "KMF", "GNF", "VUV", "XPF", "DJF", "BIF": return 0
        case "BHD", "KWD", "OMR", "TND", "JOD", "IQD", "LYD": return 3
        default: return 2
        }
    }
    public var minorDigits: Int { Money.minorDigits(of: currency) }

    public static func < (a: Money, b: Money) -> Bool { a.minorUnits < b.minorUnits }
}

/// A civil day with no time zone, stored as days since 1970-01-01.
public struct CivilDate: Sendable, Hashable, Codable, Comparable {
    public var daysSinceEpoch: Int64
    public init(daysSinceEpoch: Int64) { self.daysSinceEpoch = daysSinceEpoch }
    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }
}

/// An instant, stored as milliseconds since 1970-01-01T00:00:00Z.
public struct Instant: Sendable, Hashable, Codable, Comparable {
    public var millisecondsSinceEpoch: Int64
    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }
    public static func < (a: Instant, b: Instant) -> Bool { a.millisecondsSinceEpoch < b.millisecondsSinceEpoch }
}

/// The type of a value: of a stored field, or inferred for a formula.
public indirect enum ValueType: Sendable, Hashable, Codable {
    case text
    case number
    case integer
    case currency(String)
    case percent
    case bool
    case date
    case datetime
    case duration
    /// One of the options (stored as its text).
    case select([String])
    /// Several of the options.
    case tags([String])
    /// A row of a table (by the table's stable id).
    case link(TableID)
    case list(ValueType)
    /// The type of `blank` and of what cannot be known statically; accepted wherever a value is.
    case any
}

/// A table's stable internal id: it never changes, whatever the table is renamed to.
public typealias TableID = Int
/// A field's stable internal id, unique in the base.
public typealias FieldID = Int

/// What parsing and formatting values need to know about the base.
public struct ValueContext: Sendable, Hashable {
    /// IANA zone name of the base: datetimes without an offset are read in it and shown in it.
    public var timeZone: String
    /// The base currency (for `currency` without a code, and bare money in formulas).
    public var currency: String
    /// Locale identifier for collation and case mapping (`en`, `de`, `ru`).
    public var locale: String

    public init(timeZone: String = "UTC", currency: String = "EUR", locale: String = "en") {
        self.timeZone = timeZone; self.currency = currency; self.locale = locale
    }
}
