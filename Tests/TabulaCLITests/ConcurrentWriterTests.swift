import Foundation
import Testing

/// Several `tabula` processes (commands and a REPL) writing one base at once: each command
/// succeeds or says plainly that the base was busy, SQLite's "database is locked" never shows,
/// and no write is lost.
@Suite struct ConcurrentWriterTests {
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var runs: [(what: String, status: Int32, stderr: String)] = []
        func add(_ what: String, _ r: CLI.Result) { lock.lock(); runs.append((what, r.status, r.stderr)); lock.unlock() }
    }

    @Test("eight processes at once adding rows, adding a file of rows, logging time and a REPL adding rows lose nothing", arguments: [2, 8])
    func writersAtOnce(workers: Int) throws {
        var made = try CLI()
        made.environment["TABULA_USER"] = "anna"
        let cli = made
        #expect(try cli.run("demo", "tt.db").status == 0)
        let clientsBefore = try count(cli, "Clients"), entriesBefore = try count(cli, "TimeEntries")
        let rows = (0..<300).map { "bulk\($0)" }.joined(separator: "\n")
        let file = try cli.write("bulk.csv", "name\n\(rows)\n")
        let results = Results()
        let perWorker = 4
        DispatchQueue.concurrentPerform(iterations: workers) { k in
            for i in 0..<perWorker {
                let name = "w\(k)-\(i)"
                results.add(name, (try? cli.run("add", "tt.db", "Clients", "name=\(name)")) ?? CLI.Result(status: -1, stdout: "", stderr: "did not run"))
                // A different hour per worker and a different day per call: entries never overlap.
                let day = String(format: "2026-11-%02d", 2 + i), hour = String(format: "%02d", 6 + k)
                results.add("log \(name)", (try? cli.run("log", "tt.db", "Tasks", "#1", "--from", "\(day)T\(hour):00", "--to", "\(day)T\(hour):40"))
                            ?? CLI.Result(status: -1, stdout: "", stderr: "did not run"))
            }
            if k == 0 { results.add("add --file", (try? cli.run("add", "tt.db", "Clients", "--file", file)) ?? CLI.Result(status: -1, stdout: "", stderr: "")) }
            if k == 1 {
                let script = (0..<5).map { "add Clients name=repl\($0)" }.joined(separator: "\n") + "\n"
                results.add("repl", (try? cli.run(["repl", "tt.db"], stdin: script)) ?? CLI.Result(status: -1, stdout: "", stderr: ""))
            }
        }
        let runs = results.runs
        for run in runs {
            #expect(!run.stderr.localizedCaseInsensitiveContains("database is locked"), "\(run.what): \(run.stderr)")
            // Refused only as busy, in plain words.
            #expect(run.status == 0 || run.stderr.contains("the base is busy"), "\(run.what) exited \(run.status): \(run.stderr)")
        }
        let added = runs.filter { $0.status == 0 && !$0.what.hasPrefix("log") }.reduce(0) { n, run in
            n + (run.what == "add --file" ? 300 : run.what == "repl" ? 5 : 1)
        }
        let logged = runs.filter { $0.status == 0 && $0.what.hasPrefix("log") }.count
        #expect(try count(cli, "Clients") == clientsBefore + added)
        #expect(try count(cli, "TimeEntries") == entriesBefore + logged)
        let succeeded = runs.filter { $0.status == 0 }.count
        print("concurrent writers (\(workers)): \(runs.count) commands, \(succeeded) succeeded, \(runs.count - succeeded) refused as busy; \(added) rows added, \(logged) entries logged, none lost")
        #expect(succeeded == runs.count, "with a 5 s busy timeout every command should get its turn")
        let check = try cli.run("check", "tt.db", "--integrity")
        #expect(check.status == 0, "\(check.stdout)")
    }

    func count(_ cli: CLI, _ table: String) throws -> Int {
        let r = try cli.run("report", "tt.db", "count() as n from \(table)", "--format", "csv")
        return Int(r.stdout.split(separator: "\r\n").last ?? "") ?? -1
    }
}
