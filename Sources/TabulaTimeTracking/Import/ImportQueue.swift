import Foundation
import TabulaEngine

extension TimeImport {
    /// A row waiting in the queue.
    public struct QueuedRow: Sendable, Hashable {
        public var id: RowID
        public var file: String
        public var line: Int
        public var reason: String
        public var raw: String
    }

    /// What can be named in a `map` rule.
    public enum RuleKind: String, Sendable, CaseIterable {
        case person, client, project, task

        var table: String {
            switch self {
            case .person: return "People"
            case .client: return "Clients"
            case .project: return "Projects"
            case .task: return "Tasks"
            }
        }
    }

    /// The rows still queued, oldest first.
    public static func queue(_ base: Base) throws -> [QueuedRow] {
        try requireSchema(base)
        return try base.columnValues(of: try base.table(named: "ImportQueue"), fields: ["file", "line", "reason", "raw", "state"]).compactMap { id, v in
            guard v[4] == .text("queued") else { return nil }
            func text(_ value: Value) -> String { if case .text(let t) = value { return t } else { return "" } }
            let line: Int = { if case .integer(let n) = v[1] { return Int(n) } else { return 0 } }()
            return QueuedRow(id: id, file: text(v[0]), line: line, reason: text(v[2]), raw: text(v[3]))
        }
    }

    /// What resolving queued rows did.
    public struct Resolved: Sendable {
        /// The queued rows imported, with the entry each became.
        public var imported: [(queued: RowID, entry: RowID)]
        /// The rows that still cannot be placed, with the reason.
        public var stillQueued: [(queued: RowID, reason: String)]
    }

    /// Imports one queued row with what was missing: `person=`, `client=`, `project=` and
    /// `task=` name rows of the base (by name or `#id`); any other field sets the entry's field.
    /// Refused, changing nothing, when the row still cannot be placed. `create` makes the
    /// clients, projects and tasks the row names and the base lacks, as an import's `--create`.
    public static func resolve(_ base: Base, id: RowID, with assignments: [TextAssignment], create: Bool = false) throws -> RowID {
        try requireSchema(base)
        TimeTracking.install(on: base)  // new entries get their rate and period as any other
        return try base.write { tx in
            let result = try resolve(tx, ids: [id], assignments: assignments, create: create)
            if let (_, reason) = result.stillQueued.first {
                throw EngineError(.conflict, "queued row #\(id) still cannot be imported: \(reason)",
                                  hint: "say what is missing, e.g. person=NAME, project=NAME or task=TITLE, or add a rule with `tabula import map`")
            }
            return result.imported[0].entry
        }.value
    }

    /// Tries every queued row again (after `map` rules were added or rows created), importing
    /// those that can now be placed.
    public static func resolveAll(_ base: Base, create: Bool = false) throws -> Resolved {
        try requireSchema(base)
        TimeTracking.install(on: base)  // new entries get their rate and period as any other
        let ids = try queue(base).map(\.id)
        return try base.write { tx in try resolve(tx, ids: ids, assignments: [], create: create) }.value
    }

    private static func resolve(_ tx: WriteTransaction, ids: [RowID], assignments: [TextAssignment], create: Bool) throws -> Resolved {
        let base = tx.base
        let queue = try base.table(named: "ImportQueue")
        var forced = ImportForced()
        var rest: [TextAssignment] = []
        for a in assignments {
            guard let kind = RuleKind(rawValue: a.field.trimmingCharacters(in: .whitespaces).lowercased()) else { rest.append(a); continue }
            let row = try base.resolveRow(a.text, in: try base.table(named: kind.table))
            switch kind {
            case .person: forced.person = row
            case .client: forced.client = row
            case .project: forced.project = row
            case .task: forced.task = row
            }
        }
        forced.values = try base.parseAssignments(rest, for: try base.table(named: "TimeEntries"))
        var placer = try ImportPlacer(base: base, directory: try ImportDirectory(base: base), create: create)
        var entries: [[FieldID: Value]] = [], placed: [RowID] = [], labels: [String] = []
        var still: [(queued: RowID, reason: String)] = []
        for id in ids {
            guard let v = try base.values(of: queue, row: id, fields: ["state", "data", "file", "line"]) else {
                throw EngineError(.notFound, "the import queue has no row #\(id)", hint: "list the queue with `tabula import queue BASE`")
            }
            guard v["state"] == .text("queued") else {
                throw EngineError(.conflict, "queued row #\(id) is \(v["state"].map { if case .text(let s) = $0 { s } else { "" } } ?? "") already",
                                  hint: "list what is still queued with `tabula import queue BASE`")
            }
            guard case .text(let data)? = v["data"], let row = try? JSONDecoder().decode(ImportRow.self, from: Data(data.utf8)) else {
                throw EngineError(.invalidValue, "queued row #\(id) keeps no readable row", hint: "drop it and import its file again")
            }
            switch try placer.place(row, tx, forced: forced) {
            case .entry(let values, _):
                entries.append(values)
                placed.append(id)
                if case .text(let file)? = v["file"], case .integer(let line)? = v["line"] { labels.append("\(file):\(line)") } else { labels.append("#\(id)") }
            case .queued(let reason):
                still.append((id, reason))
            }
        }
        let created = try tx.insertRows(into: placer.entries, rows: entries, labels: labels)
        guard let state = queue.field(named: "state"), let entry = queue.field(named: "entry"), let reason = queue.field(named: "reason") else { return Resolved(imported: [], stillQueued: still) }
        for (id, entryID) in zip(placed, created) { try tx.updateRow(in: queue, id: id, values: [state.id: .text("imported"), entry.id: .link(entryID)]) }
        for (id, why) in still { try tx.updateRow(in: queue, id: id, values: [reason.id: .text(why)]) }
        return Resolved(imported: Array(zip(placed, created)), stillQueued: still)
    }

    /// Discards a queued row; it stays remembered, so importing its file again skips it.
    public static func drop(_ base: Base, id: RowID) throws {
        try requireSchema(base)
        let queue = try base.table(named: "ImportQueue")
        try base.write { tx in
            guard let v = try base.values(of: queue, row: id, fields: ["state"]) else {
                throw EngineError(.notFound, "the import queue has no row #\(id)", hint: "list the queue with `tabula import queue BASE`")
            }
            guard v["state"] == .text("queued"), let state = queue.field(named: "state") else {
                throw EngineError(.conflict, "queued row #\(id) is no longer queued", hint: "list what is still queued with `tabula import queue BASE`")
            }
            try tx.updateRow(in: queue, id: id, values: [state.id: .text("dropped")])
        }
    }

    /// A rule: `name` in a file means `target` (a row of the kind's table, by name or `#id`),
    /// for every later import and `resolve`. A rule for the same kind and name is replaced.
    /// Returns the target's name.
    @discardableResult
    public static func map(_ base: Base, kind: RuleKind, name: String, to target: String) throws -> String {
        try requireSchema(base)
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw EngineError(.invalidValue, "the name in the file is empty", hint: "give the name as the file writes it, e.g. 'Anna B.'") }
        let table = try base.table(named: kind.table)
        let row = try base.resolveRow(target, in: table)
        let rules = try base.table(named: "ImportRules")
        let locale = base.schema.locale
        let existing = try base.columnValues(of: rules, fields: ["kind", "name"]).first { _, v in
            guard v[0] == .text(kind.rawValue), case .text(let n) = v[1] else { return false }
            return ImportDirectory.key(n, locale: locale) == ImportDirectory.key(trimmed, locale: locale)
        }?.id
        var values: [FieldID: Value] = [:]
        for (field, value) in [("name", Value.text(trimmed)), ("kind", .text(kind.rawValue)), (kind.rawValue, .link(row))] {
            if let f = rules.field(named: field) { values[f.id] = value }
        }
        try base.write { tx in
            if let existing {
                for other in RuleKind.allCases where other != kind { if let f = rules.field(named: other.rawValue) { values[f.id] = .blank } }
                try tx.updateRow(in: rules, id: existing, values: values)
            } else {
                try tx.insertRow(into: rules, values: values)
            }
        }
        return try base.primaryValues(of: table, ids: [row])[row] ?? "#\(row)"
    }
}
