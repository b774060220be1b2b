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

    /// Opens `/events` on a raw socket (the stream never ends, so no client that waits for a
    /// whole body will do) and returns the socket once the stream's first bytes arrived.
    static func openEventStream(port: Int, cookie: String) async -> Int32 {
        await withCheckedContinuation { done in
            Thread.detachNewThread {
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = in_port_t(UInt16(port).bigEndian)
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                _ = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                let request = Array("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: \(cookie)\r\n\r\n".utf8)
                _ = request.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                var buffer = [UInt8](repeating: 0, count: 4096)
                _ = buffer.withUnsafeMutableBufferPointer { recv(fd, $0.baseAddress, $0.count, 0) }
                done.resume(returning: fd)
            }
        }
    }

    @Test("a page's open event stream does not hold up the server's stop: SIGTERM ends it within seconds")
    func stopsPromptlyWithAnOpenStream() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tabula-demo-stop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = ServeProcessTests.binary
        process.arguments = ["demo", directory.appendingPathComponent("demo.db").path, "--serve", "--port", "0"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let printed = await Self.readUntilServing(out)
        let match = try #require(printed.firstMatch(of: /http:\/\/127\.0\.0\.1:(\d+)/), "no address in:\n\(printed)")
        let port = try #require(Int(match.output.1))
        let cookie: String = try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            var form = HTTPFields()
            form[.contentType] = "application/x-www-form-urlencoded"
            let signed = try await client.post("/signin", headers: form, body: ByteBuffer(string: "name=anna&password=tabula-demo"))
            return try #require(signed.head.headerFields[.setCookie]?.split(separator: ";").first.map(String.init))
        }
        let stream = await Self.openEventStream(port: port, cookie: cookie)
        defer { close(stream) }
        let asked = ContinuousClock.now
        process.terminate()  // SIGTERM, with the stream still open
        await Self.waitForExit(process)
        // The stream's own limit is 25 s; the server must not wait it out.
        #expect(ContinuousClock.now - asked < .seconds(10))
        #expect(process.terminationStatus == 0)
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
