import ArgumentParser
import Foundation
import TabulaEngine
import TabulaTimeTracking

/// `tabula bench`: generates data of a given size and prints medians of what matters.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the engine on generated data (medians; build with -c release for real figures).",
        subcommands: [BenchFormulas.self, BenchRecompute.self, BenchReports.self, BenchTimers.self])
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
        try runReportingErrors {
            let r = try FormulaBenchmark(rows: rows, repetitions: repetitions).run { printError("[\(rows)] \($0)") }
            printAligned([
                ["rows", "\(r.rows)"],
                ["formula fields", "\(FormulaBenchmark.formulaCount)"],
                ["insert with formulas (s)", String(format: "%.1f", r.insertSeconds)],
                ["full evaluation: median", formatMilliseconds(r.fullEvaluation.median)],
                ["full evaluation: rows/s", String(format: "%.0f", r.rowsPerSecond)],
                ["one row after a write: median", formatMilliseconds(r.oneRow.median)],
                ["one row after a write: p99", formatMilliseconds(r.oneRow.p99)],
                ["cells changed by it", "\(r.cellsPerWrite)"],
                ["peak memory", r.peakMegabytes.map { String(format: "%.0f MB", $0) } ?? "?"],
            ])
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
        try runReportingErrors {
            var results: [RecomputeBenchmark.Result] = []
            for size in [max(entries / 100, 100), entries] {
                let bench = RecomputeBenchmark(entries: size, repetitions: repetitions)
                results.append(try bench.run { printError("[\(size)] \($0)") })
            }
            let rows: [(String, (RecomputeBenchmark.Result) -> String)] = [
                ("generate (s)", { String(format: "%.1f", $0.generateSeconds) }),
                ("one entry changed: median", { formatMilliseconds($0.oneChange.median) }),
                ("one entry changed: p99", { formatMilliseconds($0.oneChange.p99) }),
                ("cells changed by it", { "\($0.cellsPerChange)" }),
                ("one entry moved: median", { formatMilliseconds($0.oneMove.median) }),
                ("1,000 changes, one transaction", { formatMilliseconds($0.thousandChanges.median) }),
                ("full recompute", { formatMilliseconds($0.fullRecompute.median) }),
                ("open the base", { formatMilliseconds($0.open.median) }),
                ("peak memory so far", { $0.peakMegabytes.map { String(format: "%.0f MB", $0) } ?? "?" }),
            ]
            let header = ["entries"] + results.map { "\($0.entries)" }
            var table = [header]
            for (label, value) in rows { table.append([label] + results.map(value)) }
            if results.count == 2, results[0].oneChange.median > 0 {
                table.append(["one change: ratio", "", String(format: "%.2fx", results[1].oneChange.median / results[0].oneChange.median)])
            }
            printAligned(table)
        }
    }
}

/// Prints rows of cells as aligned columns: the first left-aligned, the rest right-aligned.
func printAligned(_ rows: [[String]]) {
    let widths = (0..<(rows.map(\.count).max() ?? 0)).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
    for row in rows {
        let cells = row.enumerated().map { i, cell in
            let pad = String(repeating: " ", count: widths[i] - cell.count)
            return i == 0 ? cell + pad : pad + cell
        }
        print(cells.joined(separator: "   "))
    }
}
