import Foundation
import TabulaEngine
import TabulaTimeTracking

/// Kill -9 at random moments: real `tabula` processes run a script of writes on a copy of the
/// demo base (a bulk `add --file`, an import, timer start/switch/stop, an `apply` that rebuilds a
/// table, closing and approving a month while a webhook endpoint takes `period.approved`); one of
/// them is killed with SIGKILL after a random delay. The base is then reopened and checked: the
/// full integrity check is clean (SQLite's checks, computed values, history against rows), every
/// command that reported success is there in full, the killed one is there whole or not at all,
/// the ones after it not at all; and the outbox holds the month's `period.approved` event if and
/// only if the approval committed.
public struct CrashHarness {
    public var runs: Int
    public var seed: UInt64
    /// The `tabula` binary the processes run.
    public var binary: String
    public var folder: String

    public init(runs: Int, seed: UInt64, binary: String, folder: String) {
        self.runs = runs; self.seed = seed; self.binary = binary; self.folder = folder
    }

    /// What the runs found.
    public struct Summary: Sendable {
        public var runs = 0
        public var consistent = 0
        /// Runs whose kill landed while its command was running, by the command's kind.
        public var killedMidCommand: [String: Int] = [:]
        /// Runs whose kill came after the command had finished (it reported success).
        public var killedAfterFinish = 0
        public var failures: [String] = []

        public var lines: [String] {
            let kinds = killedMidCommand.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return ["\(consistent) of \(runs) runs consistent",
                    "killed mid-command: \(killedMidCommand.values.reduce(0, +)) (\(kinds.isEmpty ? "none" : kinds)); after the command finished: \(killedAfterFinish)"]
                + failures
        }
    }

    /// A group of steps whose effect on the base is observed together: its signature after
    /// 0, 1, 2 ... of its steps.
    struct Group {
        var name: String
        var steps: [Step]
        var expected: [String]
        var observe: (Base) throws -> String
    }

    struct Step {
        var kind: String
        var arguments: [String]
        var user = "anna"
    }

    static let now = "2026-11-20T10:00:00Z"
    static let bulkRows = 3000
    static let importRows = 60

    public func run(progress: (String) -> Void = { _ in }) throws -> Summary {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let template = folder + "/template.db"
        Self.remove(template)
        let instant = Instant(millisecondsSinceEpoch: 1_795_168_800_000)  // Self.now
        let base = try DemoBase.build(at: template, actor: "anna", now: { instant })
        let schemaSource = base.schemaSource
        let firstNewEntry = (try base.columnValues(of: try Self.table(base, "TimeEntries"), fields: []).map(\.id).max() ?? 0) + 1
        // An endpoint that takes approvals: approving writes its event to the outbox in the same
        // transaction. Nothing delivers during the runs (no server), so the outbox keeps it.
        _ = try base.webhooks.add(url: "http://127.0.0.1:9/crash-hook", events: [WebhookEvents.periodApproved],
                                  secret: "whsec_" + Data((0..<24).map { UInt8($0) }).base64EncodedString())
        base.close()
        guard schemaSource.contains(Self.contractLine) else {
            throw EngineError(.notFound, "the demo schema has no Clients.contract line to migrate", hint: "update CrashHarness")
        }
        try schemaSource.replacingOccurrences(of: Self.contractLine, with: "  crash_mark    text\n")
            .write(toFile: folder + "/migrated.tabula", atomically: true, encoding: .utf8)
        var random = SeededGenerator(seed: seed)
        var typical: [String: Double] = [:]
        var summary = Summary()
        for run in 1...runs {
            let path = folder + "/run.db"
            Self.remove(path)
            try FileManager.default.copyItem(atPath: template, toPath: path)
            let groups = try makeGroups(run: run, firstNewEntry: firstNewEntry, random: &random)
            // The groups' steps interleaved in a random order, each group's in its own order.
            var order: [(group: Int, step: Int)] = []
            var next = Array(repeating: 0, count: groups.count)
            while order.count < groups.reduce(0, { $0 + $1.steps.count }) {
                let open = groups.indices.filter { next[$0] < groups[$0].steps.count }
                let g = open.randomElement(using: &random)!
                order.append((g, next[g])); next[g] += 1
            }
            let victim = Int.random(in: 0..<order.count, using: &random)
            var done = Array(repeating: 0, count: groups.count)
            var killedGroup: Int?
            var problems: [String] = []
            for (i, (g, s)) in order.enumerated() {
                let step = groups[g].steps[s]
                let delay = i == victim ? Double.random(in: 0...(1.3 * (typical[step.kind] ?? 60)), using: &random) : nil
                let outcome = try launch(step, base: path, killAfterMilliseconds: delay)
                switch outcome {
                case .finished(let status, let milliseconds, let stderr):
                    if status != 0 { problems.append("\(step.kind) exited \(status): \(stderr.prefix(300))"); break }
                    done[g] += 1
                    typical[step.kind] = (typical[step.kind].map { $0 * 0.7 + milliseconds * 0.3 }) ?? milliseconds
                    if i == victim { summary.killedAfterFinish += 1 }
                case .killed:
                    killedGroup = g
                    summary.killedMidCommand[step.kind, default: 0] += 1
                }
                if i == victim || !problems.isEmpty { break }
            }
            problems += try verify(path, groups: groups, done: done, killed: killedGroup)
            summary.runs += 1
            if problems.isEmpty { summary.consistent += 1 } else { summary.failures.append("run \(run): " + problems.joined(separator: "; ")) }
            progress("run \(run): \(problems.isEmpty ? "consistent" : "INCONSISTENT")")
        }
        Self.remove(template)
        Self.remove(folder + "/run.db")
        try? FileManager.default.removeItem(atPath: folder + "/migrated.tabula")
        return summary
    }

    static let contractLine = "  contract      text            # Договор in a 1C act\n"

    func makeGroups(run: Int, firstNewEntry: RowID, random: inout SeededGenerator) throws -> [Group] {
        let tag = "crash\(run)-"
        let bulk = folder + "/bulk.csv"
        try ("name\n" + (0..<Self.bulkRows).map { "\(tag)\($0)" }.joined(separator: "\n") + "\n").write(toFile: bulk, atomically: true, encoding: .utf8)
        let imported = folder + "/import.csv"
        var toggl = "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags\n"
        for i in 0..<Self.importRows {
            let day = String(format: "2026-11-%02d", 1 + i % 19), hour = String(format: "%02d", 6 + i / 19)
            toggl += "anna,anna@example.com,Acme,Website,Landing page,\(tag)import,Yes,\(day),\(hour):00:00,\(day),\(hour):20:00,00:20:00,\n"
        }
        try toggl.write(toFile: imported, atomically: true, encoding: .utf8)
        var groups = [
            Group(name: "add --file", steps: [Step(kind: "add --file", arguments: ["add", "BASE", "Clients", "--file", bulk])],
                  expected: ["0", "\(Self.bulkRows)"]) { base in
                let clients = try Self.table(base, "Clients")
                return "\(try base.columnValues(of: clients, fields: ["name"]).filter { Self.text($0.values.first).hasPrefix(tag) }.count)"
            },
            Group(name: "import", steps: [Step(kind: "import", arguments: ["import", "BASE", imported])], expected: ["0", "\(Self.importRows)"]) { base in
                let entries = try Self.table(base, "TimeEntries")
                return "\(try base.columnValues(of: entries, fields: ["note"]).filter { Self.text($0.values.first) == "\(tag)import" }.count)"
            },
            Group(name: "timer", steps: [Step(kind: "timer start", arguments: ["timer", "start", "BASE", "Tasks", "#1"], user: "chen"),
                                         Step(kind: "timer switch", arguments: ["timer", "switch", "BASE", "Tasks", "#2"], user: "chen"),
                                         Step(kind: "timer stop", arguments: ["timer", "stop", "BASE"], user: "chen")],
                  expected: ["0 new, 0 running", "1 new, 1 running", "2 new, 1 running", "2 new, 0 running"]) { base in
                let entries = try Self.table(base, "TimeEntries")
                let rows = try base.columnValues(of: entries, fields: ["person", "end"]).filter { $0.id >= firstNewEntry && $0.values[0] == .link(3) }
                return "\(rows.count) new, \(rows.filter { $0.values[1].isBlank }.count) running"
            },
            Group(name: "apply", steps: [Step(kind: "apply (rebuild)", arguments: ["apply", "BASE", folder + "/migrated.tabula", "--allow-destructive"])],
                  expected: ["old", "new"]) { base in
                let clients = try Self.table(base, "Clients")
                switch (clients.field(named: "contract") != nil, clients.field(named: "crash_mark") != nil) {
                case (true, false): return "old"
                case (false, true): return "new"
                default: return "half migrated"
                }
            },
            Group(name: "period", steps: [Step(kind: "period close", arguments: ["period", "close", "BASE", "2026-10"]),
                                          Step(kind: "period approve", arguments: ["period", "approve", "BASE", "2026-10"])],
                  expected: ["open, no event", "closed, no event", "approved, its event"]) { base in
                let periods = try Self.table(base, "Periods")
                let rows = try base.columnValues(of: periods, fields: ["month", "state"])
                let state = rows.first { Self.text($0.values[0]) == "2026-10" }.map { Self.text($0.values[1]) } ?? "missing"
                // The month's approval event in the outbox, with its delivery to the endpoint.
                let events = try base.webhooks.deliveries(limit: 1000).filter {
                    $0.type == WebhookEvents.periodApproved && $0.payload.contains(#""period":"2026-10""#)
                }
                let outbox = events.isEmpty ? "no event" : events.count == 1 && events[0].state == .pending ? "its event" : "\(events.count) events"
                return "\(state), \(outbox)"
            },
        ]
        groups.shuffle(using: &random)
        return Array(groups.prefix(Int.random(in: 3...groups.count, using: &random)))
    }

    static func text(_ value: Value?) -> String {
        if case .text(let s)? = value { return s }
        return ""
    }

    static func table(_ base: Base, _ name: String) throws -> Table {
        guard let table = base.schema.table(named: name) else { throw EngineError(.notFound, "no table \(name) in the demo base") }
        return table
    }

    func verify(_ path: String, groups: [Group], done: [Int], killed: Int?) throws -> [String] {
        let base: Base
        do { base = try Base.open(at: path, actor: "check") } catch { return ["the base does not open after the kill: \(error)"] }
        defer { base.close() }
        TimeTracking.install(on: base)
        var problems: [String] = []
        let report = try base.integrity.full()
        problems += report.storage.map { "sqlite: \($0)" } + report.danglingLinks.map(\.description)
            + report.computed.prefix(5).map(\.description) + report.history.prefix(5).map(\.description)
        for (g, group) in groups.enumerated() {
            let seen = try group.observe(base)
            var allowed = [group.expected[done[g]]]
            if killed == g, done[g] + 1 < group.expected.count { allowed.append(group.expected[done[g] + 1]) }
            if !allowed.contains(seen) {
                problems.append("\(group.name): found \(seen), expected \(allowed.joined(separator: " or ")) after \(done[g]) reported success\(killed == g ? " and one killed" : "")")
            }
        }
        return problems
    }

    enum Outcome {
        case finished(status: Int32, milliseconds: Double, stderr: String)
        case killed
    }

    /// Runs one step; with a delay, sends SIGKILL when it is still running after that long.
    func launch(_ step: Step, base: String, killAfterMilliseconds delay: Double?) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = step.arguments.map { $0 == "BASE" ? base : $0 }
        var environment = ProcessInfo.processInfo.environment
        environment["TABULA_USER"] = step.user
        environment["TABULA_NOW"] = Self.now
        process.environment = environment
        let errors = folder + "/stderr.txt"
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        let errorHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        defer { try? errorHandle.close() }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errorHandle
        process.standardInput = FileHandle.nullDevice
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000 }
        try process.run()
        if let delay {
            while process.isRunning && elapsed() < delay { usleep(200) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                if process.terminationReason == .uncaughtSignal { return .killed }
            }
        }
        process.waitUntilExit()
        let milliseconds = elapsed()
        let stderr = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
        return .finished(status: process.terminationStatus, milliseconds: milliseconds, stderr: stderr)
    }

    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
