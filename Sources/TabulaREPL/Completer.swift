import TabulaEngine
import TabulaLanguage

/// What tab completion offers for the word before the cursor.
public struct Completion: Sendable, Hashable {
    /// The word being completed, as typed (it is replaced by the chosen candidate).
    public var word: String
    /// The candidates, sorted; a candidate ending in `(`, `.` or `=` expects more after it.
    public var candidates: [String]

    public init(word: String, candidates: [String]) { self.word = word; self.candidates = candidates }

    /// The longest start every candidate shares (compared without case), or nil when there are none.
    public var commonPrefix: String? {
        guard var prefix = candidates.first.map(Array.init) else { return nil }
        for candidate in candidates.dropFirst() {
            let c = Array(candidate)
            var n = 0
            while n < prefix.count, n < c.count, prefix[n].lowercased() == c[n].lowercased() { n += 1 }
            prefix = Array(prefix[..<n])
        }
        return String(prefix)
    }
}

/// Tab completion for the REPL: table names, field names, functions, keywords and dot commands,
/// chosen by where the cursor is in the statement. Pure: it reads only the schema it is given.
public struct Completer: Sendable {
    public var schema: Schema

    public init(schema: Schema) { self.schema = schema }

    static let statementWords: [String] = REPLStatementParser.commandWords + Keywords.schemaStatements
    static let expressionWords: [String] = ["and", "or", "not", "in", "true", "false", "blank", "where"]
    static let functions: [String] = FormulaCompiler.functionNames.map { $0 + "(" }

    /// The candidates for the word that ends at the end of `line` (the text before the cursor).
    public func complete(_ line: String) -> Completion {
        let word = Self.currentWord(line)
        let before = String(line.dropLast(word.count))
        let words = before.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        return Completion(word: word, candidates: candidates(for: word, after: words))
    }

    /// The word before the cursor: the trailing run of name characters and dots, or an unclosed
    /// braced name (`{Hours b`), or a dot command (`.sch`).
    static func currentWord(_ line: String) -> String {
        if let open = line.lastIndex(of: "{"), !line[open...].contains("}") { return String(line[open...]) }
        var word = ""
        for c in line.reversed() {
            if c == "}" && word.isEmpty, let open = line.lastIndex(of: "{") {
                return String(line[open...])
            }
            guard c == "." || c.unicodeScalars.allSatisfy(Lexer.isIdentifierContinue) else { break }
            word.insert(c, at: word.startIndex)
        }
        return word
    }

    private func candidates(for word: String, after words: [String]) -> [String] {
        let first = words.first?.lowercased()
        // Dot commands.
        if words.isEmpty && word.hasPrefix(".") {
            return Self.matching(word, DotCommand.names.map { "." + $0 })
        }
        if first == ".schema" && words.count == 1 { return Self.matching(word, tableNames) }
        if first?.hasPrefix(".") == true { return [] }

        // TABLE.field
        if let dot = word.lastIndex(of: "."), dot != word.startIndex {
            let tableName = Self.unbraced(String(word[..<dot]))
            guard let table = schema.table(named: tableName) else { return [] }
            let prefix = String(word[...dot])
            return Self.matching(String(word[word.index(after: dot)...]), fieldNames(table)).map { prefix + $0 }
        }

        if words.isEmpty {
            return Self.matching(word, Self.statementWords + Self.functions + tableNames)
        }
        switch first {
        case "add", "set", "delete", "show", "start", "stop", "status":
            if words.count == 1 { return Self.matching(word, tableNames) }
            guard let table = schema.table(named: Self.unbraced(words[1])) else { return [] }
            if first == "show" {
                if words.count == 2 { return Self.matching(word, ["where"]) }
                return Self.matching(word, fieldNames(table) + Self.functions + Self.expressionWords)
            }
            if first == "add" || (first == "set" && words.count >= 3) {
                return Self.matching(word, table.fields.filter(\.isWritable).map { Name.quote($0.name) + "=" })
            }
            return []
        case "drop":
            if words.count == 1 { return Self.matching(word, ["table", "field"]) }
            if words.count == 2 && words[1].lowercased() == "table" { return Self.matching(word, tableNames) }
            if words.count == 2 { return Self.matching(word, tableNames.map { $0 + "." }) }
            return []
        case "field":
            if words.count == 1 { return Self.matching(word, tableNames.map { $0 + "." }) }
            if words.count == 2 { return Self.matching(word, Keywords.fieldTypes) }
            let table = words[1].split(separator: ".").first.flatMap { schema.table(named: Self.unbraced(String($0))) }
            return Self.matching(word, Keywords.fieldModifiers + (table.map(fieldNames) ?? []) + Self.functions
                                 + Keywords.mirrorAggregates + Self.expressionWords)
        case "table":
            if words.count == 1 { return Self.matching(word, tableNames) }
            return Self.matching(word, Keywords.fieldTypes + Keywords.fieldModifiers + tableNames)
        default:
            return Self.matching(word, allFieldNames + Self.functions + Self.expressionWords + tableNames)
        }
    }

    private var tableNames: [String] { schema.tables.map { Name.quote($0.name) } }
    private func fieldNames(_ table: Table) -> [String] { table.fields.map { Name.quote($0.name) } }
    private var allFieldNames: [String] { schema.tables.flatMap(fieldNames) }

    static func unbraced(_ name: String) -> String {
        if name.count >= 2, name.hasPrefix("{"), name.hasSuffix("}") { return String(name.dropFirst().dropLast()) }
        return name
    }

    /// The candidates that start with `word` (ignoring case), sorted and without repeats.
    static func matching(_ word: String, _ candidates: [String]) -> [String] {
        let w = word.lowercased()
        return Array(Set(candidates.filter { $0.lowercased().hasPrefix(w) || ($0.hasPrefix("{") && $0.dropFirst().lowercased().hasPrefix(w)) }))
            .sorted { $0.lowercased() == $1.lowercased() ? $0 < $1 : $0.lowercased() < $1.lowercased() }
    }
}
