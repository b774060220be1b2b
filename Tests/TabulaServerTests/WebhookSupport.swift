import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import TabulaEngine
import TabulaReports
import TabulaServer
import TabulaTimeTracking
import Testing

/// A clock the tests move by hand, so retries on a schedule of minutes take no time.
final class TestClock: Sendable {
    private let milliseconds: Mutex<Int64>

    init(_ iso: String) { milliseconds = Mutex(TestClock.parse(iso).millisecondsSinceEpoch) }

    static func parse(_ iso: String) -> Instant {
        guard case .datetime(let instant)? = try? ValueType.datetime.parse(iso, context: ValueContext(timeZone: "UTC")) else {
            fatalError("not an instant: \(iso)")
        }
        return instant
    }

    var now: Instant { Instant(millisecondsSinceEpoch: milliseconds.withLock { $0 }) }
    var read: @Sendable () -> Instant { { [self] in self.now } }
    func advance(seconds: Int64) { milliseconds.withLock { $0 += seconds * 1000 } }
}

/// A webhook receiver on a free loopback port (a Hummingbird app under the live test
/// framework): it keeps every request and answers with the statuses it is given, in turn (the
/// last one from then on).
final class Receiver: Sendable {
    struct Request: Sendable {
        var id: String
        var timestamp: String
        var signature: String
        var contentType: String
        var body: String
    }

    private let requests = Mutex<[Request]>([])
    private let statuses: Mutex<[Int]>
    /// While true, the first request is kept waiting for its answer (a receiver that is slow
    /// while the sender is killed).
    private let holding: Mutex<Bool>

    init(answering statuses: [Int] = [200], holdingTheFirst: Bool = false) {
        self.statuses = Mutex(statuses)
        self.holding = Mutex(holdingTheFirst)
    }

    var received: [Request] { requests.withLock { $0 } }

    /// Lets the held first request be answered.
    func release() { holding.withLock { $0 = false } }

    func app() -> some ApplicationProtocol {
        let router = Router()
        router.post("hook") { [self] request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            func header(_ name: String) -> String { request.headers.first { $0.name.canonicalName == name }?.value ?? "" }
            requests.withLock {
                $0.append(Request(id: header("webhook-id"), timestamp: header("webhook-timestamp"), signature: header("webhook-signature"),
                                  contentType: header("content-type"), body: String(buffer: body)))
            }
            if requests.withLock({ $0.count }) == 1 {
                let deadline = ContinuousClock.now + .seconds(20)
                while holding.withLock({ $0 }) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            }
            let status = statuses.withLock { list in list.count > 1 ? list.removeFirst() : (list.first ?? 200) }
            return Response(status: .init(code: status))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    /// Runs `body` with the receiver listening; it gets the receiver's URL.
    func listening<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        try await app().test(.live) { client in
            try await body("http://127.0.0.1:\(client.port ?? 0)/hook")
        }
    }
}

/// Checks a signature as a receiver would, by the Standard Webhooks spec, with Crypto alone:
/// the key is the base64 after `whsec_`, the MAC is over `id.timestamp.body`.
func signatureIsValid(_ r: Receiver.Request, secret: String) -> Bool {
    guard let key = Data(base64Encoded: String(secret.dropFirst("whsec_".count))) else { return false }
    let mac = HMAC<SHA256>.authenticationCode(for: Data("\(r.id).\(r.timestamp).\(r.body)".utf8), using: SymmetricKey(data: key))
    return r.signature.split(separator: " ").contains { $0 == "v1," + Data(mac).base64EncodedString() }
}

/// A time-tracking base in a file: a lead (lena), members anna and boris, clients Acme (Web,
/// App) and Beta (Shop), and November entries on their tasks, one of them internal.
struct WebhookBase {
    let folder: URL
    let path: String
    let clock: TestClock

    init(now: String = "2026-12-02T09:00:00Z") throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tabula-webhooks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("tt.db").path
        clock = TestClock(now)
        let package = try #require(SchemaPackage.named("timetracking"))
        let base = try Base.create(at: path, schemaSource: package.configured(timeZone: "Europe/Berlin", currency: "EUR"),
                                   sourceName: "package timetracking", actor: "lena", now: clock.read, reportChecker: ReportChecker())
        defer { base.close() }
        TimeTracking.install(on: base)
        for row in [["name=anna", "role=member", "rate=80"], ["name=boris", "role=member"], ["name=lena", "role=lead"]] { try add(base, "People", row) }
        try add(base, "Clients", ["name=Acme", "rate=120"])
        try add(base, "Clients", ["name=Beta"])
        try add(base, "Projects", ["name=Web", "client=Acme"])
        try add(base, "Projects", ["name=App", "client=Acme", "rate=150"])
        try add(base, "Projects", ["name=Shop", "client=Beta", "rate=100"])
        try add(base, "Tasks", ["title=Landing", "project=Web"])
        try add(base, "Tasks", ["title=Login", "project=App"])
        try add(base, "Tasks", ["title=Cart", "project=Shop"])
        let entries = [("anna", "Landing", "2026-11-03T08:00:00Z", "2026-11-03T09:30:00Z", "billable"),
                       ("anna", "Login", "2026-11-04T08:00:00Z", "2026-11-04T08:45:00Z", "billable"),
                       ("boris", "Cart", "2026-11-05T10:00:00Z", "2026-11-05T12:15:00Z", "billable"),
                       ("boris", "Cart", "2026-11-06T10:00:00Z", "2026-11-06T11:00:00Z", "internal")]
        for (person, task, start, end, category) in entries {
            let project = ["Landing": "Web", "Login": "App", "Cart": "Shop"][task]!
            try add(base, "TimeEntries", ["person=\(person)", "task=\(task)", "project=\(project)", "start=\(start)", "end=\(end)", "category=\(category)"])
        }
    }

    /// The base, opened as the command line opens it (the package's rules installed).
    func open(as actor: String = "lena") throws -> Base {
        let base = try Base.open(at: path, actor: actor, now: clock.read)
        TimeTracking.install(on: base)
        return base
    }

    func add(_ base: Base, _ table: String, _ pairs: [String]) throws {
        _ = try base.write { try $0.insert(into: table, rows: [pairs.map(assignment)]) }
    }

    func assignment(_ pair: String) -> TextAssignment {
        let eq = pair.firstIndex(of: "=")!
        return TextAssignment(field: String(pair[..<eq]), text: String(pair[pair.index(after: eq)...]))
    }

    /// Adds an endpoint as `tabula webhook add` does; returns it with its secret.
    func addEndpoint(_ url: String, events: [String]) throws -> WebhookEndpoint {
        let base = try open()
        defer { base.close() }
        return try WebhookSetup.add(on: base, url: url, events: events, secret: nil)
    }

    func deliverer(schedule: WebhookSchedule = .standard, poll: Duration = .seconds(1)) throws -> WebhookDeliverer {
        try WebhookDeliverer(.init(path: path, schedule: schedule, pollInterval: poll, timeout: .seconds(60), now: clock.read))
    }

    /// Every delivery of the outbox, oldest first.
    func deliveries() throws -> [WebhookDelivery] {
        let base = try open()
        defer { base.close() }
        return try base.webhooks.deliveries(limit: 1000)
    }
}

/// A JSON text as Foundation objects, for reading payloads the way a receiver does.
func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

/// The built `tabula`, run as a user would.
enum Tabula {
    static let binary: URL = {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("tabula")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/tabula")
    }()

    /// A `tabula` process in `folder` with a fixed clock, started and not waited for.
    static func start(_ arguments: [String], in folder: URL, now: String, user: String = "lena", output: FileHandle? = nil) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["TABULA_NOW"] = now
        environment["TABULA_USER"] = user
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output ?? FileHandle.nullDevice
        process.standardError = output ?? FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `tabula` to its end; its status and what it printed.
    static func run(_ arguments: [String], in folder: URL, now: String, user: String = "lena") throws -> (status: Int32, output: String) {
        let pipe = Pipe()
        let process = try start(arguments, in: folder, now: now, user: user, output: pipe.fileHandleForWriting)
        try pipe.fileHandleForWriting.close()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
