import Foundation
import TabulaEngine
import TabulaIO

/// One row of an export as read: the names it gives and its time in local wall-clock terms
/// (the zone is decided when the person is known). Kept as JSON with a queued row, so that
/// `resolve` can place it later.
struct ImportRow: Codable, Sendable {
    var line: Int
    /// The last line the row spans (a quoted note may hold line breaks).
    var lastLine: Int
    var origin: String
    var name = "", email = "", login = ""
    var client = "", project = "", projectCode = "", task = "", taskKey = "", taskTitle = ""
    var note = "", tags = ""
    var billable: Bool?
    var amount: String?
    /// The day, `2026-11-02`.
    var day: String
    /// The start's time of day in seconds; nil when the file gives none (placed from 09:00).
    var start: Int?
    var endDay: String?
    var end: Int?
    var duration: Int64?
    /// For a row without a time: where it goes after 09:00 among the person's rows of that day.
    var slot: Int64 = 0
    /// The zone its times are in when the import said (`--timezone`); else the person's.
    var zone: String?

    /// The person as the file names them, for messages: `Anna Berg <anna@example.com>`.
    var personLabel: String {
        let who = name.isEmpty ? login : name
        if email.isEmpty { return who }
        return who.isEmpty ? email : "\(who) <\(email)>"
    }
}

/// A problem that makes a file unreadable, at its line and column.
struct ImportFileError: Error {
    var line: Int
    var column: String?
    var problem: String
    var hint: String

    func engineError(file: String) -> EngineError {
        EngineError(.invalidValue, "\(file):\(line): " + (column.map { "column \($0): " } ?? "") + problem, hint: hint)
    }
}

/// Reading an export file: its format (given or recognised from the header), and every row read
/// and checked before anything is written.
struct ImportFile {
    var format: ImportFormat
    var recognised: Bool
    var rows: [ImportRow]
    var text: String

    /// The source lines of a row, for the queue.
    func raw(of row: ImportRow, lines: [Substring]) -> String {
        let from = max(row.line - 1, 0), to = min(row.lastLine, lines.count)
        guard from < to else { return "" }
        var raw = lines[from..<to].map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        while raw.count > 1, raw.last?.isEmpty == true { raw.removeLast() }
        return raw.joined(separator: "\n")
    }

    static func read(text: String, name: String, format given: ImportFormat?, dates: ImportDateOrder?) throws -> ImportFile {
        var reader = RowFileReader(text: text, name: name, format: .csv)
        reader.padsShortRows = true
        var records: [(line: Int, fields: [String])] = []
        do {
            while let row = try reader.next() { records.append((row.line, row.cells.map(\.text))) }
        } catch {
            if case .unclosedQuote = error.problem, let line = error.line {
                throw ImportFileError(line: line, column: openColumn(text: text, line: line, header: reader.header), problem: "a quoted field is not closed",
                                      hint: "end the field with a double quote; a quote inside a quoted field is written twice (\"\")").engineError(file: name)
            }
            throw EngineError(.invalidValue, error.message, hint: error.hint)
        }
        let header = reader.header ?? []
        let format: ImportFormat
        if let given {
            format = given
        } else if let found = ImportFormat.recognise(header: header) {
            format = found
        } else if let near = ImportFormat.allCases.map({ ($0, $0.spec.columns(of: header)) })
                    .filter({ $0.1.missing.count < $0.0.spec.required.count / 2 + 1 && $0.0.spec.required.count - $0.1.missing.count >= 2 })
                    .min(by: { $0.1.missing.count < $1.1.missing.count }) {
            throw ImportFileError(line: 1, column: near.1.missing[0].joined(separator: " or "), problem: "missing from the header",
                                  hint: "the file looks like a \(near.0.title) export, which has the columns \(near.0.spec.exampleHeader); or say its format with --from")
                .engineError(file: name)
        } else {
            throw EngineError(.invalidValue, "\(name):1: the header matches no format Tabula imports: \(header.joined(separator: ","))",
                              hint: "export the detailed time report as CSV, or say which format it is with --from; the formats are: "
                                + ImportFormat.allCases.map { "\($0.rawValue) (\($0.title))" }.joined(separator: ", "))
        }
        let columns = format.spec.columns(of: header)
        if let missing = columns.missing.first {
            throw ImportFileError(line: 1, column: missing.joined(separator: " or "), problem: "missing from the header",
                                  hint: "a \(format.title) export has the columns \(format.spec.exampleHeader)").engineError(file: name)
        }
        do {
            let order = try dates ?? dateOrder(records, columns: columns)
            var parser = RowParser(format: format, columns: columns, dates: order)
            var rows: [ImportRow] = []
            rows.reserveCapacity(records.count)
            for (i, record) in records.enumerated() {
                let last = i + 1 < records.count ? records[i + 1].line - 1 : Int.max
                rows.append(try parser.row(record.fields, line: record.line, lastLine: last))
            }
            return ImportFile(format: format, recognised: given == nil, rows: rows, text: text)
        } catch let error as ImportFileError {
            throw error.engineError(file: name)
        }
    }

    /// The column a quote left open on `line` opens in: the separators before it, outside quotes.
    static func openColumn(text: String, line: Int, header: [String]?) -> String? {
        guard let header, line > 1 else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line - 1 < lines.count else { return nil }
        var index = 0, quoted = false, openedAt = 0
        for ch in lines[line - 1] {
            if ch == "\"" { quoted.toggle(); if quoted { openedAt = index } } else if ch == "," && !quoted { index += 1 }
        }
        return quoted && openedAt < header.count ? header[openedAt] : nil
    }

    /// The order of slashed dates: from a date whose day is over 12, else US order when times are
    /// on a 12-hour clock; refused when the file cannot tell.
    static func dateOrder(_ records: [(line: Int, fields: [String])], columns: ImportHeader) throws -> ImportDateOrder? {
        let dateColumns = [ImportColumn.date, .endDate, .workDate].compactMap { c in columns.index[c].map { (c, $0) } }
        var dmy: (Int, String)?, mdy: (Int, String)?, ambiguous: (Int, String, String)?
        var twelveHour = false
        for record in records {
            for (_, i) in dateColumns where i < record.fields.count {
                let text = String(record.fields[i].split(separator: " ").first ?? "")
                guard let (a, b, c, sep) = ImportValues.dateParts(text), sep != ".", c >= 1000 else { continue }
                if a > 12 && b <= 12 { dmy = dmy ?? (record.line, columns.names[i]) }
                if b > 12 && a <= 12 { mdy = mdy ?? (record.line, columns.names[i]) }
                if ambiguous == nil, ImportValues.isAmbiguous(text) { ambiguous = (record.line, columns.names[i], text) }
            }
            if let t = columns.index[.startTime], t < record.fields.count, ImportValues.isTwelveHour(record.fields[t]) { twelveHour = true }
        }
        if let dmy, let mdy {
            let (line, column) = dmy.0 > mdy.0 ? dmy : mdy
            throw ImportFileError(line: line, column: column, problem: "dates are written day first on line \(dmy.0) and month first on line \(mdy.0)",
                                  hint: "export the file again with one date format, or say which with --dates dmy|mdy")
        }
        if dmy != nil { return .dmy }
        if mdy != nil || twelveHour { return .mdy }
        if let (line, column, text) = ambiguous {
            throw ImportFileError(line: line, column: column, problem: "'\(text)' could be day first or month first, and no date in the file tells",
                                  hint: "say which with --dates dmy (26/01/2026) or --dates mdy (01/26/2026)")
        }
        return nil
    }
}

/// Turns the cells of one record into an `ImportRow`, keeping what the rows before it tell
/// (where a day's rows without a time go, how often an identical row was seen).
struct RowParser {
    var format: ImportFormat
    var columns: ImportHeader
    var dates: ImportDateOrder?
    /// Seconds already placed after 09:00, per person and day.
    private var placed: [String: Int64] = [:]
    /// How often each row hash was seen, so identical rows stay distinct entries.
    private var seen: [String: Int] = [:]

    init(format: ImportFormat, columns: ImportHeader, dates: ImportDateOrder?) {
        self.format = format; self.columns = columns; self.dates = dates
    }

    mutating func row(_ fields: [String], line: Int, lastLine: Int) throws -> ImportRow {
        func cell(_ c: ImportColumn) -> String {
            guard let i = columns.index[c], i < fields.count else { return "" }
            return ImportValues.trimmed(fields[i])
        }
        func fail(_ c: ImportColumn, _ problem: String, _ hint: String) -> ImportFileError {
            ImportFileError(line: line, column: columns.name(of: c), problem: problem, hint: hint)
        }
        func day(_ c: ImportColumn, _ text: String) throws -> CivilDate {
            guard let d = ImportValues.date(text, order: dates) else {
                throw fail(c, text.isEmpty ? "the date is missing" : "'\(text)' is not a date",
                           text.isEmpty ? "every row needs its date" : "write it as the export does: 2026-11-02, 02.11.2026 or 11/02/2026 (with --dates dmy|mdy)")
            }
            return d
        }
        func time(_ c: ImportColumn, _ text: String) throws -> Int {
            // Older exports write the whole date and time in a time column (`2019-06-16 12:00`).
            let text = text.contains(" ") && ImportValues.dateParts(String(text.split(separator: " ")[0])) != nil
                ? String(text.split(separator: " ").dropFirst().joined(separator: " ")) : text
            guard let t = ImportValues.time(text) else {
                throw fail(c, text.isEmpty ? "the time is missing" : "'\(text)' is not a time of day", "write it as 14:30, 14:30:05 or 2:30 PM")
            }
            return t
        }
        func hours(_ c: ImportColumn) throws -> Int64 {
            let text = cell(c)
            guard let h = ImportValues.hours(text), h >= 0 else {
                throw fail(c, text.isEmpty ? "the hours are missing" : "'\(text)' is not a number of hours", "write decimal hours: 7.5 or 7,5")
            }
            return h
        }

        var firstName = cell(.firstName), lastName = cell(.lastName)
        if firstName.isEmpty && lastName.isEmpty { firstName = cell(.user) }
        let name = [firstName, lastName].filter { !$0.isEmpty }.joined(separator: " ")
        var row = ImportRow(line: line, lastLine: max(line, lastLine), origin: "", day: "")
        row.name = name
        row.email = cell(.email)
        row.login = cell(.login)
        row.client = cell(.client)
        row.project = cell(.project)
        row.projectCode = cell(.projectCode)
        row.task = cell(.task)
        row.taskKey = cell(.taskKey)
        row.taskTitle = cell(.taskTitle)
        row.note = columns.index[.note].map { $0 < fields.count ? fields[$0] : "" } ?? ""
        row.tags = cell(.tags).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: ", ")
        if columns.has(.billable) {
            guard let flag = ImportValues.flag(cell(.billable)) else {
                throw fail(.billable, "'\(cell(.billable))' is not yes or no", "write Yes or No")
            }
            row.billable = flag
        }
        row.amount = ImportValues.amount(cell(.amount), currency: columns.has(.currency) ? cell(.currency) : columns.amountCurrency)

        switch format.spec.timing {
        case .interval:
            let d = try day(.date, cell(.date))
            let s = try time(.startTime, cell(.startTime))
            row.day = d.iso
            row.start = s
            if !cell(.endTime).isEmpty {
                let e = try time(.endTime, cell(.endTime))
                let endDateGiven = !cell(.endDate).isEmpty
                var endDay = endDateGiven ? try day(.endDate, cell(.endDate)) : d
                // Without an end date, an end before the start crosses midnight; with one, the
                // file says the entry ends before it starts.
                if !endDateGiven && e < s { endDay = d.adding(days: 1) }
                if endDay.daysSinceEpoch < d.daysSinceEpoch || (endDay == d && e < s) {
                    throw fail(.endTime, "the entry ends (\(endDay.iso) \(cell(.endTime))) before it starts (\(d.iso) \(cell(.startTime)))",
                               "check the end date and time of this row")
                }
                row.endDay = endDay.iso
                row.end = e
            } else {
                let text = cell(.duration)
                guard let seconds = ImportValues.duration(text), seconds >= 0 else {
                    throw fail(.duration, text.isEmpty ? "the row has no end and no duration" : "'\(text)' is not a duration",
                               "give the end time, or a duration such as 01:30:00, 1.5 h or 90 min")
                }
                row.duration = seconds
            }
        case .hoursOnDay:
            row.day = try day(.date, cell(.date)).iso
            row.duration = try hours(.hours)
        case .workDate:
            let text = cell(.workDate)
            let parts = text.split(whereSeparator: { $0 == " " || $0 == "T" }).map(String.init)
            row.day = try day(.workDate, parts.first ?? "").iso
            if parts.count > 1 { row.start = try time(.workDate, parts[1]) }
            row.duration = try hours(.hours)
            if columns.has(.billedHours), !cell(.billedHours).isEmpty {
                let billed = try hours(.billedHours)
                row.billable = billed > 0
                row.amount = "billed \(ImportValues.hoursText(billed)) of \(ImportValues.hoursText(row.duration ?? 0))"
            }
        }
        if row.start == nil {
            let key = "\(row.name.lowercased())\u{1F}\(row.email.lowercased())\u{1F}\(row.login.lowercased())\u{1F}\(row.day)"
            row.slot = placed[key] ?? 0
            placed[key] = row.slot + (row.duration ?? 0)
        }
        let id = cell(.id)
        if !id.isEmpty {
            row.origin = "\(format.rawValue):\(id)"
        } else {
            let hash = RowHash.of([format.rawValue, row.name.lowercased(), row.email.lowercased(), row.login.lowercased(), row.client, row.project,
                                   row.projectCode, row.task, row.taskKey, row.note, row.billable.map { $0 ? "1" : "0" } ?? "", row.tags,
                                   row.day, row.start.map(String.init) ?? "", row.endDay ?? "", row.end.map(String.init) ?? "",
                                   row.duration.map(String.init) ?? ""])
            let n = (seen[hash] ?? 0) + 1
            seen[hash] = n
            row.origin = "\(format.rawValue):#\(hash)" + (n > 1 ? "-\(n)" : "")
        }
        return row
    }
}

extension ImportValues {
    /// `1.5 h`: seconds as decimal hours, for reconciliation notes.
    static func hoursText(_ seconds: Int64) -> String {
        let hundredths = (seconds * 100 + 1800) / 3600
        return "\(hundredths / 100).\(String(format: "%02d", hundredths % 100)) h"
    }
}

/// A stable 128-bit hash of a row's normalised fields (two FNV-1a passes), the origin of a row
/// whose source gives no id: the same row hashes the same in every file and every run.
enum RowHash {
    static func of(_ fields: [String]) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x8422_2325_cbf2_9ce4
        for field in fields {
            for byte in field.utf8 {
                a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
                b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 &+ 0x9e37
            }
            a = (a ^ 0x1f) &* 0x0000_0100_0000_01b3
            b = (b ^ 0x1f) &* 0x0000_0100_0000_01b3 &+ 0x9e37
        }
        return String(a, radix: 16).leftPadded(16) + String(b, radix: 16).leftPadded(16)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
