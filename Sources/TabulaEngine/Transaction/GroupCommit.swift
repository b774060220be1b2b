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
        guard currentTransaction == nil, commitGroup == nil, !db.isInTransaction else {
            throw EngineError(.storage, "a group commit cannot start inside another write", hint: "start it outside any `write` call")
        }
        let group = CommitGroup()
        commitGroup = group
        defer { commitGroup = nil }
        let value: T
        do {
            value = try db.transaction(.immediate) { try body() }
        } catch let error as DatabaseError {
            attachments.timerIndexesVersion = -1
            throw EngineError(storage: error, doing: "the base could not be written")
        } catch {
            attachments.timerIndexesVersion = -1
            throw error
        }
        if group.wroteOutboxEvents { OutboxSignal.committed(path: path) }
        return value
    }
}
