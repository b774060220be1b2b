import Foundation
import TabulaEngine
import TabulaLanguage
import TabulaReports

/// `tabula remind`: who logged less than expected over a period, and by how much, from the
/// `missing` report's days; a run that finds someone short also writes an `hours.missing`
/// webhook event (when an endpoint takes it).
public enum Reminders {
    /// One person's shortfall over the period.
    public struct Shortfall: Sendable, Hashable {
        public var person: String
        public var expected: Int64
        public var logged: Int64
        /// The days' shortfalls added up (a day's extra hours do not make up another day's).
        public var shortfall: Int64
        /// The days of the period that are short.
        public var days: [PackageReports.MissingDay]
    }

    /// What a reminder run found.
    public struct Run: Sendable {
        /// The period as it was asked (`yesterday`, `2026-W47`).
        public var period: String
        public var days: ClosedRange<CivilDate>
        /// The people who are short, by name.
        public var short: [Shortfall]
        /// Every person's days, short or not.
        public var found: [PackageReports.MissingDay]
        /// The `hours.missing` event's id, when one was written.
        public var event: String?
    }

    /// Finds who is short over `period` (its text as asked, and its parsed form) and, when
    /// anyone is and an endpoint takes `hours.missing`, writes the event in one transaction.
    public static func run(_ base: Base, period text: String, _ period: ReportPeriod) throws -> Run {
        let (days, found) = try PackageReports.missingPeriod(base, for: period)
        var people: [String] = []
        for day in found where people.last != day.person { people.append(day.person) }  // the days come by person
        let short: [Shortfall] = people.compactMap { person in
            let mine = found.filter { $0.person == person }
            let shortfall = mine.reduce(0) { $0 + $1.shortfall }
            guard shortfall > 0 else { return nil }
            return Shortfall(person: person, expected: mine.reduce(0) { $0 + $1.expected }, logged: mine.reduce(0) { $0 + $1.logged },
                             shortfall: shortfall, days: mine.filter { $0.shortfall > 0 })
        }
        var result = Run(period: text, days: days, short: short, found: found, event: nil)
        if !short.isEmpty, try !base.webhooks.subscribers(of: WebhookEvents.hoursMissing).isEmpty {
            result.event = try base.write { tx in
                try base.webhooks.enqueue(WebhookEvents.hoursMissing, in: tx) { payload(result) }
            }.value
        }
        return result
    }

    /// `hours.missing`'s data: the period (as asked, and its first and last day), and per person
    /// short the expected, logged and shortfall seconds, with the short days.
    static func payload(_ run: Run) -> JSONValue {
        .object([
            ("period", .string(run.period)), ("from", .string(run.days.lowerBound.iso)), ("to", .string(run.days.upperBound.iso)),
            ("people", .array(run.short.map { s in
                .object([("person", .string(s.person)), ("expected", .integer(s.expected)), ("logged", .integer(s.logged)),
                         ("shortfall", .integer(s.shortfall)),
                         ("days", .array(s.days.map { d in
                             .object([("day", .string(d.day.iso)), ("expected", .integer(d.expected)), ("logged", .integer(d.logged)),
                                      ("shortfall", .integer(d.shortfall))])
                         }))])
            })),
        ])
    }
}
