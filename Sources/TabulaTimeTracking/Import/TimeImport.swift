import Foundation
import TabulaEngine

/// Imports of other trackers' exports into a time-tracking base (`tabula import`): Toggl,
/// Harvest, Jira Tempo, Clockify and Kimai CSV files. A file is read and checked whole first (a
/// file that cannot be read changes nothing); then, in one write, each row is matched and
/// becomes an entry (all entries in one bulk insert), or waits in `ImportQueue` with the reason
/// (an unknown person, a task that does not exist, a locked month). Every imported or queued row
/// keeps its origin, so the same row is never imported twice.
public enum TimeImport {
    /// How to read and place a file.
    public struct Options: Sendable {
        /// The format; nil recognises it from the header.
        public var format: ImportFormat?
        /// The zone the file's times are in; nil takes each person's zone (else the base's).
        public var timeZone: String?
        /// The order of slashed dates; nil tells it from the file when it can.
        public var dates: ImportDateOrder?
        /// Create the clients, projects and tasks the file names and the base lacks.
        public var create = false
        /// Do everything, report it, and write nothing.
        public var dryRun = false

        public init(format: ImportFormat? = nil, timeZone: String? = nil, dates: ImportDateOrder? = nil, create: Bool = false, dryRun: Bool = false) {
            self.format = format; self.timeZone = timeZone; self.dates = dates; self.create = create; self.dryRun = dryRun
        }
    }

    /// What an import did (or, in a dry run, would do).
    public struct Summary: Sendable, Hashable {
        public var format: ImportFormat
        /// Whether the format was recognised from the header (not given).
        public var recognised: Bool
        public var imported = 0
        /// The imported entries' total length.
        public var seconds: Int64 = 0
        public var queued = 0
        /// Why rows were queued: each reason's kind ("unknown person") and how many.
        public var reasons: [String: Int] = [:]
        public var duplicates = 0
        /// The clients, projects and tasks created: `client Acme`, `project Web`.
        public var created: [String] = []
        public var dryRun = false
    }

    /// The tables and fields imports need, which bases made from the package before imports lack.
    static func requireSchema(_ base: Base) throws {
        guard TimeTracking.applies(to: base.schema) else {
            throw EngineError(.schema, "this base is not a time-tracking base (no People, Tasks and TimeEntries)",
                              hint: "create one with `tabula init BASE --package timetracking`")
        }
        let s = base.schema
        var missing: [String] = []
        for table in ["ImportQueue", "ImportRules"] where s.table(named: table) == nil { missing.append("table \(table)") }
        for (table, field) in [("TimeEntries", "origin"), ("TimeEntries", "tags"), ("TimeEntries", "import_amount"), ("Tasks", "key"), ("Projects", "code")]
        where s.table(named: table)?.field(named: field) == nil {
            missing.append("\(table).\(field)")
        }
        if !missing.isEmpty {
            throw EngineError(.schema, "this base's time-tracking schema predates imports: it has no \(missing.joined(separator: ", "))",
                              hint: "bring it up to date with `tabula apply BASE --package timetracking` (it adds those tables and fields and changes no data)")
        }
    }

    /// Imports a file's text (`name` is how errors call it).
    public static func run(_ base: Base, text: String, name: String, options: Options) throws -> Summary {
        try requireSchema(base)
        TimeTracking.install(on: base)  // new entries get their rate and period as any other
        if let zone = options.timeZone, !TimeZoneRules.isValid(zone) {
            throw EngineError(.invalidValue, "'\(zone)' is not a time zone", hint: "give an IANA zone, e.g. Europe/Berlin or America/New_York")
        }
        let file = try { () throws -> ImportFile in
            var file = try ImportFile.read(text: text, name: name, format: options.format, dates: options.dates)
            if let zone = options.timeZone { for i in file.rows.indices { file.rows[i].zone = zone } }
            return file
        }()
        let work = { (tx: WriteTransaction) throws -> Summary in
            var summary = Summary(format: file.format, recognised: file.recognised, dryRun: options.dryRun)
            var placer = try ImportPlacer(base: base, directory: try ImportDirectory(base: base), create: options.create)
            var entries: [[FieldID: Value]] = [], labels: [String] = []
            var queued: [(ImportRow, String)] = []
            // Entries go in by chunks of the bulk path (memory stays flat); the recompute runs
            // once, when the write ends.
            func flush() throws {
                guard !entries.isEmpty else { return }
                try tx.insertRows(into: placer.entries, rows: entries, labels: labels)
                summary.imported += entries.count
                entries.removeAll(keepingCapacity: true)
                labels.removeAll(keepingCapacity: true)
            }
            for row in file.rows {
                guard placer.directory.origins.insert(row.origin).inserted else { summary.duplicates += 1; continue }
                switch try placer.place(row, tx) {
                case .entry(let values, let seconds):
                    entries.append(values)
                    labels.append("\(name):\(row.line)")
                    summary.seconds += seconds
                    if entries.count >= 20_000 { try flush() }
                case .queued(let reason):
                    queued.append((row, reason))
                }
            }
            try flush()
            let lines = queued.isEmpty ? [] : file.text.split(separator: "\n", omittingEmptySubsequences: false)
            try tx.insertRows(into: try base.table(named: "ImportQueue"), rows: try queued.map { row, reason in
                try queueValues(base, row: row, reason: reason, format: file.format, file: name, raw: file.raw(of: row, lines: lines))
            })
            summary.queued = queued.count
            for (_, reason) in queued { summary.reasons[reasonKind(reason), default: 0] += 1 }
            summary.created = placer.created
            return summary
        }
        if options.dryRun {
            struct RolledBack: Error { var summary: Summary }
            do {
                try base.write { tx -> Void in throw RolledBack(summary: try work(tx)) }
            } catch let done as RolledBack {
                return done.summary
            }
        }
        return try base.write(work).value
    }

    /// "unknown person" for "unknown person Anna <anna@example.com>".
    static func reasonKind(_ reason: String) -> String {
        for kind in ["unknown person", "unknown client", "unknown project", "unknown task", "locked"] where reason.hasPrefix(kind) {
            return kind == "locked" ? "locked period" : kind
        }
        if reason.hasPrefix("project '") { return "project of another client" }
        if reason.contains("tasks are called") { return "ambiguous task" }
        return reason
    }

    static func queueValues(_ base: Base, row: ImportRow, reason: String, format: ImportFormat, file: String, raw: String) throws -> [FieldID: Value] {
        let queue = try base.table(named: "ImportQueue")
        let data = String(decoding: try JSONEncoder().encode(row), as: UTF8.self)
        var values: [FieldID: Value] = [:]
        for (name, value) in [("file", Value.text(file)), ("line", .integer(Int64(row.line))), ("format", .text(format.rawValue)),
                              ("reason", .text(reason)), ("raw", .text(raw)), ("data", .text(data)), ("origin", .text(row.origin)),
                              ("state", .text("queued"))] {
            if let f = queue.field(named: name) { values[f.id] = value }
        }
        return values
    }
}
