import Crypto
import Foundation
import TabulaEngine

/// Signing as the Standard Webhooks spec says (standardwebhooks.com): the secret is `whsec_`
/// and the base64 of a key of 24 to 64 bytes; each attempt carries `webhook-id`,
/// `webhook-timestamp` (seconds since 1970) and `webhook-signature: v1,` and the base64 of the
/// HMAC-SHA256 of `id.timestamp.body` under the key.
public enum WebhookSignature {
    /// The prefix of a secret.
    public static let prefix = "whsec_"

    /// A new secret: 32 random bytes.
    public static func generateSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return prefix + Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString()
    }

    /// The key of a secret, or an error that says what is wrong with it (never the secret itself).
    public static func key(of secret: String) throws -> SymmetricKey {
        guard secret.hasPrefix(prefix) else {
            throw EngineError(.invalidValue, "a webhook secret starts with \(prefix)", hint: "give --secret whsec_ and the base64 of a key of 24 to 64 bytes, or leave it out to have one made")
        }
        guard let bytes = Data(base64Encoded: String(secret.dropFirst(prefix.count))) else {
            throw EngineError(.invalidValue, "the part of the webhook secret after \(prefix) is not base64", hint: "give whsec_ and the base64 of a key of 24 to 64 bytes, or leave --secret out to have one made")
        }
        guard (24...64).contains(bytes.count) else {
            throw EngineError(.invalidValue, "the webhook secret's key has \(bytes.count) bytes; the Standard Webhooks spec wants 24 to 64",
                              hint: "give a longer key, or leave --secret out to have one made")
        }
        return SymmetricKey(data: bytes)
    }

    /// The `webhook-signature` header's value for one attempt.
    public static func sign(id: String, timestamp: Int64, body: String, secret: String) throws -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(id).\(timestamp).\(body)".utf8), using: try key(of: secret))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// Whether a `webhook-signature` header (one or more space-separated `v1,...`) signs these,
    /// compared in constant time: what a receiver checks.
    public static func verify(id: String, timestamp: Int64, body: String, signatureHeader: String, secret: String) -> Bool {
        guard let key = try? key(of: secret) else { return false }
        let message = Data("\(id).\(timestamp).\(body)".utf8)
        return signatureHeader.split(separator: " ").contains { item in
            guard item.hasPrefix("v1,"), let mac = Data(base64Encoded: String(item.dropFirst(3))) else { return false }
            return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: key)
        }
    }
}
