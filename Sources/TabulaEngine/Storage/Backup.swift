import Foundation

/// What `Base.backup(to:)` wrote.
public struct BackupSummary: Sendable, Hashable {
    /// The file written.
    public var path: String
    /// Its size in bytes.
    public var bytes: Int64
    /// Rows in the base's tables at the moment of the copy.
    public var rows: Int64
}

/// What `Base.restore(from:to:replacing:)` did.
public struct RestoreSummary: Sendable, Hashable {
    /// The base that now holds the backup's content.
    public var path: String
    /// Rows in the restored base's tables.
    public var rows: Int64
    /// Where the base's content before the restore was saved (only when it replaced one).
    public var previousSavedAt: String?
}

extension Base {
    /// Writes a consistent copy of the base to `path` with SQLite's online backup API: one
    /// snapshot, taken while other processes may keep writing (they are not blocked, and their
    /// later commits are not in the copy). The copy is checked (`PRAGMA quick_check`) before it
    /// takes its name, so a half-written or damaged backup never sits at `path`.
    /// An existing file at `path` is refused.
    public func backup(to path: String) throws -> BackupSummary {
        if FileManager.default.fileExists(atPath: path) {
            throw EngineError(.conflict, "'\(path)' already exists", hint: "choose a new file name for the backup, or remove the old one first")
        }
        let temporary = Self.temporaryPath(beside: path)
        defer { Self.removeDatabaseFiles(temporary) }
        let rows: Int64
        do {
            let target = try Connection(path: temporary, mode: .create)
            defer { target.close() }
            try db.backup(into: target)
            // A backup is one self-contained file (no -wal beside it), readable read-only.
            try target.execute("PRAGMA journal_mode = DELETE")
            try Self.quickCheck(target, path: path)
            rows = try Self.rowCount(schema, db: target)
        } catch let error as DatabaseError {
            throw EngineError(storage: error, doing: "cannot write the backup '\(path)'")
        }
        try Self.moveIntoPlace(temporary, path)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        return BackupSummary(path: path, bytes: bytes, rows: rows)
    }

    /// Restores the backup `file` into the base at `path`. The backup is first copied aside and
    /// checked: it must be a Tabula base this version reads, with a clean SQLite integrity check;
    /// else nothing is touched. A base already at `path` is replaced only with `replacing`, and
    /// then its content before the restore is saved first as a backup beside it
    /// (`previousSavedAt`). The replacing copy goes through the online backup API, so other
    /// processes that have the base open see either the old or the restored content, never a mix.
    public static func restore(from file: String, to path: String, replacing: Bool, actor: String,
                               now: @escaping @Sendable () -> Instant = Base.systemClock) throws -> RestoreSummary {
        guard FileManager.default.fileExists(atPath: file) else {
            throw EngineError(.notFound, "no backup at '\(file)'", hint: "pass the file written by the backup")
        }
        let exists = FileManager.default.fileExists(atPath: path)
        if exists && !replacing {
            throw EngineError(.conflict, "'\(path)' already exists; a restore would replace it",
                              hint: "restore into a new file name, or confirm replacing it (its content is saved beside it first)")
        }
        let staged = temporaryPath(beside: path)
        defer { removeDatabaseFiles(staged) }
        // Copied aside with the backup API too (the backup file is only read), then checked there.
        try stage(file, into: staged)
        let restored = try Base.open(at: staged, actor: actor, now: now)
        let rows = try rowCount(restored.schema, db: restored.db)
        guard exists else {
            restored.close()
            try moveIntoPlace(staged, path)
            return RestoreSummary(path: path, rows: rows, previousSavedAt: nil)
        }
        defer { restored.close() }
        let savedPath = uniquePath(path + ".before-restore")
        guard let current = try? Base.open(at: path, actor: actor, now: now) else {
            // Not a base this Tabula opens (damaged, say): its files are moved aside whole.
            restored.close()
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                try moveIntoPlace(path + suffix, savedPath + suffix)
            }
            try moveIntoPlace(staged, path)
            return RestoreSummary(path: path, rows: rows, previousSavedAt: savedPath)
        }
        defer { current.close() }
        let saved = try current.backup(to: savedPath).path
        do {
            try restored.db.backup(into: current.db)
        } catch {
            throw EngineError(storage: error, doing: "cannot restore into '\(path)' (its content before is in '\(saved)')")
        }
        return RestoreSummary(path: path, rows: rows, previousSavedAt: saved)
    }

    /// Copies the backup `file` to `staged` and checks the copy: a Tabula base this version
    /// reads, whose pages pass SQLite's quick check.
    private static func stage(_ file: String, into staged: String) throws {
        let source: Connection
        do {
            source = try Connection(path: file, mode: .readOnly)
            try source.validate()
        } catch {
            if error.isNotADatabase {
                throw EngineError(.invalidValue, "'\(file)' is not a Tabula backup (not an SQLite file)", hint: "pass the file written by the backup")
            }
            throw EngineError(storage: error, doing: "cannot read the backup '\(file)'")
        }
        defer { source.close() }
        _ = try readStoredSchema(source, path: file)
        let target: Connection
        do {
            target = try Connection(path: staged, mode: .create)
        } catch {
            throw EngineError(storage: error, doing: "cannot write beside '\(staged)'")
        }
        defer { target.close() }
        do {
            try source.backup(into: target)
        } catch {
            throw EngineError(storage: error, doing: "cannot read the backup '\(file)'")
        }
        do {
            try target.execute("PRAGMA journal_mode = DELETE")
        } catch {
            throw EngineError(storage: error, doing: "cannot write beside '\(staged)'")
        }
        try quickCheck(target, path: file)
    }

    /// Rows in all of a schema's tables.
    func rowCount() throws -> Int64 { try Self.rowCount(schema, db: db) }

    private static func rowCount(_ schema: Schema, db: Connection) throws -> Int64 {
        var total: Int64 = 0
        for table in schema.tables {
            total += try db.scalar("SELECT count(*) FROM \(Layout.table(table.id))").int64Value ?? 0
        }
        return total
    }

    private static func quickCheck(_ db: Connection, path: String) throws {
        let result = try db.query("PRAGMA quick_check").compactMap { $0.first?.textValue }
        if result != ["ok"] {
            throw EngineError(.storage, "'\(path)' is damaged: \(result.prefix(3).joined(separator: "; "))",
                              hint: "nothing was written; use another backup")
        }
    }

    static func temporaryPath(beside path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).partial").path
    }

    /// `path`, or `path-2`, `path-3`, ... : the first name not taken.
    static func uniquePath(_ path: String) -> String {
        var candidate = path, n = 1
        while FileManager.default.fileExists(atPath: candidate) { n += 1; candidate = "\(path)-\(n)" }
        return candidate
    }

    static func removeDatabaseFiles(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Renames a closed, complete database file to its name; the rename is atomic, so `to` is
    /// either absent or whole.
    private static func moveIntoPlace(_ from: String, _ to: String) throws {
        if rename(from, to) != 0 {
            throw EngineError(.storage, "cannot write '\(to)': \(String(cString: strerror(errno)))", hint: "check that the folder is writable")
        }
    }
}
