import Foundation
import Testing
import TabulaEngine

/// `tabula backup`, `restore` and `check --integrity` end to end.
@Suite struct BackupCommandTests {
    @Test("a backup taken while another process adds rows is a clean base holding a whole number of that process's writes")
    func backupWhileWriting() throws {
        let cli = try CLI()
        let schema = try cli.write("team.tabula", teamSchema)
        #expect(try cli.run("init", "t.db", "--schema", schema).status == 0)
        let rows = (1...3000).map { "c\($0)" }.joined(separator: "\n")
        let file = try cli.write("clients.csv", "name\n" + rows + "\n")
        let writer = Process()
        writer.executableURL = CLI.binary
        writer.arguments = ["add", "t.db", "Clients", "--file", file]
        writer.currentDirectoryURL = cli.directory
        writer.standardOutput = FileHandle.nullDevice
        writer.standardError = FileHandle.nullDevice
        try writer.run()
        let backup = try cli.run("backup", "t.db", "copy.db")
        writer.waitUntilExit()
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(writer.terminationStatus == 0)
        let check = try cli.run("check", "copy.db", "--integrity")
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("history: ok"))
        // One transaction: the copy has all 3000 rows or none of them.
        let shown = try cli.run("show", "copy.db", "Clients", "--format", "csv")
        let count = shown.stdout.split(separator: "\r\n").count - 1
        #expect(count == 0 || count == 3000, "\(count) rows")
    }

    @Test("restore refuses to overwrite without --replace, saves the old base with it, and refuses a file that is not a base")
    func restoreCommand() throws {
        let cli = try CLI()
        let schema = try cli.write("team.tabula", teamSchema)
        #expect(try cli.run("init", "t.db", "--schema", schema).status == 0)
        #expect(try cli.run("add", "t.db", "Clients", "name=Acme").status == 0)
        #expect(try cli.run("backup", "t.db", "copy.db").status == 0)
        let again = try cli.run("backup", "t.db", "copy.db")
        #expect(again.status == 1 && again.stderr.contains("'copy.db' already exists"))
        #expect(try cli.run("add", "t.db", "Clients", "name=Globex").status == 0)
        let refused = try cli.run("restore", "t.db", "copy.db")
        #expect(refused.status == 1 && refused.stderr.contains("--replace") && refused.stderr.contains("already exists"))
        _ = try cli.write("junk.db", "hello")
        let junk = try cli.run("restore", "new.db", "junk.db")
        #expect(junk.status == 1 && junk.stderr.contains("not a Tabula backup"))
        #expect(!FileManager.default.fileExists(atPath: cli.path("new.db")))
        let replaced = try cli.run("restore", "t.db", "copy.db", "--replace")
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(replaced.stdout.contains("saved in t.db.before-restore"))
        #expect(try cli.run("show", "t.db", "Clients", "--format", "csv").stdout == "id,name,rate,projects\r\n1,Acme,,\r\n")
        #expect(try cli.run("show", "t.db.before-restore", "Clients", "--format", "csv").stdout.contains("Globex"))
    }

    @Test("check --integrity names each check and exits 1 with a repair when the history and the rows disagree")
    func integrityCommand() throws {
        let cli = try CLI()
        let schema = try cli.write("team.tabula", teamSchema)
        #expect(try cli.run("init", "t.db", "--schema", schema).status == 0)
        #expect(try cli.run("add", "t.db", "Clients", "name=Acme").status == 0)
        let clean = try cli.run("check", "t.db", "--integrity")
        #expect(clean.status == 0)
        #expect(clean.stdout == "sqlite integrity: ok\nforeign keys: ok\ncomputed values: ok\nhistory: ok\n")
        let db = try Connection(path: cli.path("t.db"), mode: .readWrite)
        try db.execute("DELETE FROM t1 WHERE id = 1")
        db.close()
        let broken = try cli.run("check", "t.db", "--integrity")
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("history: 1 problem\n  Clients #1: the history records its insert, but the row is gone"))
        #expect(broken.stdout.contains("  repair: "))
    }
}
