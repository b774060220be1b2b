/// Parses the statements of the REPL (`Grammar/repl.ebnf`): schema constructs, `field` and
/// `drop`, row commands, `show`, timer words, dot commands, bare expressions, and everything else
/// as a report query.
///
/// It lives beside the schema parser so that `field T.name TYPE ...` reads its field with the very
/// production a schema file uses, and every diagnostic points into the statement as typed.
public enum REPLStatementParser {
    /// The words that start a statement (besides schema keywords and dot commands), for help and completion.
    public static let commandWords: [String] = ["field", "drop", "add", "set", "delete", "show"] + TimerVerb.allCases.map(\.rawValue)

    /// True when `text` is a whole statement: no `(`, `[` or `{` is left open outside strings and
    /// comments. A REPL reads further lines (with a continuation prompt) until it is. A dot command
    /// is always one line.
    public static func isComplete(_ text: String) -> Bool {
        var depth = 0
        var quote: Unicode.Scalar?
        var inComment = false
        var previous: Unicode.Scalar = "\n"
        var sawContent = false
        var scalars = text.unicodeScalars.makeIterator()
        while let c = scalars.next() {
            defer { previous = c }
            if c == "\n" { quote = nil; inComment = false; continue }
            if inComment { continue }
            if let q = quote {
                if c == "\\" { _ = scalars.next(); continue }
                if c == q { quote = nil }
                continue
            }
            if !sawContent && !c.properties.isWhitespace {
                sawContent = true
                if c == "." { return true }
            }
            switch c {
            case "\"", "'": quote = c
            case "#" where previous.properties.isWhitespace:
                // `# note` is a comment; `#12` (a row) is not.
                inComment = isCommentStart(scalars)
            case "/" where previous == "/": inComment = true
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth = max(0, depth - 1)
            default: break
            }
        }
        return depth == 0
    }

    private static func isCommentStart(_ rest: String.UnicodeScalarView.Iterator) -> Bool {
        var copy = rest
        guard let next = copy.next() else { return true }
        return !(next.properties.numericType != nil || Lexer.isIdentifierStart(next))
    }

    /// Parses one statement (possibly several lines). Errors carry positions in `source`.
    public static func parse(_ source: SourceText) throws(SourceErrors) -> REPLStatement {
        var state = REPLStatementParsing(source: source)
        do {
            return try state.parse()
        } catch {
            throw SourceErrors(source: state.source, diagnostics: state.diagnostics + [error.diagnostic])
        }
    }
}

/// The state of one statement parse.
struct REPLStatementParsing {
    private(set) var source: SourceText
    private(set) var diagnostics: [Diagnostic] = []

    init(source: SourceText) { self.source = source }

    private func range(_ a: Int, _ b: Int) -> SourceRange {
        SourceRange(start: source.location(of: a), end: source.location(of: b))
    }

    private var wholeRange: SourceRange {
        let scalars = source.scalars
        var a = 0, b = scalars.count
        while a < b, scalars[a].properties.isWhitespace { a += 1 }
        while b > a, scalars[b - 1].properties.isWhitespace { b -= 1 }
        return range(a, b)
    }

    /// Words a statement's own lexer gives meaning to; a leading one of these decides the kind.
    private static let confirmable: Set<String> = ["table", "field", "drop"]

    mutating func parse() throws(SyntaxError) -> REPLStatement {
        let whole = wholeRange
        if whole.start.offset == whole.end.offset { return REPLStatement(.empty, range: whole) }
        if source.scalars[whole.start.offset] == "." { return try parseDot(whole) }

        var parser = Parser(source)
        if parser.isAtEnd { return REPLStatement(.empty, range: whole) }
        let first = parser.current
        let word = first.kind == .identifier ? first.text.lowercased() : ""

        // A trailing "!" confirms a loss of data in advance; it is never valid schema syntax.
        var confirmed = false
        if Self.confirmable.contains(word), source.scalars[whole.end.offset - 1] == "!" {
            confirmed = true
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: source.scalars[0..<(whole.end.offset - 1)])
            source = SourceText(name: source.name, text: String(scalars))
            parser = Parser(source)
        }
        var statement = try parseKind(word, &parser)
        statement.confirmed = confirmed
        return statement
    }

    private mutating func parseKind(_ word: String, _ parser: inout Parser) throws(SyntaxError) -> REPLStatement {
        let whole = wholeRange
        let next = parser.peek(1)
        let nextOnLine = next.kind != .end && !next.precededByNewline
        let isSetting = SettingDecl.Key(rawValue: word) != nil && nextOnLine && !next.isSymbolToken
        let isReport = next.isName && (parser.peek(2).isSymbol(.equal) || next.isKeyword("from") && parser.peek(2).isName)
        switch word {
        case "table" where next.isName, _ where isSetting, "report" where isReport:
            do {
                return REPLStatement(.schema(try SchemaParser.parse(source)), range: whole)
            } catch {
                diagnostics += error.diagnostics
                throw SyntaxError(diagnostics.removeFirst())
            }
        case "field" where next.isName && parser.peek(2).isSymbol(.dot):
            return try parseField(whole)
        case "drop":
            return try parseDrop(&parser, whole)
        case "add" where next.isName, "set" where next.isName, "delete" where next.isName:
            return try parseRowCommand(word, from: parser.current.range.end.offset, whole)
        case "show" where next.kind == .end || next.isName:
            return try parseShow(&parser, whole)
        case "start" where !next.isSymbolToken || startsOption(next),
             "stop" where !next.isSymbolToken || startsOption(next),
             "status" where !next.isSymbolToken || startsOption(next):
            var scanner = WordScanner(source: source, offset: parser.current.range.end.offset)
            return REPLStatement(.timer(TimerVerb(rawValue: word)!, arguments: try scanner.all()), range: whole)
        default:
            return parseExpressionOrQuery(whole)
        }
    }

    /// `--all` after a timer word is an option, not a double negation.
    private func startsOption(_ token: Token) -> Bool {
        let o = token.range.start.offset
        return token.isSymbol(.minus) && o + 2 < source.scalars.count && source.scalars[o + 1] == "-"
            && Lexer.isIdentifierStart(source.scalars[o + 2])
    }

    // MARK: - Schema statements

    private mutating func parseField(_ whole: SourceRange) throws(SyntaxError) -> REPLStatement {
        var state = SchemaParsing(parser: Parser(source))
        state.parser.advance()
        let table = state.parser.advance().name
        state.parser.advance()
        guard state.parser.current.isName else {
            throw SyntaxError("expected a field name after '\(table.text).', found \(state.parser.describe(state.parser.current))",
                              at: state.parser.current.range, hint: "field \(table.quoted).vat formula amount * 0.2")
        }
        let field = state.parseField()
        if let first = state.parser.diagnostics.first(where: { $0.severity == .error }) {
            diagnostics += state.parser.diagnostics.filter { $0 != first && $0.severity == .error }
            throw SyntaxError(first)
        }
        guard let field else { throw SyntaxError("expected a field", at: whole) }
        if !state.parser.isAtEnd {
            throw SyntaxError("unexpected \(state.parser.describe(state.parser.current)) after the field",
                              at: state.parser.current.range, hint: "a field statement declares one field: field T.name type modifiers")
        }
        return REPLStatement(.field(table: table, field: field), range: whole)
    }

    private mutating func parseDrop(_ parser: inout Parser, _ whole: SourceRange) throws(SyntaxError) -> REPLStatement {
        let drop = parser.advance()
        let example = "drop table Expenses, or drop field Expenses.vat"
        guard let what = parser.consumeKeyword("table") ?? parser.consumeKeyword("field") else {
            throw SyntaxError("expected 'table' or 'field' after 'drop', found \(parser.describe(parser.current))",
                              at: parser.isAtEnd ? drop.range : parser.current.range, hint: example)
        }
        guard parser.current.isName else {
            throw SyntaxError("expected a table name after 'drop \(what.text.lowercased())', found \(parser.describe(parser.current))",
                              at: parser.isAtEnd ? what.range : parser.current.range, hint: example)
        }
        let table = parser.advance().name
        let kind: REPLStatement.Kind
        if what.isKeyword("table") {
            kind = .dropTable(table)
        } else {
            guard parser.consume(.dot) != nil, parser.current.isName else {
                throw SyntaxError("expected TABLE.FIELD after 'drop field', found \(parser.describe(parser.current))",
                                  at: parser.isAtEnd ? table.range : parser.current.range, hint: "drop field \(table.quoted).vat")
            }
            kind = .dropField(table: table, field: parser.advance().name)
        }
        if !parser.isAtEnd {
            throw SyntaxError("unexpected \(parser.describe(parser.current)) after the drop statement", at: parser.current.range,
                              hint: "end it with '!' to drop without being asked: drop table Expenses !")
        }
        if let error = parser.diagnostics.first { throw SyntaxError(error) }
        return REPLStatement(kind, range: whole)
    }

    // MARK: - Row commands

    private mutating func parseRowCommand(_ word: String, from offset: Int, _ whole: SourceRange) throws(SyntaxError) -> REPLStatement {
        var scanner = WordScanner(source: source, offset: offset)
        let words = try scanner.all()
        let table = words[0]
        switch word {
        case "add":
            return REPLStatement(.add(table: table, assignments: try assignments(words.dropFirst(), command: "add \(table.text)")), range: whole)
        case "set":
            guard words.count >= 2 else {
                throw SyntaxError("'set' needs a row after the table", at: table.range,
                                  hint: "set \(table.text) #1 field=value: the row by #id or by its primary value")
            }
            let rest = words.dropFirst(2)
            guard !rest.isEmpty else {
                throw SyntaxError("'set' needs at least one field=value", at: words[1].range, hint: "set \(table.text) \(words[1].text) field=value")
            }
            return REPLStatement(.set(table: table, row: words[1], assignments: try assignments(rest, command: "set \(table.text) \(words[1].text)")),
                             range: whole)
        default:
            guard words.count >= 2 else {
                throw SyntaxError("'delete' needs a row after the table", at: table.range,
                                  hint: "delete \(table.text) #1: the row by #id or by its primary value")
            }
            guard words.count == 2 else {
                throw SyntaxError("'delete' takes one row, found \(words.count - 1) words", at: words[2].range,
                                  hint: "quote a primary value with spaces: delete \(table.text) \"Acme Corp\"")
            }
            return REPLStatement(.delete(table: table, row: words[1]), range: whole)
        }
    }

    private func assignments(_ words: ArraySlice<Word>, command: String) throws(SyntaxError) -> [Assignment] {
        var result: [Assignment] = []
        for word in words {
            guard let assignment = WordScanner.splitAssignment(word, in: source) else {
                throw SyntaxError("'\(word.text)' is not a field=value pair", at: word.range,
                                  hint: "write \(command) field=value; quote a value with spaces: note=\"two words\"")
            }
            result.append(assignment)
        }
        return result
    }

    private mutating func parseShow(_ parser: inout Parser, _ whole: SourceRange) throws(SyntaxError) -> REPLStatement {
        parser.advance()
        guard !parser.isAtEnd else { return REPLStatement(.show(table: nil, condition: nil), range: whole) }
        let table = parser.advance()
        let tableWord = Word(table.kind == .bracedName ? "{\(table.text)}" : table.text, range: table.range)
        var condition: Expression?
        if let whereToken = parser.consumeKeyword("where") {
            guard !parser.isAtEnd else {
                throw SyntaxError("missing condition after 'where'", at: whereToken.range, hint: "show \(tableWord.text) where amount > 10")
            }
            condition = try parser.parseExpression()
        }
        if !parser.isAtEnd {
            throw SyntaxError("unexpected \(parser.describe(parser.current)) after \(condition == nil ? "the table" : "the condition")",
                              at: parser.current.range,
                              hint: condition == nil ? "filter rows with: show \(tableWord.text) where CONDITION" : "join conditions with 'and' or 'or'")
        }
        if let error = parser.diagnostics.first { throw SyntaxError(error) }
        return REPLStatement(.show(table: tableWord, condition: condition), range: whole)
    }

    // MARK: - Expressions and queries

    private func parseExpressionOrQuery(_ whole: SourceRange) -> REPLStatement {
        var parser = Parser(source)
        let reason: Diagnostic
        do {
            let expression = try parser.parseExpression()
            if parser.isAtEnd, let error = parser.diagnostics.first {
                reason = error
            } else if parser.isAtEnd {
                return REPLStatement(.expression(expression), range: whole)
            } else {
                reason = Diagnostic("unexpected \(parser.describe(parser.current)) after the expression", at: parser.current.range)
            }
        } catch {
            reason = parser.diagnostics.first ?? error.diagnostic
        }
        return REPLStatement(.query(notAnExpression: reason), range: whole)
    }

    // MARK: - Dot commands

    private func parseDot(_ whole: SourceRange) throws(SyntaxError) -> REPLStatement {
        var scanner = WordScanner(source: source, offset: whole.start.offset + 1)
        let words = try scanner.all()
        let dot = range(whole.start.offset, whole.start.offset + 1)
        guard let name = words.first, name.range.start.offset == whole.start.offset + 1 else {
            throw SyntaxError("expected a command after '.'", at: dot, hint: "type .help for the list")
        }
        let arguments = Array(words.dropFirst())
        let command = name.text.lowercased()
        let usage: String
        switch command {
        case "help": usage = ".help"
        case "tables": usage = ".tables"
        case "schema": usage = ".schema [TABLE]"
        case "save": usage = ".save FILE"
        case "open": usage = ".open BASE"
        case "format": usage = ".format table|csv|json"
        case "timer": usage = ".timer on|off"
        case "quit", "exit": usage = ".\(command)"
        default:
            let guess = Suggestions.closest(to: command, among: DotCommand.names)
            throw SyntaxError("unknown command '.\(name.text)'", at: dot.union(name.range),
                              hint: (guess.map { "did you mean '.\($0)'? " } ?? "") + "type .help for the list")
        }
        let required = usage.contains(" ") && !usage.contains("[") ? 1 : 0
        let allowed = usage.contains(" ") ? 1 : 0
        if arguments.count < required {
            throw SyntaxError("'.\(command)' needs an argument", at: dot.union(name.range), hint: "write \(usage)")
        }
        if arguments.count > allowed {
            throw SyntaxError("too many arguments to '.\(command)'", at: arguments[allowed].range,
                              hint: "write \(usage)" + (allowed == 1 ? "; quote a path with spaces" : ""))
        }
        let argument = arguments.first
        let kind: DotCommand
        switch command {
        case "help": kind = .help
        case "tables": kind = .tables
        case "schema": kind = .schema(table: argument)
        case "save": kind = .save(file: argument!)
        case "open": kind = .open(base: argument!)
        case "format": kind = .format(argument!)
        case "timer":
            switch argument!.text.lowercased() {
            case "on": kind = .timer(on: true)
            case "off": kind = .timer(on: false)
            default: throw SyntaxError("expected 'on' or 'off', found '\(argument!.text)'", at: argument!.range, hint: "write \(usage)")
            }
        default: kind = .quit
        }
        return REPLStatement(.dot(kind), range: whole)
    }
}

extension Token {
    /// True for punctuation: after `start`, `stop` or `status` it makes an expression, not a timer word.
    var isSymbolToken: Bool { if case .symbol = kind { return true } else { return false } }
}

/// Splits the rest of a command into words the way a shell would: white space separates them,
/// `"..."` and `'...'` quote (with `\` escapes), `{...}` keeps a braced name together, and a
/// `#` or `//` word followed by a space starts a comment.
struct WordScanner {
    let source: SourceText
    var offset: Int

    /// The decoded characters of a word, with the source offset each came from.
    private struct Scanned {
        var scalars = String.UnicodeScalarView()
        var offsets: [Int] = []
        mutating func append(_ c: Unicode.Scalar, at offset: Int) { scalars.append(c); offsets.append(offset) }
    }

    private func range(_ a: Int, _ b: Int) -> SourceRange {
        SourceRange(start: source.location(of: a), end: source.location(of: b))
    }

    private func at(_ i: Int) -> Unicode.Scalar? { i < source.scalars.count ? source.scalars[i] : nil }

    mutating func all() throws(SyntaxError) -> [Word] {
        var words: [Word] = []
        while let word = try next() { words.append(word) }
        return words
    }

    mutating func next() throws(SyntaxError) -> Word? {
        while let c = at(offset), c.properties.isWhitespace { offset += 1 }
        guard let first = at(offset) else { return nil }
        let startsComment = (first == "#" && (at(offset + 1).map { $0.properties.isWhitespace } ?? true))
            || (first == "/" && at(offset + 1) == "/")
        if startsComment {
            while let c = at(offset), c != "\n" { offset += 1 }
            return try next()
        }
        let start = offset
        var word = Scanned()
        while let c = at(offset), !c.properties.isWhitespace {
            if c == "\"" || c == "'" {
                let open = offset
                offset += 1
                while true {
                    guard let s = at(offset), s != "\n" else {
                        throw SyntaxError("the string is not closed", at: range(open, offset),
                                          hint: "end it with \(Character(c)) on the same line")
                    }
                    offset += 1
                    if s == c { break }
                    if s == "\\", let e = at(offset), e != "\n" {
                        offset += 1
                        switch e {
                        case "n": word.append("\n", at: offset - 2)
                        case "t": word.append("\t", at: offset - 2)
                        default: word.append(e, at: offset - 2)
                        }
                    } else {
                        word.append(s, at: offset - 1)
                    }
                }
            } else if c == "{" {
                let open = offset
                while true {
                    guard let s = at(offset), s != "\n" else {
                        throw SyntaxError("the braced name is not closed", at: range(open, offset), hint: "end it with '}' on the same line")
                    }
                    word.append(s, at: offset)
                    offset += 1
                    if s == "}" { break }
                }
            } else {
                word.append(c, at: offset)
                offset += 1
            }
        }
        return Word(String(word.scalars), range: range(start, offset))
    }

    /// `field=value` split at its first `=`, with the ranges of both parts; nil when the word has
    /// no `=` after a field name.
    static func splitAssignment(_ word: Word, in source: SourceText) -> Assignment? {
        let scalars = Array(word.text.unicodeScalars)
        guard let eq = scalars.firstIndex(of: "="), eq > 0 else { return nil }
        var field = String.UnicodeScalarView(), value = String.UnicodeScalarView()
        field.append(contentsOf: scalars[..<eq])
        value.append(contentsOf: scalars[(eq + 1)...])
        // Find the "=" in the source: the first one in the word that is not inside quotes or braces.
        var i = word.range.start.offset, quote: Unicode.Scalar?, braced = false
        var split = word.range.start.offset
        while i < word.range.end.offset {
            let c = source.scalars[i]
            if let q = quote {
                if c == "\\" { i += 1 } else if c == q { quote = nil }
            } else if braced {
                if c == "}" { braced = false }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "{" {
                braced = true
            } else if c == "=" {
                split = i
                break
            }
            i += 1
        }
        if split == word.range.start.offset { split = min(word.range.end.offset, word.range.start.offset + eq) }
        let fieldRange = SourceRange(start: word.range.start, end: source.location(of: split))
        let valueRange = SourceRange(start: source.location(of: min(split + 1, word.range.end.offset)), end: word.range.end)
        return Assignment(field: Word(String(field), range: fieldRange), value: Word(String(value), range: valueRange))
    }
}
