/// A name as written: an identifier (`hours`, `часы`) or a braced name (`{Hours billed}`).
public struct Name: Sendable, Hashable, Codable, CustomStringConvertible {
    public var text: String
    public var range: SourceRange
    public init(_ text: String, range: SourceRange = .none) { self.text = text; self.range = range }
    public var description: String { text }
    /// The name as it must be written back into source: braced when it is not a plain identifier.
    public var quoted: String { Name.quote(text) }

    public static func quote(_ text: String) -> String {
        guard let first = text.unicodeScalars.first,
              first.properties.isAlphabetic || first == "_",
              text.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" }),
              !Keywords.reservedInExpressions.contains(text.lowercased())
        else { return "{" + text + "}" }
        return text
    }
}

/// Words with a fixed meaning. Keywords are case-insensitive.
public enum Keywords {
    /// Words that can never be a bare field name inside an expression (brace them instead).
    public static let reservedInExpressions: Set<String> = ["and", "or", "not", "in", "true", "false", "blank"]
}

/// A period written as a literal: a day, an ISO week, a month, a quarter or a year.
public enum PeriodLiteral: Sendable, Hashable, Codable {
    case day(year: Int, month: Int, day: Int)
    case week(year: Int, week: Int)
    case month(year: Int, month: Int)
    case quarter(year: Int, quarter: Int)
    case year(Int)
}

/// Operators with two operands.
public enum BinaryOperator: String, Sendable, Hashable, Codable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%", power = "^"
    case concatenate = "&"
    case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case and, or
    case `in`
}

/// Operators with one operand.
public enum UnaryOperator: String, Sendable, Hashable, Codable {
    case negate = "-", not
}

/// An expression of the formula language, with the span it was parsed from.
public struct Expression: Sendable, Hashable, Codable {
    public indirect enum Kind: Sendable, Hashable, Codable {
        /// A number literal; `text` keeps its spelling (`12`, `1.50`) so integer-ness and scale are known.
        case number(Double, text: String)
        case string(String)
        case bool(Bool)
        /// The `blank` keyword: an empty value.
        case blank
        /// `2026-11-20`
        case date(year: Int, month: Int, day: Int)
        /// `2026-11-20T10:30`, `2026-11-20T10:30:00Z`, `2026-11-20T10:30+01:00`; the ISO text as written.
        case datetime(String)
        /// `1h30m`, `15m`, `45s`, `1.5h`, `2d`: whole seconds.
        case duration(seconds: Int64)
        /// `150.00 EUR`; `amount` is the decimal text, `currency` the ISO code.
        case money(amount: String, currency: String)
        /// `2026-11`, `2026-W47`, `2026-Q4` (a year alone is a number; a day alone is a date).
        case period(PeriodLiteral)
        /// A field reference or a relation path: `hours`, `project.client.name`.
        case path([Name])
        /// A function call; `filter` holds `sum(x where cond)` in reports and is nil elsewhere.
        case call(Name, [Expression], filter: Expression?)
        case unary(UnaryOperator, Expression)
        case binary(BinaryOperator, Expression, Expression)
        /// `(a, b, c)` on the right of `in`, or `[a, b]`.
        case list([Expression])
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, range: SourceRange) { self.kind = kind; self.range = range }
}
