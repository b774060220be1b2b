import Foundation
import TabulaEngine

/// The payroll template (`tabula export BASE --period 2026-11 --template payroll`): per person
/// and month, the hours payroll prepares pay from, not a client's bill.
enum Payroll {
    /// One row per active person (and anyone who booked time in the month): scheduled hours,
    /// attendance, booked hours in all and by category, overtime against the schedule, absence
    /// days by kind, drafts left open.
    static func prepare(_ base: Base, _ request: ExportRequest, month: String) throws -> (ExportTable, ExportSummary) {
        guard let period = try BillableEntryReader.period(base, month: month) else {
            throw EngineError(.notFound, "there are no entries in \(month)", hint: "check the month (YYYY-MM)")
        }
        if period.state != "approved" && !request.draft {
            throw EngineError(.conflict, "\(month) is \(period.state), so it cannot be exported: only an approved month is",
                              hint: (period.state == "open" ? "close it (tabula period close BASE \(month)), then " : "")
                                + "have a lead approve it (tabula period approve BASE \(month) --as LEAD), or export a draft with --draft")
        }
        guard let first = CivilDate(iso: month + "-01") else { throw EngineError(.invalidValue, "'\(month)' is not a month") }
        let days = (0..<first.monthEnd.day).map { first.adding(days: $0) }
        var reader = BillableEntryReader(base: base)
        let entries = try reader.entries(ofPeriod: period.id)
        let calendar = try Schedules.Calendar(base)
        let drafts = try Drafts.inPeriod(base, period: period.id)
        let people = try base.table(named: "People")
        var names: [RowID: String] = Dictionary(calendar.people.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        for e in entries { if let p = e.person { names[p.id] = p.name } }
        struct Totals { var booked: Int64 = 0; var billable: Int64 = 0; var inside: Int64 = 0; var nonBillable: Int64 = 0 }
        var booked: [RowID: Totals] = [:]
        for e in entries {
            guard let p = e.person else { continue }
            booked[p.id, default: Totals()].booked += e.seconds
            switch e.category {
            case "billable": booked[p.id]!.billable += e.seconds
            case "internal": booked[p.id]!.inside += e.seconds
            case "non_billable": booked[p.id]!.nonBillable += e.seconds
            default: break
            }
        }
        var rows: [[ExportCell]] = []
        var sums = [Int64](repeating: 0, count: 7)
        for (id, name) in names.sorted(by: { $0.value < $1.value }) {
            let scheduled = days.reduce(Int64(0)) { $0 + calendar.expected(id, on: $1) }
            var absence: [String: Int64] = [:]
            for day in days where calendar.scheduled(id, on: day) > 0 {
                // Counted in halves: a half-day absence is half a day of its kind.
                if let kind = calendar.absence(id, on: day) { absence[kind, default: 0] += calendar.absentShare(id, on: day) < 1 ? 1 : 2 }
            }
            var present: Int64 = 0
            for day in try Attendance.days(of: id, base) {
                guard let d = day.day, d >= first, d <= first.monthEnd, !(day.values["clock_out"]?.isBlank ?? true) else { continue }
                present += day.duration("present")
            }
            let t = booked[id] ?? Totals()
            let number = plainText(try base.values(of: people, row: id, fields: ["employee_number"])?["employee_number"])
            let open = drafts.filter { $0.person == name }.count
            let values = [scheduled, present, t.booked, t.billable, t.inside, t.nonBillable, t.booked - scheduled]
            for i in values.indices { sums[i] += values[i] }
            var row: [ExportCell] = [.text(name), .text(number), .text(month)]
            row += values.map { ExportCell.hours($0, places: 2) }
            row += [absence["holiday"] ?? 0, absence["leave"] ?? 0, absence["sick"] ?? 0].map { ExportCell.days(halves: $0) }
            row.append(.integer(Int64(open)))
            rows.append(row)
        }
        var totals: [ExportCell] = [.text("total"), .blank, .blank]
        totals += sums.map { ExportCell.hours($0, places: 2) }
        totals += [.blank, .blank, .blank, .integer(Int64(drafts.count))]
        let table = ExportTable(name: "Payroll \(month)",
                                header: ["person", "employee_number", "month", "scheduled_hours", "attendance_hours", "booked_hours", "billable_hours",
                                         "internal_hours", "non_billable_hours", "overtime_hours", "holiday_days", "leave_days", "sick_days", "open_drafts"],
                                rows: rows, totals: totals)
        let summary = ExportSummary(month: month, state: period.state, template: request.template, format: request.format, file: nil,
                                    draft: request.draft, lines: rows.count, entries: entries.count, rawSeconds: sums[2], billedSeconds: sums[2],
                                    amount: Money(minorUnits: 0, currency: base.schema.currency), rounding: request.rounding, markedBilled: 0, skippedBilled: 0)
        return (table, summary)
    }
}
