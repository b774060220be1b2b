import ArgumentParser
import Foundation
import TabulaBenchmarks

/// `tabula bench crash` (the harness is TabulaBenchmarks' `CrashHarness`).
struct BenchCrash: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash",
        abstract: "Kill tabula processes with SIGKILL at random moments of their writes; check each base after: N of N consistent.")

    @Option(help: "How many runs (each a fresh copy of the demo base and one kill).") var runs = 200
    @Option(help: "The seed of the random choices (the same seed repeats the same runs).") var seed: UInt64 = 19
    @Option(help: "Folder for the scratch bases (deleted afterwards).") var directory: String?
    @Flag(help: "Print each run.") var verbose = false

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    }

    func run() throws {
        var failed = false
        try runBenchmark {
            let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
            let folder = (directory ?? NSTemporaryDirectory()) + "/tabula-crash-\(ProcessInfo.processInfo.processIdentifier)"
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let summary = try CrashHarness(runs: runs, seed: seed, binary: binary, folder: folder)
                .run { if verbose { printError($0) } }
            summary.lines.forEach { print($0) }
            failed = summary.consistent != summary.runs
        }
        if failed { throw ExitCode(1) }
    }
}
