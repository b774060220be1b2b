import Foundation
import Synchronization
import TabulaEngine
import TabulaTimeTracking

/// One open connection to a base, used by one request at a time. The `Base` object is not
/// thread-safe; the actor is what makes it safe to share.
actor BaseConnection {
    private var base: Base
    private let path: String
    private let now: @Sendable () -> Instant

    init(path: String, now: @escaping @Sendable () -> Instant) throws {
        self.path = path; self.now = now
        base = try Self.open(path, now)
    }

    static func open(_ path: String, _ now: @escaping @Sendable () -> Instant) throws -> Base {
        let base = try Base.open(at: path, actor: "server", now: now)
        TimeTracking.install(on: base)
        // The fed bases' locks refuse a request's write here; the feed deliverer sends it.
        OtherBases.configure(base, checkBeforeCommit: true, sendAfterCommit: false)
        return base
    }

    /// Runs `body` on the base acting as `actor` (a person's name). A schema applied by another
    /// process since the last request is read first.
    func run<T: Sendable>(as actor: String, _ body: @Sendable (Base) throws -> T) throws -> T {
        if try base.schemaChangedElsewhere() {
            let fresh = try Self.open(path, now)
            base.close()
            base = fresh
        }
        base.actor = actor
        return try body(base)
    }

    func close() { base.close() }
}

/// The server's only writing connection, on a thread of its own: requests' writes queue up
/// while the disk flushes the previous commit, and the thread runs all that queued as one group
/// (`Base.commitTogether`): each request's write is still a whole command, undone alone when it
/// fails, but they share one durable commit. Under load that turns one flush per write into one
/// flush per batch, and the waiting for the disk blocks this thread, not Swift's few shared ones.
final class BaseWriter: Sendable {
    private struct Job: Sendable {
        /// Runs the request's work on the base; what it returns tells the request its outcome,
        /// called only once the group has committed.
        let run: @Sendable (Base) -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }
    private struct Queue: ~Copyable {
        var jobs: [Job] = []
        var closing: CheckedContinuation<Void, Never>?
        var closed = false
    }
    /// The base, touched only by the writer's thread once that has started.
    private final class Connection: @unchecked Sendable {
        var base: Base
        init(_ base: Base) { self.base = base }
    }

    /// Requests joined into one commit at most: a bound on how long the last of them waits.
    static let largestGroup = 128
    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)
    private let connection: Connection
    private let path: String
    private let now: @Sendable () -> Instant

    init(path: String, now: @escaping @Sendable () -> Instant) throws {
        self.path = path; self.now = now
        connection = Connection(try BaseConnection.open(path, now))
        let thread = Thread { [self] in self.loop() }
        thread.name = "tabula-writer"
        thread.start()
    }

    /// Runs `body` on the writer, acting as `actor`, in the next group; returns once that group is durable.
    func run<T: Sendable>(as actor: String, _ body: @escaping @Sendable (Base) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(run: { base in
                base.actor = actor
                do {
                    let value = try body(base)
                    return { continuation.resume(returning: value) }
                } catch {
                    return { continuation.resume(throwing: error) }
                }
            }, fail: { continuation.resume(throwing: $0) })
            let accepted = queue.withLock { q in
                if q.closed { return false }
                q.jobs.append(job)
                return true
            }
            if accepted { wake.signal() } else { job.fail(APIError(.serviceUnavailable, "unavailable", "the server is shutting down", hint: "send the request again once it is back")) }
        }
    }

    private func loop() {
        while true {
            wake.wait()
            let (jobs, closing) = queue.withLock { q in
                let taken = Array(q.jobs.prefix(Self.largestGroup))
                q.jobs.removeFirst(taken.count)
                if !q.jobs.isEmpty { wake.signal() }  // the rest form the next group
                return (taken, q.jobs.isEmpty ? q.closing : nil)
            }
            if !jobs.isEmpty { runGroup(jobs) }
            if let closing {
                connection.base.close()
                closing.resume()
                return
            }
        }
    }

    private func runGroup(_ jobs: [Job]) {
        do {
            if try connection.base.schemaChangedElsewhere() { try reopen() }
            let base = connection.base
            let outcomes = try base.commitTogether { jobs.map { $0.run(base) } }
            for tell in outcomes { tell() }
        } catch {
            for job in jobs { job.fail(error) }
            // What the failed group's commands left in the base's caches is not in the file.
            try? reopen()
        }
    }

    private func reopen() throws {
        let fresh = try BaseConnection.open(path, now)
        connection.base.close()
        connection.base = fresh
    }

    /// Finishes the queued writes, then closes the base; later writes are refused.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.withLock { q in
                q.closed = true
                q.closing = continuation
            }
            wake.signal()
        }
    }
}

/// The server's hold on a base file: one writer (every write of the process goes through it, so
/// writes are serialized in the process and SQLite's lock is only contended by other
/// processes), and readers that WAL lets read beside it.
final class BaseHost: Sendable {
    let path: String
    let writer: BaseWriter
    let readers: [BaseConnection]
    private let nextReader = Mutex(0)

    init(path: String, readers count: Int = 2, now: @escaping @Sendable () -> Instant) throws {
        self.path = path
        writer = try BaseWriter(path: path, now: now)
        readers = try (0..<max(1, count)).map { _ in try BaseConnection(path: path, now: now) }
    }

    /// A read on one of the readers, in turn.
    func read<T: Sendable>(as actor: String, _ body: @Sendable (Base) throws -> T) async throws -> T {
        let i = nextReader.withLock { n in
            defer { n = (n + 1) % readers.count }
            return n
        }
        return try await readers[i].run(as: actor, body)
    }

    /// A write (or a read that must see the writer's own state) on the writer; returns once the
    /// write is durable.
    func write<T: Sendable>(as actor: String, _ body: @escaping @Sendable (Base) throws -> T) async throws -> T {
        try await writer.run(as: actor, body)
    }

    func close() async {
        await writer.close()
        for r in readers { await r.close() }
    }
}
