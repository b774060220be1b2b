import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TabulaEngine

/// `tabula demo --serve` as a real process: the demo base, its people's demo password, the web table.
@Suite struct DemoServeTests {
    /// Reads the process's standard output up to the line that says where it serves (on a
    /// thread of its own: the wait must not hold a thread that in-process servers answer on).
    static func readUntilServing(_ pipe: Pipe) async -> String {
        let reader = pipe.fileHandleForReading
        return await withCheckedContinuation { done in
            Thread.detachNewThread {
                var text = ""
                while !text.contains("serving ") || !text.hasSuffix("\n") {
                    let chunk = reader.availableData
                    if chunk.isEmpty { break }
                    text += String(decoding: chunk, as: UTF8.self)
                }
                done.resume(returning: text)
            }
        }
    }

    static func waitForExit(_ process: Process) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                process.waitUntilExit()
                done.resume()
            }
        }
    }

    @Test("tabula demo --serve builds the demo base, prints its demo password, serves it on a free port, and a demo person signs in with it")
    func demoServes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tabula-demo-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("demo.db").path
        let process = Process()
        process.executableURL = ServeProcessTests.binary
        process.arguments = ["demo", path, "--serve", "--port", "0"]
        var env = ProcessInfo.processInfo.environment
        env["TABULA_NOW"] = "2026-11-20T09:00:00Z"
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let printed = await Self.readUntilServing(out)
        #expect(printed.contains("Totals per client"), "the demo's own output comes first:\n\(printed)")
        #expect(printed.contains("password 'tabula-demo'"))
        #expect(printed.contains("dana (finance)"))
        #expect(printed.contains("demo base only"))
        let match = try #require(printed.firstMatch(of: /http:\/\/127\.0\.0\.1:(\d+)/), "no address in:\n\(printed)")
        let port = try #require(Int(match.output.1))
        #expect(port > 0)

        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            var form = HTTPFields()
            form[.contentType] = "application/x-www-form-urlencoded"
            let wrong = try await client.post("/signin", headers: form, body: ByteBuffer(string: "name=dana&password=not-the-one"))
            #expect(wrong.head.status == .unauthorized)
            let signed = try await client.post("/signin", headers: form, body: ByteBuffer(string: "name=dana&password=tabula-demo"))
            #expect(signed.head.status == .seeOther)
            let cookie = try #require(signed.head.headerFields[.setCookie]?.split(separator: ";").first.map(String.init))
            var headers = HTTPFields()
            headers[.cookie] = cookie
            let page = try await client.get("/", headers: headers)
            #expect(page.head.status == .ok)
            #expect(String(buffer: page.body ?? ByteBuffer()).contains(#"<meta name="person" content="dana">"#))
            let tables = try await client.get("/api/v1/tables", headers: headers)
            #expect(tables.head.status == .ok)
            #expect(String(buffer: tables.body ?? ByteBuffer()).contains("TimeEntries"))
        }
        process.terminate()  // SIGTERM
        await Self.waitForExit(process)
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        // The demo people's passwords are in the base it left, as hashes only.
        let file = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(file.range(of: Data("tabula-demo".utf8)) == nil)
    }

    @Test("tabula demo --serve refuses a port that is not one before building anything")
    func badPort() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tabula-demo-port-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("demo.db").path
        let process = Process()
        process.executableURL = ServeProcessTests.binary
        process.arguments = ["demo", path, "--serve", "--port", "70000"]
        let err = Pipe()
        process.standardOutput = Pipe()
        process.standardError = err
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(message.contains("--port 70000 is not a port"))
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
