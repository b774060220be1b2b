import Foundation
import TabulaEngine
import TabulaReports

/// The demo base of `tabula demo`: the time-tracking package with a few clients, projects,
/// tasks and a month of entries, generated from a fixed seed so every run shows the same data.
public enum DemoBase {
    public static func build(at path: String, actor: String, now: @escaping @Sendable () -> Instant) throws -> Base {
        guard let package = SchemaPackage.named("timetracking") else {
            throw EngineError("the timetracking package is missing from this build", hint: "rebuild tabula")
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
        func a(_ pairs: [(String, String)]) -> [TextAssignment] { pairs.map { TextAssignment(field: $0.0, text: $0.1) } }
        let people = ["anna", "boris", "chen"]
        _ = try base.insert(into: "People", rows: [
            a([("name", "anna"), ("email", "anna@example.com"), ("role", "lead"), ("rate", "100.00"), ("cost_rate", "55.00")]),
            a([("name", "boris"), ("email", "boris@example.com"), ("rate", "90.00"), ("cost_rate", "48.00")]),
            a([("name", "chen"), ("email", "chen@example.com"), ("rate", "85.00"), ("cost_rate", "45.00"), ("timezone", "Asia/Shanghai")]),
        ])
        _ = try base.insert(into: "Clients", rows: [
            a([("name", "Acme"), ("rate", "120.00")]),
            a([("name", "Globex"), ("rate", "95.50")]),
            a([("name", "Initech"), ("rate", "110.00")]),
        ])
        _ = try base.insert(into: "Projects", rows: [
            a([("name", "Website"), ("client", "Acme"), ("budget", "40h")]),
            a([("name", "Mobile app"), ("client", "Acme"), ("budget", "120h"), ("rate", "135.00")]),
            a([("name", "Data platform"), ("client", "Globex"), ("budget", "80h")]),
            a([("name", "Audit"), ("client", "Initech"), ("budget", "16h"), ("billing", "fixed_price"), ("price", "2000.00")]),
        ])
        _ = try base.insert(into: "Assignments", rows: [a([("person", "anna"), ("project", "Mobile app"), ("rate", "150.00")])])
        _ = try base.insert(into: "Phases", rows: [
            a([("name", "Design"), ("project", "Website"), ("planned", "12h")]),
            a([("name", "Build"), ("project", "Website"), ("planned", "28h")]),
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
        for day in 2...27 {
            guard let date = CivilDate(year: 2026, month: 11, day: day), date.weekday <= 5 else { continue }
            for person in people {
                var minute = 9 * 60
                for _ in 0..<Int.random(in: 2...3, using: &generator) {
                    let task = tasks[Int.random(in: 0..<tasks.count, using: &generator)]
                    let length = [30, 45, 60, 90, 120, 150][Int.random(in: 0..<6, using: &generator)]
                    let start = String(format: "2026-11-%02d %02d:%02d", day, minute / 60, minute % 60)
                    let end = String(format: "2026-11-%02d %02d:%02d", day, (minute + length) / 60, (minute + length) % 60)
                    let category = ["billable", "billable", "billable", "internal", "non_billable"][Int.random(in: 0..<5, using: &generator)]
                    entries.append(a([("task", task.0), ("person", person), ("start", start), ("end", end), ("category", category),
                                      ("stream", task.2), ("project", task.1), ("mode", "stopwatch"), ("source", "timer")]))
                    minute += length + 15
                }
            }
        }
        _ = try base.insert(into: "TimeEntries", rows: entries)
    }

    /// Runs a timer on the demo base: anna works 1h40m on the login flow on 30 November.
    public static func runTimer(_ base: Base) throws -> (started: TimerInterval, stopped: TimerInterval) {
        let actor = base.actor, clock = base.now
        defer { base.actor = actor; base.now = clock }
        base.actor = "anna"
        let start = Instant(millisecondsSinceEpoch: 1_796_025_600_000)  // 2026-11-30 09:00 in Berlin
        base.now = { start }
        let started = try base.startTimer(table: "Tasks", row: "Login flow")
        base.now = { start.adding(seconds: 100 * 60) }
        let stopped = try base.stopTimer(table: "Tasks", row: "Login flow")
        return (started, stopped[0])
    }
}
