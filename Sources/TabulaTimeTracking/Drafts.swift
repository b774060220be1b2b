import Foundation
import TabulaEngine

/// Drafts: time entries whose task is not known yet (`tabula log BASE --draft`, `tabula timer
/// start BASE --draft`). They are listed by `tabula drafts`, left out of billing, keep their month
/// from being approved, and stop being drafts when their task (or project) is set.
public enum Drafts {
    /// A draft entry as listed.
    public struct Entry: Sendable, Hashable {
        public var id: RowID
        public var person: String
        public var start: Instant
        public var end: Instant?
        public var seconds: Int64
        public var note: String
    }

    static func entries(_ base: Base) throws -> Table {
        guard TimeTracking.applies(to: base.schema), let table = base.schema.table(named: "TimeEntries"), table.field(named: "draft") != nil else {
            throw EngineError(.schema, "this base has no drafts (its TimeEntries have no draft field)",
                              hint: "bring the base to the package's current version: tabula apply BASE --package timetracking")
        }
        return table
    }

    /// Logs a draft from `start` to `end` for the acting person; returns its row.
    public static func log(_ base: Base, from start: Instant, to end: Instant, note: String?, extra: [TextAssignment] = []) throws -> RowID {
        let table = try entries(base)
        guard start < end else {
            throw EngineError(.invalidValue, "the interval ends before it starts (start \(base.formatInstant(start)), end \(base.formatInstant(end)))",
                              hint: "give an end after the start")
        }
        return try base.write { tx in
            var values = try base.parseAssignments(extra + (note.map { [TextAssignment(field: "note", text: $0)] } ?? []), for: table)
            values[table.field(named: "start")!.id] = .datetime(start)
            values[table.field(named: "end")!.id] = .datetime(end)
            values[table.field(named: "draft")!.id] = .bool(true)
            return try tx.insertRow(into: table, values: values)
        }.value
    }

    /// Starts a running draft for the acting person (a timer with no task yet); one at a time.
    public static func start(_ base: Base, note: String?) throws -> Entry {
        let table = try entries(base)
        let id = try base.write { tx -> RowID in
            if let running = try running(base) {
                throw EngineError(.conflict, "a draft of \(running.person) runs since \(base.formatInstant(running.start)) (TimeEntries #\(running.id))",
                                  hint: "stop it first: tabula timer stop BASE --draft, or give it its task: tabula set BASE TimeEntries '#\(running.id)' task=...")
            }
            var values = try base.parseAssignments(note.map { [TextAssignment(field: "note", text: $0)] } ?? [], for: table)
            values[table.field(named: "start")!.id] = .datetime(tx.now())
            values[table.field(named: "draft")!.id] = .bool(true)
            if let mode = table.field(named: "mode") { values[mode.id] = .text("stopwatch") }
            return try tx.insertRow(into: table, values: values)
        }.value
        guard let entry = try list(base, ids: [id]).first else { throw EngineError(.notFound, "the draft vanished") }
        return entry
    }

    /// Stops the acting person's running draft at now; nil when none runs.
    public static func stop(_ base: Base) throws -> Entry? {
        let table = try entries(base)
        guard let running = try running(base) else { return nil }
        try base.write { tx in
            try tx.updateRow(in: table, id: running.id, values: [table.field(named: "end")!.id: .datetime(tx.now())])
        }
        return try list(base, ids: [running.id]).first
    }

    /// The acting person's running draft, if any.
    public static func running(_ base: Base) throws -> Entry? {
        try mine(base).first { $0.end == nil }
    }

    /// The acting person's drafts, oldest first.
    public static func mine(_ base: Base) throws -> [Entry] {
        let me = try base.personRow()
        let name = try base.primaryValues(of: try base.table(named: "People"), ids: [me])[me] ?? ""
        return try list(base, ids: nil).filter { $0.person == name }
    }

    /// Drafts (all, or those with the given ids), oldest first.
    public static func list(_ base: Base, ids given: [RowID]?) throws -> [Entry] {
        let table = try entries(base)
        let ids = try given ?? base.rowIDs(of: table, where: table.field(named: "draft")!, is: .bool(true))
        var people: [RowID: String] = [:]
        var result: [Entry] = []
        for id in ids {
            guard let v = try base.values(of: table, row: id, fields: ["person", "start", "end", "duration", "note", "draft"]),
                  v["draft"] == .bool(true), case .datetime(let start)? = v["start"] else { continue }
            var person = ""
            if case .link(let p)? = v["person"] {
                if let known = people[p] { person = known } else {
                    person = try base.primaryValues(of: try base.table(named: "People"), ids: [p])[p] ?? "#\(p)"
                    people[p] = person
                }
            }
            let end: Instant? = { if case .datetime(let e)? = v["end"] { return e } else { return nil } }()
            let seconds: Int64 = { if case .duration(let s)? = v["duration"] { return s } else { return 0 } }()
            result.append(Entry(id: id, person: person, start: start, end: end, seconds: seconds, note: plainText(v["note"])))
        }
        return result.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
    }

    /// The drafts filed in a period (what keeps it from being approved).
    static func inPeriod(_ base: Base, period: RowID) throws -> [Entry] {
        guard let table = base.schema.table(named: "TimeEntries"), table.field(named: "draft") != nil else { return [] }
        let ids = try base.rowIDs(of: table, where: table.field(named: "draft")!, is: .bool(true)).filter { id in
            try base.values(of: table, row: id, fields: ["period"])?["period"] == .link(period)
        }
        return try list(base, ids: ids)
    }
}
