import Foundation
import Testing
@testable import TabulaEngine
import Synchronization

/// A group commit: several commands, each whole and undone alone when it fails, made durable by
/// one commit (the server's writer groups the requests that queued while the disk flushed).
@Suite struct GroupCommitTests {
    func a(_ pairs: (String, String)...) -> [TextAssignment] { pairs.map { TextAssignment(field: $0.0, text: $0.1) } }

    func makeBase() throws -> (Base, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tabula-group-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("g.db").path
        let base = try Base.create(at: path, schemaSource: WriteTransactionTests.schema, sourceName: "g.tabula", actor: "anna")
        try base.write { try $0.insert(into: "Projects", rows: [a(("name", "Web")), a(("name", "App"))]) }
        return (base, path)
    }

    @Test("a failing command in a group is undone alone; the others commit with their rollups")
    func aFailingCommandIsUndoneAlone() throws {
        let (base, _) = try makeBase()
        defer { base.close() }
        let outcomes: [Result<Void, any Error>] = try base.commitTogether {
            [
                Result { try base.write { try $0.insert(into: "Tasks", rows: [self.a(("title", "Landing"), ("project", "Web"), ("hours", "2h"))]) } },
                // refused by the after-write checks: Web has a task now
                Result { try base.write { _ = try $0.delete("Projects", row: "Web") } },
                Result { try base.write { try $0.insert(into: "Projects", rows: [self.a(("name", "App"))]) } },  // not unique
                Result { try base.write { try $0.insert(into: "Tasks", rows: [self.a(("title", "Login"), ("project", "App"), ("hours", "90m"))]) } },
            ].map { $0.map { _ in () } }
        }
        #expect(outcomes.map { (try? $0.get()) != nil } == [true, false, false, true])
        let projects = try base.table(named: "Projects")
        #expect(try base.rowCount(of: projects) == 2)
        #expect(try base.rowCount(of: base.table(named: "Tasks")) == 2)
        let hours = try base.rows(of: projects).map { $0.values[2] }
        #expect(hours == [.duration(7200), .duration(5400)])
        #expect(try base.integrity.check().isEmpty)
    }

    @Test("another connection sees none of a group's commands before the group commits, and all of them after")
    func theGroupIsDurableTogether() throws {
        let (base, path) = try makeBase()
        defer { base.close() }
        let other = try Base.open(at: path, actor: "ben")
        defer { other.close() }
        let tasks = try other.table(named: "Tasks")
        try base.commitTogether {
            try base.write { try $0.insert(into: "Tasks", rows: [self.a(("title", "One"), ("project", "Web"))]) }
            try base.write { try $0.insert(into: "Tasks", rows: [self.a(("title", "Two"), ("project", "App"))]) }
            #expect(try other.rowCount(of: tasks) == 0)
        }
        #expect(try other.rowCount(of: tasks) == 2)
    }

    @Test("when the group's body throws, none of its commands stays")
    func aThrowingGroupKeepsNothing() throws {
        let (base, path) = try makeBase()
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try base.commitTogether {
                try base.write { try $0.insert(into: "Tasks", rows: [self.a(("title", "One"), ("project", "Web"))]) }
                throw Stop()
            }
        }
        base.close()
        let reopened = try Base.open(at: path, actor: "anna")
        defer { reopened.close() }
        #expect(try reopened.rowCount(of: reopened.table(named: "Tasks")) == 0)
        #expect(try reopened.integrity.check().isEmpty)
    }

    @Test("a group cannot start inside a write")
    func noGroupInsideAWrite() throws {
        let (base, _) = try makeBase()
        defer { base.close() }
        let error = #expect(throws: EngineError.self) {
            try base.write { _ in try base.commitTogether { () } }
        }
        #expect(error?.message.contains("group commit") == true)
    }

    @Test("an unflushed group is committed for every reader at once, made durable by its flush, which alone tells the webhook deliverers; later writes flush as before")
    func anUnflushedGroupIsCommittedThenFlushed() throws {
        let (base, path) = try makeBase()
        defer { base.close() }
        _ = try base.webhooks.add(url: "http://127.0.0.1:9/hook", events: ["test.event"], secret: "whsec_dGVzdHNlY3JldA==")
        let told = Mutex(0)
        let observation = OutboxSignal.observe(path: path) { told.withLock { $0 += 1 } }
        defer { OutboxSignal.stopObserving(observation) }
        let other = try Base.open(at: path, actor: "ben")
        defer { other.close() }
        let (_, commit) = try base.commitTogetherUnflushed {
            try base.write { tx in
                try tx.insert(into: "Tasks", rows: [self.a(("title", "One"), ("project", "Web"), ("hours", "1h"))])
                try base.webhooks.enqueue("test.event", in: tx) { .object([]) }
            }
        }
        // Committed: another connection reads it (with its rollup) before any flush.
        #expect(try other.rowCount(of: other.table(named: "Tasks")) == 1)
        #expect(try other.rows(of: other.table(named: "Projects")).map { $0.values[2] }.first == .duration(3600))
        #expect(told.withLock { $0 } == 0)
        try commit.flush()
        #expect(told.withLock { $0 } == 1)
        // The connection writes with a flush per commit again outside such a group.
        #expect(try base.db.scalar("PRAGMA synchronous").int64Value == 2)
        try UnflushedCommit.flush([commit, commit])
        #expect(told.withLock { $0 } == 2)
    }

    @Test("who takes an event is asked again once an endpoint changes, through this connection, another one, or a rollback")
    func webhookSubscribersFollowTheEndpoints() throws {
        let (base, path) = try makeBase()
        defer { base.close() }
        func enqueue() throws -> String? {
            let written = try base.write { tx in try base.webhooks.enqueue("test.event", in: tx) { .object([]) } }
            return written.value
        }
        #expect(try enqueue() == nil)  // no webhooks at all
        let other = try Base.open(at: path, actor: "ben")
        defer { other.close() }
        let added = try other.webhooks.add(url: "http://127.0.0.1:9/a", events: ["test.event"], secret: "whsec_dGVzdHNlY3JldA==")
        #expect(try enqueue() != nil, "an endpoint another connection added takes the next event")
        try base.webhooks.disable(id: added.id, reason: "test")
        #expect(try enqueue() == nil, "a disabled endpoint takes none")
        struct Undo: Error {}
        _ = try? base.write { tx -> Void in
            _ = try base.webhooks.add(url: "http://127.0.0.1:9/b", events: ["test.event"], secret: "whsec_dGVzdHNlY3JldA==")
            #expect(try base.webhooks.enqueue("test.event", in: tx) { .object([]) } != nil)
            throw Undo()
        }
        #expect(try enqueue() == nil, "an endpoint whose adding rolled back takes none")
    }

    @Test("a base not in WAL mode commits an unflushed group with its flush, as a group commit does")
    func anUnflushedGroupOfABaseWithoutWALIsFlushedAtItsCommit() throws {
        let (base, path) = try makeBase()
        defer { base.close() }
        try base.db.execute("PRAGMA journal_mode = DELETE")
        let (_, commit) = try base.commitTogetherUnflushed {
            #expect(try base.db.scalar("PRAGMA synchronous").int64Value == 2, "no WAL to flush later: the commit syncs")
            try base.write { try $0.insert(into: "Tasks", rows: [self.a(("title", "One"), ("project", "Web"))]) }
        }
        #expect(commit.durable)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        try commit.flush()
        let other = try Base.open(at: path, actor: "ben")
        defer { other.close() }
        #expect(try other.rowCount(of: other.table(named: "Tasks")) == 1)
    }
}
