import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Synchronization
import ServiceLifecycle
import TabulaEngine

/// `tabula serve`: a base as an HTTP service. The server keeps no state outside the base file:
/// tokens, the webhook outbox and its deliveries live in it.
public struct TabulaServer: Sendable {
    /// Where and how to serve.
    public struct Configuration: Sendable {
        public var path: String
        public var host: String
        public var port: Int
        /// The address users reach the server at, when it sits behind a proxy (https://...).
        public var publicURL: String?
        /// At most this many requests a minute per token (nil: no limit); more are refused with 429.
        public var requestsPerMinute: Int?
        public var now: @Sendable () -> Instant

        public init(path: String, host: String = "127.0.0.1", port: Int = 8080, publicURL: String? = nil,
                    requestsPerMinute: Int? = nil, now: @escaping @Sendable () -> Instant = Base.systemClock) {
            self.path = path; self.host = host; self.port = port; self.publicURL = publicURL
            self.requestsPerMinute = requestsPerMinute; self.now = now
        }
    }

    /// Makes the server's event loops Swift's global executor, for a process that serves (call
    /// it before serving; later calls do nothing). A request's task then runs on the loop its
    /// connection reads on, with that thread's read connection, instead of crossing to Swift's
    /// own pool and back twice per request: on two cores that crossing (a futex wake each way)
    /// cost about a third of a read. Work that blocks for long stays off the loops: the writer
    /// and the feed deliverer have threads of their own, and calls to another served base go
    /// through a client on a loop of its own.
    public static func runTasksOnEventLoops() {
        eventLoopsTakeTasks.withLock { taken in
            guard !taken else { return }
            taken = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
    }
    private static let eventLoopsTakeTasks = Mutex(false)

    let configuration: Configuration
    let host: BaseHost
    let logger: Logger

    /// Opens the base (a missing or broken base is an error here, before anything listens).
    public init(_ configuration: Configuration, logger: Logger = Logger(label: "tabula.server")) throws {
        self.configuration = configuration
        self.host = try BaseHost(path: configuration.path, now: configuration.now)
        self.logger = logger
    }

    /// The router of every route the server answers.
    func router() -> Router<BasicRequestContext> {
        let router = Router()
        let sessions = WebSessions(host: host, secure: configuration.publicURL?.lowercased().hasPrefix("https://") == true)
        API(host: host, logger: logger, limiter: configuration.requestsPerMinute.map(RequestLimiter.init(perMinute:)), sessions: sessions).register(on: router)
        WebPages(host: host, sessions: sessions, logger: logger).register(on: router)
        return router
    }

    /// The application, with the services that run beside it (`onServerRunning` is told the
    /// port, which is the real one when the configuration asked for port 0).
    public func application(services: [any Service] = [], onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        Application(router: router(),
                    configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Tabula"),
                    services: services,
                    onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
                    logger: logger)
    }

    /// Serves until SIGTERM or SIGINT: then in-flight requests finish and the base is closed.
    public func run(services: [any Service] = [], onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = application(services: services, onServerRunning: onServerRunning)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        await host.close()
    }
}
