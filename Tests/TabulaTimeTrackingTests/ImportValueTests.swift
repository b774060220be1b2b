import Testing
import TabulaEngine
@testable import TabulaTimeTracking

/// The readers of values as trackers export them, and recognising a file's format by its header.
@Suite struct ImportValueTests {
    @Test("decimal hours in either number format, exact to the second")
    func hours() {
        #expect(ImportValues.hours("7.5") == 27_000)
        #expect(ImportValues.hours("7,5") == 27_000)
        #expect(ImportValues.hours("2.000,0") == 7_200_000)
        #expect(ImportValues.hours("2,000.5") == 7_201_800)
        #expect(ImportValues.hours("0,01") == 36)
        #expect(ImportValues.hours("abc") == nil)
        #expect(ImportValues.hours("") == nil)
    }

    @Test("durations as a user's profile prints them")
    func durations() {
        #expect(ImportValues.duration("02:30:30") == 9030)
        #expect(ImportValues.duration("1.5 h") == 5400)
        #expect(ImportValues.duration("18:25 min") == 1105)
        #expect(ImportValues.duration("90 min") == 5400)
        #expect(ImportValues.duration("1:30") == 5400)
        #expect(ImportValues.duration("soon") == nil)
    }

    @Test("times on 12- and 24-hour clocks")
    func times() {
        #expect(ImportValues.time("09:15:00 AM") == 33_300)
        #expect(ImportValues.time("12:15 AM") == 900)
        #expect(ImportValues.time("12:00 PM") == 43_200)
        #expect(ImportValues.time("23:30") == 84_600)
        #expect(ImportValues.time("13:00 PM") == nil)
        #expect(ImportValues.time("25:00") == nil)
    }

    @Test("dates year first, dotted day first, slashed in the order given")
    func dates() {
        #expect(ImportValues.date("2016-8-1", order: nil) == CivilDate(year: 2016, month: 8, day: 1))
        #expect(ImportValues.date("26.01.2015", order: nil) == CivilDate(year: 2015, month: 1, day: 26))
        #expect(ImportValues.date("11/02/2026", order: .mdy) == CivilDate(year: 2026, month: 11, day: 2))
        #expect(ImportValues.date("11/02/2026", order: .dmy) == CivilDate(year: 2026, month: 2, day: 11))
        #expect(ImportValues.date("11/02/2026", order: nil) == nil)
        #expect(ImportValues.isAmbiguous("11/02/2026"))
        #expect(!ImportValues.isAmbiguous("13/02/2026"))
    }

    @Test("a header tells the format, Toggl from Clockify included")
    func recognise() {
        #expect(ImportFormat.recognise(header: ["User", "Email", "Client", "Project", "Task", "Description", "Billable", "Start date", "Start time",
                                                "End date", "End time", "Duration", "Tags", "Amount (EUR)"]) == .toggl)
        #expect(ImportFormat.recognise(header: ["Project", "Client", "Description", "Task", "User", "Group", "Email", "Tags", "Billable",
                                                "Start Date", "Start Time", "End Date", "End Time", "Duration (h)"]) == .clockify)
        #expect(ImportFormat.recognise(header: ["Date", "Client", "Project", "Project Code", "Task", "Notes", "Hours", "First Name", "Last Name"]) == .harvest)
        #expect(ImportFormat.recognise(header: ["Issue Key", "Issue summary", "Hours", "Work date", "Username", "Full name"]) == .tempo)
        #expect(ImportFormat.recognise(header: ["Datum", "Von", "Bis", "Dauer", "Benutzer", "Kunde", "Projekt", "Tätigkeit"]) == .kimai)
        #expect(ImportFormat.recognise(header: ["when", "who"]) == nil)
    }

    @Test("the same row hashes the same, and differently when a field differs")
    func rowHash() {
        #expect(RowHash.of(["a", "b"]) == RowHash.of(["a", "b"]))
        #expect(RowHash.of(["a", "b"]) != RowHash.of(["ab", ""]))
        #expect(RowHash.of(["x"]).count == 32)
    }
}
