/// Code a schema package attaches to a base, run inside each command's transaction for the rows
/// of one table that the command inserted or changed, before computed fields are brought up to
/// date. The time-tracking package uses it to snapshot an entry's rate and file it in its month.
/// Every write path (CLI, timers, imports, edit requests) runs through `Base.write`, so every path runs the rules.
public struct RowRule {
    /// A row the command wrote: whether it is new, and which fields it changed.
    public struct Write: Sendable, Hashable {
        public var row: RowID
        public var inserted: Bool
        public var fields: Set<FieldID>
    }

    public var table: TableID
    public var name: String
    /// False when an `InsertPreparation` already did the rule's work on new rows: the rule then
    /// runs on a new row only when the command changed it again after inserting it.
    public var runsOnNewRows: Bool
    public var apply: (WriteTransaction, Write) throws -> Void

    public init(table: TableID, name: String, runsOnNewRows: Bool = true, apply: @escaping (WriteTransaction, Write) throws -> Void) {
        self.table = table; self.name = name; self.runsOnNewRows = runsOnNewRows; self.apply = apply
    }
}

/// Code a package runs on rows about to be inserted into one table, all the rows of one insert
/// at once, to complete their values before they are stored (the time-tracking package fills an
/// entry's rate, period and source). Working on the whole batch lets it look each thing up once.
public struct InsertPreparation {
    public var table: TableID
    public var name: String
    public var prepare: (WriteTransaction, inout [[FieldID: Value]]) throws -> Void

    public init(table: TableID, name: String, prepare: @escaping (WriteTransaction, inout [[FieldID: Value]]) throws -> Void) {
        self.table = table; self.name = name; self.prepare = prepare
    }
}

/// Code a package runs at the start of every write transaction, before the write's own body
/// (the time-tracking package closes Pomodoro intervals whose deadline passed).
public struct WriteHook {
    public var name: String
    public var run: (WriteTransaction) throws -> Void

    public init(name: String, run: @escaping (WriteTransaction) throws -> Void) { self.name = name; self.run = run }
}

/// What a base carries besides its schema for timers, locks and rules.
struct BaseAttachments {
    var rules: [RowRule] = []
    var preparations: [InsertPreparation] = []
    var beforeWrite: [WriteHook] = []
    /// Told of timers started and stopped and edit requests approved, inside their transaction.
    var eventHooks: [WriteEventHook] = []
    /// Says why a row is locked, in the terms of the package that made the rule.
    var lockExplainer: ((Base, Table, RowID) throws -> String?)?
    /// While true (applying an approved edit request, closing an expired Pomodoro), lock rules
    /// do not refuse writes.
    var locksBypassed = false
    /// Rows changed while locks were suspended, during the current command.
    var exemptRows: Set<LockedRowKey> = []
    /// The actor was no person when the current command began (the file's owner): a command that
    /// adds them to the people does not bind them by rules meant for people halfway through.
    var actorWasOwnerAtStart = false
    /// The schema version whose timer indexes are known to exist.
    var timerIndexesVersion = -1
    /// While true, this base is applying rows another base's feed sent (they may write fed rows).
    var receivingFeed = false
    /// While true, a copied table is being refreshed from its source (its rows may be written).
    var refreshingCopies = false
    /// Whether a command's fed rows are checked with the fed bases before it commits.
    var checkFeedsBeforeCommit = false
    /// Whether the outbox is sent right after a command that wrote to it commits.
    var deliverFeedsAfterCommit = false
    /// The current command wrote rows into the feed outbox.
    var wroteFeedRows = false
    /// The live webhook endpoints by event type, kept while `webhookStamp` holds: every timer
    /// start and stop asks who takes its event, mostly of a base with no webhooks at all.
    var webhookSubscribers: [String: [Int64]] = [:]
    var webhookStamp: WebhookStamp?
    /// Moves when this object adds, removes or disables an endpoint.
    var webhookEdits = 0
}

extension Base {
    /// Attaches a rule; it runs in every later command of this `Base`.
    public func addRule(_ rule: RowRule) {
        attachments.rules.removeAll { $0.name == rule.name && $0.table == rule.table }
        attachments.rules.append(rule)
    }

    /// Attaches a preparation of new rows; it runs in every later insert into its table.
    public func addPreparation(_ preparation: InsertPreparation) {
        attachments.preparations.removeAll { $0.name == preparation.name && $0.table == preparation.table }
        attachments.preparations.append(preparation)
    }

    /// Runs the preparations of a table on rows about to be inserted.
    func prepareInserts(_ tx: WriteTransaction, table: Table, rows: inout [[FieldID: Value]]) throws {
        for preparation in attachments.preparations where preparation.table == table.id { try preparation.prepare(tx, &rows) }
    }

    /// Attaches a hook that runs at the start of every later write transaction of this `Base`.
    public func addHook(beforeEachWrite hook: WriteHook) {
        attachments.beforeWrite.removeAll { $0.name == hook.name }
        attachments.beforeWrite.append(hook)
    }

    /// The rules attached, by name.
    public var ruleNames: [String] { attachments.rules.map(\.name) }

    /// Runs the attached rules once for each row the command inserted or changed so far, and again
    /// for rows the rules themselves write, until none is left.
    func runRowRules(_ tx: WriteTransaction) throws {
        guard !attachments.rules.isEmpty else { return }
        // (rule index, row): each rule runs once per row (rules are unique by name and table).
        struct RuleRow: Hashable { let rule: Int; let row: RowID }
        var done: Set<RuleRow> = []
        while let changes = pending {
            var work: [(RowRule, RowRule.Write)] = []
            for (index, rule) in attachments.rules.enumerated() {
                let inserted = changes.inserted[rule.table] ?? []
                let deleted = changes.deleted[rule.table] ?? []
                var rows = Set(changes.cells[rule.table]?.keys.map { $0 } ?? [])
                rows.formUnion(inserted)
                if !rule.runsOnNewRows { rows = rows.filter { !inserted.contains($0) || changes.wasUpdated(rule.table, $0) } }
                for row in rows.sorted() where !deleted.contains(row) || inserted.contains(row) {
                    guard done.insert(RuleRow(rule: index, row: row)).inserted else { continue }
                    work.append((rule, RowRule.Write(row: row, inserted: inserted.contains(row), fields: changes.cells[rule.table]?[row] ?? [])))
                }
            }
            if work.isEmpty { return }
            for (rule, write) in work where try rowExists(write.row, in: schema.table(id: rule.table) ?? Table(id: -1, name: "")) {
                try rule.apply(tx, write)
            }
        }
    }
}
