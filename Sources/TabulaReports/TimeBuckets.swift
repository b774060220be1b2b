import TabulaEngine
import TabulaLanguage

/// Time in a report's SQL: the period's bounds in stored encodings, and a bucket key computed per
/// row from the stored UTC milliseconds (or epoch days) with the base zone's UTC offsets over the
/// queried range, so DST changes fall where the zone puts them.
struct TimeAxis {
    let rules: TimeZoneRules
    /// True for a datetime time field (epoch milliseconds), false for a date (epoch days).
    let isDatetime: Bool

    static let dayMs: Int64 = 86_400_000
    static let weekMs: Int64 = 7 * dayMs
    /// Added before integer division so the dividend is never negative (SQLite divides toward
    /// zero): about 27 000 years of days, or of weeks.
    static let dayBias: Int64 = 10_000_000
    static let weekBias: Int64 = 1_500_000

    /// The stored value at which a local day starts.
    func stored(_ day: CivilDate) -> Int64 {
        isDatetime ? Instant(date: day, secondsOfDay: 0, rules: rules).millisecondsSinceEpoch : day.daysSinceEpoch
    }

    /// The local day a stored value falls on.
    func day(ofStored value: Int64) -> CivilDate {
        isDatetime ? Instant(millisecondsSinceEpoch: value).localTime(in: rules).date : CivilDate(daysSinceEpoch: value)
    }

    /// The zone's UTC offset, in milliseconds, as pieces `[(from, offset)]` covering `range`
    /// (the first piece applies before its `from` too): the engine's, which the summary uses too.
    func offsets(over range: ClosedRange<Int64>) -> [(from: Int64, offset: Int64)] {
        LocalDaySQL(rules: rules).offsets(over: range)
    }

    /// `CASE WHEN x < b1 THEN v0 WHEN ... END` as a balanced tree.
    static func lookup(_ column: String, bounds: [Int64], values: [String]) -> String {
        LocalDaySQL.lookup(column, bounds: bounds, values: values)
    }

    /// The SQL key of the bucket a row falls in, and the bucket start of each key value.
    /// `range` is the span of stored values that can occur (the period, or the data's min...max).
    func bucketKey(_ column: String, unit: ReportUnit, range: ClosedRange<Int64>) -> (sql: String, start: (Int64) -> CivilDate) {
        switch unit {
        case .day, .week:
            var local = column
            if isDatetime {
                let pieces = offsets(over: range)
                let shift = pieces.count == 1 ? String(pieces[0].offset)
                    : Self.lookup(column, bounds: pieces.dropFirst().map(\.from), values: pieces.map { String($0.offset) })
                local = "(\(column) + \(shift))"
            }
            if unit == .day {
                if !isDatetime { return (column, { CivilDate(daysSinceEpoch: $0) }) }
                let sql = "((\(local) + \(Self.dayBias * Self.dayMs)) / \(Self.dayMs))"
                return (sql, { CivilDate(daysSinceEpoch: $0 - Self.dayBias) })
            }
            // 1970-01-01 was a Thursday: three days later a week starts on Monday.
            if isDatetime {
                let sql = "((\(local) + \(3 * Self.dayMs + Self.weekBias * Self.weekMs)) / \(Self.weekMs))"
                return (sql, { CivilDate(daysSinceEpoch: ($0 - Self.weekBias) * 7 - 3) })
            }
            let sql = "((\(column) + \(3 + Self.weekBias * 7)) / 7)"
            return (sql, { CivilDate(daysSinceEpoch: ($0 - Self.weekBias) * 7 - 3) })
        case .month, .quarter, .year:
            var starts: [CivilDate] = []
            var s = ReportCalendar.start(of: unit, containing: day(ofStored: range.lowerBound))
            let last = day(ofStored: range.upperBound)
            while s <= last {
                starts.append(s)
                s = ReportCalendar.next(unit, after: s)
            }
            if starts.isEmpty { starts = [ReportCalendar.start(of: unit, containing: last)] }
            let bounds = starts.dropFirst().map(stored)
            let sql = Self.lookup(column, bounds: bounds, values: starts.indices.map(String.init))
            let captured = starts
            return (sql, { i in captured[Int(max(0, min(Int64(captured.count - 1), i)))] })
        }
    }
}
