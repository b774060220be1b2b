import Foundation
import TabulaLanguage

/// A write to a base in progress: the only value that offers inserts, updates, deletes, timer
/// starts and stops and edit-request decisions. It exists only inside `Base.write`, so code that
/// holds no transaction cannot write; everything done through it commits together, after the
/// rules ran and computed fields caught up, or not at all.
///
/// A transaction belongs to the `write` call that made it: keep it for that call only (a kept one
/// refuses to write once its call has returned).
public final class WriteTransaction {
    /// The base being written.
    public let base: Base
    /// False once the `write` call that made this transaction has returned.
    public internal(set) var isOpen = true

    init(base: Base) { self.base = base }

    /// The base's schema.
    public var schema: Schema { base.schema }
    /// Who writes: recorded in the history and in `author` fields.
    public var actor: String { base.actor }
    /// The base's clock.
    public func now() -> Instant { base.now() }
    /// The cells written or recomputed so far in this transaction.
    public var changes: ChangeSet { base.pending ?? ChangeSet() }
    /// What the transaction did besides what it was asked (a Pomodoro closed at its deadline).
    public internal(set) var notices: [WriteNotice] = []
    /// A bulk insert that failed part-way: the transaction (or the savepoint around it) cannot
    /// commit what it wrote before the failing row.
    var failedBulkInsert: (any Error)?
    /// Whether the transaction wrote webhook events, so the outbox's deliverer is told after the commit.
    var wroteOutboxEvents = false

    var db: Connection { base.db }

    /// Runs `body` in a savepoint: when it throws, only what it wrote is undone (its changes are
    /// forgotten too) and the error is rethrown; the transaction goes on.
    @discardableResult
    public func savepoint<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        try requireOpen()
        let saved = base.pending, savedSettled = base.settled, savedNotices = notices, savedFailure = failedBulkInsert
        do {
            return try db.transaction {
                let value = try body(self)
                if let failure = failedBulkInsert, savedFailure == nil { throw failure }
                return value
            }
        } catch {
            base.pending = saved
            base.settled = savedSettled
            notices = savedNotices
            failedBulkInsert = savedFailure
            throw error
        }
    }

    /// Adds a line to the audit history (a package's own actions: a period approved, a rule's note).
    public func recordHistory(action: String, table: TableID? = nil, row: RowID? = nil, field: FieldID? = nil, note: String? = nil) throws {
        try requireOpen()
        try base.recordHistory(action: action, table: table, row: row, field: field, note: note)
    }

    /// Runs `body` with lock rules suspended: for changes the rules themselves allow (an approved
    /// edit request, a Pomodoro closed at its deadline).
    public func bypassingLocks<T>(_ body: () throws -> T) throws -> T {
        try requireOpen()
        return try base.bypassingLocks(body)
    }

    func requireOpen() throws {
        guard isOpen else {
            throw EngineError(.storage, "this write transaction has already ended", hint: "write inside the `write` call that made it")
        }
        if let failure = failedBulkInsert {
            throw EngineError(.conflict, "this write cannot go on: a bulk insert in it failed (\(failure))",
                              hint: "nothing of it is kept; fix the row the error names and write again")
        }
    }
}

/// What a committed write returned, and every cell it wrote or recomputed.
public struct Committed<Value> {
    /// What the write's body returned.
    public var value: Value
    /// The cells the write changed, its rules wrote, and the recompute updated.
    public var changes: ChangeSet
    /// What the write did besides what it was asked, for the front end to tell.
    public var notices: [WriteNotice] = []
}

/// Something a write did that its caller did not ask for, and that a person should be told.
public enum WriteNotice: Sendable, Hashable {
    /// A Pomodoro interval reached its deadline and was closed there.
    case pomodoroEnded(TimerInterval)
    /// A running interval was closed because the same row's timer started in another mode.
    case intervalSwitched(TimerInterval, to: TimerMode)
}

extension Base {
    /// Writes in one transaction: `body` gets the transaction, then the rules run, computed
    /// fields catch up with what changed, locks are checked, and everything commits. On any error
    /// nothing of it stays in the file and the error is rethrown. Called inside another write, it
    /// is a savepoint of that one (its work undone alone when it throws), and what it returns
    /// carries the outer transaction's changes so far (they commit with it).
    @discardableResult
    public func write<T>(_ body: (WriteTransaction) throws -> T) throws -> Committed<T> {
        if let current = currentTransaction {
            let value = try current.savepoint(body)
            return Committed(value: value, changes: current.changes, notices: current.notices)
        }
        if let group = commitGroup { try group.requireOpen(db) }
        accessCacheCommandStarts()
        let tx = WriteTransaction(base: self)
        currentTransaction = tx
        pending = ChangeSet()
        settled = ChangeSet()
        summariesNeedRebuild = false
        attachments.exemptRows = []
        attachments.wroteFeedRows = false
        rowLabels = [:]
        defer {
            accessCacheCommandEnds()
            tx.isOpen = false
            currentTransaction = nil
            pending = nil
            settled = ChangeSet()
            rowLabels = [:]
        }
        do {
            let value = try db.transaction {
                let hasWriteRules = schema.tables.contains { $0.writeCondition != nil }
                attachments.actorWasOwnerAtStart = try hasWriteRules && actingPerson() == nil
                for hook in attachments.beforeWrite { try hook.run(tx) }
                let result = try body(tx)
                if let failure = tx.failedBulkInsert { throw failure }
                try finishCommand(tx)
                if settled.isEmpty {
                    lastChanges = pending ?? ChangeSet()
                } else {
                    var all = settled
                    all.formUnion(pending ?? ChangeSet())
                    lastChanges = all
                }
                return result
            }
            unreadNotices += tx.notices
            if attachments.wroteFeedRows && attachments.deliverFeedsAfterCommit && commitGroup == nil {
                attachments.wroteFeedRows = false
                // A test hook: the process dies between the two bases' writes, as a crash would.
                if ProcessInfo.processInfo.environment["TABULA_TEST_KILL_BEFORE_FEED"] == "1" { kill(getpid(), SIGKILL) }
                // The command is committed: a failure to send leaves the rows in the outbox for later.
                lastFeedDelivery = try? deliverPendingFeeds()
                if let delivery = lastFeedDelivery { onFeedDelivery?(delivery) }
            }
            if tx.wroteOutboxEvents {
                // In a group, the events are not durable (nor visible to a deliverer) before the group commits.
                if let group = commitGroup { group.wroteOutboxEvents = true } else { OutboxSignal.committed(path: path) }
            }
            return Committed(value: value, changes: lastChanges, notices: tx.notices)
        } catch let error as DatabaseError {
            attachments.timerIndexesVersion = -1  // an index made in the rolled-back write is gone
            throw EngineError(storage: error, doing: "the base could not be written")
        } catch {
            attachments.timerIndexesVersion = -1
            throw error
        }
    }

    /// Runs the rules, then brings computed fields up to date for everything the transaction
    /// touched, then checks the locks.
    func finishCommand(_ tx: WriteTransaction) throws {
        try runRowRules(tx)
        if let changes = pending, !changes.isEmpty {
            try recompute(changes)
            try checkAccessAfterWrites(changes)
            try checkLocksAfterWrites(changes)
            try checkRowsAfterWrites(pending ?? changes)
            try noteFeedChanges(pending ?? changes)
        }
        // Last: the summaries read the values the recompute left.
        if summariesNeedRebuild || !(pending?.isEmpty ?? true) { try maintainSummaries() }
    }

    /// Runs a whole command (rules, recompute, every check) and rolls it back: whether it would
    /// be accepted, with nothing kept.
    public func writeAndRollBack(_ body: (WriteTransaction) throws -> Void) throws {
        struct RolledBack: Error {}
        do {
            try write { tx in
                try body(tx)
                try finishCommand(tx)
                throw RolledBack()
            }
        } catch is RolledBack {
            return
        }
    }

    /// The cells the current transaction changed so far (nil outside one).
    var pendingChanges: ChangeSet? { pending }

    func noteChange(_ table: TableID, _ row: RowID, _ field: FieldID) { pending?.changed(table, row, field) }
}
