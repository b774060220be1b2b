import ArgumentParser

/// `tabula bench`: generates data of a given size and prints medians of what matters.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the engine on generated data (medians; build with -c release for real figures).",
        subcommands: [BenchReports.self])
}
