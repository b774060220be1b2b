import Foundation
import Testing
@testable import TabulaEngine

/// A fresh directory under the system temp dir, removed by `cleanup()`.
private struct TempDir {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("tabula-sqlite-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

private func memory() throws -> Connection {
    try Connection(path: ":memory:", mode: .create)
}

private struct Boom: Error, CustomStringConvertible {
    var description: String { "boom" }
}

@Suite("SQLite layer")
struct SQLiteTests {
    @Test func opensCreatesAndCloses() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = dir.path("a.db")

        #expect(throws: DatabaseError.self) { try Connection(path: path, mode: .readWrite) }

        let db = try Connection(path: path, mode: .create)
        #expect(db.path == path)
        try db.execute("CREATE TABLE t(x)")
        try db.execute("INSERT INTO t VALUES (?)", [1])
        try db.validate()
        db.close()
        #expect(db.isClosed)
        db.close()  // harmless
        do {
            try db.execute("SELECT 1")
            Issue.record("a closed connection ran SQL")
        } catch {
            #expect(error.code == 21)
        }

        let reader = try Connection(path: path, mode: .readOnly)
        #expect(try reader.scalar("SELECT count(*) FROM t") == .integer(1))
        do {
            try reader.execute("INSERT INTO t VALUES (2)")
            Issue.record("wrote through a read-only connection")
        } catch {
            #expect(error.isReadOnly)
        }
        #expect(!Connection.libraryVersion.isEmpty)
    }

    @Test func missingDirectoryGivesErrorNamingThePath() throws {
        do {
            _ = try Connection(path: "/nonexistent-dir-\(UUID().uuidString)/x.db", mode: .create)
            Issue.record("opened a file in a missing directory")
        } catch {
            #expect(error.code == 14)  // SQLITE_CANTOPEN
            #expect(error.message.contains("nonexistent-dir"))
        }
    }

    @Test func executesSeveralStatements() throws {
        let db = try memory()
        try db.execute("""
            CREATE TABLE a(x INTEGER);  -- first
            CREATE TABLE b(y TEXT);
            /* a comment */ INSERT INTO a VALUES (1), (2);
            INSERT INTO b VALUES ('q');
            PRAGMA user_version = 7;
            """)
        #expect(try db.scalar("SELECT sum(x) FROM a") == .integer(3))
        #expect(try db.scalar("SELECT y FROM b") == .text("q"))
        #expect(try db.userVersion() == 7)
        try db.setUserVersion(9)
        #expect(try db.userVersion() == 9)
        try db.execute("")
        try db.execute("  -- nothing but a comment\n")

        do {
            try db.execute("INSERT INTO a VALUES (3); INSERT INTO nope VALUES (1); INSERT INTO a VALUES (4)")
            Issue.record("ran a bad script")
        } catch {
            #expect(error.message.contains("no such table: nope"))
            #expect(error.sql?.hasPrefix("INSERT INTO nope") == true)
        }
        #expect(try db.scalar("SELECT count(*) FROM a") == .integer(3))  // the first one ran
    }

    @Test func bindsAndReadsEveryStorageClass() throws {
        let db = try memory()
        try db.execute("CREATE TABLE v(i, r, t, b, n)")
        let text = "Привет, мир 👋🏽 — ünïcödé\u{0}tail"
        let blob: [UInt8] = [0, 1, 2, 0xFF, 0x7F, 0]
        try db.execute("INSERT INTO v VALUES (?, ?, ?, ?, ?)",
                       [.integer(Int64.min), .real(-1.5e300), .text(text), .blob(blob), .null])
        try db.execute("INSERT INTO v VALUES (?, ?, ?, ?, ?)",
                       [.integer(Int64.max), .real(0.1), .text(""), .blob([]), .null])
        let rows = try db.query("SELECT i, r, t, b, n FROM v ORDER BY rowid")
        #expect(rows == [
            [.integer(Int64.min), .real(-1.5e300), .text(text), .blob(blob), .null],
            [.integer(Int64.max), .real(0.1), .text(""), .blob([]), .null],
        ])
        #expect(try db.scalar("SELECT typeof(t) || typeof(b) FROM v WHERE i = ?", [.integer(Int64.max)])
                == .text("textblob"))

        let statement = try db.prepare("SELECT i, r, t, b, n FROM v ORDER BY rowid")
        #expect(statement.columnCount == 5)
        #expect(statement.columnNames == ["i", "r", "t", "b", "n"])
        #expect(try statement.step())
        #expect(statement.int64(0) == Int64.min)
        #expect(statement.double(1) == -1.5e300)
        #expect(statement.text(2) == text)
        #expect(statement.blob(3) == blob)
        #expect(statement.isNull(4))
        #expect((0..<5).map { statement.columnType($0) } == [.integer, .real, .text, .blob, .null])
        #expect(statement.text(4) == nil)
        #expect(statement.blob(4) == nil)
        #expect(try statement.step())
        #expect(statement.text(2) == "")
        #expect(statement.blob(3) == [])
        #expect(try !statement.step())
        statement.reset()
    }

    @Test func fastPathBindings() throws {
        let db = try memory()
        try db.execute("CREATE TABLE f(a INTEGER, b REAL, c TEXT, d BLOB, e)")
        let insert = try db.prepare("INSERT INTO f VALUES (?1, ?2, ?3, ?4, ?5)")
        #expect(insert.parameterCount == 5)
        try insert.bind(int64: 42, at: 1)
        try insert.bind(double: 2.5, at: 2)
        try insert.bind(text: "ä", at: 3)
        try insert.bind(blob: [9], at: 4)
        try insert.bindNull(at: 5)
        try insert.run()
        #expect(try db.query("SELECT * FROM f") == [[42, 2.5, "ä", .blob([9]), .null]])

        do {
            try insert.bind(int64: 1, at: 6)
            Issue.record("bound out of range")
        } catch {
            #expect(error.code == 25)  // SQLITE_RANGE
            #expect(error.sql == "INSERT INTO f VALUES (?1, ?2, ?3, ?4, ?5)")
        }
        do {
            try insert.run([1, 2])
            Issue.record("ran with too few arguments")
        } catch {
            #expect(error.message.contains("takes 5, got 2"))
            #expect(error.arguments == [1, 2])
        }
    }

    @Test func cachedStatementsAreReused() throws {
        let db = try memory()
        try db.execute("CREATE TABLE t(x)")
        let sql = "INSERT INTO t VALUES (?)"
        let first = try db.cachedStatement(sql)
        try first.bind([1])
        #expect(try !first.step())
        // Reused without a reset by the caller: it comes back reset with its bindings cleared.
        let second = try db.cachedStatement(sql)
        #expect(first === second)
        #expect(try !second.step())
        #expect(try db.query("SELECT x FROM t ORDER BY rowid") == [[1], [.null]])
        #expect(try db.prepare(sql) !== first)

        // A nested query with the same SQL gets its own statement.
        try db.execute("DELETE FROM t; INSERT INTO t VALUES (1), (2), (3)")
        var pairs = 0
        try db.cachedStatement("SELECT x FROM t").forEachRow { _ in
            pairs += try db.query("SELECT x FROM t").count
        }
        #expect(pairs == 9)
        db.clearStatementCache()
        #expect(try db.cachedStatement(sql) !== first)
    }

    @Test func prepareRefusesEmptyAndMultipleStatements() throws {
        let db = try memory()
        #expect(throws: DatabaseError.self) { try db.prepare("") }
        #expect(throws: DatabaseError.self) { try db.prepare("SELECT 1; SELECT 2") }
        #expect(throws: DatabaseError.self) { try db.prepare("SELECT 1; garbage") }
        _ = try db.prepare("SELECT 1;  -- trailing comment\n")
        do {
            _ = try db.prepare("SELEKT 1")
            Issue.record("prepared a syntax error")
        } catch {
            #expect(error.message.contains("syntax error"))
            #expect(error.sql == "SELEKT 1")
        }
    }

    @Test func transactionCommits() throws {
        let db = try memory()
        try db.execute("CREATE TABLE t(x)")
        #expect(!db.isInTransaction)
        let n = try db.transaction {
            #expect(db.isInTransaction)
            try db.execute("INSERT INTO t VALUES (?)", [1])
            try db.execute("INSERT INTO t VALUES (?)", [2])
            return db.changes
        }
        #expect(n == 1)
        #expect(!db.isInTransaction)
        #expect(try db.scalar("SELECT count(*) FROM t") == 2)
        for kind in [TransactionKind.deferred, .immediate, .exclusive] {
            try db.transaction(kind) { try db.execute("INSERT INTO t VALUES (?)", [3]) }
        }
        #expect(try db.scalar("SELECT count(*) FROM t") == 5)
    }

    @Test func transactionRollsBackOnThrowAndRethrowsTheOriginalError() throws {
        let db = try memory()
        try db.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1)")
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (?)", [2])
                try db.execute("UPDATE t SET x = x + 10")
                throw Boom()
            }
        }
        #expect(!db.isInTransaction)
        #expect(try db.query("SELECT x FROM t") == [[1]])
    }

    @Test func nestedTransactionUsesASavepoint() throws {
        let db = try memory()
        try db.execute("CREATE TABLE t(x)")
        try db.transaction {
            try db.execute("INSERT INTO t VALUES (?)", ["outer 1"])
            #expect(throws: Boom.self) {
                try db.transaction {
                    try db.execute("INSERT INTO t VALUES (?)", ["inner, rolled back"])
                    throw Boom()
                }
            }
            #expect(db.isInTransaction)
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (?)", ["inner, kept"])
                try db.transaction {
                    try db.execute("INSERT INTO t VALUES (?)", ["innermost"])
                }
            }
            try db.execute("INSERT INTO t VALUES (?)", ["outer 2"])
        }
        #expect(try db.query("SELECT x FROM t ORDER BY rowid")
                == [["outer 1"], ["inner, kept"], ["innermost"], ["outer 2"]])

        // An outer failure undoes the inner, released savepoint too.
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.transaction { try db.execute("DELETE FROM t") }
                throw Boom()
            }
        }
        #expect(try db.scalar("SELECT count(*) FROM t") == 4)
    }

    @Test func failedCommitRollsBack() throws {
        let db = try memory()
        try db.execute("""
            PRAGMA foreign_keys = ON;
            CREATE TABLE p(id INTEGER PRIMARY KEY);
            CREATE TABLE c(p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED);
            """)
        do {
            try db.transaction { try db.execute("INSERT INTO c VALUES (?)", [99]) }
            Issue.record("committed a dangling reference")
        } catch let error as DatabaseError {
            #expect(error.isConstraintViolation)
            #expect(error.sql == "COMMIT TRANSACTION")
        }
        #expect(!db.isInTransaction)
        #expect(try db.scalar("SELECT count(*) FROM c") == 0)
    }

    @Test func constraintErrorCarriesSQLAndArguments() throws {
        let db = try memory()
        try db.execute("CREATE TABLE t_1(f_2 TEXT UNIQUE NOT NULL)")
        try db.execute("INSERT INTO t_1 VALUES (?)", ["a"])
        do {
            try db.execute("INSERT INTO t_1 VALUES (?)", ["a"])
            Issue.record("inserted a duplicate")
        } catch {
            #expect(error.isConstraintViolation)
            #expect(error.code == 19)
            #expect(error.extendedCode == 2067)  // SQLITE_CONSTRAINT_UNIQUE
            #expect(error.message == "UNIQUE constraint failed: t_1.f_2")
            #expect(error.sql == "INSERT INTO t_1 VALUES (?)")
            #expect(error.arguments == ["a"])
            #expect(error.description
                    == "SQLite error 19 (UNIQUE constraint failed: t_1.f_2) in: INSERT INTO t_1 VALUES (?) with ['a']")
        }
        do {
            try db.execute("INSERT INTO t_1 VALUES (?)", [.null])
            Issue.record("inserted a NULL")
        } catch {
            #expect(error.isConstraintViolation)
            #expect(error.extendedCode == 1299)  // SQLITE_CONSTRAINT_NOTNULL
        }
        // The cached statement is usable after its failure.
        try db.execute("INSERT INTO t_1 VALUES (?)", ["b"])
        #expect(try db.scalar("SELECT count(*) FROM t_1") == 2)
    }

    @Test func textFileIsNotADatabase() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = dir.path("notes.txt")
        let text = String(repeating: "This is a plain text file, not a database.\n", count: 40)
        try text.write(toFile: path, atomically: true, encoding: .utf8)

        let db = try Connection(path: path, mode: .readWrite)
        do {
            try db.validate()
            Issue.record("a text file validated")
        } catch {
            #expect(error.isNotADatabase)
            #expect(error.description.contains("not a database"))
        }
        #expect(throws: DatabaseError.self) { try db.execute("CREATE TABLE t(x)") }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)

        let small = dir.path("short.txt")
        try "hello".write(toFile: small, atomically: true, encoding: .utf8)
        do {
            try Connection(path: small, mode: .readOnly).validate()
            Issue.record("a short text file validated")
        } catch {
            #expect(error.isNotADatabase)
        }
    }

    @Test func customCollationOrdersRows() throws {
        let db = try memory()
        // Case-insensitive first, then binary: unlike SQLite's BINARY, 'B' sorts between 'a' and 'c'.
        try db.createCollation("tabula_test") { a, b in
            let (x, y) = (a.lowercased(), b.lowercased())
            if x != y { return x < y ? -1 : 1 }
            return a < b ? -1 : (a == b ? 0 : 1)
        }
        try db.execute("CREATE TABLE w(s TEXT); INSERT INTO w VALUES ('B'), ('a'), ('c'), ('A'), ('Я'), ('ё')")
        let sorted = try db.query("SELECT s FROM w ORDER BY s COLLATE tabula_test").compactMap { $0[0].textValue }
        #expect(sorted == ["A", "a", "B", "c", "Я", "ё"])
        #expect(try db.query("SELECT s FROM w ORDER BY s").compactMap { $0[0].textValue }
                == ["A", "B", "a", "c", "Я", "ё"])
        #expect(try db.scalar("SELECT 'X' = 'x' COLLATE tabula_test") == 0)
        #expect(try db.scalar("SELECT 'a' < 'B' COLLATE tabula_test") == 1)

        // The byte form sees raw UTF-8: reverse byte order.
        try db.createCollation("reverse_bytes", utf8Compare: { a, b in
            a.lexicographicallyPrecedes(b) ? 1 : (a.elementsEqual(b) ? 0 : -1)
        })
        let reversed = try db.query("SELECT s FROM w ORDER BY s COLLATE reverse_bytes").compactMap { $0[0].textValue }
        #expect(reversed == ["ё", "Я", "c", "a", "B", "A"])
    }

    @Test func customFunctionAndItsError() throws {
        let db = try memory()
        try db.createFunction("double_it", argumentCount: 1, deterministic: true) { args in
            switch args[0] {
            case .integer(let v): return .integer(v * 2)
            case .real(let v): return .real(v * 2)
            case .text(let s): return .text(s + s)
            case .blob(let b): return .blob(b + b)
            case .null: return .null
            }
        }
        try db.createFunction("fail_on", argumentCount: -1, deterministic: false) { args in
            if args.contains(.text("bad")) { throw Boom() }
            return .integer(Int64(args.count))
        }
        #expect(try db.query("SELECT double_it(21), double_it(1.25), double_it('жу'), double_it(x'01'), double_it(NULL)")
                == [[42, 2.5, "жужу", .blob([1, 1]), .null]])
        #expect(try db.scalar("SELECT fail_on(1, 2, 3)") == 3)
        #expect(try db.scalar("SELECT fail_on()") == 0)

        // Deterministic functions may be used in an index on an expression.
        try db.execute("CREATE TABLE n(x INTEGER); CREATE INDEX n_double ON n(double_it(x))")
        try db.execute("INSERT INTO n VALUES (?)", [5])
        #expect(try db.scalar("SELECT x FROM n WHERE double_it(x) = ?", [10]) == 5)

        do {
            _ = try db.scalar("SELECT fail_on(?, ?)", [1, "bad"])
            Issue.record("the function's error was lost")
        } catch {
            #expect(error.message == "boom")
            #expect(error.sql == "SELECT fail_on(?, ?)")
            #expect(error.arguments == [1, "bad"])
        }

        // Replacing a function releases the old one; the new one is used.
        try db.createFunction("double_it", argumentCount: 1, deterministic: true) { _ in 0 }
        #expect(try db.scalar("SELECT double_it(21)") == 0)
    }

    @Test func walModeOnAFile() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = dir.path("wal.db")
        let writer = try Connection(path: path, mode: .create)
        #expect(try writer.scalar("PRAGMA journal_mode = WAL") == "wal")
        try writer.execute("PRAGMA synchronous = NORMAL; CREATE TABLE t(x)")
        try writer.transaction { try writer.execute("INSERT INTO t VALUES (?)", [1]) }
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))

        let reader = try Connection(path: path, mode: .readOnly)
        reader.setBusyTimeout(milliseconds: 1000)
        // A reader sees the committed row while the writer holds an open write transaction.
        try writer.transaction {
            try writer.execute("INSERT INTO t VALUES (?)", [2])
            #expect(try reader.scalar("SELECT count(*) FROM t") == 1)
        }
        #expect(try reader.scalar("SELECT count(*) FROM t") == 2)
        #expect(try reader.scalar("PRAGMA journal_mode") == "wal")

        // A second writer is busy while the first holds the write lock.
        let other = try Connection(path: path, mode: .readWrite)
        other.setBusyTimeout(milliseconds: 0)  // fail at once instead of waiting the default 5 s
        try writer.transaction {
            do {
                try other.transaction { try other.execute("INSERT INTO t VALUES (?)", [3]) }
                Issue.record("two writers at once")
            } catch let error as DatabaseError {
                #expect(error.isBusy)
            }
        }
    }

    @Test func lastInsertRowIDAndChanges() throws {
        let db = try memory()
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, x)")
        #expect(db.lastInsertRowID == 0)
        try db.execute("INSERT INTO t(x) VALUES (?)", ["a"])
        #expect(db.lastInsertRowID == 1)
        try db.execute("INSERT INTO t(id, x) VALUES (?, ?)", [41, "b"])
        #expect(db.lastInsertRowID == 41)
        try db.execute("INSERT INTO t(x) VALUES (?)", ["c"])
        #expect(db.lastInsertRowID == 42)
        try db.execute("UPDATE t SET x = 'z' WHERE id > ?", [1])
        #expect(db.changes == 2)
        #expect(db.totalChanges == 5)
        let returned = try db.query("INSERT INTO t(x) VALUES (?) RETURNING id", ["d"])
        #expect(returned == [[43]])
    }

    @Test func statementOutlivesItsClosedConnection() throws {
        var db: Connection? = try memory()
        try db!.execute("CREATE TABLE t(x); INSERT INTO t VALUES (7)")
        let statement = try db!.prepare("SELECT x FROM t")
        db!.close()
        db = nil
        // SQLite keeps the connection until the statement is finalized: reading still works.
        #expect(try statement.rows() == [[7]])
    }

    @Test func sqlValueConveniences() {
        let values: [SQLValue] = [1, 2.5, "x", true, .null, .blob([0xAB])]
        #expect(values[0].int64Value == 1)
        #expect(values[0].doubleValue == 1)
        #expect(values[1].doubleValue == 2.5)
        #expect(values[1].int64Value == nil)
        #expect(values[2].textValue == "x")
        #expect(values[3] == .integer(1))
        #expect(values[4].isNull)
        #expect(values[5].blobValue == [0xAB])
        #expect(values.map(\.description) == ["1", "2.5", "'x'", "1", "NULL", "x'AB'"])
        #expect(SQLValue.text("it's").description == "'it''s'")
    }

    @Test func bulkInsertOfOneHundredThousandRows() throws {
        let db = try memory()
        try db.execute("CREATE TABLE big(id INTEGER PRIMARY KEY, n INTEGER, r REAL, s TEXT)")
        let count = 100_000
        try db.transaction {
            let insert = try db.cachedStatement("INSERT INTO big(n, r, s) VALUES (?, ?, ?)")
            for i in 0..<count {
                try insert.bind(int64: Int64(i), at: 1)
                try insert.bind(double: Double(i) / 4, at: 2)
                try insert.bind(text: "row \(i)", at: 3)
                _ = try insert.step()
                insert.resetKeepingBindings()
            }
        }
        #expect(try db.query("SELECT count(*), sum(n), max(s) FROM big")
                == [[.integer(Int64(count)), .integer(Int64(count * (count - 1) / 2)), "row 99999"]])
        var seen = 0
        try db.cachedStatement("SELECT n, r FROM big WHERE n < ?").forEachRow([10]) { row in
            #expect(row.double(1) == Double(row.int64(0)) / 4)
            seen += 1
        }
        #expect(seen == 10)
    }
}
