import TabulaLanguage

/// How a timer interval runs: an open-ended stopwatch, or a Pomodoro focus interval that closes
/// itself when its focus length is up.
public enum TimerMode: String, Sendable, Hashable, CaseIterable {
    case stopwatch, pomodoro
}

/// One interval of a timer, running or just closed: which row it times, who runs it, since when.
public struct TimerInterval: Sendable, Hashable {
    public var table: String
    public var field: String
    /// The timed row and its display name.
    public var row: RowID
    public var rowLabel: String
    /// The interval's row in the log table.
    public var logTable: String
    public var logRow: RowID
    /// The author as shown (a person's name, or the actor's).
    public var author: String
    public var start: Instant
    public var end: Instant?
    public var mode: TimerMode
    /// For a running Pomodoro: when its focus is up and it closes itself.
    public var deadline: Instant?

    /// Seconds run so far (or in all, once closed).
    public func elapsed(at now: Instant) -> Int64 {
        max(0, ((end ?? now).millisecondsSinceEpoch - start.millisecondsSinceEpoch) / 1000)
    }

    /// `Tasks "Login flow"` for messages.
    public var rowDescription: String { "\(table) \"\(rowLabel)\"" }
}

extension TimerRoles {
    /// The fields a timer's total reads, each with the link path from the timed table to it: the
    /// multiple link to the log rows, then the log rows' start and end.
    static func inputs(of field: Field, in table: Table, schema: Schema) -> [(FieldID, [FieldID])] {
        guard case .success(let roles) = resolve(field, in: table, schema: schema) else { return [] }
        return [(roles.entries, []), (roles.start, [roles.entries]), (roles.end, [roles.entries])]
    }
}

extension Base {
    // MARK: - Totals (read by the recompute)

    /// The total of each row's closed intervals (a running interval counts when it stops; its
    /// elapsed time is computed on read by `runningIntervals`).
    func timerTotals(_ field: Field, in table: Table, rows: [RowID]) throws -> [RowID: Value] {
        guard case .success(let roles) = TimerRoles.resolve(field, in: table, schema: schema) else { return [:] }
        var result: [RowID: Value] = [:]
        for row in rows { result[row] = .duration(0) }
        let log = Layout.table(roles.logTable), back = Layout.column(roles.back)
        let start = Layout.column(roles.start), end = Layout.column(roles.end)
        for chunk in rows.chunked(500) {
            let sql = "SELECT \(back), SUM((\(end) - \(start)) / 1000) FROM \(log) WHERE \(back) IN (\(placeholders(chunk.count))) AND \(end) IS NOT NULL AND \(start) IS NOT NULL GROUP BY \(back)"
            try db.cachedStatement(sql).forEachRow(chunk.map { .integer($0) }) { s in
                result[s.int64(0)] = .duration(s.int64(1))
            }
        }
        return result
    }

    // MARK: - Finding timers and authors

    /// The timer field of a table: the one named, or its only one.
    func timerField(of table: Table, named name: String?) throws -> TimerRoles {
        let timers = table.fields.filter { if case .timer = $0.kind { return true } else { return false } }
        let field: Field
        if let name {
            let f = try self.field(named: name, in: table)
            guard timers.contains(where: { $0.id == f.id }) else {
                throw EngineError(.invalidValue, "\(table.name).\(f.name) is not a timer", hint: timers.isEmpty ? "\(table.name) has no timer field" : "its timers are: \(timers.map(\.name).joined(separator: ", "))")
            }
            field = f
        } else {
            guard let only = timers.first else {
                throw EngineError(.notFound, "table \(table.name) has no timer", hint: "add a field like `timer timer -> TimeEntries` to its schema, or time a row of another table")
            }
            guard timers.count == 1 else {
                throw EngineError(.invalidValue, "table \(table.name) has \(timers.count) timers: \(timers.map(\.name).joined(separator: ", "))", remedy: .chooseTimerField(names: timers.map(\.name)))
            }
            field = only
        }
        switch TimerRoles.resolve(field, in: table, schema: schema) {
        case .success(let roles): return roles
        case .failure(let problem): throw EngineError(.schema, problem.message, hint: problem.hint)
        }
    }

    /// The value a timer's log rows record as the current actor: their person row, or their name.
    func authorValue(_ author: TimerRoles.Author) throws -> Value {
        switch author {
        case .actorName: return .text(actor)
        case .person(_, let peopleID): return .link(try personRow(in: peopleID))
        }
    }

    /// Makes sure each log table has its index of running intervals (a blank end), so finding
    /// them costs the number of running intervals, not the size of the log.
    /// Checked once per schema version (a write that rolls back makes it check again), not on
    /// every timer start and stop.
    func ensureTimerIndexes() throws {
        guard attachments.timerIndexesVersion != schemaVersion else { return }
        for roles in try compiledSchema().timers {
            let name = "r\(roles.logTable)_\(roles.author.field)_\(roles.end)"
            try db.execute("CREATE INDEX IF NOT EXISTS \(name) ON \(Layout.table(roles.logTable))(\(Layout.column(roles.author.field)), \(Layout.column(roles.back))) WHERE \(Layout.column(roles.end)) IS NULL")
            // Running intervals by start: what the Pomodoro deadline check and the list of all
            // running timers read, without touching the closed ones.
            try db.execute("CREATE INDEX IF NOT EXISTS \(name)_s ON \(Layout.table(roles.logTable))(\(Layout.column(roles.start))) WHERE \(Layout.column(roles.end)) IS NULL")
        }
        attachments.timerIndexesVersion = schemaVersion
    }

    // MARK: - Running intervals

    /// Running intervals of the current actor (or of everyone), oldest first, across every timer.
    func runningIntervals(everyone: Bool = false) throws -> [TimerInterval] {
        try ensureTimerIndexes()
        var result: [TimerInterval] = []
        var seen: Set<String> = []
        for roles in try compiledSchema().timers {
            // Two timers writing to one log table share its intervals: list each once.
            guard seen.insert("\(roles.logTable).\(roles.table)").inserted else { continue }
            let author: Value? = everyone ? nil : try? authorValue(roles.author)
            if !everyone && author == nil { continue }
            result += try running(roles, author: author)
        }
        return result.sorted { ($0.start, $0.logRow) < ($1.start, $1.logRow) }
    }

    /// Running intervals of one timer, for one author or all.
    func running(_ roles: TimerRoles, author: Value?, row: RowID? = nil) throws -> [TimerInterval] {
        guard let table = schema.table(id: roles.table), let log = schema.table(id: roles.logTable),
              let field = table.field(id: roles.timerField) else { return [] }
        let a = Layout.column(roles.author.field), back = Layout.column(roles.back)
        var sql = "SELECT id, \(back), \(Layout.column(roles.start)), \(a)\(roles.mode.map { ", " + Layout.column($0) } ?? ", NULL") FROM \(Layout.table(log.id)) WHERE \(Layout.column(roles.end)) IS NULL AND \(back) IS NOT NULL"
        var arguments: [SQLValue] = []
        if let author { sql += " AND \(a) = ?"; arguments.append(ValueCoding.encode(author)) }
        if let row { sql += " AND \(back) = ?"; arguments.append(.integer(row)) }
        let rows = try db.cachedStatement(sql + " ORDER BY \(Layout.column(roles.start)), id").rows(arguments)
        let timedIDs = rows.compactMap { $0[1].int64Value }
        let labels = try primaryValues(of: table, ids: timedIDs)
        var authorLabels: [RowID: String] = [:]
        if case .person(_, let peopleID) = roles.author, let people = schema.table(id: peopleID) {
            authorLabels = try primaryValues(of: people, ids: rows.compactMap { $0[3].int64Value })
        }
        let focus = schema.pomodoro.focus
        return rows.map { r in
            let timed = r[1].int64Value ?? 0
            let start = Instant(millisecondsSinceEpoch: r[2].int64Value ?? 0)
            let mode = r[4].textValue.flatMap { TimerMode(rawValue: $0.lowercased()) } ?? .stopwatch
            let who: String
            switch roles.author {
            case .person: who = r[3].int64Value.flatMap { authorLabels[$0] } ?? "?"
            case .actorName: who = r[3].textValue ?? "?"
            }
            return TimerInterval(table: table.name, field: field.name, row: timed, rowLabel: labels[timed] ?? "#\(timed)",
                                 logTable: log.name, logRow: r[0].int64Value ?? 0, author: who, start: start, end: nil, mode: mode,
                                 deadline: mode == .pomodoro ? start.adding(seconds: focus) : nil)
        }
    }

    /// Every running interval of one author across the base's timers.
    func runningAcrossTimers(author: Value, people: TimerRoles.Author) throws -> [TimerInterval] {
        var result: [TimerInterval] = []
        var seen: Set<String> = []
        for other in try compiledSchema().timers where sameAuthorKind(other.author, people) {
            guard seen.insert("\(other.logTable).\(other.table)").inserted else { continue }
            result += try running(other, author: author)
        }
        return result
    }

    private func sameAuthorKind(_ a: TimerRoles.Author, _ b: TimerRoles.Author) -> Bool {
        switch (a, b) {
        case (.person(_, let x), .person(_, let y)): return x == y
        case (.actorName, .actorName): return true
        default: return false
        }
    }

    func authorLabel(_ author: Value, roles: TimerRoles) throws -> String {
        switch (roles.author, author) {
        case (.person(_, let peopleID), .link(let id)):
            return try schema.table(id: peopleID).flatMap { try primaryValues(of: $0, ids: [id])[id] } ?? "#\(id)"
        default: return actor
        }
    }

    /// The actor's running intervals with the roles of their timers.
    func runningWithRoles() throws -> [(TimerInterval, TimerRoles)] {
        var result: [(TimerInterval, TimerRoles)] = []
        var seen: Set<String> = []
        for roles in try compiledSchema().timers {
            guard seen.insert("\(roles.logTable).\(roles.table)").inserted, let author = try? authorValue(roles.author) else { continue }
            result += try running(roles, author: author).map { ($0, roles) }
        }
        return result.sorted { ($0.0.start, $0.0.logRow) < ($1.0.start, $1.0.logRow) }
    }

    // MARK: - Pomodoro deadlines

    /// Whether some Pomodoro is past its deadline (read only).
    func hasExpiredIntervals() throws -> Bool {
        let now = self.now()
        for roles in try compiledSchema().timers {
            guard let modeField = roles.mode else { continue }
            let cutoff = now.millisecondsSinceEpoch - schema.pomodoro.focus * 1000
            let sql = "SELECT 1 FROM \(Layout.table(roles.logTable)) WHERE \(Layout.column(roles.end)) IS NULL AND lower(\(Layout.column(modeField))) = 'pomodoro' AND \(Layout.column(roles.start)) <= ? LIMIT 1"
            if try !db.cachedStatement(sql).rows([.integer(cutoff)]).isEmpty { return true }
        }
        return false
    }

    /// Closes expired Pomodoro intervals in a transaction of their own, when there are any; a
    /// command that only reads calls this first so what it shows is up to date.
    @discardableResult
    func closeExpiredPomodoros() throws -> [WriteNotice] {
        guard try hasExpiredIntervals() else { return [] }
        return try write { _ in }.notices
    }

    /// How many Pomodoro focus intervals of a timer's row ran their full length.
    func completedPomodoros(table tableName: String, row reference: String, field: String? = nil) throws -> Int {
        let table = try self.table(named: tableName)
        let row = try resolveRow(reference, in: table)
        let roles = try timerField(of: table, named: field)
        guard let modeField = roles.mode else { return 0 }
        let sql = "SELECT count(*) FROM \(Layout.table(roles.logTable)) WHERE \(Layout.column(roles.back)) = ? AND lower(\(Layout.column(modeField))) = 'pomodoro' AND \(Layout.column(roles.end)) - \(Layout.column(roles.start)) >= ?"
        return Int(try db.scalar(sql, [.integer(row), .integer(schema.pomodoro.focus * 1000)]).int64Value ?? 0)
    }

    /// An instant as messages show it, in the base's time zone.
    public func formatInstant(_ instant: Instant) -> String {
        ValueType.datetime.format(.datetime(instant), context: schema.valueContext)
    }
}

/// Starting, stopping, switching and logging timer intervals: writes, so they are the transaction's.
extension WriteTransaction {
    /// Starts a timer on a row for the current actor, in one transaction: writes a log row linked
    /// to it with the author, the start, the mode and the inherited fields. Refused when the actor
    /// already runs this timer on the row (in the same mode; another mode switches over), when
    /// they run the timer's maximum, or when the new interval falls in a locked period.
    @discardableResult
    public func startTimer(table tableName: String, row reference: String, field: String? = nil, mode: TimerMode = .stopwatch) throws -> TimerInterval {
        let table = try base.table(named: tableName)
        let row = try base.resolveRow(reference, in: table)
        return try startTimer(try base.timerField(of: table, named: field), row: row, mode: mode)
    }

    /// Starts a timer on a row.
    func startTimer(_ roles: TimerRoles, row: RowID, mode: TimerMode) throws -> TimerInterval {
        try base.ensureTimerIndexes()
        guard let table = schema.table(id: roles.table), let log = schema.table(id: roles.logTable) else {
            throw EngineError(.schema, "the timer's tables are missing", hint: "check the base's schema")
        }
        if mode == .pomodoro && roles.mode == nil {
            throw EngineError(.schema, "\(log.name) has no mode field, so a timer cannot run in pomodoro mode",
                              hint: "add to \(log.name): mode select(stopwatch, pomodoro) default stopwatch")
        }
        let author = try base.authorValue(roles.author)
        let now = self.now()
        for current in try base.running(roles, author: author, row: row) {
            guard current.mode != mode else {
                throw EngineError(.conflict, "the timer on \(current.rowDescription) is already running for \(current.author), since \(base.formatInstant(current.start))",
                                  remedy: .stopTimer(table: table.name, row: row))
            }
            // The same row in another mode: close this interval and go on in the new mode.
            notices.append(.intervalSwitched(try close(current, roles: roles, at: now), to: mode))
        }
        let mine = try base.runningAcrossTimers(author: author, people: roles.author)
        if mine.count >= roles.maxRunning {
            throw EngineError(.limit, "\(mine.first?.author ?? actor) already runs \(mine.count) timer\(mine.count == 1 ? "" : "s"), the most \(table.name).\(table.field(id: roles.timerField)?.name ?? "timer") allows (max \(roles.maxRunning)): "
                                + mine.map { "\($0.rowDescription) since \(base.formatInstant($0.start))" }.joined(separator: "; "),
                              remedy: .stopOneTimer)
        }
        var values: [FieldID: Value] = [roles.back: .link(row), roles.start: .datetime(now)]
        if case .person(let field, _) = roles.author { values[field] = author }
        if let modeField = roles.mode, let options = log.field(id: modeField).flatMap({ if case .data(.select(let o)) = $0.kind { return o } else { return nil } }) {
            values[modeField] = .text(options.first { $0.lowercased() == mode.rawValue } ?? mode.rawValue)
        }
        let inherited = (log.inheritedFields ?? []).compactMap { log.field(id: $0) }
        let sources = inherited.compactMap { f in table.field(named: f.name).map { (f, $0) } }
        let rowValues = try base.readValues(of: table, row: row, fields: sources.map { $0.1.id })
        for (logField, source) in sources {
            if let v = rowValues[source.id], !v.isBlank { values[logField.id] = v }
        }
        let logRow = try insertRow(into: log, values: values)
        try base.recordHistory(action: "timer start", table: table.id, row: row, field: roles.timerField,
                          note: "\(mode.rawValue) interval \(log.name) #\(logRow)")
        let label = try base.primaryValues(of: table, ids: [row])[row] ?? "#\(row)"
        let started = TimerInterval(table: table.name, field: table.field(id: roles.timerField)?.name ?? "timer", row: row, rowLabel: label,
                                    logTable: log.name, logRow: logRow, author: try base.authorLabel(author, roles: roles), start: now, end: nil, mode: mode,
                                    deadline: mode == .pomodoro ? now.adding(seconds: schema.pomodoro.focus) : nil)
        try tell(.timerStarted(started))
        return started
    }

    /// Closes a running interval at `end` (a Pomodoro at its deadline at the latest).
    func close(_ interval: TimerInterval, roles: TimerRoles, at end: Instant) throws -> TimerInterval {
        guard let log = schema.table(id: roles.logTable) else { return interval }
        var stop = end
        if let deadline = interval.deadline, deadline < stop { stop = deadline }
        if stop < interval.start { stop = interval.start }
        try updateRow(in: log, id: interval.logRow, values: [roles.end: .datetime(stop)])
        try base.recordHistory(action: "timer stop", table: roles.table, row: interval.row, field: roles.timerField,
                          note: "\(interval.mode.rawValue) interval \(log.name) #\(interval.logRow)")
        var closed = interval
        closed.end = stop
        try tell(.timerStopped(closed))
        return closed
    }

    /// Stops the current actor's timers, in one transaction: the one on a given row, their only
    /// running one, or with `all` every one. Several running and none named is an error listing them.
    @discardableResult
    public func stopTimer(table tableName: String? = nil, row reference: String? = nil, field: String? = nil, all: Bool = false) throws -> [TimerInterval] {
        try base.ensureTimerIndexes()
        let now = self.now()
        if let tableName {
            let table = try base.table(named: tableName)
            guard let reference else { throw EngineError(.invalidValue, "give the row whose timer to stop", remedy: .nameTimerRow(table: table.name)) }
            let row = try base.resolveRow(reference, in: table)
            let roles = try base.timerField(of: table, named: field)
            let running = try base.running(roles, author: try base.authorValue(roles.author), row: row)
            guard !running.isEmpty else {
                let label = try base.primaryValues(of: table, ids: [row])[row] ?? "#\(row)"
                throw EngineError(.notFound, "no timer of yours runs on \(table.name) \"\(label)\"", remedy: .showRunningTimers)
            }
            return try running.map { try close($0, roles: roles, at: now) }
        }
        let mine = try base.runningWithRoles()
        if mine.isEmpty { throw EngineError(.notFound, "\(actor) has no running timer", remedy: .startTimer) }
        if mine.count > 1 && !all {
            throw EngineError(.invalidValue, "\(actor) runs \(mine.count) timers: " + mine.map { "\($0.0.rowDescription) since \(base.formatInstant($0.0.start))" }.joined(separator: "; "),
                              remedy: .nameTimerToStop)
        }
        return try mine.map { try close($0.0, roles: $0.1, at: now) }
    }

    /// Stops every timer of the current actor and starts one on a row, in one transaction (one
    /// already running there in that mode keeps running: `wasRunning`).
    public func switchTimer(table tableName: String, row reference: String, field: String? = nil, mode: TimerMode = .stopwatch) throws -> (stopped: [TimerInterval], started: TimerInterval, wasRunning: Bool) {
        let table = try base.table(named: tableName)
        let row = try base.resolveRow(reference, in: table)
        let roles = try base.timerField(of: table, named: field)
        let now = self.now()
        var stopped: [TimerInterval] = []
        for (interval, r) in try base.runningWithRoles() where !(interval.row == row && r.timerField == roles.timerField && interval.mode == mode) {
            stopped.append(try close(interval, roles: r, at: now))
        }
        let stillRunning = try base.running(roles, author: try base.authorValue(roles.author), row: row)
        if let same = stillRunning.first(where: { $0.mode == mode }) {
            return (stopped, same, true)
        }
        return (stopped, try startTimer(roles, row: row, mode: mode), false)
    }

    /// Logs a closed interval on a row by hand (a forgotten hour), in one transaction: a log row
    /// like a timer's, with the author and the inherited fields, without a mode, plus `extra`
    /// field=value pairs of the log table (a note). Lock rules apply as to any write.
    @discardableResult
    public func logInterval(table tableName: String, row reference: String, field: String? = nil,
                            from start: Instant, to end: Instant, extra: [TextAssignment] = []) throws -> TimerInterval {
        let table = try base.table(named: tableName)
        let row = try base.resolveRow(reference, in: table)
        let roles = try base.timerField(of: table, named: field)
        guard let log = schema.table(id: roles.logTable) else { throw EngineError(.schema, "the timer's log table is missing") }
        guard start < end else {
            throw EngineError(.invalidValue, start == end ? "the interval is empty (it starts and ends at \(base.formatInstant(start)))"
                                : "the interval ends before it starts (start \(base.formatInstant(start)), end \(base.formatInstant(end)))",
                              remedy: .orderInterval)
        }
        var values = try base.parseAssignments(extra, for: log)
        let author = try base.authorValue(roles.author)
        values[roles.back] = .link(row)
        values[roles.start] = .datetime(start)
        values[roles.end] = .datetime(end)
        if case .person(let f, _) = roles.author { values[f] = author }
        let sources = (log.inheritedFields ?? []).compactMap { log.field(id: $0) }.compactMap { f in table.field(named: f.name).map { (f, $0) } }
        let rowValues = try base.readValues(of: table, row: row, fields: sources.map { $0.1.id })
        for (logField, source) in sources where values[logField.id] == nil {
            if let v = rowValues[source.id], !v.isBlank { values[logField.id] = v }
        }
        let logRow = try insertRow(into: log, values: values)
        try base.recordHistory(action: "timer log", table: table.id, row: row, field: roles.timerField, note: "manual interval \(log.name) #\(logRow)")
        let label = try base.primaryValues(of: table, ids: [row])[row] ?? "#\(row)"
        return TimerInterval(table: table.name, field: table.field(id: roles.timerField)?.name ?? "timer", row: row, rowLabel: label,
                             logTable: log.name, logRow: logRow, author: try base.authorLabel(author, roles: roles), start: start, end: end,
                             mode: .stopwatch, deadline: nil)
    }

    /// Closes every Pomodoro focus interval whose deadline has passed, at its deadline. Runs at the
    /// start of each command (no daemon is needed: the next command that touches the base closes
    /// what expired before it reads or writes anything).
    func closeExpiredIntervals() throws {
        let timers = try base.compiledSchema().timers
        if !timers.isEmpty { try base.ensureTimerIndexes() }
        let now = self.now()
        for roles in timers {
            guard let modeField = roles.mode else { continue }
            let cutoff = now.millisecondsSinceEpoch - schema.pomodoro.focus * 1000
            let sql = "SELECT id FROM \(Layout.table(roles.logTable)) WHERE \(Layout.column(roles.end)) IS NULL AND lower(\(Layout.column(modeField))) = 'pomodoro' AND \(Layout.column(roles.start)) <= ? LIMIT 1"
            guard try !db.cachedStatement(sql).rows([.integer(cutoff)]).isEmpty else { continue }
            for interval in try base.running(roles, author: nil) where interval.mode == .pomodoro {
                guard let deadline = interval.deadline, deadline <= now else { continue }
                // The interval started before any lock; closing it at its deadline is not an edit.
                let closed = try bypassingLocks { try close(interval, roles: roles, at: deadline) }
                notices.append(.pomodoroEnded(closed))
            }
        }
    }
}
