import TabulaLanguage

/// An error a user can act on: what kind of failure it is, what is wrong, and how to fix it.
///
/// The kind is what a caller branches on (an HTTP layer maps `notFound` to 404, `locked` to 423,
/// `invalidValue` to 422); the message and hint are plain language and never name a command of
/// any front end. Where the fix is an action a front end offers (list the rows, file an edit
/// request, stop a timer), `remedy` carries it as data, and the front end words it.
public struct EngineError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A table, field, row, base or request that does not exist.
        case notFound = "not_found"
        /// A write that collides with what is there: a unique value taken, a timer already running,
        /// a row still linked, a request already decided.
        case conflict
        /// A value, argument or assignment that is malformed or breaks a field's rule.
        case invalidValue = "invalid_value"
        /// The row is locked by its table's `lock when` rule.
        case locked
        /// The actor may not do this (a role or a read/write rule).
        case forbidden
        /// A limit is reached (the most timers one person may run).
        case limit
        /// The schema does not allow it, or would become inconsistent (a migration that loses data).
        case schema
        /// SQLite failed (`storageCode` says how; `busy` when another writer holds the base).
        case storage
    }

    public var kind: Kind
    public var message: String
    /// Plain-language advice; nil when the remedy says it all.
    public var hint: String?
    /// The action that fixes it, for a front end to word as one of its commands.
    public var remedy: Remedy?
    /// For `.storage`: SQLite's primary result code (5 is busy).
    public var storageCode: Int32?

    public init(_ kind: Kind, _ message: String, hint: String? = nil, remedy: Remedy? = nil) {
        self.kind = kind; self.message = message; self.hint = hint; self.remedy = remedy
    }

    /// A storage failure from SQLite, worded without its SQL or bound values (they may hold data
    /// a user should not see in a message or a log).
    package init(storage error: DatabaseError, doing what: String) {
        self.init(.storage, error.isBusy ? "the base is busy: another process is writing to it" : "\(what): SQLite error \(error.code) (\(error.message))",
                  hint: error.isBusy ? "try again in a moment; nothing was changed" : "nothing was changed")
        storageCode = error.code
    }

    /// Another writer held the base for longer than the busy timeout.
    public var isBusy: Bool { kind == .storage && storageCode == 5 }

    /// The same error with its message prefixed (`line 3: ...`, `Tasks.title: ...`).
    public func prefixed(_ prefix: String) -> EngineError {
        var copy = self
        copy.message = prefix + message
        return copy
    }

    /// `error: MESSAGE` and the plain hint; front ends add the remedy in their own words.
    public var description: String {
        "error: \(message)" + (hint.map { "\n  hint: \($0)" } ?? "")
    }
}

/// An action that fixes an error, as data: a front end (the command line, the REPL, the web
/// table) turns it into its own wording.
public enum Remedy: Sendable, Hashable {
    /// A base already exists at the path: choose another path, or change this base's schema.
    case changeSchemaOf(base: String)
    /// No base at the path: create it.
    case createBase(path: String)
    /// The file is not a base: pass one made by creating a base.
    case passABase
    /// List the rows of a table (to find the right reference).
    case listRows(table: String)
    /// Refer to a row by `#id` or its exact primary value, after listing them.
    case referToRow(table: String, primaryField: String)
    /// Fix the schema and apply it.
    case fixSchema(what: String)
    /// File an edit request for a locked row; `approver` can approve it.
    case requestEdit(table: String, row: RowID, approver: String)
    /// The row is not locked: change it directly.
    case changeDirectly(table: String, row: RowID)
    /// Give a reason for the request.
    case giveReason
    /// See the edit requests.
    case listRequests
    /// Act as a person the people table lists, or add the actor there.
    case actAsPerson(peopleTable: String, primaryField: String, actor: String)
    /// Stop the timer running on a row (or start in the other mode to switch).
    case stopTimer(table: String, row: RowID)
    /// Stop one of the running timers first (or raise the timer's `max`).
    case stopOneTimer
    /// Name the row whose timer to stop.
    case nameTimerRow(table: String)
    /// Name which running timer to stop, or stop all.
    case nameTimerToStop
    /// Choose one of several timer fields.
    case chooseTimerField(names: [String])
    /// See which timers run.
    case showRunningTimers
    /// Start a timer.
    case startTimer
    /// Give the interval's start before its end.
    case orderInterval
    /// Act as someone with the role (the people table says who has it).
    case actAsRole(role: String, peopleTable: String)
    /// The change loses data: look at the plan, and allow the loss if intended.
    case allowDataLoss
    /// Fill a field on the rows that lack it first (or give it a default).
    case fillRows(table: String, field: String)
    /// Fix the rows that break a new check (the first is `row`), then apply the schema again.
    case fixRowsThenApply(table: String, row: RowID)
    /// Ask another person to approve (or turn the four-eyes setting off, when there is one).
    case anotherApprover(setting: String?)
}
