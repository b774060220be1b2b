import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TabulaEngine

/// Several `tabula` processes (commands, a REPL and `tabula serve` taking HTTP writes) writing
/// one base at once: each command or request succeeds or says plainly that the base was busy,
/// SQLite's "database is locked" never shows, and no write is lost.
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

    @Test("a running server takes timer starts and stops and row adds over HTTP while command and REPL processes write the same base; nothing is lost")
    func serverAmongTheWriters() async throws {
        var made = try CLI()
        made.environment["TABULA_USER"] = "anna"
        let cli = made
        #expect(try cli.run("demo", "tt.db").status == 0)
        var tokens: [String: String] = [:]
        for person in ["dana", "chen"] {  // finance adds clients (master data), a member times
            let created = try cli.run("token", "create", "tt.db", "--person", person)
            tokens[person] = created.stdout.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        let issued = tokens
        let clientsBefore = try rows(cli, "Clients"), entriesBefore = try rows(cli, "TimeEntries")
        // Waited for on a thread of its own, so the blocking waits hold none of the threads that
        // other tests' in-process servers answer on.
        let outcome: Result<ServerRun, any Error> = await withCheckedContinuation { done in
            Thread.detachNewThread { done.resume(returning: Result { try Self.writeWithTheServer(cli, tokens: issued) }) }
        }
        let run = try outcome.get()
        for r in run.commands {
            #expect(!r.stderr.localizedCaseInsensitiveContains("database is locked"), "\(r.what): \(r.stderr)")
            #expect(r.status == 0 || r.stderr.contains("the base is busy"), "\(r.what) exited \(r.status): \(r.stderr)")
        }
        for r in run.requests {
            #expect(!r.body.localizedCaseInsensitiveContains("database is locked"), "\(r.what): \(r.body)")
            #expect((200..<300).contains(r.status) || (r.status == 503 && r.body.contains("the base is busy")), "\(r.what) answered \(r.status): \(r.body)")
        }
        #expect(run.serverExit == 0, "the server did not stop cleanly: \(run.serverLog.suffix(500))")
        #expect(!run.serverLog.localizedCaseInsensitiveContains("database is locked"))
        let ok = { (r: RequestResult) in (200..<300).contains(r.status) }
        let cliAdded = run.commands.filter { $0.status == 0 && $0.what.hasPrefix("add") }.count + (run.commands.first { $0.what == "repl" && $0.status == 0 } != nil ? 5 : 0)
        let cliLogged = run.commands.filter { $0.status == 0 && $0.what.hasPrefix("log") }.count
        let httpAdded = run.requests.filter { ok($0) && $0.what.hasPrefix("add") }.count
        let httpStarted = run.requests.filter { ok($0) && $0.what.hasPrefix("start") }.count
        let httpStopped = run.requests.filter { ok($0) && $0.what.hasPrefix("stop") }.count
        #expect(try rows(cli, "Clients") == clientsBefore + cliAdded + httpAdded)
        // Each timer start is an entry; each stop closes the one running.
        #expect(try rows(cli, "TimeEntries") == entriesBefore + cliLogged + httpStarted)
        let base = try Base.open(at: cli.path("tt.db"), actor: "check")
        let running = try base.timers.running(everyone: true).filter { $0.author == "chen" }.count
        base.close()
        #expect(running == httpStarted - httpStopped)
        let succeeded = run.commands.filter { $0.status == 0 }.count, answered = run.requests.filter(ok).count
        print("concurrent writers with the server: \(run.processes) processes (\(run.commands.count) commands incl. a REPL, and tabula serve), "
              + "\(run.requests.count) HTTP writes; \(succeeded) commands and \(answered) requests succeeded; "
              + "\(cliAdded + httpAdded) rows added, \(cliLogged) entries logged, \(httpStarted) timers started and \(httpStopped) stopped over HTTP, none lost")
        #expect(succeeded == run.commands.count && answered == run.requests.count, "with a 5 s busy timeout every write should get its turn")
        let check = try cli.run("check", "tt.db", "--integrity")
        #expect(check.status == 0, "\(check.stdout)")
    }

    struct CommandResult: Sendable { var what: String; var status: Int32; var stderr: String }
    struct RequestResult: Sendable { var what: String; var status: Int; var body: String }
    struct ServerRun: Sendable {
        var commands: [CommandResult]
        var requests: [RequestResult]
        var processes: Int
        var serverExit: Int32
        var serverLog: String
    }

    /// Starts `tabula serve` on the base, then at once: four command workers (adds and logs), a
    /// REPL, one HTTP client adding rows as dana (finance) and one starting and stopping timers as chen.
    static func writeWithTheServer(_ cli: CLI, tokens: [String: String]) throws -> ServerRun {
        let server = Process()
        server.executableURL = CLI.binary
        server.arguments = ["serve", cli.path("tt.db"), "--host", "127.0.0.1", "--port", "0"]
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "TABULA_NOW")  // the server's timers run on the real clock
        server.environment = env
        let out = Pipe(), err = Pipe()
        server.standardOutput = out
        server.standardError = err
        try server.run()
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let log = Locked(Data())
        let logReader = err.fileHandleForReading
        let logDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            log.set(logReader.readDataToEndOfFile())
            logDone.signal()
        }
        let port = try CLI.servedPort(out)
        let commands = Locked<[CommandResult]>([]), requests = Locked<[RequestResult]>([])
        @Sendable func command(_ what: String, _ arguments: [String], stdin: String? = nil) {
            let r = (try? cli.run(arguments, stdin: stdin)) ?? CLI.Result(status: -1, stdout: "", stderr: "did not run")
            commands.append(CommandResult(what: what, status: r.status, stderr: r.stderr))
        }
        @Sendable func request(_ what: String, _ path: String, token: String?, _ body: String) {
            let r = Self.post("http://127.0.0.1:\(port)\(path)", token: token ?? "", body: body)
            requests.append(RequestResult(what: what, status: r.0, body: r.1))
        }
        let commandWorkers = 4, perWorker = 4, httpRounds = 12
        DispatchQueue.concurrentPerform(iterations: commandWorkers + 3) { k in
            switch k {
            case commandWorkers:
                let script = (0..<5).map { "add Clients name=repl\($0)" }.joined(separator: "\n") + "\n"
                command("repl", ["repl", "tt.db"], stdin: script)
            case commandWorkers + 1:
                for i in 0..<httpRounds {
                    request("add http\(i)", "/api/v1/tables/Clients/rows", token: tokens["dana"], #"{"fields": {"name": "http\#(i)"}}"#)
                }
            case commandWorkers + 2:
                for i in 0..<httpRounds / 2 {
                    request("start \(i)", "/api/v1/timers/start", token: tokens["chen"], #"{"table": "Tasks", "row": \#(1 + i % 2)}"#)
                    request("stop \(i)", "/api/v1/timers/stop", token: tokens["chen"], #"{"all": true}"#)
                }
            default:
                for i in 0..<perWorker {
                    command("add w\(k)-\(i)", ["add", "tt.db", "Clients", "name=w\(k)-\(i)"])
                    let day = String(format: "2026-11-%02d", 2 + i), hour = String(format: "%02d", 6 + k)
                    command("log w\(k)-\(i)", ["log", "tt.db", "Tasks", "#1", "--from", "\(day)T\(hour):00", "--to", "\(day)T\(hour):40"])
                }
            }
        }
        server.terminate()  // SIGTERM: in-flight requests finish, the base is closed
        server.waitUntilExit()
        logDone.wait()
        let processes = commands.value.count + 1
        return ServerRun(commands: commands.value, requests: requests.value, processes: processes,
                         serverExit: server.terminationStatus, serverLog: String(decoding: log.value, as: UTF8.self))
    }

    /// A POST with a JSON body, waited for: the status and the body's text.
    static func post(_ url: String, token: String, body: String) -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.timeoutInterval = 60
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        let answer = Locked<(Int, String)>((0, "no answer"))
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            answer.set(((response as? HTTPURLResponse)?.statusCode ?? 0, data.map { String(decoding: $0, as: UTF8.self) } ?? "\(error.map { "\($0)" } ?? "")"))
            done.signal()
        }.resume()
        done.wait()
        return answer.value
    }

    struct CLIFailure: Error, CustomStringConvertible { let description: String; init(_ d: String) { description = d } }

    /// A value shared by the workers' threads.
    final class Locked<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: T
        init(_ value: T) { stored = value }
        var value: T { lock.withLock { stored } }
        func set(_ value: T) { lock.withLock { stored = value } }
        func append<E>(_ element: E) where T == [E] { lock.withLock { stored.append(element) } }
    }

    /// Every row of a table, whoever's (read past the rules).
    func rows(_ cli: CLI, _ table: String) throws -> Int {
        let base = try Base.open(at: cli.path("tt.db"), actor: "check")
        defer { base.close() }
        return try base.columnValues(of: try base.table(named: table), fields: []).count
    }

    func count(_ cli: CLI, _ table: String) throws -> Int {
        let r = try cli.run("report", "tt.db", "count() as n from \(table)", "--format", "csv")
        return Int(r.stdout.split(separator: "\r\n").last ?? "") ?? -1
    }
}
