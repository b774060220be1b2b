import TabulaLanguage

/// The kept summary of a table with a time field: counts and sums of its rows by local day and
/// the columns reports group and filter by, so a report over a long range reads a few summary
/// rows instead of every row. The engine keeps it in the write's own transaction, by delta from
/// the change set (set-wise for a bulk insert); the report planner reads it when it can prove the
/// answer is the one a scan of the rows gives (`TabulaReports`' planner).
///
/// One SQL table `s{table}` holds several *cuboids*, each a grain of time and a set of kept key
/// columns: cuboid 0 is every key by local day (it answers any whole-day range and bucket), and
/// one cuboid per single-link key by local year (a long range grouped by one link reads a few
/// rows a year). A key a cuboid does not keep, and a blank key, hold `blankKey`; a blank time
/// holds `blankDay`. Key columns are named as in the table (`c{field}`), so conditions over
/// them read the same on both.
public struct SummaryLayout: Sendable, Hashable {
    /// The time grain of a cuboid.
    public enum Grain: Int, Sendable, Hashable {
        case day = 0, year = 2
    }

    /// One grain and set of kept keys of the summary.
    public struct Cuboid: Sendable, Hashable {
        /// The value of the summary's `q` column for this cuboid.
        public let id: Int64
        public let grain: Grain
        /// The key fields the cuboid keeps (the others hold `blankKey`).
        public let keys: [FieldID]
    }

    /// The summarised table and its time field.
    public let table: TableID
    public let timeField: FieldID
    /// True for a datetime time field (days are local days in `timeZone`), false for a date.
    public let timeIsDatetime: Bool
    public let timeZone: String
    /// The key columns: single links kept in the row's column, selects and bools, in field order.
    public let keys: [Field]
    /// The summed fields: integer, money and duration columns (sums of integers are exact).
    public let sums: [Field]
    public let cuboids: [Cuboid]
    /// What the stored summary was built for, and the statements of its deltas: made once with
    /// the layout (a write runs them on every command).
    private(set) var fingerprint = ""
    private(set) var upsertSQL = ""
    private(set) var updateSQL = ""
    private(set) var deleteEmptySQL = ""
    /// `additionsSQL(rows:)` for the fewest rows, made once: a new row adds to one summary row
    /// per cuboid, and every timer start adds one.
    private var madeAdditionsSQL: [String] = []

    init(table: TableID, timeField: FieldID, timeIsDatetime: Bool, timeZone: String, keys: [Field], sums: [Field], cuboids: [Cuboid]) {
        self.table = table; self.timeField = timeField; self.timeIsDatetime = timeIsDatetime; self.timeZone = timeZone
        self.keys = keys; self.sums = sums; self.cuboids = cuboids
        fingerprint = madeFingerprint
        upsertSQL = madeUpsertSQL
        updateSQL = madeUpdateSQL
        deleteEmptySQL = madeDeleteEmptySQL
        madeAdditionsSQL = (1...max(cuboids.count, 8)).map { makeAdditionsSQL(rows: $0) }
    }

    /// What a key holds when the row's is blank or the cuboid does not keep it.
    public static let blankKey: Int64 = -1
    /// What the day holds when the row's time field is blank (below every real day).
    public static let blankDay: Int64 = -1_000_000_000

    /// The SQL table of the summary.
    public var tableName: String { "s\(table)" }
    /// The column of a key field (named as in the summarised table).
    public static func keyColumn(_ field: FieldID) -> String { Layout.column(field) }
    /// The columns of a summed field: its sum over the rows with an integer value, how many
    /// rows had a value, and how many held an error value (a report must then scan).
    public static func sumColumn(_ field: FieldID) -> String { "sum\(field)" }
    public static func countColumn(_ field: FieldID) -> String { "cnt\(field)" }
    public static func errorColumn(_ field: FieldID) -> String { "err\(field)" }

    /// What the stored summary was built for; a summary whose meta differs is rebuilt.
    private var madeFingerprint: String {
        "1|\(timeZone)|\(timeField)|\(timeIsDatetime)|\(keys.map { String($0.id) }.joined(separator: ","))|"
            + "\(sums.map { String($0.id) }.joined(separator: ","))|"
            + cuboids.map { "\($0.id):\($0.grain.rawValue):\($0.keys.map(String.init).joined(separator: ","))" }.joined(separator: ";")
    }

    var metaKey: String { "summary.\(table)" }

    /// The summary of a table, or nil when it has no stored time field.
    static func make(_ table: Table, schema: Schema, volatile: Set<FieldID>) -> SummaryLayout? {
        guard let timeID = table.timeField, let time = table.field(id: timeID), Layout.hasColumn(time),
              !volatile.contains(timeID) else { return nil }
        let isDatetime: Bool
        switch time.valueType {
        case .datetime: isDatetime = true
        case .date: isDatetime = false
        default: return nil
        }
        var keys: [Field] = []
        var sums: [Field] = []
        for f in table.fields where f.id != timeID && Layout.hasColumn(f) && !volatile.contains(f.id) {
            switch f.kind {
            case .link(let spec) where !spec.many && spec.storage == .column:
                keys.append(f)
            case .data(.select), .data(.bool):
                keys.append(f)
            default:
                switch f.valueType {
                case .integer, .duration, .currency:
                    if case .autonumber = f.kind { continue }
                    sums.append(f)
                default: break
                }
            }
        }
        var cuboids = [Cuboid(id: 0, grain: .day, keys: keys.map(\.id))]
        for f in keys { if case .link = f.kind { cuboids.append(Cuboid(id: Int64(cuboids.count), grain: .year, keys: [f.id])) } }
        return SummaryLayout(table: table.id, timeField: timeID, timeIsDatetime: isDatetime, timeZone: schema.timeZone,
                             keys: keys, sums: sums, cuboids: cuboids)
    }

    // MARK: - SQL of the summary table

    var keyColumns: [String] { keys.map { Self.keyColumn($0.id) } }
    /// The value columns: the row count, then each summed field's sum, count and errors.
    public var valueColumns: [String] { ["n"] + sums.flatMap { [Self.sumColumn($0.id), Self.countColumn($0.id), Self.errorColumn($0.id)] } }
    var primaryKey: [String] { ["q", "d"] + keyColumns }

    var createSQL: String {
        let columns = primaryKey.map { "\($0) NOT NULL" } + valueColumns.map { "\($0) INTEGER NOT NULL" }
        return "CREATE TABLE IF NOT EXISTS \(tableName) (\(columns.joined(separator: ", ")), PRIMARY KEY (\(primaryKey.joined(separator: ", ")))) WITHOUT ROWID"
    }

    /// The upsert of one summary row's delta, returning the row's count after it.
    private var madeUpsertSQL: String {
        let all = primaryKey + valueColumns
        let sets = valueColumns.map { "\($0) = \($0) + excluded.\($0)" }.joined(separator: ", ")
        return "INSERT INTO \(tableName) (\(all.joined(separator: ", "))) VALUES (\(placeholders(all.count))) "
            + "ON CONFLICT (\(primaryKey.joined(separator: ", "))) DO UPDATE SET \(sets) RETURNING n"
    }

    /// `upsertSQL` for `rows` rows at once, without `RETURNING`: for deltas that only add rows,
    /// after which no summary row can be empty.
    func additionsSQL(rows: Int) -> String {
        rows <= madeAdditionsSQL.count ? madeAdditionsSQL[rows - 1] : makeAdditionsSQL(rows: rows)
    }

    private func makeAdditionsSQL(rows: Int) -> String {
        let all = primaryKey + valueColumns
        let sets = valueColumns.map { "\($0) = \($0) + excluded.\($0)" }.joined(separator: ", ")
        let one = "(\(placeholders(all.count)))"
        return "INSERT INTO \(tableName) (\(all.joined(separator: ", "))) VALUES "
            + Array(repeating: one, count: rows).joined(separator: ", ")
            + " ON CONFLICT (\(primaryKey.joined(separator: ", "))) DO UPDATE SET \(sets)"
    }

    /// The delta of a summary row that keeps its count (only sums move): the row is there, since a
    /// row of the table left it.
    private var madeUpdateSQL: String {
        let sets = valueColumns.dropFirst().enumerated().map { "\($0.element) = \($0.element) + ?\($0.offset + 1)" }.joined(separator: ", ")
        let offset = valueColumns.count - 1
        return "UPDATE \(tableName) SET \(sets) WHERE " + primaryKey.enumerated().map { "\($0.element) = ?\($0.offset + 1 + offset)" }.joined(separator: " AND ")
    }

    private var madeDeleteEmptySQL: String {
        "DELETE FROM \(tableName) WHERE \(primaryKey.map { "\($0) = ?" }.joined(separator: " AND ")) AND n = 0"
    }

    /// Adds what the table's rows with ids in `?1...?2` bring to every cuboid, one aggregate per
    /// cuboid. `day` is the SQL of a row's local day, `year` of its local year's first day.
    func rangeSQL(cuboid: Cuboid, day: String, year: String) -> String {
        let t = "r." + Layout.column(timeField)
        let bucket = "CASE WHEN \(t) IS NULL THEN \(Self.blankDay) ELSE \(cuboid.grain == .day ? day : year) END"
        var select = ["\(cuboid.id)", bucket]
        for k in keys {
            select.append(cuboid.keys.contains(k.id) ? "COALESCE(r.\(Layout.column(k.id)), \(Self.blankKey))" : "\(Self.blankKey)")
        }
        select.append("count(*)")
        for f in sums {
            let c = "r.\(Layout.column(f.id))"
            select += ["COALESCE(sum(CASE WHEN typeof(\(c)) = 'integer' THEN \(c) END), 0)", "sum(typeof(\(c)) = 'integer')",
                       "sum(typeof(\(c)) NOT IN ('integer', 'null'))"]
        }
        let sets = valueColumns.map { "\($0) = \($0) + excluded.\($0)" }.joined(separator: ", ")
        return "INSERT INTO \(tableName) (\((primaryKey + valueColumns).joined(separator: ", "))) "
            + "SELECT \(select.joined(separator: ", ")) FROM \(Layout.table(table)) r WHERE r.id BETWEEN ?1 AND ?2 "
            + "GROUP BY \((2...(2 + keys.count)).map(String.init).joined(separator: ", ")) "
            + "ON CONFLICT (\(primaryKey.joined(separator: ", "))) DO UPDATE SET \(sets)"
    }
}

/// Local days and years of stored instants, in SQL over a range of them: the zone's offsets laid
/// out over the range as a balanced `CASE` tree (as the report planner does for buckets).
package struct LocalDaySQL {
    package let rules: TimeZoneRules
    package init(rules: TimeZoneRules) { self.rules = rules }
    static let dayMs: Int64 = 86_400_000
    /// Keeps the dividend positive (SQLite divides toward zero): about 27,000 years of days.
    static let dayBias: Int64 = 10_000_000

    /// The zone's offset in milliseconds as pieces covering `range` (the first applies before it too).
    package func offsets(over range: ClosedRange<Int64>) -> [(from: Int64, offset: Int64)] {
        func offset(_ ms: Int64) -> Int64 { Int64(rules.offset(at: Instant(millisecondsSinceEpoch: ms))) * 1000 }
        var pieces: [(Int64, Int64)] = [(range.lowerBound, offset(range.lowerBound))]
        var t = range.lowerBound
        // Probe every 6 hours (no zone changes its offset twice in that time), then find each
        // change to the millisecond.
        let step: Int64 = 6 * 3_600_000
        while t < range.upperBound {
            let next = min(t + step, range.upperBound)
            let o = offset(next)
            if o != pieces[pieces.count - 1].1 {
                var lo = t, hi = next
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2
                    if offset(mid) == o { hi = mid } else { lo = mid }
                }
                pieces.append((hi, o))
            }
            t = next
        }
        return pieces.map { (from: $0.0, offset: $0.1) }
    }

    /// `CASE WHEN x < b1 THEN v0 ... END` as a balanced tree: log2(n) comparisons a row;
    /// values.count == bounds.count + 1 (values[i] applies below bounds[i], the last above all).
    package static func lookup(_ column: String, bounds: [Int64], values: [String]) -> String {
        func build(_ lo: Int, _ hi: Int) -> String {
            if lo == hi { return values[lo] }
            let mid = (lo + hi) / 2
            return "CASE WHEN \(column) < \(bounds[mid]) THEN \(build(lo, mid)) ELSE \(build(mid + 1, hi)) END"
        }
        return build(0, values.count - 1)
    }

    /// The SQL of the local day (days since 1970-01-01) of `column`, right over `range`.
    func day(_ column: String, isDatetime: Bool, range: ClosedRange<Int64>) -> String {
        guard isDatetime else { return column }
        let pieces = offsets(over: range)
        let shift = pieces.count == 1 ? String(pieces[0].offset)
            : Self.lookup(column, bounds: pieces.dropFirst().map(\.from), values: pieces.map { String($0.offset) })
        return "(((\(column) + \(shift) + \(Self.dayBias * Self.dayMs)) / \(Self.dayMs)) - \(Self.dayBias))"
    }

    /// The SQL of the first day of the local year of `column`, right over `range`.
    func yearStart(_ column: String, isDatetime: Bool, range: ClosedRange<Int64>) -> String {
        let first = localDay(range.lowerBound, isDatetime: isDatetime).yearStart, last = localDay(range.upperBound, isDatetime: isDatetime)
        var starts: [CivilDate] = []
        var s = first
        while s <= last { starts.append(s); s = s.adding(years: 1) }
        if starts.isEmpty { starts = [first] }
        let bounds = starts.dropFirst().map { isDatetime ? Instant(date: $0, secondsOfDay: 0, rules: rules).millisecondsSinceEpoch : $0.daysSinceEpoch }
        return Self.lookup(column, bounds: bounds, values: starts.map { String($0.daysSinceEpoch) })
    }

    func localDay(_ stored: Int64, isDatetime: Bool) -> CivilDate {
        isDatetime ? Instant(millisecondsSinceEpoch: stored).localTime(in: rules).date : CivilDate(daysSinceEpoch: stored)
    }
}

/// One summary row's key, and what a change adds to it.
private struct SummaryKey: Hashable {
    var cuboid: Int64
    var day: Int64
    var keys: [SQLValue]
}

private struct SummaryDelta {
    var rows: Int64 = 0
    /// Per summed field: sum, count, errors.
    var values: [Int64]
}

extension Base {
    /// The state of a table's summary in the file: nil when the table has none (no time field).
    enum SummaryState { case valid, stale, disabled }

    func summaryState(_ layout: SummaryLayout) throws -> SummaryState {
        let stored = try db.cachedStatement("SELECT value FROM \(Layout.meta) WHERE key = ?").rows([.text(layout.metaKey)]).first?.first?.textValue
        if stored == layout.fingerprint { return .valid }
        if stored == "off|" + layout.fingerprint { return .disabled }
        return .stale
    }

    /// The table's summary when the file holds it up to date (what the report planner may read).
    package func keptSummary(of table: Table) throws -> SummaryLayout? {
        guard let layout = try compiledSchema().summaries[table.id], try summaryState(layout) == .valid else { return nil }
        return layout
    }

    /// How many rows the table's kept summary holds (nil when it keeps none), for benchmarks.
    package func summaryRowCount(of table: Table) throws -> Int? {
        guard let layout = try keptSummary(of: table) else { return nil }
        return try db.scalar("SELECT count(*) FROM \(layout.tableName)").int64Value.map(Int.init)
    }

    /// Keeps every summary up to date with what the command changed: rebuilt when missing, stale
    /// or marked (a full recompute, a migration), else by delta. Runs last in the command, once
    /// every computed value it reads is final.
    func maintainSummaries() throws {
        let compiled = try compiledSchema()
        if compiled.summaries.isEmpty { return }
        let rebuild = summariesNeedRebuild
        summariesNeedRebuild = false
        // Summaries this connection saw valid while nothing else could have changed them (the
        // stamp of the rules' cache: no other connection's commit, rollback, schema change or
        // row written outside a command since): one the command did not write needs no look.
        let stamp = try accessCacheStamp()
        if knownValidSummaries.stamp != stamp { knownValidSummaries = (stamp, []) }
        for layout in compiled.summaries.values.sorted(by: { $0.table < $1.table }) {
            let tid = layout.table
            if !rebuild, stamp != nil, knownValidSummaries.tables.contains(tid), pending != nil, !pendingTouches(tid) { continue }
            knownValidSummaries.tables.remove(tid)
            let state = try summaryState(layout)
            if state == .disabled && !rebuild { continue }
            do {
                if rebuild || state == .stale {
                    try rebuildSummary(layout)
                } else if let changes = pending {
                    try applySummaryDelta(layout, changes: changes)
                }
                if stamp != nil { knownValidSummaries.tables.insert(tid) }
            } catch is DatabaseError {
                // A sum beyond 64 bits: reports scan this table until the next rebuild (a schema
                // change, a full recompute or a repair) succeeds.
                try db.execute("INSERT OR REPLACE INTO \(Layout.meta) VALUES (?, ?)", [.text(layout.metaKey), .text("off|" + layout.fingerprint)])
            }
        }
    }

    /// Builds a table's summary from its rows, from scratch.
    func rebuildSummary(_ layout: SummaryLayout) throws {
        try db.execute("DROP TABLE IF EXISTS \(layout.tableName)")
        try db.execute(layout.createSQL)
        let t = Layout.table(layout.table)
        if let bounds = try db.query("SELECT (SELECT min(id) FROM \(t)), (SELECT max(id) FROM \(t))").first,
           let low = bounds[0].int64Value, let high = bounds[1].int64Value {
            try addRange(layout, low: low, high: high)
        }
        try db.execute("INSERT OR REPLACE INTO \(Layout.meta) VALUES (?, ?)", [.text(layout.metaKey), .text(layout.fingerprint)])
        // A Tabula that reads only format 1 would write the rows without their summary.
        try db.execute("INSERT OR REPLACE INTO \(Layout.meta) VALUES ('format', ?)", [.integer(Int64(Layout.formatVersion))])
    }

    /// Drops the summaries of tables that no longer have one.
    func dropStaleSummaryTables() throws {
        let wanted = Set(try compiledSchema().summaries.values.map(\.tableName))
        let existing = try db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 's[0-9]*'").compactMap { $0.first?.textValue }
        for name in existing where !wanted.contains(name) { try db.execute("DROP TABLE IF EXISTS \(name)") }
    }

    /// Adds the rows with ids in `low...high` to every cuboid, set-wise.
    private func addRange(_ layout: SummaryLayout, low: RowID, high: RowID) throws {
        let t = Layout.column(layout.timeField)
        let bounds = try db.query("SELECT min(\(t)), max(\(t)) FROM \(Layout.table(layout.table)) WHERE id BETWEEN ? AND ?",
                                  [.integer(low), .integer(high)]).first ?? []
        let local = LocalDaySQL(rules: .named(layout.timeZone))
        var day = "0", year = "0"
        if let lo = bounds.first?.int64Value, let hi = bounds.last?.int64Value {
            day = local.day("r.\(t)", isDatetime: layout.timeIsDatetime, range: lo...max(lo, hi))
            year = local.yearStart("r.\(t)", isDatetime: layout.timeIsDatetime, range: lo...max(lo, hi))
        }
        for cuboid in layout.cuboids {
            try db.execute(layout.rangeSQL(cuboid: cuboid, day: day, year: year), [.integer(low), .integer(high)])
        }
    }

    /// Applies the command's changes to a summary: each changed row takes its old contribution
    /// out and puts its new one in; many new rows in an id range are added by one aggregate.
    private func applySummaryDelta(_ layout: SummaryLayout, changes: ChangeSet) throws {
        let tid = layout.table
        let inserted = changes.inserted[tid] ?? []
        let deleted = changes.deleted[tid] ?? []
        let read = Set([layout.timeField] + layout.keys.map(\.id) + layout.sums.map(\.id))
        var touched: Set<RowID> = []
        for (row, fields) in changes.cells[tid] ?? [:] where !inserted.contains(row) && !fields.isDisjoint(with: read) { touched.insert(row) }
        for row in deleted where !inserted.contains(row) { touched.insert(row) }
        var newRows = inserted.subtracting(deleted)
        if newRows.isEmpty && touched.isEmpty { return }

        if newRows.count >= 64, let low = newRows.min(), let high = newRows.max(), high - low < RowID(newRows.count) * 2 {
            // Every row with an id in the range was inserted by this command (ids only grow).
            try addRange(layout, low: low, high: high)
            newRows = []
        }
        let fields = [layout.timeField] + layout.keys.map(\.id) + layout.sums.map(\.id)
        guard let table = schema.table(id: tid) else { return }
        let columnFields = fields.compactMap { table.field(id: $0) }
        let live = Array(touched.subtracting(deleted).union(newRows)).sorted()
        let current = try columnValues(columnFields, in: table, rows: live)
        let rules = TimeZoneRules.named(layout.timeZone)
        var deltas: [SummaryKey: SummaryDelta] = [:]

        func contribute(_ value: (FieldID) -> SQLValue, sign: Int64) {
            var day = SummaryLayout.blankDay
            if case .integer(let t) = value(layout.timeField) {
                day = layout.timeIsDatetime ? Instant(millisecondsSinceEpoch: t).localTime(in: rules).date.daysSinceEpoch : t
            }
            var parts: [Int64] = []
            parts.reserveCapacity(layout.sums.count * 3)
            for f in layout.sums {
                switch value(f.id) {
                case .integer(let v): parts += [v &* sign, sign, 0]
                case .null: parts += [0, 0, 0]
                default: parts += [0, 0, sign]
                }
            }
            let keyValues = layout.keys.map { k -> SQLValue in
                let v = value(k.id)
                return v == .null ? .integer(SummaryLayout.blankKey) : v
            }
            for cuboid in layout.cuboids {
                var d = day
                if cuboid.grain == .year && day != SummaryLayout.blankDay { d = CivilDate(daysSinceEpoch: day).yearStart.daysSinceEpoch }
                let keys = layout.keys.indices.map { cuboid.keys.contains(layout.keys[$0].id) ? keyValues[$0] : .integer(SummaryLayout.blankKey) }
                let key = SummaryKey(cuboid: cuboid.id, day: d, keys: keys)
                var delta = deltas[key] ?? SummaryDelta(values: [Int64](repeating: 0, count: parts.count))
                delta.rows &+= sign
                for i in parts.indices { delta.values[i] &+= parts[i] }
                deltas[key] = delta
            }
        }
        for row in touched {
            // The row as it was before the command: its cells' first values, else what is stored.
            let stored = current[row]
            contribute({ f in
                if let before = changes.valueBefore(tid, row, f) { return ValueCoding.encode(before) }
                return stored?[f].map(ValueCoding.encode) ?? .null
            }, sign: -1)
            if !deleted.contains(row), let stored { contribute({ f in stored[f].map(ValueCoding.encode) ?? .null }, sign: 1) }
        }
        for row in newRows {
            guard let stored = current[row] else { continue }
            contribute({ f in stored[f].map(ValueCoding.encode) ?? .null }, sign: 1)
        }
        if deltas.isEmpty { return }
        // A new row's contributions to its cuboids, the most common delta, in one statement per
        // few dozen summary rows.
        let ordered = deltas.filter { $0.value.rows > 0 }.map { ($0.key, $0.value) }
        if !ordered.isEmpty {
            for start in stride(from: 0, to: ordered.count, by: 32) {
                let chunk = ordered[start..<min(start + 32, ordered.count)]
                var arguments: [SQLValue] = []
                for (key, delta) in chunk {
                    arguments += [.integer(key.cuboid), .integer(key.day)] + key.keys + [.integer(delta.rows)] + delta.values.map { .integer($0) }
                }
                try db.cachedStatement(layout.additionsSQL(rows: chunk.count)).run(arguments)
            }
        }
        let upsert = try db.cachedStatement(layout.upsertSQL)
        let update = try db.cachedStatement(layout.updateSQL)
        let deleteEmpty = try db.cachedStatement(layout.deleteEmptySQL)
        for (key, delta) in deltas where delta.rows < 0 || (delta.rows == 0 && delta.values.contains(where: { $0 != 0 })) {
            let pk: [SQLValue] = [.integer(key.cuboid), .integer(key.day)] + key.keys
            if delta.rows == 0 {
                // A changed value of rows that stay in this summary row (a timer stopped, an end moved).
                try update.run(delta.values.map { .integer($0) } + pk)
                continue
            }
            let count = try upsert.rows(pk + [.integer(delta.rows)] + delta.values.map { .integer($0) }).first?.first?.int64Value
            if count == 0 { try deleteEmpty.run(pk) }
        }
    }

    /// Differences between the kept summary of a table and one rebuilt from its rows now (the
    /// invariant tests hold the engine to none); each a summary row's key and what differs.
    package func summaryDifferences(of table: Table) throws -> [String] {
        guard let layout = try compiledSchema().summaries[table.id] else { return [] }
        guard try summaryState(layout) == .valid else { return ["the summary of \(table.name) is not kept (\(try summaryState(layout)))"] }
        let kept = try db.query("SELECT * FROM \(layout.tableName) ORDER BY \(layout.primaryKey.joined(separator: ", "))")
        var fresh: [[SQLValue]] = []
        do {
            try db.transaction {
                try rebuildSummary(layout)
                fresh = try db.query("SELECT * FROM \(layout.tableName) ORDER BY \(layout.primaryKey.joined(separator: ", "))")
                throw SummaryCheckDone()  // undoes the rebuild
            }
        } catch is SummaryCheckDone {}
        var differences: [String] = []
        let a = Dictionary(kept.map { (Array($0.prefix(layout.primaryKey.count)), Array($0.dropFirst(layout.primaryKey.count))) }, uniquingKeysWith: { x, _ in x })
        let b = Dictionary(fresh.map { (Array($0.prefix(layout.primaryKey.count)), Array($0.dropFirst(layout.primaryKey.count))) }, uniquingKeysWith: { x, _ in x })
        for (key, values) in b where a[key] != values { differences.append("\(key): kept \(a[key].map { "\($0)" } ?? "none"), rebuilt \(values)") }
        for (key, values) in a where b[key] == nil { differences.append("\(key): kept \(values), rebuilt none") }
        return differences.sorted()
    }
}

private struct SummaryCheckDone: Error {}
