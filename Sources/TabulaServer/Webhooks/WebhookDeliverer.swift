import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import TabulaEngine
import TabulaTimeTracking

/// When a failed delivery is tried again: after the first failure 5 s, then 5 min, 30 min, 2 h,
/// then each wait twice the last, up to a day between attempts, until a 2xx.
public struct WebhookSchedule: Sendable, Hashable {
    /// The waits after the first, second, ... failed attempt, in milliseconds.
    public var waits: [Int64]
    /// The longest wait, in milliseconds.
    public var longest: Int64

    public init(waits: [Duration], longest: Duration) {
        self.waits = waits.map(Self.milliseconds)
        self.longest = Self.milliseconds(longest)
    }

    /// The schedule of the Tabula's webhooks.
    public static let standard = WebhookSchedule(waits: [.seconds(5), .seconds(300), .seconds(1800), .seconds(7200)], longest: .seconds(86_400))

    /// The wait, in milliseconds, before the next attempt after `failures` failed ones.
    public func wait(afterFailures failures: Int) -> Int64 {
        guard let last = waits.last else { return longest }
        if failures <= waits.count { return min(longest, waits[max(0, failures - 1)]) }
        var wait = last
        for _ in 0..<(failures - waits.count) where wait < longest { wait *= 2 }
        return min(longest, wait)
    }

    static func milliseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }
}

/// Delivers a base's webhook outbox: each due delivery is posted, signed, to its endpoint; a 2xx
/// marks it delivered, a 410 disables the endpoint, anything else is tried again on the schedule.
/// As a `Service` (the server runs it) it polls the outbox every second, so events another
/// process wrote go out within seconds, and goes at once when a write of this process commits
/// events. `deliverPending()` is one round, for the command line. Events are only marked
/// delivered after the receiver answered, so a crash can repeat one (same `webhook-id`) but not
/// lose it.
public final class WebhookDeliverer: Service, Sendable {
    /// Where the outbox is and how to deliver it.
    public struct Configuration: Sendable {
        public var path: String
        public var schedule: WebhookSchedule
        /// How often the outbox is read when nothing nudges the deliverer.
        public var pollInterval: Duration
        /// How long a receiver has to answer.
        public var timeout: Duration
        public var now: @Sendable () -> Instant

        public init(path: String, schedule: WebhookSchedule = .standard, pollInterval: Duration = .seconds(1),
                    timeout: Duration = .seconds(10), now: @escaping @Sendable () -> Instant = Base.systemClock) {
            self.path = path; self.schedule = schedule; self.pollInterval = pollInterval; self.timeout = timeout; self.now = now
        }
    }

    /// One attempt and what came of it.
    public struct Attempt: Sendable, Hashable {
        public var eventID: String
        public var type: String
        public var endpoint: Int64
        public var url: String
        /// The receiver's status (nil when it gave none).
        public var status: Int?
        public var outcome: WebhookAttemptOutcome
    }

    let configuration: Configuration
    let logger: Logger
    private let store: OutboxStore
    private let nudged = Mutex(false)
    /// Rounds do not overlap (a nudge during a round waits for it).
    private let round = RoundLock()

    /// Opens its own connection to the base (an error here when the base cannot be opened).
    public init(_ configuration: Configuration, logger: Logger = Logger(label: "tabula.webhooks")) throws {
        self.configuration = configuration
        self.logger = logger
        self.store = try OutboxStore(path: configuration.path, now: configuration.now)
    }

    /// Asks for a round now rather than at the next poll.
    public func nudge() { nudged.withLock { $0 = true } }

    /// Delivers until the service group shuts down, then closes its connection.
    public func run() async throws {
        let observation = OutboxSignal.observe(path: configuration.path) { [weak self] in self?.nudge() }
        defer { OutboxSignal.stopObserving(observation) }
        let step = Duration.milliseconds(20)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var wait = configuration.pollInterval
            do {
                _ = try await deliverPending()
                // Until the next poll, or sooner when a retry falls due before it.
                if let next = try await store.nextDue() {
                    wait = max(step, min(wait, .milliseconds(next.millisecondsSinceEpoch - configuration.now().millisecondsSinceEpoch)))
                }
            } catch {
                logger.error("webhook delivery round failed: \(error)")
            }
            var waited = Duration.zero
            while waited < wait, !Task.isCancelled, !Task.isShuttingDownGracefully {
                if nudged.withLock({ let was = $0; $0 = false; return was }) { break }
                try? await Task.sleep(for: step)
                waited += step
            }
        }
        await store.close()
    }

    /// One round: every delivery due now is attempted once (in parallel) and its outcome
    /// recorded. Failures are due again later, on the schedule.
    @discardableResult
    public func deliverPending() async throws -> [Attempt] {
        try await round.run {
            var attempts: [Attempt] = []
            while true {
                let due = try await store.due(at: configuration.now(), limit: 100)
                if due.isEmpty { break }
                attempts += try await deliver(due)
                if due.count < 100 { break }
            }
            return attempts
        }
    }

    /// When the next pending delivery is due, nil when none is.
    public func nextDue() async throws -> Instant? { try await store.nextDue() }

    /// Closes the deliverer's connection to the base (after `deliverPending` without `run`).
    public func close() async { await store.close() }

    private func deliver(_ due: [WebhookDelivery]) async throws -> [Attempt] {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        // A receiver that refuses the connection fails this attempt at once; the schedule retries.
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let results = await withTaskGroup(of: (WebhookDelivery, Int?, String?, Instant).self) { group in
            for delivery in due { group.addTask { await self.post(delivery, with: client) } }
            var results: [(WebhookDelivery, Int?, String?, Instant)] = []
            for await result in group { results.append(result) }
            return results
        }
        try? await client.shutdown()
        var attempts: [Attempt] = []
        for (delivery, status, error, at) in results {
            let outcome: WebhookAttemptOutcome
            if let status, (200...299).contains(status) {
                outcome = .delivered(status: status)
            } else if status == 410 {
                outcome = .gone
            } else {
                let wait = self.configuration.schedule.wait(afterFailures: delivery.attempts + 1)
                outcome = .failed(status: status, error: error ?? "the receiver answered \(status.map(String.init) ?? "nothing")",
                                  retryAt: Instant(millisecondsSinceEpoch: at.millisecondsSinceEpoch + wait))
            }
            try await store.record(delivery, outcome, at: at)
            attempts.append(Attempt(eventID: delivery.eventID, type: delivery.type, endpoint: delivery.endpoint, url: delivery.url,
                                    status: status, outcome: outcome))
            logger.info("webhook \(delivery.eventID) \(delivery.type) to endpoint \(delivery.endpoint): \(status.map(String.init) ?? error ?? "no answer")")
        }
        return attempts
    }

    /// Posts one delivery, signed; the status, or what went wrong, and when it was tried.
    private func post(_ delivery: WebhookDelivery, with client: HTTPClient) async -> (WebhookDelivery, Int?, String?, Instant) {
        let at = configuration.now()
        let timestamp = at.millisecondsSinceEpoch / 1000
        do {
            var request = HTTPClientRequest(url: delivery.url)
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.headers.add(name: "user-agent", value: "Tabula-Webhooks/1")
            request.headers.add(name: "webhook-id", value: delivery.eventID)
            request.headers.add(name: "webhook-timestamp", value: String(timestamp))
            request.headers.add(name: "webhook-signature",
                                value: try WebhookSignature.sign(id: delivery.eventID, timestamp: timestamp, body: delivery.payload, secret: delivery.secret))
            request.body = .bytes(ByteBuffer(string: delivery.payload))
            let response = try await client.execute(request, timeout: .milliseconds(WebhookSchedule.milliseconds(configuration.timeout)))
            _ = try? await response.body.collect(upTo: 1 << 16)
            return (delivery, Int(response.status.code), nil, at)
        } catch {
            return (delivery, nil, "no answer: \(String(describing: error).prefix(200))", at)
        }
    }
}

/// The deliverer's own connection to the base: a `Base` is used by one task at a time.
actor OutboxStore {
    private let base: Base
    private var closed = false

    init(path: String, now: @escaping @Sendable () -> Instant) throws {
        base = try Base.open(at: path, actor: "webhooks", now: now)
        // Its writes run the package's rules like any other (a write closes expired Pomodoros first).
        TimeTracking.install(on: base)
    }

    func due(at instant: Instant, limit: Int) throws -> [WebhookDelivery] {
        guard !closed else { return [] }
        return try base.webhooks.due(at: instant, limit: limit)
    }

    func nextDue() throws -> Instant? { closed ? nil : try base.webhooks.nextDue() }

    func record(_ delivery: WebhookDelivery, _ outcome: WebhookAttemptOutcome, at instant: Instant) throws {
        guard !closed else { return }
        try base.webhooks.record(delivery, outcome, at: instant)
    }

    func close() {
        guard !closed else { return }
        closed = true
        base.close()
    }
}

/// Runs bodies one at a time (an actor's methods may interleave at each `await`; this does not).
actor RoundLock {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        while busy { await withCheckedContinuation { waiting.append($0) } }
        busy = true
        defer {
            busy = false
            if !waiting.isEmpty { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}
