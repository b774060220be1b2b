extension Base {
    /// Runs `body`, which only reads, in one read transaction: every statement in it sees the
    /// same snapshot of the file, and SQLite takes and drops its shared lock once instead of once
    /// per statement (a server's request reads a token, a row and its links: five statements,
    /// five lock round trips through the kernel otherwise). Inside a transaction already open,
    /// `body` simply runs in it.
    public func reading<T>(_ body: () throws -> T) throws -> T {
        if db.isInTransaction { return try body() }
        return try db.transaction(.deferred, body)
    }
}
