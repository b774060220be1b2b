import Foundation
import TabulaEngine
import TabulaIO

/// The files accounting imports: columns named as the receiving system names them.
public enum ExportTemplate: String, Sendable, CaseIterable {
    /// One row per entry: everything, for a spreadsheet or another tool.
    case csv
    /// Service lines of a 1C sales act («Реализация (акты, накладные, УПД)», tab «Услуги»).
    case oneC = "1c"
    /// A SAP CATS upload (BAPI_CATIMESHEETMGR_INSERT's record): one row per person, day and cost object.
    case sapCATS = "sap-cats"
    /// The SAP S/4HANA Cloud workforce timesheet CSV.
    case sapTimesheet = "sap-timesheet"
    /// Prepared payroll data: per person and month, scheduled and attended hours, booked hours by
    /// category, overtime, absence days by kind, open drafts.
    case payroll

    /// The templates that bill a client's hours (all but payroll).
    public static var billing: [ExportTemplate] { allCases.filter { $0 != .payroll } }
}

/// The VAT a base bills (the `vat` setting): none (1C's «Без НДС») or a percentage.
public struct VATRate: Sendable, Hashable {
    /// The rate in hundredths of a percent (2000 is 20%), nil for none.
    public var hundredths: Int64?

    public init(setting: String) {
        var digits = setting.trimmingCharacters(in: .whitespaces)
        if digits.hasSuffix("%") { digits.removeLast() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        if let whole = Int64(parts.first ?? ""), parts.count <= 2 {
            let fraction = parts.count == 2 ? String(parts[1].prefix(2)).padding(toLength: 2, withPad: "0", startingAt: 0) : "00"
            hundredths = whole * 100 + (Int64(fraction) ?? 0)
        } else {
            hundredths = nil
        }
    }

    /// `Без НДС` or `20%`, as 1C's «% НДС» column reads it.
    public var label1C: String { hundredths.map(Self.percentText) ?? "Без НДС" }
    /// `none` or `20%`.
    public var label: String { hundredths.map(Self.percentText) ?? "none" }

    static func percentText(_ h: Int64) -> String {
        h % 100 == 0 ? "\(h / 100)%" : Decimals.fixed(h, places: 2).replacingOccurrences(of: #"0$"#, with: "", options: .regularExpression) + "%"
    }

    /// The VAT on an amount, rounded half away from zero to the cent (as tax is rounded).
    public func tax(on amount: Money) -> Money {
        guard let h = hundredths else { return Money(minorUnits: 0, currency: amount.currency) }
        let p = amount.minorUnits.magnitude.multipliedFullWidth(by: UInt64(h))
        let (q, r) = UInt64(10_000).dividingFullWidth((p.high, p.low))
        let units = Int64(q + (r * 2 >= 10_000 ? 1 : 0))
        return Money(minorUnits: amount.minorUnits < 0 ? -units : units, currency: amount.currency)
    }
}

/// One cell of an export, typed: the CSV writes its text, the workbook a typed cell.
enum ExportCell: Hashable {
    case blank
    case text(String)
    case integer(Int64)
    /// Decimal hours to `places` decimals.
    case hours(Int64, places: Int)
    case money(Money)
    /// A count of days in halves: `2` for four halves, `1.5` for three (a half-day absence).
    case days(halves: Int64)
    /// A day, written with the template's date format.
    case date(CivilDate, format: DateFormat)

    enum DateFormat { case iso, dotted, compact }

    func csv(comma: Bool) -> String {
        switch self {
        case .blank: return ""
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .hours(let s, let places): return Decimals.hours(s, places: places, comma: comma)
        case .money(let m): return Decimals.money(m, comma: comma)
        case .days(let halves): return String(halves / 2) + (halves % 2 == 0 ? "" : (comma ? ",5" : ".5"))
        case .date(let d, let format):
            switch format {
            case .iso: return d.iso
            case .dotted: return String(format: "%02d.%02d.%04d", d.day, d.month, d.year)
            case .compact: return String(format: "%04d%02d%02d", d.year, d.month, d.day)
            }
        }
    }

    var workbook: Worksheet.Cell {
        switch self {
        case .blank: return .blank
        case .text(let s): return .text(s)
        case .integer(let i): return .number(String(i), format: "0")
        case .hours(let s, let places): return .number(Decimals.hours(s, places: places), format: "0." + String(repeating: "0", count: places))
        case .money(let m): return .number(m.decimalString, format: m.minorDigits == 0 ? "0" : "0." + String(repeating: "0", count: m.minorDigits))
        case .days(let halves): return .number(csv(comma: false), format: halves % 2 == 0 ? "0" : "0.0")
        case .date(let d, let format):
            switch format {
            case .iso: return .date(d, format: "yyyy-mm-dd")
            case .dotted: return .date(d, format: "dd.mm.yyyy")
            case .compact: return .text(csv(comma: false))  // SAP reads a character field
            }
        }
    }
}

/// A template's rows before they become a file: header, typed rows, totals, and how its CSV is written.
struct ExportTable {
    var name: String
    var header: [String]
    var rows: [[ExportCell]]
    var totals: [ExportCell]
    var separator: Character = ","
    var byteOrderMark = false
    var decimalComma = false

    /// The CSV: an optional first line (a draft says so), the header, the rows. No totals row: a
    /// totals row would be imported as one more record.
    func csv(title: String?) -> Data {
        var lines: [[DelimitedText.Field]] = title.map { [[.text($0)]] } ?? []
        lines.append(header.map(DelimitedText.Field.text))
        lines += rows.map { $0.map(csvFieldOf) }
        return DelimitedText.render(fields: lines, separator: separator, byteOrderMark: byteOrderMark)
    }

    /// Text cells are written so a spreadsheet shows them as text; numbers, amounts and days as they are.
    private func csvFieldOf(_ cell: ExportCell) -> DelimitedText.Field {
        if case .text(let s) = cell { return .text(s) }
        return .literal(cell.csv(comma: decimalComma))
    }

    /// The workbook's sheet: typed cells, a header row, a totals row, column widths.
    func sheet(title: String?) -> Worksheet {
        Worksheet(name: name, title: title, header: header, rows: rows.map { $0.map(\.workbook) }, totals: totals.map(\.workbook))
    }
}

/// What a template needs besides the billed entries.
struct TemplateInputs {
    var vat: VATRate
    var companyCode: String
    var month: String
}

extension ExportTemplate {
    /// The template's table of a billing run, or an error naming a required field that is blank.
    func table(_ run: BillingRun, _ inputs: TemplateInputs) throws -> ExportTable {
        switch self {
        case .csv: return csvTable(run)
        case .oneC: return oneCTable(run, inputs)
        case .sapCATS, .sapTimesheet: return try sapTable(run, inputs)
        case .payroll: throw EngineError(.invalidValue, "the payroll template is not a billing run's", hint: "export it with tabula export BASE --template payroll")
        }
    }

    private func csvTable(_ run: BillingRun) -> ExportTable {
        let rows: [[ExportCell]] = run.entries.sorted { ($0.entry.day, $0.entry.person?.name ?? "", $0.entry.start, $0.entry.id) < ($1.entry.day, $1.entry.person?.name ?? "", $1.entry.start, $1.entry.id) }.map { b in
            let e = b.entry
            return [.date(e.day, format: .iso), .text(e.person?.name ?? ""), .text(e.client?.name ?? ""), .text(e.project?.name ?? ""),
                    .text(e.phase?.name ?? ""), .text(e.task), .text(e.category), .text(e.note), .hours(e.seconds, places: 3),
                    .hours(b.billedSeconds, places: 3), e.rate.map(ExportCell.money) ?? .blank, .money(b.amount), .text(run.currency), .integer(e.id)]
        }
        let totals: [ExportCell] = [.text("total"), .blank, .blank, .blank, .blank, .blank, .blank, .blank, .hours(run.rawSeconds, places: 3),
                                    .hours(run.billedSeconds, places: 3), .blank, .money(run.amount), .text(run.currency), .blank]
        return ExportTable(name: "Entries \(run.month)",
                           header: ["date", "person", "client", "project", "phase", "task", "category", "note", "hours", "rounded_hours",
                                    "rate", "amount", "currency", "entry_id"],
                           rows: rows, totals: totals)
    }

    /// The service lines of 1C's act: one per client, contract, service item and rate.
    private func oneCTable(_ run: BillingRun, _ inputs: TemplateInputs) -> ExportTable {
        let groups = Dictionary(grouping: run.entries, by: \.key)
        let periodEnd = CivilDate(iso: inputs.month + "-01")?.monthEnd ?? CivilDate(daysSinceEpoch: 0)
        let month = Self.russianMonth(inputs.month)
        var rows: [[ExportCell]] = []
        var sum = 0 as Int64, vatSum = 0 as Int64
        for key in groups.keys.sorted() {
            let lines = groups[key]!
            let first = lines[0].entry
            let seconds = lines.reduce(0) { $0 + $1.billedSeconds }
            let amount = Money(minorUnits: lines.reduce(0) { $0 + $1.amount.minorUnits }, currency: run.currency)
            let vat = inputs.vat.tax(on: amount)
            sum += amount.minorUnits; vatSum += vat.minorUnits
            let phase = key.phase.isEmpty ? nil : first.phase
            let item = [phase?.serviceItem ?? "", first.project?.serviceItem ?? ""].first { !$0.isEmpty }
            let what = first.project.map { "проект \($0.name)" + (phase.map { ", этап \($0.name)" } ?? "") }
            let content: String
            switch (item, what) {
            case let (item?, what?): content = "\(item): \(what), \(month)"
            case let (nil, what?): content = what.prefix(1).uppercased() + what.dropFirst() + ", \(month)"
            case let (item?, nil): content = "\(item), \(month)"
            case (nil, nil): content = "Услуги, \(month)"
            }
            let nomenclature = item ?? first.project.map { $0.name + (phase.map { " / \($0.name)" } ?? "") } ?? "Услуги"
            let comment = "TT-\(run.month)" + (key.clientID.map { "-C\($0)" } ?? "") + (key.projectID.map { "-P\($0)" } ?? "")
                + (key.phaseID.map { "-F\($0)" } ?? "") + "-R" + Decimals.money(Money(minorUnits: key.rate, currency: run.currency))
            rows.append([.date(periodEnd, format: .dotted), .text(key.client), .text(first.client?.taxID ?? ""), .text(key.contract),
                         .text(nomenclature), .text(content), .hours(seconds, places: 3), .text("ч"),
                         .money(Money(minorUnits: key.rate, currency: run.currency)), .money(amount), .text(inputs.vat.label1C),
                         inputs.vat.hundredths == nil ? .blank : .money(vat),
                         .money(Money(minorUnits: amount.minorUnits + vat.minorUnits, currency: run.currency)), .text(comment)])
        }
        let money = { (units: Int64) in ExportCell.money(Money(minorUnits: units, currency: run.currency)) }
        let totals: [ExportCell] = [.text("Итого"), .blank, .blank, .blank, .blank, .blank, .hours(run.billedSeconds, places: 3), .blank, .blank,
                                    money(sum), .blank, inputs.vat.hundredths == nil ? .blank : money(vatSum), money(sum + vatSum), .blank]
        return ExportTable(name: "Услуги \(run.month)",
                           header: ["Дата", "Контрагент", "ИНН", "Договор", "Номенклатура", "Содержание", "Количество", "Ед. изм.",
                                    "Цена", "Сумма", "% НДС", "НДС", "Всего", "Комментарий"],
                           rows: rows, totals: totals, separator: ";", byteOrderMark: true, decimalComma: true)
    }

    /// SAP's rows: one per person, day and cost object (the phase's WBS element when it has its
    /// own, else the project's, with the project's activity type).
    private func sapTable(_ run: BillingRun, _ inputs: TemplateInputs) throws -> ExportTable {
        struct CostKey: Hashable, Comparable {
            var person: String, day: CivilDate, project: String, wbs: String, activity: String
            var personID: RowID?, object: String
            static func < (a: CostKey, b: CostKey) -> Bool { (a.person, a.day, a.project, a.wbs, a.activity) < (b.person, b.day, b.project, b.wbs, b.activity) }
        }
        let missing = Dictionary(grouping: run.entries.compactMap { $0.entry.person }.filter { $0.employeeNumber.isEmpty }, by: \.id)
        if !missing.isEmpty {
            let names = missing.values.map { $0[0] }.sorted { $0.name < $1.name }.map { "\($0.name) (#\($0.id))" }
            throw EngineError(.invalidValue, "the \(rawValue) template needs People.employee_number, which is blank for \(names.joined(separator: ", "))",
                              hint: "fill in each person's personnel number, then export again", remedy: .fillRows(table: "People", field: "employee_number"))
        }
        if let nobody = run.entries.first(where: { $0.entry.person == nil }) {
            throw EngineError(.invalidValue, "the \(rawValue) template needs each entry's person, and TimeEntries #\(nobody.entry.id) has none",
                              hint: "set the entry's person, then export again")
        }
        if self == .sapTimesheet && inputs.companyCode.isEmpty {
            throw EngineError(.invalidValue, "the sap-timesheet template needs the base's company_code setting, which is not set",
                              hint: "set it (tabula setting BASE company_code 1010), then export again")
        }
        var groups: [CostKey: [BilledEntry]] = [:]
        for b in run.entries {
            let e = b.entry
            let ownWBS = !(e.phase?.wbsElement ?? "").isEmpty
            let key = CostKey(person: e.person?.name ?? "", day: e.day, project: e.project?.name ?? "",
                              wbs: ownWBS ? e.phase!.wbsElement : (e.project?.wbsElement ?? ""), activity: e.project?.activityType ?? "",
                              personID: e.person?.id,
                              object: ownWBS ? "F" + String(e.phase!.id, radix: 36).uppercased() : e.project.map { "P" + String($0.id, radix: 36).uppercased() } ?? "N")
            groups[key, default: []].append(b)
        }
        var rows: [[ExportCell]] = []
        for key in groups.keys.sorted() {
            let lines = groups[key]!
            let first = lines[0].entry
            let seconds = lines.reduce(0) { $0 + $1.billedSeconds }
            var tasks: [String] = []
            for l in lines where !l.entry.task.isEmpty && !tasks.contains(l.entry.task) { tasks.append(l.entry.task) }
            let subject = [key.project, first.phase?.name ?? ""].filter { !$0.isEmpty }.joined(separator: " / ")
            let text = String(([subject, tasks.joined(separator: ", ")].filter { !$0.isEmpty }.joined(separator: ": ")).prefix(40))
            let number = first.person?.employeeNumber ?? ""
            // SAP's external document number: at most 20 characters, capitals, unique per person,
            // day and cost object, and the same on a second export (ids in base 36 to fit).
            let document = "TT" + ExportCell.date(key.day, format: .compact).csv(comma: false) + "-" + String(key.personID ?? 0, radix: 36).uppercased()
                + "-" + key.object
            switch self {
            case .sapCATS:
                rows.append([.text(number), .date(key.day, format: .compact), .hours(seconds, places: 2), .text("H"), .text(key.activity),
                             .text(key.wbs), .text(text), .text(document), .text("30")])
            default:
                rows.append([.text(number), .text(inputs.companyCode), .date(key.day, format: .iso), .text(key.activity), .text(key.wbs),
                             .hours(seconds, places: 2), .text("H"), .text(text), .text("30")])
            }
        }
        if self == .sapCATS {
            return ExportTable(name: "CATS \(run.month)",
                               header: ["EMPLOYEENUMBER", "WORKDATE", "CATSHOURS", "UNIT", "ACTTYPE", "WBS_ELEMENT", "SHORTTEXT", "EXTDOCUMENTNO", "STATUS"],
                               rows: rows, totals: [.text("TOTAL"), .blank, .hours(run.billedSeconds, places: 2)], separator: ";")
        }
        return ExportTable(name: "Timesheet \(run.month)",
                           header: ["PersonWorkAgreementExternalID", "CompanyCode", "TimeSheetDate", "ActivityType", "WBSElement", "RecordedHours",
                                    "HoursUnitOfMeasure", "TimeSheetNote", "TimeSheetStatus"],
                           rows: rows, totals: [.text("TOTAL"), .blank, .blank, .blank, .blank, .hours(run.billedSeconds, places: 2)], separator: ";")
    }

    /// `ноябрь 2026` for `2026-11`.
    static func russianMonth(_ month: String) -> String {
        let names = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"]
        let parts = month.split(separator: "-")
        guard parts.count == 2, let m = Int(parts[1]), (1...12).contains(m) else { return month }
        return "\(names[m - 1]) \(parts[0])"
    }
}
