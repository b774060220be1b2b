import ArgumentParser
import Foundation
import TabulaEngine
import TabulaIO
import TabulaREPL
import TabulaReports
import TabulaTimeTracking

/// `tabula timer start|stop|switch|status`: timers on rows, per actor.
struct TimerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timer",
        abstract: "Start, stop and switch timers on rows; show the running ones.",
        subcommands: [TimerStart.self, TimerStop.self, TimerSwitch.self, TimerStatus.self])
}

/// The arguments that name a timed row.
struct TimedRowOptions: ParsableArguments {
    @Argument(help: "The base file.") var base: String
    @Argument(help: "The table of the row to time.") var table: String
    @Argument(help: "The row: #id or its primary value.") var row: String
    @Option(help: "The timer field, when the table has several.") var field: String?
    @Flag(help: "Run as a Pomodoro: the focus interval closes itself when its time is up.") var pomodoro = false

    var mode: TimerMode { pomodoro ? .pomodoro : .stopwatch }
}

struct TimerStart: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start",
                                                    abstract: "Start the timer of a row for the acting person (--draft: a timer whose task is not known yet).")
    @Argument(help: "The base file.") var base: String
    @Argument(help: "The table of the row to time (none with --draft).") var table: String?
    @Argument(help: "The row: #id or its primary value.") var row: String?
    @Option(help: "The timer field, when the table has several.") var field: String?
    @Flag(help: "Run as a Pomodoro: the focus interval closes itself when its time is up.") var pomodoro = false
    @Flag(help: "A draft: time with no task yet (give it a --note; set its task later).") var draft = false
    @Option(help: "A note on the draft.") var note: String?
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            if draft {
                guard table == nil else { throw CLIError("a draft has no row: give either TABLE ROW or --draft", hint: "tabula timer start BASE --draft --note 'call with Acme'") }
                guard !pomodoro else { throw CLIError("a draft runs as a stopwatch, not a Pomodoro") }
                let b = try openBase(base, actor)
                defer { b.close() }
                let entry = try Drafts.start(b, note: note)
                print("started a draft for \(entry.person) at \(b.formatInstant(entry.start)) (TimeEntries #\(entry.id)); set its task later")
                return
            }
            if note != nil { throw CLIError("--note goes with --draft here", hint: "a timer's entry takes its note with tabula set BASE TimeEntries '#ID' note=...") }
            guard let table, let row else { throw CLIError("give the table and the row to time, or --draft", hint: "tabula timer start BASE Tasks Landing") }
            let b = try openBase(base, actor)
            defer { b.close() }
            let started = try b.write { try $0.startTimer(table: table, row: row, field: field, mode: pomodoro ? .pomodoro : .stopwatch) }
            for notice in started.notices { print(Wording.notice(notice, on: b)) }
            print(Wording.started(started.value, on: b))
        }
    }
}

struct TimerStop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop a timer: the one on TABLE ROW, or the acting person's only running one (--all: every one).")
    @Argument(help: "The base file.") var base: String
    @Argument(help: "The table of the timed row.") var table: String?
    @Argument(help: "The row: #id or its primary value.") var row: String?
    @Option(help: "The timer field, when the table has several.") var field: String?
    @Flag(help: "Stop every running timer of the acting person.") var all = false
    @Flag(help: "Stop the acting person's running draft.") var draft = false
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            if table != nil && row == nil { throw CLIError("give the row whose timer to stop", hint: "tabula timer stop BASE TABLE ROW, or without TABLE ROW for your only timer") }
            if table != nil && all { throw CLIError("give either TABLE ROW or --all, not both") }
            if draft && (table != nil || all) { throw CLIError("give either --draft or TABLE ROW / --all, not both") }
            let b = try openBase(base, actor)
            defer { b.close() }
            // A running draft is stopped when asked, or by a plain stop when no other timer runs.
            let onlyDraft = try table == nil && !all && !draft && b.timers.running(everyone: false).isEmpty && (try? Drafts.running(b)) != nil
            if draft || onlyDraft {
                guard let entry = try Drafts.stop(b) else {
                    throw EngineError(.notFound, "\(b.actor) has no running draft", hint: "start one: tabula timer start BASE --draft --note TEXT")
                }
                let length = ValueType.duration.format(.duration(entry.seconds), context: b.schema.valueContext)
                print("stopped the draft for \(entry.person): \(length) (TimeEntries #\(entry.id)); set its task: tabula set \(base) TimeEntries '#\(entry.id)' task=...")
                return
            }
            let stopped = try b.write { try $0.stopTimer(table: table, row: row, field: field, all: all) }.value
            for interval in stopped { print(Wording.stopped(interval, on: b)) }
        }
    }
}

struct TimerSwitch: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "switch", abstract: "Stop all my timers and start the one of this row, in one step.")
    @OptionGroup var target: TimedRowOptions
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(target.base, actor)
            defer { b.close() }
            let (stopped, started, wasRunning) = try b.write { try $0.switchTimer(table: target.table, row: target.row, field: target.field, mode: target.mode) }.value
            for interval in stopped { print(Wording.stopped(interval, on: b)) }
            print(wasRunning ? "still running: \(started.rowDescription) since \(b.formatInstant(started.start))" : Wording.started(started, on: b))
        }
    }
}

struct TimerStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "The running timers with their elapsed time: mine, or --everyone's.")
    @Argument(help: "The base file.") var base: String
    @Flag(help: "Everyone's running timers, not only mine.") var everyone = false
    @Option(help: "table, csv or json.") var format: OutputFormat = .table
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let now = b.now()
            let running = try b.timers.running(everyone: everyone)
            let drafts = ((try? everyone ? Drafts.list(b, ids: nil) : Drafts.mine(b)) ?? []).filter { $0.end == nil }
            let breaks = try Pomodoro.breaks(b, everyone: everyone)
            if running.isEmpty && drafts.isEmpty && breaks.isEmpty && format == .table {
                print(everyone ? "no timer is running" : "no timer of \(b.actor) is running")
                return
            }
            let columns = [("who", ValueType.text), ("table", .text), ("row", .text), ("mode", .text), ("since", .datetime),
                           ("elapsed", .duration), ("until", .datetime)].map { ResultColumn(name: $0.0, type: $0.1) }
            let rows: [[Value]] = running.map { r in
                [.text(r.author), .text(r.table), .text(r.rowLabel), .text(r.mode.rawValue), .datetime(r.start),
                 .duration(r.elapsed(at: now)), r.deadline.map(Value.datetime) ?? .blank]
            } + drafts.map { d in
                [.text(d.person), .text("TimeEntries"), .text("draft #\(d.id)"), .text("stopwatch"), .datetime(d.start),
                 .duration(max(0, (now.millisecondsSinceEpoch - d.start.millisecondsSinceEpoch) / 1000)), .blank]
            } + breaks.map { p in
                [.text(p.person), .text("TimeEntries"), .text("break after #\(p.entry)"), .text("break"), .datetime(p.since),
                 .duration(max(0, (now.millisecondsSinceEpoch - p.since.millisecondsSinceEpoch) / 1000)), .datetime(p.until)]
            }
            let text = Renderer.render(ResultTable(columns: columns, rows: rows), as: format, context: b.schema.valueContext)
            if format == .csv { FileHandle.standardOutput.write(Data(text.utf8)) } else { print(text) }
        }
    }
}
