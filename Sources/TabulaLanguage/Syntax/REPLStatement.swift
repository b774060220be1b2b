/// One statement typed at the REPL (`tabula repl`), as parsed by `REPLStatementParser`.
///
/// The grammar is `Grammar/repl.ebnf`. Ranges are positions in the statement's own source text.
public struct REPLStatement: Sendable, Hashable {
    /// What the statement asks for.
    public enum Kind: Sendable, Hashable {
        /// A blank line or a comment.
        case empty
        /// Schema-language constructs (`table`, `base`/`timezone`/`currency`/`locale`, `report`),
        /// merged into the base's schema and applied as a migration.
        case schema(SchemaFile)
        /// `field Expenses.vat formula amount * 0.2`: adds the field, or replaces the one of that name.
        case field(table: Name, field: FieldDecl)
        /// `drop table Expenses`.
        case dropTable(Name)
        /// `drop field Expenses.vat`.
        case dropField(table: Name, field: Name)
        /// `add Expenses amount=12.50 date=2026-11-20`.
        case add(table: Word, assignments: [Assignment])
        /// `set Expenses #1 amount=13`.
        case set(table: Word, row: Word, assignments: [Assignment])
        /// `delete Expenses #1`.
        case delete(table: Word, row: Word)
        /// `show`, `show Expenses`, `show Expenses where amount > 10`.
        case show(table: Word?, condition: Expression?)
        /// `start ...`, `stop ...`, `status ...`: handed to the timer hook with its words.
        case timer(TimerVerb, arguments: [Word])
        /// A whole formula expression, evaluated on its own: `1h30m * 3`.
        case expression(Expression)
        /// Anything else: handed to the report hook as a report query (`sum(amount) by month(date)`).
        /// `notAnExpression` says why it was not read as an expression, for when no report runs it.
        case query(notAnExpression: Diagnostic)
        /// `.help`, `.schema Expenses`, `.save file.tabula`, ...
        case dot(DotCommand)
    }

    public var kind: Kind
    /// The whole statement (without a confirming `!`).
    public var range: SourceRange
    /// True when the statement ended with `!`: a loss of data it causes is confirmed in advance.
    public var confirmed: Bool

    public init(_ kind: Kind, range: SourceRange, confirmed: Bool = false) {
        self.kind = kind; self.range = range; self.confirmed = confirmed
    }
}

/// A word of a row, timer or dot command, as typed: `Expenses`, `#3`, `"Acme Corp"` (quotes and
/// escapes decoded), `{Hours billed}` (braces kept; `name` drops them).
public struct Word: Sendable, Hashable {
    public var text: String
    public var range: SourceRange
    public init(_ text: String, range: SourceRange = .none) { self.text = text; self.range = range }

    /// The word as a table or field name: `{Hours billed}` without its braces.
    public var name: String {
        if text.count >= 2, text.hasPrefix("{"), text.hasSuffix("}") { return String(text.dropFirst().dropLast()) }
        return text
    }
}

/// `field=value` in a row command, both parts as typed.
public struct Assignment: Sendable, Hashable {
    public var field: Word
    public var value: Word
    public init(field: Word, value: Word) { self.field = field; self.value = value }
}

/// The timer statements; what their words mean is up to the timer hook.
public enum TimerVerb: String, Sendable, Hashable, CaseIterable {
    case start, stop, status
}

/// The REPL's dot commands: settings and actions of the session rather than statements on the base.
public enum DotCommand: Sendable, Hashable {
    case help
    case tables
    /// `.schema [TABLE]`: the schema (or one table) in the schema language.
    case schema(table: Word?)
    /// `.save FILE`: the schema as a schema file.
    case save(file: Word)
    /// `.open BASE`: work on a base file from now on.
    case open(base: Word)
    /// `.format table|csv|json`; the word is checked by the session, which knows the formats.
    case format(Word)
    /// `.timer on|off`: print how long each statement took.
    case timer(on: Bool)
    /// `.quit` or `.exit`.
    case quit

    /// The names of the dot commands, as typed after the dot.
    public static let names: [String] = ["help", "tables", "schema", "save", "open", "format", "timer", "quit", "exit"]
}
