import TabulaLanguage

/// One step of a schema migration, as printed in the plan.
public enum MigrationStep: Sendable, Hashable, CustomStringConvertible {
    case setting(name: String, from: String, to: String)
    case addTable(String)
    case dropTable(String, rows: Int)
    case renameTable(from: String, to: String)
    case addField(table: String, field: String, type: String)
    case dropField(table: String, field: String, filledRows: Int)
    case renameField(table: String, from: String, to: String)
    case retypeField(table: String, field: String, from: String, to: String, lostRows: [RowID])
    case redefineField(table: String, field: String)
    case addRequired(table: String, field: String)
    case dropRequired(table: String, field: String)
    case addUnique(table: String, field: String)
    case dropUnique(table: String, field: String)
    case changeDefault(table: String, field: String)
    case changeLock(table: String)
    case changeAccess(table: String)
    /// `check EXPR else "MESSAGE"` added to or removed from a table.
    case addCheck(table: String, condition: String)
    case dropCheck(table: String, condition: String)
    /// `time field NAME` set, changed or removed (nil: none).
    case changeTimeField(table: String, from: String?, to: String?)
    /// `report from TABLE` set, changed or removed (nil: none).
    case changeReportTable(from: String?, to: String?)
    /// Other bases, copied tables, feeds or `fed from outside` changed (the cross-base log).
    case changeCrossBase(String)
    case reports(added: [String], removed: [String], changed: [String])

    /// Steps that lose data unless the user says so.
    public var isDestructive: Bool {
        switch self {
        case .dropTable: return true
        case .dropField: return true
        case .retypeField(_, _, _, _, let lost): return !lost.isEmpty
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .setting(let n, let a, let b): return "~ \(n): \(a) -> \(b)"
        case .addTable(let t): return "+ table \(t)"
        case .dropTable(let t, let rows): return "- table \(t) (\(rows) row\(rows == 1 ? "" : "s") deleted)"
        case .renameTable(let a, let b): return "~ table \(a) renamed to \(b)"
        case .addField(let t, let f, let type): return "+ field \(t).\(f) \(type)"
        case .dropField(let t, let f, let n): return "- field \(t).\(f) (\(n) filled value\(n == 1 ? "" : "s") lost)"
        case .renameField(let t, let a, let b): return "~ field \(t).\(a) renamed to \(b)"
        case .retypeField(let t, let f, let a, let b, let lost):
            return "~ field \(t).\(f) retyped \(a) -> \(b)" + (lost.isEmpty ? "" : " (\(lost.count) value\(lost.count == 1 ? "" : "s") cannot be converted and would be lost: rows \(lost.prefix(10).map { "#\($0)" }.joined(separator: ", "))\(lost.count > 10 ? ", ..." : ""))")
        case .redefineField(let t, let f): return "~ field \(t).\(f) redefined (recomputed)"
        case .addRequired(let t, let f): return "+ required \(t).\(f)"
        case .dropRequired(let t, let f): return "- required \(t).\(f)"
        case .addUnique(let t, let f): return "+ unique \(t).\(f)"
        case .dropUnique(let t, let f): return "- unique \(t).\(f)"
        case .changeDefault(let t, let f): return "~ default of \(t).\(f)"
        case .changeLock(let t): return "~ lock rule of table \(t)"
        case .changeAccess(let t): return "~ read and write rules of table \(t)"
        case .addCheck(let t, let c): return "+ check \(t): \(c)"
        case .dropCheck(let t, let c): return "- check \(t): \(c)"
        case .changeTimeField(let t, let a, let b): return "~ time field of table \(t): \(a ?? "none") -> \(b ?? "none")"
        case .changeReportTable(let a, let b): return "~ default report table: \(a ?? "none") -> \(b ?? "none")"
        case .changeCrossBase(let what): return "~ \(what)"
        case .reports(let a, let r, let c):
            return (a.map { "+ report \($0)" } + r.map { "- report \($0)" } + c.map { "~ report \($0)" }).joined(separator: "\n")
        }
    }
}

/// Thrown at the end of a dry-run migration so that its transaction rolls back.
private struct DryRunFinished: Error {}

/// The difference between a base's schema and a schema file, and what applying it would do.
public struct MigrationPlan: Sendable {
    public var steps: [MigrationStep]
    public var schema: Schema
    public var source: String
    public var isEmpty: Bool { steps.isEmpty }
    public var isDestructive: Bool { steps.contains { $0.isDestructive } }
    public var description: String {
        steps.isEmpty ? "nothing to change: the base already has this schema" : steps.map(\.description).joined(separator: "\n")
    }
}

extension Base {
    /// Compares the base's schema with schema source text and plans the migration;
    /// `reportChecker` checks the new schema's saved reports (see `SavedReportChecking`).
    func planMigration(to source: String, sourceName: String,
                              reportChecker: (any SavedReportChecking)? = nil) throws -> MigrationPlan {
        let new = try SchemaCompiler.compile(source: SourceText(name: sourceName, text: source), previous: schema,
                                             reportChecker: reportChecker)
        let old = schema
        var steps: [MigrationStep] = []
        for (name, a, b) in [("timezone", old.timeZone, new.timeZone), ("currency", old.currency, new.currency),
                             ("locale", old.locale, new.locale), ("base name", old.name, new.name)] where a != b {
            steps.append(.setting(name: name, from: a, to: b))
        }
        if old.otherBases != new.otherBases {
            steps.append(.changeCrossBase("other bases: " + ((new.otherBases ?? []).map { "\($0.name) at \($0.location)" }.joined(separator: ", ")).ifEmpty("none")))
        }
        for table in old.tables where new.table(id: table.id) == nil {
            steps.append(.dropTable(table.name, rows: try rowCount(of: table)))
        }
        for table in new.tables {
            guard let before = old.table(id: table.id) else {
                steps.append(.addTable(table.name))
                continue
            }
            if before.name != table.name { steps.append(.renameTable(from: before.name, to: table.name)) }
            if before.lockCondition != table.lockCondition { steps.append(.changeLock(table: table.name)) }
            if before.copiedFrom != table.copiedFrom {
                steps.append(.changeCrossBase("table \(table.name) " + (table.copiedFrom.map { "is a copy of \($0.description)" } ?? "is no longer a copy")))
            }
            if (before.isFed ?? false) != (table.isFed ?? false) {
                steps.append(.changeCrossBase("table \(table.name) " + (table.isFed == true ? "is fed from outside" : "is no longer fed from outside")))
            }
            if before.feeds != table.feeds {
                steps.append(.changeCrossBase("feeds of table \(table.name): " + ((table.feeds ?? []).map(\.target.description).joined(separator: ", ")).ifEmpty("none")))
            }
            if before.readCondition != table.readCondition || before.writeCondition != table.writeCondition {
                steps.append(.changeAccess(table: table.name))
            }
            let oldChecks = before.checks ?? [], newChecks = table.checks ?? []
            for check in newChecks where !oldChecks.contains(check) { steps.append(.addCheck(table: table.name, condition: check.condition)) }
            for check in oldChecks where !newChecks.contains(check) { steps.append(.dropCheck(table: table.name, condition: check.condition)) }
            if before.timeField != table.timeField {
                steps.append(.changeTimeField(table: table.name, from: before.timeField.flatMap { before.field(id: $0)?.name },
                                              to: table.timeField.flatMap { table.field(id: $0)?.name }))
            }
            for field in before.fields where table.field(id: field.id) == nil {
                steps.append(.dropField(table: table.name, field: field.name, filledRows: try filledCount(field, in: before)))
            }
            for field in table.fields {
                guard let was = before.field(id: field.id) else {
                    steps.append(.addField(table: table.name, field: field.name, type: field.kind.summary))
                    continue
                }
                if was.name != field.name { steps.append(.renameField(table: table.name, from: was.name, to: field.name)) }
                if was.kind != field.kind {
                    if was.isComputed && field.isComputed {
                        steps.append(.redefineField(table: table.name, field: field.name))
                    } else {
                        let lost = try lostRows(converting: was, to: field, in: before)
                        steps.append(.retypeField(table: table.name, field: field.name, from: was.kind.summary, to: field.kind.summary, lostRows: lost))
                    }
                }
                if field.isRequired && !was.isRequired { steps.append(.addRequired(table: table.name, field: field.name)) }
                if !field.isRequired && was.isRequired { steps.append(.dropRequired(table: table.name, field: field.name)) }
                if field.isUnique && !was.isUnique { steps.append(.addUnique(table: table.name, field: field.name)) }
                if !field.isUnique && was.isUnique { steps.append(.dropUnique(table: table.name, field: field.name)) }
                if field.defaultExpression != was.defaultExpression { steps.append(.changeDefault(table: table.name, field: field.name)) }
            }
        }
        if old.reportTable != new.reportTable {
            steps.append(.changeReportTable(from: old.reportTable.flatMap { old.table(id: $0)?.name },
                                            to: new.reportTable.flatMap { new.table(id: $0)?.name }))
        }
        let oldReports = Dictionary(old.reports.map { ($0.name, $0.query) }, uniquingKeysWith: { a, _ in a })
        let newReports = Dictionary(new.reports.map { ($0.name, $0.query) }, uniquingKeysWith: { a, _ in a })
        let added = new.reports.map(\.name).filter { oldReports[$0] == nil }
        let removed = old.reports.map(\.name).filter { newReports[$0] == nil }
        let changed = new.reports.map(\.name).filter { oldReports[$0] != nil && oldReports[$0] != newReports[$0] }
        if !(added.isEmpty && removed.isEmpty && changed.isEmpty) { steps.append(.reports(added: added, removed: removed, changed: changed)) }
        return MigrationPlan(steps: steps, schema: new, source: source)
    }

    private func filledCount(_ field: Field, in table: Table) throws -> Int {
        if Layout.hasColumn(field) {
            return Int(try db.scalar("SELECT count(*) FROM \(Layout.table(table.id)) WHERE \(Layout.column(field.id)) IS NOT NULL").int64Value ?? 0)
        }
        if case .link(let spec) = field.kind { return Set(try linkPairs(field, spec: spec).map(\.0)).count }
        return 0
    }

    /// Rows whose value of a field would not survive a change of the field's kind.
    private func lostRows(converting was: Field, to field: Field, in table: Table) throws -> [RowID] {
        let wasLink: Bool = { if case .link = was.kind { return true } else { return false } }()
        let isLink: Bool = { if case .link = field.kind { return true } else { return false } }()
        if wasLink || isLink || field.isComputed {
            // A link that changes shape, or data that becomes computed: every filled value is replaced.
            if was.isComputed { return [] }
            if wasLink, isLink, case .link(let a) = was.kind, case .link(let b) = field.kind, a.target == b.target,
               a.many == b.many || (!a.many && b.many) { return [] }
            if Layout.hasColumn(was) {
                return try db.query("SELECT id FROM \(Layout.table(table.id)) WHERE \(Layout.column(was.id)) IS NOT NULL ORDER BY id").compactMap { $0[0].int64Value }
            }
            if case .link(let spec) = was.kind { return Array(Set(try linkPairs(was, spec: spec).map(\.0))).sorted() }
            return []
        }
        var lost: [RowID] = []
        for (id, value) in try columnValues(of: was, in: table) where !value.isBlank {
            let converted = convert(value, from: was, to: field)
            if converted == nil { lost.append(id) }
        }
        return lost
    }

    private func columnValues(of field: Field, in table: Table) throws -> [(RowID, Value)] {
        try db.query("SELECT id, \(Layout.column(field.id)) FROM \(Layout.table(table.id)) WHERE \(Layout.column(field.id)) IS NOT NULL ORDER BY id")
            .compactMap { r in r[0].int64Value.map { ($0, ValueCoding.decode(r[1], as: field.valueType)) } }
    }

    /// A value converted to another field type through its text form; nil when it does not fit exactly.
    private func convert(_ value: Value, from was: Field, to field: Field) -> Value? {
        if value.isBlank { return .blank }
        let context = schema.valueContext
        let text = was.valueType.format(value, context: context)
        guard let converted = try? field.valueType.parse(text, context: context), !converted.isBlank else { return nil }
        // A conversion that rounds (number -> integer) or drops options loses information.
        if was.valueType.format(value, context: context) != field.valueType.format(converted, context: context),
           (try? was.valueType.parse(field.valueType.format(converted, context: context), context: context)) != value {
            return nil
        }
        return converted
    }

    /// Applies a planned migration in one transaction. Destructive steps need `allowDestructive`;
    /// new `required`/`unique` constraints that existing rows violate are refused, naming the rows.
    /// With `dryRun` the whole migration runs, with every check, and is then rolled back: it
    /// fails exactly where the real one would, and leaves the base as it was.
    func apply(_ plan: MigrationPlan, allowDestructive: Bool, dryRun: Bool = false) throws {
        if plan.isDestructive && !allowDestructive {
            let destructive = plan.steps.filter(\.isDestructive).map { "  " + $0.description }.joined(separator: "\n")
            throw EngineError(.schema, "the migration would lose data:\n\(destructive)",
                              remedy: .allowDataLoss)
        }
        if plan.isEmpty { return }
        let old = schema
        let new = plan.schema
        try db.execute("PRAGMA foreign_keys = OFF")
        defer { try? db.execute("PRAGMA foreign_keys = ON") }
        let newDefaults = try CompiledSchema(schema: new).defaults
        let oldSource = schemaSource
        do { try write { _ in
            try checkConstraints(new, old: old)
            for table in old.tables where new.table(id: table.id) == nil {
                for field in table.fields { try dropSideStorage(field) }
                try db.execute("DROP TABLE \(Layout.table(table.id))")
            }
            for table in new.tables {
                if let before = old.table(id: table.id) {
                    try migrateTable(from: before, to: table, defaults: newDefaults)
                } else {
                    try createStorage(for: table)
                }
            }
            for table in new.tables where old.table(id: table.id) == nil {
                for field in table.fields { try createSideStorage(for: field, in: table) }
            }
            let violations = try db.query("PRAGMA foreign_key_check")
            if let first = violations.first {
                throw EngineError(.schema, "the migration would leave a broken link (\(first.map { "\($0)" }.joined(separator: " ")))", hint: "nothing was changed")
            }
            try saveSchema(new, source: plan.source)
            try fillFormulaDefaults(old: old, defaults: newDefaults)
            try syncTimeIndexes()
            try ensureTimerIndexes()
            try recordHistory(action: "schema", note: plan.description)
            try recomputeAll(fields: changedComputedFields(old: old, new: new))
            try dropStaleSummaryTables()
            summariesNeedRebuild = true  // the rows were copied past the change set
            try checkNewChecks(old: old)
            if dryRun { throw DryRunFinished() }
        } } catch is DryRunFinished {
            restoreSchema(old, source: oldSource)
        } catch {
            restoreSchema(old, source: oldSource)
            throw error
        }
    }

    /// Refuses a migration after which existing rows break a check that is new to their table
    /// (or whose table is new), naming the rows.
    private func checkNewChecks(old: Schema) throws {
        for table in schema.tables {
            let before = old.table(id: table.id)?.checks ?? []
            guard (table.checks ?? []).contains(where: { !before.contains($0) }) else { continue }
            let violations = try checkViolations(table, rows: try allRowIDs(of: table), limit: 11)
            guard let first = violations.first else { continue }
            let rows = violations.prefix(10).map { "#\($0.row)" }.joined(separator: ", ")
            let count = violations.count > 10 ? "more than 10 rows" : violations.count == 1 ? "1 row" : "\(violations.count) rows"
            throw EngineError(.schema, "the new check of \(table.name) `\(first.check.condition)` is broken by \(count) (\(rows)): \(first.description)",
                              remedy: .fixRowsThenApply(table: table.name, row: first.row))
        }
    }

    /// A new required field must have a value on every existing row.
    private func requireFilled(_ field: Field, in table: Table) throws {
        guard field.isRequired, Layout.hasColumn(field) else { return }
        let missing = try db.scalar("SELECT count(*) FROM \(Layout.table(table.id)) WHERE \(Layout.column(field.id)) IS NULL").int64Value ?? 0
        if missing > 0 {
            throw EngineError(.schema, "the new field \(table.name).\(field.name) is required, but \(missing) existing row(s) would have no value",
                              hint: "give the field a default (default ...), or add it without 'required' and fill it first")
        }
    }

    /// New fields of existing tables with a formula default: each existing row gets the default as
    /// if it were added now, evaluated set-wise under the new schema.
    private func fillFormulaDefaults(old: Schema, defaults: [FieldID: DefaultValues.Kind]) throws {
        for table in schema.tables {
            guard let before = old.table(id: table.id) else { continue }
            for field in table.fields where before.field(id: field.id) == nil {
                guard case .formula(let formula)? = defaults[field.id] else { continue }
                let rows = try allRowIDs(of: table)
                let update = try db.cachedStatement("UPDATE \(Layout.table(table.id)) SET \(Layout.column(field.id)) = ? WHERE id = ?")
                for chunk in rows.chunked(2000) {
                    let values = try evaluate(formula, in: table, rows: Array(chunk))
                    for row in chunk {
                        let value = try DefaultValues.conform(values[row] ?? .blank, to: field, in: table)
                        if !value.isBlank { try update.run([ValueCoding.encode(value), .integer(row)]) }
                    }
                }
                try requireFilled(field, in: table)
            }
        }
    }

    private func dropSideStorage(_ field: Field) throws {
        if case .link(let spec) = field.kind, case .junction(let owner) = spec.storage, owner == field.id {
            try db.execute("DROP TABLE IF EXISTS \(Layout.junction(owner))")
        }
    }

    /// Rebuilds a table's storage for its new field list, converting retyped values.
    private func migrateTable(from before: Table, to after: Table, defaults: [FieldID: DefaultValues.Kind]) throws {
        let beforeColumns = Set(before.fields.filter(Layout.hasColumn).map(\.id))
        let afterColumns = Set(after.fields.filter(Layout.hasColumn).map(\.id))
        var needsRebuild = beforeColumns.subtracting(afterColumns).isEmpty == false
        var conversions: [(Field, Field)] = []
        for field in after.fields {
            guard let was = before.field(id: field.id) else { continue }
            if was.kind != field.kind && !(was.isComputed && field.isComputed) { conversions.append((was, field)) }
            let linkChanged = was.kind != field.kind && ({ if case .link = was.kind { return true } else { return false } }()
                                                         || { if case .link = field.kind { return true } else { return false } }())
            if linkChanged { needsRebuild = true }
        }
        for field in before.fields where after.field(id: field.id) == nil { try dropSideStorage(field) }
        for (was, field) in conversions where was.kind != field.kind {
            if case .link = was.kind { try dropSideStorage(was) }
        }
        // Drop indexes of fields whose uniqueness or storage changes; they are recreated below.
        for field in before.fields {
            try db.execute("DROP INDEX IF EXISTS \(Layout.uniqueIndex(field.id)); DROP INDEX IF EXISTS \(Layout.linkIndex(field.id))")
        }
        let t = Layout.table(after.id)
        if needsRebuild {
            let keptColumns = after.fields.filter { field in
                Layout.hasColumn(field) && beforeColumns.contains(field.id)
                    && !conversions.contains { pair in pair.1.id == field.id && isLinkChange(pair.0, pair.1) }
            }.map { Layout.column($0.id) }
            let columns = after.fields.filter(Layout.hasColumn).map(columnDefinition)
            try db.execute("CREATE TABLE \(t)_new (id INTEGER PRIMARY KEY AUTOINCREMENT\(columns.map { ", " + $0 }.joined()))")
            try db.execute("INSERT INTO \(t)_new (id\(keptColumns.map { ", " + $0 }.joined())) SELECT id\(keptColumns.map { ", " + $0 }.joined()) FROM \(t)")
            // Keep the highest id ever given, so ids of deleted rows stay unused.
            try db.execute("""
                UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = '\(t)'), 0)) WHERE name = '\(t)_new';
                INSERT INTO sqlite_sequence (name, seq) SELECT '\(t)_new', seq FROM sqlite_sequence
                    WHERE name = '\(t)' AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = '\(t)_new');
                """)
            try db.execute("DROP TABLE \(t)")
            try db.execute("ALTER TABLE \(t)_new RENAME TO \(t)")
        } else {
            for field in after.fields where Layout.hasColumn(field) && !beforeColumns.contains(field.id) {
                try db.execute("ALTER TABLE \(t) ADD COLUMN \(columnDefinition(field))")
            }
        }
        // New data fields take their default on existing rows; a new required field must then be filled.
        // Formula defaults are filled once the new schema is in place (they may read new links).
        for field in after.fields where before.field(id: field.id) == nil {
            switch defaults[field.id] {
            case .constant(let value)?:
                try db.execute("UPDATE \(t) SET \(Layout.column(field.id)) = ?", [ValueCoding.encode(value)])
            case .formula?: continue
            case nil: break
            }
            try requireFilled(field, in: after)
        }
        // Convert retyped data values in place.
        for (was, field) in conversions where !isLinkChange(was, field) && Layout.hasColumn(field) && Layout.hasColumn(was) {
            if field.isComputed { continue }
            let update = try db.cachedStatement("UPDATE \(t) SET \(Layout.column(field.id)) = ? WHERE id = ?")
            for (id, value) in try columnValues(of: was, in: before) {
                let converted = convert(value, from: was, to: field) ?? .blank
                try update.run([ValueCoding.encode(converted), .integer(id)])
                try recordHistory(action: "migrate", table: after.id, row: id, field: field.id,
                                  old: was.valueType.format(value, context: schema.valueContext),
                                  new: converted.isBlank ? nil : field.valueType.format(converted, context: schema.valueContext))
            }
        }
        // Data fields that became computed lose their written values.
        for (was, field) in conversions where field.isComputed && !was.isComputed && Layout.hasColumn(field) {
            try db.execute("UPDATE \(t) SET \(Layout.column(field.id)) = NULL")
        }
        for field in after.fields {
            let existed = before.field(id: field.id)
            let sideChanged = existed == nil || existed!.kind != field.kind
            if sideChanged || needsRebuild {
                if case .link(let spec) = field.kind, case .junction(let owner) = spec.storage, owner == field.id,
                   existed?.kind == field.kind { // junction kept as is; only its indexes on the table matter
                    if field.isUnique { try createUniqueIndex(field, in: after) }
                    continue
                }
                try createSideStorage(for: field, in: after)
            } else if field.isUnique {
                try createUniqueIndex(field, in: after)
            } else if case .link(let spec) = field.kind, spec.storage == .column {
                try db.execute("CREATE INDEX IF NOT EXISTS \(Layout.linkIndex(field.id)) ON \(t)(\(Layout.column(field.id)))")
            }
        }
    }

    private func isLinkChange(_ a: Field, _ b: Field) -> Bool {
        guard a.kind != b.kind else { return false }
        if case .link = a.kind { return true }
        if case .link = b.kind { return true }
        return false
    }

    /// Refuses new `required` / `unique` constraints that existing rows break, naming them.
    private func checkConstraints(_ new: Schema, old: Schema) throws {
        for table in new.tables {
            let before = old.table(id: table.id)
            for field in table.fields where Layout.hasColumn(field) && !field.isComputed {
                guard let was = before?.field(id: field.id), Layout.hasColumn(was) else { continue }
                let t = Layout.table(table.id), c = Layout.column(field.id)
                if field.isRequired && !was.isRequired {
                    let ids = try db.query("SELECT id FROM \(t) WHERE \(c) IS NULL ORDER BY id LIMIT 11").compactMap { $0[0].int64Value }
                    if !ids.isEmpty {
                        throw EngineError(.schema, "\(table.name).\(field.name) cannot become required: \(ids.count > 10 ? "more than 10" : "\(ids.count)") row(s) have no value: \(ids.prefix(10).map { "#\($0)" }.joined(separator: ", "))",
                                          remedy: .fillRows(table: table.name, field: field.name))
                    }
                }
                if field.isUnique && !was.isUnique {
                    let dups = try db.query("SELECT \(c), group_concat(id, ', #') FROM \(t) WHERE \(c) IS NOT NULL GROUP BY \(c) HAVING count(*) > 1 LIMIT 5")
                    if let first = dups.first {
                        let shown = ValueCoding.decode(first[0], as: field.valueType)
                        throw EngineError(.schema, "\(table.name).\(field.name) cannot become unique: rows #\(first[1].textValue ?? "") share the value '\(field.valueType.format(shown, context: new.valueContext))'\(dups.count > 1 ? " (and \(dups.count - 1) more duplicated value(s))" : "")",
                                          hint: "make the values distinct first, then apply again")
                    }
                }
            }
        }
    }

    /// Computed fields that are new or whose definition (or an input's type) changed.
    private func changedComputedFields(old: Schema, new: Schema) -> [FieldID] {
        var ids: [FieldID] = []
        for table in new.tables {
            for field in table.fields where field.kind.isComputedByRecompute {
                if old.field(id: field.id)?.field.kind != field.kind { ids.append(field.id) }
            }
        }
        // A changed formula may change what depends on it: recompute every dependant too.
        return ids.isEmpty ? [] : new.tables.flatMap { $0.fields.filter { $0.kind.isComputedByRecompute }.map(\.id) }
    }
}

extension String {
    /// The text, or `other` when it is empty.
    func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}
