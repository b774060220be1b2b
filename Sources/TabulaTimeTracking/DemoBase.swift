import Foundation
import TabulaEngine
import TabulaReports

/// The demo base of `tabula demo`: the time-tracking package with a few clients, projects,
/// tasks and a month of entries, generated from a fixed seed so every run shows the same data.
public enum DemoBase {
    public static func build(at path: String, actor: String, now: @escaping @Sendable () -> Instant) throws -> Base {
        guard let package = SchemaPackage.named("timetracking") else {
            throw EngineError(.notFound, "the timetracking package is missing from this build", hint: "rebuild tabula")
        }
        let base = try Base.create(at: path, schemaSource: package.source, sourceName: "Samples/timetracking.tabula", actor: actor, now: now,
                                   reportChecker: ReportChecker())
        do {
            try populate(base)
        } catch {
            base.close()
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return base
    }

    static func populate(_ base: Base) throws {
        TimeTracking.install(on: base)
        try base.write { tx in try populate(tx) }
    }

    static func populate(_ base: WriteTransaction) throws {
        func a(_ pairs: [(String, String)]) -> [TextAssignment] { pairs.map { TextAssignment(field: $0.0, text: $0.1) } }
        let people = ["anna", "boris", "chen"]
        _ = try base.insert(into: "People", rows: [
            a([("name", "anna"), ("email", "anna@example.com"), ("role", "lead"), ("rate", "100.00"), ("cost_rate", "55.00"), ("employee_number", "00001001")]),
            a([("name", "boris"), ("email", "boris@example.com"), ("rate", "90.00"), ("cost_rate", "48.00"), ("employee_number", "00001002")]),
            a([("name", "chen"), ("email", "chen@example.com"), ("rate", "85.00"), ("cost_rate", "45.00"), ("timezone", "Asia/Shanghai"),
               ("employee_number", "00001003")]),
            a([("name", "dana"), ("email", "dana@example.com"), ("role", "finance")]),
        ])
        _ = try base.insert(into: "Clients", rows: [
            a([("name", "Acme"), ("rate", "120.00"), ("tax_id", "7701234567"), ("contract", "No. 12/2026 of 2026-01-15")]),
            a([("name", "Globex"), ("rate", "95.50"), ("tax_id", "7802345678")]),
            a([("name", "Initech"), ("rate", "110.00")]),
        ])
        _ = try base.insert(into: "Projects", rows: [
            a([("name", "Website"), ("client", "Acme"), ("budget", "40h"), ("bill_by", "phase"), ("service_item", "Web development"),
               ("wbs_element", "P-1001"), ("activity_type", "DEV")]),
            a([("name", "Mobile app"), ("client", "Acme"), ("budget", "120h"), ("rate", "135.00"), ("service_item", "App development"),
               ("wbs_element", "P-1002"), ("activity_type", "DEV")]),
            a([("name", "Data platform"), ("client", "Globex"), ("budget", "80h"), ("service_item", "Consulting"),
               ("wbs_element", "P-2001"), ("activity_type", "CONS")]),
            a([("name", "Audit"), ("client", "Initech"), ("budget", "16h"), ("billing", "fixed_price"), ("price", "2000.00"),
               ("wbs_element", "P-3001"), ("activity_type", "CONS")]),
        ])
        _ = try base.insert(into: "Assignments", rows: [a([("person", "anna"), ("project", "Mobile app"), ("rate", "150.00")])])
        _ = try base.insert(into: "Phases", rows: [
            a([("name", "Design"), ("project", "Website"), ("planned", "12h"), ("wbs_element", "P-1001-01")]),
            a([("name", "Build"), ("project", "Website"), ("planned", "28h"), ("wbs_element", "P-1001-02")]),
        ])
        let tasks: [(String, String, String, String)] = [
            ("Landing page", "Website", "frontend, design", "Design"), ("CMS integration", "Website", "backend", "Build"),
            ("Login flow", "Mobile app", "frontend, backend", ""), ("Push notifications", "Mobile app", "backend", ""),
            ("Ingestion", "Data platform", "backend", ""), ("Dashboards", "Data platform", "frontend, research", ""),
            ("Security review", "Audit", "research", ""),
        ]
        _ = try base.insert(into: "Tasks", rows: tasks.map { a([("title", $0.0), ("project", $0.1), ("stream", $0.2), ("phase", $0.3)]) })
        var generator = SeededGenerator(seed: 2026)
        var entries: [[TextAssignment]] = []
        let zone = base.schema.timeZone, now = base.now()
        let today = now.civilDate(in: zone), nowLocal = now.localTime(in: zone).secondsOfDay / 60
        for date in demoDays(until: today) where date.weekday <= 5 {
            for person in people {
                var minute = 9 * 60
                for _ in 0..<Int.random(in: 2...3, using: &generator) {
                    let task = tasks[Int.random(in: 0..<tasks.count, using: &generator)]
                    let length = [30, 45, 60, 90, 120, 150][Int.random(in: 0..<6, using: &generator)]
                    let category = ["billable", "billable", "billable", "internal", "non_billable"][Int.random(in: 0..<5, using: &generator)]
                    defer { minute += length + 15 }
                    // Today's hours stop at the clock: nothing is logged in the future.
                    if date == today && minute + length > nowLocal { continue }
                    entries.append(a([("task", task.0), ("person", person), ("start", clockTime(date, minute)), ("end", clockTime(date, minute + length)),
                                      ("category", category), ("stream", task.2), ("project", task.1), ("mode", "stopwatch"), ("source", "timer")]))
                }
            }
        }
        _ = try base.insert(into: "TimeEntries", rows: entries)
        // Billing: the fixed-price audit falls due in two milestones, the website has a monthly
        // hosting fee, and the SAP company code is set.
        let lastMonth = today.monthStart.adding(months: -1)
        _ = try base.insert(into: "Milestones", rows: [
            a([("name", "Kick-off"), ("project", "Audit"), ("due", lastMonth.monthEnd.iso), ("share", "30%")]),
            a([("name", "Report"), ("project", "Audit"), ("due", today.monthEnd.iso), ("share", "70%")]),
        ])
        _ = try base.insert(into: "Fees", rows: [lastMonth, today.monthStart].map {
            a([("description", "Hosting"), ("project", "Website"), ("period", String(format: "%04d-%02d", $0.year, $0.month)), ("amount", "49.00")])
        })
        try base.setSetting(TimeTracking.companyCode, to: "1010")
    }

    /// The days the demo logs hours on: from the first of last month to today, so this month,
    /// last month and this week all have hours whatever the day.
    static func demoDays(until today: CivilDate) -> [CivilDate] {
        let first = today.monthStart.adding(months: -1)
        return (0...(today.daysSinceEpoch - first.daysSinceEpoch)).map { first.adding(days: $0) }
    }

    /// `2026-11-20 09:30` for a day and a minute of it.
    static func clockTime(_ date: CivilDate, _ minute: Int) -> String {
        String(format: "%@ %02d:%02d", date.iso, minute / 60, minute % 60)
    }

    /// What `tabula demo` says about its entries: how many, and the months they cover.
    public static func summary(of base: Base) throws -> String {
        let entries = try base.rowCount(of: try base.table(named: "TimeEntries"))
        let today = base.now().civilDate(in: base.schema.timeZone)
        let first = today.monthStart.adding(months: -1)
        return "\(entries) time entries from \(first.iso) to \(today.iso) for anna, boris and chen on 3 clients, 4 projects, 7 tasks."
    }

    /// Runs a timer on the demo base: anna works the last 1h40m on the login flow.
    public static func runTimer(_ base: Base) throws -> (started: TimerInterval, stopped: TimerInterval) {
        let actor = base.actor, clock = base.now
        defer { base.actor = actor; base.now = clock }
        base.actor = "anna"
        let now = clock().millisecondsSinceEpoch
        let end = Instant(millisecondsSinceEpoch: now - now % 60_000)
        let start = end.adding(seconds: -100 * 60)
        base.now = { start }
        let started = try base.write { try $0.startTimer(table: "Tasks", row: "Login flow") }.value
        base.now = { end }
        let stopped = try base.write { try $0.stopTimer(table: "Tasks", row: "Login flow") }.value
        return (started, stopped[0])
    }
}
