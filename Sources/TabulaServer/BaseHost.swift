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
/// while the previous group runs, and the thread runs all that queued as one group
/// (`Base.commitTogetherUnflushed`): each request's write is still a whole command, undone alone
/// when it fails, but they share one commit. The commit goes to the base's log and the thread
/// goes on with the next group while a second thread, the flusher, syncs the log to the disk and
/// only then tells each request its outcome: under load one flush covers many writes, and the
/// wait for the disk holds up neither the next group nor Swift's few shared threads.
final class BaseWriter: Sendable {
    private struct Job: Sendable {
        /// Runs the request's work on the base; what it returns tells the request its outcome,
        /// called only once the group is durable.
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
    private let flusher = CommitFlusher()
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
                flusher.finish()
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
            let (outcomes, commit) = try base.commitTogetherUnflushed { jobs.map { $0.run(base) } }
            flusher.add(commit, tell: outcomes, fail: jobs.map(\.fail))
        } catch {
            // Told after the groups before it, which the flusher may still hold.
            flusher.add(nil, tell: [], fail: jobs.map(\.fail), error: error)
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

/// The writer's second thread: flushes the groups the writer committed, in order, and then
/// tells their requests. Groups that committed while it flushed share its next flush.
private final class CommitFlusher: Sendable {
    private struct Batch: Sendable {
        var commit: UnflushedCommit?
        var tell: [@Sendable () -> Void]
        var fail: [@Sendable (any Error) -> Void]
        /// Why the group failed before its commit (its requests are told this, in their turn).
        var error: (any Error)?
    }
    private struct State: ~Copyable {
        var batches: [Batch] = []
        var finishing = false
    }
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init() {
        let thread = Thread { [self] in self.loop() }
        thread.name = "tabula-flusher"
        thread.start()
    }

    func add(_ commit: UnflushedCommit?, tell: [@Sendable () -> Void], fail: [@Sendable (any Error) -> Void], error: (any Error)? = nil) {
        state.withLock { $0.batches.append(Batch(commit: commit, tell: tell, fail: fail, error: error)) }
        wake.signal()
    }

    /// Flushes and tells all that was added, then stops the thread; returns once it has.
    func finish() {
        state.withLock { $0.finishing = true }
        wake.signal()
        finished.wait()
    }

    private func loop() {
        while true {
            wake.wait()
            let (batches, finishing) = state.withLock { s in
                let taken = s.batches
                s.batches.removeAll()
                return (taken, s.finishing)
            }
            if !batches.isEmpty {
                var flushFailure: (any Error)?
                do { try UnflushedCommit.flush(batches.compactMap(\.commit)) } catch { flushFailure = error }
                for batch in batches {
                    if let error = batch.error ?? flushFailure {
                        for fail in batch.fail { fail(error) }
                    } else {
                        for tell in batch.tell { tell() }
                    }
                }
            }
            if finishing {
                finished.signal()
                return
            }
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
