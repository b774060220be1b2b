import ArgumentParser
import Foundation
import TabulaBenchmarks

/// `tabula bench timers` (the benchmark is TabulaBenchmarks' `TimerBenchmark`).
struct BenchTimers: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timers",
        abstract: "Timer start+stop latency (median, p99) on a time-tracking base of N entries, and on a small one for the ratio.")

    @Option(help: "Entries in the measured base.") var entries = 1_000_000
    @Option(help: "Entries in the small base the latency is compared with.") var baseline = 10_000
    @Option(help: "Start+stop pairs measured on each base.") var samples = 200
    @Option(help: "Folder for the scratch bases (deleted afterwards).") var directory: String?

    func run() throws {
        try runBenchmark {
            try TimerBenchmark(entries: entries, baseline: baseline, samples: samples)
                .run(folder: directory ?? NSTemporaryDirectory(), output: { print($0) })
        }
    }
}
