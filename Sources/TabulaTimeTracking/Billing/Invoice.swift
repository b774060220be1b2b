import Foundation
import TabulaEngine
import TabulaIO

/// How an invoice's time-and-materials lines are cut.
public enum InvoiceGrouping: String, Sendable, CaseIterable {
    case project, phase, person, task
}

/// One line of an invoice: hours at a rate, a fixed price or a flat fee.
public struct InvoiceLine: Sendable, Hashable {
    public var description: String
    /// The hours the line bills (for a fixed price, the hours logged on it); nil for a fee.
    public var seconds: Int64?
    /// The hourly rate; nil for a fixed price or a fee.
    public var rate: Money?
    public var amount: Money
}

/// A client's invoice for a month: its lines, subtotal, VAT and total, and the activity record
/// behind it (every billable entry of the client in the month).
public struct Invoice: Sendable {
    public var client: String
    public var month: String
    public var state: String
    public var currency: String
    public var preview: Bool
    public var lines: [InvoiceLine]
    public var vatRate: VATRate
    public var subtotal: Money
    public var vat: Money
    public var total: Money
    public var activity: [BillableEntry]

    /// `Invoice Acme, 2026-11` (`PREVIEW` first for a preview).
    public var title: String { "\(preview ? "PREVIEW: " : "")Invoice \(client), \(month)" }
}

/// Builds invoices: time and materials per project (or phase, person, task), fixed-price projects
/// at their price or the share of it due this month (from their milestones), per-period projects
/// at their price, flat fees from the `Fees` table, and VAT per the base's setting.
public enum Invoicing {
    public static func make(_ base: Base, month text: String, client clientName: String, by grouping: InvoiceGrouping = .project,
                            preview: Bool = false, rounding: HourRounding = .none) throws -> Invoice {
        guard TimeTracking.applies(to: base.schema) else {
            throw EngineError(.schema, "this base is not a time-tracking base (no Periods and TimeEntries)", hint: "create one with `tabula init BASE --package timetracking`")
        }
        try TimeTracking.requireRole(base, anyOf: BillingExport.roles, toDo: "make an invoice")
        let month = try Periods.checkMonth(text)
        let clients = try base.table(named: "Clients")
        let clientID = try base.resolveRow(clientName, in: clients)
        let clientRow = try base.values(of: clients, row: clientID, fields: ["name"]) ?? [:]
        let period = try BillableEntryReader.period(base, month: month)
        let state = period?.state ?? "open"
        if state != "approved" && !preview {
            throw EngineError(.conflict, "\(month) is \(state), so its invoice is not final: only an approved month is invoiced",
                              hint: "approve the month first (tabula period approve BASE \(month) --as LEAD), or see the fee so far with --preview")
        }
        var reader = BillableEntryReader(base: base)
        let entries = try period.map { try reader.entries(ofPeriod: $0.id) }?.filter { $0.isBillable && $0.client?.id == clientID } ?? []
        let currency = base.schema.currency
        var lines: [InvoiceLine] = []

        // Time and materials: every project that bills by the hour (and entries without a project).
        let hourly = entries.filter { ($0.project?.billing ?? "per_hour") == "per_hour" }
        let run = try BillingRun.make(month: month, entries: hourly, rounding: rounding, currency: currency)
        struct LineKey: Hashable, Comparable {
            var description: String, rate: Int64
            static func < (a: LineKey, b: LineKey) -> Bool { (a.description, a.rate) < (b.description, b.rate) }
        }
        let groups = Dictionary(grouping: run.entries) { b -> LineKey in
            let e = b.entry
            let project = e.project?.name ?? "Other work"
            let description: String
            switch grouping {
            case .project: description = project
            case .phase: description = project + (e.phase.map { " / \($0.name)" } ?? "")
            case .person: description = project + ": " + (e.person?.name ?? "no one")
            case .task: description = project + ": " + (e.task.isEmpty ? "no task" : e.task)
            }
            return LineKey(description: description, rate: e.rate?.minorUnits ?? 0)
        }
        for key in groups.keys.sorted() {
            let items = groups[key]!
            lines.append(InvoiceLine(description: key.description, seconds: items.reduce(0) { $0 + $1.billedSeconds },
                                     rate: Money(minorUnits: key.rate, currency: currency),
                                     amount: Money(minorUnits: items.reduce(0) { $0 + $1.amount.minorUnits }, currency: currency)))
        }

        // Fixed prices, per-period prices and fees, project by project.
        let projects = try base.table(named: "Projects")
        let projectIDs = try base.rowIDs(of: projects, where: try base.field(named: "client", in: projects), is: .link(clientID))
        for id in projectIDs {
            guard let p = try base.values(of: projects, row: id, fields: ["name", "billing", "price", "active"]) else { continue }
            let name = plainText(p["name"])
            let logged = entries.filter { $0.project?.id == id }.reduce(Int64(0)) { $0 + $1.seconds }
            let price: Money? = { if case .money(let m)? = p["price"] { return m } else { return nil } }()
            switch plainText(p["billing"]) {
            case "fixed_price":
                if let line = try fixedPriceLine(base, project: id, name: name, price: price, month: month, logged: logged, entries: entries) {
                    lines.append(line)
                }
            case "per_period":
                guard p["active"] != .bool(false) else { break }  // an ended retainer bills no more months
                guard let price else {
                    throw EngineError(.invalidValue, "Projects \(name) bills per_period but has no price", hint: "give the project its price per month")
                }
                lines.append(InvoiceLine(description: "\(name): \(TimeTracking.monthName(month))", seconds: logged, rate: nil, amount: price))
            default: break
            }
            lines += try fees(base, project: id, name: name, month: month)
        }
        guard !lines.isEmpty else {
            throw EngineError(.notFound, "\(clientName) has nothing to invoice in \(month): no billable hours, fixed price due or fee",
                              hint: "check the client and the month")
        }
        let subtotal = Money(minorUnits: lines.reduce(0) { $0 + $1.amount.minorUnits }, currency: currency)
        let vatRate = VATRate(setting: try base.setting(TimeTracking.vat))
        let vat = vatRate.tax(on: subtotal)
        return Invoice(client: plainText(clientRow["name"]).isEmpty ? clientName : plainText(clientRow["name"]), month: month, state: state,
                       currency: currency, preview: preview || state != "approved", lines: lines, vatRate: vatRate, subtotal: subtotal, vat: vat,
                       total: Money(minorUnits: subtotal.minorUnits + vat.minorUnits, currency: currency), activity: entries)
    }

    /// A fixed-price project's line: the milestones due this month (each its amount, or its share
    /// of the price); without milestones, the whole price in the month of its first billable hours.
    static func fixedPriceLine(_ base: Base, project: RowID, name: String, price: Money?, month: String, logged: Int64,
                               entries: [BillableEntry]) throws -> InvoiceLine? {
        let milestones = try base.table(named: "Milestones")
        let ids = try base.rowIDs(of: milestones, where: try base.field(named: "project", in: milestones), is: .link(project))
        if ids.isEmpty {
            let due = try firstBilledMonth(base, project: project) ?? (entries.contains { $0.project?.id == project } ? month : nil)
            guard due == month else { return nil }
            guard let price else { throw EngineError(.invalidValue, "Projects \(name) is fixed_price but has no price", hint: "give the project its price") }
            return InvoiceLine(description: "\(name): fixed price", seconds: logged, rate: nil, amount: price)
        }
        var amount: Int64 = 0
        var names: [String] = []
        for id in ids {
            guard let m = try base.values(of: milestones, row: id, fields: ["name", "due", "share", "amount"]),
                  case .date(let due)? = m["due"], TimeTracking.month(of: due) == month else { continue }
            let mname = plainText(m["name"])
            if case .money(let a)? = m["amount"] {
                amount += a.minorUnits
                names.append(mname)
            } else if case .percent(let share)? = m["share"] {
                guard let price, let part = price.multiplied(by: share) else {
                    throw EngineError(.invalidValue, "Projects \(name) is fixed_price but has no price, so milestone \(mname) has no share to bill",
                                      hint: "give the project its price, or the milestone an amount")
                }
                amount += part.minorUnits
                names.append("\(mname) (\(Value.percent(share).formatted(context: base.schema.valueContext)))")
            } else {
                throw EngineError(.invalidValue, "milestone \(mname) of \(name) has neither an amount nor a share", hint: "give it one")
            }
        }
        guard !names.isEmpty else { return nil }
        return InvoiceLine(description: "\(name): milestone\(names.count == 1 ? "" : "s") \(names.joined(separator: ", "))", seconds: logged, rate: nil,
                           amount: Money(minorUnits: amount, currency: base.schema.currency))
    }

    /// The month of a project's first billable entry (by the entries' project link).
    static func firstBilledMonth(_ base: Base, project: RowID) throws -> String? {
        let table = try base.table(named: "TimeEntries")
        var first: Instant?
        for id in try base.rowIDs(of: table, where: try base.field(named: "project", in: table), is: .link(project)) {
            guard let v = try base.values(of: table, row: id, fields: ["start", "category"]), v["category"] == .text("billable"),
                  case .datetime(let start)? = v["start"] else { continue }
            if first.map({ start < $0 }) ?? true { first = start }
        }
        return first.map { TimeTracking.month(of: $0, zone: base.schema.timeZone) }
    }

    /// The project's flat fees of the month.
    static func fees(_ base: Base, project: RowID, name: String, month: String) throws -> [InvoiceLine] {
        let fees = try base.table(named: "Fees")
        var lines: [InvoiceLine] = []
        for id in try base.rowIDs(of: fees, where: try base.field(named: "project", in: fees), is: .link(project)) {
            guard let f = try base.values(of: fees, row: id, fields: ["description", "period", "amount"]),
                  plainText(f["period"]).trimmingCharacters(in: .whitespaces) == month, case .money(let amount)? = f["amount"] else { continue }
            lines.append(InvoiceLine(description: "\(plainText(f["description"])) (\(name))", seconds: nil, rate: nil, amount: amount))
        }
        return lines
    }
}

extension TimeTracking {
    /// `2026-11` for a day.
    static func month(of date: CivilDate) -> String { String(format: "%04d-%02d", date.year, date.month) }
}

// MARK: - Rendering

extension Invoice {
    /// `{"client", "period", "currency", "lines": [{"description", "hours", "rate", "amount"}], "subtotal", "vat", "total"}`,
    /// amounts as decimal strings.
    public var json: String {
        func str(_ s: String) -> String { JSONValue.string(s).serialized }
        let items = lines.map { line in
            "{\"description\": \(str(line.description)), \"hours\": \(line.seconds.map { str(Decimals.hours($0, places: 2)) } ?? "null"), "
                + "\"rate\": \(line.rate.map { str($0.decimalString) } ?? "null"), \"amount\": \(str(line.amount.decimalString))}"
        }
        return "{\"client\": \(str(client)), \"period\": \(str(month)), \"currency\": \(str(currency)), \"preview\": \(preview), "
            + "\"lines\": [\(items.joined(separator: ", "))], \"subtotal\": \(str(subtotal.decimalString)), "
            + "\"vat_rate\": \(str(vatRate.label)), \"vat\": \(str(vat.decimalString)), \"total\": \(str(total.decimalString))}"
    }

    /// The lines as a terminal table, with subtotal, VAT and total.
    public func table(context: ValueContext) -> String {
        let columns = [ResultColumn(name: "description", type: .text), ResultColumn(name: "hours", type: .number),
                       ResultColumn(name: "rate", type: .currency(currency)), ResultColumn(name: "amount", type: .currency(currency))]
        var rows: [[Value]] = lines.map { [.text($0.description), $0.seconds.map { .text(Decimals.hours($0, places: 2)) } ?? .blank,
                                           $0.rate.map(Value.money) ?? .blank, .money($0.amount)] }
        rows.append([.text("subtotal"), .blank, .blank, .money(subtotal)])
        rows.append([.text("VAT \(vatRate.label)"), .blank, .blank, .money(vat)])
        let result = ResultTable(columns: columns, rows: rows, totals: [.text("total"), .blank, .blank, .money(total)])
        return title + "\n\n" + Renderer.terminal(result, context: context)
    }

    /// A workbook: the invoice on the first sheet, the activity record on the second.
    public func workbook() throws -> Data {
        let money = { (m: Money) in ExportCell.money(m).workbook }
        var rows: [[Worksheet.Cell]] = lines.map { [.text($0.description), $0.seconds.map { ExportCell.hours($0, places: 2).workbook } ?? .blank,
                                                    $0.rate.map(money) ?? .blank, money($0.amount)] }
        rows.append([.text("Subtotal"), .blank, .blank, money(subtotal)])
        rows.append([.text("VAT \(vatRate.label)"), .blank, .blank, money(vat)])
        let invoice = Worksheet(name: (preview ? "PREVIEW " : "") + "Invoice \(month)", title: title, header: ["Description", "Hours", "Rate", "Amount (\(currency))"],
                                rows: rows, totals: [.text("Total"), .blank, .blank, money(total)])
        let record = Worksheet(name: "Activity \(month)", title: "Activity record \(client), \(month)",
                               header: ["Date", "Person", "Project", "Task", "Note", "Hours"],
                               rows: activity.map { e in [ExportCell.date(e.day, format: .iso).workbook, .text(e.person?.name ?? ""),
                                                          .text(e.project?.name ?? ""), .text(e.task), .text(e.note), ExportCell.hours(e.seconds, places: 2).workbook] },
                               totals: [.text("Total"), .blank, .blank, .blank, .blank, ExportCell.hours(activity.reduce(0) { $0 + $1.seconds }, places: 2).workbook])
        return try XLSXWriter.workbook([invoice, record])
    }

    /// A printable HTML page: the invoice, then the activity record.
    public var html: String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
                .replacingOccurrences(of: "\"", with: "&quot;")
        }
        func amount(_ m: Money) -> String { esc(m.description) }
        var s = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>\(esc(title))</title>\n<style>\n"
        s += "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%;margin-bottom:2em}"
        s += "th,td{border-bottom:1px solid #ccc;padding:4px 8px;text-align:left}td.n,th.n{text-align:right}"
        s += "tr.total td{font-weight:bold;border-top:2px solid #000}.preview{color:#b00}"
        s += "@media print{section.activity{page-break-before:always}}\n</style></head><body>\n"
        s += "<h1>\(preview ? "<span class=\"preview\">PREVIEW</span> " : "")Invoice \(esc(client)), \(esc(TimeTracking.monthName(month)))</h1>\n"
        s += "<table><thead><tr><th>Description</th><th class=\"n\">Hours</th><th class=\"n\">Rate</th><th class=\"n\">Amount</th></tr></thead><tbody>\n"
        for line in lines {
            s += "<tr><td>\(esc(line.description))</td><td class=\"n\">\(line.seconds.map { Decimals.hours($0, places: 2) } ?? "")</td>"
            s += "<td class=\"n\">\(line.rate.map(amount) ?? "")</td><td class=\"n\">\(amount(line.amount))</td></tr>\n"
        }
        s += "<tr><td>Subtotal</td><td></td><td></td><td class=\"n\">\(amount(subtotal))</td></tr>\n"
        s += "<tr><td>VAT \(esc(vatRate.label))</td><td></td><td></td><td class=\"n\">\(amount(vat))</td></tr>\n"
        s += "<tr class=\"total\"><td>Total</td><td></td><td></td><td class=\"n\">\(amount(total))</td></tr>\n</tbody></table>\n"
        s += "<section class=\"activity\"><h2>Activity record</h2>\n"
        s += "<table><thead><tr><th>Date</th><th>Person</th><th>Task</th><th>Note</th><th class=\"n\">Hours</th></tr></thead><tbody>\n"
        for e in activity {
            s += "<tr><td>\(e.day.iso)</td><td>\(esc(e.person?.name ?? ""))</td><td>\(esc(e.task))</td><td>\(esc(e.note))</td>"
            s += "<td class=\"n\">\(Decimals.hours(e.seconds, places: 2))</td></tr>\n"
        }
        s += "<tr class=\"total\"><td>Total</td><td></td><td></td><td></td><td class=\"n\">\(Decimals.hours(activity.reduce(0) { $0 + $1.seconds }, places: 2))</td></tr>\n"
        s += "</tbody></table></section>\n</body></html>\n"
        return s
    }
}
