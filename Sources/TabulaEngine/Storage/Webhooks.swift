import Foundation

/// A receiver of a base's events: where they are posted, which types it takes, the secret they
/// are signed with, and whether it still receives (a receiver that answers 410 is disabled).
public struct WebhookEndpoint: Sendable, Hashable {
    public var id: Int64
    public var url: String
    public var events: [String]
    /// `whsec_` and the base64 of the signing key.
    public var secret: String
    public var created: Instant
    public var disabled: Instant?
    /// Why it was disabled (`410 Gone`, or by hand).
    public var disabledReason: String?
}

/// One event for one endpoint in the outbox, with what happened to it so far.
public struct WebhookDelivery: Sendable, Hashable {
    /// Pending until a 2xx (delivered) or its endpoint is disabled or removed (dropped).
    public enum State: String, Sendable, Hashable { case pending, delivered, dropped }

    /// The event's id: the `webhook-id` of every attempt and the payload's `id`.
    public var eventID: String
    public var type: String
    /// The JSON text posted, exactly as the event was written.
    public var payload: String
    public var created: Instant
    public var endpoint: Int64
    public var url: String
    public var secret: String
    public var attempts: Int
    /// The HTTP status of the last attempt (nil when it got no answer).
    public var status: Int?
    /// What went wrong in the last attempt, when it failed.
    public var error: String?
    public var lastAttempt: Instant?
    /// When the next attempt is due (nil once it is no longer pending).
    public var nextAttempt: Instant?
    public var state: State
}

/// What one attempt to deliver came to.
public enum WebhookAttemptOutcome: Sendable, Hashable {
    /// A 2xx answer: done.
    case delivered(status: Int)
    /// Anything else (another status, no answer): tried again at `retryAt`.
    case failed(status: Int?, error: String, retryAt: Instant)
    /// 410 Gone: the receiver asks for no more; the endpoint is disabled.
    case gone
}

/// The webhooks of a base (`base.webhooks`): endpoints, and the outbox of events with their
/// deliveries. All of it lives in the file (internal tables made on the first `add`), so an event
/// written in a transaction commits with the change that caused it, a crash after the commit
/// loses nothing, and a base with no endpoint writes no event at all.
public struct Webhooks {
    let base: Base

    static let endpoints = "_tabula_webhooks"
    static let events = "_tabula_webhook_events"
    static let deliveries = "_tabula_webhook_deliveries"

    private func exists() throws -> Bool {
        try base.internalTableExists(Self.endpoints)
    }

    private func ensure() throws {
        try base.db.execute("""
            CREATE TABLE IF NOT EXISTS \(Self.endpoints) (id INTEGER PRIMARY KEY, url TEXT NOT NULL, events TEXT NOT NULL,
                secret TEXT NOT NULL, created INTEGER NOT NULL, disabled INTEGER, disabled_reason TEXT);
            CREATE TABLE IF NOT EXISTS \(Self.events) (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
                payload TEXT NOT NULL, created INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'pending');
            CREATE TABLE IF NOT EXISTS \(Self.deliveries) (id INTEGER PRIMARY KEY, event INTEGER NOT NULL, endpoint INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0, status INTEGER, error TEXT, last_at INTEGER, next_at INTEGER,
                done INTEGER, state TEXT NOT NULL DEFAULT 'pending', UNIQUE (event, endpoint));
            CREATE INDEX IF NOT EXISTS \(Self.deliveries)_due ON \(Self.deliveries) (next_at) WHERE done IS NULL;
            """)
    }

    // MARK: - Endpoints

    /// Adds an endpoint (the caller checked the URL, the event names and the secret); the
    /// history records it without its secret.
    public func add(url: String, events: [String], secret: String) throws -> WebhookEndpoint {
        try base.write { tx in
            try ensure()
            base.attachments.webhookEdits += 1
            try base.db.execute("INSERT INTO \(Self.endpoints) (url, events, secret, created) VALUES (?, ?, ?, ?)",
                                [.text(url), .text(events.joined(separator: ",")), .text(secret), .integer(base.now().millisecondsSinceEpoch)])
            let id = base.db.lastInsertRowID
            try tx.recordHistory(action: "webhook", note: "webhook \(id) added: \(Self.shown(url)) for \(events.joined(separator: ", "))")
            return try endpoint(id)
        }.value
    }

    /// Every endpoint, oldest first.
    public func list() throws -> [WebhookEndpoint] {
        guard try exists() else { return [] }
        return try base.db.query("SELECT id, url, events, secret, created, disabled, disabled_reason FROM \(Self.endpoints) ORDER BY id").map(Self.endpoint)
    }

    /// One endpoint by id.
    public func endpoint(_ id: Int64) throws -> WebhookEndpoint {
        guard try exists(), let row = try base.db.query("SELECT id, url, events, secret, created, disabled, disabled_reason FROM \(Self.endpoints) WHERE id = ?",
                                                        [.integer(id)]).first else {
            throw EngineError(.notFound, "there is no webhook \(id)", hint: "list the webhooks and their ids with `webhook list`")
        }
        return Self.endpoint(row)
    }

    /// Removes an endpoint; what it had not received yet is dropped.
    public func remove(id: Int64) throws {
        try base.write { tx in
            let endpoint = try endpoint(id)
            base.attachments.webhookEdits += 1
            try base.db.execute("DELETE FROM \(Self.endpoints) WHERE id = ?", [.integer(id)])
            try drop(endpoint: id, reason: "endpoint removed")
            try tx.recordHistory(action: "webhook", note: "webhook \(id) removed: \(Self.shown(endpoint.url))")
        }
    }

    /// Disables an endpoint: it receives nothing more, and what it had not received is dropped.
    public func disable(id: Int64, reason: String) throws {
        try base.write { tx in
            let endpoint = try endpoint(id)
            guard endpoint.disabled == nil else { return }
            base.attachments.webhookEdits += 1
            try base.db.execute("UPDATE \(Self.endpoints) SET disabled = ?, disabled_reason = ? WHERE id = ?",
                                [.integer(base.now().millisecondsSinceEpoch), .text(reason), .integer(id)])
            try drop(endpoint: id, reason: reason)
            try tx.recordHistory(action: "webhook", note: "webhook \(id) disabled: \(reason)")
        }
    }

    private func drop(endpoint id: Int64, reason: String) throws {
        try base.db.execute("UPDATE \(Self.deliveries) SET done = ?, next_at = NULL, state = 'dropped', error = coalesce(error, ?) WHERE endpoint = ? AND done IS NULL",
                            [.integer(base.now().millisecondsSinceEpoch), .text(reason), .integer(id)])
        try settleEvents()
    }

    /// The ids of the live endpoints that take events of this type (none when the base has no webhooks).
    public func subscribers(of type: String) throws -> [Int64] {
        let stamp = WebhookStamp(dataVersion: try base.db.dataVersion(), rollbacks: base.db.rollbacks, edits: base.attachments.webhookEdits)
        if base.attachments.webhookStamp != stamp {
            base.attachments.webhookSubscribers = [:]
            base.attachments.webhookStamp = stamp
        }
        if let kept = base.attachments.webhookSubscribers[type] { return kept }
        let found: [Int64]
        if try exists() {
            found = try base.db.cachedStatement("SELECT id, events FROM \(Self.endpoints) WHERE disabled IS NULL ORDER BY id").rows([]).compactMap { row in
                (row[1].textValue ?? "").split(separator: ",").contains { $0 == type } ? row[0].int64Value : nil
            }
        } else {
            found = []
        }
        base.attachments.webhookSubscribers[type] = found
        return found
    }

    // MARK: - The outbox

    /// Writes an event to the outbox in the transaction `tx`, so it commits (or rolls back) with
    /// the change it tells of, with a delivery due now for each endpoint that takes its type.
    /// `data` is only made when some endpoint does; with none, nothing is written and nil returned.
    /// The payload is `{"type", "id", "timestamp", "data"}`; the id is the event's `webhook-id`.
    @discardableResult
    public func enqueue(_ type: String, in tx: WriteTransaction, data: () throws -> JSONValue) throws -> String? {
        try tx.requireOpen()
        let endpoints = try subscribers(of: type)
        guard !endpoints.isEmpty else { return nil }
        let now = base.now()
        let id = Self.newEventID()
        let payload = JSONValue.object([("type", .string(type)), ("id", .string(id)), ("timestamp", .string(now.iso8601(in: "UTC"))), ("data", try data())])
        try base.db.execute("INSERT INTO \(Self.events) (id, type, payload, created) VALUES (?, ?, ?, ?)",
                            [.text(id), .text(type), .text(payload.serialized), .integer(now.millisecondsSinceEpoch)])
        let seq = base.db.lastInsertRowID
        let insert = try base.db.cachedStatement("INSERT INTO \(Self.deliveries) (event, endpoint, next_at) VALUES (?, ?, ?)")
        for endpoint in endpoints { try insert.run([.integer(seq), .integer(endpoint), .integer(now.millisecondsSinceEpoch)]) }
        tx.wroteOutboxEvents = true
        return id
    }

    /// `msg_` and 32 random hex digits.
    static func newEventID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "msg_" + (0..<16).map { _ in
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }

    private static let deliveryColumns = """
        e.id, e.type, e.payload, e.created, d.endpoint, coalesce(w.url, ''), coalesce(w.secret, ''), d.attempts, d.status, d.error, d.last_at, d.next_at, d.state, d.id
        """

    private func deliveryRows(_ filter: String, _ arguments: [SQLValue]) throws -> [(rowID: Int64, delivery: WebhookDelivery)] {
        guard try exists() else { return [] }
        return try base.db.query("""
            SELECT \(Self.deliveryColumns) FROM \(Self.deliveries) d JOIN \(Self.events) e ON e.seq = d.event
                LEFT JOIN \(Self.endpoints) w ON w.id = d.endpoint \(filter)
            """, arguments).map { r in
            (r[13].int64Value ?? 0, WebhookDelivery(
                eventID: r[0].textValue ?? "", type: r[1].textValue ?? "", payload: r[2].textValue ?? "",
                created: Instant(millisecondsSinceEpoch: r[3].int64Value ?? 0), endpoint: r[4].int64Value ?? 0,
                url: r[5].textValue ?? "", secret: r[6].textValue ?? "", attempts: Int(r[7].int64Value ?? 0),
                status: r[8].int64Value.map { Int($0) }, error: r[9].textValue,
                lastAttempt: r[10].int64Value.map { Instant(millisecondsSinceEpoch: $0) },
                nextAttempt: r[11].int64Value.map { Instant(millisecondsSinceEpoch: $0) },
                state: WebhookDelivery.State(rawValue: r[12].textValue ?? "") ?? .pending))
        }
    }

    /// The deliveries due at `instant` (pending, next attempt at or before it), oldest event first.
    public func due(at instant: Instant, limit: Int = 100) throws -> [WebhookDelivery] {
        try deliveryRows("WHERE d.done IS NULL AND d.next_at <= ? AND w.id IS NOT NULL AND w.disabled IS NULL ORDER BY d.next_at, e.seq LIMIT ?",
                         [.integer(instant.millisecondsSinceEpoch), .integer(Int64(limit))]).map(\.delivery)
    }

    /// When the next pending delivery is due (nil when none is pending).
    public func nextDue() throws -> Instant? {
        guard try exists() else { return nil }
        return try base.db.scalar("""
            SELECT min(d.next_at) FROM \(Self.deliveries) d JOIN \(Self.endpoints) w ON w.id = d.endpoint
                WHERE d.done IS NULL AND w.disabled IS NULL
            """).int64Value.map { Instant(millisecondsSinceEpoch: $0) }
    }

    /// The latest deliveries, newest event last.
    public func deliveries(limit: Int = 100) throws -> [WebhookDelivery] {
        Array(try deliveryRows("ORDER BY e.seq DESC, d.endpoint DESC LIMIT ?", [.integer(Int64(limit))]).map(\.delivery).reversed())
    }

    /// Notes the outcome of an attempt made at `instant`: a 2xx marks the delivery done, a 410
    /// disables the endpoint, anything else sets the next attempt. An event whose deliveries are
    /// all done is done.
    public func record(_ delivery: WebhookDelivery, _ outcome: WebhookAttemptOutcome, at instant: Instant) throws {
        try base.write { _ in
            guard let seq = try base.db.query("SELECT seq FROM \(Self.events) WHERE id = ?", [.text(delivery.eventID)]).first?[0] else { return }
            let at = SQLValue.integer(instant.millisecondsSinceEpoch)
            let key: [SQLValue] = [seq, .integer(delivery.endpoint)]
            switch outcome {
            case .delivered(let status):
                try base.db.execute("UPDATE \(Self.deliveries) SET attempts = attempts + 1, status = ?, error = NULL, last_at = ?, next_at = NULL, done = ?, state = 'delivered' WHERE event = ? AND endpoint = ?",
                                    [.integer(Int64(status)), at, at] + key)
            case .failed(let status, let error, let retryAt):
                try base.db.execute("UPDATE \(Self.deliveries) SET attempts = attempts + 1, status = ?, error = ?, last_at = ?, next_at = ? WHERE event = ? AND endpoint = ? AND done IS NULL",
                                    [status.map { .integer(Int64($0)) } ?? .null, .text(error), at, .integer(retryAt.millisecondsSinceEpoch)] + key)
            case .gone:
                try base.db.execute("UPDATE \(Self.deliveries) SET attempts = attempts + 1, status = 410, error = ?, last_at = ? WHERE event = ? AND endpoint = ?",
                                    [.text("410 Gone: the receiver asked for no more"), at] + key)
                try disable(id: delivery.endpoint, reason: "the receiver answered 410 Gone")
            }
            try settleEvents()
        }
    }

    /// Marks done the events none of whose deliveries is pending.
    private func settleEvents() throws {
        try base.db.execute("""
            UPDATE \(Self.events) SET state = 'done' WHERE state = 'pending'
                AND NOT EXISTS (SELECT 1 FROM \(Self.deliveries) d WHERE d.event = seq AND d.done IS NULL)
            """)
    }

    /// A URL as the history shows it: without a password or a query, where receivers put tokens.
    static func shown(_ url: String) -> String {
        guard var parts = URLComponents(string: url) else { return url }
        parts.password = nil
        parts.user = nil
        if parts.query != nil { parts.query = "..." }
        return parts.string ?? url
    }

    private static func endpoint(_ row: [SQLValue]) -> WebhookEndpoint {
        WebhookEndpoint(id: row[0].int64Value ?? 0, url: row[1].textValue ?? "",
                        events: (row[2].textValue ?? "").split(separator: ",").map(String.init), secret: row[3].textValue ?? "",
                        created: Instant(millisecondsSinceEpoch: row[4].int64Value ?? 0),
                        disabled: row[5].int64Value.map { Instant(millisecondsSinceEpoch: $0) }, disabledReason: row[6].textValue)
    }
}

extension Base {
    /// The base's webhooks: endpoints, and the outbox of events waiting to be delivered.
    public var webhooks: Webhooks { Webhooks(base: self) }
}

/// When kept webhook subscribers are still the file's: no other connection committed
/// (`data_version`), nothing rolled back, and no endpoint was edited through this object.
struct WebhookStamp: Equatable {
    var dataVersion: Int64
    var rollbacks: Int
    var edits: Int
}

/// Tells whoever delivers a base's outbox in this process (the server's deliverer) that a write
/// just committed events, so the first attempt goes out at once rather than at the next poll.
public enum OutboxSignal {
    private final class Registry: @unchecked Sendable {
        let lock = NSLock()
        var observers: [Int: (path: String, wake: @Sendable () -> Void)] = [:]
        var next = 0
    }

    private static let registry = Registry()

    static func key(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }

    /// Calls `wake` after each commit that wrote events to the base at `path`; returns the
    /// observation to pass to `stopObserving`.
    public static func observe(path: String, _ wake: @escaping @Sendable () -> Void) -> Int {
        registry.lock.lock()
        defer { registry.lock.unlock() }
        registry.next += 1
        registry.observers[registry.next] = (key(path), wake)
        return registry.next
    }

    /// Ends an observation.
    public static func stopObserving(_ observation: Int) {
        registry.lock.lock()
        defer { registry.lock.unlock() }
        registry.observers[observation] = nil
    }

    static func committed(path: String) {
        let path = key(path)
        registry.lock.lock()
        let wakes = registry.observers.values.filter { $0.path == path }.map(\.wake)
        registry.lock.unlock()
        for wake in wakes { wake() }
    }
}
