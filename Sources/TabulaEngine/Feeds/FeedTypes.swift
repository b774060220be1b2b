import Foundation

/// One row of a feed as it travels from the base that keeps it to the base that is fed: its id in
/// the sending base, the version it was sent at, and its mapped fields as typed text (the text
/// `tabula add` takes), or nil when the row was deleted there.
public struct FedRow: Sendable, Hashable, Codable {
    public var id: RowID
    public var version: Int64
    public var fields: [String: String]?
    public init(id: RowID, version: Int64, fields: [String: String]?) { self.id = id; self.version = version; self.fields = fields }
}

/// The rows of one feed for one fed table, sent together.
public struct FeedBatch: Sendable, Hashable, Codable {
    /// The feed's identity: the sending base's id and the sending table's id (`b3f…:7`).
    public var feed: String
    /// The sending base's name, for messages and the fed base's history.
    public var sender: String
    /// The sending base's file, when both are on one machine: the fed base pulls from it when it opens.
    public var location: String?
    /// The fed table, by name.
    public var table: String
    public var rows: [FedRow]
    public init(feed: String, sender: String, location: String?, table: String, rows: [FedRow]) {
        self.feed = feed; self.sender = sender; self.location = location; self.table = table; self.rows = rows
    }
}

/// What the fed base did with each row of a batch: taken (written, or already there at that
/// version or a later one), or refused with the reason (a locked period, a bad value).
public struct FeedReceipt: Sendable, Hashable, Codable {
    /// A row the fed base would not take, and why.
    public struct Refusal: Sendable, Hashable, Codable {
        public var id: RowID
        public var kind: String
        public var message: String
        public var hint: String?
        public init(id: RowID, kind: String, message: String, hint: String?) { self.id = id; self.kind = kind; self.message = message; self.hint = hint }
    }
    public var accepted: [RowID]
    public var refused: [Refusal]
    public init(accepted: [RowID] = [], refused: [Refusal] = []) { self.accepted = accepted; self.refused = refused }
}

/// A row of another base's table, as a copied table takes it: its id there and its fields as text.
public struct SourceRow: Sendable, Hashable, Codable {
    public var id: RowID
    public var fields: [String: String]
    public init(id: RowID, fields: [String: String]) { self.id = id; self.fields = fields }
}

/// The way to another base: a file on this machine, or a served base over HTTP. The engine keeps
/// the first; the server module adds the second.
public protocol OtherBaseTransport {
    /// Sends a batch to the fed base; with `dryRun` the fed base checks it and keeps nothing.
    func receive(_ batch: FeedBatch, dryRun: Bool) throws -> FeedReceipt
    /// The rows of one of its tables, with the named fields, for a copied table.
    func sourceRows(of table: String, fields: [String]) throws -> [SourceRow]
    /// A number that changes whenever the other base changes (nil when it cannot tell): copies are
    /// refreshed only when it moved.
    func changeStamp() throws -> Int64?
}

/// How a base opens the other bases its schema names: `open` for files (a front end installs its
/// packages on the opened base), `served` for served bases (nil: they cannot be reached from here).
public struct OtherBaseAccess {
    public var open: (String, String) throws -> Base
    public var served: ((OtherBase) throws -> any OtherBaseTransport)?
    public init(open: @escaping (String, String) throws -> Base = { path, actor in try Base.open(at: path, actor: actor) },
                served: ((OtherBase) throws -> any OtherBaseTransport)? = nil) {
        self.open = open; self.served = served
    }
}

/// Another base in a file on this machine, opened for each call and closed after it.
public struct LocalBaseTransport: OtherBaseTransport {
    public let path: String
    let actor: String
    let open: (String, String) throws -> Base

    public func receive(_ batch: FeedBatch, dryRun: Bool) throws -> FeedReceipt {
        let other = try open(path, actor)
        defer { other.close() }
        return try other.receiveFeed(batch, dryRun: dryRun)
    }

    public func sourceRows(of table: String, fields: [String]) throws -> [SourceRow] {
        let other = try open(path, actor)
        defer { other.close() }
        return try other.sourceRows(of: table, fields: fields)
    }

    public func changeStamp() throws -> Int64? {
        let other = try open(path, actor)
        defer { other.close() }
        return try other.changeStamp()
    }
}
