import Foundation
import Testing

/// The README's shell blocks run as written, in order, in one fresh folder, as a reader would
/// type them: with today's clock and with a clock in another month. Lines that start with
/// `swift` build or test this package (the suite is running inside them) and are left out; the
/// benchmark block is fenced as `console` (each of its commands takes minutes) and is not run.
@Suite struct ReadmeTests {
    /// The ```sh blocks of README.md, in order.
    static func shellBlocks() throws -> [String] {
        let text = try String(contentsOf: CLI.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var blocks: [String] = []
        var current: [String]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```sh" { current = []; continue }
            if current != nil, line.hasPrefix("```") { blocks.append(current!.joined(separator: "\n")); current = nil; continue }
            current?.append(String(line))
        }
        return blocks
    }

    struct Run { var block: String; var status: Int32; var output: String }

    /// Runs every block with bash (`-e -o pipefail`: the first failing command fails the block)
    /// with the built `tabula` first on the PATH and `TABULA_NOW` set to `now`, or unset.
    static func runBlocks(now: String?) throws -> [Run] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tabula-readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("Samples"),
                                                   withDestinationURL: CLI.packageRoot.appendingPathComponent("Samples"))
        var environment = ProcessInfo.processInfo.environment
        environment["TABULA_NOW"] = now
        environment["TABULA_USER"] = "reader"
        environment["PATH"] = CLI.binary.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        var runs: [Run] = []
        for block in try shellBlocks() {
            let script = block.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("swift ") }.joined(separator: "\n")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-e", "-o", "pipefail", "-c", script]
            process.currentDirectoryURL = folder
            process.environment = environment
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            runs.append(Run(block: script, status: process.terminationStatus, output: String(decoding: data, as: UTF8.self)))
        }
        return runs
    }

    @Test func theReadmeHasShellBlocksAndSaysHowToGetTabulaBeforeUsingIt() throws {
        let blocks = try Self.shellBlocks()
        #expect(blocks.count >= 6)
        let text = try String(contentsOf: CLI.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let firstUse = try #require(text.range(of: "\ntabula "))
        let howTo = try #require(text.range(of: ".build/release/tabula"))
        #expect(howTo.lowerBound < firstUse.lowerBound, "the README uses tabula before saying how to get it")
    }

    @Test(arguments: [nil, "2027-03-10T10:00:00Z"])
    func everyReadmeBlockRunsAsWritten(now: String?) throws {
        for run in try Self.runBlocks(now: now) {
            #expect(run.status == 0, "with TABULA_NOW=\(now ?? "(today)"), this README block failed:\n\(run.block)\n--- output:\n\(run.output)")
        }
    }
}
