import Foundation
import TabulaEngine
import TabulaIO
import TabulaLanguage
import TabulaReports

/// The `phases` report: planned against actual per project, phase and milestone. A project's
/// line sets its estimate (`budget`) beside the hours logged on it and, on a fixed price, the
/// price; a phase's its `planned` hours; a milestone covers the project's hours logged after the
/// previous milestone's due day up to its own, planned as its part of the project's estimate
/// (its share, or its amount over the price), beside its amount of the price. `value` is what the
/// actual hours are worth at their rates (the entries' amounts).
public enum PlanVsActual {
    /// One line of the report.
    public struct Line: Sendable, Hashable {
        /// What the line plans: a whole project, one of its phases or one of its milestones.
        public enum Kind: String, Sendable { case project, phase, milestone }
        public var project: String
        public var kind: Kind
        public var name: String
        public var due: CivilDate?
        public var planned: Int64?
        public var actual: Int64
        /// The part of the fixed price: a milestone's amount (or share of the price), a project's price.
        public var price: Money?
        public var value: Money
        public var variance: Int64? { planned.map { actual - $0 } }
    }

    /// The lines for the entries of `days` (all of them when nil), project by project (by name),
    /// phases by name, milestones by due day.
    public static func lines(_ base: Base, days: ClosedRange<CivilDate>?) throws -> [Line] {
        let currency = base.schema.currency
        func money(_ v: Value?) -> Money? { if case .money(let m)? = v { return m } else { return nil } }
        func seconds(_ v: Value?) -> Int64? { if case .duration(let s)? = v { return s } else { return nil } }
        func named(_ table: Table, _ record: RowRecord) -> [String: Value] {
            Dictionary(uniqueKeysWithValues: table.fields.enumerated().map { ($1.name, record.values[$0]) })
        }
        // The hours and their value per project and phase, and per project and day, read by the
        // report language (so the entries' read rule holds).
        let period = days.map { " for \($0.lowerBound.iso)..\($0.upperBound.iso)" } ?? ""
        struct Figures { var seconds: Int64 = 0; var minor: Int64 = 0 }
        /// The rows as (project, the second group, hours and amount).
        func run(_ query: String) throws -> [(String, String, Figures)] {
            let table = try ReportRunner.run(SourceText(name: "phases", text: query + " from TimeEntries" + period + " where not is_blank(project)"), on: base).table
            let names = table.columns.map(\.name)
            guard let hours = names.firstIndex(of: "hours"), let amount = names.firstIndex(of: "amount") else { return [] }
            let groups = names.indices.filter { $0 != hours && $0 != amount }
            guard groups.count == 2 else { return [] }
            return table.rows.map { row in
                (plainText(row[groups[0]]), plainText(row[groups[1]]), Figures(seconds: seconds(row[hours]) ?? 0, minor: money(row[amount])?.minorUnits ?? 0))
            }
        }
        func add(_ f: inout Figures, _ g: Figures) {
            f.seconds += g.seconds
            f.minor += g.minor
        }
        var byPhase: [String: [String: Figures]] = [:], byProject: [String: Figures] = [:]
        for (project, phase, f) in try run("sum(duration) as hours, sum(amount) as amount by project, task.phase") {
            add(&byPhase[project, default: [:]][phase, default: Figures()], f)
            add(&byProject[project, default: Figures()], f)
        }
        var byDay: [String: [(CivilDate, Figures)]] = [:]
        for (project, text, f) in try run("sum(duration) as hours, sum(amount) as amount by project, local_day") {
            guard let day = CivilDate(iso: text) else { continue }
            byDay[project, default: []].append((day, f))
        }

        let projects = try base.table(named: "Projects"), phases = try base.table(named: "Phases"), milestones = try base.table(named: "Milestones")
        var phasesOf: [RowID: [[String: Value]]] = [:], milestonesOf: [RowID: [[String: Value]]] = [:]
        for r in try base.rows(of: phases) { let v = named(phases, r); if case .link(let p) = v["project"] { phasesOf[p, default: []].append(v) } }
        for r in try base.rows(of: milestones) { let v = named(milestones, r); if case .link(let p) = v["project"] { milestonesOf[p, default: []].append(v) } }
        var result: [Line] = []
        let projectRows = try base.rows(of: projects).map { ($0.id, named(projects, $0)) }.sorted { plainText($0.1["name"]) < plainText($1.1["name"]) }
        for (id, p) in projectRows {
            let name = plainText(p["name"])
            let budget = seconds(p["budget"]).flatMap { $0 > 0 ? $0 : nil }
            let fixed = plainText(p["billing"]) == "fixed_price", price = money(p["price"])
            // By due day, a milestone without one last (it covers the rest), then by name.
            func dueKey(_ m: [String: Value]) -> (Int64, String) {
                if case .date(let d)? = m["due"] { return (d.daysSinceEpoch, plainText(m["name"])) }
                return (Int64.max, plainText(m["name"]))
            }
            let own = phasesOf[id] ?? [], due = (milestonesOf[id] ?? []).sorted { dueKey($0) < dueKey($1) }
            let total = byProject[name] ?? Figures()
            guard budget != nil || !own.isEmpty || !due.isEmpty || total.seconds > 0 else { continue }
            var lines = [Line(project: name, kind: .project, name: name, due: nil, planned: budget, actual: total.seconds,
                              price: fixed ? price : nil, value: Money(minorUnits: total.minor, currency: currency))]
            var seen: Set<String> = []
            for phase in own.sorted(by: { plainText($0["name"]) < plainText($1["name"]) }) {
                let phaseName = plainText(phase["name"])
                seen.insert(phaseName)
                let f = byPhase[name]?[phaseName] ?? Figures()
                lines.append(Line(project: name, kind: .phase, name: phaseName, due: nil, planned: seconds(phase["planned"]), actual: f.seconds,
                                  price: nil, value: Money(minorUnits: f.minor, currency: currency)))
            }
            // On a project with phases, hours on tasks of no phase (or another project's phase) get a line of their own.
            for (phaseName, f) in (byPhase[name] ?? [:]).sorted(by: { $0.key < $1.key }) where !own.isEmpty && !seen.contains(phaseName) && f.seconds > 0 {
                lines.append(Line(project: name, kind: .phase, name: phaseName.isEmpty ? "(no phase)" : phaseName, due: nil, planned: nil,
                                  actual: f.seconds, price: nil, value: Money(minorUnits: f.minor, currency: currency)))
            }
            var after: CivilDate?
            for m in due {
                let mname = plainText(m["name"])
                let day: CivilDate? = { if case .date(let d)? = m["due"] { return d } else { return nil } }()
                var f = Figures()
                for (d, row) in byDay[name] ?? [] where (after.map { d > $0 } ?? true) && (day.map { d <= $0 } ?? true) { add(&f, row) }
                after = day ?? after
                let part: Money? = money(m["amount"]) ?? {
                    if case .percent(let share)? = m["share"], let price { return price.multiplied(by: share) }
                    return nil
                }()
                let fraction: Double? = {
                    if case .percent(let share)? = m["share"] { return share }
                    if let part, let price, price.minorUnits > 0 { return Double(part.minorUnits) / Double(price.minorUnits) }
                    return nil
                }()
                let planned = budget.flatMap { b in fraction.map { Int64((Double(b) * $0).rounded()) } }
                lines.append(Line(project: name, kind: .milestone, name: mname, due: day, planned: planned, actual: f.seconds,
                                  price: part, value: Money(minorUnits: f.minor, currency: currency)))
            }
            result += lines
        }
        return result
    }

    /// The lines as the report's table (no totals row: the lines of a project overlap).
    static func table(_ lines: [Line], currency: String) -> ResultTable {
        let columns: [(String, ValueType)] = [("project", .text), ("kind", .text), ("name", .text), ("due", .date), ("planned", .duration),
                                              ("actual", .duration), ("variance", .duration), ("price", .currency(currency)), ("value", .currency(currency))]
        return ResultTable(columns: columns.map { ResultColumn(name: $0.0, type: $0.1) }, rows: lines.map { l in
            [.text(l.project), .text(l.kind.rawValue), .text(l.name), l.due.map(Value.date) ?? .blank, l.planned.map(Value.duration) ?? .blank,
             .duration(l.actual), l.variance.map(Value.duration) ?? .blank, l.price.map(Value.money) ?? .blank, .money(l.value)]
        })
    }
}
