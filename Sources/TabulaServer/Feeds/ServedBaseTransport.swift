import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import TabulaEngine

/// A served base reached over its API (`base Client at "http://host:8080" token env VAR`): feed
/// batches are posted to `/api/v1/feeds/{table}`, copied tables read from
/// `/api/v1/feeds/source/{table}`. Calls block their caller (the command line is synchronous);
/// each waits at most a few seconds, and what is not acknowledged stays in the outbox.
public struct ServedBaseTransport: OtherBaseTransport {
    let root: String
    let token: String
    let timeout: Int64

    public init(_ other: OtherBase, environment: [String: String] = ProcessInfo.processInfo.environment, timeoutSeconds: Int64 = 5) throws {
        guard let variable = other.tokenVariable, let token = environment[variable], !token.isEmpty else {
            throw EngineError(.notFound, "the token for the base \(other.name) is not set: $\(other.tokenVariable ?? "?") is empty",
                              hint: "export \(other.tokenVariable ?? "VARIABLE")=tbl_... with a feed token of that server (tabula token create CLIENT.db --person NAME --feed TABLE)")
        }
        var root = other.location
        while root.hasSuffix("/") { root.removeLast() }
        if !root.hasSuffix("/api/v1") { root += "/api/v1" }
        self.root = root; self.token = token; self.timeout = timeoutSeconds
    }

    public func receive(_ batch: FeedBatch, dryRun: Bool) throws -> FeedReceipt {
        let path = "/feeds/\(Self.escape(batch.table))" + (dryRun ? "?dry_run=true" : "")
        return try JSONDecoder().decode(FeedReceipt.self, from: call("POST", path, body: try JSONEncoder().encode(batch)))
    }

    public func sourceRows(of table: String, fields: [String]) throws -> [SourceRow] {
        let query = fields.map(Self.escape).joined(separator: ",")
        struct Rows: Decodable { var rows: [SourceRow] }
        return try JSONDecoder().decode(Rows.self, from: call("GET", "/feeds/source/\(Self.escape(table))?fields=\(query)", body: nil)).rows
    }

    public func changeStamp() throws -> Int64? {
        struct Stamp: Decodable { var stamp: Int64 }
        // Asked when the base opens: a server that does not answer costs every command at most 2 s.
        return try JSONDecoder().decode(Stamp.self, from: call("GET", "/feeds/stamp", body: nil, timeout: min(timeout, 2))).stamp
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    /// The client every call goes through, on an event loop of its own: a call blocks its
    /// thread until the answer, and that thread may be one of the server's event loops (a read
    /// connection opening a base that names this one), which must not be the loop that answers.
    private static let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup(numberOfThreads: 1))

    /// One request, answered 2xx with its body; anything else is an error worded from the API's
    /// `{"error": {...}}` (a refused token, a missing table) or the connection's failure.
    private func call(_ method: String, _ path: String, body: Data?, timeout: Int64? = nil) throws -> Data {
        let url = root + path, timeout = timeout ?? self.timeout
        let outcome: Result<(Int, Data), any Error>
        do {
            var headers = HTTPHeaders()
            headers.add(name: "Authorization", value: "Bearer \(token)")
            if body != nil { headers.add(name: "Content-Type", value: "application/json") }
            let request = try HTTPClient.Request(url: url, method: .RAW(value: method), headers: headers, body: body.map { .data($0) })
            let response = try Self.client.execute(request: request, deadline: .now() + .seconds(timeout)).wait()
            outcome = .success((Int(response.status.code), response.body.map { Data($0.readableBytesView) } ?? Data()))
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let (status, data)) where (200..<300).contains(status): return data
        case .success(let (status, data)):
            struct Problem: Decodable { struct Inner: Decodable { var kind: String; var message: String; var hint: String? }; var error: Inner }
            if let problem = try? JSONDecoder().decode(Problem.self, from: data) {
                let kind: EngineError.Kind = status == 401 || status == 403 ? .forbidden : status == 404 ? .notFound : .conflict
                throw EngineError(kind, "\(root) answered \(status): \(problem.error.message)", hint: problem.error.hint)
            }
            throw EngineError(.storage, "\(root) answered \(status)", hint: "is it a tabula server?")
        case .failure(let error):
            throw EngineError(.notFound, "\(root) cannot be reached: \(error)", hint: "the rows wait in the outbox and are sent when it answers")
        }
    }
}
