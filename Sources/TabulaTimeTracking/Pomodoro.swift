import Foundation
import TabulaEngine

/// Pomodoro breaks: after a focus interval runs its full length (closed at its deadline), its
/// person's break runs for the schema's pause, until it ends or they start something else.
/// Nothing is stored: the break follows from the closed interval and the clock.
public enum Pomodoro {
    /// A break running now.
    public struct Break: Sendable, Hashable {
        public var person: String
        /// The entry whose focus interval the break follows.
        public var entry: RowID
        public var since: Instant
        public var until: Instant
    }

    /// The breaks running now: the acting person's, or everyone's.
    public static func breaks(_ base: Base, everyone: Bool) throws -> [Break] {
        guard TimeTracking.applies(to: base.schema), let entries = base.schema.table(named: "TimeEntries"),
              let personField = entries.field(named: "person"), let startField = entries.field(named: "start") else { return [] }
        let people = try base.table(named: "People")
        let ids = everyone ? try base.rows(of: people).map(\.id) : [try base.personRow()]
        let names = try base.primaryValues(of: people, ids: ids)
        let lengths = base.schema.pomodoro, now = base.now()
        var found: [Break] = []
        for person in ids {
            // The entries that could have ended a focus less than a pause ago, or started after one.
            let recent = try base.rowIDs(of: entries, where: personField, is: .link(person), time: startField,
                                         from: now.adding(seconds: -(lengths.focus + lengths.pause)), before: now.adding(seconds: 1))
            var rows: [(id: RowID, start: Instant, end: Instant?, mode: String)] = []
            for id in recent {
                guard let v = try base.values(of: entries, row: id, fields: ["start", "end", "mode"]), case .datetime(let s)? = v["start"] else { continue }
                let e: Instant? = { if case .datetime(let e)? = v["end"] { return e } else { return nil } }()
                rows.append((id, s, e, plainText(v["mode"])))
            }
            guard let last = rows.filter({ $0.mode == "pomodoro" && $0.end != nil }).max(by: { $0.end! < $1.end! }), let end = last.end,
                  (end.millisecondsSinceEpoch - last.start.millisecondsSinceEpoch) / 1000 >= lengths.focus else { continue }
            let until = end.adding(seconds: lengths.pause)
            guard now >= end, now < until, !rows.contains(where: { $0.id != last.id && ($0.start >= end || $0.end == nil) }) else { continue }
            found.append(Break(person: names[person] ?? "#\(person)", entry: last.id, since: end, until: until))
        }
        return found
    }
}
