import TabulaLanguage

// The jobs of a base, each a type of its own that a caller names: `base.timers`, `base.requests`,
// `base.locks`, `base.migrations`, `base.audit`, `base.integrity`. Writing is the transaction's
// (`base.write`); these read, or run a whole-base job in a transaction of their own.

extension Base {
    /// The base's timers: what runs, Pomodoros, timer fields.
    public var timers: Timers { Timers(base: self) }
    /// Edit requests filed on locked rows (filing and deciding them is the transaction's).
    public var requests: EditRequests { EditRequests(base: self) }
    /// Row locks: which rows a table's `lock when` rule locks now.
    public var locks: RowLocks { RowLocks(base: self) }
    /// Schema changes: planning a migration to a schema file and applying it.
    public var migrations: Migrations { Migrations(base: self) }
    /// The audit history of every write.
    public var audit: AuditHistory { AuditHistory(base: self) }
    /// Computed values checked against a full recompute, and repaired.
    public var integrity: Integrity { Integrity(base: self) }
}

/// A base's timers: the intervals running now, completed Pomodoros, and the timer fields of a table.
public struct Timers {
    let base: Base

    /// Running intervals of the acting person (or of everyone), oldest first, across every timer.
    public func running(everyone: Bool = false) throws -> [TimerInterval] { try base.runningIntervals(everyone: everyone) }

    /// How many Pomodoro focus intervals of a timed row ran their full length.
    public func completedPomodoros(table: String, row: String, field: String? = nil) throws -> Int {
        try base.completedPomodoros(table: table, row: row, field: field)
    }

    /// The timer field of a table: the one named, or its only one.
    public func field(of table: Table, named name: String? = nil) throws -> TimerRoles { try base.timerField(of: table, named: name) }

    /// Closes Pomodoros past their deadline in a transaction of their own, when there are any, and
    /// says which (a command that only reads calls this first, so what it shows is up to date).
    @discardableResult
    public func closeExpired() throws -> [WriteNotice] { try base.closeExpiredPomodoros() }
}

/// Edit requests: changes to locked rows waiting for an approver, and decided ones.
public struct EditRequests {
    let base: Base

    /// One request by id.
    public func request(_ id: Int64) throws -> EditRequest { try base.editRequest(id) }

    /// Requests, oldest first; only the pending ones unless `all`.
    public func list(all: Bool = false) throws -> [EditRequest] { try base.editRequests(all: all) }
}

/// Row locks: which rows the tables' `lock when` rules lock now.
public struct RowLocks {
    let base: Base

    /// The rows among `rows` that the table's lock rule locks now.
    public func lockedRows(_ table: Table, rows: [RowID]) throws -> [RowID] { try base.lockedRows(table, rows: rows) }

    /// Whether a row is locked now.
    public func isLocked(_ table: Table, row: RowID) throws -> Bool { try base.isLocked(table, row: row) }
}

/// Schema changes: the plan from the base's schema to a schema file, and applying it.
public struct Migrations {
    let base: Base

    /// Compares the base's schema with `source` and plans the steps (added, removed, renamed, retyped).
    public func plan(to source: String, sourceName: String, reportChecker: (any SavedReportChecking)? = nil) throws -> MigrationPlan {
        try base.planMigration(to: source, sourceName: sourceName, reportChecker: reportChecker)
    }

    /// Applies a plan in one transaction; destructive steps need `allowDestructive`. With
    /// `dryRun` the whole migration runs with every check and is then rolled back.
    public func apply(_ plan: MigrationPlan, allowDestructive: Bool, dryRun: Bool = false) throws {
        try base.apply(plan, allowDestructive: allowDestructive, dryRun: dryRun)
    }
}

/// The audit history: who wrote what, when, to which cell.
public struct AuditHistory {
    let base: Base

    /// The history, oldest first; of one table, or one row of it; the last `limit` entries.
    /// A person sees the history of the rows they may read (a deleted row's, only its owner).
    public func entries(table: Table? = nil, row: RowID? = nil, limit: Int? = nil) throws -> [HistoryEntry] {
        if let table, let row { try base.requireReadable(table, row: row) }
        let all = try base.history(table: table, row: row, limit: limit)
        guard try base.actingPerson() != nil else { return all }
        var readable: [String: Set<RowID>] = [:]
        for ruled in base.schema.tables where ruled.readCondition != nil {
            let rows = Set(all.compactMap { $0.table == ruled.name ? $0.row : nil })
            readable[ruled.name] = Set(try base.permittedRows(.read, of: ruled, among: rows.sorted()))
        }
        return all.filter { entry in
            guard let name = entry.table, let allowed = readable[name] else { return true }
            return entry.row.map(allowed.contains) ?? true
        }
    }
}

/// Computed values against a full recompute.
public struct Integrity {
    let base: Base

    /// Recomputes every computed field from scratch and compares with what is stored; with `fix`,
    /// the differing values are replaced in one transaction. `rowByRow` computes mirrors by the
    /// simple aggregate only (slower; tests use it to check the set-wise SQL).
    public func check(fix: Bool = false, rowByRow: Bool = false) throws -> [ComputedMismatch] {
        try base.check(fix: fix, rowByRow: rowByRow)
    }

    /// The whole check: SQLite's integrity check, the foreign-key check, `check` (repairing
    /// computed values with `fixComputed`) and the history against the rows.
    public func full(fixComputed: Bool = false) throws -> IntegrityReport { try base.fullIntegrityCheck(fixComputed: fixComputed) }

    /// Recomputes every computed field set-wise in one transaction; returns how many stored cells changed.
    @discardableResult
    public func recomputeEverything() throws -> Int { try base.recomputeEverything() }
}
