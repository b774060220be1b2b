import Foundation
import TabulaEngine
import TabulaIO
import TabulaLanguage
import TabulaReports

/// Where a REPL session writes: results to one stream, errors (with their carets) to the other.
public struct REPLOutput {
    public var write: (String) -> Void
    public var writeError: (String) -> Void

    public init(write: @escaping (String) -> Void, writeError: @escaping (String) -> Void) {
        self.write = write; self.writeError = writeError
    }

    /// Standard output and standard error; standard output is flushed after each write so the
    /// two interleave in the order things happened.
    public static var standard: REPLOutput {
        REPLOutput(write: { text in
            FileHandle.standardOutput.write(Data(text.utf8))
        }, writeError: { text in
            FileHandle.standardError.write(Data(text.utf8))
        })
    }
}

/// An error located in the statement being run.
struct StatementError: Error {
    var diagnostic: Diagnostic
    init(_ diagnostic: Diagnostic) { self.diagnostic = diagnostic }
}

/// One REPL session on one base: it reads statements, runs each in its own transaction, and
/// prints results or errors (with a caret under the statement's spot) without ever stopping on one.
public final class REPLSession {
    public private(set) var base: Base
    /// How tables and report results are printed (`.format`).
    public private(set) var format: OutputFormat = .table
    /// Whether each statement's time is printed (`.timer on`).
    public private(set) var showsTiming = false
    /// How many statements failed so far.
    public private(set) var failures = 0
    public var hooks: REPLHooks
    /// True (`tabula repl --yes`): statements that lose data go ahead without being confirmed.
    public var confirmsDataLoss = false
    /// The name errors give the input (`<stdin>`), before the line and column.
    public let sourceName: String
    private let output: REPLOutput
    private let actor: String
    private let now: @Sendable () -> Instant

    public init(base: Base, hooks: REPLHooks = REPLHooks(), output: REPLOutput = .standard, sourceName: String = "<stdin>") {
        self.base = base; self.hooks = hooks; self.output = output; self.sourceName = sourceName
        self.actor = base.actor; self.now = base.now
    }

    /// Completion over the current schema.
    public var completer: Completer { Completer(schema: base.schema) }

    // MARK: - Reading

    /// The prompt before a statement, and before each further line of an unfinished one.
    public static let prompt = "tabula> "
    public static let continuationPrompt = "   ...> "

    /// Reads and runs statements until the end of input or `.quit`. A statement goes on over
    /// further lines while a bracket or brace is open.
    public func run(_ reader: any LineReader) {
        var pending: [String] = []
        var firstLine = 1
        var lineNumber = 0
        // Only a person at a terminal is asked; a script's next line is never taken as the answer.
        let confirm: (String) -> Bool? = { question in
            guard reader.isInteractive else { return nil }
            let answer = reader.readLine(prompt: question)
            return ["y", "yes"].contains(answer?.trimmingCharacters(in: .whitespaces).lowercased() ?? "")
        }
        while let line = reader.readLine(prompt: pending.isEmpty ? Self.prompt : Self.continuationPrompt) {
            lineNumber += 1
            if pending.isEmpty { firstLine = lineNumber }
            if !line.trimmingCharacters(in: .whitespaces).isEmpty { reader.remember(line) }
            pending.append(line)
            let text = pending.joined(separator: "\n")
            guard REPLStatementParser.isComplete(text) else { continue }
            pending = []
            if !execute(text, firstLine: firstLine, confirm: confirm) { return }
        }
        if !pending.isEmpty { execute(pending.joined(separator: "\n"), firstLine: firstLine, confirm: confirm) }
    }

    // MARK: - Running

    /// Runs one whole statement; `firstLine` is its first line's number in the input, for
    /// messages; `confirm` asks before a loss of data (nil: nobody can be asked, so the statement
    /// is refused unless it ends with `!` or `confirmsDataLoss` is set). Returns false after `.quit`.
    @discardableResult
    public func execute(_ text: String, firstLine: Int = 1, confirm: (String) -> Bool? = { _ in nil }) -> Bool {
        let source = SourceText(name: sourceName, text: text)
        let started = ContinuousClock.now
        var keepGoing = true
        var whole = SourceRange.none
        defer {
            // What the writes did unasked (a Pomodoro closed at its deadline), after the statement.
            for notice in base.takeNotices() { output.writeError(Wording.notice(notice, on: base) + "\n") }
        }
        do {
            // Pomodoros past their deadline close first, so whatever the statement reads is up to date.
            try base.timers.closeExpired()
            let statement = try REPLStatementParser.parse(source)
            whole = statement.range
            keepGoing = try run(statement, source: source, confirm: confirm)
        } catch let error as SourceErrors {
            fail(error.diagnostics, in: error.source, firstLine: firstLine)
        } catch let error as StatementError {
            fail([error.diagnostic], in: source, firstLine: firstLine)
        } catch let error as SyntaxError {
            fail([error.diagnostic], in: source, firstLine: firstLine)
        } catch let error as EngineError {
            fail([Diagnostic(error.message, at: whole, hint: Wording.hint(for: error))], in: source, firstLine: firstLine)
        } catch {
            fail([Diagnostic("\(error)", at: whole)], in: source, firstLine: firstLine)
        }
        if showsTiming {
            let elapsed = ContinuousClock.now - started
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            output.write("time: \(String(format: "%.3f", ms)) ms\n")
        }
        return keepGoing
    }

    private func fail(_ diagnostics: [Diagnostic], in source: SourceText, firstLine: Int) {
        failures += 1
        for d in diagnostics {
            var text = d.render(in: source)
            let located = "\(source.name):\(d.range.start.line):\(d.range.start.column):"
            if firstLine > 1, text.hasPrefix(located) {
                text = "\(source.name):\(d.range.start.line + firstLine - 1):\(d.range.start.column):" + text.dropFirst(located.count)
            }
            output.writeError(text + "\n")
        }
    }

    private func write(_ text: String) {
        // (A CSV's "\r\n" is one Character, so look at the last byte.)
        output.write(text.utf8.last == UInt8(ascii: "\n") ? text : text + "\n")
    }

    /// Runs `body`, placing an engine error it throws at `range` of the statement.
    private func at<T>(_ range: SourceRange, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as EngineError {
            throw StatementError(Diagnostic(error.message, at: range, hint: Wording.hint(for: error)))
        }
    }

    private func run(_ statement: REPLStatement, source: SourceText, confirm: (String) -> Bool?) throws -> Bool {
        switch statement.kind {
        case .empty:
            return true
        case .schema(let file):
            try changeSchema(statement, source, confirm) { file0 in SchemaEditing.merge(file, into: &file0) }
        case .field(let table, let field):
            try changeSchema(statement, source, confirm) { file in try SchemaEditing.setField(field, in: table, of: &file) }
        case .dropTable(let table):
            try changeSchema(statement, source, confirm) { file in try SchemaEditing.dropTable(table, from: &file) }
        case .dropField(let table, let field):
            try changeSchema(statement, source, confirm) { file in try SchemaEditing.dropField(field, of: table, from: &file) }
        case .add(let table, let assignments):
            let t = try at(table.range) { try base.table(named: table.name) }
            let id = try base.write { tx in
                let values = try typedValues(assignments, for: t)
                return try tx.insertRow(into: t, values: values)
            }.value
            write("#\(id)")
        case .set(let table, let row, let assignments):
            let t = try at(table.range) { try base.table(named: table.name) }
            let id = try base.write { tx in
                let id = try at(row.range) { try base.resolveRow(row.text, in: t) }
                try tx.updateRow(in: t, id: id, values: try typedValues(assignments, for: t))
                return id
            }.value
            write("#\(id)")
        case .delete(let table, let row):
            let t = try at(table.range) { try base.table(named: table.name) }
            let id = try base.write { tx in
                let id = try at(row.range) { try base.resolveRow(row.text, in: t) }
                try tx.deleteRow(from: t, id: id)
                return id
            }.value
            write("deleted #\(id)")
        case .show(let table, let condition):
            try show(table, where: condition, source: source)
        case .timer(let verb, let arguments):
            try runTimer(verb, arguments, statement, source)
        case .expression(let expression):
            try evaluate(expression, statement, source)
        case .query(let reason):
            try runReport(source, notAnExpression: reason)
        case .dot(let command):
            return try runDot(command, statement, source)
        }
        return true
    }

    /// Typed values of a row command's assignments; an error points at the assignment it is about.
    private func typedValues(_ assignments: [Assignment], for table: Table) throws -> [FieldID: Value] {
        var values: [FieldID: Value] = [:]
        for a in assignments {
            let typed = try at(a.field.range.union(a.value.range)) {
                try base.parseAssignments([TextAssignment(field: a.field.name, text: a.value.text)], for: table)
            }
            for (field, value) in typed {
                if values[field] != nil {
                    throw StatementError(Diagnostic("\(table.name).\(a.field.name) is given twice", at: a.field.range, hint: "give each field once"))
                }
                values[field] = value
            }
        }
        return values
    }

    // MARK: - Schema

    /// Applies a change to the schema as a migration: the statement's constructs are checked
    /// first (so errors point into it), a loss of data is confirmed, and the plan is printed.
    private func changeSchema(_ statement: REPLStatement, _ source: SourceText, _ confirm: (String) -> Bool?,
                              _ edit: (inout SchemaFile) throws -> Void) throws {
        var file = try SchemaEditing.current(base.schemaSource)
        try edit(&file)
        _ = try SchemaCompiler.compile(file: SchemaEditing.withStatementReportsOnly(file), source: source, previous: base.schema,
                                   reportChecker: ReportChecker())
        let plan = try base.migrations.plan(to: SchemaPrinter.print(file), sourceName: source.name, reportChecker: ReportChecker())
        if plan.isEmpty {
            write("nothing to change")
            return
        }
        if plan.isDestructive && !statement.confirmed && !confirmsDataLoss {
            let losses = plan.steps.filter(\.isDestructive).map(\.description).joined(separator: "\n")
            switch confirm("this loses data:\n\(losses)\ngo ahead? [y/N] ") {
            case true?: break
            case false?:
                write("cancelled: nothing was changed")
                return
            case nil:
                let statementText = source.slice(statement.range).trimmingCharacters(in: .whitespacesAndNewlines)
                throw EngineError(.schema, "this loses data (\(losses.replacingOccurrences(of: "\n", with: "; "))), and standard input is not a terminal, so nobody can confirm it; nothing was changed",
                                  hint: "end the statement with ! to go ahead (\(statementText.count <= 60 ? statementText : "the statement") !), or run `tabula repl --yes`")
            }
        }
        try base.migrations.apply(plan, allowDestructive: true)
        write(plan.description)
    }

    /// The schema as the user would save it: canonical source without `was` markers.
    func schemaText(table: Word? = nil) throws -> String {
        var file = try SchemaEditing.current(base.schemaSource)
        if let table {
            guard let t = file.tables.first(where: { $0.name.text.lowercased() == table.name.lowercased() }) else {
                throw StatementError(Diagnostic("no table '\(table.name)'", at: table.range,
                                                hint: Suggestions.didYouMean(table.name, among: file.tables.map(\.name.text))))
            }
            file = SchemaFile(tables: [t])
        }
        return SchemaPrinter.print(file)
    }

    // MARK: - Rows

    private func show(_ table: Word?, where condition: Expression?, source: SourceText) throws {
        let context = base.schema.valueContext
        guard let table else {
            write(Renderer.render(TableView.schemaSummary(base.schema), as: format, context: context))
            return
        }
        let t = try at(table.range) { try base.table(named: table.name) }
        var filter: String?
        if let condition {
            let schema = base.schema
            let compiled: CompiledFormula
            do {
                compiled = try FormulaCompiler.compile(condition, in: t, schema: schema) { schema.field(id: $0)?.field.valueType ?? .any }
            } catch {
                throw SourceErrors(source: source, diagnostics: error.diagnostics)
            }
            if compiled.resultType != .bool && compiled.resultType != .any {
                throw StatementError(Diagnostic("the condition gives \(compiled.resultType.displayName), not true or false", at: condition.range,
                                                hint: "compare something, e.g. show \(table.text) where amount > 10"))
            }
            filter = source.slice(condition.range)
        }
        write(Renderer.render(try TableView.make(base, table: t, where: filter, linksShown: format == .table ? 3 : nil), as: format, context: context))
    }

    // MARK: - Expressions, reports, timers

    /// The inputs of an expression evaluated on its own: no row, the base's clock and settings.
    private struct NoRow: FormulaInputs {
        var now: Instant
        var context: ValueContext
        func value(_ index: Int) -> Value { .error(.reference) }
    }

    private func evaluate(_ expression: Expression, _ statement: REPLStatement, _ source: SourceText) throws {
        let schema = base.schema
        let compiled: CompiledFormula
        do {
            compiled = try FormulaCompiler.compile(expression, in: Table(id: 0, name: "", fields: []), schema: schema) {
                schema.field(id: $0)?.field.valueType ?? .any
            }
        } catch {
            // Names need rows: with the report language at hand, that is a report.
            if hooks.reports != nil && expression.readsNames { return try runReport(source, notAnExpression: nil) }
            var diagnostics = error.diagnostics
            if expression.readsNames, !diagnostics.isEmpty {
                diagnostics[0].hint = "a statement on its own has no row to read fields from; "
                    + "filter a table's rows with: show TABLE where CONDITION"
            }
            throw SourceErrors(source: source, diagnostics: diagnostics)
        }
        let value = compiled.evaluate(NoRow(now: now(), context: schema.valueContext))
        write(value == .blank ? "blank" : value.formatted(context: schema.valueContext))
    }

    private func runReport(_ source: SourceText, notAnExpression reason: Diagnostic?) throws {
        guard let reports = hooks.reports else {
            // The seam: without a report hook a statement that is no expression is an error.
            let reason = reason ?? Diagnostic("not an expression", at: .none)
            throw StatementError(Diagnostic("\(reason.message); and reports are not available in this build", at: reason.range,
                                            hint: reason.hint ?? "a statement is a schema construct (table, field, drop), a row command "
                                                + "(add, set, delete, show), an expression, or a dot command (.help)"))
        }
        let result = try reports.runReport(source, on: base)
        write(Renderer.render(result, as: format, context: base.schema.valueContext))
    }

    private func runTimer(_ verb: TimerVerb, _ arguments: [Word], _ statement: REPLStatement, _ source: SourceText) throws {
        let hasTimers = base.schema.tables.contains { $0.fields.contains { if case .timer = $0.kind { return true } else { return false } } }
        guard hasTimers else {
            throw StatementError(Diagnostic("this base has no timers", at: statement.range,
                                            hint: "add a timer field first, e.g. field Tasks.timer timer -> TimeEntries"))
        }
        guard let timers = hooks.timers else {
            throw StatementError(Diagnostic("timers are not available in this build", at: statement.range))
        }
        write(try timers.runTimer(verb, arguments: arguments, source: source, on: base))
    }

    // MARK: - Dot commands

    private func runDot(_ command: DotCommand, _ statement: REPLStatement, _ source: SourceText) throws -> Bool {
        switch command {
        case .help:
            write(Self.help)
        case .tables:
            if base.schema.tables.isEmpty {
                write("no tables yet; make one: table Expenses { amount currency  date date }")
            }
            for table in base.schema.tables {
                let n = try base.rowCount(of: table)
                write("\(Name.quote(table.name))  (\(n) row\(n == 1 ? "" : "s"))")
            }
        case .schema(let table):
            output.write(try schemaText(table: table))
        case .save(let file):
            let text = try schemaText()
            do {
                try text.write(toFile: file.text, atomically: true, encoding: .utf8)
            } catch {
                throw StatementError(Diagnostic("cannot write '\(file.text)'", at: file.range, hint: "check that the folder exists and is writable"))
            }
            let n = base.schema.tables.count
            write("saved the schema (\(n) table\(n == 1 ? "" : "s")) to \(file.text)")
        case .open(let path):
            let opened = try at(path.range) { try Base.open(at: path.text, actor: actor, now: now) }
            let previous = base
            base = opened
            if previous.isInMemory && !previous.schema.tables.isEmpty {
                write("closed the in-memory base (its schema was not saved)")
            }
            previous.close()
            let tables = opened.schema.tables.map { Name.quote($0.name) }
            write("opened \(path.text): \(tables.count) table\(tables.count == 1 ? "" : "s")" + (tables.isEmpty ? "" : " (\(tables.joined(separator: ", ")))"))
        case .format(let word):
            guard let format = OutputFormat(rawValue: word.text.lowercased()) else {
                throw StatementError(Diagnostic("unknown format '\(word.text)'", at: word.range,
                                                hint: "the formats are \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
            self.format = format
        case .timer(let on):
            showsTiming = on
        case .quit:
            return false
        }
        return true
    }

    static let help = """
        Statements (each ends at the end of its line unless a bracket or brace is open; each is one transaction):
          table Expenses { amount currency  date date }   make or replace a table (any schema construct)
          field Expenses.vat formula amount * 0.2         add or change a field
          drop field Expenses.vat   drop table Expenses   drop (asks first; end with ! to skip asking)
          add Expenses amount=12.50 date=2026-11-20       add a row; quote values with spaces: note="two words"
          set Expenses #1 amount=13   delete Expenses #1  change or delete a row (by #id or primary value)
          show   show Expenses   show Expenses where amount > 10
          1h30m * 3   date_add(today(), 3, "days")        evaluate an expression
          sum(amount) from Expenses by category           run a report query (a saved report: its name)
          start Tasks "Fix login"   stop   status         timers, on a base that has them (--pomodoro, --all, --everyone)
        Dot commands:
          .help  .tables  .schema [TABLE]  .save FILE  .open BASE  .format table|csv|json  .timer on|off  .quit
        """
}

extension Expression {
    /// True when the expression reads a field or path somewhere, so it needs a row.
    var readsNames: Bool {
        switch kind {
        case .path: return true
        case .call(_, let arguments, let filter): return arguments.contains(where: \.readsNames) || filter != nil
        case .unary(_, let e): return e.readsNames
        case .binary(_, let a, let b): return a.readsNames || b.readsNames
        case .list(let items): return items.contains(where: \.readsNames)
        default: return false
        }
    }
}
