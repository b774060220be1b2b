/// A syntax error that stops the construct being parsed.
public struct SyntaxError: Error, Sendable, Hashable {
    public var diagnostic: Diagnostic
    public init(_ diagnostic: Diagnostic) { self.diagnostic = diagnostic }
    public init(_ message: String, at range: SourceRange, hint: String? = nil) {
        self.diagnostic = Diagnostic(message, at: range, hint: hint)
    }
}

/// A recursive-descent parser over the token stream of one source text, shared by the schema,
/// formula and report parsers.
///
/// `parseExpression()` reads the longest expression at the current token and stops, without an
/// error, at the first token that cannot continue it, so a caller can go on with its own clauses:
/// after `sum(duration) by client`, the parser stands at `by`.
public struct Parser: Sendable {
    public let source: SourceText
    private var lexer: Lexer
    /// Lexed tokens not yet consumed; never empty (the last one may be `.end`).
    private var buffer: [Token]
    /// The last consumed token.
    public private(set) var previous: Token?
    private var parserDiagnostics: [Diagnostic] = []
    /// How many brackets the expression being parsed has open.
    var bracketDepth = 0
    /// How deep the expression parser has recursed; bounded so hostile input cannot exhaust the stack.
    var nesting = 0
    /// The deepest nesting of brackets and prefix operators an expression may have.
    public static let maximumNesting = 100
    /// Operators in the expression being parsed; bounded so that trees stay shallow enough to
    /// walk recursively.
    var operatorCount = 0
    /// The most operators one expression may have.
    public static let maximumOperators = 1000

    /// When true, an expression also ends at a line break outside its brackets: a schema field's
    /// formula ends with its line, so `a +` followed by a new line is an error, not a continuation.
    public var expressionsEndAtLineBreak = false

    /// A parser reading `source` from `offset`.
    public init(_ source: SourceText, offset: Int = 0) {
        self.source = source
        self.lexer = Lexer(source, offset: offset)
        self.buffer = [lexer.next()]
    }

    /// A parser reading only the part `range` of `source` (a saved report's `queryRange`), with
    /// diagnostics located in the whole text.
    public init(_ source: SourceText, range: SourceRange) {
        self.source = source
        self.lexer = Lexer(source, offset: range.start.offset, limit: range.end.offset)
        self.buffer = [lexer.next()]
    }

    /// Lexical errors of the tokens read so far, then the errors reported through `report`.
    public var diagnostics: [Diagnostic] { lexer.diagnostics + parserDiagnostics }

    /// True when any diagnostic so far is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The token at which the parser stands.
    public var current: Token { buffer[0] }

    /// True at the end of the text.
    public var isAtEnd: Bool { current.kind == .end }

    /// The token `n` places after the current one (0 is the current one).
    public mutating func peek(_ n: Int = 1) -> Token {
        while buffer.count <= n {
            if buffer.last?.kind == .end { return buffer.last! }
            buffer.append(lexer.next())
        }
        return buffer[n]
    }

    /// Consumes the current token and returns it (at the end, stays there).
    @discardableResult
    public mutating func advance() -> Token {
        let token = buffer[0]
        if token.kind == .end { return token }
        previous = token
        buffer.removeFirst()
        if buffer.isEmpty { buffer.append(lexer.next()) }
        return token
    }

    /// Records a diagnostic without stopping.
    public mutating func report(_ diagnostic: Diagnostic) { parserDiagnostics.append(diagnostic) }

    /// True when the current token is the identifier `word` (case-insensitive).
    public func isKeyword(_ word: String) -> Bool { current.isKeyword(word) }

    /// Consumes the identifier `word` (case-insensitive) if it is the current token.
    public mutating func consumeKeyword(_ word: String) -> Token? {
        isKeyword(word) ? advance() : nil
    }

    /// Consumes the punctuation `symbol` if it is the current token.
    public mutating func consume(_ symbol: Symbol) -> Token? {
        current.isSymbol(symbol) ? advance() : nil
    }

    /// Consumes `symbol` or fails with `message` at the current token.
    public mutating func expect(_ symbol: Symbol, _ message: String, hint: String? = nil) throws(SyntaxError) -> Token {
        if let t = consume(symbol) { return t }
        throw SyntaxError("\(message), found \(describe(current))", at: current.range, hint: hint)
    }

    /// How a token reads in a message: `'by'`, `the end of the text`.
    public func describe(_ token: Token) -> String {
        if token.kind == .end { return "the end of the text" }
        var s = source.slice(token.range)
        if s.count > 24 { s = String(s.prefix(24)) + "…" }
        return "'\(s)'"
    }

    /// Re-reads the current token with a `{` taken as the punctuation that opens a table block,
    /// when it was read as the start of a braced name.
    public mutating func relexCurrentAsBlockOpen() {
        let token = buffer[0]
        guard token.kind == .bracedName else { return }
        lexer.reset(to: token.range.start.offset, precededByNewline: token.precededByNewline)
        buffer = [lexer.next(braceOpensBlock: true)]
    }

    /// True when the current token cannot belong to the expression being parsed because it
    /// starts a new line (see `expressionsEndAtLineBreak`).
    var atLineBoundary: Bool {
        expressionsEndAtLineBreak && bracketDepth == 0 && current.precededByNewline
    }

    /// Skips tokens up to the next one that starts a line, or up to (not over) a token satisfying `stop`.
    public mutating func skipToNextLine(stoppingAt stop: (Token) -> Bool = { _ in false }) {
        while !isAtEnd && !stop(current) {
            advance()
            if current.precededByNewline { return }
        }
    }

    /// A range from a token's start to the end of the last consumed token.
    public func range(from start: SourceRange) -> SourceRange {
        guard let previous else { return start }
        return SourceRange(start: start.start, end: max(start.end, previous.range.end))
    }
}
