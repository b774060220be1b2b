import Foundation
import Synchronization
import TabulaEngine
import TabulaTimeTracking

/// Opening a base for the server: its time-tracking rules and its other bases configured.
enum BaseConnection {
    static func open(_ path: String, _ now: @escaping @Sendable () -> Instant) throws -> Base {
        let base = try Base.open(at: path, actor: "server", now: now)
        TimeTracking.install(on: base)
        // The fed bases' locks refuse a request's write here; the feed deliverer sends it.
        OtherBases.configure(base, checkBeforeCommit: true, sendAfterCommit: false)
        return base
    }
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

/// Read connections, one per thread that reads: a request's read runs at once on the thread
/// its task is on, with that thread's own connection, with no hop to another executor and no
/// queue behind a busy reader. Swift's pool has about as many threads as cores, so there are
/// about as many connections; WAL lets them all read beside the writer.
final class ThreadReaders: Sendable {
    /// A thread's connection, used only by that thread once made.
    private final class Slot: @unchecked Sendable {
        var base: Base
        init(_ base: Base) { self.base = base }
    }
    private let slots = Mutex<[UInt: Slot]>([:])
    private let closed = Mutex(false)
    private let path: String
    private let now: @Sendable () -> Instant

    init(path: String, now: @escaping @Sendable () -> Instant) {
        self.path = path; self.now = now
    }

    /// Runs `body` on this thread's connection, acting as `actor`, in one read transaction. A
    /// schema applied by another process since this connection's last read is read first.
    func run<T>(as actor: String, _ body: (Base) throws -> T) throws -> T {
        #if canImport(Darwin)
        let thread = UInt(bitPattern: pthread_self())
        #else
        let thread = UInt(pthread_self())
        #endif
        let slot: Slot
        if let found = slots.withLock({ $0[thread] }) {
            slot = found
        } else {
            slot = Slot(try BaseConnection.open(path, now))
            let kept = slots.withLock { slots in
                if closed.withLock({ $0 }) { return false }
                slots[thread] = slot
                return true
            }
            if !kept {
                slot.base.close()
                throw APIError(.serviceUnavailable, "unavailable", "the server is shutting down", hint: "send the request again once it is back")
            }
        }
        if try slot.base.schemaChangedElsewhere() {
            let fresh = try BaseConnection.open(path, now)
            slot.base.close()
            slot.base = fresh
        }
        slot.base.actor = actor
        return try slot.base.reading { try body(slot.base) }
    }

    /// Closes every thread's connection (once no request runs any more).
    func close() {
        closed.withLock { $0 = true }
        for slot in slots.withLock({ Array($0.values) }) { slot.base.close() }
    }
}

/// The server's hold on a base file: one writer (every write of the process goes through it, so
/// writes are serialized in the process and SQLite's lock is only contended by other
/// processes), and readers that WAL lets read beside it.
final class BaseHost: Sendable {
    let path: String
    let writer: BaseWriter
    let readers: ThreadReaders

    init(path: String, now: @escaping @Sendable () -> Instant) throws {
        self.path = path
        writer = try BaseWriter(path: path, now: now)
        readers = ThreadReaders(path: path, now: now)
    }

    /// A read, on the calling thread's read connection.
    func read<T: Sendable>(as actor: String, _ body: @Sendable (Base) throws -> T) async throws -> T {
        try readers.run(as: actor, body)
    }

    /// A write (or a read that must see the writer's own state) on the writer; returns once the
    /// write is durable.
    func write<T: Sendable>(as actor: String, _ body: @escaping @Sendable (Base) throws -> T) async throws -> T {
        try await writer.run(as: actor, body)
    }

    func close() async {
        await writer.close()
        readers.close()
    }
}
