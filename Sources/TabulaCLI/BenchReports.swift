import ArgumentParser
import Foundation
import TabulaEngine
import TabulaReports

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
        try runReportingErrors {
            let bench = ReportBenchmark(entries: entries, repetitions: repetitions)
            let path = base ?? NSTemporaryDirectory() + "tabula-bench-reports-\(ProcessInfo.processInfo.processIdentifier).tabula"
            let b: Base
            var generateSeconds: Double?
            if FileManager.default.fileExists(atPath: path) {
                guard base != nil else { throw CLIError("'\(path)' already exists", hint: "remove it") }
                b = try Base.open(at: path, actor: "bench")
                let count = try b.rowCount(of: try b.table(named: "Entries"))
                guard count == entries else {
                    throw CLIError("'\(path)' holds \(count) entries, not \(entries)", hint: "pass --entries \(count), or another --base file")
                }
            } else {
                let start = DispatchTime.now().uptimeNanoseconds
                b = try bench.generate(at: path) { printError($0) }
                generateSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            }
            defer {
                b.close()
                if base == nil {
                    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                }
            }
            let results = try bench.measure(b)
            print("\(entries) entries\(generateSeconds.map { String(format: " (generated in %.1f s)", $0) } ?? ""); medians of \(repetitions) runs")
            var table = [["report", "rows", "tabula report", "hand-written SQL", "ratio"]]
            for r in results {
                table.append([r.name, "\(r.rows)", milliseconds(r.report), milliseconds(r.handWritten), String(format: "%.2fx", r.ratio)])
            }
            printColumns(table)
            print("")
            for r in results { print("\(r.name): \(r.query)") }
        }
    }

    func milliseconds(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }

    /// Rows of cells as aligned columns: the first left-aligned, the rest right-aligned.
    func printColumns(_ rows: [[String]]) {
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        for row in rows {
            print(row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 ? cell + pad : pad + cell
            }.joined(separator: "   "))
        }
    }
}
