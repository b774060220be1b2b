import Foundation
import Hummingbird
import Logging
import Synchronization
import TabulaEngine
import TabulaIO
import TabulaLanguage
import TabulaReports
import TabulaTimeTracking

/// Who a request acts as: the person its token belongs to.
struct Caller: Sendable {
    var tokenID: Int64
    var person: RowID
    var name: String
    /// `feed:TABLE` for a feed token, which may call only the feed routes.
    var scope: String? = nil
}

/// What a handler answers: a status and a JSON body (none for 204), or JSON text made elsewhere.
struct Reply: Sendable {
    var status: HTTPResponse.Status
    var body: String?
    /// A file to answer instead of JSON (an export, a report as CSV or XLSX), with its type and the name to save it as.
    var file: Data? = nil
    var contentType: String? = nil
    var fileName: String? = nil

    static func json(_ value: JSONValue, _ status: HTTPResponse.Status = .ok) -> Reply { Reply(status: status, body: value.serialized) }
    static let noContent = Reply(status: .noContent, body: nil)
}

/// The REST API under /api/v1: every route authenticates the caller's token, runs on the base as
/// that person (so read and write rules apply as for `--as`), and maps errors to statuses.
struct API: Sendable {
    let host: BaseHost
    let logger: Logger
    var limiter: RequestLimiter? = nil
    /// Signed-in browsers: their session cookie stands for a token (with CSRF checks on writes).
    var sessions: WebSessions? = nil
    let touched = TokenTouches()

    // MARK: - The frame of every request

    /// Authenticates, runs `work`, answers JSON, logs one line.
    func handle(_ request: Request, _ context: some RequestContext,
                _ work: @escaping @Sendable (Caller, Request, Data) async throws -> Reply) async -> Response {
        let started = ContinuousClock.now
        var person = "-"
        let reply: Reply
        do {
            let caller = try await authenticate(request)
            person = caller.name
            if let limiter, !limiter.admits(caller.tokenID) {
                throw APIError(.tooManyRequests, "limit", "too many requests: this server takes \(limiter.perMinute) a minute per token",
                               hint: "wait a moment and try again")
            }
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: Self.maximumBody) } catch let e as HTTPResponseError where e.status == .contentTooLarge {
                throw APIError(.contentTooLarge, "too_large", "the body is over 16 MB", hint: "send fewer rows a request")
            }
            if body.readableBytes > 0, let type = request.headers[.contentType], !Self.acceptsJSON(type) {
                throw APIError(.unsupportedMediaType, "unsupported_media_type", "the body is \(type), and this API reads JSON (Content-Type: application/json)",
                               hint: "send the body as JSON with Content-Type: application/json")
            }
            if caller.scope != nil && !request.uri.path.hasPrefix("/api/v1/feeds/") {
                throw APIError(.forbidden, "forbidden", "this token may only send a feed", hint: "use a token made without --feed for the rest of the API")
            }
            reply = try await work(caller, request, Data(buffer: body))
        } catch {
            let e = APIError.from(error)
            if e.status == .internalServerError { logger.error("\(request.method) \(request.uri.path) failed: \(String(describing: type(of: error)))") }
            reply = Reply(status: e.status, body: e.json.serialized)
        }
        let elapsed = (ContinuousClock.now - started).components
        let ms = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
        logger.info("\(request.method) \(request.uri.path) \(reply.status.code) \(String(format: "%.1f", ms))ms \(person)")
        return Self.response(reply)
    }

    static let maximumBody = 16 << 20

    /// Whether a body of this Content-Type is read as JSON: JSON's own types, and curl's default
    /// for `-d` (the README's examples send that), whose body is then parsed as JSON all the same.
    static func acceptsJSON(_ contentType: String) -> Bool {
        if contentType == "application/json" { return true }  // most requests; no splitting or trimming
        let media = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return media == "application/json" || media.hasSuffix("+json") || media == "application/x-www-form-urlencoded"
    }

    static func response(_ reply: Reply) -> Response {
        if let file = reply.file {
            var headers = HTTPFields()
            headers[.contentType] = reply.contentType ?? "application/octet-stream"
            if let name = reply.fileName { headers[.contentDisposition] = "attachment; filename=\"\(name)\"" }
            headers[.cacheControl] = "no-store"
            return Response(status: reply.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: file)))
        }
        guard let body = reply.body else { return Response(status: reply.status) }
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: reply.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    func authenticate(_ request: Request) async throws -> Caller {
        guard let header = request.headers[.authorization], let token = Self.bearerToken(header) else {
            if let caller = try await sessions?.caller(request) { return caller }
            throw APIError.unauthorized
        }
        guard !token.isEmpty else { throw APIError.unauthorized }
        let hash = APITokens.hash(token)
        let found: (AccessToken, String)? = try await host.read(as: "server") { base in
            guard let t = try base.tokens.find(hash: hash), let name = try base.tokens.personName(t.person) else { return nil }
            return (t, name)
        }
        guard let (t, name) = found else { throw APIError.unauthorized }
        if touched.due(t.id) {
            let id = t.id
            Task { try? await host.write(as: "server") { base in try base.tokens.touch(id: id, at: base.now()) } }
        }
        return Caller(tokenID: t.id, person: t.person, name: name, scope: t.scope)
    }

    /// The token of an `Authorization: Bearer TOKEN` header (the scheme in any case, blanks
    /// around the token dropped), or nil for another scheme. Every request reads it, so it is
    /// cut from the bytes rather than through lowercased copies and Foundation's trimming.
    static func bearerToken(_ header: String) -> String? {
        let bytes = Array(header.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count >= scheme.count else { return nil }
        for i in 0..<scheme.count where (bytes[i] | (i < 6 ? 0x20 : 0)) != scheme[i] { return nil }
        var start = scheme.count, end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The query string's pairs, each percent-decoded once (nil where the encoding is broken),
    /// `+` read as a space as forms and the page's URLSearchParams write it.
    static func pairs(_ request: Request) -> [(key: String, raw: String, value: String?)] {
        (request.uri.query ?? "").split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).replacingOccurrences(of: "+", with: " ")
            let raw = parts.count > 1 ? String(parts[1]).replacingOccurrences(of: "+", with: " ") : ""
            return (key.removingPercentEncoding ?? key, raw, raw.removingPercentEncoding)
        }
    }

    /// The query parameters, decoded (the first of a repeated one).
    static func query(_ request: Request) -> [String: String] {
        var out: [String: String] = [:]
        for pair in pairs(request) where out[pair.key] == nil { out[pair.key] = pair.value ?? pair.raw }
        return out
    }

    /// The query parameters of a route that takes `allowed` (any other is refused, so that a
    /// misspelt `wher=` does not list everything); a value that is not percent-encoded right is refused.
    static func query(_ request: Request, allowing allowed: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for pair in pairs(request) where out[pair.key] == nil {
            guard allowed.contains(pair.key) else {
                throw APIError.badRequest("unknown query parameter '\(pair.key)'", hint: "this request takes " + allowed.joined(separator: ", "))
            }
            guard let value = pair.value else {
                throw APIError.badRequest("the query parameter \(pair.key) is not percent-encoded right", hint: "encode it, e.g. %20 for a space, %25 for %")
            }
            out[pair.key] = value
        }
        return out
    }

    /// A true/false query parameter (absent: false).
    static func flag(_ query: [String: String], _ name: String) throws -> Bool {
        switch query[name] {
        case nil, "false", "0": return false
        case "true", "1": return true
        case let other?: throw APIError.badRequest("\(name) must be true or false, got '\(other)'", hint: "e.g. ?\(name)=true")
        }
    }

    // MARK: - Routes

    func register(on router: Router<BasicRequestContext>) {
        let api = router.group("/api/v1")
        api.get("openapi.json") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        api.get("tables") { r, c in await handle(r, c) { caller, _, _ in try await tables(caller) } }
        api.get("tables/:table/rows") { r, c in
            let table = c.parameters.get("table") ?? ""
            return await handle(r, c) { caller, request, _ in try await listRows(caller, table, Self.query(request, allowing: ["where", "order", "limit", "cursor"])) }
        }
        api.post("tables/:table/rows") { r, c in
            let table = c.parameters.get("table") ?? ""
            return await handle(r, c) { caller, _, body in try await createRow(caller, table, try JSONBody(body, allowed: ["fields"])) }
        }
        api.get("tables/:table/rows/:id") { r, c in
            let table = c.parameters.get("table") ?? "", id = c.parameters.get("id") ?? ""
            return await handle(r, c) { caller, _, _ in try await getRow(caller, table, id) }
        }
        api.patch("tables/:table/rows/:id") { r, c in
            let table = c.parameters.get("table") ?? "", id = c.parameters.get("id") ?? ""
            return await handle(r, c) { caller, _, body in try await updateRow(caller, table, id, try JSONBody(body, allowed: ["fields"])) }
        }
        api.delete("tables/:table/rows/:id") { r, c in
            let table = c.parameters.get("table") ?? "", id = c.parameters.get("id") ?? ""
            return await handle(r, c) { caller, _, _ in try await deleteRow(caller, table, id) }
        }
        api.get("timers") { r, c in
            await handle(r, c) { caller, request, _ in
                try await timers(caller, everyone: Self.flag(Self.query(request, allowing: ["everyone"]), "everyone"))
            }
        }
        let timer = ["table", "row", "field", "pomodoro"]
        api.post("timers/start") { r, c in await handle(r, c) { caller, _, body in try await startTimer(caller, try JSONBody(body, allowed: timer)) } }
        api.post("timers/stop") { r, c in
            await handle(r, c) { caller, _, body in try await stopTimer(caller, try JSONBody(body, allowed: ["table", "row", "field", "all"])) }
        }
        api.post("timers/switch") { r, c in await handle(r, c) { caller, _, body in try await switchTimer(caller, try JSONBody(body, allowed: timer)) } }
        api.post("log") { r, c in
            await handle(r, c) { caller, _, body in
                try await log(caller, try JSONBody(body, allowed: ["table", "row", "field", "fields", "note", "from", "to", "date", "hours"]))
            }
        }
        api.post("report") { r, c in await handle(r, c) { caller, _, body in try await report(caller, try JSONBody(body, allowed: ["query"])) } }
        api.get("reports/:name") { r, c in
            let name = c.parameters.get("name") ?? ""
            return await handle(r, c) { caller, request, _ in
                try await savedReport(caller, try ReportRequest(name: name, query: Self.query(request, allowing: ["for", "per", "format"] + ReportFilters.names)))
            }
        }
        api.post("feeds/:table") { r, c in
            let table = c.parameters.get("table") ?? ""
            return await handle(r, c) { caller, request, body in
                try await receiveFeed(caller, table, body, dryRun: Self.flag(Self.query(request, allowing: ["dry_run"]), "dry_run"))
            }
        }
        api.get("feeds/source/:table") { r, c in
            let table = c.parameters.get("table") ?? ""
            return await handle(r, c) { caller, request, _ in
                try await feedSource(caller, table, fields: (Self.query(request, allowing: ["fields"])["fields"] ?? "").split(separator: ",").map(String.init))
            }
        }
        api.get("feeds/stamp") { r, c in
            await handle(r, c) { caller, _, _ in
                try await host.read(as: caller.name) { base in Reply(status: .ok, body: #"{"stamp": \#(try base.changeStamp())}"#) }
            }
        }
        api.get("pins") { r, c in await handle(r, c) { caller, _, _ in try await pins(caller) } }
        api.post("pins") { r, c in await handle(r, c) { caller, _, body in try await pin(caller, try ReportRequest.view(try JSONBody(body, allowed: ["report", "for", "filters"]))) } }
        api.delete("pins/:id") { r, c in
            let id = c.parameters.get("id") ?? ""
            return await handle(r, c) { caller, _, _ in try await unpin(caller, id) }
        }
        api.get("shares") { r, c in await handle(r, c) { caller, _, _ in try await shares(caller) } }
        api.post("shares") { r, c in await handle(r, c) { caller, _, body in try await share(caller, try ReportRequest.view(try JSONBody(body, allowed: ["report", "for", "filters"]))) } }
        api.delete("shares/:id") { r, c in
            let id = c.parameters.get("id") ?? ""
            return await handle(r, c) { caller, _, _ in try await unshare(caller, id) }
        }
        api.get("periods") { r, c in await handle(r, c) { caller, _, _ in try await periods(caller) } }
        api.post("periods/:month/:action") { r, c in
            let month = c.parameters.get("month") ?? "", action = c.parameters.get("action") ?? ""
            return await handle(r, c) { caller, _, body in
                _ = try JSONBody(body, allowed: [])
                return try await changePeriod(caller, month, action)
            }
        }
        api.get("requests") { r, c in
            await handle(r, c) { caller, request, _ in try await requests(caller, all: Self.flag(Self.query(request, allowing: ["all"]), "all")) }
        }
        api.post("requests") { r, c in
            await handle(r, c) { caller, _, body in try await fileRequest(caller, try JSONBody(body, allowed: ["table", "row", "fields", "reason"])) }
        }
        api.post("requests/:id/:action") { r, c in
            let id = c.parameters.get("id") ?? "", action = c.parameters.get("action") ?? ""
            return await handle(r, c) { caller, _, body in try await decideRequest(caller, id, action, try JSONBody(body, allowed: ["note"])) }
        }
        registerWebTable(on: api)
    }

    // MARK: - Tables and rows

    func tables(_ caller: Caller) async throws -> Reply {
        try await host.read(as: caller.name) { base in
            let tables: [JSONValue] = base.schema.tables.map { table in
                .object([
                    ("name", .string(table.name)),
                    ("primary", .string(table.primaryField.name)),
                    ("fields", .array(table.fields.map { field in
                        .object([("name", .string(field.name)), ("type", .string(TableView.describe(field.kind, base.schema))),
                                 ("computed", .bool(field.isComputed)), ("required", .bool(field.isRequired)), ("unique", .bool(field.isUnique))])
                    })),
                ])
            }
            return .json(.object([("tables", .array(tables))]))
        }
    }

    func listRows(_ caller: Caller, _ tableName: String, _ query: [String: String]) async throws -> Reply {
        let condition = query["where"].flatMap { $0.isEmpty ? nil : $0 }
        let orderText = query["order"].flatMap { $0.isEmpty ? nil : $0 }
        let cursor = query["cursor"].flatMap { $0.isEmpty ? nil : $0 }
        var requested = 100
        if let text = query["limit"] {
            guard let n = Int(text), n > 0 else { throw APIError.badRequest("limit must be a positive number, got '\(text)'", hint: "e.g. limit=50 (at most 1000)") }
            requested = min(n, 1000)
        }
        let limit = requested
        return try await host.read(as: caller.name) { base in
            let table = try base.table(named: tableName)
            var orderField: Field?
            var descending = false
            if var name = orderText {
                if name.hasPrefix("-") { descending = true; name.removeFirst() }
                guard !name.isEmpty else { throw APIError.badRequest("order names no field", hint: "order=title, or order=-title for descending") }
                orderField = try base.field(named: name, in: table)
            }
            let page: [RowID]
            var next: String?
            if condition == nil && orderField == nil {
                var after: RowID?
                if let cursor {
                    guard cursor.hasPrefix("i"), let id = RowID(cursor.dropFirst()), id >= 0 else { throw APIError.badRequest("'\(cursor)' is not a cursor of this listing", hint: "pass the \"next\" value of the previous page") }
                    after = id
                }
                let ids = try base.readableRowIDs(of: table, after: after, limit: limit + 1)
                page = Array(ids.prefix(limit))
                if ids.count > limit, let last = page.last { next = "i\(last)" }
            } else {
                var offset = 0
                if let cursor {
                    guard cursor.hasPrefix("o"), let n = Int(cursor.dropFirst()), n >= 0 else { throw APIError.badRequest("'\(cursor)' is not a cursor of this listing", hint: "pass the \"next\" value of the previous page") }
                    offset = n
                }
                if let condition {
                    let keep = Set(try base.filterRows(table, where: condition))
                    let ids = try base.readableRowIDs(of: table, orderBy: orderField, descending: descending).filter(keep.contains)
                    page = Array(ids.dropFirst(offset).prefix(limit))
                    if ids.count > offset + limit { next = "o\(offset + limit)" }
                } else {
                    let ids = try base.readableRowIDs(of: table, orderBy: orderField, descending: descending, offset: offset, limit: limit + 1)
                    page = Array(ids.prefix(limit))
                    if ids.count > limit { next = "o\(offset + limit)" }
                }
            }
            let rows = try RowJSON.rows(base, table, ids: page)
            return .json(.object([("rows", .array(rows)), ("next", next.map(JSONValue.string) ?? .null)]))
        }
    }

    static func rowID(_ text: String) throws -> RowID {
        guard let id = RowID(text.hasPrefix("#") ? String(text.dropFirst()) : text), id > 0 else {
            throw APIError.notFound("'\(text)' is not a row id", hint: "rows are addressed by their numeric id")
        }
        return id
    }

    func getRow(_ caller: Caller, _ tableName: String, _ idText: String) async throws -> Reply {
        let id = try Self.rowID(idText)
        return try await host.read(as: caller.name) { base in
            let table = try base.table(named: tableName)
            guard try base.permittedRows(.read, of: table, among: [id]) == [id] else { throw APIError.notFound("table \(table.name) has no row #\(id)") }
            return .json(try RowJSON.row(base, table, id: id))
        }
    }

    /// Each assignment parsed alone first, so a bad value is a 422 that names its field.
    static func checkValues(_ base: Base, _ table: Table, _ assignments: [TextAssignment]) throws {
        for a in assignments {
            do { _ = try base.parseAssignments([a], for: table) } catch let e as EngineError where e.kind == .notFound {
                // An unknown field or linked row is the body's fault, not a missing resource.
                throw APIError(.unprocessableContent, "invalid", e.message, hint: APIError.from(e).hint, field: a.field)
            } catch { throw APIError.from(error, field: a.field) }
        }
    }

    func createRow(_ caller: Caller, _ tableName: String, _ body: JSONBody) async throws -> Reply {
        let assignments = try body.fields(required: true)
        return try await host.write(as: caller.name) { base in
            let table = try base.table(named: tableName)
            try Self.checkValues(base, table, assignments)
            let id = try base.write { tx in try tx.insert(into: table.name, rows: [assignments]) }.value[0]
            return .json(try RowJSON.row(base, table, id: id), .created)
        }
    }

    func updateRow(_ caller: Caller, _ tableName: String, _ idText: String, _ body: JSONBody) async throws -> Reply {
        let id = try Self.rowID(idText)
        let assignments = try body.fields(required: true)
        guard !assignments.isEmpty else { throw APIError.badRequest("\"fields\" is empty: nothing to change", hint: "{\"fields\": {\"note\": \"...\"}}") }
        return try await host.write(as: caller.name) { base in
            let table = try base.table(named: tableName)
            try base.requireReadable(table, row: id)
            try Self.checkValues(base, table, assignments)
            try base.write { tx in _ = try tx.update(table.name, row: "#\(id)", assignments) }
            return .json(try RowJSON.row(base, table, id: id))
        }
    }

    func deleteRow(_ caller: Caller, _ tableName: String, _ idText: String) async throws -> Reply {
        let id = try Self.rowID(idText)
        return try await host.write(as: caller.name) { base in
            let table = try base.table(named: tableName)
            try base.write { tx in _ = try tx.delete(table.name, row: "#\(id)") }
            return .noContent
        }
    }

    // MARK: - Timers and the log

    static func timerJSON(_ t: TimerInterval, now: Instant) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("table", .string(t.table)), ("row", .integer(t.row)), ("label", .string(t.rowLabel)),
            ("entry", .integer(t.logRow)), ("person", .string(t.author)),
            ("start", .string(t.start.iso8601(in: "UTC"))), ("elapsed", .integer(t.elapsed(at: now))), ("mode", .string(t.mode.rawValue)),
        ]
        if let end = t.end { members.append(("end", .string(end.iso8601(in: "UTC")))) }
        if let deadline = t.deadline { members.append(("until", .string(deadline.iso8601(in: "UTC")))) }
        return .object(members)
    }

    func timers(_ caller: Caller, everyone: Bool) async throws -> Reply {
        try await host.read(as: caller.name) { base in
            if everyone {
                let roles = try base.actorRoles()
                guard roles.contains("lead") || roles.contains("finance") || roles.contains(base.schema.approverRole ?? "lead") else {
                    throw APIError(.forbidden, "forbidden", "only a lead sees everyone's timers", hint: "leave out everyone=true to see your own")
                }
            }
            let now = base.now()
            let running = try base.timers.running(everyone: everyone)
            return .json(.object([("timers", .array(running.map { Self.timerJSON($0, now: now) }))]))
        }
    }

    func startTimer(_ caller: Caller, _ body: JSONBody) async throws -> Reply {
        let table = try body.requiredString("table", example: "\"Tasks\"")
        let row = try body.rowReference()
        let field = try body.string("field")
        let mode: TimerMode = try body.bool("pomodoro") ? .pomodoro : .stopwatch
        return try await host.write(as: caller.name) { base in
            let started = try base.write { tx in try tx.startTimer(table: table, row: row, field: field, mode: mode) }.value
            return .json(Self.timerJSON(started, now: base.now()), .created)
        }
    }

    func stopTimer(_ caller: Caller, _ body: JSONBody) async throws -> Reply {
        let all = try body.bool("all")
        let table = try body.string("table")
        let row = body.has("row") ? try body.rowReference() : nil
        if table != nil && row == nil { throw APIError.badRequest("give the row whose timer to stop", hint: "{\"table\": \"Tasks\", \"row\": 12}, or {\"all\": true}") }
        if table != nil && all { throw APIError.badRequest("give either table and row, or all, not both") }
        let field = try body.string("field")
        return try await host.write(as: caller.name) { base in
            let stopped = try base.write { tx in try tx.stopTimer(table: table, row: row, field: field, all: all) }.value
            let now = base.now()
            return .json(.object([("stopped", .array(stopped.map { Self.timerJSON($0, now: now) }))]))
        }
    }

    func switchTimer(_ caller: Caller, _ body: JSONBody) async throws -> Reply {
        let table = try body.requiredString("table", example: "\"Tasks\"")
        let row = try body.rowReference()
        let field = try body.string("field")
        let mode: TimerMode = try body.bool("pomodoro") ? .pomodoro : .stopwatch
        return try await host.write(as: caller.name) { base in
            let (stopped, started, _) = try base.write { tx in try tx.switchTimer(table: table, row: row, field: field, mode: mode) }.value
            let now = base.now()
            return .json(.object([("stopped", .array(stopped.map { Self.timerJSON($0, now: now) })), ("started", Self.timerJSON(started, now: now))]))
        }
    }

    func log(_ caller: Caller, _ body: JSONBody) async throws -> Reply {
        let table = try body.requiredString("table", example: "\"Tasks\"")
        let row = try body.rowReference()
        let field = try body.string("field")
        var assignments = try body.fields(required: false)
        if let note = try body.string("note") { assignments.append(TextAssignment(field: "note", text: note)) }
        let extra = assignments
        let from = try body.string("from"), to = try body.string("to"), date = try body.string("date")
        let hours: String? = try {
            guard let value = body.object["hours"], !(value is NSNull) else { return nil }
            return try JSONBody.text(value, field: "hours")
        }()
        return try await host.write(as: caller.name) { base in
            let context = base.schema.valueContext
            func instant(_ text: String, _ name: String) throws -> Instant {
                guard case .datetime(let i)? = try? ValueType.datetime.parse(text, context: context) else {
                    throw APIError(.unprocessableContent, "invalid", "\"\(name)\": '\(text)' is not a date and time",
                                   hint: "ISO 8601, e.g. \"2026-11-19T14:00:00+01:00\", or \"2026-11-19 14:00\" in the base's time zone", field: name)
                }
                return i
            }
            let start: Instant, end: Instant
            switch (from, to, date, hours) {
            case (let f?, let t?, nil, nil):
                start = try instant(f, "from")
                end = try instant(t, "to")
            case (nil, nil, let d?, let h?):
                guard case .date? = try? ValueType.date.parse(d, context: context) else {
                    throw APIError(.unprocessableContent, "invalid", "\"date\": '\(d)' is not a date", hint: "YYYY-MM-DD, e.g. \"2026-11-19\"", field: "date")
                }
                start = try instant("\(d) 09:00", "date")
                let text = Double(h).map { "\($0)h" } ?? h
                guard case .duration(let seconds)? = try? ValueType.duration.parse(text, context: context), seconds > 0 else {
                    throw APIError(.unprocessableContent, "invalid", "\"hours\": '\(h)' is not a positive duration", hint: "e.g. 1.5 or \"1h30m\"", field: "hours")
                }
                guard seconds <= 24 * 3600 else {
                    throw APIError(.unprocessableContent, "invalid", "\"hours\": '\(h)' is more than the day has", hint: "log at most 24 hours on one date", field: "hours")
                }
                end = start.adding(seconds: seconds)
            default:
                throw APIError.badRequest("give from and to, or date and hours", hint: "{\"table\": \"Tasks\", \"row\": 12, \"date\": \"2026-11-19\", \"hours\": 1.5}")
            }
            // The entry's own fields are checked first, so a bad one is a 422 that names it.
            let timers = (base.schema.table(named: table)?.fields ?? []).filter { field == nil || $0.name == field }.compactMap { f -> TimerSpec? in
                if case .timer(let spec) = f.kind { return spec } else { return nil }
            }
            if timers.count == 1, let log = base.schema.table(id: timers[0].logTable) { try Self.checkValues(base, log, extra) }
            let interval = try base.write { tx in try tx.logInterval(table: table, row: row, field: field, from: start, to: end, extra: extra) }.value
            let log = try base.table(named: interval.logTable)
            return .json(try RowJSON.row(base, log, id: interval.logRow), .created)
        }
    }

    // MARK: - Reports

    func report(_ caller: Caller, _ body: JSONBody) async throws -> Reply {
        let query = try body.requiredString("query", example: "\"sum(duration) by person for this month\"")
        return try await host.read(as: caller.name) { base in
            let output = try ReportRunner.run(SourceText(name: "query", text: query), on: base)
            return Reply(status: .ok, body: Renderer.json(output.table, context: base.schema.valueContext))
        }
    }

    func savedReport(_ caller: Caller, _ request: ReportRequest) async throws -> Reply {
        try await host.read(as: caller.name) { base in try request.reply(try request.run(on: base), on: base) }
    }

    // MARK: - Periods and edit requests

    func periods(_ caller: Caller) async throws -> Reply {
        try await host.read(as: caller.name) { base in
            let list = try Periods.list(base)
            return .json(.object([("periods", .array(list.map(Self.periodJSON)))]))
        }
    }

    static func periodJSON(_ s: Periods.Summary) -> JSONValue {
        .object([("period", .string(s.month)), ("state", .string(s.state)), ("entries", .integer(Int64(s.entries))), ("hours", .integer(s.hours))])
    }

    func changePeriod(_ caller: Caller, _ month: String, _ action: String) async throws -> Reply {
        guard ["close", "approve", "reopen"].contains(action) else {
            throw APIError.notFound("no such period action '\(action)'", hint: "POST /api/v1/periods/2026-11/close, approve or reopen")
        }
        return try await host.write(as: caller.name) { base in
            let summary: Periods.Summary
            switch action {
            case "close": summary = try Periods.close(base, month: month)
            case "approve": summary = try Periods.approve(base, month: month)
            default: summary = try Periods.reopen(base, month: month)
            }
            return .json(Self.periodJSON(summary))
        }
    }

    static func requestJSON(_ r: EditRequest) -> JSONValue {
        .object([
            ("id", .integer(r.id)), ("at", .string(r.at.iso8601(in: "UTC"))), ("by", .string(r.requestedBy)),
            ("table", .string(r.table)), ("row", .integer(r.row)),
            ("fields", .object(r.changes.map { ($0.field, .string($0.text)) })),
            ("reason", .string(r.reason)), ("state", .string(r.state.rawValue)),
            ("decided_by", r.decidedBy.map(JSONValue.string) ?? .null), ("note", r.note.map(JSONValue.string) ?? .null),
        ])
    }

    func requests(_ caller: Caller, all: Bool) async throws -> Reply {
        try await host.read(as: caller.name) { base in
            var list = try base.requests.list(all: all)
            // A person sees the requests on rows they may read.
            list = try list.filter { r in
                guard let table = base.schema.table(named: r.table) else { return false }
                return try base.permits(.read, table, row: r.row)
            }
            return .json(.object([("requests", .array(list.map(Self.requestJSON)))]))
        }
    }

    func fileRequest(_ caller: Caller, _ body: JSONBody) async throws -> Reply {
        let table = try body.requiredString("table", example: "\"TimeEntries\"")
        let row = try body.rowReference()
        let fields = try body.fields(required: true)
        let reason = try body.requiredString("reason", example: "\"forgot to stop the timer\"")
        return try await host.write(as: caller.name) { base in
            try Self.checkValues(base, try base.table(named: table), fields)
            let r = try base.write { tx in try tx.requestEdit(table: table, row: row, fields, reason: reason) }.value
            return .json(Self.requestJSON(r), .created)
        }
    }

    func decideRequest(_ caller: Caller, _ idText: String, _ action: String, _ body: JSONBody) async throws -> Reply {
        guard let id = Int64(idText.hasPrefix("#") ? String(idText.dropFirst()) : idText) else { throw APIError.notFound("'\(idText)' is not a request id") }
        guard action == "approve" || action == "reject" else {
            throw APIError.notFound("no such request action '\(action)'", hint: "POST /api/v1/requests/\(id)/approve or reject")
        }
        let note = try body.string("note")
        return try await host.write(as: caller.name) { base in
            let r = try base.write { tx in action == "approve" ? try tx.approveEdit(id, note: note) : try tx.rejectEdit(id, note: note) }.value
            return .json(Self.requestJSON(r))
        }
    }
}

/// When each token was last noted as used, so the base is written at most once a minute per token.
final class TokenTouches: Sendable {
    private let last = Mutex<[Int64: ContinuousClock.Instant]>([:])

    func due(_ id: Int64) -> Bool {
        let now = ContinuousClock.now
        return last.withLock { map in
            if let t = map[id], now - t < .seconds(60) { return false }
            map[id] = now
            return true
        }
    }
}

/// The operator's limit on requests per token (`tabula serve --rate-limit N`): a window of the
/// last minute per token.
final class RequestLimiter: Sendable {
    let perMinute: Int
    private let recent = Mutex<[Int64: [ContinuousClock.Instant]]>([:])

    init(perMinute: Int) { self.perMinute = perMinute }

    func admits(_ token: Int64) -> Bool {
        let now = ContinuousClock.now
        return recent.withLock { map in
            var times = map[token, default: []].filter { now - $0 < .seconds(60) }
            defer { map[token] = times }
            guard times.count < perMinute else { return false }
            times.append(now)
            return true
        }
    }
}
