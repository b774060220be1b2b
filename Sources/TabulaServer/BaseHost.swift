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

    private static func open(_ path: String, _ now: @escaping @Sendable () -> Instant) throws -> Base {
        let base = try Base.open(at: path, actor: "server", now: now)
        TimeTracking.install(on: base)
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

/// The server's hold on a base file: one writer (every write of the process goes through it, so
/// writes are serialized in the process and SQLite's lock is only contended by other
/// processes), and readers that WAL lets read beside it.
final class BaseHost: Sendable {
    let path: String
    let writer: BaseConnection
    let readers: [BaseConnection]
    private let nextReader = Mutex(0)

    init(path: String, readers count: Int = 2, now: @escaping @Sendable () -> Instant) throws {
        self.path = path
        writer = try BaseConnection(path: path, now: now)
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

    /// A write (or a read that must see the writer's own state) on the writer.
    func write<T: Sendable>(as actor: String, _ body: @Sendable (Base) throws -> T) async throws -> T {
        try await writer.run(as: actor, body)
    }

    func close() async {
        await writer.close()
        for r in readers { await r.close() }
    }
}
