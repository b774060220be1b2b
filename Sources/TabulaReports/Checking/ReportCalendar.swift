import TabulaEngine
import TabulaLanguage

/// The calendar of report periods and buckets: which days a period covers, where buckets start,
/// how they are labelled. Weeks are ISO weeks, Monday to Sunday.
public enum ReportCalendar {
    /// The first and last day of a period literal (`2026-W47` is Monday 16 to Sunday 22 November).
    public static func days(of literal: PeriodLiteral) -> ClosedRange<CivilDate> {
        let (a, b) = Period.days(of: literal)
        return a...b
    }

    /// The first and last day of a period on the day `today`; nil when `A..B` ends before it starts.
    public static func days(of period: ReportPeriod.Kind, today: CivilDate) -> ClosedRange<CivilDate>? {
        switch period {
        case .literal(let p):
            return days(of: p)
        case .between(let a, let b):
            let first = days(of: a).lowerBound, last = days(of: b).upperBound
            return first <= last ? first...last : nil
        case .this(let unit):
            let start = self.start(of: unit, containing: today)
            return start...next(unit, after: start).adding(days: -1)
        case .last(let n, let unit):
            let current = start(of: unit, containing: today)
            return advance(current, by: -n, unit)...current.adding(days: -1)
        }
    }

    /// The first day of the day, week, month, quarter or year that holds `day`.
    public static func start(of unit: ReportUnit, containing day: CivilDate) -> CivilDate {
        switch unit {
        case .day: return day
        case .week: return day.weekStart
        case .month: return day.monthStart
        case .quarter: return day.quarterStart
        case .year: return day.yearStart
        }
    }

    /// The first day of the unit after the one starting at `start`.
    public static func next(_ unit: ReportUnit, after start: CivilDate) -> CivilDate {
        advance(start, by: 1, unit)
    }

    /// `start` moved by `count` units (negative: back).
    public static func advance(_ start: CivilDate, by count: Int, _ unit: ReportUnit) -> CivilDate {
        switch unit {
        case .day: return start.adding(days: count)
        case .week: return start.adding(days: count * 7)
        case .month: return start.adding(months: count)
        case .quarter: return start.adding(months: count * 3)
        case .year: return start.adding(months: count * 12)
        }
    }

    /// How a bucket is shown: `2026-11-20`, `2026-W47`, `2026-11`, `2026-Q4`, `2026`.
    public static func label(_ unit: ReportUnit, start: CivilDate) -> String {
        switch unit {
        case .day: return start.iso
        case .week:
            let w = start.isoWeek
            return PeriodLiteral.week(year: w.year, week: w.week).text
        case .month: return PeriodLiteral.month(year: start.year, month: start.month).text
        case .quarter: return PeriodLiteral.quarter(year: start.year, quarter: start.quarter).text
        case .year: return PeriodLiteral.year(start.year).text
        }
    }
}
