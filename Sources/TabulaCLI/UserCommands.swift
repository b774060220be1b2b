import ArgumentParser
import Foundation
import TabulaEngine
import TabulaServer

#if canImport(Glibc)
import Glibc
#endif

/// `tabula user password BASE NAME`: a person's password for the web table.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "People's sign-in for the web table (`tabula serve`).",
        subcommands: [UserPassword.self])
}

struct UserPassword: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "password",
        abstract: "Set a person's web password: asked twice on a terminal, else one line read from standard input; stored as a bcrypt hash.")
    @Argument(help: "The base file.") var base: String
    @Argument(help: "The person (name, login or email).") var name: String
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let password: String
            if isatty(STDIN_FILENO) == 1 {
                let first = Self.ask("password for \(name): ")
                let second = Self.ask("again: ")
                guard first == second else { throw CLIError("the two passwords differ; nothing was changed", hint: "run the command again") }
                password = first
            } else {
                guard let line = readLine(strippingNewline: true) else {
                    throw CLIError("no password on standard input", hint: "echo 'a long password' | tabula user password \(base) \(name)")
                }
                password = line
            }
            let b = try openBase(base, actor)
            defer { b.close() }
            try WebPasswords.set(on: b, person: name, password: password)
            print("password set for \(name); their open web sessions ended")
        }
    }

    /// Reads a line from the terminal without echoing it.
    static func ask(_ prompt: String) -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true) ?? ""
    }
}
