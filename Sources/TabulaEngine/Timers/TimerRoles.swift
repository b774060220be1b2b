/// The fields of a timer's log table that the timer reads and writes, found by their roles:
/// the link back to the timed table, `start` and `end`, the author, and the optional `mode`.
public struct TimerRoles: Sendable, Hashable {
    /// The table that holds the timer field.
    public var table: TableID
    public var timerField: FieldID
    public var logTable: TableID
    /// The log table's single link to the timed row.
    public var back: FieldID
    /// The timed table's multiple link that is `back` seen from the other side.
    public var entries: FieldID
    public var start: FieldID
    public var end: FieldID
    /// Who runs the interval: a link to the people table, or an engine-kept `author` field.
    public var author: Author
    /// `mode select(stopwatch, pomodoro)`, when the log table has it.
    public var mode: FieldID?
    public var maxRunning: Int

    /// How the log table records the author of an interval.
    public enum Author: Sendable, Hashable {
        /// A link to a row of the people table.
        case person(FieldID, peopleTable: TableID)
        /// An `author` field: the actor's name as text.
        case actorName(FieldID)

        public var field: FieldID {
            switch self { case .person(let f, _), .actorName(let f): return f }
        }
    }

    /// The roles of a timer field, or a message saying what the log table lacks and how to add it.
    public static func resolve(_ timer: Field, in table: Table, schema: Schema) -> Result<TimerRoles, TimerSchemaProblem> {
        guard case .timer(let spec) = timer.kind, let log = schema.table(id: spec.logTable) else {
            return .failure(TimerSchemaProblem("\(table.name).\(timer.name) is not a timer", hint: "declare it as timer -> LOGTABLE"))
        }
        let where_ = "the log table \(log.name) of timer \(table.name).\(timer.name)"
        let backs = log.fields.filter { if case .link(let l) = $0.kind { return l.target == table.id && !l.many } else { return false } }
        guard backs.count == 1, let back = backs.first, case .link(let backSpec) = back.kind else {
            return .failure(TimerSchemaProblem(backs.isEmpty ? "\(where_) needs a link back to \(table.name)"
                                                             : "\(where_) has \(backs.count) links to \(table.name); the timer needs exactly one",
                                               hint: "give \(log.name) one field like: \(table.name.lowercased()) link \(table.name)"))
        }
        guard let inverse = backSpec.inverse, table.field(id: inverse) != nil else {
            return .failure(TimerSchemaProblem("\(table.name) needs the inverse of \(log.name).\(back.name), so the timer's total follows its intervals",
                                               hint: "add to \(table.name): entries link \(log.name)[] inverse \(back.name)"))
        }
        func datetimeField(_ name: String) -> Result<FieldID, TimerSchemaProblem> {
            guard let f = log.field(named: name), f.kind == .data(.datetime) else {
                return .failure(TimerSchemaProblem("\(where_) needs a datetime field '\(name)'",
                                                   hint: "add to \(log.name): \(name) datetime\(name == "start" ? " required" : "")"))
            }
            return .success(f.id)
        }
        let start: FieldID, end: FieldID
        switch datetimeField("start") { case .success(let f): start = f; case .failure(let p): return .failure(p) }
        switch datetimeField("end") { case .success(let f): end = f; case .failure(let p): return .failure(p) }
        let author: Author
        if let people = schema.peopleTable,
           let link = log.fields.first(where: { if case .link(let l) = $0.kind { return l.target == people && !l.many } else { return false } }) {
            author = .person(link.id, peopleTable: people)
        } else if let named = log.fields.first(where: { $0.kind == .author }) {
            author = .actorName(named.id)
        } else {
            let peopleName = schema.peopleTable.flatMap { schema.table(id: $0)?.name }
            return .failure(TimerSchemaProblem("\(where_) needs an author: a link to the people table or an author field",
                                               hint: peopleName.map { "add to \(log.name): person link \($0)" } ?? "add to \(log.name): by author (or name a people table with `people T` and link to it)"))
        }
        var mode: FieldID?
        if let m = log.field(named: "mode") {
            guard case .data(.select(let options)) = m.kind,
                  options.contains(where: { $0.lowercased() == "stopwatch" }), options.contains(where: { $0.lowercased() == "pomodoro" }) else {
                return .failure(TimerSchemaProblem("\(log.name).mode must be a select with the options stopwatch and pomodoro, for timers",
                                                   hint: "mode select(stopwatch, pomodoro) default stopwatch"))
            }
            mode = m.id
        }
        return .success(TimerRoles(table: table.id, timerField: timer.id, logTable: log.id, back: back.id, entries: inverse,
                                   start: start, end: end, author: author, mode: mode, maxRunning: spec.maxRunning))
    }
}

/// Why a timer's log table cannot serve it, with a hint.
public struct TimerSchemaProblem: Error, Sendable, Hashable {
    public var message: String
    public var hint: String
    public init(_ message: String, hint: String) { self.message = message; self.hint = hint }
}

extension Schema {
    /// Every timer field of the base with its roles (timers whose log table is incomplete are left out;
    /// the schema compiler refuses those).
    public var timers: [TimerRoles] {
        tables.flatMap { table in
            table.fields.compactMap { field -> TimerRoles? in
                guard case .timer = field.kind, case .success(let roles) = TimerRoles.resolve(field, in: table, schema: self) else { return nil }
                return roles
            }
        }
    }

    /// The Pomodoro lengths of the base (25m and 5m unless the schema sets them).
    public var pomodoro: PomodoroLengths { pomodoroLengths ?? .standard }
}

/// What a formula can read of a timer besides its closed total: stands in a formula path after
/// the timer field, as a negative id no field has.
enum TimerProbe: FieldID {
    case running = -1
    case elapsed = -2

    init?(name: String) {
        switch name.lowercased() {
        case "running": self = .running
        case "elapsed": self = .elapsed
        default: return nil
        }
    }
}
