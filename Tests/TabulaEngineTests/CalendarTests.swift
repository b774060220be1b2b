import Testing
@testable import TabulaEngine

@Suite("Calendar")
struct CalendarTests {
    @Test func epochAndComponents() {
        #expect(date(1970, 1, 1).daysSinceEpoch == 0)
        #expect(date(2026, 11, 20).daysSinceEpoch == 20_777)
        #expect(CivilDate(daysSinceEpoch: 20_777).components == (2026, 11, 20))
        #expect(date(1969, 12, 31).daysSinceEpoch == -1)
        #expect(CivilDate(daysSinceEpoch: -1).components == (1969, 12, 31))
        #expect(date(1900, 3, 1).daysSinceEpoch == -25_508)
        #expect(date(1, 1, 1).components == (1, 1, 1))
        #expect(date(2000, 2, 29).components == (2000, 2, 29))
    }

    @Test func roundTripsEveryDayOverCenturies() {
        var d = date(1599, 1, 1)
        var expected = (year: 1599, month: 1, day: 1)
        while d.year < 2401 {
            let c = d.components
            #expect(c == expected)
            #expect(CivilDate(year: c.year, month: c.month, day: c.day) == d)
            // Advance the expectation by hand.
            expected.day += 1
            if expected.day > CivilDate.daysInMonth(year: expected.year, month: expected.month) {
                expected.day = 1; expected.month += 1
                if expected.month > 12 { expected.month = 1; expected.year += 1 }
            }
            d = d.adding(days: 1)
        }
    }

    @Test func validation() {
        #expect(CivilDate(year: 2026, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 2026, month: 13, day: 1) == nil)
        #expect(CivilDate(year: 2026, month: 4, day: 31) == nil)
        #expect(CivilDate(year: 2026, month: 4, day: 0) == nil)
        #expect(CivilDate.isLeap(2024) && !CivilDate.isLeap(2100) && CivilDate.isLeap(2400) && !CivilDate.isLeap(2026))
        #expect(CivilDate.daysInMonth(year: 2026, month: 2) == 28)
        #expect(CivilDate.daysInMonth(year: 2028, month: 2) == 29)
        #expect(CivilDate.daysInMonth(year: 2026, month: 11) == 30)
    }

    @Test func weekdays() {
        #expect(date(1970, 1, 1).weekday == 4)    // Thursday
        #expect(date(2026, 11, 20).weekday == 5)  // Friday
        #expect(date(2026, 11, 22).weekday == 7)  // Sunday
        #expect(date(2026, 11, 23).weekday == 1)  // Monday
        #expect(date(1969, 12, 29).weekday == 1)  // Monday, before the epoch
        #expect(date(1900, 1, 1).weekday == 1)
        #expect(date(2026, 11, 20).weekStart == date(2026, 11, 16))
        #expect(date(2026, 11, 16).weekStart == date(2026, 11, 16))
        #expect(date(2026, 11, 22).weekStart == date(2026, 11, 16))
        #expect(date(1970, 1, 1).weekStart == date(1969, 12, 29))
    }

    @Test func isoWeeks() {
        #expect(date(2020, 12, 31).isoWeek == (2020, 53))
        #expect(date(2021, 1, 3).isoWeek == (2020, 53))
        #expect(date(2021, 1, 4).isoWeek == (2021, 1))
        #expect(date(2026, 11, 20).isoWeek == (2026, 47))
        #expect(date(2024, 12, 30).isoWeek == (2025, 1))
        #expect(date(2026, 1, 1).isoWeek == (2026, 1))
        #expect(date(2027, 1, 1).isoWeek == (2026, 53))
        #expect(date(2026, 12, 31).isoWeek == (2026, 53))
        #expect(date(2027, 1, 4).isoWeek == (2027, 1))
    }

    @Test func monthArithmetic() {
        #expect(date(2026, 1, 31).adding(months: 1) == date(2026, 2, 28))
        #expect(date(2024, 1, 31).adding(months: 1) == date(2024, 2, 29))
        #expect(date(2026, 3, 31).adding(months: -1) == date(2026, 2, 28))
        #expect(date(2026, 11, 20).adding(months: 2) == date(2027, 1, 20))
        #expect(date(2026, 1, 15).adding(months: -13) == date(2024, 12, 15))
        #expect(date(2024, 2, 29).adding(years: 1) == date(2025, 2, 28))
        #expect(date(2024, 2, 29).adding(years: 4) == date(2028, 2, 29))
        #expect(date(1970, 1, 1).adding(days: -365) == date(1969, 1, 1))
        #expect(date(2026, 11, 20).monthStart == date(2026, 11, 1))
        #expect(date(2026, 11, 20).monthEnd == date(2026, 11, 30))
        #expect(date(2024, 2, 3).monthEnd == date(2024, 2, 29))
        #expect(date(1969, 12, 5).monthEnd == date(1969, 12, 31))
        #expect(date(2026, 11, 20).quarter == 4)
        #expect(date(2026, 3, 31).quarter == 1)
        #expect(date(2026, 4, 1).quarter == 2)
        #expect(date(2026, 11, 20).quarterStart == date(2026, 10, 1))
        #expect(date(2026, 11, 20).yearStart == date(2026, 1, 1))
        #expect(date(2026, 12, 31).dayOfYear == 365)
        #expect(date(2024, 12, 31).dayOfYear == 366)
    }

    @Test func isoText() {
        #expect(date(2026, 11, 20).iso == "2026-11-20")
        #expect(date(2026, 11, 20).description == "2026-11-20")
        #expect(date(5, 1, 9).iso == "0005-01-09")
        #expect(CivilDate(iso: "2026-11-20") == date(2026, 11, 20))
        #expect(CivilDate(iso: "  2026-11-20 ") == date(2026, 11, 20))
        #expect(CivilDate(iso: "2026-02-30") == nil)
        #expect(CivilDate(iso: "2026-2-3") == nil)
        #expect(CivilDate(iso: "20261120") == nil)
        #expect(CivilDate(iso: "2026-11-20x") == nil)
        let far = date(12_345, 6, 7)
        #expect(far.iso == "+12345-06-07")
        #expect(CivilDate(iso: far.iso) == far)
        let bc = date(-1, 12, 31)
        #expect(bc.iso == "-0001-12-31")
        #expect(CivilDate(iso: bc.iso) == bc)
        #expect(date(1, 1, 1).isSupported && !bc.isSupported)
    }
}

@Suite("Time zones")
struct TimeZoneTests {
    @Test func validity() {
        #expect(TimeZoneRules.isValid("Europe/Berlin"))
        #expect(TimeZoneRules.isValid("UTC"))
        #expect(!TimeZoneRules.isValid("Mars/Olympus"))
        #expect(TimeZoneRules(identifier: "Europe/Berlin") == TimeZoneRules(identifier: "Europe/Berlin"))
    }

    @Test func offsets() {
        let berlin = TimeZoneRules(identifier: "Europe/Berlin")!
        let winter = Instant(date: date(2026, 1, 15), secondsOfDay: 12 * 3600, timeZone: "UTC")
        let summer = Instant(date: date(2026, 7, 15), secondsOfDay: 12 * 3600, timeZone: "UTC")
        #expect(berlin.offset(at: winter) == 3600)
        #expect(berlin.offset(at: summer) == 7200)
        #expect(TimeZoneRules.utc.offset(at: summer) == 0)
    }

    @Test func localTimeRoundTrip() {
        let i = Instant(date: date(2026, 11, 20), secondsOfDay: 10 * 3600 + 30 * 60, millisecond: 250, timeZone: "Europe/Berlin")
        #expect(i.millisecondsSinceEpoch == (20_777 * 86_400 + 9 * 3600 + 30 * 60) * 1000 + 250)
        let t = i.localTime(in: "Europe/Berlin")
        #expect(t.date == date(2026, 11, 20))
        #expect(t.secondsOfDay == 37_800)
        #expect(t.millisecond == 250)
        #expect(t.offsetSeconds == 3600)
        #expect(i.civilDate(in: "Pacific/Kiritimati") == date(2026, 11, 20))
        #expect(i.civilDate(in: "America/Los_Angeles") == date(2026, 11, 20))
        let late = Instant(date: date(2026, 11, 20), secondsOfDay: 23 * 3600, timeZone: "UTC")
        #expect(late.civilDate(in: "Europe/Berlin") == date(2026, 11, 21))
    }

    @Test func springForwardGapMovesForward() {
        // 2026-03-29: Berlin clocks jump from 02:00 CET to 03:00 CEST; 02:30 does not exist.
        let i = Instant(date: date(2026, 3, 29), secondsOfDay: 2 * 3600 + 30 * 60, timeZone: "Europe/Berlin")
        let t = i.localTime(in: "Europe/Berlin")
        #expect(t.secondsOfDay == 3 * 3600 + 30 * 60)
        #expect(t.offsetSeconds == 7200)
        #expect(i.iso8601(in: "Europe/Berlin") == "2026-03-29T03:30:00+02:00")
        #expect(i.iso8601(in: "UTC") == "2026-03-29T01:30:00Z")
        // Just before the gap is untouched.
        let before = Instant(date: date(2026, 3, 29), secondsOfDay: 1 * 3600 + 59 * 60, timeZone: "Europe/Berlin")
        #expect(before.iso8601(in: "Europe/Berlin") == "2026-03-29T01:59:00+01:00")
        #expect(i.millisecondsSinceEpoch - before.millisecondsSinceEpoch == 31 * 60 * 1000)
    }

    @Test func fallBackOverlapTakesEarlier() {
        // 2026-10-25: Berlin clocks go back from 03:00 CEST to 02:00 CET; 02:30 happens twice.
        let i = Instant(date: date(2026, 10, 25), secondsOfDay: 2 * 3600 + 30 * 60, timeZone: "Europe/Berlin")
        #expect(i.iso8601(in: "Europe/Berlin") == "2026-10-25T02:30:00+02:00")
        #expect(i.iso8601(in: "UTC") == "2026-10-25T00:30:00Z")
        let later = i.adding(seconds: 3600)
        #expect(later.iso8601(in: "Europe/Berlin") == "2026-10-25T02:30:00+01:00")
        let rules = TimeZoneRules(identifier: "Europe/Berlin")!
        let local = date(2026, 10, 25).daysSinceEpoch * 86_400 + 9000
        #expect(rules.instants(ofLocalSecond: local).count == 2)
    }

    @Test func isoFormatting() {
        let i = Instant(date: date(2026, 11, 20), secondsOfDay: 37_800, timeZone: "Europe/Berlin")
        #expect(i.iso8601(in: "Europe/Berlin") == "2026-11-20T10:30:00+01:00")
        #expect(i.iso8601(in: "UTC") == "2026-11-20T09:30:00Z")
        #expect(i.iso8601(in: "Asia/Kolkata") == "2026-11-20T15:00:00+05:30")
        #expect(i.iso8601(in: "America/New_York") == "2026-11-20T04:30:00-05:00")
        #expect(i.iso8601(in: "Europe/London") == "2026-11-20T09:30:00+00:00")
        #expect(i.adding(milliseconds: 123).iso8601(in: "UTC") == "2026-11-20T09:30:00.123Z")
        #expect(i.description == "2026-11-20T09:30:00Z")
    }

    @Test func beforeTheEpoch() {
        let i = Instant(date: date(1969, 12, 31), secondsOfDay: 23 * 3600 + 59 * 60 + 59, millisecond: 500, timeZone: "UTC")
        #expect(i.millisecondsSinceEpoch == -500)
        let t = i.localTime(in: "UTC")
        #expect(t.date == date(1969, 12, 31) && t.secondsOfDay == 86_399 && t.millisecond == 500)
        #expect(i.iso8601(in: "UTC") == "1969-12-31T23:59:59.500Z")
        let old = Instant(date: date(1900, 6, 1), secondsOfDay: 0, timeZone: "UTC")
        #expect(old.iso8601(in: "UTC") == "1900-06-01T00:00:00Z")
        #expect(Instant(date: date(1900, 6, 1), secondsOfDay: 0, timeZone: "Europe/Berlin").localTime(in: "Europe/Berlin").secondsOfDay == 0)
    }
}
