import TabulaEngine
import TabulaIO
import TabulaLanguage
import TabulaReports

/// Runs the report queries typed at the REPL (`sum(amount) by month(date)`): every statement that
/// is not a schema construct, a row, timer or dot command, nor an expression that needs no row.
///
/// The REPL does not know the report language; it hands over the statement's source text and
/// prints the table that comes back in the session's `.format`.
public protocol ReportHook {
    /// Plans and runs `query` (the whole statement) on `base`. Syntax errors should be thrown as
    /// `SourceErrors` located in `query`, so the REPL prints them with a caret; `EngineError`s are
    /// printed under the whole statement.
    func runReport(_ query: SourceText, on base: Base) throws -> ResultTable
}

/// Runs the timer statements `start ...`, `stop ...` and `status ...` on a base with timer fields.
public protocol TimerHook {
    /// Runs one timer statement; `arguments` are its words as typed (quotes decoded), located in
    /// `source`. Returns the text to print (a line like "started Tasks #3 at 09:30").
    func runTimer(_ verb: TimerVerb, arguments: [Word], source: SourceText, on base: Base) throws -> String
}

/// The parts of the REPL that other modules provide: the report language and the timers.
/// Either may be missing; its statements then get an error that says so.
public struct REPLHooks {
    public var reports: (any ReportHook)?
    public var timers: (any TimerHook)?

    public init(reports: (any ReportHook)? = nil, timers: (any TimerHook)? = nil) {
        self.reports = reports; self.timers = timers
    }
}

/// The formula syntax tree (Foundation has a type of the same name).
typealias Expression = TabulaLanguage.Expression
