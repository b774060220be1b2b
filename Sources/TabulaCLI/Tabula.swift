import ArgumentParser
import Foundation
import TabulaEngine
import TabulaIO
import TabulaREPL
import TabulaLanguage
import TabulaReports
import TabulaTimeTracking

/// The `tabula` command: a records database in one SQLite file, with time tracking on top.
@main
struct Tabula: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tabula",
        abstract: "A records database in one SQLite file: typed tables, links, formulas, rollups, time tracking.",
        subcommands: [Demo.self, Init.self, Apply.self, Add.self, SetRow.self, Delete.self, Show.self, History.self, Check.self, Backup.self, Restore.self,
                      TimerCommand.self, ClockCommand.self, Log.self, DraftsCommand.self, RecentCommand.self, TemplateCommand.self, CopyDay.self, RemindCommand.self, AuditCommand.self, PeriodCommand.self, RequestCommand.self, SettingCommand.self, ImportCommand.self, Export.self, InvoiceCommand.self, Report.self, Repl.self, Serve.self, TokenCommand.self, UserCommand.self, WebhookCommand.self, FeedCommand.self, Bench.self])

    /// Exit codes: 0 done, 1 refused (a bad value, a broken rule, a mistaken query), 2 a usage
    /// error (an unknown option, a missing argument: argument-parser's own usage errors, which
    /// would exit 64, exit 2 like the command's).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Options every command that touches a base shares.
struct ActorOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: "Who is acting (default: $TABULA_USER, else the OS user).")
    var actor: String?

    var resolvedActor: String {
        if let actor, !actor.isEmpty { return actor }
        if let user = ProcessInfo.processInfo.environment["TABULA_USER"], !user.isEmpty { return user }
        return ProcessInfo.processInfo.environment["USER"] ?? NSUserName()
    }
}

/// Runs a command body, printing errors the way users read them and exiting non-zero.
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as SourceErrors {
        printError(error.description)
        throw ExitCode(1)
    } catch let error as EngineError {
        printError(Wording.describe(error))
        throw ExitCode(1)
    } catch let error as DatabaseError {
        // Worded without the statement or its bound values.
        printError(Wording.describe(EngineError(storage: error, doing: "the base could not be read")))
        throw ExitCode(1)
    } catch let error as CLIError {
        printError("error: \(error.message)" + (error.hint.map { "\n  hint: \($0)" } ?? ""))
        throw ExitCode(2)
    } catch let error as ExitCode {
        throw error
    } catch {
        printError("error: \(error)")
        throw ExitCode(1)
    }
}

/// A problem with the command line itself (a missing file, a malformed argument).
struct CLIError: Error {
    var message: String
    var hint: String?
    init(_ message: String, hint: String? = nil) { self.message = message; self.hint = hint }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// The clock: TABULA_NOW (ISO 8601) when set, so scripts and tests are reproducible.
func clock() throws -> @Sendable () -> Instant {
    guard let text = ProcessInfo.processInfo.environment["TABULA_NOW"], !text.isEmpty else { return Base.systemClock }
    do {
        let value = try ValueType.datetime.parse(text, context: ValueContext(timeZone: "UTC"))
        guard case .datetime(let instant) = value else { throw CLIError("TABULA_NOW is empty") }
        return { instant }
    } catch let error as ValueParseError {
        throw CLIError("TABULA_NOW='\(text)' is not a date-time: \(error.message)", hint: "use ISO 8601, e.g. TABULA_NOW=2026-11-20T09:00:00Z")
    }
}

func openBase(_ path: String, _ actor: ActorOptions) throws -> Base {
    let base = try Base.open(at: path, actor: actor.resolvedActor, now: try clock())
    TimeTracking.install(on: base)
    CrossBase.install(on: base)
    // Pomodoros past their deadline close first, so whatever the command reads is up to date.
    do {
        for notice in try base.timers.closeExpired() { printError(Wording.notice(notice, on: base)) }
    } catch {
        base.close()
        throw error
    }
    return base
}

func readFile(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw CLIError("cannot read '\(path)'", hint: "check the path")
    }
    guard let text = String(data: data, encoding: .utf8) else {
        let at = firstInvalidUTF8(data).map { ":\($0.line):\($0.column)" } ?? ""
        throw EngineError(.invalidValue, "\(path)\(at): the file is not UTF-8 text (a byte there is not UTF-8)", hint: "save the file as UTF-8")
    }
    return text
}

/// The line and column (in characters) of the first byte that is not UTF-8.
func firstInvalidUTF8(_ data: Data) -> (line: Int, column: Int)? {
    var parser = Unicode.UTF8.ForwardParser()
    var bytes = data.makeIterator()
    var line = 1, column = 1
    while true {
        switch parser.parseScalar(from: &bytes) {
        case .valid(let encoded):
            if Unicode.UTF8.decode(encoded) == "\n" { line += 1; column = 1 } else { column += 1 }
        case .emptyInput: return nil
        case .error: return (line, column)
        }
    }
}

/// `field=value` arguments.
func parseAssignments(_ arguments: [String]) throws -> [TextAssignment] {
    try arguments.map { arg in
        guard let eq = arg.firstIndex(of: "="), eq != arg.startIndex else {
            throw CLIError("'\(arg)' is not a field=value pair", hint: "write it as field=value, e.g. name=Acme or hours=1h30m")
        }
        return TextAssignment(field: String(arg[..<eq]).trimmingCharacters(in: .whitespaces), text: String(arg[arg.index(after: eq)...]))
    }
}

extension OutputFormat: ExpressibleByArgument {}
