import ArgumentParser
import Foundation
import TabulaEngine
import TabulaREPL

struct Repl: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Try ideas on a base: schema statements, rows, expressions and reports, one per line.",
        discussion: """
            Without BASE the base lives in memory; .save FILE keeps its schema. Statements can be piped in: \
            `tabula repl < script.txt` runs them in order and exits 1 if any failed. See Docs/repl.md.
            """)

    @Argument(help: "A base file (default: a new in-memory base).") var base: String?
    @Flag(help: "Go ahead with statements that lose data without asking (piped input is never asked: without --yes such a statement needs a final '!').")
    var yes = false
    @OptionGroup var actor: ActorOptions

    func run() throws {
        var status: Int32 = 0
        try runReportingErrors {
            let opened: Base
            if let base {
                opened = try openBase(base, actor)
            } else {
                opened = try Base.createInMemory(actor: actor.resolvedActor, now: try clock())
            }
            status = REPL.run(base: opened, hooks: .standard, confirmsDataLoss: yes)
        }
        if status != 0 { throw ExitCode(status) }
    }
}
