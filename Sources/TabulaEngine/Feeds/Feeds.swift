import Foundation

/// The cross-base log. A table that says `feed BASE.TABLE (...)` keeps each of its rows once, in
/// this base, and sends the mapped fields to the other base's table (which says `fed from
/// outside`); a table that says `table T from BASE.TABLE` is a copy of another base's table.
///
/// Delivery runs through a durable outbox: a command that changes a fed row writes the row's id
/// and a new version into `_tabula_feed_outbox` in the same transaction, and the rows are sent
/// after the commit. The fed base applies each row idempotently (by feed and row id, newer
/// versions only) and records where its feeders live, so after a crash at any point both bases
/// converge when either is next opened. SQLite cannot commit two WAL files atomically, hence the
/// outbox.
enum FeedStore {
    static let outbox = "_tabula_feed_outbox"
    static let fed = "_tabula_fed"
    static let feeders = "_tabula_feeders"
    static let copies = "_tabula_copies"
}

extension Base {
    // MARK: - Storage

    func ensureFeedStorage() throws {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS \(FeedStore.outbox) (source_table INTEGER NOT NULL, row INTEGER NOT NULL, target TEXT NOT NULL,
                version INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, error TEXT, next_at INTEGER,
                PRIMARY KEY (source_table, row, target));
            CREATE TABLE IF NOT EXISTS \(FeedStore.fed) (table_id INTEGER NOT NULL, feed TEXT NOT NULL, source_row INTEGER NOT NULL,
                row INTEGER, version INTEGER NOT NULL, PRIMARY KEY (table_id, feed, source_row));
            CREATE UNIQUE INDEX IF NOT EXISTS \(FeedStore.fed)_row ON \(FeedStore.fed) (table_id, row) WHERE row IS NOT NULL;
            CREATE TABLE IF NOT EXISTS \(FeedStore.feeders) (feed TEXT PRIMARY KEY, sender TEXT NOT NULL, table_id INTEGER NOT NULL,
                location TEXT, last_at INTEGER);
            CREATE TABLE IF NOT EXISTS \(FeedStore.copies) (table_id INTEGER NOT NULL, source_row INTEGER NOT NULL, row INTEGER NOT NULL,
                PRIMARY KEY (table_id, source_row));
            CREATE UNIQUE INDEX IF NOT EXISTS \(FeedStore.copies)_row ON \(FeedStore.copies) (table_id, row);
            """)
    }

    /// The base's own id: made once, kept in the file, so feeds are told apart whatever the files are called.
    public func baseID() throws -> String {
        if let id = try db.cachedStatement("SELECT value FROM \(Layout.meta) WHERE key = 'base_id'").rows([]).first?[0].textValue { return id }
        let id = UUID().uuidString.lowercased()
        try db.cachedStatement("INSERT OR IGNORE INTO \(Layout.meta) (key, value) VALUES ('base_id', ?)").run([.text(id)])
        return try db.cachedStatement("SELECT value FROM \(Layout.meta) WHERE key = 'base_id'").rows([]).first?[0].textValue ?? id
    }

    /// The feed id of one of this base's tables.
    func feedID(of table: Table) throws -> String { "\(try baseID()):\(table.id)" }

    // MARK: - Reaching other bases

    /// The file of another base named by the schema, resolved against this base's own file.
    public func otherBasePath(_ other: OtherBase) -> String {
        if other.location.hasPrefix("/") { return URL(fileURLWithPath: other.location).standardizedFileURL.path }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        return directory.appendingPathComponent(other.location).standardizedFileURL.path
    }

    /// The transport to another base the schema names.
    func transport(to name: String) throws -> any OtherBaseTransport {
        guard let other = schema.otherBase(named: name) else {
            throw EngineError(.schema, "the schema names no other base '\(name)'", hint: "declare it: base \(name) at \"../other/other.db\"")
        }
        if other.isServed {
            guard let served = otherBaseAccess.served else {
                throw EngineError(.notFound, "the base \(other.name) is served at \(other.location), which cannot be reached from here",
                                  hint: "run the command through tabula, which sends to served bases")
            }
            return try served(other)
        }
        return LocalBaseTransport(path: otherBasePath(other), actor: "feed from \(schema.name.isEmpty ? "another base" : schema.name)",
                                  open: otherBaseAccess.open)
    }

    // MARK: - Values as they travel

    /// A value as typed text the other base parses: datetimes in UTC with `Z`, links by the
    /// linked row's primary value, or by `#id` of the source row when they point into a copied table.
    func feedText(_ value: Value, of field: Field) throws -> String {
        switch value {
        case .blank: return ""
        case .datetime(let instant):
            return ValueText.formatDatetime(instant, rules: TimeZoneRules.named("UTC")) + "Z"
        case .link, .list:
            let ids = value.linkIDs
            guard case .link(let spec) = field.kind, let target = schema.table(id: spec.target) else {
                if case .list = value { return field.valueType.format(value, context: schema.valueContext) }
                return ids.map { "#\($0)" }.joined(separator: ", ")
            }
            if target.copiedFrom != nil {
                return try ids.map { id in
                    guard let source = try copySourceRow(target, row: id) else { return "" }
                    return "#\(source)"
                }.filter { !$0.isEmpty }.joined(separator: ", ")
            }
            let labels = try primaryValues(of: target, ids: ids)
            return ids.compactMap { labels[$0] }.joined(separator: ", ")
        default:
            return field.valueType.format(value, context: schema.valueContext)
        }
    }

    /// The mapped fields of one row of a feeding table, as they travel (nil when the row is gone).
    func feedFields(_ feed: Feed, table: Table, row: RowID) throws -> [String: String]? {
        let fields = feed.mappings.compactMap { table.field(id: $0.source) }
        guard let values = try readRow(of: table, row: row, fields: fields.map(\.id)) else { return nil }
        var result: [String: String] = [:]
        for mapping in feed.mappings {
            guard let field = table.field(id: mapping.source) else { continue }
            result[mapping.target] = try feedText(values[field.id] ?? .blank, of: field)
        }
        return result
    }

    // MARK: - Sending: the outbox

    /// After a command's writes and recompute: every row of a feeding table that the command
    /// inserted, deleted or changed in a mapped field gets a new version in the outbox. Then the
    /// fed bases check the rows, in a write they roll back, so a row the other side refuses (its
    /// period is approved) is refused here too, before anything commits.
    func noteFeedChanges(_ changes: ChangeSet) throws {
        guard !attachments.receivingFeed else { return }
        var touched: [(Table, Feed, [RowID])] = []
        for table in schema.tables {
            guard let feeds = table.feeds else { continue }
            for feed in feeds {
                let mapped = Set(feed.mappings.map(\.source))
                var rows = (changes.inserted[table.id] ?? []).union(changes.deleted[table.id] ?? [])
                for (row, fields) in changes.cells[table.id] ?? [:] where !fields.isDisjoint(with: mapped) { rows.insert(row) }
                if !rows.isEmpty { touched.append((table, feed, rows.sorted())) }
            }
        }
        guard !touched.isEmpty else { return }
        try ensureFeedStorage()
        let version = try nextFeedVersion()
        let upsert = try db.cachedStatement("""
            INSERT INTO \(FeedStore.outbox) (source_table, row, target, version) VALUES (?, ?, ?, ?)
            ON CONFLICT (source_table, row, target) DO UPDATE SET version = excluded.version, attempts = 0, error = NULL, next_at = NULL
            """)
        for (table, feed, rows) in touched {
            for row in rows { try upsert.run([.integer(Int64(table.id)), .integer(row), .text(feed.target.description), .integer(version)]) }
            if attachments.checkFeedsBeforeCommit {
                let batch = try makeBatch(table: table, feed: feed, rows: rows.map { ($0, version) })
                let receipt: FeedReceipt
                do {
                    receipt = try transport(to: feed.target.base).receive(batch, dryRun: true)
                } catch let error as EngineError where error.kind == .notFound || error.kind == .storage {
                    continue  // not reachable now: the outbox sends it later, and the other side decides then
                }
                if let refusal = receipt.refused.first {
                    throw EngineError(EngineError.Kind(rawValue: refusal.kind) ?? .conflict,
                                      "\(table.name) #\(refusal.id) cannot be written: \(feed.target.base) refuses it: \(refusal.message)",
                                      hint: refusal.hint ?? "the other base decides what it takes; ask its owner, or change the row so it fits")
                }
            }
        }
        attachments.wroteFeedRows = true
    }

    private func nextFeedVersion() throws -> Int64 {
        let current = try db.cachedStatement("SELECT value FROM \(Layout.meta) WHERE key = 'feed_version'").rows([]).first?[0]
        let next = (current?.int64Value ?? current?.textValue.flatMap { Int64($0) } ?? 0) + 1
        try db.cachedStatement("INSERT INTO \(Layout.meta) (key, value) VALUES ('feed_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run([.integer(next)])
        return next
    }

    func makeBatch(table: Table, feed: Feed, rows: [(RowID, Int64)]) throws -> FeedBatch {
        let fedRows = try rows.map { row, version in FedRow(id: row, version: version, fields: try feedFields(feed, table: table, row: row)) }
        return FeedBatch(feed: try feedID(of: table), sender: schema.name.isEmpty ? URL(fileURLWithPath: path).lastPathComponent : schema.name,
                         location: path == Base.inMemoryPath ? nil : URL(fileURLWithPath: path).standardizedFileURL.path,
                         table: feed.target.table, rows: fedRows)
    }

    /// What one delivery of the outbox came to, per other base.
    public struct FeedDelivery: Sendable, Hashable {
        public var sent = 0
        public var accepted = 0
        /// Rows the other side refused, with its reason (they stay in the outbox).
        public var refused: [String] = []
        /// Other bases that could not be reached (their rows are tried again later).
        public var unreachable: [String] = []
    }

    /// Whether the outbox has rows waiting (a cheap look, for callers deciding to deliver).
    public func hasPendingFeedRows() throws -> Bool {
        guard schema.tables.contains(where: { $0.feeds != nil }), try internalTableExists(FeedStore.outbox) else { return false }
        return try !db.cachedStatement("SELECT 1 FROM \(FeedStore.outbox) LIMIT 1").rows([]).isEmpty
    }

    /// Sends every waiting row of the outbox (or only those due when `onlyDue`), each feed in one
    /// batch; rows the other base took leave the outbox unless they changed again meanwhile.
    @discardableResult
    public func deliverPendingFeeds(onlyDue: Bool = false) throws -> FeedDelivery {
        var report = FeedDelivery()
        guard try hasPendingFeedRows() else { return report }
        let nowMS = now().millisecondsSinceEpoch
        for table in schema.tables {
            for feed in table.feeds ?? [] {
                var pending: [(RowID, Int64)] = []
                let sql = "SELECT row, version FROM \(FeedStore.outbox) WHERE source_table = ? AND target = ?" + (onlyDue ? " AND (next_at IS NULL OR next_at <= ?)" : "") + " ORDER BY row"
                var arguments: [SQLValue] = [.integer(Int64(table.id)), .text(feed.target.description)]
                if onlyDue { arguments.append(.integer(nowMS)) }
                for r in try db.cachedStatement(sql).rows(arguments) { pending.append((r[0].int64Value ?? 0, r[1].int64Value ?? 0)) }
                guard !pending.isEmpty else { continue }
                for chunk in pending.chunked(500) {
                    let batch = try makeBatch(table: table, feed: feed, rows: Array(chunk))
                    report.sent += chunk.count
                    do {
                        let receipt = try transport(to: feed.target.base).receive(batch, dryRun: false)
                        try write { _ in try recordReceipt(receipt, table: table, feed: feed, versions: Dictionary(chunk, uniquingKeysWith: max)) }
                        report.accepted += receipt.accepted.count
                        report.refused += receipt.refused.map { "\(table.name) #\($0.id): \($0.message)" }
                    } catch {
                        let message = (error as? EngineError)?.message ?? "\(error)"
                        try write { _ in try recordFailure(message, table: table, feed: feed, rows: chunk.map(\.0)) }
                        report.unreachable.append("\(feed.target.base): \(message)")
                        break
                    }
                }
            }
        }
        return report
    }

    private func recordReceipt(_ receipt: FeedReceipt, table: Table, feed: Feed, versions: [RowID: Int64]) throws {
        let done = try db.cachedStatement("DELETE FROM \(FeedStore.outbox) WHERE source_table = ? AND row = ? AND target = ? AND version = ?")
        for id in receipt.accepted {
            try done.run([.integer(Int64(table.id)), .integer(id), .text(feed.target.description), .integer(versions[id] ?? -1)])
        }
        let refused = try db.cachedStatement("UPDATE \(FeedStore.outbox) SET attempts = attempts + 1, error = ?, next_at = ? WHERE source_table = ? AND row = ? AND target = ? AND version = ?")
        for refusal in receipt.refused {
            // Refused rows wait for a change (a new version) or a retry an hour later.
            try refused.run([.text(refusal.message), .integer(now().millisecondsSinceEpoch + 3_600_000), .integer(Int64(table.id)), .integer(refusal.id),
                             .text(feed.target.description), .integer(versions[refusal.id] ?? -1)])
        }
    }

    private func recordFailure(_ message: String, table: Table, feed: Feed, rows: [RowID]) throws {
        let failed = try db.cachedStatement("""
            UPDATE \(FeedStore.outbox) SET attempts = attempts + 1, error = ?,
                next_at = ? + 1000 * min(3600, 5 * (1 << min(attempts, 10))) WHERE source_table = ? AND row = ? AND target = ?
            """)
        for row in rows {
            try failed.run([.text(message), .integer(now().millisecondsSinceEpoch), .integer(Int64(table.id)), .integer(row), .text(feed.target.description)])
        }
    }

    /// One row of the outbox, for `tabula feed status`.
    public struct PendingFeedRow: Sendable, Hashable {
        public var table: String
        public var row: RowID
        public var target: String
        public var attempts: Int
        public var error: String?
    }

    /// The rows waiting in the outbox, with what went wrong last.
    public func pendingFeedRows() throws -> [PendingFeedRow] {
        guard try internalTableExists(FeedStore.outbox) else { return [] }
        return try db.query("SELECT source_table, row, target, attempts, error FROM \(FeedStore.outbox) ORDER BY source_table, row").map { r in
            PendingFeedRow(table: schema.table(id: Int(r[0].int64Value ?? 0))?.name ?? "?", row: r[1].int64Value ?? 0, target: r[2].textValue ?? "",
                           attempts: Int(r[3].int64Value ?? 0), error: r[4].textValue)
        }
    }

    /// Marks every row of every feeding table for sending again (after the fed base was rebuilt,
    /// or to repair a difference `tabula check` found on the other side).
    @discardableResult
    public func resendFeeds() throws -> Int {
        var count = 0
        try write { _ in
            try ensureFeedStorage()
            let version = try nextFeedVersion()
            for table in schema.tables {
                for feed in table.feeds ?? [] {
                    try db.execute("""
                        INSERT INTO \(FeedStore.outbox) (source_table, row, target, version) SELECT ?, id, ?, ? FROM \(Layout.table(table.id)) WHERE true
                        ON CONFLICT (source_table, row, target) DO UPDATE SET version = excluded.version, attempts = 0, error = NULL, next_at = NULL
                        """, [.integer(Int64(table.id)), .text(feed.target.description), .integer(version)])
                    count += try rowCount(of: table)
                }
            }
        }
        return count
    }

    // MARK: - Receiving

    /// Applies a batch of a feed to this base's fed table: each row inserted, updated or deleted as
    /// one command with every rule, lock and recompute (a row of a closed period is refused), newer
    /// versions only, so a batch sent twice changes nothing the second time. With `dryRun`
    /// everything is checked and nothing kept.
    public func receiveFeed(_ batch: FeedBatch, dryRun: Bool = false) throws -> FeedReceipt {
        guard let table = schema.table(named: batch.table) else {
            throw EngineError(.notFound, "this base has no table \(batch.table) to feed", hint: "the fed base's schema needs a table \(batch.table) that says fed from outside")
        }
        guard table.isFed == true else {
            throw EngineError(.forbidden, "table \(table.name) is not fed from outside", hint: "its schema must say `fed from outside` for other bases to write it")
        }
        let was = attachments.receivingFeed
        attachments.receivingFeed = true
        defer { attachments.receivingFeed = was }
        if batch.rows.isEmpty {
            if !dryRun { try write { _ in try registerFeeder(batch, table: table) } }
            return FeedReceipt()
        }
        // First all rows in one command; when one is refused, each alone, to know which.
        do {
            if dryRun {
                try writeAndRollBack { tx in for row in batch.rows { try applyFedRow(tx, row, batch: batch, table: table) } }
            } else {
                try write { tx in for row in batch.rows { try applyFedRow(tx, row, batch: batch, table: table) } }
            }
            return FeedReceipt(accepted: batch.rows.map(\.id))
        } catch let error as EngineError where error.kind != .storage && batch.rows.count == 1 {
            return FeedReceipt(refused: [.init(id: batch.rows[0].id, kind: error.kind.rawValue, message: error.message, hint: error.hint)])
        } catch let error as EngineError where error.kind != .storage {
            _ = error  // one of them is refused: found below
        }
        var receipt = FeedReceipt()
        for row in batch.rows {
            do {
                if dryRun {
                    try writeAndRollBack { tx in try applyFedRow(tx, row, batch: batch, table: table) }
                } else {
                    try write { tx in try applyFedRow(tx, row, batch: batch, table: table) }
                }
                receipt.accepted.append(row.id)
            } catch let error as EngineError where error.kind != .storage {
                receipt.refused.append(.init(id: row.id, kind: error.kind.rawValue, message: error.message, hint: error.hint))
            }
        }
        return receipt
    }

    private func registerFeeder(_ batch: FeedBatch, table: Table) throws {
        try ensureFeedStorage()
        try db.cachedStatement("""
            INSERT INTO \(FeedStore.feeders) (feed, sender, table_id, location, last_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (feed) DO UPDATE SET sender = excluded.sender, table_id = excluded.table_id,
                location = coalesce(excluded.location, location), last_at = excluded.last_at
            """).run([.text(batch.feed), .text(batch.sender), .integer(Int64(table.id)), batch.location.map { .text($0) } ?? .null, .integer(now().millisecondsSinceEpoch)])
    }

    private func applyFedRow(_ tx: WriteTransaction, _ row: FedRow, batch: FeedBatch, table: Table) throws {
        try registerFeeder(batch, table: table)
        let known = try db.cachedStatement("SELECT row, version FROM \(FeedStore.fed) WHERE table_id = ? AND feed = ? AND source_row = ?")
            .rows([.integer(Int64(table.id)), .text(batch.feed), .integer(row.id)]).first
        let local = known?[0].int64Value, version = known?[1].int64Value ?? 0
        if known != nil && version >= row.version { return }  // already here at this version or a later one
        guard let fields = row.fields else {
            if let local { try tx.deleteRow(from: table, id: local) }
            // A tombstone: the row's version stays known, so an older copy arriving late is not re-added.
            try db.cachedStatement("INSERT INTO \(FeedStore.fed) (table_id, feed, source_row, row, version) VALUES (?, ?, ?, NULL, ?) ON CONFLICT (table_id, feed, source_row) DO UPDATE SET row = NULL, version = excluded.version")
                .run([.integer(Int64(table.id)), .text(batch.feed), .integer(row.id), .integer(row.version)])
            return
        }
        var assignments: [TextAssignment] = []
        for (name, text) in fields.sorted(by: { $0.key < $1.key }) {
            guard let field = table.field(named: name) else {
                throw EngineError(.invalidValue, "\(table.name) has no field \(name)", hint: "the feed and the fed table must name the same fields")
            }
            guard field.isWritable else {
                throw EngineError(.invalidValue, "\(table.name).\(name) is computed here and cannot be fed", hint: "feed data fields only")
            }
            assignments.append(TextAssignment(field: field.name, text: text))
        }
        let values: [FieldID: Value]
        do {
            values = try parseAssignments(assignments, for: table)
        } catch let error as EngineError {
            throw error.prefixed("\(batch.sender)'s row #\(row.id): ")
        }
        let id: RowID
        if let local, try rowExists(local, in: table) {
            try tx.updateRow(in: table, id: local, values: values)
            id = local
        } else {
            id = try tx.insertRow(into: table, values: values)
        }
        try db.cachedStatement("INSERT INTO \(FeedStore.fed) (table_id, feed, source_row, row, version) VALUES (?, ?, ?, ?, ?) ON CONFLICT (table_id, feed, source_row) DO UPDATE SET row = excluded.row, version = excluded.version")
            .run([.integer(Int64(table.id)), .text(batch.feed), .integer(row.id), .integer(id), .integer(row.version)])
    }

    /// Refuses a direct write to a row a feed keeps: the other base owns it.
    func checkNotFedRow(_ table: Table, row: RowID, action: String) throws {
        guard table.isFed == true, !attachments.receivingFeed, !attachments.locksBypassed, try internalTableExists(FeedStore.fed) else { return }
        guard let sender = try db.cachedStatement("SELECT f.sender FROM \(FeedStore.fed) r JOIN \(FeedStore.feeders) f ON f.feed = r.feed WHERE r.table_id = ? AND r.row = ?")
            .rows([.integer(Int64(table.id)), .integer(row)]).first?[0].textValue else { return }
        throw EngineError(.forbidden, "\(table.name) #\(row) comes from \(sender)'s base, so it cannot be \(action) here",
                          hint: "its owner changes it in their base (ask them, or file an edit request with them); the feed brings the change")
    }

    /// The feeders of this base's fed tables: who sends, and where their file is.
    public struct Feeder: Sendable, Hashable {
        public var feed: String
        public var sender: String
        public var table: String
        public var location: String?
        public var rows: Int
    }

    public func feeders() throws -> [Feeder] {
        guard try internalTableExists(FeedStore.feeders) else { return [] }
        return try db.query("SELECT f.feed, f.sender, f.table_id, f.location, (SELECT count(*) FROM \(FeedStore.fed) r WHERE r.feed = f.feed AND r.row IS NOT NULL) FROM \(FeedStore.feeders) f ORDER BY f.sender").map { r in
            Feeder(feed: r[0].textValue ?? "", sender: r[1].textValue ?? "", table: schema.table(id: Int(r[2].int64Value ?? 0))?.name ?? "?",
                   location: r[3].textValue, rows: Int(r[4].int64Value ?? 0))
        }
    }

    /// Asks every feeder whose file is on this machine to send what it has not sent yet: what
    /// makes a fed base catch up when it is opened after the feeding command crashed.
    @discardableResult
    public func pullFromFeeders() throws -> Int {
        var accepted = 0
        for feeder in try feeders() {
            guard let location = feeder.location, location != path, FileManager.default.fileExists(atPath: location) else { continue }
            guard let other = try? otherBaseAccess.open(location, "feed") else { continue }
            defer { other.close() }
            other.otherBaseAccess = otherBaseAccess
            accepted += (try? other.deliverPendingFeeds().accepted) ?? 0
        }
        return accepted
    }

    /// Registers this base with the fed bases its feeds name (on this machine), so they pull
    /// from it when they open, even before its first row was sent.
    public func introduceFeeds() throws {
        for table in schema.tables {
            for feed in table.feeds ?? [] {
                guard let other = schema.otherBase(named: feed.target.base), !other.isServed else { continue }
                let batch = try makeBatch(table: table, feed: feed, rows: [])
                _ = try transport(to: feed.target.base).receive(batch, dryRun: false)
            }
        }
    }
}

extension Base {
    /// A difference between a fed table and the base that feeds it.
    public struct FeedMismatch: Sendable, Hashable, CustomStringConvertible {
        public var sender: String
        public var table: String
        public var sourceRow: RowID
        public var problem: String
        public var description: String { "\(table): row #\(sourceRow) of \(sender) \(problem)" }
    }

    /// Compares every fed table with its feeders that are on this machine: each row the feeder
    /// has must be here with the same values, and nothing else. Feeders that cannot be read are
    /// named in `unreachable`.
    public func verifyFeeds() throws -> (mismatches: [FeedMismatch], checked: [String], unreachable: [String]) {
        var mismatches: [FeedMismatch] = [], checked: [String] = [], unreachable: [String] = []
        for feeder in try feeders() {
            guard let table = schema.table(named: feeder.table) else { continue }
            guard let location = feeder.location, FileManager.default.fileExists(atPath: location),
                  let other = try? otherBaseAccess.open(location, "feed check") else {
                unreachable.append(feeder.sender)
                continue
            }
            defer { other.close() }
            guard let sourceTableID = feeder.feed.split(separator: ":").last.flatMap({ Int($0) }),
                  let sourceTable = other.schema.table(id: sourceTableID),
                  let feed = sourceTable.feeds?.first(where: { $0.target.table.lowercased() == table.name.lowercased() }) else {
                unreachable.append(feeder.sender)
                continue
            }
            let sender = feeder.sender + " (" + URL(fileURLWithPath: location).lastPathComponent + ")"
            checked.append(sender)
            var expected: [RowID: [String: String]] = [:]
            for id in try other.readableRowIDs(of: sourceTable) {
                if let fields = try other.feedFields(feed, table: sourceTable, row: id) { expected[id] = fields }
            }
            var here: [RowID: RowID] = [:]
            for r in try db.cachedStatement("SELECT source_row, row FROM \(FeedStore.fed) WHERE table_id = ? AND feed = ? AND row IS NOT NULL")
                .rows([.integer(Int64(table.id)), .text(feeder.feed)]) {
                if let s = r[0].int64Value, let l = r[1].int64Value { here[s] = l }
            }
            for (sourceRow, fields) in expected.sorted(by: { $0.key < $1.key }) {
                guard let local = here[sourceRow], try rowExists(local, in: table) else {
                    mismatches.append(FeedMismatch(sender: sender, table: table.name, sourceRow: sourceRow, problem: "is missing here"))
                    continue
                }
                let names = fields.keys.sorted()
                let stored = try values(of: table, row: local, fields: names) ?? [:]
                for name in names {
                    guard let field = table.field(named: name) else { continue }
                    let want = (try? parseValue(fields[name] ?? "", for: field, in: table)) ?? .blank
                    let have = stored[field.name] ?? .blank
                    if want != have && !(want.isBlank && have.isBlank) {
                        mismatches.append(FeedMismatch(sender: sender, table: table.name, sourceRow: sourceRow,
                                                       problem: "has \(name) \(display(have, of: field)) here, \(fields[name] ?? "") there"))
                    }
                }
            }
            for (sourceRow, local) in here.sorted(by: { $0.key < $1.key }) where expected[sourceRow] == nil {
                mismatches.append(FeedMismatch(sender: sender, table: table.name, sourceRow: sourceRow,
                                               problem: "is here as #\(local), but no longer in \(feeder.sender)'s base"))
            }
        }
        return (mismatches, checked, unreachable)
    }
}
