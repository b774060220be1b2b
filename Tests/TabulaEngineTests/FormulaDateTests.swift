import Testing
import TabulaEngine

@Suite("Formula date, time and duration functions")
struct FormulaDateTests {
    @Test func clock() throws {
        #expect(try evaluate("now()") == .datetime(testNow))
        #expect(try evaluate("today()") == .date(civil(2026, 11, 20)))
        // 23:30 UTC on Nov 20 is already Nov 21 in Berlin.
        let late = Instant(millisecondsSinceEpoch: 1_795_217_400_000)
        #expect(try evaluate("today()", now: late) == .date(civil(2026, 11, 21)))
        #expect(try evaluate("today()", now: late, context: ValueContext(timeZone: "UTC")) == .date(civil(2026, 11, 20)))
    }

    @Test func construction() throws {
        #expect(try evaluate("date(2024, 2, 29)") == .date(civil(2024, 2, 29)))
        #expect(try evaluate("date(2026, 2, 29)") == .error(.value))
        #expect(try evaluate("date(2026, 13, 1)") == .error(.value))
        #expect(try evaluate("date(2026, 1.5, 1)") == .error(.value))
        #expect(try evaluate("datetime(2026, 11, 20, 10, 30)") == .datetime(testNow))
        #expect(try evaluate("datetime(2026, 3, 29, 2, 30)") == .datetime(berlinTime(2026, 3, 29, 3, 30)))   // in the gap: moved forward
        #expect(try evaluate("datetime(2026, 1, 1, 24, 0)") == .error(.value))
        #expect(try evaluate("duration(1, 30)") == .duration(5400))
        #expect(try evaluate("duration(1.5)") == .duration(5400))
        #expect(try evaluate("duration(0, 0, 90)") == .duration(90))
        #expect(try evaluate("hours(1h30m)") == .number(1.5))
        #expect(try evaluate("minutes(90s)") == .number(1.5))
        #expect(try evaluate("hours(hours)") == .blank)
    }

    @Test func parts() throws {
        let row: [String: Value] = ["start": .datetime(berlinTime(2026, 11, 20, 23, 45)), "due": .date(civil(2026, 11, 22))]
        #expect(try evaluate("year(start)", row) == .integer(2026))
        #expect(try evaluate("month(start)", row) == .integer(11))
        #expect(try evaluate("day(start)", row) == .integer(20))
        #expect(try evaluate("hour(start)", row) == .integer(23))
        #expect(try evaluate("minute(start)", row) == .integer(45))
        #expect(try evaluate("hour(due)", row) == .integer(0))
        #expect(try evaluate("weekday(due)", row) == .integer(7))
        #expect(try evaluate("weekday(start)", row) == .integer(5))
        #expect(try evaluate("iso_week(due)", row) == .integer(47))
        #expect(try evaluate("iso_week(2021-01-03)") == .integer(53))
        #expect(try evaluate("week_start(due)", row) == .date(civil(2026, 11, 16)))
        #expect(try evaluate("month_start(start)", row) == .date(civil(2026, 11, 1)))
        #expect(try evaluate("month_end(2024-02-10)") == .date(civil(2024, 2, 29)))
        #expect(try evaluate("month_end(2026-12-31)") == .date(civil(2026, 12, 31)))
        #expect(try evaluate("period_month(due)", row) == .text("2026-11"))
        #expect(try evaluate("period_week(due)", row) == .text("2026-W47"))
        #expect(try evaluate("period_week(2027-01-01)") == .text("2026-W53"))
        #expect(try evaluate("period_quarter(due)", row) == .text("2026-Q4"))
        #expect(try evaluate("period_year(start)", row) == .integer(2026))
        #expect(try evaluate("year(due)") == .blank)
    }

    @Test func dateAdd() throws {
        #expect(try evaluate("date_add(2026-01-31, 1, \"months\")") == .date(civil(2026, 2, 28)))
        #expect(try evaluate("date_add(2024-01-31, 1, \"month\")") == .date(civil(2024, 2, 29)))
        #expect(try evaluate("date_add(2024-02-29, 1, \"years\")") == .date(civil(2025, 2, 28)))
        #expect(try evaluate("date_add(2026-11-20, 2, \"weeks\")") == .date(civil(2026, 12, 4)))
        #expect(try evaluate("date_add(2026-11-20, -20, \"days\")") == .date(civil(2026, 10, 31)))
        // Calendar units keep the wall clock across DST; hours are elapsed time.
        #expect(try evaluate("date_add(2026-03-28T10:00, 1, \"days\")") == .datetime(berlinTime(2026, 3, 29, 10, 0)))
        #expect(try evaluate("date_add(2026-03-28T10:00, 24, \"hours\")") == .datetime(berlinTime(2026, 3, 29, 11, 0)))
        #expect(try evaluate("date_add(2026-10-24T10:00, 1, \"days\")") == .datetime(berlinTime(2026, 10, 25, 10, 0)))
        #expect(try evaluate("date_add(2026-10-24T10:00, 90, \"minutes\")") == .datetime(berlinTime(2026, 10, 24, 11, 30)))
        #expect(try evaluate("date_add(start, 1.5, \"hours\")", ["start": .datetime(testNow)]) == .datetime(berlinTime(2026, 11, 20, 12, 0)))
        #expect(try evaluate("date_add(due, 1, title)", ["due": .date(civil(2026, 1, 1)), "title": .text("fortnights")]) == .error(.value))
        #expect(try evaluate("date_add(9999-12-31, 1, \"days\")") == .error(.number))
    }

    @Test func datetimeDiff() throws {
        #expect(try evaluate("datetime_diff(2026-11-20T10:30, 2026-11-20T09:00, \"hours\")") == .integer(1))
        #expect(try evaluate("datetime_diff(2026-11-20T09:00, 2026-11-20T10:30, \"minutes\")") == .integer(-90))
        #expect(try evaluate("datetime_diff(2026-03-29T12:00, 2026-03-28T12:00, \"hours\")") == .integer(23))
        #expect(try evaluate("datetime_diff(2026-03-29T12:00, 2026-03-28T12:00, \"days\")") == .integer(1))
        #expect(try evaluate("datetime_diff(2026-10-25T12:00, 2026-10-24T12:00, \"hours\")") == .integer(25))
        #expect(try evaluate("datetime_diff(2026-03-01, 2026-01-31, \"months\")") == .integer(1))
        #expect(try evaluate("datetime_diff(2026-02-28, 2026-01-31, \"months\")") == .integer(0))
        #expect(try evaluate("datetime_diff(2025-02-28, 2024-02-29, \"years\")") == .integer(0))
        #expect(try evaluate("datetime_diff(2025-03-01, 2024-02-29, \"years\")") == .integer(1))
        #expect(try evaluate("datetime_diff(2026-01-01, 2026-12-31, \"weeks\")") == .integer(-52))
    }

    @Test func workdays() throws {
        #expect(try evaluate("workdays(2026-11-16, 2026-11-20)") == .integer(5))
        #expect(try evaluate("workdays(2026-11-16, 2026-11-22)") == .integer(5))
        #expect(try evaluate("workdays(2026-11-21, 2026-11-22)") == .integer(0))
        #expect(try evaluate("workdays(2026-11-20, 2026-11-16)") == .integer(-5))
        #expect(try evaluate("workdays(2026-11-01, 2026-11-30)") == .integer(21))
        #expect(try evaluate("workdays(2026-11-20, 2026-11-20)") == .integer(1))
    }

    @Test func formatting() throws {
        #expect(try evaluate("format_date(2026-11-20T09:05:07, \"EEE dd MMM yyyy HH:mm:ss\")") == .text("Fri 20 Nov 2026 09:05:07"))
        #expect(try evaluate("format_date(2026-11-20, \"yyyy-MM-dd'T'HH:mm\")") == .text("2026-11-20T00:00"))
        #expect(try evaluate("format_date(2026-11-20T09:30Z, \"HH:mm\")") == .text("10:30"))
        #expect(try evaluate("to_timezone(2026-11-20T10:30, \"America/New_York\")") == .text("2026-11-20 04:30"))
        #expect(try evaluate("to_timezone(start, \"Asia/Tokyo\")", ["start": .datetime(testNow)]) == .text("2026-11-20 18:30"))
        #expect(try evaluate("to_timezone(start, title)", ["start": .datetime(testNow), "title": .text("Nowhere/City")]) == .error(.value))
    }
}
