import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TabulaEngine
import TabulaTimeTracking

/// How a front end reaches the other bases a schema names: files opened with the package's rules
/// installed, served bases over HTTP with the token from the environment.
public enum OtherBases {
    /// Sets up a base: `checkBeforeCommit` asks the fed bases about each command's fed rows before
    /// it commits (their locks refuse it here); `sendAfterCommit` sends them right after.
    public static func configure(_ base: Base, checkBeforeCommit: Bool, sendAfterCommit: Bool) {
        let now = base.now
        base.otherBaseAccess = OtherBaseAccess(
            open: { path, actor in
                let other = try Base.open(at: path, actor: actor, now: now)
                TimeTracking.install(on: other)
                return other
            },
            served: { other in try ServedBaseTransport(other) })
        base.checksFeedsBeforeCommit = checkBeforeCommit
        base.sendsFeedsAfterCommit = sendAfterCommit
    }

    /// Whether a base takes part in the cross-base log at all (names other bases, or is fed).
    public static func involve(_ base: Base) -> Bool {
        base.schema.otherBases != nil || base.schema.tables.contains { $0.isFed == true }
    }
}

/// Beside `tabula serve`: every few seconds, on a connection and a thread of its own (sending
/// blocks on the network), the served base refreshes its copied tables, sends what waits in its
/// feed outbox (retried with backoff until the other base takes it), and takes what feeders on
/// this machine hold. Rows written through the API are in the outbox once they commit.
public final class FeedDeliverer: Service, Sendable {
    let path: String
    let now: @Sendable () -> Instant
    let pollMilliseconds: Int
    let logger: Logger
    private let stopping = Mutex(false)

    public init(path: String, now: @escaping @Sendable () -> Instant, pollMilliseconds: Int = 2000, logger: Logger = Logger(label: "tabula.feeds")) {
        self.path = path; self.now = now; self.pollMilliseconds = pollMilliseconds; self.logger = logger
    }

    public func run() async throws {
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread { [self] in
            loop()
            finished.signal()
        }
        try? await gracefulShutdown()
        stopping.withLock { $0 = true }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { finished.wait(); c.resume() }
        }
    }

    private func loop() {
        var base: Base?
        while !stopping.withLock({ $0 }) {
            do {
                if let open = base, try open.schemaChangedElsewhere() { open.close(); base = nil }
                if base == nil {
                    let opened = try Base.open(at: path, actor: "feeds", now: now)
                    TimeTracking.install(on: opened)
                    OtherBases.configure(opened, checkBeforeCommit: false, sendAfterCommit: false)
                    base = opened
                }
                if let base, OtherBases.involve(base) { round(base) }
            } catch {
                logger.error("feed round failed: \((error as? EngineError)?.message ?? "\(error)")")
                base?.close()
                base = nil
            }
            var waited = 0
            while waited < pollMilliseconds, !stopping.withLock({ $0 }) {
                usleep(50_000)
                waited += 50
            }
        }
        base?.close()
    }

    private func round(_ base: Base) {
        if base.schema.tables.contains(where: { $0.copiedFrom != nil }) {
            if let refresh = try? base.refreshCopies() {
                for problem in refresh.unreachable { logger.info("copy not refreshed: \(problem)") }
            }
        }
        if let delivery = try? base.deliverPendingFeeds(onlyDue: true), delivery.sent > 0 {
            logger.info("feed: sent \(delivery.sent), taken \(delivery.accepted), refused \(delivery.refused.count)\(delivery.unreachable.isEmpty ? "" : ", not reached: \(delivery.unreachable.joined(separator: "; "))")")
        }
        if base.schema.tables.contains(where: { $0.isFed == true }) { _ = try? base.pullFromFeeders() }
    }
}
