import ArgumentParser
import Foundation
import TabulaEngine
import TabulaBenchmarks

/// `tabula bench`: generates data of a given size and prints medians of what matters.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the engine on generated data (medians; build with -c release for real figures).",
        subcommands: [BenchFormulas.self, BenchRecompute.self, BenchReports.self, BenchSpeed.self, BenchTimers.self, BenchImport.self, BenchServer.self, BenchGrid.self, BenchCrash.self])
}

struct BenchFormulas: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "formulas",
        abstract: "Evaluate a table of N rows with ten formula fields; re-evaluate one row after a write.")

    @Option(help: "How many rows to generate.") var rows = 100_000
    @Option(help: "How many times the one-row write is repeated.") var repetitions = 101

    func validate() throws {
        guard rows >= 10 else { throw ValidationError("--rows must be at least 10") }
        guard repetitions >= 5 else { throw ValidationError("--repetitions must be at least 5") }
    }

    func run() throws {
        try runBenchmark {
            let r = try FormulaBenchmark(rows: rows, repetitions: repetitions).run { printError("[\(rows)] \($0)") }
            alignedLines(FormulaBenchmark.table(r)).forEach { print($0) }
        }
    }
}

struct BenchRecompute: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recompute",
        abstract: "Incremental recompute on a time-tracking-shaped base of N entries, and of N/100 for the ratio.")

    @Option(help: "How many time entries to generate (up to 1,000,000 and more).") var entries = 100_000
    @Option(help: "How many times each single write is repeated.") var repetitions = 101

    func validate() throws {
        guard entries >= 100 else { throw ValidationError("--entries must be at least 100") }
        guard repetitions >= 5 else { throw ValidationError("--repetitions must be at least 5") }
    }

    func run() throws {
        try runBenchmark {
            let results = try RecomputeBenchmark.runWithBaseline(entries: entries, repetitions: repetitions) { printError($0) }
            alignedLines(RecomputeBenchmark.table(results)).forEach { print($0) }
        }
    }
}

/// Runs a benchmark command's body, showing what the benchmark refuses as a usage error.
func runBenchmark(_ body: () throws -> Void) throws {
    try runReportingErrors {
        do { try body() } catch let error as BenchmarkError { throw CLIError(error.message, hint: error.hint) }
    }
}
