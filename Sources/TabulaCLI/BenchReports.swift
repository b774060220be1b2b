import ArgumentParser
import Foundation
import TabulaBenchmarks

struct BenchReports: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports",
        abstract: "Reports on a generated base of N time entries, each beside the same query hand-written in SQL.")

    @Option(help: "How many time entries to generate.") var entries = 100_000
    @Option(help: "How many times each query runs; the median is printed.") var repetitions = 11
    @Option(help: "Keep the generated base in this file, or reuse it when it exists (generating a million entries takes a while).")
    var base: String?

    func validate() throws {
        guard entries >= 1_000 else { throw ValidationError("--entries must be at least 1000") }
        guard repetitions >= 3 else { throw ValidationError("--repetitions must be at least 3") }
    }

    func run() throws {
        try runBenchmark {
            try ReportBenchmark(entries: entries, repetitions: repetitions)
                .run(basePath: base, output: { print($0) }, progress: { printError($0) })
        }
    }
}
