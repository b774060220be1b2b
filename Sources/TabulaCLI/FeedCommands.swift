import ArgumentParser
import Foundation
import TabulaEngine
import TabulaServer
import TabulaTimeTracking

/// How the command line reaches the other bases a schema names: files opened with the package's
/// rules installed, served bases over HTTP; each command sends its fed rows as it commits, and a
/// base that opens catches up (refreshes its copies, sends what waits, pulls from its feeders).
enum CrossBase {
    static func configure(_ base: Base) {
        OtherBases.configure(base, checkBeforeCommit: true, sendAfterCommit: true)
        base.onFeedDelivery = report
    }

    static func install(on base: Base) {
        configure(base)
        if base.schema.otherBases != nil {
            if let refresh = try? base.refreshCopies() {
                for problem in refresh.unreachable { printError("note: the copy of \(problem)") }
            }
            if let delivery = try? base.deliverPendingFeeds(onlyDue: true) { report(delivery) }
        }
        if base.schema.tables.contains(where: { $0.isFed == true }) { _ = try? base.pullFromFeeders() }
    }

    /// After `init` or `apply`: the fed bases learn where this base is, and copies are filled.
    /// After `apply`, every row of a feeding table is sent (again): a feed the migration added
    /// starts with the rows the table already has, and the fed side skips what it holds.
    static func link(_ base: Base, migrated: Bool = false) {
        guard base.schema.otherBases != nil else { return }
        do { try base.introduceFeeds() } catch { printError("note: the fed base was not told of this base yet: \(describe(error))") }
        if migrated, base.schema.tables.contains(where: { $0.feeds != nil }) {
            do {
                try base.resendFeeds()
                report(try base.deliverPendingFeeds())
            } catch { printError("note: the rows were not sent yet: \(describe(error))") }
        }
        do {
            let refresh = try base.refreshCopies(force: true)
            for problem in refresh.unreachable { printError("note: the copy of \(problem)") }
        } catch { printError("note: the copied tables were not filled: \(describe(error))") }
    }

    static func report(_ delivery: Base.FeedDelivery) {
        for refusal in delivery.refused { printError("warning: not sent: \(refusal)") }
        for problem in delivery.unreachable { printError("note: kept in the outbox, sent later: \(problem)") }
    }

    static func describe(_ error: any Error) -> String { (error as? EngineError)?.message ?? "\(error)" }
}

struct FeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed",
        abstract: "The cross-base log: what this base sends to other bases, and what it is fed.",
        subcommands: [FeedStatus.self, FeedPush.self, FeedSync.self, FeedResend.self])
}

struct FeedStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Rows waiting to be sent, copied tables, and the bases that feed this one.")
    @Argument(help: "The base file.") var base: String
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            for other in b.schema.otherBases ?? [] {
                print("base \(other.name) at \(other.location)" + (other.isServed ? "" : " (\(b.otherBasePath(other)))"))
            }
            for table in b.schema.tables {
                if let source = table.copiedFrom { print("\(table.name): a copy of \(source.description), \(try b.rowCount(of: table)) rows") }
                for feed in table.feeds ?? [] { print("\(table.name) feeds \(feed.target.description)") }
            }
            let pending = try b.pendingFeedRows()
            print(pending.isEmpty ? "outbox: empty" : "outbox: \(pending.count) row\(pending.count == 1 ? "" : "s") waiting")
            for row in pending {
                print("  \(row.table) #\(row.row) -> \(row.target)" + (row.attempts > 0 ? ", \(row.attempts) attempt\(row.attempts == 1 ? "" : "s")" : "")
                      + (row.error.map { ": \($0)" } ?? ""))
            }
            for feeder in try b.feeders() {
                print("fed: \(feeder.table) from \(feeder.sender), \(feeder.rows) row\(feeder.rows == 1 ? "" : "s")" + (feeder.location.map { " (\($0))" } ?? " (over the API)"))
            }
        }
    }
}

struct FeedPush: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "push", abstract: "Send every row waiting in the outbox now.")
    @Argument(help: "The base file.") var base: String
    @OptionGroup var actor: ActorOptions

    func run() throws {
        var failed = false
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let delivery = try b.deliverPendingFeeds()
            print("sent \(delivery.sent) row\(delivery.sent == 1 ? "" : "s"): \(delivery.accepted) taken, \(delivery.refused.count) refused")
            CrossBase.report(delivery)
            failed = !delivery.unreachable.isEmpty || !delivery.refused.isEmpty
        }
        if failed { throw ExitCode(1) }
    }
}

struct FeedSync: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sync", abstract: "Refresh the copied tables from their bases, send what waits, and take what feeders hold.")
    @Argument(help: "The base file.") var base: String
    @OptionGroup var actor: ActorOptions

    func run() throws {
        var failed = false
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let refresh = try b.refreshCopies(force: true)
            if b.schema.tables.contains(where: { $0.copiedFrom != nil }) {
                print("copies: \(refresh.added) added, \(refresh.changed) changed, \(refresh.removed) removed")
            }
            for problem in refresh.unreachable { printError("error: the copy of \(problem)") }
            let delivery = try b.deliverPendingFeeds()
            if delivery.sent > 0 { print("sent \(delivery.sent) row\(delivery.sent == 1 ? "" : "s"): \(delivery.accepted) taken") }
            CrossBase.report(delivery)
            let pulled = try b.pullFromFeeders()
            if pulled > 0 { print("took \(pulled) row\(pulled == 1 ? "" : "s") from feeding bases") }
            failed = !refresh.unreachable.isEmpty || !delivery.unreachable.isEmpty
        }
        if failed { throw ExitCode(1) }
    }
}

struct FeedResend: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resend", abstract: "Send every row of every feed again (after the fed base was restored, or to repair what check found).")
    @Argument(help: "The base file.") var base: String
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let marked = try b.resendFeeds()
            let delivery = try b.deliverPendingFeeds()
            print("marked \(marked) row\(marked == 1 ? "" : "s"); sent \(delivery.sent): \(delivery.accepted) taken")
            CrossBase.report(delivery)
        }
    }
}
