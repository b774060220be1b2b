import Foundation
import TabulaEngine

/// The rules of the time-tracking package, attached to a base built from its schema: each new
/// time entry gets its source, its person, and its rate snapshotted (most specific first: the
/// person on the project, the project, the client, the person); each entry is filed in the
/// period of its month (created open when missing), which the lock rule reads.
public enum TimeTracking {
    /// The package's name, as its schema declares it (`package timetracking`).
    public static let packageName = "timetracking"

    /// Whether a base's schema is the package's (it says `package timetracking`), so its rules apply.
    public static func applies(to schema: Schema) -> Bool { schema.package == packageName }

    /// Four eyes: whoever files an edit request does not approve it (on unless the base turns it off).
    public static let fourEyes = SettingSpec(name: "four_eyes", summary: "another person approves an edit request than the one who filed it",
                                             values: ["on", "off"])

    /// The VAT on invoices and 1C acts: none (1C's «Без НДС») or a percentage.
    public static let vat = SettingSpec(name: "vat", summary: "the VAT on invoices and 1C acts", values: ["none", "Без НДС"], accepts: .percent)

    /// The SAP company code the sap-timesheet export writes.
    public static let companyCode = SettingSpec(name: "company_code", summary: "the SAP company code of the sap-timesheet export",
                                                values: [], defaultValue: "", accepts: .text)

    /// The settings the package offers on its bases.
    public static let settings = [fourEyes, vat, companyCode, Attendance.tolerance, Attendance.breakAfter, Templates.step, Audit.overlapRule, Audit.longEntry]

    /// Refuses unless the acting person has one of the roles (finance or lead for billing).
    public static func requireRole(_ base: Base, anyOf roles: [String], toDo what: String) throws {
        let mine = try base.actorRoles().map { $0.lowercased() }
        guard !roles.contains(where: { mine.contains($0.lowercased()) }) else { return }
        let people = base.schema.peopleTable.flatMap { base.schema.table(id: $0)?.name } ?? "People"
        let needed = roles.joined(separator: " or ")
        throw EngineError(.forbidden, "\(base.actor) may not \(what): that needs the role \(needed)",
                          remedy: .actAsRole(role: needed, peopleTable: people))
    }

    /// Whom `--as NAME` means: a person by name, login or email.
    public static let directory = ActorDirectory(
        keys: { people in [people.primaryField] + ["login", "email"].compactMap { people.field(named: $0) } },
        roles: ActorDirectory.roleField)

    /// Attaches the package's rules and its actor directory to an open base whose schema is the
    /// package's (else does nothing).
    public static func install(on base: Base) {
        guard applies(to: base.schema), let entries = base.schema.table(named: "TimeEntries") else { return }
        base.actors = directory
        base.editRequestPolicy = EditRequestPolicy(fourEyes: .setting(fourEyes))
        base.explainLocks(with: explainLock)
        base.addPreparation(InsertPreparation(table: entries.id, name: "timetracking.entries") { tx, rows in
            try prepareEntries(tx, &rows)
        })
        base.addRule(RowRule(table: entries.id, name: "timetracking.entries", runsOnNewRows: false) { tx, write in
            try fileEntry(tx, write)
        })
        // Only on bases that refuse overlaps (read when the base opens): a rule that runs on new
        // rows costs every row of a bulk import.
        if (try? base.setting(Audit.overlapRule)) == "refuse" {
            base.addRule(RowRule(table: entries.id, name: "timetracking.overlap", runsOnNewRows: true) { tx, write in
                try Audit.checkOverlap(tx, write)
            })
        }
        base.addHook(onEvent: WebhookEvents.hook())
        if let fed = base.schema.table(named: "ContractorHours"), fed.field(named: "period") != nil, fed.field(named: "start") != nil {
            base.addRule(RowRule(table: fed.id, name: "timetracking.contractor_hours") { tx, write in try fileContractorHours(tx, write) })
        }
    }

    /// A contractor's interval, fed from their base, is filed in its month as an entry is, so the
    /// month's lock holds for it.
    static func fileContractorHours(_ tx: WriteTransaction, _ write: RowRule.Write) throws {
        let base = tx.base
        guard let row = try read(base, "ContractorHours", write.row, ["start", "period"]), case .datetime(let start) = row["start"],
              let field = row.table.field(named: "period") else { return }
        let period = try periodRow(tx, month: month(of: start, zone: base.schema.timeZone))
        if row.link("period") != period { try tx.updateRow(in: row.table, id: write.row, values: [field.id: .link(period)]) }
    }

    // MARK: - Why an entry is locked

    /// Why a time entry is locked: its month is closed or approved, or its person's edit
    /// deadline passed.
    static func explainLock(_ base: Base, _ table: Table, _ row: RowID) throws -> String? {
        if table.name == "ContractorHours", let fed = try read(base, "ContractorHours", row, ["period"]),
           let period = try read(base, "Periods", fed.link("period"), ["state", "month"]), case .text(let state) = period["state"],
           state == "closed" || state == "approved", case .text(let month) = period["month"] {
            return "it is in \(monthName(month)), which is \(state) here"
        }
        guard table.name == "TimeEntries", let entry = try read(base, "TimeEntries", row, ["period", "person", "start", "status"]) else { return nil }
        if entry["status"] == .text("billed") { return "it is billed" }
        if let period = try read(base, "Periods", entry.link("period"), ["state", "month"]), case .text(let state) = period["state"],
           state == "closed" || state == "approved", case .text(let month) = period["month"] {
            return "it is in \(monthName(month)), which is \(state)"
        }
        if let person = try read(base, "People", entry.link("person"), ["edit_days", "name"]), case .integer(let days) = person["edit_days"], days > 0,
           case .datetime(let start) = entry["start"] {
            // The lock rule counts the entry's day in the base's zone.
            let deadline = start.civilDate(in: base.schema.timeZone).adding(days: Int(days))
            let name: String = { if case .text(let n) = person["name"] { return n } else { return "the person" } }()
            return "\(name)'s edit deadline (\(days) day\(days == 1 ? "" : "s")) passed on \(deadline.iso)"
        }
        return nil
    }

    /// `November 2026` for `2026-11`.
    static func monthName(_ month: String) -> String {
        let names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        let parts = month.split(separator: "-")
        guard parts.count == 2, let m = Int(parts[1]), (1...12).contains(m) else { return month }
        return "\(names[m - 1]) \(parts[0])"
    }

    // MARK: - Reading rows

    /// One row's values by field name.
    struct Row {
        let table: Table
        let values: [String: Value]
        subscript(_ name: String) -> Value { values[name] ?? .blank }
        func link(_ name: String) -> RowID? { if case .link(let id) = self[name] { return id } else { return nil } }
    }

    /// The named fields of one row (only those: a person's row links to every entry of theirs).
    static func read(_ base: Base, _ tableName: String, _ id: RowID?, _ fields: [String]) throws -> Row? {
        guard let id, let table = base.schema.table(named: tableName),
              let values = try base.values(of: table, row: id, fields: fields) else { return nil }
        return Row(table: table, values: values)
    }

    // MARK: - The entry rule

    /// New entries get their source (a timer's when they have a mode, else manual), the acting
    /// person when none is given, the rate by the package's rule, and their month's period,
    /// before they are stored; each person, task, project and month is looked up once per insert.
    static func prepareEntries(_ tx: WriteTransaction, _ rows: inout [[FieldID: Value]]) throws {
        let base = tx.base
        let table = try base.table(named: "TimeEntries")
        func field(_ name: String) -> FieldID? { table.field(named: name)?.id }
        let source = field("source"), mode = field("mode"), person = field("person"), rate = field("rate")
        let task = field("task"), project = field("project"), start = field("start"), period = field("period")
        let attendance = base.schema.table(named: "Attendance") == nil ? nil : field("attendance")
        let draft = field("draft")
        struct DayKey: Hashable { let person: RowID, day: CivilDate }
        var zones: [RowID: String] = [:]
        var days: [DayKey: RowID?] = [:]
        struct RateKey: Hashable { let person: RowID?, task: RowID?, project: RowID? }
        var rates: [RateKey: Money?] = [:]
        var periods: [String: RowID] = [:]
        var me: RowID??
        func link(_ values: [FieldID: Value], _ id: FieldID?) -> RowID? {
            if let id, case .link(let row)? = values[id] { return row } else { return nil }
        }
        for i in rows.indices {
            var values = rows[i]
            if let source, values[source]?.isBlank ?? true {
                let timed = mode.map { !(values[$0]?.isBlank ?? true) } ?? false
                values[source] = .text(timed ? "timer" : "manual")
            }
            var who = link(values, person)
            if who == nil, let person, !(values[person].map { !$0.isBlank } ?? false) {
                if me == nil { me = .some(try? base.personRow()) }
                if let found = me ?? nil { who = found; values[person] = .link(found) }
            }
            // A draft given its task or project is no draft; a draft gets its rate when it is completed.
            if let draft, values[draft] == .bool(true), link(values, task) != nil || link(values, project) != nil { values[draft] = .bool(false) }
            let isDraft = draft.map { values[$0] == .bool(true) } ?? false
            if let rate, values[rate]?.isBlank ?? true, !isDraft {
                let key = RateKey(person: who, task: link(values, task), project: link(values, project))
                let resolved: Money?
                if let known = rates[key] { resolved = known } else {
                    resolved = try resolveRate(base, person: key.person, task: key.task, project: key.project)
                    rates[key] = resolved
                }
                if let resolved { values[rate] = .money(resolved) }
            }
            if let start, let period, case .datetime(let at)? = values[start] {
                let month = month(of: at, zone: base.schema.timeZone)
                let row: RowID
                if let known = periods[month] { row = known } else {
                    row = try periodRow(tx, month: month)
                    periods[month] = row
                }
                values[period] = .link(row)
            }
            if let attendance, let who, let start, case .datetime(let at)? = values[start], values[attendance]?.isBlank ?? true {
                let zone: String
                if let known = zones[who] { zone = known } else { zone = try self.zone(of: who, base); zones[who] = zone }
                let key = DayKey(person: who, day: at.civilDate(in: zone))
                let row: RowID?
                if let known = days[key] { row = known } else { row = try Attendance.dayRow(base, person: who, day: key.day); days[key] = row }
                if let row { values[attendance] = .link(row) }
            }
            rows[i] = values
        }
    }

    /// An entry changed after it was stored: a new start files it in its new month. (A new
    /// entry was completed by `prepareEntries`; the rule sees it again only when the command
    /// changed it after inserting it.)
    static func fileEntry(_ tx: WriteTransaction, _ write: RowRule.Write) throws {
        let base = tx.base
        guard let entry = try read(base, "TimeEntries", write.row, ["source", "mode", "person", "rate", "task", "project", "start", "period", "attendance", "draft"]) else { return }
        let table = entry.table
        var changes: [FieldID: Value] = [:]
        func set(_ name: String, _ value: Value) { if let f = table.field(named: name) { changes[f.id] = value } }
        if write.inserted {
            if entry["source"].isBlank { set("source", .text(entry["mode"].isBlank ? "manual" : "timer")) }
            var person = entry.link("person")
            if person == nil, let me = try? base.personRow() { person = me; set("person", .link(me)) }
            if entry["rate"].isBlank, entry["draft"] != .bool(true),
               let rate = try resolveRate(base, person: person, task: entry.link("task"), project: entry.link("project")) {
                set("rate", .money(rate))
            }
        }
        let startField = table.field(named: "start")
        if write.inserted || startField.map({ write.fields.contains($0.id) }) == true, case .datetime(let start) = entry["start"] {
            let period = try periodRow(tx, month: month(of: start, zone: base.schema.timeZone))
            if entry.link("period") != period { set("period", .link(period)) }
        }
        // A draft completed: it takes its task's project, and its rate now that the project is known.
        if entry["draft"] == .bool(true), entry.link("task") != nil || entry.link("project") != nil {
            set("draft", .bool(false))
            let project = try entry.link("project") ?? read(base, "Tasks", entry.link("task"), ["project"])?.link("project")
            if entry.link("project") == nil, let project { set("project", .link(project)) }
            if entry["rate"].isBlank, let rate = try resolveRate(base, person: entry.link("person"), task: entry.link("task"), project: project) {
                set("rate", .money(rate))
            }
        }
        // A new start or person puts the entry on that person's day.
        let moved = ["start", "person"].contains { name in table.field(named: name).map { write.fields.contains($0.id) } == true }
        if base.schema.table(named: "Attendance") != nil, table.field(named: "attendance") != nil, write.inserted || moved,
           case .datetime(let start) = entry["start"] {
            let person = entry.link("person")
            let day = try person.flatMap { try Attendance.dayRow(base, person: $0, day: start.civilDate(in: try zone(of: $0, base))) }
            if entry.link("attendance") != day { set("attendance", day.map(Value.link) ?? .blank) }
        }
        if !changes.isEmpty { try tx.updateRow(in: table, id: write.row, values: changes) }
    }

    /// The rate of an hour of `person` on the task's (or given) project: the person's rate on the
    /// project (Assignments), else the project's, else its client's, else the person's own.
    public static func resolveRate(_ base: Base, person: RowID?, task: RowID?, project given: RowID?) throws -> Money? {
        let project = try given ?? read(base, "Tasks", task, ["project"])?.link("project")
        if let person, let project, let assignments = base.schema.table(named: "Assignments"),
           let personField = assignments.field(named: "person") {
            // A person's assignments, by the link's index: not every assignment of the base.
            for id in try base.rowIDs(of: assignments, where: personField, is: .link(person)) {
                let v = try base.values(of: assignments, row: id, fields: ["project", "rate"])
                if v?["project"] == .link(project), case .money(let m)? = v?["rate"] { return m }
            }
        }
        let projectRow = try read(base, "Projects", project, ["rate", "client"])
        if case .money(let m)? = projectRow?["rate"] { return m }
        if case .money(let m)? = try read(base, "Clients", projectRow?.link("client"), ["rate"])?["rate"] { return m }
        if case .money(let m)? = try read(base, "People", person, ["rate"])?["rate"] { return m }
        return nil
    }

    /// `2026-11`: the month of an instant in a zone (or `offset` months from it).
    public static func month(of instant: Instant, zone: String, offset: Int = 0) -> String {
        let date = instant.civilDate(in: zone).monthStart.adding(months: offset)
        // Not String(format:): imports and bulk loads call this once per row.
        let year = String(date.year), month = date.month < 10 ? "0\(date.month)" : String(date.month)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-" + month
    }

    /// The Periods row of a month, created (open) when missing.
    @discardableResult
    public static func periodRow(_ tx: WriteTransaction, month: String) throws -> RowID {
        let periods = try tx.base.table(named: "Periods")
        if let id = try? tx.base.resolveRow(month, in: periods) { return id }
        // Filing an entry in a month not seen yet adds its period for whoever logs it: the
        // package's own write, past the rule that keeps Periods to leads and finance.
        let values = try tx.base.parseAssignments([TextAssignment(field: "month", text: month)], for: periods)
        return try tx.bypassingLocks { try tx.insertRow(into: periods, values: values) }
    }
}
