import Foundation
import TabulaEngine

/// The routes another base's feed uses (`base Client at "http://..." token env VAR` in its schema):
/// batches of rows into a fed table, and the rows of a table it copies. A feed token (`tabula
/// token create BASE --person NAME --feed TABLE`) may call only these, and send only into its
/// table; the rows are written as its person, so the fed table's rules and the read rules of the
/// rows they link to (the tasks the person may book) apply.
extension API {
    func receiveFeed(_ caller: Caller, _ tableName: String, _ body: Data, dryRun: Bool) async throws -> Reply {
        guard let scope = caller.scope, scope.hasPrefix("feed:") else {
            throw APIError(.forbidden, "forbidden", "sending a feed needs a feed token", hint: "make one with `tabula token create BASE --person NAME --feed \(tableName)`")
        }
        guard scope.dropFirst(5).lowercased() == tableName.lowercased() else {
            throw APIError(.forbidden, "forbidden", "this token may only send into \(scope.dropFirst(5))", hint: "use the feed token of \(tableName)")
        }
        var batch: FeedBatch
        do {
            batch = try JSONDecoder().decode(FeedBatch.self, from: body)
        } catch {
            throw APIError.badRequest("the body is not a feed batch", hint: #"send {"feed", "sender", "table", "rows": [{"id", "version", "fields"}]}"#)
        }
        guard batch.table.lowercased() == tableName.lowercased() else {
            throw APIError.badRequest("the batch is for \(batch.table), the path for \(tableName)", hint: "post it to /api/v1/feeds/\(batch.table)")
        }
        batch.location = nil  // a file on the sender's machine, not this one
        let received = batch
        let receipt = try await host.write(as: caller.name) { base in try base.receiveFeed(received, dryRun: dryRun) }
        return Reply(status: .ok, body: String(decoding: try JSONEncoder().encode(receipt), as: UTF8.self))
    }

    func feedSource(_ caller: Caller, _ tableName: String, fields: [String]) async throws -> Reply {
        struct Rows: Encodable { var rows: [SourceRow] }
        let rows = try await host.read(as: caller.name) { base in try base.sourceRows(of: tableName, fields: fields) }
        return Reply(status: .ok, body: String(decoding: try JSONEncoder().encode(Rows(rows: rows)), as: UTF8.self))
    }
}
