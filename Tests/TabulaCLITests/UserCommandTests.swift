import Foundation
import Testing

@Suite struct UserCommandTests {
    @Test("user password reads one line from standard input, stores only a hash, and refuses what it cannot use")
    func setsAPasswordFromStandardInput() throws {
        let cli = try CLI()
        #expect(try cli.run("init", "tt.db", "--package", "timetracking", "--timezone", "UTC").status == 0)
        #expect(try cli.run("add", "tt.db", "People", "name=anna").status == 0)
        let ok = try cli.run("user", "password", "tt.db", "anna", stdin: "a long password\n")
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("password set for anna"))
        let file = try Data(contentsOf: URL(fileURLWithPath: cli.path("tt.db")))
            + (FileManager.default.contents(atPath: cli.path("tt.db") + "-wal") ?? Data())
        #expect(file.range(of: Data("a long password".utf8)) == nil)
        let history = try cli.run("history", "tt.db")
        #expect(history.stdout.contains("password set for anna"))

        let before = cli.snapshot("tt.db")
        let short = try cli.run("user", "password", "tt.db", "anna", stdin: "short\n")
        #expect(short.status == 1)
        #expect(short.stderr.contains("at least 8 characters"))
        let nobody = try cli.run("user", "password", "tt.db", "zoe", stdin: "a long password\n")
        #expect(nobody.status == 1)
        #expect(nobody.stderr.contains("'zoe' is not one of the people"))
        let empty = try cli.run("user", "password", "tt.db", "anna")
        #expect(empty.status == 2)  // a usage error: the command needs its input
        #expect(empty.stderr.contains("no password on standard input"))
        #expect(cli.snapshot("tt.db") == before)
    }
}
