/// Parses schema files (`Samples/*.tabula`): base settings, tables with typed fields, saved reports.
public enum SchemaParser {
    /// Parses a whole schema file, reporting every error it can find (it recovers at the next
    /// line, field, `}` or top-level keyword).
    public static func parse(_ source: SourceText) throws(SourceErrors) -> SchemaFile {
        var state = SchemaParsing(parser: Parser(source))
        state.parseFile()
        let diagnostics = state.parser.diagnostics
        if diagnostics.contains(where: { $0.severity == .error }) {
            throw SourceErrors(source: source, diagnostics: diagnostics)
        }
        return state.file
    }
}

/// The state of one schema parse.
struct SchemaParsing {
    var parser: Parser
    var file = SchemaFile()
    private var settingRanges: [SettingDecl.Key: SourceRange] = [:]

    init(parser: Parser) {
        self.parser = parser
        self.parser.expressionsEndAtLineBreak = true
    }

    // MARK: - Helpers

    private mutating func error(_ message: String, at range: SourceRange, hint: String? = nil) {
        parser.report(Diagnostic(message, at: range, hint: hint))
    }

    private var current: Token { parser.current }

    private func found() -> String { parser.describe(current) }

    /// True while the current token continues the line of the construct being read (and is not a `}`).
    private var onSameLine: Bool {
        !parser.isAtEnd && !current.precededByNewline && !current.isSymbol(.rightBrace)
    }

    /// The range at the current token when it is on the same line, else at the last token read.
    private var hereOrPrevious: SourceRange {
        onSameLine ? current.range : (parser.previous?.range ?? current.range)
    }

    private mutating func nameOnLine() -> Name? {
        guard onSameLine, current.isName else { return nil }
        return parser.advance().name
    }

    private func isStatementKeyword(_ t: Token) -> Bool {
        t.kind == .identifier && Keywords.schemaStatements.contains(t.text.lowercased())
    }

    /// Skips up to the next line that starts with a top-level keyword.
    private mutating func skipToTopLevel() {
        while !parser.isAtEnd && !(current.precededByNewline && isStatementKeyword(current)) {
            // A skipped "{" most likely opens a block: do not report it as an unterminated braced name.
            parser.relexCurrentAsBlockOpen()
            parser.advance()
        }
    }

    /// Skips the rest of a field's line (up to a `}` on it).
    private mutating func skipField() {
        while onSameLine { parser.advance() }
    }

    /// Whether the current line, inside a table block, is really the next top-level statement
    /// (so the block before it was not closed).
    private mutating func startsTopLevelStatement() -> Bool {
        guard current.precededByNewline, current.kind == .identifier else { return false }
        let next = parser.peek(1), after = parser.peek(2)
        switch current.text.lowercased() {
        case "table":
            return next.isName && !next.precededByNewline && !after.precededByNewline
                && (after.kind == .bracedName || after.isSymbol(.leftBrace) || after.isKeyword("was") || after.isKeyword("from"))
        case "report":
            return next.isName && !next.precededByNewline && !after.precededByNewline
                && (after.isSymbol(.equal) || next.isKeyword("from") && after.isName)
        case "base", "timezone", "currency", "locale":
            if current.isKeyword("base"), next.isName, after.isKeyword("at"), !after.precededByNewline { return true }
            return next.kind == .string && !next.precededByNewline
        default:
            return false
        }
    }

    private static let typeList = Keywords.fieldTypes.joined(separator: ", ")

    private static func typesHint(for word: String?) -> String {
        let list = "the types are \(typeList)"
        if let word, let guess = Suggestions.didYouMean(word, among: Keywords.fieldTypes) { return "\(guess) \(list)" }
        return list
    }

    // MARK: - File

    mutating func parseFile() {
        while !parser.isAtEnd {
            let t = current
            if t.kind == .identifier {
                let word = t.text.lowercased()
                if word == "table" { parseTable(); continue }
                if word == "report" { parseReport(); continue }
                if let key = SettingDecl.Key(rawValue: word) { parseSetting(key); continue }
            }
            var hint: String?
            if t.isSymbol(.rightBrace) {
                hint = "this '}' closes no table"
            } else if t.kind == .identifier {
                hint = Suggestions.didYouMean(t.text, among: Keywords.schemaStatements)
            }
            if hint == nil, t.isName, parser.peek(1).kind == .identifier,
               Keywords.fieldTypes.contains(parser.peek(1).text.lowercased()) {
                hint = "fields go inside a table: table Name { \(source(t)) \(parser.peek(1).text) }"
            }
            error("expected 'table', 'base', 'timezone', 'currency', 'locale' or 'report', found \(found())",
                  at: t.range, hint: hint)
            parser.advance()
            skipToTopLevel()
        }
    }

    private func source(_ t: Token) -> String { parser.source.slice(t.range) }

    // MARK: - Settings

    private mutating func parseSetting(_ key: SettingDecl.Key) {
        let keyToken = parser.advance()
        let example: String
        switch key {
        case .base: example = "base \"Time tracking\""
        case .timezone: example = "timezone \"Europe/Berlin\""
        case .currency: example = "currency EUR"
        case .locale: example = "locale \"de\""
        case .people: example = "people People"
        case .approver: example = "approver lead"
        case .pomodoro: example = "pomodoro 25m 5m"
        case .package: example = "package timetracking"
        }
        if key == .pomodoro { parsePomodoro(keyToken, example: example); return }
        if key == .base, onSameLine, current.isName, parser.peek(1).isKeyword("at"), !parser.peek(1).precededByNewline {
            parseOtherBase(keyToken)
            return
        }
        guard onSameLine, current.kind == .string || current.isName else {
            error("missing value after '\(key.rawValue)'", at: hereOrPrevious, hint: "write it as \(example)")
            skipField()
            return
        }
        let value = parser.advance()
        if let earlier = settingRanges[key] {
            error("duplicate setting '\(key.rawValue)'", at: keyToken.range,
                  hint: "'\(key.rawValue)' is already set on line \(earlier.start.line)")
        } else {
            settingRanges[key] = keyToken.range
            file.settings.append(SettingDecl(key: key, value: value.text, keyRange: keyToken.range, valueRange: value.range))
        }
        if !parser.isAtEnd && !current.precededByNewline {
            error("unexpected \(found()) after the setting", at: current.range, hint: "write one setting per line, as in \(example)")
            while !parser.isAtEnd && !current.precededByNewline { parser.advance() }
        }
    }

    /// `base NAME at "LOCATION" [token env VARIABLE]`: another base, by path or server URL.
    private mutating func parseOtherBase(_ keyToken: Token) {
        let example = "base Client at \"../client/client.db\""
        let name = parser.advance().name
        parser.advance()  // at
        guard onSameLine, current.kind == .string else {
            error("expected the other base's location in quotes after 'at', found \(found())", at: hereOrPrevious,
                  hint: "write it as \(example) (a path relative to this base's file) or base Client at \"http://host:8080\" token env CLIENT_TOKEN")
            skipField()
            return
        }
        let location = parser.advance()
        var tokenVariable: String?
        if onSameLine, current.isKeyword("token") {
            parser.advance()
            guard onSameLine, current.isKeyword("env"), parser.peek(1).kind == .identifier, !parser.peek(1).precededByNewline else {
                error("expected 'env VARIABLE' after 'token'", at: hereOrPrevious,
                      hint: "the token is read from the environment: token env CLIENT_TOKEN")
                skipField()
                return
            }
            parser.advance()
            tokenVariable = parser.advance().text
        }
        if onSameLine {
            error("unexpected \(found()) after the other base", at: current.range, hint: "write it as \(example)")
            skipField()
        }
        if file.otherBases.contains(where: { $0.name.text.lowercased() == name.text.lowercased() }) {
            error("the base '\(name.text)' is named twice", at: name.range, hint: "give each other base one 'base NAME at' line")
            return
        }
        file.otherBases.append(OtherBaseDecl(name: name, location: location.text, locationRange: location.range,
                                             tokenVariable: tokenVariable, range: parser.range(from: keyToken.range)))
    }

    /// `BASE.TABLE` after `from` or `feed`.
    private mutating func otherTableName(after keyword: String, example: String) -> OtherTableName? {
        guard onSameLine, current.isName, parser.peek(1).isSymbol(.dot), parser.peek(2).isName else {
            error("expected BASE.TABLE after '\(keyword)', found \(found())", at: hereOrPrevious,
                  hint: "name the other base (declared with base NAME at \"...\") and its table: \(example)")
            return nil
        }
        let base = parser.advance().name
        parser.advance()
        let table = parser.advance().name
        return OtherTableName(base: base, table: table, range: base.range.union(table.range))
    }

    /// `pomodoro FOCUS BREAK`: two durations, kept as their spelling.
    private mutating func parsePomodoro(_ keyToken: Token, example: String) {
        var lengths: [Token] = []
        while onSameLine, lengths.count < 2, case .duration = current.kind { lengths.append(parser.advance()) }
        guard lengths.count == 2 else {
            error("'pomodoro' needs a focus and a break length", at: hereOrPrevious, hint: "write it as \(example)")
            skipField()
            return
        }
        let range = lengths[0].range.union(lengths[1].range)
        if let earlier = settingRanges[.pomodoro] {
            error("duplicate setting 'pomodoro'", at: keyToken.range, hint: "'pomodoro' is already set on line \(earlier.start.line)")
        } else {
            settingRanges[.pomodoro] = keyToken.range
            file.settings.append(SettingDecl(key: .pomodoro, value: lengths.map(\.text).joined(separator: " "),
                                             keyRange: keyToken.range, valueRange: range))
        }
        if onSameLine {
            error("unexpected \(found()) after the setting", at: current.range, hint: "write it as \(example)")
            skipField()
        }
    }

    // MARK: - Tables

    private mutating func parseTable() {
        let tableToken = parser.advance()
        guard let name = nameOnLine() else {
            error("expected a table name after 'table', found \(found())", at: hereOrPrevious,
                  hint: "write a table as: table Projects { name text }")
            skipToTopLevel()
            return
        }
        var previousName: Name?
        if onSameLine, current.isKeyword("was") {
            parser.advance()
            // `table T was {` : the braced token is the block, not the old name.
            if current.kind == .bracedName && parser.peek(1).kind != .bracedName { parser.relexCurrentAsBlockOpen() }
            guard let old = nameOnLine() else {
                error("expected the table's previous name after 'was', found \(found())", at: hereOrPrevious,
                      hint: "table \(name.quoted) was OldName { ... }")
                skipToTopLevel()
                return
            }
            previousName = old
        }
        var copiedFrom: OtherTableName?
        if onSameLine, current.isKeyword("from") {
            parser.advance()
            guard let other = otherTableName(after: "from", example: "table ClientTasks from Client.Tasks { title text }") else {
                skipToTopLevel()
                return
            }
            copiedFrom = other
            if current.kind == .bracedName && parser.peek(1).kind != .bracedName { parser.relexCurrentAsBlockOpen() }
        }
        parser.relexCurrentAsBlockOpen()
        guard parser.consume(.leftBrace) != nil else {
            error("expected '{' after the table name, found \(found())", at: current.kind == .end ? name.range : current.range,
                  hint: "write a table as: table \(name.quoted) { name text }")
            skipToTopLevel()
            return
        }
        var table = TableDecl(name: name, previousName: previousName, copiedFrom: copiedFrom, range: tableToken.range)
        var closed = false
        while !parser.isAtEnd {
            if parser.consume(.rightBrace) != nil { closed = true; break }
            if startsTopLevelStatement() { break }
            if startsRule() {
                parseRule(into: &table)
                continue
            }
            if startsInherit() {
                parseInherit(into: &table)
                continue
            }
            if startsTimeField() {
                parseTimeField(into: &table)
                continue
            }
            if startsCheck() {
                parseCheck(into: &table)
                continue
            }
            if startsFed() {
                parseFed(into: &table)
                continue
            }
            if startsFeed() {
                parseFeed(into: &table)
                continue
            }
            if let field = parseField() { table.fields.append(field) }
        }
        if !closed {
            error("the block of table '\(name.text)' is not closed", at: tableToken.range,
                  hint: "add '}' after the last field of \(name.quoted)")
        }
        table.range = parser.range(from: tableToken.range)
        file.tables.append(table)
    }

    /// `inherit a, b` (a table option) rather than a field named `inherit`: the next word on the
    /// line is not a type, or a comma follows it.
    private mutating func startsInherit() -> Bool {
        guard current.isKeyword("inherit") else { return false }
        let next = parser.peek(1), after = parser.peek(2)
        guard next.isName, !next.precededByNewline else { return false }
        if after.isSymbol(.comma) && !after.precededByNewline { return true }
        return !(next.kind == .identifier && Keywords.fieldTypes.contains(next.text.lowercased()))
    }

    private mutating func parseInherit(into table: inout TableDecl) {
        let keyword = parser.advance()
        var names: [Name] = []
        while let name = nameOnLine() {
            names.append(name)
            guard onSameLine, parser.consume(.comma) != nil else { break }
            if !onSameLine || !current.isName {
                error("expected a field after ',' in 'inherit', found \(found())", at: hereOrPrevious, hint: "inherit stream, project")
                skipField()
                return
            }
        }
        if onSameLine {
            error("unexpected \(found()) after 'inherit'", at: current.range, hint: "separate the fields with commas: inherit stream, project")
            skipField()
        }
        table.options.append(.inherit(names, range: parser.range(from: keyword.range)))
    }

    private mutating func startsFed() -> Bool {
        current.isKeyword("fed") && parser.peek(1).isKeyword("from") && !parser.peek(1).precededByNewline
    }

    private mutating func startsFeed() -> Bool {
        current.isKeyword("feed") && parser.peek(1).isName && !parser.peek(1).precededByNewline && parser.peek(2).isSymbol(.dot)
    }

    /// `fed from outside`: the table takes rows from other bases' feeds.
    private mutating func parseFed(into table: inout TableDecl) {
        let fed = parser.advance()
        parser.advance()  // from
        guard onSameLine, current.isKeyword("outside") else {
            error("expected 'outside' after 'fed from', found \(found())", at: hereOrPrevious,
                  hint: "write: fed from outside (the rows come from other bases' feeds)")
            skipField()
            return
        }
        let outside = parser.advance()
        let range = fed.range.union(outside.range)
        if table.options.contains(where: { if case .fed = $0 { return true } else { return false } }) {
            error("table '\(table.name.text)' says 'fed from outside' twice", at: range, hint: "keep one")
        } else {
            table.options.append(.fed(range: range))
        }
        if onSameLine && !startsNewField() {
            error("unexpected \(found()) after 'fed from outside'", at: current.range, hint: "write it on a line of its own")
            skipField()
        }
    }

    /// `feed BASE.TABLE (target = source, ...)`: the mapping may span lines inside its brackets.
    private mutating func parseFeed(into table: inout TableDecl) {
        let keyword = parser.advance()
        let example = "feed Client.ContractorHours (task = task, start = start, end = end)"
        guard let target = otherTableName(after: "feed", example: example) else { skipField(); return }
        guard onSameLine, parser.consume(.leftParen) != nil else {
            error("expected '(' and the fields the other table gets, found \(found())", at: hereOrPrevious, hint: example)
            skipField()
            return
        }
        var mappings: [FeedDecl.Mapping] = []
        while !parser.isAtEnd, !current.isSymbol(.rightParen) {
            guard current.isName, parser.peek(1).isSymbol(.equal), parser.peek(2).isName else {
                error("expected 'FIELD = FIELD' (the other table's field, then this table's), found \(found())", at: current.range, hint: example)
                while !parser.isAtEnd, !current.isSymbol(.rightParen), !current.isSymbol(.rightBrace) { parser.advance() }
                _ = parser.consume(.rightParen)
                return
            }
            let targetField = parser.advance().name
            parser.advance()
            let sourceField = parser.advance().name
            if mappings.contains(where: { $0.target.text.lowercased() == targetField.text.lowercased() }) {
                error("the feed fills '\(targetField.text)' twice", at: targetField.range, hint: "map each field of \(target.table.text) once")
            }
            mappings.append(.init(target: targetField, source: sourceField, range: targetField.range.union(sourceField.range)))
            if parser.consume(.comma) == nil { break }
        }
        guard parser.consume(.rightParen) != nil else {
            error("expected ',' or ')' in the feed's fields, found \(found())", at: current.range, hint: example)
            while !parser.isAtEnd, !current.isSymbol(.rightParen), !current.isSymbol(.rightBrace) { parser.advance() }
            _ = parser.consume(.rightParen)
            return
        }
        if mappings.isEmpty {
            error("the feed names no field", at: keyword.range, hint: example)
            return
        }
        table.options.append(.feed(FeedDecl(target: target, mappings: mappings, range: parser.range(from: keyword.range))))
        if onSameLine && !startsNewField() {
            error("unexpected \(found()) after the feed", at: current.range, hint: "write the feed on lines of its own")
            skipField()
        }
    }

    /// Whether the current line is a row rule: `lock when`, `read when` or `write when`.
    private mutating func startsRule() -> Bool {
        guard current.isKeyword("lock") || current.isKeyword("read") || current.isKeyword("write") else { return false }
        let next = parser.peek(1)
        return next.isKeyword("when") && !next.precededByNewline
    }

    private mutating func parseRule(into table: inout TableDecl) {
        let keyword = parser.advance()
        let word = keyword.text.lowercased()
        let when = parser.advance()
        let example = ["lock": "lock when approved", "read": "read when person = actor", "write": "write when person = actor"][word] ?? ""
        guard onSameLine else {
            error("missing condition after '\(word) when'", at: when.range, hint: example)
            return
        }
        do {
            let condition = try parser.parseExpression()
            let range = keyword.range.union(condition.range)
            switch word {
            case "read": table.options.append(.read(when: condition, range: range))
            case "write": table.options.append(.write(when: condition, range: range))
            default: table.options.append(.lock(when: condition, range: range))
            }
        } catch {
            parser.report(error.diagnostic)
            skipField()
            return
        }
        if onSameLine && !startsNewField() {
            error("unexpected \(found()) after the \(word) condition", at: current.range,
                  hint: "join conditions with 'and' or 'or'")
            skipField()
        }
    }

    /// Whether the current line is the table option `check EXPR else "MESSAGE"` rather than a
    /// field named `check`: the word `else` follows on the line, outside brackets.
    private mutating func startsCheck() -> Bool {
        guard current.isKeyword("check"), !parser.peek(1).precededByNewline, parser.peek(1).kind != .end else { return false }
        var depth = 0
        var i = 1
        while i < 400 {
            let token = parser.peek(i)
            if token.kind == .end || (depth == 0 && token.precededByNewline) { return false }
            if token.isSymbol(.leftParen) || token.isSymbol(.leftBracket) { depth += 1 }
            if token.isSymbol(.rightParen) || token.isSymbol(.rightBracket) { depth = max(0, depth - 1) }
            if depth == 0 && token.isSymbol(.rightBrace) { return false }
            if depth == 0 && token.isKeyword("else") { return true }
            i += 1
        }
        return false
    }

    private mutating func parseCheck(into table: inout TableDecl) {
        let check = parser.advance()
        let example = "check end >= start else \"the interval ends before it starts\""
        let condition: Expression
        do {
            condition = try parser.parseExpression()
        } catch {
            parser.report(error.diagnostic)
            skipField()
            return
        }
        guard parser.consumeKeyword("else") != nil else {
            error("expected 'else' and the message after the check's condition, found \(found())", at: current.range,
                  hint: "join conditions with 'and' or 'or', then write the message: \(example)")
            skipField()
            return
        }
        guard onSameLine, current.kind == .string else {
            error("expected the message (a string) after 'else', found \(onSameLine ? found() : "the end of the line")", at: hereOrPrevious, hint: example)
            skipField()
            return
        }
        let message = parser.advance()
        if message.text.allSatisfy(\.isWhitespace) {
            error("the check's message is empty", at: message.range, hint: "say what is wrong in the user's terms: \(example)")
        }
        table.options.append(.check(condition, message: message.text, range: check.range.union(message.range)))
        if onSameLine && !startsNewField() {
            error("unexpected \(found()) after the check's message", at: current.range, hint: "write one check per line: \(example)")
            skipField()
        }
    }

    /// Whether the current line is the table option `time field NAME` (never a field: `field` is no type).
    private mutating func startsTimeField() -> Bool {
        current.isKeyword("time") && parser.peek(1).isKeyword("field") && !parser.peek(1).precededByNewline
    }

    private mutating func parseTimeField(into table: inout TableDecl) {
        let time = parser.advance()
        let field = parser.advance()
        guard let name = nameOnLine() else {
            error("expected the name of a date or datetime field after 'time field', found \(found())",
                  at: hereOrPrevious, hint: "time field start")
            skipField()
            return
        }
        if let earlier = table.options.first(where: { if case .timeField = $0 { return true } else { return false } }),
           case .timeField(_, let range) = earlier {
            error("table '\(table.name.text)' names its time field twice", at: time.range.union(name.range),
                  hint: "keep one 'time field' line; the first is on line \(range.start.line)")
        } else {
            table.options.append(.timeField(name, range: time.range.union(field.range).union(name.range)))
        }
        if onSameLine && !startsNewField() {
            error("unexpected \(found()) after the time field", at: current.range, hint: "write: time field start")
            skipField()
        }
    }

    // MARK: - Fields

    /// Whether the current name followed by a type word starts a new field on the same line
    /// (the one-line form `table Expenses { amount currency  date date }`), or `lock when` a table option.
    private mutating func startsNewField() -> Bool {
        guard current.isName else { return false }
        let next = parser.peek(1)
        if startsRule() { return true }
        if startsInherit() { return true }
        if current.isKeyword("time") && next.isKeyword("field") && !next.precededByNewline { return true }
        if startsCheck() { return true }
        if startsFed() || startsFeed() { return true }
        return next.kind == .identifier && !next.precededByNewline && Keywords.fieldTypes.contains(next.text.lowercased())
    }

    /// Reads one field declaration at the current token (also used for the REPL's `field T.name ...`).
    mutating func parseField() -> FieldDecl? {
        let nameToken = current
        guard nameToken.isName else {
            error("expected a field name, found \(found())", at: nameToken.range,
                  hint: "write a field as: name type modifiers, as in: title text required")
            parser.advance()
            skipField()
            return nil
        }
        parser.advance()
        guard let type = parseType(field: nameToken.name) else {
            skipField()
            return nil
        }
        var modifiers: [FieldModifier] = []
        modifierLoop: while onSameLine {
            let t = current
            guard t.kind == .identifier else {
                if startsNewField() { break }
                error("unexpected \(found()) after field '\(nameToken.text)'", at: t.range,
                      hint: "the modifiers are required, unique, default, inverse, on delete and was")
                skipField()
                break
            }
            switch t.text.lowercased() {
            case "required":
                parser.advance(); modifiers.append(.required(t.range))
            case "unique":
                parser.advance(); modifiers.append(.unique(t.range))
            case "default":
                parser.advance()
                guard onSameLine else {
                    error("missing value after 'default'", at: t.range, hint: "default 0, default \"none\", default billable")
                    break modifierLoop
                }
                do { modifiers.append(.default(try parser.parseExpression())) } catch {
                    parser.report(error.diagnostic)
                    skipField()
                    break modifierLoop
                }
            case "inverse":
                parser.advance()
                guard let other = nameOnLine() else {
                    error("expected the linked table's field after 'inverse', found \(found())", at: hereOrPrevious,
                          hint: "projects link Projects[] inverse client")
                    skipField()
                    break modifierLoop
                }
                modifiers.append(.inverse(other))
            case "was":
                parser.advance()
                guard let old = nameOnLine() else {
                    error("expected the field's previous name after 'was', found \(found())", at: hereOrPrevious,
                          hint: "\(nameToken.name.quoted) text was old_name")
                    skipField()
                    break modifierLoop
                }
                modifiers.append(.previousName(old))
            case "on":
                parser.advance()
                let hint = "on delete clear, on delete restrict or on delete cascade"
                guard onSameLine, parser.consumeKeyword("delete") != nil else {
                    error("expected 'delete' after 'on', found \(found())", at: hereOrPrevious, hint: hint)
                    skipField()
                    break modifierLoop
                }
                guard onSameLine, current.kind == .identifier else {
                    error("expected clear, restrict or cascade after 'on delete', found \(found())", at: hereOrPrevious, hint: hint)
                    skipField()
                    break modifierLoop
                }
                let action = parser.advance()
                let word = action.text.lowercased()
                if !Keywords.deleteActions.contains(word) {
                    let guess = Suggestions.didYouMean(action.text, among: Keywords.deleteActions)
                    error("unknown delete action '\(action.text)'", at: action.range,
                          hint: (guess.map { $0 + " " } ?? "") + "the actions are clear, restrict and cascade")
                }
                modifiers.append(.onDelete(Name(word, range: action.range)))
            default:
                if startsNewField() { break modifierLoop }
                let guess = Suggestions.didYouMean(t.text, among: ["required", "unique", "default", "inverse", "was"])
                error("unknown modifier '\(t.text)'", at: t.range,
                      hint: guess ?? "the modifiers are required, unique, default, inverse, on delete and was; a new field starts on a new line")
                parser.advance()
            }
        }
        return FieldDecl(name: nameToken.name, type: type, modifiers: modifiers, range: parser.range(from: nameToken.range))
    }

    private mutating func parseType(field: Name) -> FieldTypeDecl? {
        let t = current
        guard onSameLine else {
            error("missing type after field '\(field.text)'", at: field.range, hint: Self.typesHint(for: nil))
            return nil
        }
        guard t.kind == .identifier else {
            error("expected a type after field '\(field.text)', found \(found())", at: t.range, hint: Self.typesHint(for: nil))
            return nil
        }
        let word = t.text.lowercased()
        let typeName = Name(word, range: t.range)
        switch word {
        case _ where Keywords.simpleFieldTypes.contains(word):
            parser.advance()
            if onSameLine, current.isSymbol(.leftParen) {
                error("type '\(word)' takes no arguments", at: current.range,
                      hint: "only currency(CODE), select(...) and tags(...) take arguments")
                return nil
            }
            return .named(typeName, arguments: [])
        case "currency":
            parser.advance()
            guard onSameLine, let open = parser.consume(.leftParen) else { return .named(typeName, arguments: []) }
            guard let code = nameOnLine() else {
                error("expected a currency code inside 'currency(...)', found \(found())", at: hereOrPrevious, hint: "currency(EUR)")
                return nil
            }
            guard parser.consume(.rightParen) != nil else {
                error("expected ')' after the currency code, found \(found())", at: hereOrPrevious,
                      hint: "the '(' at \(open.range.start.line):\(open.range.start.column) is not closed")
                return nil
            }
            return .named(typeName, arguments: [code])
        case "select", "tags":
            parser.advance()
            return parseOptions(typeName)
        case "link":
            return parseLink()
        case "formula":
            parser.advance()
            guard onSameLine else {
                error("missing expression after 'formula'", at: t.range, hint: "formula hours * rate")
                return nil
            }
            do {
                let expression = try parser.parseExpression()
                return .formula(expression, range: t.range.union(expression.range))
            } catch {
                parser.report(error.diagnostic)
                return nil
            }
        case "mirror":
            return parseMirror()
        case "timer":
            return parseTimer()
        default:
            error("unknown type '\(t.text)'", at: t.range, hint: Self.typesHint(for: t.text))
            return nil
        }
    }

    private mutating func parseOptions(_ typeName: Name) -> FieldTypeDecl? {
        let example = "\(typeName.text)(a, b, {c d}, \"e f\")"
        guard onSameLine, let open = parser.consume(.leftParen) else {
            error("'\(typeName.text)' needs its options in parentheses", at: typeName.range, hint: example)
            return nil
        }
        if let close = parser.consume(.rightParen) {
            error("'\(typeName.text)' needs at least one option", at: open.range.union(close.range), hint: example)
            return nil
        }
        var options: [Name] = []
        while true {
            guard !parser.isAtEnd, current.isName || current.kind == .string else {
                error("expected an option, found \(found())", at: current.range,
                      hint: "an option is a name, a braced name or a string: \(example)")
                return nil
            }
            options.append(parser.advance().name)
            if parser.consume(.comma) != nil { continue }
            if parser.consume(.rightParen) != nil { break }
            error("expected ',' or ')' in the options of '\(typeName.text)', found \(found())", at: current.range,
                  hint: "the '(' at \(open.range.start.line):\(open.range.start.column) is not closed")
            return nil
        }
        return .named(typeName, arguments: options)
    }

    private mutating func parseLink() -> FieldTypeDecl? {
        let link = parser.advance()
        guard let target = nameOnLine() else {
            error("'link' needs a table, found \(found())", at: hereOrPrevious,
                  hint: "link Projects for one row, link Projects[] for several")
            return nil
        }
        var many = false
        if onSameLine, let open = parser.consume(.leftBracket) {
            guard parser.consume(.rightBracket) != nil else {
                error("'[' without ']'", at: open.range, hint: "write link \(target.quoted)[] for several rows")
                return nil
            }
            many = true
        }
        return .link(target: target, many: many, range: parser.range(from: link.range))
    }

    private mutating func parseMirror() -> FieldTypeDecl? {
        let mirror = parser.advance()
        let aggregates = Keywords.mirrorAggregates.joined(separator: ", ")
        guard onSameLine, current.kind == .identifier else {
            error("expected an aggregate after 'mirror', found \(found())", at: hereOrPrevious,
                  hint: "mirror sum(tasks.hours); the aggregates are \(aggregates)")
            return nil
        }
        let aggregateToken = parser.advance()
        let aggregate = aggregateToken.text.lowercased()
        let known = Keywords.mirrorAggregates.contains(aggregate)
        if !known {
            let guess = Suggestions.didYouMean(aggregateToken.text, among: Keywords.mirrorAggregates)
            error("unknown aggregate '\(aggregateToken.text)'", at: aggregateToken.range,
                  hint: (guess.map { $0 + " " } ?? "") + "the aggregates are \(aggregates)")
        }
        guard onSameLine, let open = parser.consume(.leftParen) else {
            error("expected '(' after '\(aggregateToken.text)', found \(found())", at: hereOrPrevious,
                  hint: "mirror \(aggregate)(tasks.hours)")
            return nil
        }
        var path: [Name] = []
        guard current.isName else {
            error("expected a link field inside '\(aggregate)(...)', found \(found())", at: current.range,
                  hint: "mirror \(aggregate)(tasks.hours): a link field, then the field to read in the linked table")
            return nil
        }
        path.append(parser.advance().name)
        while parser.consume(.dot) != nil {
            guard current.isName else {
                error("expected a name after '.', found \(found())", at: current.range, hint: "mirror \(aggregate)(tasks.hours)")
                return nil
            }
            path.append(parser.advance().name)
        }
        if current.isKeyword("where") {
            error("write the mirror's 'where' after the closing parenthesis", at: current.range,
                  hint: "mirror \(aggregate)(\(path.map(\.quoted).joined(separator: "."))) where condition")
            return nil
        }
        guard parser.consume(.rightParen) != nil else {
            error("expected ')' to close '\(aggregate)(', found \(found())", at: current.range,
                  hint: "the '(' at \(open.range.start.line):\(open.range.start.column) is not closed")
            return nil
        }
        if path.count == 1 && known && !Keywords.rowCountingAggregates.contains(aggregate) {
            error("'\(aggregate)' needs a field after the link", at: path[0].range,
                  hint: "write \(aggregate)(\(path[0].quoted).field); only count and count_all take a link alone")
        }
        var filter: Expression?
        if onSameLine, current.isKeyword("where") {
            let whereToken = parser.advance()
            guard onSameLine else {
                error("missing condition after 'where'", at: whereToken.range, hint: "where category = billable")
                return nil
            }
            do { filter = try parser.parseExpression() } catch {
                parser.report(error.diagnostic)
                return nil
            }
        }
        var orderBy: Name?
        var descending = false
        if onSameLine, current.isKeyword("order") {
            parser.advance()
            guard onSameLine, parser.consumeKeyword("by") != nil else {
                error("expected 'by' after 'order', found \(found())", at: hereOrPrevious, hint: "order by start desc")
                return nil
            }
            guard let field = nameOnLine() else {
                error("expected a field after 'order by', found \(found())", at: hereOrPrevious, hint: "order by start desc")
                return nil
            }
            orderBy = field
            if onSameLine, parser.consumeKeyword("desc") != nil { descending = true }
            else if onSameLine { _ = parser.consumeKeyword("asc") }
        }
        return .mirror(MirrorDecl(aggregate: Name(aggregate, range: aggregateToken.range), path: path, filter: filter,
                                  orderBy: orderBy, descending: descending, range: parser.range(from: mirror.range)))
    }

    private mutating func parseTimer() -> FieldTypeDecl? {
        let timer = parser.advance()
        let example = "timer -> TimeEntries, or timer -> TimeEntries max 10"
        guard onSameLine, parser.consume(.arrow) != nil else {
            error("expected '->' after 'timer', found \(found())", at: hereOrPrevious, hint: example)
            return nil
        }
        guard let log = nameOnLine() else {
            error("expected the log table after 'timer ->', found \(found())", at: hereOrPrevious, hint: example)
            return nil
        }
        var maxRunning: Int?
        if onSameLine, let maxToken = parser.consumeKeyword("max") {
            guard onSameLine, current.kind == .number, let n = Int(current.text), n >= 1 else {
                error("expected a whole number of at least 1 after 'max', found \(found())",
                      at: onSameLine ? current.range : maxToken.range, hint: example)
                return nil
            }
            parser.advance()
            maxRunning = n
        }
        return .timer(logTable: log, maxRunning: maxRunning, range: parser.range(from: timer.range))
    }

    // MARK: - Reports

    private mutating func parseReport() {
        let report = parser.advance()
        let example = "report hours_by_client = sum(duration) as hours by task.project.client"
        if onSameLine, current.isKeyword("from"), !parser.peek(1).isSymbol(.equal) {
            parser.advance()
            guard let table = nameOnLine() else {
                error("expected a table after 'report from', found \(found())", at: hereOrPrevious,
                      hint: "report from TimeEntries: the table that report queries read when they name none")
                skipField()
                return
            }
            if let earlier = file.reportTable {
                error("the default report table is named twice", at: report.range.union(table.range),
                      hint: "keep one 'report from' line; the first is on line \(earlier.range.start.line)")
            } else {
                file.reportTable = ReportTableDecl(table: table, range: report.range.union(table.range))
            }
            if onSameLine {
                error("unexpected \(found()) after 'report from \(table.quoted)'", at: current.range,
                      hint: "a saved report is written: \(example)")
                skipField()
            }
            return
        }
        guard let name = nameOnLine() else {
            error("expected a report name after 'report', found \(found())", at: hereOrPrevious, hint: example)
            skipToTopLevel()
            return
        }
        guard onSameLine, parser.consume(.equal) != nil else {
            error("expected '=' after the report name, found \(found())", at: hereOrPrevious, hint: example)
            skipToTopLevel()
            return
        }
        let first = current
        guard !parser.isAtEnd, !first.precededByNewline || (first.range.start.column > 1 && !startsTopLevelStatement()) else {
            error("missing query after 'report \(name.quoted) ='", at: parser.previous?.range ?? report.range, hint: example)
            return
        }
        var open: [Token] = []
        var last = first
        repeat {
            last = parser.advance()
            switch last.kind {
            case .symbol(.leftParen), .symbol(.leftBracket): open.append(last)
            case .symbol(.rightParen), .symbol(.rightBracket): _ = open.popLast()
            default: break
            }
        } while !parser.isAtEnd && !startsTopLevelStatement()
            && (!open.isEmpty || !current.precededByNewline || current.range.start.column > 1)
        if let bracket = open.first {
            error("the '\(bracket.text)' in report '\(name.text)' is not closed", at: bracket.range,
                  hint: "close it before the next table or report")
        }
        let queryRange = first.range.union(last.range)
        file.reports.append(ReportDecl(name: name, query: parser.source.slice(queryRange), queryRange: queryRange,
                                       range: report.range.union(last.range)))
    }
}
