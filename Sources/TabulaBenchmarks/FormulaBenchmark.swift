import Foundation
import TabulaEngine
import TabulaReports

/// `tabula bench formulas`: a table of N rows with ten formula fields of every kind (money,
/// text with ICU case mapping, dates in the base's time zone, durations, logic), evaluated in full
/// and re-evaluated for one row after a write.
public struct FormulaBenchmark {
    public static let schema = """
    base "Formula benchmark"
    timezone "Europe/Berlin"
    currency EUR

    table Items {
      name      text required
      qty       integer
      price     currency
      hours     duration
      start     datetime
      due       date
      category  select(billable, internal, non_billable)
      note      text
      total     formula price * qty
      taxed     formula total * 1.19
      fee       formula price * hours(hours)
      label     formula upper(name) & " / " & category
      late      formula due < date(2026, 12, 1) and category = billable
      week      formula iso_week(due)
      finish    formula start + round_to(hours, 15m)
      quarter   formula month_start(due)
      billed    formula if(category = billable, hours, 0h)
      words     formula len(split(trim(note), " "))
    }
    """

    /// The fields the benchmark counts as formulas (ten).
    public static let formulaCount = 10

    /// What one run measured.
    public struct Result: Sendable {
        public var rows: Int
        public var insertSeconds: Double
        public var fullEvaluation: TimingSamples
        public var oneRow: TimingSamples
        public var cellsPerWrite: Int
        public var peakMegabytes: Double?

        /// Rows per second of a full evaluation of the ten formulas (median run).
        public var rowsPerSecond: Double { fullEvaluation.median > 0 ? Double(rows) / (fullEvaluation.median / 1000) : 0 }
    }

    public let rows: Int
    public let repetitions: Int

    public init(rows: Int, repetitions: Int = 101) {
        self.rows = max(rows, 10)
        self.repetitions = max(repetitions, 5)
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> Result {
        let scratch = ScratchBase("formulas-\(rows)")
        defer { scratch.remove() }
        let clock = Instant(millisecondsSinceEpoch: 1_795_000_000_000)
        let base = try Base.create(at: scratch.path, schemaSource: Self.schema, sourceName: "bench.tabula", actor: "bench", now: { clock },
                                   reportChecker: ReportChecker())
        defer { base.close() }
        let items = try base.table(named: "Items")
        let ids = try ["name", "qty", "price", "hours", "start", "due", "category", "note"].map { try base.field(named: $0, in: items).id }
        let (name, qty, price, hours) = (ids[0], ids[1], ids[2], ids[3])
        let (start, due, category, note) = (ids[4], ids[5], ids[6], ids[7])
        var rng = SeededGenerator(seed: UInt64(rows))
        let words = ["straße", "Müller", "отчёт", "review", "design", "ÉTÉ", "api", "fix", "sync", "plan"]
        let categories = ["billable", "billable", "internal", "non_billable"]
        let firstDay = CivilDate(year: 2026, month: 1, day: 1)!

        progress("inserting \(rows) rows (formulas computed as they are written)")
        let started = DispatchTime.now().uptimeNanoseconds
        var next = 1
        while next <= rows {
            let last = min(next + 19_999, rows)
            try base.write { tx in
                for i in next...last {
                    let noteText = (0..<Int.random(in: 1...6, using: &rng)).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
                    try tx.insertRow(into: items, values: [
                        name: .text("\(words.randomElement(using: &rng)!) \(i)"),
                        qty: .integer(Int64.random(in: 1...40, using: &rng)),
                        price: .money(Money(minorUnits: Int64.random(in: 500...25_000, using: &rng), currency: "EUR")),
                        hours: .duration(Int64.random(in: 1...600, using: &rng) * 60),
                        start: .datetime(Instant(millisecondsSinceEpoch: 1_767_222_000_000 + Int64(i) * 600_000)),
                        due: .date(firstDay.adding(days: Int64.random(in: 0...729, using: &rng))),
                        category: .text(categories.randomElement(using: &rng)!),
                        note: .text(noteText),
                    ])
                }
            }
            next = last + 1
        }
        let insertSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9

        progress("full evaluation of the ten formulas")
        var full = TimingSamples()
        for _ in 0..<3 { try full.time { _ = try base.integrity.recomputeEverything() } }

        progress("one row re-evaluated after a write")
        var one = TimingSamples()
        var cells = 0
        for _ in 0..<repetitions {
            let row = RowID(Int.random(in: 1...rows, using: &rng))
            let value = Value.integer(Int64.random(in: 1...40, using: &rng))
            try one.time { try base.write { tx in try tx.updateRow(in: items, id: row, values: [qty: value]) } }
            cells = max(cells, base.lastChanges.cellCount)
        }
        if let mismatch = try base.integrity.check().first {
            throw EngineError(.storage, "the formula benchmark base is inconsistent: \(mismatch)", hint: "this is a bug in the recompute")
        }
        return Result(rows: rows, insertSeconds: insertSeconds, fullEvaluation: full, oneRow: one, cellsPerWrite: cells,
                      peakMegabytes: peakMemoryMegabytes())
    }
}

extension FormulaBenchmark {
    /// The figures of a run as the `tabula bench formulas` table.
    public static func table(_ r: Result) -> [[String]] {
        [
            ["rows", "\(r.rows)"],
            ["formula fields", "\(FormulaBenchmark.formulaCount)"],
            ["insert with formulas (s)", String(format: "%.1f", r.insertSeconds)],
            ["full evaluation: median", formatMilliseconds(r.fullEvaluation.median)],
            ["full evaluation: rows/s", String(format: "%.0f", r.rowsPerSecond)],
            ["one row after a write: median", formatMilliseconds(r.oneRow.median)],
            ["one row after a write: p99", formatMilliseconds(r.oneRow.p99)],
            ["cells changed by it", "\(r.cellsPerWrite)"],
            ["peak memory", r.peakMegabytes.map { String(format: "%.0f MB", $0) } ?? "?"],
        ]
    }
}
