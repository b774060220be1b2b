import Foundation
import Testing

/// The web table in a real browser: runs Tests/Browser/run.py (Playwright driving Debian's
/// Chromium against `tabula serve`). Where python3, Playwright or Chromium is missing the run
/// says so and the test notes the skip (`.ci/run` installs them).
@Suite struct BrowserTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("sign in, a timer that ticks and shows live elsewhere, totals, cell errors, my week, the lead's approval, in Chromium")
    func browser() async throws {
        if ProcessInfo.processInfo.environment["TABULA_SKIP_BROWSER"] == "1" {
            print("browser tests skipped: TABULA_SKIP_BROWSER=1")
            return
        }
        guard let python = Self.which("python3")
            ?? ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            print("browser tests skipped: no python3")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.root.appendingPathComponent("Tests/Browser/run.py").path, "--tabula", ServeProcessTests.binary.path]
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "TABULA_NOW")
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        // Waited for on a thread of its own: the minute it takes must not hold one of the few
        // threads that the in-process servers of other tests answer on.
        let reader = out.fileHandleForReading
        let output: String = await withCheckedContinuation { done in
            Thread.detachNewThread {
                let text = String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                done.resume(returning: text)
            }
        }
        if process.terminationStatus == 77 {
            print("browser tests skipped: " + output.trimmingCharacters(in: .whitespacesAndNewlines))
            return
        }
        #expect(process.terminationStatus == 0, "browser checks failed:\n\(output)")
    }

    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
