import Foundation
import TabulaEngine

/// Clocking in and out (`tabula clock in|out`, `tabula clock break start|end`): one Attendance
/// row per person and day, kept apart from project time. Clocking in starts no timer, and
/// switching tasks changes only project time; attendance counts from in to out minus breaks.
public enum Attendance {
    /// How far attendance and booked time of a day may differ before the matrix flags it.
    public static let tolerance = SettingSpec(name: "matrix_tolerance", summary: "how far a day's attendance and booked time may differ before the matrix flags it",
                                              values: [], defaultValue: "15m", accepts: .duration)
    /// After how long a day without a break is warned about (the usual legal rule: six hours).
    public static let breakAfter = SettingSpec(name: "break_after", summary: "a day longer than this without a break is warned about",
                                               values: [], defaultValue: "6h", accepts: .duration)

    /// What a clock command does.
    public enum Action: String, Sendable, CaseIterable {
        case clockIn = "in", clockOut = "out", breakStart = "break start", breakEnd = "break end"
    }

    /// A person's day as it stands after a clock command.
    public struct Day: Sendable, Hashable {
        public var person: String
        /// When the command clocked.
        public var at: Instant
        public var day: CivilDate
        public var clockIn: Instant
        public var clockOut: Instant?
        public var breakSince: Instant?
        /// The closed breaks' total, in seconds.
        public var breaks: Int64
        /// Attendance (in to out minus breaks), in seconds; nil while clocked in.
        public var present: Int64?
        /// The project time booked on the day, in seconds.
        public var booked: Int64
        /// What the person should hear about the day (no break after six hours, a difference).
        public var warnings: [String]
    }

    /// The duration a duration setting holds (its default when unset).
    public static func seconds(_ base: Base, _ spec: SettingSpec) throws -> Int64 {
        SettingSpec.durationSeconds(try base.setting(spec)) ?? SettingSpec.durationSeconds(spec.defaultValue) ?? 0
    }

    /// The acting person clocks in, out, or starts or ends a break at `at` (default: now).
    public static func clock(_ base: Base, _ action: Action, at given: Instant? = nil) throws -> Day {
        guard TimeTracking.applies(to: base.schema), let table = base.schema.table(named: "Attendance") else {
            throw EngineError(.schema, "this base has no Attendance table",
                              hint: "bring the base to the package's current version: tabula apply BASE --package timetracking")
        }
        // Read after the commit: attendance and booked time are computed fields.
        let (id, name) = try base.write { tx -> (RowID, String) in
            let person = try base.personRow()
            let at = given ?? tx.now()
            let zone = try TimeTracking.zone(of: person, base)
            let name = try base.primaryValues(of: try base.table(named: "People"), ids: [person])[person] ?? "you"
            let open = try days(of: person, base).last { $0.values["clock_out"]?.isBlank ?? true }
            func field(_ n: String) -> FieldID { table.field(named: n)!.id }
            func when(_ i: Instant) -> String { base.formatInstant(i) }
            switch action {
            case .clockIn:
                let day = at.civilDate(in: zone)
                if let open {
                    let since = open.instant("clock_in")
                    throw EngineError(.conflict, "\(name) is clocked in since \(since.map(when) ?? "earlier")",
                                      hint: "clock out first: tabula clock out BASE --at 'YYYY-MM-DD HH:MM'")
                }
                if let same = try days(of: person, base).first(where: { $0.day == day }) {
                    // Back the same day: the time away counts as a break.
                    guard let out = same.instant("clock_out"), out <= at else {
                        throw EngineError(.conflict, "\(name) clocked out at \(same.instant("clock_out").map(when) ?? "?"), after \(when(at))",
                                          hint: "clock in again at or after the clock-out")
                    }
                    try tx.updateRow(in: table, id: same.id, values: [
                        field("clock_out"): .blank,
                        field("breaks"): .duration(same.duration("breaks") + seconds(from: out, to: at)),
                        field("break_count"): .integer(same.integer("break_count") + 1)])
                    return (same.id, name)
                }
                let id = try tx.insertRow(into: table, values: [
                    field("person"): .link(person), field("day"): .date(day), field("clock_in"): .datetime(at),
                    field("breaks"): .duration(0), field("break_count"): .integer(0)])
                try linkEntries(tx, person: person, day: day, zone: zone, to: id)
                return (id, name)
            case .clockOut, .breakStart, .breakEnd:
                guard let open, let clockIn = open.instant("clock_in") else {
                    throw EngineError(.conflict, "\(name) is not clocked in", hint: "clock in first: tabula clock in BASE")
                }
                guard at >= clockIn else {
                    throw EngineError(.invalidValue, "\(when(at)) is before \(name)'s clock-in at \(when(clockIn))", hint: "give a later --at")
                }
                let since = open.instant("break_since")
                var values: [FieldID: Value] = [:]
                func closeBreak(_ since: Instant) throws {
                    guard at >= since else {
                        throw EngineError(.invalidValue, "\(when(at)) is before the break that started at \(when(since))", hint: "give a later --at")
                    }
                    values[field("break_since")] = .blank
                    values[field("breaks")] = .duration(open.duration("breaks") + seconds(from: since, to: at))
                    values[field("break_count")] = .integer(open.integer("break_count") + 1)
                }
                switch action {
                case .clockOut:
                    if let since { try closeBreak(since) }
                    values[field("clock_out")] = .datetime(at)
                case .breakStart:
                    if let since {
                        throw EngineError(.conflict, "\(name)'s break runs since \(when(since))", hint: "end it first: tabula clock break end BASE")
                    }
                    values[field("break_since")] = .datetime(at)
                default:
                    guard let since else {
                        throw EngineError(.conflict, "\(name) has no break running", hint: "start one: tabula clock break start BASE")
                    }
                    try closeBreak(since)
                }
                try tx.updateRow(in: table, id: open.id, values: values)
                return (open.id, name)
            }
        }.value
        return try read(base, id, name: name, at: given ?? base.now())
    }

    /// The whole seconds from one instant to another.
    static func seconds(from a: Instant, to b: Instant) -> Int64 { (b.millisecondsSinceEpoch - a.millisecondsSinceEpoch) / 1000 }

    /// One Attendance row, read.
    struct Stored {
        var id: RowID
        var values: [String: Value]
        var day: CivilDate? { if case .date(let d)? = values["day"] { return d } else { return nil } }
        func instant(_ n: String) -> Instant? { if case .datetime(let i)? = values[n] { return i } else { return nil } }
        func duration(_ n: String) -> Int64 { if case .duration(let s)? = values[n] { return s } else { return 0 } }
        func integer(_ n: String) -> Int64 { if case .integer(let s)? = values[n] { return s } else { return 0 } }
    }

    static let fields = ["day", "clock_in", "clock_out", "break_since", "breaks", "break_count", "present", "booked"]

    /// A person's Attendance rows, in the order they were made.
    static func days(of person: RowID, _ base: Base) throws -> [Stored] {
        guard let table = base.schema.table(named: "Attendance"), let personField = table.field(named: "person") else { return [] }
        return try base.rowIDs(of: table, where: personField, is: .link(person)).compactMap { id in
            try base.values(of: table, row: id, fields: fields).map { Stored(id: id, values: $0) }
        }
    }

    static func read(_ base: Base, _ id: RowID, name: String, at: Instant) throws -> Day {
        let table = try base.table(named: "Attendance")
        guard let values = try base.values(of: table, row: id, fields: fields), case .datetime(let clockIn)? = values["clock_in"],
              case .date(let day)? = values["day"] else {
            throw EngineError(.notFound, "attendance #\(id) vanished")
        }
        let row = Stored(id: id, values: values)
        let out = row.instant("clock_out")
        let present: Int64? = out == nil ? nil : row.duration("present")
        var warnings: [String] = []
        if let present {
            warnings = try checks(base, present: present, booked: row.duration("booked"), breaks: row.duration("breaks"))
        }
        return Day(person: name, at: at, day: day, clockIn: clockIn, clockOut: out, breakSince: row.instant("break_since"), breaks: row.duration("breaks"),
                   present: present, booked: row.duration("booked"), warnings: warnings)
    }

    /// What is wrong with a finished day: no break after the `break_after` setting, attendance
    /// and booked time apart by more than `matrix_tolerance`.
    public static func checks(_ base: Base, present: Int64, booked: Int64, breaks: Int64) throws -> [String] {
        var found: [String] = []
        let after = try seconds(base, breakAfter), tolerance = try seconds(base, Self.tolerance)
        let context = base.schema.valueContext
        func text(_ s: Int64) -> String { ValueType.duration.format(.duration(s), context: context) }
        if breaks == 0 && present > after { found.append("no break in \(text(present)) (more than \(text(after)))") }
        let difference = present - booked
        if abs(difference) > tolerance {
            found.append(difference > 0 ? "\(text(difference)) present but not booked" : "\(text(-difference)) booked beyond attendance")
        }
        return found
    }

    /// A new day links the entries its person already booked on it (those logged before clocking in).
    static func linkEntries(_ tx: WriteTransaction, person: RowID, day: CivilDate, zone: String, to id: RowID) throws {
        let base = tx.base
        guard let entries = base.schema.table(named: "TimeEntries"), let link = entries.field(named: "attendance"),
              let personField = entries.field(named: "person"), let start = entries.field(named: "start") else { return }
        let from = Instant(date: day, secondsOfDay: 0, timeZone: zone), before = Instant(date: day.adding(days: 1), secondsOfDay: 0, timeZone: zone)
        for entry in try base.rowIDs(of: entries, where: personField, is: .link(person), time: start, from: from, before: before) {
            try tx.bypassingLocks { try tx.updateRow(in: entries, id: entry, values: [link.id: .link(id)]) }
        }
    }

    /// The Attendance row of a person's day, if they clocked in that day: what an entry links to.
    static func dayRow(_ base: Base, person: RowID, day: CivilDate) throws -> RowID? {
        try days(of: person, base).first { $0.day == day }?.id
    }
}

extension TimeTracking {
    /// A person's time zone (their `timezone`, else the base's).
    static func zone(of person: RowID?, _ base: Base) throws -> String {
        if case .text(let zone)? = try read(base, "People", person, ["timezone"])?["timezone"], !zone.isEmpty { return zone }
        return base.schema.timeZone
    }
}
