import Foundation
import Testing

struct TerminalError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Drives `tabula repl` under a real pseudo-terminal through tmux: keys go in with `send-keys`,
/// the screen comes back with `capture-pane`. Each terminal has its own tmux server socket.
struct Terminal {
    static let tmux: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    let cli: CLI
    let socket: String

    /// Starts `tabula ARGUMENTS` in a 100x30 terminal, with HOME in the scratch folder (so the
    /// history file lands there).
    init(_ cli: CLI, _ arguments: [String], name: String = "t") throws {
        self.cli = cli
        self.socket = cli.path("tmux-\(name).sock")
        var env = cli.environment
        env["HOME"] = cli.directory.path
        env["LANG"] = "C.UTF-8"
        let command = (["env"] + env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + [CLI.binary.path] + arguments)
            .map(Terminal.shellQuoted).joined(separator: " ")
        try tmux(["new-session", "-d", "-x", "100", "-y", "30", "-s", "repl",
                  "cd \(Terminal.shellQuoted(cli.directory.path)) && \(command); echo \"[exited $?]\"; sleep 30"])
    }

    static func shellQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs a tmux command and returns its output. Spawned and reaped directly: Foundation's
    /// `Process` would wait for the tmux server that `new-session` leaves running.
    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let outputPath = cli.path("tmux-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([Terminal.tmux!, "-S", socket, "-f", "/dev/null"] + arguments).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "TMUX")
        environment["LANG"] = "C.UTF-8"
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for e in envp { free(e) } }
        // The test runner's threads block signals and a spawned process inherits that mask: clear
        // it, or the tmux server and the REPL under it would ignore the SIGHUP that ends them.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, Terminal.tmux!, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw TerminalError("cannot run tmux: error \(rc)") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// Types text as it is.
    func type(_ text: String) throws { try tmux(["send-keys", "-t", "repl", "-l", text]) }

    /// Presses keys by tmux name: Enter, Tab, Up, Left, BSpace, C-r, C-u ...
    func press(_ keys: String...) throws { try tmux(["send-keys", "-t", "repl"] + keys) }

    func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", "repl"]) }

    /// Waits (up to 5 s) until the screen satisfies `condition`; returns the last screen seen.
    @discardableResult
    func waitUntil(_ what: String, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(5)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if condition(last) { return last }
            Thread.sleep(forTimeInterval: 0.03)
        }
        Issue.record("timed out waiting for \(what); the screen was:\n\(last)")
        return last
    }

    /// Waits until the screen's last non-blank line is exactly `line`.
    @discardableResult
    func waitForLine(_ line: String) throws -> String {
        try waitUntil("a last line '\(line)'") { Terminal.lastLine($0) == line }
    }

    /// Presses Enter and waits for `what` on the screen and the next prompt, before anything more
    /// is typed (libedit may drop keys typed before it reads again).
    @discardableResult
    func enter(_ what: String, _ condition: @escaping (String) -> Bool) throws -> String {
        try press("Enter")
        return try waitUntil(what) { condition($0) && Terminal.lastLine($0) == "tabula>" }
    }

    static func lastLine(_ screen: String) -> String {
        screen.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { String($0).trimmingTrailingWhitespace() } ?? ""
    }

    func close() { _ = try? tmux(["kill-server"]) }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var s = self
        while s.last?.isWhitespace == true { s.removeLast() }
        return s
    }
}

@Suite(.serialized, .enabled(if: Terminal.tmux != nil, "tmux is not installed; this test needs it to drive a pseudo-terminal"))
struct ReplTerminalTests {
    @Test func lineEditingHistoryAndCompletionWorkInATerminal() throws {
        let cli = try CLI()
        let term = try Terminal(cli, ["repl"])
        defer { term.close() }
        try term.waitForLine("tabula>")

        try term.type("table Expenses { amount currency  date date }")
        try term.enter("the table") { $0.contains("+ table Expenses") }

        // Completion: a unique table, then a field with its "=".
        try term.type("add Exp")
        try term.press("Tab")
        try term.waitForLine("tabula> add Expenses")
        try term.type("am")
        try term.press("Tab")
        try term.waitForLine("tabula> add Expenses amount=")
        try term.type("12")
        try term.enter("the first row") { $0.contains("#1") }

        // Several candidates are listed under the line.
        try term.type(".s")
        try term.press("Tab")
        try term.waitUntil("the listed dot commands") { $0.contains(".save") && $0.contains(".schema") }
        try term.press("C-u")

        // Editing: move left into the line and insert.
        try term.type("40 + 2")
        try term.press("Left", "Left", "Left", "Left")
        try term.type("0")
        try term.waitForLine("tabula> 400 + 2")
        try term.enter("the sum") { $0.contains("\n402\n") }

        // History: two lines up is the add; change its value.
        try term.press("Up", "Up")
        try term.waitForLine("tabula> add Expenses amount=12")
        try term.press("BSpace", "BSpace")
        try term.type("30")
        try term.enter("the second row") { $0.contains("#2") }

        // Ctrl-R finds the table statement; running it again changes nothing.
        try term.press("C-r")
        try term.type("table Exp")
        try term.waitUntil("the search to find the statement") { screen in
            Terminal.lastLine(screen) == "bck:table Exp"
                && screen.components(separatedBy: "tabula> table Expenses { amount currency  date date }").count == 3
        }
        try term.enter("the repeated statement") { $0.contains("nothing to change") }

        // Non-ASCII input, and an error with its caret.
        try term.type("upper(\"привет\")")
        try term.enter("the upper case") { $0.contains("ПРИВЕТ") }
        try term.type("add Expenses amont=1")
        try term.enter("the caret") { $0.contains("^~~~~~~") && $0.contains("did you mean 'amount'?") }

        // A multi-line statement gets the continuation prompt.
        try term.type("if(1 > 2,")
        try term.press("Enter")
        try term.waitUntil("the continuation prompt") { Terminal.lastLine($0) == "   ...>" }
        try term.type("\"a\", \"b\")")
        try term.enter("the continued statement") { $0.contains("\nb\n") }

        try term.type(".quit")
        try term.press("Enter")
        try term.waitForLine("[exited 0]")

        // The history outlives the session.
        let history = try String(contentsOfFile: cli.path(".tabula_history"), encoding: .utf8)
        #expect(history.contains("add\\040Expenses\\040amount=30"))
        let again = try Terminal(cli, ["repl"], name: "again")
        defer { again.close() }
        try again.waitForLine("tabula>")
        try again.press("Up")
        try again.waitForLine("tabula> .quit")
    }
}
