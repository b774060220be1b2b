import Foundation
import Hummingbird
import Logging
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
        /// Read connections beside the one writer.
        public var readers: Int
        /// At most this many requests a minute per token (nil: no limit); more are refused with 429.
        public var requestsPerMinute: Int?
        public var now: @Sendable () -> Instant

        public init(path: String, host: String = "127.0.0.1", port: Int = 8080, publicURL: String? = nil, readers: Int = 2,
                    requestsPerMinute: Int? = nil, now: @escaping @Sendable () -> Instant = Base.systemClock) {
            self.path = path; self.host = host; self.port = port; self.publicURL = publicURL; self.readers = readers
            self.requestsPerMinute = requestsPerMinute; self.now = now
        }
    }

    let configuration: Configuration
    let host: BaseHost
    let logger: Logger

    /// Opens the base (a missing or broken base is an error here, before anything listens).
    public init(_ configuration: Configuration, logger: Logger = Logger(label: "tabula.server")) throws {
        self.configuration = configuration
        self.host = try BaseHost(path: configuration.path, readers: configuration.readers, now: configuration.now)
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
