import Crypto
import Foundation
import TabulaEngine

/// Making API tokens and recognising them: a token is 32 random bytes; the base keeps only its
/// SHA-256 (a token is as random as a key, so a fast hash suffices; passwords get bcrypt).
public enum APITokens {
    /// A new token: `tab_` and 43 characters of base64url.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let text = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "tab_" + text
    }

    /// The hash the base stores for a token.
    public static func hash(_ token: String) -> String {
        // Every request hashes its token: hex by hand (String(format:) was a tenth of a request's time).
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(token.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Creates a token for the person of that name (or login, or email) and returns its id and
    /// the token, which is shown once and never stored.
    public static func create(on base: Base, person name: String, label: String?, feed: String? = nil) throws -> (id: Int64, token: String) {
        guard let peopleID = base.schema.peopleTable, base.schema.table(id: peopleID) != nil else {
            throw EngineError(.schema, "this base names no people table, so a token has no one to act as", hint: "add `people People` to the schema")
        }
        let actor = base.actor
        base.actor = name
        let person = try base.actingPerson()
        base.actor = actor
        guard let person else {
            throw EngineError(.notFound, "'\(name)' is not one of the people of this base", hint: "give a person's name, login or email; list them with `tabula show BASE People`")
        }
        var scope: String?
        if let feed {
            let table = try base.table(named: feed)
            guard table.isFed == true else {
                throw EngineError(.invalidValue, "table \(table.name) is not fed from outside, so no feed can write it", hint: "a feed token is for a table whose schema says `fed from outside`")
            }
            scope = "feed:\(table.name)"
        }
        let token = generate()
        let id = try base.tokens.create(person: person, label: label, hash: hash(token), scope: scope)
        return (id, token)
    }
}
