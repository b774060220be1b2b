import Foundation
import TabulaEngine
import TabulaTimeTracking

/// Adding an endpoint with its URL, event types and secret checked (`tabula webhook add`).
public enum WebhookSetup {
    /// Adds an endpoint; with no secret given, one is made. Returns the endpoint (its secret is
    /// for the caller to show once).
    public static func add(on base: Base, url: String, events: [String], secret: String?) throws -> WebhookEndpoint {
        let url = try checkURL(url)
        let events = try checkEvents(events)
        let secret = secret ?? WebhookSignature.generateSecret()
        _ = try WebhookSignature.key(of: secret)
        return try base.webhooks.add(url: url, events: events, secret: secret)
    }

    /// An absolute http or https URL with a host.
    static func checkURL(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let parts = URLComponents(string: trimmed), let scheme = parts.scheme?.lowercased() else {
            throw EngineError(.invalidValue, "'\(text)' is not a URL", hint: "give the receiver's address, e.g. https://billing.example.com/hooks/tabula")
        }
        guard scheme == "http" || scheme == "https" else {
            throw EngineError(.invalidValue, "'\(text)' is a \(scheme): URL; webhooks are posted over http or https",
                              hint: "give an https://... address (or http:// on a trusted network)")
        }
        guard let host = parts.host, !host.isEmpty else {
            throw EngineError(.invalidValue, "'\(text)' names no host", hint: "give the whole address, e.g. https://billing.example.com/hooks/tabula")
        }
        return trimmed
    }

    /// Known event types, each once, in the order given.
    static func checkEvents(_ events: [String]) throws -> [String] {
        guard !events.isEmpty else {
            throw EngineError(.invalidValue, "a webhook needs at least one event", hint: "add --event and one of: \(WebhookEvents.all.joined(separator: ", "))")
        }
        var seen: [String] = []
        for event in events.flatMap({ $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() } }) {
            guard WebhookEvents.all.contains(event) else {
                let near = WebhookEvents.all.first { $0.hasPrefix(String(event.prefix(4))) }
                throw EngineError(.invalidValue, "'\(event)' is not a webhook event" + (near.map { " (did you mean \($0)?)" } ?? ""),
                                  hint: "the events are: \(WebhookEvents.all.joined(separator: ", "))")
            }
            if !seen.contains(event) { seen.append(event) }
        }
        return seen
    }
}
