import ArgumentParser
import Foundation
import TabulaBenchmarks

/// `tabula bench import` (the benchmark is TabulaBenchmarks' `ImportBenchmark`).
struct BenchImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a generated Toggl CSV of N rows into a fresh time-tracking base, with all rollups: time and rows/s.")

    @Option(help: "Rows of the generated file.") var entries = 100_000
    @Option(help: "Folder for the scratch base (deleted afterwards).") var directory: String?

    func run() throws {
        try runBenchmark {
            let f = try ImportBenchmark(entries: entries).run(folder: directory ?? NSTemporaryDirectory())
            print(String(format: "generated a Toggl CSV of %d rows (%.1f MB) in %.2f s", f.entries, f.fileMegabytes, f.generateSeconds))
            print(String(format: "import: %d entries in %.2f s, rows/s %.0f", f.imported, f.importSeconds, f.rowsPerSecond))
            print("total \(f.totalSeconds) s imported; clients' hours roll up to \(f.clientsSeconds) s" + (f.totalSeconds == f.clientsSeconds ? " (equal)" : " (DIFFERENT)"))
            if let mb = peakMemoryMegabytes() { print(String(format: "peak memory %.0f MB", mb)) }
        }
    }
}
