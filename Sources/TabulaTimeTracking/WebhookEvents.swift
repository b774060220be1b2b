import Foundation
import TabulaEngine

/// The webhook events of the time-tracking package and their payloads. Each is written to the
/// base's outbox inside the transaction of the change it tells of (so whichever front end made
/// the change, the event commits with it, or not at all), and only when an endpoint takes its type.
public enum WebhookEvents {
    public static let periodApproved = "period.approved"
    public static let periodReopened = "period.reopened"
    public static let entryChangedAfterApproval = "entry.changed_after_approval"
    public static let timerStarted = "timer.started"
    public static let timerStopped = "timer.stopped"
    public static let hoursMissing = "hours.missing"

    /// Every event type an endpoint may take.
    public static let all = [periodApproved, periodReopened, entryChangedAfterApproval, timerStarted, timerStopped, hoursMissing]

    /// The hook the package installs: timers and approved edit requests become events.
    static func hook() -> WriteEventHook { WriteEventHook(name: "timetracking.webhooks", run: enqueue) }

    static func enqueue(_ tx: WriteTransaction, _ event: WriteEvent) throws {
        switch event {
        case .timerStarted(let interval):
            try tx.base.webhooks.enqueue(timerStarted, in: tx) { timerData(tx.base, interval) }
        case .timerStopped(let interval):
            try tx.base.webhooks.enqueue(timerStopped, in: tx) { timerData(tx.base, interval) }
        case .editApproved(let request):
            guard request.table == "TimeEntries" else { return }
            try tx.base.webhooks.enqueue(entryChangedAfterApproval, in: tx) { try editData(tx.base, request) }
        }
    }

    // MARK: - Payloads

    /// An instant as payloads write it: ISO 8601 in UTC.
    static func iso(_ instant: Instant) -> JSONValue { .string(instant.iso8601(in: "UTC")) }

    /// The API path of a row.
    static func rowPath(_ table: String, _ row: RowID) -> String { "/api/v1/tables/\(table)/rows/\(row)" }

    /// A timer interval as `GET /timers` shows it, with its end once stopped.
    static func timerData(_ base: Base, _ t: TimerInterval) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("table", .string(t.table)), ("row", .integer(t.row)), ("label", .string(t.rowLabel)),
            ("entry", .integer(t.logRow)), ("person", .string(t.author)), ("start", iso(t.start)),
        ]
        if let end = t.end { members += [("end", iso(end)), ("elapsed", .integer(t.elapsed(at: end)))] }
        members.append(("mode", .string(t.mode.rawValue)))
        return .object(members)
    }

    /// An approved edit request of a time entry: what changed, who asked, who approved.
    static func editData(_ base: Base, _ r: EditRequest) throws -> JSONValue {
        let month = try TimeTracking.read(base, "TimeEntries", r.row, ["period"])?.link("period")
            .flatMap { try TimeTracking.read(base, "Periods", $0, ["month"])?["month"] }
        return .object([
            ("request", .integer(r.id)), ("entry", .integer(r.row)), ("path", .string(rowPath("TimeEntries", r.row))),
            ("period", month.map { $0.json(context: base.schema.valueContext) } ?? .null),
            ("changes", .object(r.changes.map { (key: $0.field, value: JSONValue.string($0.text)) })),
            ("reason", .string(r.reason)), ("requested_by", .string(r.requestedBy)),
            ("approved_by", .string(r.decidedBy ?? base.actor)), ("approved_at", r.decidedAt.map(iso) ?? .null),
        ])
    }

    /// The name of the acting person (the actor's own name when it is no person).
    static func actingName(_ base: Base) throws -> String {
        guard let me = try? base.personRow(), let people = base.schema.peopleTable.flatMap(base.schema.table(id:)) else { return base.actor }
        return try base.primaryValues(of: people, ids: [me])[me] ?? base.actor
    }

    /// `period.approved`: the month, who approved it and when, its hours (seconds) and billable
    /// amount in all and by client and project, and the API path of its entries.
    static func approvalData(_ base: Base, period: RowID, month: String, at: Instant) throws -> JSONValue {
        var reader = BillableEntryReader(base: base)
        let entries = try reader.entries(ofPeriod: period)
        let currency = base.schema.currency
        struct Figures { var seconds: Int64 = 0; var minor: Int64 = 0 }
        func add(_ f: inout Figures, _ e: BillableEntry) {
            f.seconds += e.seconds
            if e.isBillable, let rate = e.rate, rate.currency == currency, let amount = BillingRun.amount(rate, seconds: e.seconds) {
                f.minor += amount.minorUnits
            }
        }
        var total = Figures()
        var clients: [String?: (Figures, [String?: Figures])] = [:]
        for e in entries {
            add(&total, e)
            var client = clients[e.client?.name] ?? (Figures(), [:])
            add(&client.0, e)
            add(&client.1[e.project?.name, default: Figures()], e)
            clients[e.client?.name] = client
        }
        func money(_ minor: Int64) -> JSONValue { .string(Money(minorUnits: minor, currency: currency).decimalString) }
        func name(_ n: String?) -> JSONValue { n.map(JSONValue.string) ?? .null }
        func ordered<V>(_ d: [String?: V]) -> [(String?, V)] { d.sorted { ($0.key ?? "\u{10FFFF}") < ($1.key ?? "\u{10FFFF}") }.map { ($0.key, $0.value) } }
        let where_ = "period.month = \"\(month)\""
        let query = where_.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? where_
        return .object([
            ("period", .string(month)),
            ("approved_by", .string(try actingName(base))),
            ("approved_at", iso(at)),
            ("hours", .integer(total.seconds)),
            ("amount", money(total.minor)),
            ("currency", .string(currency)),
            ("clients", .array(ordered(clients).map { client, figures in
                .object([("name", name(client)), ("hours", .integer(figures.0.seconds)), ("amount", money(figures.0.minor)),
                         ("projects", .array(ordered(figures.1).map { project, f in
                             .object([("name", name(project)), ("hours", .integer(f.seconds)), ("amount", money(f.minor))])
                         }))])
            })),
            ("entries", .string("/api/v1/tables/TimeEntries/rows?where=\(query)")),
        ])
    }

    /// `period.reopened`: the month, who reopened it and when, and the state it left.
    static func reopenData(_ base: Base, month: String, from state: String, at: Instant) throws -> JSONValue {
        .object([("period", .string(month)), ("previous_state", .string(state)), ("reopened_by", .string(try actingName(base))),
                 ("reopened_at", iso(at))])
    }
}
