import Foundation
import TabulaEngine

/// Closing, approving and reopening a month (`tabula period close|approve|reopen`). The Periods
/// row's state is what the entries' lock rule reads, so these lock and unlock a month's entries.
public enum Periods {
    /// What a period command did: the month, its new state and what it holds.
    public struct Summary: Sendable, Hashable {
        public var month: String
        public var state: String
        public var entries: Int
        public var hours: Int64
    }

    /// Checks `2026-11`.
    static func checkMonth(_ text: String) throws -> String {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]),
              CivilDate(year: y, month: m, day: 1) != nil else {
            throw EngineError(.invalidValue, "'\(text)' is not a month", hint: "write it as YYYY-MM, e.g. 2026-11")
        }
        return text
    }

    /// Every period the base has a row for, by month.
    public static func list(_ base: Base) throws -> [Summary] {
        guard TimeTracking.applies(to: base.schema), let periods = base.schema.table(named: "Periods") else { return [] }
        let rows = try base.columnValues(of: periods, fields: ["month", "state"])
        return try rows.compactMap { row -> Summary? in
            guard case .text(let month) = row.values[0] else { return nil }
            let state: String = { if case .text(let s) = row.values[1] { return s } else { return "open" } }()
            return try summary(base, id: row.id, month: month, state: state)
        }.sorted { $0.month < $1.month }
    }

    /// Closes a month: its entries lock (anyone may close).
    public static func close(_ base: Base, month: String) throws -> Summary {
        try change(base, month: month, to: "closed", from: ["open"], role: nil)
    }

    /// Approves a month (needs the approver role): locked for good, until a reopen.
    public static func approve(_ base: Base, month: String) throws -> Summary {
        try change(base, month: month, to: "approved", from: ["open", "closed"], role: base.schema.approverRole ?? "lead")
    }

    /// Reopens a closed or approved month (needs the approver role): its entries unlock.
    public static func reopen(_ base: Base, month: String) throws -> Summary {
        try change(base, month: month, to: "open", from: ["closed", "approved"], role: base.schema.approverRole ?? "lead")
    }

    private static func change(_ base: Base, month text: String, to state: String, from allowed: [String], role: String?) throws -> Summary {
        guard TimeTracking.applies(to: base.schema) else {
            throw EngineError(.schema, "this base is not a time-tracking base (no Periods and TimeEntries)", hint: "create one with `tabula init BASE --package timetracking`")
        }
        let month = try checkMonth(text)
        return try base.write { tx in
            if let role { try base.requireRole(role, toDo: "\(state == "open" ? "reopen" : "approve") a period") }
            let periods = try base.table(named: "Periods")
            let id = try TimeTracking.periodRow(tx, month: month)
            guard let row = try TimeTracking.read(base, "Periods", id, ["state"]) else { throw EngineError(.notFound, "period \(month) vanished") }
            let current: String = { if case .text(let s) = row["state"] { return s } else { return "open" } }()
            guard allowed.contains(current) else {
                throw EngineError(.conflict, "period \(month) is \(current), so it cannot be \(state == "open" ? "reopened" : state)",
                                  hint: current == state ? "nothing to do" : "its state goes open -> closed -> approved; reopen sets it back to open")
            }
            if state == "approved" {
                let drafts = try Drafts.inPeriod(base, period: id)
                if !drafts.isEmpty {
                    let context = base.schema.valueContext
                    let listed = drafts.map { d in
                        "TimeEntries #\(d.id) (\(d.person), \(base.formatInstant(d.start)), \(ValueType.duration.format(.duration(d.seconds), context: context))\(d.note.isEmpty ? "" : ", \"\(d.note)\""))"
                    }
                    throw EngineError(.conflict, "period \(month) has \(drafts.count) draft\(drafts.count == 1 ? "" : "s"), so it cannot be approved: \(listed.joined(separator: "; "))",
                                      hint: "give each draft its task (tabula set BASE TimeEntries '#\(drafts[0].id)' task=...) or delete it, then approve")
                }
            }
            var values: [String] = ["state=\(state)"]
            let now = base.now()
            if state == "approved" {
                values.append("approved_at=\(now.iso8601(in: "UTC"))")
                if let me = try? base.personRow() { values.append("approved_by=#\(me)") }
            } else if state == "open" {
                values += ["approved_at=", "approved_by="]
            }
            let assignments = try base.parseAssignments(values.map {
                let eq = $0.firstIndex(of: "=")!
                return TextAssignment(field: String($0[..<eq]), text: String($0[$0.index(after: eq)...]))
            }, for: periods)
            // The roles were checked above (anyone may close); the state is the package's write,
            // past the rule that keeps Periods rows to leads and finance.
            try tx.bypassingLocks { try tx.updateRow(in: periods, id: id, values: assignments) }
            try setEntryStatus(tx, period: id, to: state)
            if state == "approved" {
                try base.webhooks.enqueue(WebhookEvents.periodApproved, in: tx) { try WebhookEvents.approvalData(base, period: id, month: month, at: now) }
            } else if state == "open" {
                try base.webhooks.enqueue(WebhookEvents.periodReopened, in: tx) { try WebhookEvents.reopenData(base, month: month, from: current, at: now) }
            }
            return try summary(base, id: id, month: month, state: state)
        }.value
    }

    /// Approval marks the month's open entries approved; reopening sets approved ones back to
    /// open (billed entries stay billed). The entries are locked by then, so this is the package's
    /// own write past the lock; each change is in the history like any other.
    static func setEntryStatus(_ tx: WriteTransaction, period: RowID, to state: String) throws {
        let base = tx.base
        let (from, to): (String, String)
        switch state {
        case "approved": (from, to) = ("open", "approved")
        case "open": (from, to) = ("approved", "open")
        default: return
        }
        guard let entries = base.schema.table(named: "TimeEntries"), let status = entries.fields.firstIndex(where: { $0.name == "status" }),
              case .list(let links)? = try TimeTracking.read(base, "Periods", period, ["entries"])?["entries"] else { return }
        let ids = links.compactMap { value -> RowID? in if case .link(let id) = value { return id } else { return nil } }
        let statusField = entries.fields[status]
        try tx.bypassingLocks {
            for record in try base.rows(of: entries, ids: ids) {
                let current = record.values[status]
                guard current == .text(from) || (from == "open" && current.isBlank) else { continue }
                try tx.updateRow(in: entries, id: record.id, values: [statusField.id: .text(to)])
            }
        }
    }

    static func summary(_ base: Base, id: RowID, month: String, state: String) throws -> Summary {
        let row = try TimeTracking.read(base, "Periods", id, ["entries", "hours"])
        let entries: Int = { if case .list(let l)? = row?["entries"] { return l.count } else { return 0 } }()
        let hours: Int64 = { if case .duration(let s)? = row?["hours"] { return s } else { return 0 } }()
        return Summary(month: month, state: state, entries: entries, hours: hours)
    }
}
