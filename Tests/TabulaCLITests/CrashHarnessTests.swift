import Foundation
import Testing

/// The crash harness at a small count: real processes killed with SIGKILL mid-write, every
/// base consistent afterwards (`tabula bench crash --runs 200` is the long run).
@Suite struct CrashHarnessTests {
    @Test("tabula bench crash: every run is consistent after its SIGKILL, and the kills land mid-command")
    func shortCrashRun() throws {
        let cli = try CLI()
        let r = try cli.run("bench", "crash", "--runs", "8", "--seed", "7", "--directory", cli.directory.path)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.hasPrefix("8 of 8 runs consistent\n"), "\(r.stdout)")
        let killed = r.stdout.split(separator: "\n").first { $0.hasPrefix("killed mid-command: ") }
        let count = killed.flatMap { Int($0.dropFirst("killed mid-command: ".count).prefix { $0.isNumber }) } ?? 0
        #expect(count > 0, "no kill landed while a command ran: \(r.stdout)")
    }
}
