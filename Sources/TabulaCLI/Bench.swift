import ArgumentParser

/// `tabula bench ...`: the benchmark suite (performance is measured here, never in tests).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks: how fast the engine is on bases of a given size.",
        subcommands: [BenchTimers.self])
}
