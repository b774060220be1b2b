import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import TabulaEngine

/// Passwords for the web table: set by `tabula user password`, kept as bcrypt hashes in the base.
public enum WebPasswords {
    /// bcrypt's work factor: about 60 ms a check on this kind of machine, slow enough to make
    /// guessing from a stolen file costly.
    static let cost: UInt8 = 10

    /// Sets the password of the person of that name (or login, or email); their open sessions end.
    public static func set(on base: Base, person name: String, password: String) throws {
        guard password.count >= 8 else {
            throw EngineError(.invalidValue, "the password is too short (\(password.count) characters)", hint: "use at least 8 characters")
        }
        guard let person = try person(named: name, in: base) else {
            throw EngineError(.notFound, "'\(name)' is not one of the people of this base", hint: "give a person's name, login or email; list them with `tabula show BASE People`")
        }
        try base.logins.setPassword(person: person, hash: Bcrypt.hash(password, cost: cost))
    }

    /// The person a name stands for, nil when it names no one.
    static func person(named name: String, in base: Base) throws -> RowID? {
        guard let peopleID = base.schema.peopleTable, base.schema.table(id: peopleID) != nil else {
            throw EngineError(.schema, "this base names no people table, so no one can sign in", hint: "add `people People` to the schema")
        }
        let actor = base.actor
        defer { base.actor = actor }
        base.actor = name
        return try base.actingPerson()
    }
}

/// Signed-in browsers: a random session id in an HttpOnly, SameSite=Strict cookie (the base
/// keeps only its SHA-256), and a per-session CSRF token that the page's script sends in the
/// `X-CSRF-Token` header on every write.
struct WebSessions: Sendable {
    let host: BaseHost
    /// Cookies get `Secure` when the server sits behind HTTPS (`--public-url https://...`).
    let secure: Bool

    static let cookie = "tabula_session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    static let lifetime: Int64 = 14 * 86_400

    /// A signed-in request: who, and the session's CSRF token.
    struct Signed: Sendable {
        var caller: Caller
        var csrf: String
    }

    /// The session of the request's cookie, nil when there is none or it ended.
    func session(_ request: Request) async throws -> Signed? {
        guard let id = request.cookies[Self.cookie]?.value, !id.isEmpty else { return nil }
        let hash = APITokens.hash(id)
        return try await host.read(as: "server") { base in
            guard let s = try base.logins.findSession(hash: hash), let name = try base.tokens.personName(s.person) else { return nil }
            return Signed(caller: Caller(tokenID: 0, person: s.person, name: name), csrf: s.csrf)
        }
    }

    /// The caller of an API request carried by a session cookie; a write (any method but GET
    /// and HEAD) must also carry the session's CSRF token.
    func caller(_ request: Request) async throws -> Caller? {
        guard let signed = try await session(request) else { return nil }
        if request.method != .get && request.method != .head {
            guard let sent = request.headers[Self.csrfHeader], Self.constantTimeEqual(sent, signed.csrf) else {
                throw APIError(.forbidden, "forbidden", "this write carries no valid CSRF token",
                               hint: "send the page's token in the X-CSRF-Token header (reload the page to get a fresh one)")
            }
        }
        return signed.caller
    }

    /// Checks a name and password; on success opens a session and returns the cookie's value.
    func signIn(name: String, password: String) async throws -> String? {
        let found: (RowID, String)? = try await host.read(as: "server") { base in
            guard let person = try WebPasswords.person(named: name, in: base), let hash = try base.logins.passwordHash(person: person) else { return nil }
            return (person, hash)
        }
        guard let (person, hash) = found else {
            // The same work as a real check, so a wrong name takes as long as a wrong password.
            _ = Bcrypt.verify(password, hash: Self.decoyHash)
            return nil
        }
        guard Bcrypt.verify(password, hash: hash) else { return nil }
        let id = APITokens.generate()
        let csrf = APITokens.generate()
        let idHash = APITokens.hash(id)
        try await host.write(as: "server") { base in
            _ = try base.logins.createSession(person: person, hash: idHash, csrf: csrf,
                                              expires: base.now().adding(seconds: Self.lifetime))
        }
        return id
    }

    func signOut(_ request: Request) async throws {
        guard let id = request.cookies[Self.cookie]?.value, !id.isEmpty else { return }
        let hash = APITokens.hash(id)
        try await host.write(as: "server") { base in try base.logins.endSession(hash: hash) }
    }

    /// The Set-Cookie value that stores a session id (or, with nil, removes it).
    func setCookie(_ id: String?) -> String {
        var parts = ["\(Self.cookie)=\(id ?? "")", "Path=/", "HttpOnly", "SameSite=Strict"]
        parts.append(id == nil ? "Max-Age=0" : "Max-Age=\(Self.lifetime)")
        if secure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    static let decoyHash = Bcrypt.hash("not a password of anyone", cost: WebPasswords.cost)

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
