import Foundation
import TabulaEngine

/// Expected hours: what a person is scheduled to work on a day (their `schedule`, else a fifth
/// of `weekly_target` from Monday to Friday), nothing on a holiday (an absence without a person)
/// or on their own leave or sick days, half of it on a half-day absence.
public enum Schedules {
    /// A person's hours per weekday, Monday first.
    public typealias Week = [Int64]

    /// Reads `8h 8h 8h 8h 6h 0 0` (seven durations, Monday to Sunday; `0` or `-` for none).
    public static func parse(_ text: String) throws -> Week {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        guard parts.count == 7 else {
            throw EngineError(.invalidValue, "the schedule '\(text)' has \(parts.count) day\(parts.count == 1 ? "" : "s"), not 7",
                              hint: "give the hours Monday to Sunday, e.g. schedule=\"8h 8h 8h 8h 6h 0 0\"")
        }
        return try parts.map { part in
            if part == "0" || part == "-" { return 0 }
            guard case .duration(let s)? = try? ValueType.duration.parse(part, context: ValueContext()), s >= 0, s <= 24 * 3600 else {
                throw EngineError(.invalidValue, "'\(part)' in the schedule '\(text)' is not a day's hours", hint: "write hours as 8h, 7h30m or 0")
            }
            return s
        }
    }

    /// What the base knows about expected hours, read once: everyone's schedule and the absences.
    public struct Calendar {
        struct Absence { var person: RowID?; var first: CivilDate; var last: CivilDate; var kind: String; var halfDay: Bool }
        var weeks: [RowID: Week] = [:]
        var absences: [Absence] = []
        /// The people whose hours are expected (active ones), by name.
        public private(set) var people: [(id: RowID, name: String)] = []

        public init(_ base: Base) throws {
            let table = try base.table(named: "People")
            let index = Dictionary(uniqueKeysWithValues: table.fields.enumerated().map { ($1.name, $0) })
            // A person is listed to the actor only when the entries' read rule would show them
            // that person's entries (a member sees themselves, a lead their team).
            let entries = base.schema.table(named: "TimeEntries")
            let personField = entries?.field(named: "person")
            for record in try base.rows(of: table) {
                func at(_ n: String) -> Value { index[n].map { record.values[$0] } ?? .blank }
                if at("active") == .bool(false) { continue }
                if let entries, let personField,
                   try !base.permitsRow(.read, of: entries, holding: [personField.id: .link(record.id)]) { continue }
                people.append((record.id, plainText(at(table.primaryField.name))))
                if case .text(let text) = at("schedule"), !text.trimmingCharacters(in: .whitespaces).isEmpty {
                    do { weeks[record.id] = try Schedules.parse(text) } catch let error as EngineError {
                        throw EngineError(.invalidValue, "People \(plainText(at(table.primaryField.name))): \(error.message)", hint: error.hint)
                    }
                } else {
                    let weekly: Int64 = { if case .duration(let s) = at("weekly_target") { return s } else { return 40 * 3600 } }()
                    weeks[record.id] = Array(repeating: weekly / 5, count: 5) + [0, 0]
                }
            }
            people.sort { $0.name < $1.name }
            if let absences = base.schema.table(named: "Absences") {
                let index = Dictionary(uniqueKeysWithValues: absences.fields.enumerated().map { ($1.name, $0) })
                for record in try base.rows(of: absences) {
                    func at(_ n: String) -> Value { index[n].map { record.values[$0] } ?? .blank }
                    guard case .date(let first) = at("first_day") else { continue }
                    let last: CivilDate = { if case .date(let d) = at("last_day") { return d } else { return first } }()
                    self.absences.append(Absence(person: linkedRow(at("person")), first: first, last: last,
                                                 kind: plainText(at("kind")).isEmpty ? "holiday" : plainText(at("kind")),
                                                 halfDay: at("half_day") == .bool(true)))
                }
            }
        }

        /// The absences that cover a person's day (theirs or everyone's), a whole-day one first.
        func covering(_ person: RowID, on day: CivilDate) -> [Absence] {
            absences.filter { ($0.person == nil || $0.person == person) && $0.first <= day && day <= $0.last }
                .sorted { !$0.halfDay && $1.halfDay }
        }

        /// The absence that covers a person's day (theirs or everyone's), by kind; a whole-day
        /// one before a half-day one.
        public func absence(_ person: RowID, on day: CivilDate) -> String? { covering(person, on: day).first?.kind }

        /// How much of a person's day an absence takes: 0 (none), 0.5 (only half-day ones) or 1.
        public func absentShare(_ person: RowID, on day: CivilDate) -> Double {
            guard let first = covering(person, on: day).first else { return 0 }
            return first.halfDay ? 0.5 : 1
        }

        /// The seconds a person's schedule gives a day, absences aside.
        public func scheduled(_ person: RowID, on day: CivilDate) -> Int64 { weeks[person]?[day.weekday - 1] ?? 0 }

        /// The seconds a person is expected to work on a day.
        public func expected(_ person: RowID, on day: CivilDate) -> Int64 {
            let scheduled = scheduled(person, on: day)
            guard let first = covering(person, on: day).first else { return scheduled }
            return first.halfDay ? scheduled / 2 : 0
        }
    }

    /// The days of `days` the acting person is expected to work, and why each other one is off
    /// (`Saturday: no scheduled hours`, `holiday`, `leave`, `sick`). All days are kept when the
    /// actor is no person or an inactive one: there is no schedule to go by.
    public static func workingDays(_ base: Base, _ days: [CivilDate]) throws -> (kept: [CivilDate], skipped: [(day: CivilDate, reason: String)]) {
        guard TimeTracking.applies(to: base.schema), base.schema.table(named: "People") != nil,
              let person = try? base.personRow() else { return (days, []) }
        let calendar = try Calendar(base)
        guard calendar.people.contains(where: { $0.id == person }) else { return (days, []) }
        var kept: [CivilDate] = [], skipped: [(day: CivilDate, reason: String)] = []
        let names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        for day in days {
            if calendar.expected(person, on: day) > 0 { kept.append(day); continue }
            let reason = calendar.scheduled(person, on: day) == 0 ? "\(names[day.weekday - 1]): no scheduled hours" : calendar.absence(person, on: day) ?? "off"
            skipped.append((day, reason))
        }
        return (kept, skipped)
    }

    /// The seconds a person is expected to work on a day.
    public static func expected(_ base: Base, person: RowID, day: CivilDate) throws -> Int64 {
        try Calendar(base).expected(person, on: day)
    }
}
