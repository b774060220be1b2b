import Foundation
import TabulaEngine

/// Booking a day again: templates saved from a day (`tabula template save|apply`) and a
/// reference day copied to others, scaled to their hours (`tabula copy-day`).
public enum Templates {
    /// The step that scaled entries are rounded to (`tabula copy-day`).
    public static let step = SettingSpec(name: "booking_step", summary: "the step entries copied from a reference day are rounded to",
                                         values: [], defaultValue: "15m", accepts: .duration)

    /// One entry of a day, as a template keeps it.
    public struct Line: Sendable, Hashable {
        public var task: RowID?
        public var project: RowID?
        public var category: String
        public var note: String
        /// Its time of day, in seconds from midnight in the person's zone.
        public var starts: Int64
        public var seconds: Int64
    }

    /// An entry booked by a template or a copied day.
    public struct Booked: Sendable, Hashable {
        public var entry: RowID
        public var day: CivilDate
        public var start: Instant
        public var end: Instant
        /// The task's title, or `draft` for an entry without a task.
        public var label: String
    }

    static func requireTables(_ base: Base, _ names: [String]) throws {
        guard TimeTracking.applies(to: base.schema), names.allSatisfy({ base.schema.table(named: $0) != nil }) else {
            throw EngineError(.schema, "this base has no \(names.joined(separator: " and ")) table",
                              hint: "bring the base to the package's current version: tabula apply BASE --package timetracking")
        }
    }

    /// The acting person's closed entries of a day (in their zone), in the order they started.
    public static func lines(_ base: Base, day: CivilDate) throws -> [Line] {
        let entries = try base.table(named: "TimeEntries")
        let person = try base.personRow()
        let zone = try TimeTracking.zone(of: person, base)
        let from = Instant(date: day, secondsOfDay: 0, timeZone: zone), before = Instant(date: day.adding(days: 1), secondsOfDay: 0, timeZone: zone)
        let ids = try base.rowIDs(of: entries, where: try base.field(named: "person", in: entries), is: .link(person),
                                  time: try base.field(named: "start", in: entries), from: from, before: before)
        var found: [(Instant, Line)] = []
        for id in ids {
            guard let v = try base.values(of: entries, row: id, fields: ["task", "project", "category", "note", "start", "end", "duration"]),
                  case .datetime(let start)? = v["start"], case .datetime? = v["end"], case .duration(let seconds)? = v["duration"], seconds > 0 else { continue }
            let local = start.localTime(in: zone)
            found.append((start, Line(task: linkedRow(v["task"] ?? .blank), project: linkedRow(v["project"] ?? .blank), category: plainText(v["category"]),
                                      note: plainText(v["note"]), starts: Int64(local.secondsOfDay), seconds: seconds)))
        }
        return found.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// Saves the acting person's entries of `day` as template `name` (replacing theirs of that name).
    /// Returns the lines saved and whether an older template was replaced.
    public static func save(_ base: Base, name: String, day: CivilDate) throws -> (lines: [Line], replaced: Bool) {
        try requireTables(base, ["Templates", "TemplateLines"])
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw EngineError(.invalidValue, "a template needs a name", hint: "e.g. tabula template save BASE standup --day 2026-11-03") }
        let found = try lines(base, day: day)
        guard !found.isEmpty else {
            throw EngineError(.notFound, "\(base.actor) has no finished entry on \(day.iso) to save", hint: "pick a day with entries: tabula report BASE 'sum(duration) by local_day for this month'")
        }
        let templates = try base.table(named: "Templates"), lineTable = try base.table(named: "TemplateLines")
        let replaced = try base.write { tx -> Bool in
            let person = try base.personRow()
            var replaced = false
            if let old = try template(base, named: trimmed, person: person) {
                for line in try lineIDs(base, of: old) { try tx.deleteRow(from: lineTable, id: line) }
                try tx.deleteRow(from: templates, id: old)
                replaced = true
            }
            let id = try tx.insertRow(into: templates, values: [templates.primaryField.id: .text(trimmed), try base.field(named: "person", in: templates).id: .link(person)])
            func f(_ n: String) throws -> FieldID { try base.field(named: n, in: lineTable).id }
            for line in found {
                var values: [FieldID: Value] = [try f("template"): .link(id), try f("starts"): .duration(line.starts), try f("duration"): .duration(line.seconds)]
                if let task = line.task { values[try f("task")] = .link(task) }
                if let project = line.project { values[try f("project")] = .link(project) }
                if !line.category.isEmpty { values[try f("category")] = .text(line.category) }
                if !line.note.isEmpty { values[try f("note")] = .text(line.note) }
                try tx.insertRow(into: lineTable, values: values)
            }
            return replaced
        }.value
        return (found, replaced)
    }

    static func template(_ base: Base, named name: String, person: RowID) throws -> RowID? {
        let templates = try base.table(named: "Templates")
        return try base.rowIDs(of: templates, where: templates.primaryField, is: .text(name)).first { id in
            try base.values(of: templates, row: id, fields: ["person"])?["person"] == .link(person)
        }
    }

    static func lineIDs(_ base: Base, of template: RowID) throws -> [RowID] {
        let table = try base.table(named: "TemplateLines")
        return try base.rowIDs(of: table, where: try base.field(named: "template", in: table), is: .link(template))
    }

    /// Books the acting person's template `name` on each of `days`, in one transaction.
    public static func apply(_ base: Base, name: String, days: [CivilDate]) throws -> [Booked] {
        try requireTables(base, ["Templates", "TemplateLines"])
        let person = try base.personRow()
        guard let id = try template(base, named: name, person: person) else {
            let templates = try base.table(named: "Templates")
            let mine = try base.rows(of: templates).filter { record in
                templates.fields.firstIndex { $0.name == "person" }.map { record.values[$0] == .link(person) } ?? false
            }.compactMap { record -> String? in if case .text(let n) = record.values[templates.fields.firstIndex { $0.id == templates.primaryField.id }!] { return n } else { return nil } }
            throw EngineError(.notFound, "\(base.actor) has no template '\(name)'",
                              hint: mine.isEmpty ? "save one: tabula template save BASE \(name) --day YYYY-MM-DD" : "their templates are: \(mine.sorted().joined(separator: ", "))")
        }
        let table = try base.table(named: "TemplateLines")
        var lines: [Line] = []
        for line in try lineIDs(base, of: id) {
            guard let v = try base.values(of: table, row: line, fields: ["task", "project", "category", "note", "starts", "duration"]),
                  case .duration(let seconds)? = v["duration"] else { continue }
            let starts: Int64 = { if case .duration(let s)? = v["starts"] { return s } else { return 9 * 3600 } }()
            lines.append(Line(task: linkedRow(v["task"] ?? .blank), project: linkedRow(v["project"] ?? .blank), category: plainText(v["category"]),
                              note: plainText(v["note"]), starts: starts, seconds: seconds))
        }
        lines.sort { $0.starts < $1.starts }
        return try base.write { tx in try days.flatMap { try book(tx, lines, on: $0) } }.value
    }

    /// Books lines on a day at their times of day (in the person's zone).
    static func book(_ tx: WriteTransaction, _ lines: [Line], on day: CivilDate) throws -> [Booked] {
        let base = tx.base
        let person = try base.personRow()
        let zone = try TimeTracking.zone(of: person, base)
        let entries = try base.table(named: "TimeEntries")
        var booked: [Booked] = []
        for line in lines {
            let start = Instant(date: day, secondsOfDay: Int(line.starts), timeZone: zone)
            let end = start.adding(seconds: line.seconds)
            var extra: [TextAssignment] = []
            if !line.category.isEmpty { extra.append(TextAssignment(field: "category", text: line.category)) }
            if !line.note.isEmpty { extra.append(TextAssignment(field: "note", text: line.note)) }
            if let task = line.task {
                let interval = try tx.logInterval(table: "Tasks", row: "#\(task)", from: start, to: end, extra: extra)
                booked.append(Booked(entry: interval.logRow, day: day, start: start, end: end, label: interval.rowLabel))
            } else {
                var values = try base.parseAssignments(extra, for: entries)
                values[try base.field(named: "person", in: entries).id] = .link(person)
                values[try base.field(named: "start", in: entries).id] = .datetime(start)
                values[try base.field(named: "end", in: entries).id] = .datetime(end)
                if let project = line.project {
                    values[try base.field(named: "project", in: entries).id] = .link(project)
                } else if let draft = entries.field(named: "draft") {
                    values[draft.id] = .bool(true)
                }
                let id = try tx.insertRow(into: entries, values: values)
                let label = try line.project.flatMap { try base.primaryValues(of: try base.table(named: "Projects"), ids: [$0])[$0] } ?? "draft"
                booked.append(Booked(entry: id, day: day, start: start, end: end, label: label))
            }
        }
        return booked
    }

    /// Copies the acting person's entries of `reference` to each of `days`, scaled so that each
    /// day gets `hours` (default: the person's expected hours that day), rounded to the base's
    /// `booking_step` and summing exactly to it. The copies follow one another from the reference
    /// day's first start.
    public static func copyDay(_ base: Base, from reference: CivilDate, to days: [CivilDate], hours: Int64?) throws -> [Booked] {
        let source = try lines(base, day: reference)
        guard !source.isEmpty else {
            throw EngineError(.notFound, "\(base.actor) has no finished entry on \(reference.iso) to copy", hint: "pick a reference day with entries")
        }
        let step = try Attendance.seconds(base, Self.step)
        let person = try base.personRow()
        return try base.write { tx in
            try days.flatMap { day -> [Booked] in
                let target = try hours ?? Schedules.expected(base, person: person, day: day)
                guard target > 0 else {
                    throw EngineError(.invalidValue, "\(base.actor) has no hours scheduled on \(day.iso)", hint: "give them: --hours 6h")
                }
                let lengths = scale(source.map(\.seconds), to: target, step: step)
                var at = source[0].starts
                var lines: [Line] = []
                for (line, seconds) in zip(source, lengths) where seconds > 0 {
                    var copy = line
                    copy.starts = at
                    copy.seconds = seconds
                    at += seconds
                    lines.append(copy)
                }
                return try book(tx, lines, on: day)
            }
        }.value
    }

    /// Durations in proportion to `weights`, each a multiple of `step` (the largest absorbing
    /// what is left when `target` is not one), summing exactly to `target`: the units go by the
    /// largest remainder, ties to the earlier entry.
    public static func scale(_ weights: [Int64], to target: Int64, step: Int64) -> [Int64] {
        let total = weights.reduce(0, +)
        guard !weights.isEmpty, total > 0, target > 0 else { return weights.map { _ in 0 } }
        let step = max(1, step)
        let units = target / step, rest = target - units * step
        var result = weights.map { $0 * units / total }
        let remainders = weights.indices.map { (index: $0, remainder: weights[$0] * units % total) }
        var left = units - result.reduce(0, +)
        for r in remainders.sorted(by: { ($0.remainder, -$0.index) > ($1.remainder, -$1.index) }) where left > 0 {
            result[r.index] += 1
            left -= 1
        }
        result = result.map { $0 * step }
        if rest > 0, let largest = weights.indices.max(by: { (weights[$0], -$0) < (weights[$1], -$1) }) { result[largest] += rest }
        return result
    }
}

