import Foundation
import TabulaEngine
import TabulaIO

/// Auditing the log (`tabula audit`, the saved report `audit`): each entry of a period that
/// overlaps another of its person's, runs longer than a limit, lacks a note its project wants,
/// ran over midnight as a timer, is on an inactive project, or was entered by hand.
public enum Audit {
    /// Whether overlapping entries of one person are only found by the audit (warn) or refused.
    public static let overlapRule = SettingSpec(name: "overlap", summary: "overlapping entries of one person: warn (the audit and tabula log say so) or refuse them",
                                                values: ["warn", "refuse"])
    /// Entries longer than this are listed by the audit.
    public static let longEntry = SettingSpec(name: "audit_long_entry", summary: "the audit lists entries longer than this",
                                              values: [], defaultValue: "10h", accepts: .duration)

    /// What the audit found about one entry.
    public struct Finding: Sendable, Hashable {
        public var entry: RowID
        public var person: String
        public var start: Instant
        public var seconds: Int64
        /// `overlap`, `long`, `no_note`, `over_midnight`, `inactive_project` or `manual`.
        public var kind: String
        public var detail: String
    }

    struct Entry {
        var id: RowID, person: String, zone: String, start: Instant, end: Instant?, seconds: Int64
        var source: String, note: String, project: RowID?
    }

    /// The findings about the entries that start in `days` (in the base's zone), by person and start.
    public static func run(_ base: Base, days: ClosedRange<CivilDate>) throws -> [Finding] {
        guard TimeTracking.applies(to: base.schema) else {
            throw EngineError(.schema, "this base is not a time-tracking base", hint: "create one with `tabula init BASE --package timetracking`")
        }
        let entries = try base.table(named: "TimeEntries"), people = try base.table(named: "People")
        let zone = base.schema.timeZone
        let from = Instant(date: days.lowerBound, secondsOfDay: 0, timeZone: zone)
        let before = Instant(date: days.upperBound.adding(days: 1), secondsOfDay: 0, timeZone: zone)
        let now = base.now()
        let limit = try Attendance.seconds(base, longEntry)
        let context = base.schema.valueContext
        func text(_ s: Int64) -> String { ValueType.duration.format(.duration(s), context: context) }
        var projects: [RowID: (active: Bool, wantsNote: Bool, name: String)] = [:]
        func project(_ id: RowID) throws -> (active: Bool, wantsNote: Bool, name: String) {
            if let known = projects[id] { return known }
            let v = try TimeTracking.read(base, "Projects", id, ["active", "note_required", "name"])
            let found = (v?["active"] != .bool(false), v?["note_required"] == .bool(true), plainText(v?["name"]))
            projects[id] = found
            return found
        }
        var findings: [Finding] = []
        let names = try base.primaryValues(of: people, ids: try base.rows(of: people).map(\.id))
        for (person, name) in names.sorted(by: { $0.value < $1.value }) {
            let personZone = try TimeTracking.zone(of: person, base)
            var mine: [Entry] = []
            for id in try base.rowIDs(of: entries, where: try base.field(named: "person", in: entries), is: .link(person),
                                      time: try base.field(named: "start", in: entries), from: from, before: before) {
                guard let v = try base.values(of: entries, row: id, fields: ["start", "end", "duration", "source", "note", "project", "task"]),
                      case .datetime(let start)? = v["start"] else { continue }
                let end: Instant? = { if case .datetime(let e)? = v["end"] { return e } else { return nil } }()
                let seconds: Int64 = end == nil ? max(0, (now.millisecondsSinceEpoch - start.millisecondsSinceEpoch) / 1000)
                    : { if case .duration(let s)? = v["duration"] { return s } else { return 0 } }()
                let projectID = try linkedRow(v["project"] ?? .blank) ?? TimeTracking.read(base, "Tasks", linkedRow(v["task"] ?? .blank), ["project"])?.link("project")
                mine.append(Entry(id: id, person: name, zone: personZone, start: start, end: end, seconds: seconds,
                                  source: plainText(v["source"]), note: plainText(v["note"]), project: projectID))
            }
            mine.sort { ($0.start, $0.id) < ($1.start, $1.id) }
            for entry in mine {
                func add(_ kind: String, _ detail: String) {
                    findings.append(Finding(entry: entry.id, person: name, start: entry.start, seconds: entry.seconds, kind: kind, detail: detail))
                }
                let others = try base.rowIDs(of: entries, where: try base.field(named: "person", in: entries), is: .link(person),
                                             start: try base.field(named: "start", in: entries), end: try base.field(named: "end", in: entries),
                                             overlapping: entry.start, to: entry.end).filter { $0 != entry.id }
                if !others.isEmpty {
                    add("overlap", "overlaps " + others.map { "TimeEntries #\($0)" }.joined(separator: ", "))
                }
                if entry.seconds > limit { add("long", "\(text(entry.seconds)) is longer than \(text(limit))\(entry.end == nil ? " and still running" : "")") }
                if let p = entry.project {
                    let info = try project(p)
                    if info.wantsNote && entry.note.trimmingCharacters(in: .whitespaces).isEmpty && entry.end != nil {
                        add("no_note", "\(info.name) requires a note")
                    }
                    if !info.active { add("inactive_project", "\(info.name) is inactive") }
                }
                if entry.source == "timer" {
                    let startDay = entry.start.civilDate(in: entry.zone)
                    if let end = entry.end, end.adding(milliseconds: -1).civilDate(in: entry.zone) > startDay {
                        add("over_midnight", "the timer ran from \(startDay.iso) into \(end.adding(milliseconds: -1).civilDate(in: entry.zone).iso)")
                    } else if entry.end == nil, now.civilDate(in: entry.zone) > startDay {
                        add("over_midnight", "the timer runs since \(startDay.iso)")
                    }
                }
                if entry.source == "manual" { add("manual", "entered by hand") }
            }
        }
        return findings
    }

    /// The findings as a report's table.
    public static func table(_ findings: [Finding]) -> ResultTable {
        ResultTable(columns: [ResultColumn(name: "entry", type: .text), ResultColumn(name: "person", type: .text), ResultColumn(name: "start", type: .datetime),
                              ResultColumn(name: "duration", type: .duration), ResultColumn(name: "finding", type: .text), ResultColumn(name: "detail", type: .text)],
                    rows: findings.map { [.text("#\($0.entry)"), .text($0.person), .datetime($0.start), .duration($0.seconds), .text($0.kind), .text($0.detail)] },
                    roundsForReading: true)
    }

    /// The other entries of the entry's person that overlap it.
    public static func overlaps(_ base: Base, entry: RowID) throws -> [RowID] {
        let entries = try base.table(named: "TimeEntries")
        guard let v = try base.values(of: entries, row: entry, fields: ["person", "start", "end"]), case .link(let person)? = v["person"],
              case .datetime(let start)? = v["start"] else { return [] }
        let end: Instant? = { if case .datetime(let e)? = v["end"] { return e } else { return nil } }()
        return try base.rowIDs(of: entries, where: try base.field(named: "person", in: entries), is: .link(person),
                               start: try base.field(named: "start", in: entries), end: try base.field(named: "end", in: entries),
                               overlapping: start, to: end).filter { $0 != entry }
    }

    /// The overlap rule on a written entry: refused, naming the other entries, when the base's
    /// `overlap` setting says refuse.
    static func checkOverlap(_ tx: WriteTransaction, _ write: RowRule.Write) throws {
        let base = tx.base
        guard try base.setting(overlapRule) == "refuse", let entries = base.schema.table(named: "TimeEntries") else { return }
        if !write.inserted {
            let moved = ["start", "end", "person"].compactMap { entries.field(named: $0)?.id }
            guard write.fields.contains(where: moved.contains) else { return }
        }
        let others = try overlaps(base, entry: write.row)
        guard !others.isEmpty else { return }
        let listed = try others.prefix(5).map { id -> String in
            let v = try base.values(of: entries, row: id, fields: ["start", "end"])
            let span: String = {
                guard case .datetime(let s)? = v?["start"] else { return "" }
                if case .datetime(let e)? = v?["end"] { return " \(base.formatInstant(s)) to \(base.formatInstant(e))" }
                return " running since \(base.formatInstant(s))"
            }()
            return "TimeEntries #\(id)\(span)"
        }
        throw EngineError(.conflict, "the entry overlaps \(listed.joined(separator: ", "))\(others.count > 5 ? " and \(others.count - 5) more" : "") of the same person",
                          hint: "this base refuses overlaps (tabula setting BASE overlap warn allows them); change the times, or stop the running timer first")
    }
}
