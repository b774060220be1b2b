import Foundation
import TabulaEngine
import TabulaIO

/// The file format of an export.
public enum ExportFormat: String, Sendable, CaseIterable {
    case csv, xlsx
}

/// What to export: a month, a template, and how (filters, rounding, billed entries, marking).
public struct ExportRequest: Sendable {
    public var month: String
    public var template: ExportTemplate
    public var format: ExportFormat
    /// The file to write; nil returns the bytes (not with `markBilled`).
    public var output: String?
    public var client: String?
    public var project: String?
    public var rounding: HourRounding
    public var includeBilled: Bool
    public var markBilled: Bool
    /// Exports a month that is not approved yet; its file says DRAFT in its name and first line.
    public var draft: Bool

    public init(month: String, template: ExportTemplate, format: ExportFormat = .csv, output: String? = nil, client: String? = nil,
                project: String? = nil, rounding: HourRounding = .none, includeBilled: Bool = false, markBilled: Bool = false, draft: Bool = false) {
        self.month = month; self.template = template; self.format = format; self.output = output; self.client = client
        self.project = project; self.rounding = rounding; self.includeBilled = includeBilled; self.markBilled = markBilled; self.draft = draft
    }
}

/// What an export did: lines written, hours raw and rounded, the amount, what was marked billed.
public struct ExportSummary: Sendable, Hashable {
    public var month: String
    public var state: String
    public var template: ExportTemplate
    public var format: ExportFormat
    /// The file written, nil when the bytes were returned.
    public var file: String?
    public var draft: Bool
    public var lines: Int
    public var entries: Int
    public var rawSeconds: Int64
    public var billedSeconds: Int64
    public var amount: Money
    public var rounding: HourRounding
    /// Entries whose status this export set to billed.
    public var markedBilled: Int
    /// Billed entries left out (they were billed before).
    public var skippedBilled: Int

    /// The rounded hours less the raw ones, in seconds.
    public var differenceSeconds: Int64 { billedSeconds - rawSeconds }

    /// One paragraph for standard error.
    public var text: String {
        var s = "\(draft ? "DRAFT " : "")exported \(month) (\(state)), template \(template.rawValue), \(format.rawValue)\(file.map { ", to \($0)" } ?? ""): "
        s += "\(lines) line\(lines == 1 ? "" : "s") from \(entries) entr\(entries == 1 ? "y" : "ies"), \(Decimals.hours(billedSeconds, places: 2)) h, "
        s += "\(Decimals.money(amount)) \(amount.currency)"
        if rounding.scope == .none {
            s += " (not rounded)"
        } else {
            let d = differenceSeconds
            s += "\n  rounded \(rounding.description): raw \(Decimals.hours(rawSeconds, places: 2)) h, difference \(d >= 0 ? "+" : "")\(Decimals.hours(d, places: 2)) h (\(d >= 0 ? "+" : "-")\(hms(d.magnitude)))"
        }
        if skippedBilled > 0 { s += "\n  left out \(skippedBilled) entr\(skippedBilled == 1 ? "y" : "ies") billed before (--include-billed exports them again)" }
        if markedBilled > 0 { s += "\n  marked \(markedBilled) entr\(markedBilled == 1 ? "y" : "ies") billed" }
        return s
    }

    /// The summary as a JSON object: hours as decimal strings and seconds, money as a decimal string.
    public var json: String {
        func str(_ s: String) -> String { JSONValue.string(s).serialized }
        let members: [(String, String)] = [
            ("period", str(month)), ("state", str(state)), ("template", str(template.rawValue)), ("format", str(format.rawValue)),
            ("file", file.map(str) ?? "null"), ("draft", draft ? "true" : "false"), ("lines", "\(lines)"), ("entries", "\(entries)"),
            ("hours", str(Decimals.hours(billedSeconds, places: 2))), ("seconds", "\(billedSeconds)"),
            ("raw_hours", str(Decimals.hours(rawSeconds, places: 2))), ("raw_seconds", "\(rawSeconds)"),
            ("difference_seconds", "\(differenceSeconds)"), ("amount", str(Decimals.money(amount))), ("currency", str(amount.currency)),
            ("rounding", str(rounding.description)), ("marked_billed", "\(markedBilled)"), ("skipped_billed", "\(skippedBilled)"),
        ]
        return "{" + members.map { "\(str($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }

    private func hms(_ s: UInt64) -> String { String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) }
}

/// Exports an approved month in accounting's shape and, when asked, marks what it exported billed.
public enum BillingExport {
    /// The roles that may export and bill.
    public static let roles = ["finance", "lead"]

    /// Runs an export. With an output file, the file is written under a temporary name inside
    /// the transaction that marks the entries billed, and renamed only once that transaction
    /// committed: an error on the way leaves no file and nothing billed. Without one, the bytes
    /// are returned.
    public static func run(_ base: Base, _ request: ExportRequest) throws -> (summary: ExportSummary, data: Data?) {
        try run(base, request, afterWritingFile: {})
    }

    /// `run`, with a step after the file is written and before the transaction commits (tests
    /// inject a failure there).
    static func run(_ base: Base, _ request: ExportRequest, afterWritingFile: () throws -> Void) throws -> (summary: ExportSummary, data: Data?) {
        guard TimeTracking.applies(to: base.schema) else {
            throw EngineError(.schema, "this base is not a time-tracking base (no Periods and TimeEntries)", hint: "create one with `tabula init BASE --package timetracking`")
        }
        let month = try Periods.checkMonth(request.month)
        if request.markBilled && request.draft {
            throw EngineError(.invalidValue, "a draft cannot mark entries billed", hint: "approve the month, then export it with --mark-billed")
        }
        if request.markBilled && request.template == .payroll {
            throw EngineError(.invalidValue, "the payroll export bills nothing, so it marks nothing billed", hint: "leave out --mark-billed")
        }
        if request.markBilled && request.output == nil {
            throw EngineError(.invalidValue, "marking entries billed needs the file written (--out FILE)", hint: "give the file to write with --out")
        }
        let output = request.output.map { request.draft ? draftName($0) : $0 }
        var temporary: String?
        let summary: (ExportSummary, Data?)
        do {
            summary = try base.write { tx -> (ExportSummary, Data?) in
                try TimeTracking.requireRole(base, anyOf: roles, toDo: request.markBilled ? "mark entries billed" : "export billing")
                let (table, summary, billed) = try prepare(base, request, month: month)
                let title = request.draft ? "DRAFT: \(month) is \(summary.state) and not approved - not for import" : nil
                let data = try request.format == .xlsx ? XLSXWriter.workbook([table.sheet(title: title).named(request.draft ? "DRAFT " + table.name : table.name)])
                                                       : table.csv(title: title)
                var result = summary
                result.file = output
                guard let output else { return (result, data) }
                let url = URL(fileURLWithPath: output)
                let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
                guard FileManager.default.createFile(atPath: temp, contents: data) else {
                    throw EngineError(.storage, "cannot write '\(output)'", hint: "check that its folder exists and is writable; nothing was billed")
                }
                temporary = temp
                if request.markBilled {
                    result.markedBilled = try markBilled(tx, billed)
                    try tx.recordHistory(action: "billing", note: "\(month) exported as \(request.template.rawValue) to \(url.lastPathComponent): \(result.markedBilled) entries billed")
                }
                try afterWritingFile()
                return (result, nil)
            }.value
        } catch {
            if let temporary { try? FileManager.default.removeItem(atPath: temporary) }
            throw error
        }
        // Committed: the file takes its name. Should that fail, the file is kept under its
        // temporary name, since the entries it bills are marked billed now.
        if let temporary, let output {
            do {
                if FileManager.default.fileExists(atPath: output) { try FileManager.default.removeItem(atPath: output) }
                try FileManager.default.moveItem(atPath: temporary, toPath: output)
            } catch {
                throw EngineError(.storage, "the export was written to '\(temporary)' but could not be renamed to '\(output)'",
                                  hint: summary.0.markedBilled > 0 ? "its entries are marked billed: rename the file by hand" : "rename the file by hand")
            }
        }
        return summary
    }

    /// `acts-DRAFT.xlsx` for `acts.xlsx` (unchanged when it says DRAFT already).
    static func draftName(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        guard !name.uppercased().contains("DRAFT") else { return path }
        let ext = url.pathExtension
        let stem = ext.isEmpty ? name : String(name.dropLast(ext.count + 1))
        let renamed = stem + "-DRAFT" + (ext.isEmpty ? "" : "." + ext)
        return path.hasSuffix(name) ? String(path.dropLast(name.count)) + renamed : renamed
    }

    /// Reads the month, checks its state, and builds the template's table.
    static func prepare(_ base: Base, _ request: ExportRequest, month: String) throws -> (ExportTable, ExportSummary, [BilledEntry]) {
        if request.template == .payroll {
            let (table, summary) = try Payroll.prepare(base, request, month: month)
            return (table, summary, [])
        }
        guard let period = try BillableEntryReader.period(base, month: month) else {
            throw EngineError(.notFound, "there are no entries in \(month)", hint: "check the month (YYYY-MM)")
        }
        if period.state != "approved" && !request.draft {
            throw EngineError(.conflict, "\(month) is \(period.state), so it cannot be exported: only an approved month is",
                              hint: (period.state == "open" ? "close it (tabula period close BASE \(month)), then " : "")
                                + "have a lead approve it (tabula period approve BASE \(month) --as LEAD), or export a draft with --draft")
        }
        var reader = BillableEntryReader(base: base)
        var entries = try reader.entries(ofPeriod: period.id).filter(\.isBillable)
        entries = try filter(base, entries, client: request.client, project: request.project)
        let billedBefore = entries.filter { $0.status == "billed" }.count
        if !request.includeBilled { entries.removeAll { $0.status == "billed" } }
        guard !entries.isEmpty else {
            if billedBefore > 0 {
                throw EngineError(.conflict, "nothing left to export in \(month): its \(billedBefore) billable entr\(billedBefore == 1 ? "y is" : "ies are") billed already",
                                  hint: "export them again with --include-billed")
            }
            throw EngineError(.notFound, "\(month) has no billable entries\(request.client.map { " of \($0)" } ?? "")\(request.project.map { " on \($0)" } ?? "")",
                              hint: "only entries of the category billable are exported")
        }
        let run = try BillingRun.make(month: month, entries: entries, rounding: request.rounding, currency: base.schema.currency)
        let inputs = TemplateInputs(vat: VATRate(setting: try base.setting(TimeTracking.vat)),
                                    companyCode: try base.setting(TimeTracking.companyCode), month: month)
        let table = try request.template.table(run, inputs)
        let summary = ExportSummary(month: month, state: period.state, template: request.template, format: request.format, file: nil,
                                    draft: request.draft, lines: table.rows.count, entries: run.entries.count, rawSeconds: run.rawSeconds,
                                    billedSeconds: run.billedSeconds, amount: run.amount, rounding: request.rounding, markedBilled: 0,
                                    skippedBilled: request.includeBilled ? 0 : billedBefore)
        return (table, summary, run.entries)
    }

    /// The entries of a client or project (named as people name them, with a did-you-mean).
    static func filter(_ base: Base, _ entries: [BillableEntry], client: String?, project: String?) throws -> [BillableEntry] {
        var result = entries
        if let client {
            let id = try base.resolveRow(client, in: try base.table(named: "Clients"))
            result = result.filter { $0.client?.id == id }
        }
        if let project {
            let id = try base.resolveRow(project, in: try base.table(named: "Projects"))
            result = result.filter { $0.project?.id == id }
        }
        return result
    }

    /// Sets the exported entries' status to billed (each change in the history). They are locked
    /// (their month is approved), so this is the package's own write past the lock, as approval is.
    static func markBilled(_ tx: WriteTransaction, _ billed: [BilledEntry]) throws -> Int {
        let entries = try tx.base.table(named: "TimeEntries")
        let status = try tx.base.field(named: "status", in: entries)
        var count = 0
        try tx.bypassingLocks {
            for b in billed where b.entry.status != "billed" {
                try tx.updateRow(in: entries, id: b.entry.id, values: [status.id: .text("billed")])
                count += 1
            }
        }
        return count
    }
}

extension Worksheet {
    func named(_ name: String) -> Worksheet {
        var copy = self
        copy.name = name
        return copy
    }
}
