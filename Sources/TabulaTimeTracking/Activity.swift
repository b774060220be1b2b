import Foundation
import TabulaEngine

/// Activity recording, opt-in per team (`Teams.activity`): while a timer runs, the web table
/// records how many minutes had input in the page (active) and how many had none (idle), and
/// nothing else. Off by default; the person always sees their own rows, a lead only when the
/// team's setting is `lead` (the Activity table's read rule).
public enum ActivityRecording {
    /// A team's setting.
    public enum Setting: String, Sendable, CaseIterable {
        /// Nothing is recorded.
        case off
        /// Recorded; only the person sees it.
        case `private`
        /// Recorded; the team's lead sees it too.
        case lead
    }

    /// The acting person's team's setting: off for an actor who is no person, a person in no
    /// team, or a base without the Activity table.
    public static func setting(_ base: Base) throws -> Setting {
        guard base.schema.table(named: "Activity") != nil, let teams = base.schema.table(named: "Teams"),
              let people = base.schema.peopleTable.flatMap(base.schema.table(id:)),
              let person = try base.actingPerson(),
              case .link(let team)? = try base.values(of: people, row: person, fields: ["team"])?["team"],
              case .text(let value)? = try base.values(of: teams, row: team, fields: ["activity"])?["activity"] else { return .off }
        return Setting(rawValue: value) ?? .off
    }

    /// Records one interval of the acting person's running timer: `active` and `idle` whole
    /// minutes from `start`. Refused when their team records no activity, when the entry is not
    /// their running timer's, or for a count out of range.
    @discardableResult
    public static func record(_ base: Base, entry: RowID, start: Instant, active: Int, idle: Int) throws -> RowID {
        guard let table = base.schema.table(named: "Activity"), let entries = base.schema.table(named: "TimeEntries") else {
            throw EngineError(.schema, "this base has no Activity table", hint: "apply the time-tracking package's current schema")
        }
        guard (0...240).contains(active), (0...240).contains(idle), active + idle > 0 else {
            throw EngineError(.invalidValue, "an interval has 1 to 240 minutes, active and idle each 0 or more (got \(active) active, \(idle) idle)",
                              hint: "send the minutes of one interval, e.g. {\"active\": 4, \"idle\": 1}")
        }
        guard try setting(base) != .off else {
            throw EngineError(.forbidden, "activity is not recorded for \(base.actor): their team's activity setting is off",
                              hint: "a team opts in with its activity setting (private or lead); until then nothing is recorded")
        }
        let person = try base.personRow()
        guard let values = try base.values(of: entries, row: entry, fields: ["person", "end"]), try base.permits(.read, entries, row: entry),
              values["person"] == .link(person) else {
            throw EngineError(.notFound, "time entry #\(entry) is not one of \(base.actor)'s", hint: "send the entry of your running timer (GET /api/v1/timers)")
        }
        guard values["end"] == .blank else {
            throw EngineError(.conflict, "time entry #\(entry) is not running: activity is recorded only while a timer runs")
        }
        func field(_ name: String) throws -> FieldID { try base.field(named: name, in: table).id }
        let row: [FieldID: Value] = [
            try field("person"): .link(person), try field("entry"): .link(entry), try field("start"): .datetime(start),
            try field("active"): .duration(Int64(active) * 60), try field("idle"): .duration(Int64(idle) * 60),
        ]
        return try base.write { tx in try tx.insertRow(into: table, values: row) }.value
    }
}
