import Foundation
import TabulaLanguage

/// An open base: one SQLite file holding typed tables, the schema that describes them, and the
/// audit history of every write. All reads and writes of a base go through this object.
public final class Base {
    public let path: String
    let db: Connection
    public private(set) var schema: Schema { didSet { schemaVersion &+= 1 } }
    /// Counts schema changes, so compiled forms of the schema know when they are stale.
    private(set) var schemaVersion = 0
    /// The schema file text the base was built from (the last one applied).
    public private(set) var schemaSource: String
    /// Who is writing: recorded in the audit history and in `author` fields.
    public var actor: String
    /// The clock; `TABULA_NOW` replaces it for reproducible scripts.
    public var now: @Sendable () -> Instant
    /// The changes of the write transaction in progress, nil between them.
    var pending: ChangeSet?
    /// The write transaction in progress: a `write` inside it is a savepoint of it.
    var currentTransaction: WriteTransaction?
    /// `schema` compiled: formulas, conditions, mirror SQL, the dependency graph; built on first use.
    var compiledCache: CompiledSchema?
    /// The `schemaVersion` the cached compilation was made for.
    var compiledVersion = -1
    /// Read and write rules resolved for an actor, and the people names mean, while what they
    /// read is as it was then (Access/AccessFilterCache.swift).
    var accessFilters = AccessFilterCache()
    /// The kept summaries last seen valid, and the cache stamp they were seen at (Summaries.swift).
    var knownValidSummaries: (stamp: AccessFilterCache.Stamp?, tables: Set<TableID>) = (nil, [])
    /// Changes of the current command that a full recompute already made consistent: kept for
    /// `lastChanges`, but not applied again (as deltas) by the closing incremental recompute.
    var settled = ChangeSet()
    /// Set when the command wrote rows past the change set (a full recompute, a repair, a
    /// migration): the summaries are then rebuilt at its end instead of kept by delta.
    var summariesNeedRebuild = false
    /// The cells the last committed command wrote or recomputed (what a UI or API pushes).
    public internal(set) var lastChanges = ChangeSet()
    /// What committed writes did unasked (a Pomodoro closed at its deadline), not yet taken by
    /// a front end (`takeNotices`).
    var unreadNotices: [WriteNotice] = []

    /// The notices of the writes committed since the last call, oldest first, for a front end
    /// that tells them after each command (the REPL).
    public func takeNotices() -> [WriteNotice] {
        defer { unreadNotices = [] }
        return unreadNotices
    }
    /// How the acting name is found among the people and which roles they have; a package may
    /// install its own.
    public var actors = ActorDirectory.primaryField
    /// How edit requests are decided (four eyes or not); a package sets it.
    public var editRequestPolicy = EditRequestPolicy()
    /// Rules and lock state attached by timers, locks and packages (Rules/RowRules.swift).
    var attachments = BaseAttachments()
    /// How this base opens the other bases its schema names (a front end installs its packages).
    public var otherBaseAccess = OtherBaseAccess()
    /// Whether a command's rows of a feed are checked with the fed base before it commits (a row
    /// in the other side's approved period is refused here). Off: the other side decides on delivery.
    public var checksFeedsBeforeCommit: Bool {
        get { attachments.checkFeedsBeforeCommit }
        set { attachments.checkFeedsBeforeCommit = newValue }
    }
    /// Whether a command's rows of a feed are sent right after it commits (what cannot be sent
    /// waits in the outbox). Off: a deliverer sends them (the server's), or `deliverPendingFeeds`.
    public var sendsFeedsAfterCommit: Bool {
        get { attachments.deliverFeedsAfterCommit }
        set { attachments.deliverFeedsAfterCommit = newValue }
    }
    /// What the last sending after a command came to (nil when it sent nothing).
    public internal(set) var lastFeedDelivery: FeedDelivery?
    /// Told what each sending after a command came to (a front end says what could not be sent).
    public var onFeedDelivery: ((FeedDelivery) -> Void)?
    /// During a recompute: child rows' columns read once for all the rollups kept by delta over
    /// them (Recompute/DeltaMaintenance.swift).
    var deltaReads: [TableID: DeltaReads] = [:]
    /// During a write: where rows inserted from a file came from (`FILE:12`), so an error found
    /// after the inserts (a broken `check`) names the line rather than the new row's id.
    var rowLabels: [TableID: [RowID: String]] = [:]
    /// The group commit in progress (`commitTogether`), nil outside one.
    var commitGroup: CommitGroup?

    private init(path: String, db: Connection, schema: Schema, schemaSource: String, actor: String, now: @escaping @Sendable () -> Instant) {
        self.path = path; self.db = db; self.schema = schema; self.schemaSource = schemaSource
        self.actor = actor; self.now = now
        // A Pomodoro past its deadline is closed by the next write, before anything else: no
        // daemon is needed.
        addHook(beforeEachWrite: WriteHook(name: "timers.pomodoro") { tx in try tx.closeExpiredIntervals() })
    }

    /// The system clock, to the whole second: timer intervals, `created` and the history are
    /// recorded as they are shown, so a duration is the difference of the times printed.
    public static let systemClock: @Sendable () -> Instant = {
        Instant(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970.rounded(.down)) * 1000)
    }

    /// Creates a new base file from schema source text. Refuses to overwrite an existing file.
    /// The path `Base.inMemoryPath` makes a base in memory instead (see `createInMemory`).
    /// `reportChecker` checks the schema's saved reports (see `SavedReportChecking`).
    public static func create(at path: String, schemaSource: String, sourceName: String,
                              actor: String, now: @escaping @Sendable () -> Instant = Base.systemClock,
                              reportChecker: (any SavedReportChecking)? = nil) throws -> Base {
        let inMemory = path == Base.inMemoryPath
        if !inMemory && FileManager.default.fileExists(atPath: path) {
            throw EngineError(.conflict, "'\(path)' already exists", remedy: .changeSchemaOf(base: path))
        }
        let schema = try SchemaCompiler.compile(source: SourceText(name: sourceName, text: schemaSource), reportChecker: reportChecker)
        let db: Connection
        do {
            db = try Connection(path: path, mode: .create)
        } catch {
            throw EngineError(.storage, "cannot create '\(path)': \(error.message)", hint: "check that the folder exists and is writable")
        }
        let base = Base(path: path, db: db, schema: schema, schemaSource: schemaSource, actor: actor, now: now)
        do {
            try base.configure()
            try db.transaction {
                try db.execute("PRAGMA application_id = \(Layout.applicationID)")
                try db.execute("""
                    CREATE TABLE \(Layout.meta) (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
                    CREATE TABLE \(Layout.history) (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL,
                        action TEXT NOT NULL, table_id INTEGER, row_id INTEGER, field_id INTEGER, old, new, note TEXT);
                    CREATE INDEX \(Layout.history)_row ON \(Layout.history)(table_id, row_id);
                    """)
                try db.execute("INSERT INTO \(Layout.meta) VALUES ('format', ?)", [.integer(Int64(Layout.formatVersion))])
                for table in schema.tables { try base.createStorage(for: table) }
                for table in schema.tables {
                    for field in table.fields { try base.createSideStorage(for: field, in: table) }
                }
                try base.saveSchema(schema, source: schemaSource)
                try base.syncTimeIndexes()
                try base.ensureTimerIndexes()
                try base.recordHistory(action: "schema", note: "created from \(sourceName)")
            }
        } catch {
            db.close()
            if inMemory { throw error }
            try? FileManager.default.removeItem(atPath: path)
            for suffix in ["-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            throw error
        }
        return base
    }

    /// Opens an existing base. A file that is missing, not SQLite, or not a Tabula base gets a clear error.
    public static func open(at path: String, actor: String, now: @escaping @Sendable () -> Instant = Base.systemClock) throws -> Base {
        guard FileManager.default.fileExists(atPath: path) else {
            throw EngineError(.notFound, "no base at '\(path)'", remedy: .createBase(path: path))
        }
        let db: Connection
        do {
            db = try Connection(path: path, mode: .readWrite)
            try db.validate()
        } catch {
            if error.isNotADatabase {
                throw EngineError(.invalidValue, "'\(path)' is not a Tabula base (not an SQLite file)", remedy: .passABase)
            }
            if error.isBusy { throw EngineError(storage: error, doing: "cannot open '\(path)'") }
            throw EngineError(.storage, "cannot open '\(path)': \(error.message)")
        }
        let schema: Schema, source: String
        do {
            (schema, source) = try readStoredSchema(db, path: path)
        } catch {
            db.close()
            throw error
        }
        let base = Base(path: path, db: db, schema: schema, schemaSource: source, actor: actor, now: now)
        try base.configure()
        return base
    }

    /// The schema stored in a base file, after checking that the file is a Tabula base whose
    /// format this version reads. Nothing is written: a base from a newer Tabula is refused
    /// before anything could change or misread it.
    static func readStoredSchema(_ db: Connection, path: String) throws -> (Schema, String) {
        let appID = (try? db.scalar("PRAGMA application_id").int64Value) ?? 0
        func meta(_ key: String) -> SQLValue? { try? db.scalar("SELECT value FROM \(Layout.meta) WHERE key = ?", [.text(key)]) }
        guard appID == Layout.applicationID, let format = meta("format"), format != .null else {
            throw EngineError(.invalidValue, "'\(path)' is an SQLite file but not a Tabula base", remedy: .passABase)
        }
        guard let version = format.int64Value, version >= 1 else {
            throw EngineError(.invalidValue, "'\(path)' is a Tabula base in a file format this Tabula does not know (\(format))",
                              hint: "it was written by another version of Tabula; open it with that version. Nothing was read or changed")
        }
        guard version <= Int64(Layout.formatVersion) else {
            throw EngineError(.invalidValue,
                              "'\(path)' was written by a newer Tabula (file format \(version); this Tabula reads format \(Layout.formatVersion))",
                              hint: "upgrade Tabula to open it. Nothing was read or changed")
        }
        guard let modelText = meta("schema_model")?.textValue, let source = meta("schema_source")?.textValue else {
            throw EngineError(.invalidValue, "'\(path)' is a Tabula base without its schema (damaged)",
                              hint: "restore it from a backup. Nothing was changed")
        }
        do {
            return (try JSONDecoder().decode(Schema.self, from: Data(modelText.utf8)), source)
        } catch {
            throw EngineError(.invalidValue, "'\(path)' holds a schema in a form this Tabula does not know (\(Self.decodingProblem(error)))",
                              hint: "it was written by a newer or another version of Tabula, or damaged; open it with that version, or restore it from a backup. Nothing was read or changed")
        }
    }

    /// Where a stored schema model stopped decoding, in a few words (`tables[0].fields[2].kind: ...`).
    private static func decodingProblem(_ error: Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return (keys.hasPrefix(".") ? String(keys.dropFirst()) : keys) + (keys.isEmpty ? "" : ": ") + context.debugDescription
        }
        switch error as? DecodingError {
        case .dataCorrupted(let c)?, .keyNotFound(_, let c)?, .typeMismatch(_, let c)?, .valueNotFound(_, let c)?: return path(c)
        default: return "not readable"
        }
    }

    private func configure() throws {
        // A 64 MB page cache: a base of a million entries keeps its hot pages in memory instead of
        // re-reading them from the file on every recompute.
        // The busy timeout first: even setting the journal mode can meet another writer's lock.
        db.setBusyTimeout(milliseconds: 5000)
        try db.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;")
        let collator = TextCollator.shared(locale: schema.locale)
        try db.createCollation("tabula", { a, b in collator.compare(a, b) })
    }

    public func close() { db.close() }

    /// Whether one of the base's internal tables (made on first use) exists yet; the statement is kept prepared.
    func internalTableExists(_ name: String) throws -> Bool {
        // Asked by every API request and every command: SQLite's schema in memory answers most.
        if db.schemaSurelyHas(table: name) { return true }
        return try !db.cachedStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").rows([.text(name)]).isEmpty
    }

    /// Whether the file's journal is a write-ahead log (nil: not asked yet); a group commit
    /// leaves its flush to later only then.
    var logIsWriteAhead: Bool?

    /// `PRAGMA schema_version` when this object last found its schema to be the file's.
    private var checkedSchemaVersion: Int64?

    /// Whether another connection applied a different schema to the file since this object read
    /// it; a long-lived process (the server) then opens the base again. Cheap when nothing
    /// changed: one pragma read.
    public func schemaChangedElsewhere() throws -> Bool {
        let version = try db.scalar("PRAGMA schema_version").int64Value
        if version == checkedSchemaVersion { return false }
        let source = try db.query("SELECT value FROM \(Layout.meta) WHERE key = 'schema_source'").first?[0].textValue
        if source == schemaSource { checkedSchemaVersion = version; return false }
        return true
    }

    // MARK: - Schema persistence

    func saveSchema(_ schema: Schema, source: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let model = String(decoding: try encoder.encode(schema), as: UTF8.self)
        try db.execute("INSERT OR REPLACE INTO \(Layout.meta) VALUES ('schema_model', ?), ('schema_source', ?)",
                       [.text(model), .text(source)])
        self.schema = schema
        self.schemaSource = source
    }

    /// Puts back the schema this object held before a command that changed it failed (its
    /// transaction rolled back, so the file still has this one).
    func restoreSchema(_ schema: Schema, source: String) {
        if self.schema != schema { self.schema = schema }
        self.schemaSource = source
    }

    // MARK: - DDL

    func columnDefinition(_ field: Field) -> String {
        var def = Layout.column(field.id)
        if case .link(let spec) = field.kind, spec.storage == .column {
            def += " INTEGER REFERENCES \(Layout.table(spec.target))(id) ON DELETE SET NULL"
        }
        return def
    }

    func createStorage(for table: Table) throws {
        let columns = table.fields.filter(Layout.hasColumn).map(columnDefinition)
        // AUTOINCREMENT: a row id is never given again, so `#12` in the history always means one row.
        try db.execute("CREATE TABLE \(Layout.table(table.id)) (id INTEGER PRIMARY KEY AUTOINCREMENT\(columns.map { ", " + $0 }.joined()))")
    }

    /// Indexes and junction tables a field needs besides its column.
    func createSideStorage(for field: Field, in table: Table) throws {
        if case .link(let spec) = field.kind {
            switch spec.storage {
            case .column:
                try db.execute("CREATE INDEX \(Layout.linkIndex(field.id)) ON \(Layout.table(table.id))(\(Layout.column(field.id)))")
            case .junction(let owner) where owner == field.id:
                let j = Layout.junction(owner)
                try db.execute("""
                    CREATE TABLE \(j) (a INTEGER NOT NULL REFERENCES \(Layout.table(table.id))(id) ON DELETE CASCADE,
                                       b INTEGER NOT NULL REFERENCES \(Layout.table(spec.target))(id) ON DELETE CASCADE,
                                       PRIMARY KEY (a, b)) WITHOUT ROWID;
                    CREATE INDEX \(Layout.junctionReverseIndex(owner)) ON \(j)(b, a);
                    """)
            default: break
            }
        }
        if field.isUnique { try createUniqueIndex(field, in: table) }
    }

    func createUniqueIndex(_ field: Field, in table: Table) throws {
        try db.execute("CREATE UNIQUE INDEX \(Layout.uniqueIndex(field.id)) ON \(Layout.table(table.id))(\(Layout.column(field.id)))")
    }

    // MARK: - History

    /// One line of a row's audit history: the field and its old and new values as shown.
    struct HistoryLine {
        var field: FieldID? = nil
        var old: String? = nil
        var new: String? = nil
    }

    /// Lines of the audit history written together: one INSERT of all of them (a row's insert
    /// writes a line per given field, an update a line per changed field).
    func recordHistory(action: String, table: TableID, row: RowID, lines: [HistoryLine]) throws {
        let at = SQLValue.integer(now().millisecondsSinceEpoch), who = SQLValue.text(actor), what = SQLValue.text(action)
        for chunk in lines.chunked(100) {
            let sql = "INSERT INTO \(Layout.history) (at, actor, action, table_id, row_id, field_id, old, new, note) VALUES "
                + Array(repeating: "(?,?,?,?,?,?,?,?,NULL)", count: chunk.count).joined(separator: ",")
            var arguments: [SQLValue] = []
            arguments.reserveCapacity(chunk.count * 8)
            for line in chunk {
                arguments += [at, who, what, .integer(Int64(table)), .integer(row), line.field.map { .integer(Int64($0)) } ?? .null,
                              line.old.map { .text($0) } ?? .null, line.new.map { .text($0) } ?? .null]
            }
            try db.cachedStatement(sql).run(arguments)
        }
    }

    func recordHistory(action: String, table: TableID? = nil, row: RowID? = nil, field: FieldID? = nil,
                       old: String? = nil, new: String? = nil, note: String? = nil) throws {
        let stmt = try db.cachedStatement("INSERT INTO \(Layout.history) (at, actor, action, table_id, row_id, field_id, old, new, note) VALUES (?,?,?,?,?,?,?,?,?)")
        try stmt.run([.integer(now().millisecondsSinceEpoch), .text(actor), .text(action),
                      table.map { .integer(Int64($0)) } ?? .null, row.map { .integer($0) } ?? .null,
                      field.map { .integer(Int64($0)) } ?? .null,
                      old.map { .text($0) } ?? .null, new.map { .text($0) } ?? .null, note.map { .text($0) } ?? .null])
    }
}
