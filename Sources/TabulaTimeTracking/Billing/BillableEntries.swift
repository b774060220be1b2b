import Foundation
import TabulaEngine

/// A person as billing names them: by name, and by the personnel number SAP knows them by.
public struct BillingPerson: Sendable, Hashable {
    public var id: RowID
    public var name: String
    public var employeeNumber: String
}

/// A client as a 1C act names it: the counterparty, its tax id (ИНН) and contract (Договор).
public struct BillingClient: Sendable, Hashable {
    public var id: RowID
    public var name: String
    public var taxID: String
    public var contract: String
}

/// A project with what billing reads of it: how it bills, its price, its 1C service item and
/// its SAP cost object.
public struct BillingProject: Sendable, Hashable {
    public var id: RowID
    public var name: String
    /// `per_hour`, `per_period` or `fixed_price`.
    public var billing: String
    public var price: Money?
    /// Whether a 1C act has a service line per phase rather than per project.
    public var billsByPhase: Bool
    public var serviceItem: String
    public var wbsElement: String
    public var activityType: String
}

/// A phase of a project: its own 1C service item and SAP WBS element, when it has them.
public struct BillingPhase: Sendable, Hashable {
    public var id: RowID
    public var name: String
    public var serviceItem: String
    public var wbsElement: String
}

/// A time entry of a month as billing reads it: its hours, snapshotted rate and status, and the
/// names and billing fields of its person, client, project, phase and task.
public struct BillableEntry: Sendable, Hashable {
    public var id: RowID
    public var start: Instant
    /// The entry's day in its person's zone (`local_day`).
    public var day: CivilDate
    public var seconds: Int64
    public var rate: Money?
    public var category: String
    public var status: String
    public var note: String
    public var person: BillingPerson?
    public var client: BillingClient?
    public var project: BillingProject?
    public var phase: BillingPhase?
    public var task: String

    /// Whether the entry bills (its category is `billable`).
    public var isBillable: Bool { category == "billable" }
}

/// Reads a month's time entries with what billing needs of their linked rows, through the
/// engine's reads: the entries filed in the month's period (by the link's index), and each
/// linked person, task, project, phase and client once.
struct BillableEntryReader {
    let base: Base
    private var people: [RowID: BillingPerson] = [:]
    private var clients: [RowID: BillingClient] = [:]
    private var projects: [RowID: (BillingProject, client: RowID?)] = [:]
    private var phases: [RowID: BillingPhase] = [:]
    private var tasks: [RowID: (title: String, project: RowID?, phase: RowID?)] = [:]

    init(base: Base) { self.base = base }

    /// The state of a month's period (`open`, `closed`, `approved`) and its row, nil when no
    /// entry was ever filed in it.
    static func period(_ base: Base, month: String) throws -> (id: RowID, state: String)? {
        let periods = try base.table(named: "Periods")
        guard let id = try? base.resolveRow(month, in: periods) else { return nil }
        let state = try base.values(of: periods, row: id, fields: ["state"])?["state"]
        if case .text(let s)? = state { return (id, s) }
        return (id, "open")
    }

    /// Every entry filed in the period, in the order they started.
    mutating func entries(ofPeriod period: RowID) throws -> [BillableEntry] {
        let table = try base.table(named: "TimeEntries")
        let periodField = try base.field(named: "period", in: table)
        let ids = try base.rowIDs(of: table, where: periodField, is: .link(period))
        var index: [String: Int] = [:]
        for (i, f) in table.fields.enumerated() { index[f.name] = i }
        func at(_ values: [Value], _ name: String) -> Value { index[name].map { values[$0] } ?? .blank }
        var result: [BillableEntry] = []
        result.reserveCapacity(ids.count)
        // In chunks, so a month of any size stays within SQLite's limit on bound values.
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            for record in try base.rows(of: table, ids: chunk) {
                let v = record.values
                guard case .datetime(let start) = at(v, "start") else { continue }
                if at(v, "draft") == .bool(true) { continue }  // not billed until its task is known
                let seconds: Int64 = { if case .duration(let s) = at(v, "duration") { return s } else { return 0 } }()
                let day = CivilDate(iso: plainText(at(v, "local_day"))) ?? start.civilDate(in: base.schema.timeZone)
                let taskID = linkedRow(at(v, "task"))
                let task = try taskID.map { try self.task($0) }
                let projectID = linkedRow(at(v, "project")) ?? task?.project
                let project = try projectID.map { try self.project($0) }
                let phase = try task?.phase.map { try self.phase($0) }
                let client = try project?.client.map { try self.client($0) }
                let rate: Money? = { if case .money(let m) = at(v, "rate") { return m } else { return nil } }()
                let ended = !at(v, "end").isBlank
                result.append(BillableEntry(
                    id: record.id, start: start, day: day, seconds: ended ? seconds : 0, rate: rate,
                    category: plainText(at(v, "category")), status: plainText(at(v, "status")).isEmpty ? "open" : plainText(at(v, "status")),
                    note: plainText(at(v, "note")), person: try linkedRow(at(v, "person")).map { try person($0) },
                    client: client, project: project?.0, phase: phase, task: task?.title ?? ""))
                if !ended { result[result.count - 1].category = "running" }
            }
        }
        return result.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
    }

    private mutating func person(_ id: RowID) throws -> BillingPerson {
        if let p = people[id] { return p }
        let v = try row("People", id, ["name", "employee_number"])
        let p = BillingPerson(id: id, name: plainText(v["name"]), employeeNumber: plainText(v["employee_number"]))
        people[id] = p
        return p
    }

    private mutating func client(_ id: RowID) throws -> BillingClient {
        if let c = clients[id] { return c }
        let v = try row("Clients", id, ["name", "tax_id", "contract"])
        let c = BillingClient(id: id, name: plainText(v["name"]), taxID: plainText(v["tax_id"]), contract: plainText(v["contract"]))
        clients[id] = c
        return c
    }

    private mutating func project(_ id: RowID) throws -> (BillingProject, client: RowID?) {
        if let p = projects[id] { return p }
        let v = try row("Projects", id, ["name", "client", "billing", "price", "bill_by", "service_item", "wbs_element", "activity_type"])
        let price: Money? = { if case .money(let m)? = v["price"] { return m } else { return nil } }()
        let p = (BillingProject(id: id, name: plainText(v["name"]), billing: plainText(v["billing"]).isEmpty ? "per_hour" : plainText(v["billing"]),
                                price: price, billsByPhase: plainText(v["bill_by"]) == "phase", serviceItem: plainText(v["service_item"]),
                                wbsElement: plainText(v["wbs_element"]), activityType: plainText(v["activity_type"])),
                 client: linkedRow(v["client"] ?? .blank))
        projects[id] = p
        return p
    }

    private mutating func phase(_ id: RowID) throws -> BillingPhase {
        if let p = phases[id] { return p }
        let v = try row("Phases", id, ["name", "service_item", "wbs_element"])
        let p = BillingPhase(id: id, name: plainText(v["name"]), serviceItem: plainText(v["service_item"]), wbsElement: plainText(v["wbs_element"]))
        phases[id] = p
        return p
    }

    private mutating func task(_ id: RowID) throws -> (title: String, project: RowID?, phase: RowID?) {
        if let t = tasks[id] { return t }
        let v = try row("Tasks", id, ["title", "project", "phase"])
        let t = (title: plainText(v["title"]), project: linkedRow(v["project"] ?? .blank), phase: linkedRow(v["phase"] ?? .blank))
        tasks[id] = t
        return t
    }

    private func row(_ tableName: String, _ id: RowID, _ fields: [String]) throws -> [String: Value] {
        guard let table = base.schema.table(named: tableName) else { return [:] }
        return try base.values(of: table, row: id, fields: fields) ?? [:]
    }
}

func plainText(_ value: Value?) -> String {
    switch value {
    case .text(let s)?: return s
    case .none, .blank?: return ""
    case let v?: return ValueType.text.format(v, context: ValueContext())
    }
}

func linkedRow(_ value: Value) -> RowID? {
    if case .link(let id) = value { return id }
    return nil
}
