import Foundation
import TabulaEngine
import TabulaLanguage

/// `tabula repl [BASE]`: the entry point the command line calls.
public enum REPL {
    /// The history file: `$TABULA_HISTORY`, else `~/.tabula_history`.
    public static func historyPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let path = environment["TABULA_HISTORY"], !path.isEmpty { return path }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return (home as NSString).appendingPathComponent(".tabula_history")
    }

    /// Runs a session on `base` over standard input: a line editor when it is a terminal, plain
    /// lines otherwise. Returns the exit status: 0, or 1 when input was piped and a statement failed.
    public static func run(base: Base, hooks: REPLHooks = REPLHooks(), confirmsDataLoss: Bool = false) -> Int32 {
        if isatty(STDIN_FILENO) == 1 {
            let session = REPLSession(base: base, hooks: hooks, sourceName: "repl")
            session.confirmsDataLoss = confirmsDataLoss
            let reader: any LineReader = EditLineReader(historyPath: historyPath()) { [unowned session] line in session.completer.complete(line) }
                ?? TerminalLineReader(historyPath: historyPath())
            FileHandle.standardOutput.write(Data("Tabula REPL on \(base.isInMemory ? "an in-memory base" : base.path); .help for help, .quit to leave\n".utf8))
            session.run(reader)
            session.base.close()
            return 0
        }
        let session = REPLSession(base: base, hooks: hooks, sourceName: "<stdin>")
        session.confirmsDataLoss = confirmsDataLoss
        session.run(PlainLineReader.standardInput())
        session.base.close()
        return session.failures == 0 ? 0 : 1
    }
}
