import Foundation
import Testing

/// Runs the built `tabula` binary the way a user would, in a scratch folder.
struct CLI {
    let directory: URL
    var environment: [String: String] = ["TABULA_USER": "tester", "TABULA_NOW": "2026-11-20T10:00:00Z"]

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tabula-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let binary: URL = {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("tabula")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/tabula")
    }()

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws -> String {
        let p = path(name)
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    @discardableResult
    func run(_ arguments: String..., stdin: String? = nil) throws -> Result { try run(arguments, stdin: stdin) }

    /// Runs the binary; `stdin`, when given, is piped in (otherwise standard input is empty).
    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        // Written from another thread, so a large script cannot block on a full pipe while the
        // binary blocks on a full output pipe.
        let bytes = Data((stdin ?? "").utf8)
        let writer = input.fileHandleForWriting
        Thread.detachNewThread {
            writer.write(bytes)
            try? writer.close()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// The port `tabula serve` prints on its first line ("serving ... on http://127.0.0.1:PORT").
    static func servedPort(_ output: Pipe) throws -> Int {
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let first = String(decoding: line, as: UTF8.self)
        guard let range = first.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression),
              let port = Int(first[range].split(separator: ":").last ?? "") else {
            throw ConcurrentWriterTests.CLIFailure("the server did not say its port: \(first)")
        }
        return port
    }

    /// The bytes of the base file and its WAL, to show a refused command changed nothing.
    func snapshot(_ name: String) -> [Data?] {
        [FileManager.default.contents(atPath: path(name)), FileManager.default.contents(atPath: path(name) + "-wal")]
    }
}

let teamSchema = """
base "Team"
timezone "Europe/Berlin"
currency EUR

table Clients {
  name      text required unique
  rate      currency
  projects  link Projects[] inverse client
}

table Projects {
  name      text required
  client    link Clients
  budget    duration default 10h
  status    select(active, paused, done) default active
  tags      tags(backend, frontend)
  started   date
}
"""
