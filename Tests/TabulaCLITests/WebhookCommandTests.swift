import Foundation
import Testing

/// `tabula webhook add|list|remove|deliveries|deliver` on the command line: what they print,
/// how they refuse bad input (exit 1, the base unchanged), and that a secret is shown once.
@Suite struct WebhookCommandTests {
    func makeBase() throws -> CLI {
        var cli = try CLI()
        cli.environment["TABULA_USER"] = "lena"
        for step in [["init", "tt.db", "--package", "timetracking", "--timezone", "Europe/Berlin", "--currency", "EUR"],
                     ["add", "tt.db", "People", "name=lena", "role=lead"]] {
            let r = try cli.run(step)
            #expect(r.status == 0, "\(step): \(r.stderr)")
        }
        return cli
    }

    @Test("webhook add refuses a bad URL, an unknown event, no event or a malformed secret, saying what is wrong, and changes nothing")
    func addRefusesBadInput() throws {
        let cli = try makeBase()
        let before = cli.snapshot("tt.db")
        let cases: [([String], String)] = [
            (["webhook", "add", "tt.db", "ftp://example.com/in", "--event", "period.approved"], "http or https"),
            (["webhook", "add", "tt.db", "not a url", "--event", "period.approved"], "not a URL"),
            (["webhook", "add", "tt.db", "https://example.com/in", "--event", "period.aprooved"], "did you mean period.approved"),
            (["webhook", "add", "tt.db", "https://example.com/in"], "at least one event"),
            (["webhook", "add", "tt.db", "https://example.com/in", "--event", "timer.started", "--secret", "s3cr3t-value"], "starts with whsec_"),
        ]
        for (arguments, message) in cases {
            let r = try cli.run(arguments)
            #expect(r.status == 1, "\(arguments)")
            #expect(r.stderr.contains(message), "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains("hint:"), "\(arguments): \(r.stderr)")
            #expect(!r.stderr.contains("s3cr3t-value"), "an error never repeats the secret")
        }
        #expect(cli.snapshot("tt.db") == before)
    }

    @Test("webhook add prints a made secret once; list shows the endpoint without it; remove takes it away")
    func addListRemove() throws {
        let cli = try makeBase()
        let added = try cli.run("webhook", "add", "tt.db", "https://billing.example.com/in", "--event", "period.approved", "--event", "timer.stopped")
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("webhook 1: https://billing.example.com/in for period.approved, timer.stopped"))
        let secret = try #require(added.stdout.split(separator: "\n").first { $0.hasPrefix("secret: whsec_") }).dropFirst("secret: ".count)
        let given = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let second = try cli.run("webhook", "add", "tt.db", "https://other.example.com/in", "--event", "period.reopened", "--secret", given)
        #expect(second.status == 0 && !second.stdout.contains("secret"), "a secret given is not printed back")
        let list = try cli.run("webhook", "list", "tt.db", "--format", "csv")
        #expect(list.stdout.contains("https://billing.example.com/in") && list.stdout.contains("https://other.example.com/in"))
        #expect(!list.stdout.contains(secret) && !list.stdout.contains(given))
        #expect(try cli.run("webhook", "add", "tt.db", "https://hook:pa55word@third.example.com/in?token=t0ken", "--event", "timer.started").status == 0)
        let history = try cli.run("history", "tt.db")
        #expect(!history.stdout.contains(secret) && !history.stdout.contains(given), "the history never holds a secret")
        #expect(history.stdout.contains("third.example.com/in") && !history.stdout.contains("pa55word") && !history.stdout.contains("t0ken"),
                "nor a URL's password or query: \(history.stdout)")
        #expect(try cli.run("webhook", "remove", "tt.db", "1").status == 0)
        #expect(!(try cli.run("webhook", "list", "tt.db").stdout.contains("billing.example.com")))
        let missing = try cli.run("webhook", "remove", "tt.db", "1")
        #expect(missing.status == 1 && missing.stderr.contains("there is no webhook 1"))
    }

    @Test("an approval with an endpoint leaves a pending delivery that webhook deliveries shows and webhook deliver tries")
    func deliveriesAndDeliver() throws {
        var cli = try makeBase()
        cli.environment["TABULA_NOW"] = "2026-12-02T09:00:00Z"
        // Port 9 (discard) on loopback: nothing listens, so the attempt fails and is scheduled again.
        #expect(try cli.run("webhook", "add", "tt.db", "http://127.0.0.1:9/in", "--event", "period.approved").status == 0)
        #expect(try cli.run("period", "approve", "tt.db", "2026-11").status == 0)
        let pending = try cli.run("webhook", "deliveries", "tt.db", "--format", "csv")
        #expect(pending.stdout.contains("period.approved") && pending.stdout.contains("pending"))
        let deliver = try cli.run("webhook", "deliver", "tt.db")
        #expect(deliver.status == 1)
        #expect(deliver.stdout.contains("failed") && deliver.stdout.contains("next attempt 2026-12-02 10:00:05"), "\(deliver.stdout)")
        let again = try cli.run("webhook", "deliver", "tt.db")
        #expect(again.status == 0 && again.stdout.contains("0 of 0"), "nothing is due before the next attempt")
    }
}
