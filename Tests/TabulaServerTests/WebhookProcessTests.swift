import Foundation
import TabulaEngine
import TabulaServer
import Testing

/// Webhooks through the real `tabula` processes: the command line's approval, a server killed
/// with SIGKILL while it was delivering, and `tabula webhook deliver` or the restarted server
/// afterwards.
@Suite struct WebhookProcessTests {
    @Test("a server killed (SIGKILL) after a CLI approval committed loses nothing: `webhook deliver` sends it again, same webhook-id")
    func killedServerLosesNoEvent() async throws {
        let fixture = try WebhookBase()
        let folder = fixture.folder
        let now = "2026-12-02T09:00:00Z"
        let receiver = Receiver(answering: [200], holdingTheFirst: true)
        let outcome = try await receiver.listening { url in
            let added = try Tabula.run(["webhook", "add", "tt.db", url, "--event", "period.approved"], in: folder, now: now)
            #expect(added.status == 0, "\(added.output)")
            let secret = try #require(added.output.split(separator: "\n").first { $0.hasPrefix("secret: ") }).dropFirst("secret: ".count)
            let listed = try Tabula.run(["webhook", "list", "tt.db"], in: folder, now: now)
            #expect(listed.output.contains(url) && !listed.output.contains(secret), "the list never shows a secret")

            let server = try Tabula.start(["serve", "tt.db", "--port", "0"], in: folder, now: now)
            defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
            let approved = try Tabula.run(["period", "approve", "tt.db", "2026-11"], in: folder, now: now)
            #expect(approved.status == 0, "\(approved.output)")
            // The running server finds the other process's event and posts it; the receiver holds it.
            let deadline = ContinuousClock.now + .seconds(60)
            while receiver.received.isEmpty && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(receiver.received.count == 1)
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
            receiver.release()
            let pending = try fixture.deliveries().map(\.state)

            // A later `webhook deliver` sends it again. On a loaded machine an attempt may time out;
            // then it is due again on the schedule, so the next try runs a day later.
            var delivered = try Tabula.run(["webhook", "deliver", "tt.db"], in: folder, now: now)
            for day in 3...5 where delivered.status != 0 {
                delivered = try Tabula.run(["webhook", "deliver", "tt.db"], in: folder, now: "2026-12-0\(day)T09:00:00Z")
            }
            let deliveries = try Tabula.run(["webhook", "deliveries", "tt.db", "--format", "csv"], in: folder, now: now)
            return (String(secret), pending, delivered, deliveries.output)
        }
        let (secret, pendingAfterKill, delivered, deliveries) = outcome
        #expect(pendingAfterKill == [.pending], "the killed server never recorded the delivery")
        #expect(delivered.status == 0, "\(delivered.output)")
        #expect(delivered.output.contains("delivered (200)"))
        let received = receiver.received
        #expect(received.count >= 2)
        #expect(Set(received.map(\.id)).count == 1, "the repeat has the same webhook-id")
        #expect(received.allSatisfy { signatureIsValid($0, secret: secret) })
        #expect(try jsonObject(try #require(received.last).body)["type"] as? String == "period.approved")
        #expect(deliveries.contains("period.approved") && deliveries.contains("delivered"))
        #expect(try fixture.deliveries().map(\.state) == [.delivered])
    }

    @Test("a server killed (SIGKILL) while it delivered an approval's event delivers it when it is started again, same webhook-id")
    func restartedServerDeliversWhatItsKilledOneHeld() async throws {
        let fixture = try WebhookBase()
        let folder = fixture.folder
        let now = "2026-12-02T09:00:00Z"
        let receiver = Receiver(answering: [200], holdingTheFirst: true)
        let secret = try await receiver.listening { url in
            let added = try Tabula.run(["webhook", "add", "tt.db", url, "--event", "period.approved"], in: folder, now: now)
            #expect(added.status == 0, "\(added.output)")
            let server = try Tabula.start(["serve", "tt.db", "--port", "0"], in: folder, now: now)
            defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
            #expect(try Tabula.run(["period", "approve", "tt.db", "2026-11"], in: folder, now: now).status == 0)
            var deadline = ContinuousClock.now + .seconds(60)
            while receiver.received.isEmpty && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(receiver.received.count == 1)
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
            receiver.release()
            #expect(try fixture.deliveries().map(\.state) == [.pending], "the killed server never recorded the delivery")

            let restarted = try Tabula.start(["serve", "tt.db", "--port", "0"], in: folder, now: now)
            defer { if restarted.isRunning { kill(restarted.processIdentifier, SIGKILL) } }
            deadline = ContinuousClock.now + .seconds(60)
            while try fixture.deliveries().map(\.state) != [.delivered] && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            restarted.terminate()
            restarted.waitUntilExit()
            #expect(restarted.terminationStatus == 0)
            return String(try #require(added.output.split(separator: "\n").first { $0.hasPrefix("secret: ") }).dropFirst("secret: ".count))
        }
        #expect(try fixture.deliveries().map(\.state) == [.delivered])
        let received = receiver.received
        #expect(received.count >= 2)
        #expect(Set(received.map(\.id)).count == 1, "the repeat has the same webhook-id")
        #expect(received.allSatisfy { signatureIsValid($0, secret: secret) })
        #expect(try jsonObject(try #require(received.last).body)["type"] as? String == "period.approved")
    }
}
