/// One lexical unit of a schema file, a formula or a report query.
///
/// Keywords are not token kinds: `table`, `where`, `by` are identifiers, and the parsers compare
/// their text case-insensitively.
public struct Token: Sendable, Hashable {
    /// What a token is, with the decoded value of literals.
    public enum Kind: Sendable, Hashable {
        /// `hours`, `часы`, `Straße`, `_tmp`; also every keyword.
        case identifier
        /// `{Hours billed}`; the token's `text` is the name inside the braces.
        case bracedName
        /// `12`, `1.50`, `1e3`; the token's `text` is the spelling.
        case number
        /// `"text"` or `'text'`; the token's `text` is the decoded contents.
        case string
        /// `1h30m`, `90m`, `1.5h`, `2d`, `1w`: whole seconds, rounded.
        case duration(seconds: Int64)
        /// `2026-11-20`
        case date(year: Int, month: Int, day: Int)
        /// `2026-11-20T10:30`, `2026-11-20T10:30:00.123+01:00`; the token's `text` is the spelling.
        case datetime
        /// `2026-11`, `2026-W47`, `2026-Q4`.
        case period(PeriodLiteral)
        /// Punctuation and operators.
        case symbol(Symbol)
        /// The end of the text (always the last token).
        case end
    }

    public var kind: Kind
    /// The spelling as written, except for braced names (the name inside the braces) and strings
    /// (the decoded contents).
    public var text: String
    public var range: SourceRange
    /// True when a line break (or the start of the text) lies between the previous token and this one.
    public var precededByNewline: Bool

    public init(kind: Kind, text: String, range: SourceRange, precededByNewline: Bool) {
        self.kind = kind; self.text = text; self.range = range; self.precededByNewline = precededByNewline
    }

    /// True for an identifier whose text equals `word`, ignoring case.
    public func isKeyword(_ word: String) -> Bool {
        kind == .identifier && text.lowercased() == word
    }

    /// True for the given punctuation.
    public func isSymbol(_ symbol: Symbol) -> Bool { kind == .symbol(symbol) }

    /// True for an identifier or a braced name.
    public var isName: Bool { kind == .identifier || kind == .bracedName }

    /// The token as a `Name` (identifier text or braced contents, with the exact source range).
    public var name: Name { Name(text, range: range) }
}

/// Punctuation and operator tokens.
public enum Symbol: String, Sendable, Hashable, CaseIterable {
    case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
    /// `{` opening a table block (a `{` elsewhere starts a braced name).
    case leftBrace = "{"
    case rightBrace = "}"
    case comma = ",", dot = ".", colon = ":"
    case equal = "=", doubleEqual = "==", notEqual = "!=", lessGreater = "<>"
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%", caret = "^", ampersand = "&"
    case arrow = "->"
}
