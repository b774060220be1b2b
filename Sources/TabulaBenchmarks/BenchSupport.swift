import Foundation
import TabulaEngine

/// Timings of one benchmark step, repeated: medians and tails in milliseconds.
public struct TimingSamples: Sendable {
    public private(set) var milliseconds: [Double] = []
    public init() {}

    public mutating func add(_ ms: Double) { milliseconds.append(ms) }

    /// Runs `body` once, adds its wall time, and returns its result.
    @discardableResult
    public mutating func time<T>(_ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        add(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
        return result
    }

    public var median: Double { percentile(0.5) }
    public var p99: Double { percentile(0.99) }

    public func percentile(_ p: Double) -> Double {
        guard !milliseconds.isEmpty else { return 0 }
        let sorted = milliseconds.sorted()
        let index = Int((Double(sorted.count - 1) * p).rounded())
        return sorted[min(max(index, 0), sorted.count - 1)]
    }
}

/// The process's peak resident memory (VmHWM on Linux), in megabytes; nil where unknown.
public func peakMemoryMegabytes() -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let digits = line.split(separator: " ").compactMap { Double($0) }
        if let kb = digits.first { return kb / 1024 }
    }
    return nil
}

/// Formats milliseconds for benchmark tables: three significant decimals below 10 ms.
public func formatMilliseconds(_ ms: Double) -> String {
    if ms < 1 { return String(format: "%.3f ms", ms) }
    if ms < 100 { return String(format: "%.2f ms", ms) }
    return String(format: "%.0f ms", ms)
}

/// A scratch file for a benchmark base, removed (with its WAL files) by `remove()`.
public struct ScratchBase: Sendable {
    public let path: String
    public init(_ label: String) {
        path = NSTemporaryDirectory() + "tabula-bench-\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8)).tabula"
    }
    public func remove() {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

/// A benchmark that cannot run as asked (a size out of range, a base file in the way): the
/// command line shows it as a usage error with its hint.
public struct BenchmarkError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var hint: String?
    public init(_ message: String, hint: String? = nil) { self.message = message; self.hint = hint }
    public var description: String { message }
}

/// Rows of cells as aligned lines: the first column left-aligned, the rest right-aligned, three
/// spaces between columns.
public func alignedLines(_ rows: [[String]]) -> [String] {
    let widths = (0..<(rows.map(\.count).max() ?? 0)).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
    return rows.map { row in
        row.enumerated().map { i, cell in
            let pad = String(repeating: " ", count: widths[i] - cell.count)
            return i == 0 ? cell + pad : pad + cell
        }.joined(separator: "   ")
    }
}

/// Runs blocking `work` (a benchmark's socket client) on a new thread and awaits its result, so it
/// never holds one of the threads Swift's tasks run on (in a serving process, the event loops).
func onThreadOfItsOwn<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let thread = Thread {
            do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
