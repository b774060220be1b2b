import TabulaEngine

/// How the command line and the REPL word what the engine reports: the hint for an error's
/// remedy (naming the `tabula` command that fixes it) and the lines for started and stopped
/// timers. The engine's errors carry the data; the words are the front end's.
public enum Wording {
    /// `error: MESSAGE` with the hint (the engine's own, else the remedy worded as a command).
    public static func describe(_ error: EngineError) -> String {
        "error: \(error.message)" + (hint(for: error).map { "\n  hint: \($0)" } ?? "")
    }

    /// The hint a user sees for an error.
    public static func hint(for error: EngineError) -> String? {
        switch (error.hint, error.remedy.map(hint(for:))) {
        case (let hint?, let remedy?):
            // "did you mean 'Landing'? refer to a row by ..." reads on; a statement ends first.
            return hint + (hint.hasSuffix("?") || hint.hasSuffix(".") ? " " : "; ") + remedy
        case (let hint, let remedy): return hint ?? remedy
        }
    }

    /// A remedy as the command that carries it out.
    public static func hint(for remedy: Remedy) -> String {
        switch remedy {
        case .changeSchemaOf(let base): return "choose a new file name, or use `tabula apply \(base) FILE` to change its schema"
        case .createBase(let path): return "create one with `tabula init \(path) --schema FILE`"
        case .passABase: return "pass the base file made by `tabula init`"
        case .listRows(let table): return "list its rows with `tabula show BASE \(table)`"
        case .referToRow(let table, let primary):
            return "refer to a row by #id or its exact \(primary); list them with `tabula show BASE \(table)`"
        case .fixSchema(let what): return "fix \(what) in the schema and apply it with `tabula apply`"
        case .requestEdit(let table, let row, let approver):
            return "ask for the change with `tabula request BASE \(table) '#\(row)' field=value --reason TEXT`; \(approver) can approve it"
        case .changeDirectly(let table, let row): return "change it directly: tabula set BASE \(table) '#\(row)' ..."
        case .giveReason: return "say why with --reason TEXT"
        case .listRequests: return "list them with `tabula request list BASE`"
        case .actAsPerson(let people, let primary, let actor):
            return "act as a listed person with --as NAME (or TABULA_USER), or add them: tabula add BASE \(people) \(primary)=\(actor)"
        case .stopTimer(let table, let row):
            return "stop it with `tabula timer stop BASE \(table) '#\(row)'`, or start in the other mode to switch"
        case .stopOneTimer: return "stop one first: tabula timer stop BASE TABLE ROW (or raise `max` on the timer field)"
        case .nameTimerRow(let table): return "tabula timer stop BASE \(table) ROW"
        case .nameTimerToStop: return "name the one to stop (tabula timer stop BASE TABLE ROW), or stop them all with --all"
        case .chooseTimerField: return "choose one with --field NAME"
        case .showRunningTimers: return "see what runs with `tabula timer status BASE`"
        case .startTimer: return "start one with `tabula timer start BASE TABLE ROW`"
        case .orderInterval: return "give --from before --to, or a positive --hours"
        case .actAsRole(let role, let people): return "ask someone whose role in \(people) is \(role), or act as them with --as NAME"
        case .allowDataLoss: return "check the plan with --dry-run; if the loss is intended, run again with --allow-destructive"
        case .fillRows(let table, let field): return "fill those rows first (tabula set BASE \(table) #ID \(field)=...), or add a default"
        case .fixRowsThenApply(let table, let row): return "fix those rows first (tabula set BASE \(table) '#\(row)' ...), then apply again"
        case .anotherApprover(let setting):
            return "ask another approver" + (setting.map { "; a base that wants no four-eyes rule turns it off with `tabula setting BASE \($0) off`" } ?? "")
        }
    }

    /// The line that reports a started interval: row, author, start, log row, Pomodoro deadline.
    public static func started(_ interval: TimerInterval, on base: Base) -> String {
        var text = "started \(interval.rowDescription) for \(interval.author) at \(base.formatInstant(interval.start)) (\(interval.logTable) #\(interval.logRow))"
        if let deadline = interval.deadline { text += ", pomodoro until \(base.formatInstant(deadline))" }
        return text
    }

    /// A notice of what a write did unasked, as a line of its own.
    public static func notice(_ notice: WriteNotice, on base: Base) -> String {
        switch notice {
        case .pomodoroEnded(let interval):
            let end = interval.end.map(base.formatInstant) ?? "?"
            return "note: the pomodoro on \(interval.rowDescription) for \(interval.author) ended at \(end): \(duration(interval, on: base)) (\(interval.logTable) #\(interval.logRow))"
        case .intervalSwitched(let interval, let mode):
            return "note: stopped the \(interval.mode.rawValue) on \(interval.rowDescription) for \(interval.author) after \(duration(interval, on: base)) to run it as a \(mode.rawValue) (\(interval.logTable) #\(interval.logRow))"
        }
    }

    static func duration(_ interval: TimerInterval, on base: Base) -> String {
        ValueType.duration.format(.duration(interval.elapsed(at: interval.end ?? interval.start)), context: base.schema.valueContext)
    }

    /// The line that reports a stopped interval with its length.
    public static func stopped(_ interval: TimerInterval, on base: Base) -> String {
        let length = duration(interval, on: base)
        return "stopped \(interval.rowDescription) for \(interval.author): \(length) (\(interval.logTable) #\(interval.logRow))"
    }
}
