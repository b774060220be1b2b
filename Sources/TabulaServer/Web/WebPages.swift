import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle
import Logging
import TabulaEngine

/// The web table: the sign-in page, the page shell (its script calls the JSON API with the
/// session cookie and the CSRF token), the script and style, and a stream of change events.
struct WebPages: Sendable {
    let host: BaseHost
    let sessions: WebSessions
    let logger: Logger
    /// How long one event stream stays open; the browser reconnects at once, so a server that
    /// shuts down never waits long on an open page.
    var streamSeconds = 25

    func register(on router: Router<BasicRequestContext>) {
        WebReports(host: host, sessions: sessions).register(on: router)
        router.get("/") { request, _ in
            guard let signed = try? await sessions.session(request) else { return Self.redirect("/signin") }
            let base = URL(fileURLWithPath: host.path).deletingPathExtension().lastPathComponent
            let currency = (try? await host.read(as: "server") { base in base.schema.valueContext.currency }) ?? ""
            return Self.html(WebAssets.shell(person: signed.caller.name, csrf: signed.csrf, base: base, currency: currency))
        }
        router.get("/signin") { _, _ in Self.html(WebAssets.signIn(error: nil)) }
        router.post("/signin") { request, _ in
            let started = ContinuousClock.now
            let form = Self.form(try await request.body.collect(upTo: 64 << 10))
            let name = form["name"] ?? "", password = form["password"] ?? ""
            let id = try? await sessions.signIn(name: name, password: password)
            guard let id = id ?? nil else {
                logger.info("POST /signin 401 \(Self.ms(since: started))ms -")
                return Self.html(WebAssets.signIn(error: "The name or the password is not right."), status: .unauthorized)
            }
            logger.info("POST /signin 303 \(Self.ms(since: started))ms \(name)")
            var response = Self.redirect("/")
            response.headers[.setCookie] = sessions.setCookie(id)
            return response
        }
        router.post("/signout") { request, _ in
            // A form post carries the CSRF token as a field; SameSite=Strict already keeps other sites out.
            let form = Self.form(try await request.body.collect(upTo: 64 << 10))
            if let signed = try? await sessions.session(request),
               WebSessions.constantTimeEqual(form["csrf"] ?? request.headers[WebSessions.csrfHeader] ?? "", signed.csrf) {
                try? await sessions.signOut(request)
            }
            var response = Self.redirect("/signin")
            response.headers[.setCookie] = sessions.setCookie(nil)
            return response
        }
        router.get("/assets/app.js") { _, _ in Self.asset(WebAssets.script, type: "text/javascript; charset=utf-8") }
        router.get("/assets/app.css") { _, _ in Self.asset(WebAssets.style, type: "text/css; charset=utf-8") }
        registerInstallable(on: router)
        router.get("/events") { request, _ in
            guard (try? await sessions.session(request)) != nil else {
                return API.response(Reply(status: .unauthorized, body: APIError.unauthorized.json.serialized))
            }
            return events()
        }
    }

    /// Server-Sent Events: `data: STAMP` whenever the base's change stamp moves (checked once a
    /// second, so writes by other processes show too).
    func events() -> Response {
        let host = self.host, seconds = streamSeconds
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            var last: Int64 = -1
            let end = ContinuousClock.now + .seconds(seconds)
            // A server asked to stop (SIGTERM, Ctrl-C) ends the stream within a second, rather
            // than waiting out its time with the page still open; the page reconnects elsewhere.
            while ContinuousClock.now < end && !Task.isCancelled && !Task.isShuttingDownGracefully {
                let stamp = (try? await host.read(as: "server") { base in try base.changeStamp() }) ?? last
                if stamp != last {
                    try await writer.write(ByteBuffer(string: "data: \(stamp)\n\n"))
                    last = stamp
                }
                try await Task.sleep(for: .seconds(1))
            }
            try await writer.finish(nil)
        })
    }

    static func ms(since start: ContinuousClock.Instant) -> String {
        let d = ContinuousClock.now - start
        return String(format: "%.1f", Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Content-Security-Policy")!] = "default-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func asset(_ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// The web app manifest and its icons, public like the sign-in page (a browser fetches a
    /// manifest without the session cookie).
    func registerInstallable(on router: Router<BasicRequestContext>) {
        router.get("/manifest.webmanifest") { _, _ in Self.asset(WebIcons.manifest, type: "application/manifest+json; charset=utf-8") }
        router.get("/assets/icon.svg") { _, _ in Self.image(Data(WebIcons.svg.utf8), type: "image/svg+xml") }
        for size in WebIcons.sizes {
            router.get("/assets/icon-\(size).png") { _, _ in Self.image(WebIcons.pngs[size] ?? Data(), type: "image/png") }
        }
    }

    static func image(_ data: Data, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "public, max-age=86400"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func redirect(_ location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    /// An `application/x-www-form-urlencoded` body.
    static func form(_ buffer: ByteBuffer) -> [String: String] {
        let text = String(buffer: buffer)
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ") }
            guard let key = parts.first?.removingPercentEncoding else { continue }
            out[key] = parts.count > 1 ? (parts[1].removingPercentEncoding ?? "") : ""
        }
        return out
    }
}

extension String {
    /// The text escaped for HTML (element content and quoted attributes).
    var htmlEscaped: String {
        var out = ""
        for c in self {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
