import ArgumentParser
import Foundation
import TabulaEngine

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a consistent copy of a base to a new file (safe while other processes write to it).")

    @Argument(help: "The base file.") var base: String
    @Argument(help: "The backup file to write (must not exist).") var file: String
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try Base.open(at: base, actor: actor.resolvedActor, now: try clock())
            defer { b.close() }
            let summary = try b.backup(to: file)
            print("backed up \(base) to \(summary.path): \(summary.rows) rows, \(summary.bytes) bytes")
        }
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore a backup into a base file, after checking that the backup is a sound Tabula base.",
        discussion: "An existing base is replaced only with --replace; its content before is saved beside it first (BASE.before-restore).")

    @Argument(help: "The base file to restore into.") var base: String
    @Argument(help: "The backup file written by `tabula backup`.") var file: String
    @Flag(help: "Replace an existing base (its content is saved beside it first).") var replace = false
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let summary: RestoreSummary
            do {
                summary = try Base.restore(from: file, to: base, replacing: replace, actor: actor.resolvedActor, now: try clock())
            } catch var error as EngineError where error.kind == .conflict && !replace {
                error.hint = "restore into a new file name, or add --replace (the base as it is now is saved beside it first)"
                throw error
            }
            print("restored \(file) into \(summary.path): \(summary.rows) rows")
            if let saved = summary.previousSavedAt { print("the base as it was before is saved in \(saved)") }
        }
    }
}

/// `tabula check --integrity`: every check, each with what is wrong and how to repair it.
func runIntegrityCheck(_ b: Base, base path: String, fix: Bool) throws -> Bool {
    let report = try b.integrity.full(fixComputed: fix)
    func section(_ name: String, _ problems: [String], repair: String) {
        if problems.isEmpty { print("\(name): ok"); return }
        print("\(name): \(problems.count) problem\(problems.count == 1 ? "" : "s")")
        for p in problems.prefix(50) { print("  \(p)") }
        if problems.count > 50 { print("  ... and \(problems.count - 50) more") }
        print("  repair: \(repair)")
    }
    section("sqlite integrity", report.storage,
            repair: "the file is damaged: restore the last backup with `tabula restore \(path) BACKUP --replace`, or recover what is readable with `sqlite3 \(path) .recover`")
    if !report.storage.isEmpty {
        print("(the other checks were skipped: they would read damaged pages)")
        return false
    }
    section("foreign keys", report.danglingLinks.map(\.description),
            repair: "set each link to an existing row or clear it with `tabula set \(path) TABLE ROW FIELD=...`")
    if report.computedFixed {
        print("computed values: \(report.computed.count) differed from a full recompute (fixed)")
    } else {
        section("computed values", report.computed.map(\.description), repair: "`tabula check \(path) --fix` replaces them with the recomputed values")
    }
    section("history", report.history.map(\.description),
            repair: "rows without their history were written outside Tabula, and history without its row means a row was removed outside it: compare with a backup (`tabula restore COPY.db BACKUP`) and redo the change through tabula")
    return report.isClean
}
