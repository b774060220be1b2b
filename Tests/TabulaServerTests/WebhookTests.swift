import Foundation
import Hummingbird
import HummingbirdTesting
import TabulaEngine
import TabulaServer
@testable import TabulaTimeTracking
import Testing

/// Webhooks: events written to the outbox in the transaction of their change, delivered signed
/// by the Standard Webhooks spec, retried on the schedule, dropped on a 410, never lost.
@Suite struct WebhookTests {
    // MARK: - Signing and the schedule

    @Test("signatures match the Standard Webhooks spec's own example and verify only the signed body")
    func signatureMatchesTheSpec() throws {
        // The example of the spec's reference libraries.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let signature = try WebhookSignature.sign(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: #"{"test": 2432232314}"#, secret: secret)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(WebhookSignature.verify(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: #"{"test": 2432232314}"#,
                                        signatureHeader: "v1,bm90IGl0 " + signature, secret: secret))
        #expect(!WebhookSignature.verify(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: #"{"test": 2432232315}"#,
                                         signatureHeader: signature, secret: secret))
        let made = WebhookSignature.generateSecret()
        #expect(made.hasPrefix("whsec_") && made != WebhookSignature.generateSecret())
        #expect(throws: EngineError.self) { try WebhookSignature.key(of: "whsec_c2hvcnQ=") }
        #expect(throws: EngineError.self) { try WebhookSignature.key(of: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") }
    }

    @Test("retries wait 5 s, 5 min, 30 min, 2 h, then twice as long each time, up to a day")
    func scheduleDoublesUpToADay() {
        let waits = (1...10).map { WebhookSchedule.standard.wait(afterFailures: $0) / 1000 }
        #expect(waits == [5, 300, 1800, 7200, 14_400, 28_800, 57_600, 86_400, 86_400, 86_400])
    }

    // MARK: - Delivery

    @Test("an approval's event reaches the receiver signed, with the period, approver, hours and amounts by client and project")
    func approvalIsDeliveredWithItsPayload() async throws {
        let fixture = try WebhookBase()
        let receiver = Receiver()
        let deliverer = try fixture.deliverer()
        let (attempts, endpoint) = try await receiver.listening { url in
            let endpoint = try fixture.addEndpoint(url, events: ["period.approved"])
            try Self.approve(fixture)
            let attempts = try await deliverer.deliverPending()
            return (attempts, endpoint)
        }
        await deliverer.close()
        #expect(attempts.count == 1)
        let request = try #require(receiver.received.first)
        #expect(receiver.received.count == 1)
        #expect(signatureIsValid(request, secret: endpoint.secret))
        #expect(request.contentType == "application/json")
        #expect(request.timestamp == String(fixture.clock.now.millisecondsSinceEpoch / 1000))

        let payload = try jsonObject(request.body)
        #expect(Array(payload.keys).sorted() == ["data", "id", "timestamp", "type"])
        #expect(payload["type"] as? String == "period.approved")
        #expect(payload["id"] as? String == request.id)
        #expect(payload["timestamp"] as? String == fixture.clock.now.iso8601(in: "UTC"))
        let data = try #require(payload["data"] as? [String: Any])
        #expect(Array(data.keys).sorted() == ["amount", "approved_at", "approved_by", "clients", "currency", "entries", "hours", "period"])
        #expect(data["period"] as? String == "2026-11")
        #expect(data["approved_by"] as? String == "lena")
        #expect(data["approved_at"] as? String == fixture.clock.now.iso8601(in: "UTC"))
        #expect(data["currency"] as? String == "EUR")

        // What the payload should say, from the entries' own stored duration and amount.
        let expected = try Self.figuresByClientAndProject(fixture)
        #expect(data["hours"] as? Int == expected.values.flatMap(\.values).reduce(0) { $0 + $1.seconds })
        #expect(data["amount"] as? String == Self.decimal(expected.values.flatMap(\.values).reduce(0) { $0 + $1.cents }))
        let clients = try #require(data["clients"] as? [[String: Any]])
        #expect(clients.compactMap { $0["name"] as? String } == expected.keys.sorted())
        for client in clients {
            let name = try #require(client["name"] as? String)
            let projects = try #require(client["projects"] as? [[String: Any]])
            let want = try #require(expected[name])
            #expect(projects.compactMap { $0["name"] as? String } == want.keys.sorted())
            #expect(client["hours"] as? Int == want.values.reduce(0) { $0 + $1.seconds })
            #expect(client["amount"] as? String == Self.decimal(want.values.reduce(0) { $0 + $1.cents }))
            for project in projects {
                let figures = try #require(want[project["name"] as? String ?? ""])
                #expect(project["hours"] as? Int == figures.seconds)
                #expect(project["amount"] as? String == Self.decimal(figures.cents))
            }
        }

        // The entries path is a real API path: it lists the month's entries.
        let entriesPath = try #require(data["entries"] as? String)
        let listed = try await Self.apiGet(fixture, entriesPath, as: "lena")
        let rows = try #require(try jsonObject(listed)["rows"] as? [[String: Any]])
        #expect(rows.count == 4)

        // Delivered once: done in the outbox, and the next round sends nothing.
        let deliveries = try fixture.deliveries()
        #expect(deliveries.map(\.state) == [.delivered])
        #expect(deliveries.first?.status == 200 && deliveries.first?.attempts == 1)
        let again = try fixture.deliverer()
        #expect(try await again.deliverPending().isEmpty)
        await again.close()
    }

    @Test("a receiver that fails twice gets the same event again after 5 s and 5 min, and the third attempt is delivered")
    func failingReceiverGetsRetriesOnTheSchedule() async throws {
        let fixture = try WebhookBase()
        let receiver = Receiver(answering: [500, 503, 204])
        let deliverer = try fixture.deliverer()
        let clock = fixture.clock
        let start = clock.now
        let (rounds, endpoint) = try await receiver.listening { url in
            let endpoint = try fixture.addEndpoint(url, events: ["period.approved"])
            try Self.approve(fixture)
            var rounds: [[WebhookDeliverer.Attempt]] = []
            rounds.append(try await deliverer.deliverPending())   // fails: next in 5 s
            clock.advance(seconds: 4)
            rounds.append(try await deliverer.deliverPending())   // not due yet
            clock.advance(seconds: 1)
            rounds.append(try await deliverer.deliverPending())   // fails: next in 5 min
            clock.advance(seconds: 299)
            rounds.append(try await deliverer.deliverPending())   // not due yet
            clock.advance(seconds: 1)
            rounds.append(try await deliverer.deliverPending())   // delivered
            return (rounds, endpoint)
        }
        await deliverer.close()
        #expect(rounds.map(\.count) == [1, 0, 1, 0, 1])
        #expect(rounds[0].first?.outcome == .failed(status: 500, error: "the receiver answered 500", retryAt: start.adding(seconds: 5)))
        #expect(rounds[2].first?.outcome == .failed(status: 503, error: "the receiver answered 503", retryAt: start.adding(seconds: 305)))
        #expect(rounds[4].first?.outcome == .delivered(status: 204))
        let received = receiver.received
        #expect(received.count == 3)
        #expect(Set(received.map(\.id)).count == 1, "every attempt carries the event's one webhook-id")
        #expect(Set(received.map(\.body)).count == 1)
        #expect(received.map(\.timestamp) == [0, 5, 305].map { String(start.millisecondsSinceEpoch / 1000 + $0) })
        #expect(received.allSatisfy { signatureIsValid($0, secret: endpoint.secret) })
        let delivery = try #require(try fixture.deliveries().first)
        #expect(delivery.state == .delivered && delivery.attempts == 3 && delivery.status == 204 && delivery.nextAttempt == nil)
    }

    @Test("the running deliverer retries by itself and delivers right after a commit in its process")
    func runningDelivererRetriesAndIsNudgedByCommits() async throws {
        let fixture = try WebhookBase()
        let receiver = Receiver(answering: [500, 500, 200])
        // Real time here, with a schedule of milliseconds and a poll slower than the test waits.
        let deliverer = try WebhookDeliverer(.init(path: fixture.path, schedule: WebhookSchedule(waits: [.milliseconds(50)], longest: .milliseconds(100)),
                                                   pollInterval: .seconds(30), timeout: .seconds(60)))
        let path = fixture.path
        let received = try await receiver.listening { url in
            let endpoint = try fixture.addEndpoint(url, events: ["timer.started", "timer.stopped"])
            _ = endpoint
            let service = Task { try await deliverer.run() }
            defer { service.cancel() }
            try await Task.sleep(for: .milliseconds(100))   // its first round found nothing
            // A timer started in this process: the commit nudges the deliverer (the poll is 30 s).
            let base = try Base.open(at: path, actor: "anna")
            TimeTracking.install(on: base)
            _ = try base.write { try $0.startTimer(table: "Tasks", row: "Landing") }
            base.close()
            // Generous: a loaded machine running the whole suite in parallel can starve this test for seconds.
            let deadline = ContinuousClock.now + .seconds(60)
            while receiver.received.count < 3 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            // The third answer is recorded just after the receiver sent it, by the deliverer,
            // which runs until then (stopped earlier, it would drop the answer it is reading).
            var states = try fixture.deliveries().map(\.state)
            let recorded = ContinuousClock.now + .seconds(30)
            while states != [.delivered] && ContinuousClock.now < recorded {
                try await Task.sleep(for: .milliseconds(20))
                states = try fixture.deliveries().map(\.state)
            }
            return (receiver.received, states)
        }
        let (requests, states) = received
        #expect(requests.count == 3)
        #expect(Set(requests.map(\.id)).count == 1)
        let payload = try jsonObject(try #require(requests.last).body)
        #expect(payload["type"] as? String == "timer.started")
        let data = try #require(payload["data"] as? [String: Any])
        #expect(data["table"] as? String == "Tasks" && data["label"] as? String == "Landing" && data["person"] as? String == "anna")
        #expect(states == [.delivered])
    }

    @Test("an approval through the API is posted right after its commit by the server's deliverer, not at its next poll")
    func approvalThroughTheAPIIsDeliveredAtOnce() async throws {
        let fixture = try WebhookBase()
        let receiver = Receiver()
        let base = try fixture.open()
        let token = try APITokens.create(on: base, person: "lena", label: "test").token
        base.close()
        let (status, received) = try await receiver.listening { url in
            _ = try fixture.addEndpoint(url, events: ["period.approved"])
            // A poll of a minute: only the commit's nudge can deliver within the test's seconds.
            let deliverer = try WebhookDeliverer(.init(path: fixture.path, pollInterval: .seconds(60), now: fixture.clock.read))
            let server = try TabulaServer(.init(path: fixture.path, port: 0, now: fixture.clock.read))
            return try await server.application(services: [deliverer]).test(.live) { client in
                try await Task.sleep(for: .milliseconds(200))   // the deliverer's first round, with nothing due
                let status = try await client.execute(uri: "/api/v1/periods/2026-11/approve", method: .post,
                                                      headers: [.authorization: "Bearer \(token)"]) { $0.status }
                let deadline = ContinuousClock.now + .seconds(30)
                while receiver.received.isEmpty && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
                return (status, receiver.received)
            }
        }
        #expect(status == .ok)
        #expect(received.count == 1)
        let first = try #require(received.first)
        let data = try #require(try jsonObject(first.body)["data"] as? [String: Any])
        #expect(data["period"] as? String == "2026-11" && data["approved_by"] as? String == "lena")
    }

    @Test("a 410 disables the endpoint: its pending events are dropped and it is sent nothing more")
    func goneDisablesTheEndpoint() async throws {
        let fixture = try WebhookBase()
        let receiver = Receiver(answering: [410])
        let deliverer = try fixture.deliverer()
        let attempts = try await receiver.listening { url in
            _ = try fixture.addEndpoint(url, events: ["period.approved", "period.reopened"])
            try Self.approve(fixture)
            let first = try await deliverer.deliverPending()
            // Reopened after the 410: no live endpoint takes it, so nothing is written or sent.
            let base = try fixture.open()
            _ = try Periods.reopen(base, month: "2026-11")
            base.close()
            fixture.clock.advance(seconds: 86_400)
            return first + (try await deliverer.deliverPending())
        }
        await deliverer.close()
        #expect(attempts.map(\.outcome) == [.gone])
        #expect(receiver.received.count == 1)
        let base = try fixture.open()
        defer { base.close() }
        let endpoint = try #require(try base.webhooks.list().first)
        #expect(endpoint.disabled != nil)
        #expect(endpoint.disabledReason?.contains("410") == true)
        #expect(try base.webhooks.deliveries().map(\.type) == ["period.approved"])
        #expect(try base.webhooks.subscribers(of: "period.reopened").isEmpty)
    }

    @Test("an event committed while no deliverer ran (its process ended after the commit) is delivered by a later one")
    func eventCommittedBeforeACrashIsDeliveredLater() async throws {
        let fixture = try WebhookBase()
        let receiver = Receiver()
        let (pendingBefore, attempts, secret) = try await receiver.listening { url in
            let endpoint = try fixture.addEndpoint(url, events: ["period.approved"])
            // The approval commits and its process goes away: no deliverer ran, nothing was sent.
            try Self.approve(fixture)
            try await Task.sleep(for: .milliseconds(100))
            let pending = try fixture.deliveries().map(\.state)
            // Later, a new process: its deliverer finds the event in the outbox.
            let deliverer = try fixture.deliverer()
            let attempts = try await deliverer.deliverPending()
            await deliverer.close()
            return (pending, attempts, endpoint.secret)
        }
        #expect(pendingBefore == [.pending])
        #expect(attempts.count == 1)
        #expect(receiver.received.count == 1)
        let request = try #require(receiver.received.first)
        #expect(signatureIsValid(request, secret: secret))
        #expect(try jsonObject(request.body)["type"] as? String == "period.approved")
        #expect(try fixture.deliveries().map(\.state) == [.delivered])
    }

    // MARK: - Which writes make events

    @Test("an approval that rolls back, or is refused, leaves no event; a base without webhooks writes none")
    func rolledBackApprovalWritesNoEvent() throws {
        let plain = try WebhookBase()
        let base0 = try plain.open()
        _ = try Periods.approve(base0, month: "2026-11")
        #expect(try base0.webhooks.deliveries().isEmpty)
        #expect(try base0.webhooks.list().isEmpty)
        base0.close()

        let fixture = try WebhookBase()
        _ = try fixture.addEndpoint("http://127.0.0.1:9/hook", events: ["period.approved"])
        let base = try fixture.open()
        defer { base.close() }
        struct Abandon: Error {}
        #expect(throws: Abandon.self) {
            try base.write { _ in
                _ = try Periods.approve(base, month: "2026-11")
                throw Abandon()
            }
        }
        base.actor = "anna"   // a member may not approve
        #expect(throws: EngineError.self) { try Periods.approve(base, month: "2026-11") }
        #expect(try base.webhooks.deliveries().isEmpty)
        #expect(try Periods.list(base).first { $0.month == "2026-11" }?.state == "open")
        base.actor = "lena"
        _ = try Periods.approve(base, month: "2026-11")
        #expect(try base.webhooks.deliveries().map(\.type) == ["period.approved"])
    }

    @Test("timers started and stopped, a reopened month and an approved edit of a locked entry each write their event")
    func timerReopenAndEditEvents() throws {
        let fixture = try WebhookBase()
        _ = try fixture.addEndpoint("http://127.0.0.1:9/hook", events: WebhookEvents.all.filter { $0 != "period.approved" })
        let base = try fixture.open(as: "anna")
        defer { base.close() }
        _ = try base.write { try $0.startTimer(table: "Tasks", row: "Login") }
        fixture.clock.advance(seconds: 600)
        _ = try base.write { try $0.stopTimer() }
        base.actor = "lena"
        _ = try Periods.approve(base, month: "2026-11")   // not subscribed: no event
        base.actor = "anna"
        let request = try base.write { try $0.requestEdit(table: "TimeEntries", row: "#1", [TextAssignment(field: "note", text: "typo")], reason: "wrong note") }.value
        base.actor = "lena"
        _ = try base.write { try $0.approveEdit(request.id) }
        _ = try Periods.reopen(base, month: "2026-11")

        let events = try base.webhooks.deliveries()
        #expect(events.map(\.type) == ["timer.started", "timer.stopped", "entry.changed_after_approval", "period.reopened"])
        let stopped = try #require(try jsonObject(events[1].payload)["data"] as? [String: Any])
        #expect(stopped["elapsed"] as? Int == 600 && stopped["person"] as? String == "anna" && stopped["label"] as? String == "Login")
        let edit = try #require(try jsonObject(events[2].payload)["data"] as? [String: Any])
        #expect(edit["entry"] as? Int == 1 && edit["period"] as? String == "2026-11" && edit["requested_by"] as? String == "anna")
        #expect((edit["changes"] as? [String: String]) == ["note": "typo"])
        #expect(edit["approved_by"] as? String == "lena")
        let reopened = try #require(try jsonObject(events[3].payload)["data"] as? [String: Any])
        #expect(reopened["period"] as? String == "2026-11" && reopened["previous_state"] as? String == "approved")
    }

    @Test("adding an endpoint checks its URL, its events and its secret, and says what is wrong")
    func addingChecksTheEndpoint() throws {
        let fixture = try WebhookBase()
        let base = try fixture.open()
        defer { base.close() }
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch let error as EngineError { return error.message } catch { return "\(error)" }
        }
        #expect(message { _ = try WebhookSetup.add(on: base, url: "ftp://example.com/x", events: ["period.approved"], secret: nil) }.contains("http or https"))
        #expect(message { _ = try WebhookSetup.add(on: base, url: "example.com/hook", events: ["period.approved"], secret: nil) }.contains("example.com/hook"))
        #expect(message { _ = try WebhookSetup.add(on: base, url: "https://example.com/hook", events: ["period.aproved"], secret: nil) }
            .contains("did you mean period.approved"))
        #expect(message { _ = try WebhookSetup.add(on: base, url: "https://example.com/hook", events: [], secret: nil) }.contains("at least one event"))
        let bad = "whsec_bm90IGxvbmc="
        let secretError = message { _ = try WebhookSetup.add(on: base, url: "https://example.com/hook", events: ["timer.started"], secret: bad) }
        #expect(secretError.contains("24 to 64") && !secretError.contains(bad))
        #expect(try base.webhooks.list().isEmpty)
        let added = try WebhookSetup.add(on: base, url: "https://example.com/hook", events: ["timer.started", "timer.started,timer.stopped"], secret: nil)
        #expect(added.events == ["timer.started", "timer.stopped"])
        #expect(try base.webhooks.list().map(\.id) == [added.id])
    }

    // MARK: - Helpers

    static func approve(_ fixture: WebhookBase) throws {
        let base = try fixture.open()
        defer { base.close() }
        _ = try Periods.close(base, month: "2026-11")
        _ = try Periods.approve(base, month: "2026-11")
    }

    /// Seconds and cents by client and project, from the entries' stored `duration` and `amount`.
    static func figuresByClientAndProject(_ fixture: WebhookBase) throws -> [String: [String: (seconds: Int, cents: Int)]] {
        let base = try fixture.open()
        defer { base.close() }
        let entries = try base.table(named: "TimeEntries")
        var result: [String: [String: (seconds: Int, cents: Int)]] = [:]
        for id in try base.rows(of: entries).map(\.id) {
            let v = try #require(try base.values(of: entries, row: id, fields: ["project", "duration", "amount"]))
            guard case .link(let project)? = v["project"],
                  let p = try base.values(of: try base.table(named: "Projects"), row: project, fields: ["name", "client"]),
                  case .text(let projectName)? = p["name"], case .link(let client)? = p["client"],
                  case .text(let clientName)? = try base.values(of: try base.table(named: "Clients"), row: client, fields: ["name"])?["name"] else { continue }
            let seconds: Int = { if case .duration(let s)? = v["duration"] { return Int(s) } else { return 0 } }()
            let cents: Int = { if case .money(let m)? = v["amount"] { return Int(m.minorUnits) } else { return 0 } }()
            let before = result[clientName, default: [:]][projectName] ?? (0, 0)
            result[clientName, default: [:]][projectName] = (before.seconds + seconds, before.cents + cents)
        }
        return result
    }

    static func decimal(_ cents: Int) -> String { "\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)" }

    /// A GET of the REST API in-process, with a token of `person`.
    static func apiGet(_ fixture: WebhookBase, _ path: String, as person: String) async throws -> String {
        let base = try fixture.open()
        let token = try APITokens.create(on: base, person: person, label: "test").token
        base.close()
        let server = try TabulaServer(.init(path: fixture.path, port: 0, now: fixture.clock.read))
        return try await server.application().test(.router) { client in
            try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .ok, "\(path): \(String(buffer: response.body))")
                return String(buffer: response.body)
            }
        }
    }
}
