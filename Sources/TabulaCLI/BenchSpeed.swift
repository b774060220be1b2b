import ArgumentParser
import Foundation
import TabulaBenchmarks

/// `tabula bench speed` (the benchmark is TabulaBenchmarks' `SpeedBenchmark`).
struct BenchSpeed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speed",
        abstract: "The write path and long reports on N entries, each beside its floor on the same file (bare SQLite), and one write and a timer at N against N/100.")

    @Option(help: "How many time entries to generate.") var entries = 100_000
    @Option(help: "How many times each single write is repeated.") var repetitions = 101

    func validate() throws {
        guard entries >= 1000 else { throw ValidationError("--entries must be at least 1000") }
        guard repetitions >= 5 else { throw ValidationError("--repetitions must be at least 5") }
    }

    func run() throws {
        try runBenchmark {
            let results = try SpeedBenchmark.runWithBaseline(entries: entries, repetitions: repetitions) { printError($0) }
            SpeedBenchmark.table(results).forEach { print($0) }
        }
    }
}
