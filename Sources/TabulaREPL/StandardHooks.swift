import TabulaEngine
import TabulaIO
import TabulaLanguage
import TabulaReports

extension REPLHooks {
    /// The report language and the engine's timers: what `tabula repl` runs with.
    public static var standard: REPLHooks { REPLHooks(reports: ReportLanguageHook(), timers: EngineTimerHook()) }
}

/// The report language (`TabulaReports`) as the REPL's report hook: a query runs as
/// `tabula report` runs it, and a statement that is only the name of a saved report runs that report.
public struct ReportLanguageHook: ReportHook {
    public init() {}

    public func runReport(_ query: SourceText, on base: Base) throws -> ResultTable {
        let (tokens, diagnostics) = Lexer.tokenize(query)
        if diagnostics.isEmpty, tokens.count == 2, tokens[0].isName,
           base.schema.reports.contains(where: { $0.name.lowercased() == tokens[0].text.lowercased() }) {
            return try ReportRunner.run(saved: tokens[0].text, on: base).table
        }
        return try ReportRunner.run(query, on: base).table
    }
}

/// The engine's timers as the REPL's timer hook, with the words of `tabula timer` (the base is
/// the session's): `start TABLE ROW [--field F] [--pomodoro]`, `stop [TABLE ROW] [--field F] [--all]`,
/// `status [--everyone]`. The acting person is the session's.
public struct EngineTimerHook: TimerHook {
    public init() {}

    public func runTimer(_ verb: TimerVerb, arguments: [Word], source: SourceText, on base: Base) throws -> String {
        let usage: String
        let allowed: Set<String>
        switch verb {
        case .start: (usage, allowed) = ("start TABLE ROW [--field F] [--pomodoro]", ["--field", "--pomodoro"])
        case .stop: (usage, allowed) = ("stop [TABLE ROW] [--field F] [--all]", ["--field", "--all"])
        case .status: (usage, allowed) = ("status [--everyone]", ["--everyone"])
        }
        var positional: [Word] = []
        var flags: Set<String> = []
        var field: String?
        var i = 0
        while i < arguments.count {
            let word = arguments[i]
            i += 1
            guard word.text.hasPrefix("--") else { positional.append(word); continue }
            guard allowed.contains(word.text) else {
                throw SyntaxError("'\(verb.rawValue)' has no option '\(word.text)'", at: word.range, hint: "write \(usage)")
            }
            if word.text == "--field" {
                guard i < arguments.count else { throw SyntaxError("'--field' needs a field name", at: word.range, hint: "write \(usage)") }
                field = arguments[i].name
                i += 1
            } else {
                flags.insert(word.text)
            }
        }
        let expected = verb == .start ? [2] : verb == .stop ? [0, 2] : [0]
        guard expected.contains(positional.count) else {
            let range = positional.count > expected.max()! ? positional[expected.max()!].range : source.wholeRange
            throw SyntaxError("'\(verb.rawValue)' takes \(verb == .status ? "no table or row" : "a table and a row")", at: range, hint: "write \(usage)")
        }
        switch verb {
        case .start:
            let interval = try base.write { try $0.startTimer(table: positional[0].name, row: positional[1].text, field: field,
                                               mode: flags.contains("--pomodoro") ? .pomodoro : .stopwatch) }.value
            return Wording.started(interval, on: base)
        case .stop:
            let stopped = try base.write { try $0.stopTimer(table: positional.first?.name, row: positional.last?.text, field: field, all: flags.contains("--all")) }.value
            return stopped.map { Wording.stopped($0, on: base) }.joined(separator: "\n")
        case .status:
            let everyone = flags.contains("--everyone")
            let running = try base.timers.running(everyone: everyone)
            if running.isEmpty { return everyone ? "no timer is running" : "no timer of \(base.actor) is running" }
            let now = base.now()
            return running.map { r in
                let elapsed = ValueType.duration.format(.duration(r.elapsed(at: now)), context: base.schema.valueContext)
                return "\(r.rowDescription) for \(r.author) since \(base.formatInstant(r.start)) (\(elapsed), \(r.mode.rawValue))"
            }.joined(separator: "\n")
        }
    }
}

extension SourceText {
    /// The whole text as a range.
    var wholeRange: SourceRange { SourceRange(start: location(of: 0), end: location(of: scalars.count)) }
}
