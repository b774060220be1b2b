import Foundation

/// The state of a group commit: several commands made durable by one commit.
final class CommitGroup {
    /// Whether a command of the group wrote webhook events (the deliverer is told after the commit).
    var wroteOutboxEvents = false

    /// A command may join the group only while its transaction is open: a failure that made
    /// SQLite roll the whole transaction back (a full disk) must not let the next command commit
    /// alone, outside the group.
    func requireOpen(_ db: Connection) throws {
        guard db.isInTransaction else {
            throw EngineError(.storage, "the writes grouped with this one were rolled back by an earlier failure",
                              hint: "nothing of this write was kept; send it again")
        }
    }
}

extension Base {
    /// Runs `body`, in which every `write` is a whole command as usual (its own rules, recompute,
    /// access and lock checks, and undone alone when it throws), but the commands become durable
    /// together, with one commit at the end: a server pays one disk flush for the writes of many
    /// clients that arrived together. What a command returned is only true once this returns
    /// normally; when it throws (the commit failed), none of the commands stayed, and the caller
    /// should reopen the base, whose caches may hold their effects.
    public func commitTogether<T>(_ body: () throws -> T) throws -> T {
        let (value, wroteOutboxEvents) = try runGroup(flushing: true, body)
        if wroteOutboxEvents { OutboxSignal.committed(path: path) }
        return value
    }

    /// As `commitTogether`, but the commit is written to the base's log without waiting for the
    /// disk: the returned `UnflushedCommit`'s `flush()`, which may run on another thread, makes
    /// it durable. Until then nothing the commands returned may be told to anyone, and the
    /// disk's flush no longer holds up the next group (a server writes the next group while the
    /// previous one flushes). Readers of the base may see the group's rows before the flush: a
    /// power loss before it takes them back, never a half of them.
    ///
    /// A base whose file could not be put in WAL mode (a file system without shared memory)
    /// commits with its flush as `commitTogether` does, and its `flush()` only tells the deliverers.
    public func commitTogetherUnflushed<T>(_ body: () throws -> T) throws -> (value: T, commit: UnflushedCommit) {
        if logIsWriteAhead == nil {
            logIsWriteAhead = try db.scalar("PRAGMA journal_mode").textValue?.lowercased() == "wal"
        }
        let writeAhead = logIsWriteAhead == true
        let (value, wroteOutboxEvents) = try runGroup(flushing: !writeAhead, body)
        return (value, UnflushedCommit(basePath: path, wroteOutboxEvents: wroteOutboxEvents, durable: !writeAhead))
    }

    /// One group commit, its commit synced (`flushing`) or only written to the log.
    private func runGroup<T>(flushing: Bool, _ body: () throws -> T) throws -> (T, wroteOutboxEvents: Bool) {
        guard currentTransaction == nil, commitGroup == nil, !db.isInTransaction else {
            throw EngineError(.storage, "a group commit cannot start inside another write", hint: "start it outside any `write` call")
        }
        let group = CommitGroup()
        commitGroup = group
        defer { commitGroup = nil }
        let value: T
        do {
            // In WAL mode, `NORMAL` writes the commit to the log without syncing it; the log is
            // still synced before each checkpoint copies it into the base, so a later flush of
            // the log makes this commit, and all before it, durable.
            if !flushing { try db.execute("PRAGMA synchronous = NORMAL", []) }
            defer { if !flushing { try? db.execute("PRAGMA synchronous = FULL", []) } }
            value = try db.transaction(.immediate) { try body() }
        } catch let error as DatabaseError {
            attachments.timerIndexesVersion = -1
            throw EngineError(storage: error, doing: "the base could not be written")
        } catch {
            attachments.timerIndexesVersion = -1
            throw error
        }
        return (value, group.wroteOutboxEvents)
    }
}

/// A group commit in the base's write-ahead log, not yet flushed to the disk
/// (`Base.commitTogetherUnflushed`). `flush()` makes it durable, with every commit before it.
public struct UnflushedCommit: Sendable {
    let basePath: String
    /// Whether the group wrote webhook events: the deliverers are told once they are durable.
    let wroteOutboxEvents: Bool
    /// Whether the commit was flushed already (a base not in WAL mode).
    var durable = false

    /// Flushes the base's write-ahead log to the disk (`fdatasync`), which makes this commit and
    /// every earlier one durable; then tells the base's webhook deliverers of its events. Safe
    /// on any thread. Throws when the disk refuses the flush: the commit may then be lost.
    public func flush() throws {
        if durable {
            if wroteOutboxEvents { OutboxSignal.committed(path: basePath) }
            return
        }
        let log = basePath + "-wal"
        let descriptor = open(log, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            // No log: the last connection checkpointed it into the base, which it synced, and removed it.
            guard errno == ENOENT else { throw Self.failure(errno) }
        } else {
            defer { close(descriptor) }
            guard fdatasync(descriptor) == 0 else { throw Self.failure(errno) }
        }
        if wroteOutboxEvents { OutboxSignal.committed(path: basePath) }
    }

    /// Flushes the last of `commits` (a flush covers every commit before it) and tells the deliverers of all their events.
    public static func flush(_ commits: [UnflushedCommit]) throws {
        guard let last = commits.last else { return }
        try UnflushedCommit(basePath: last.basePath, wroteOutboxEvents: commits.contains { $0.wroteOutboxEvents },
                            durable: commits.allSatisfy(\.durable)).flush()
    }

    private static func failure(_ code: Int32) -> EngineError {
        EngineError(.storage, "the base's log could not be flushed to the disk: \(String(cString: strerror(code)))",
                    hint: "the last writes may be lost; check the disk, then send them again")
    }
}
