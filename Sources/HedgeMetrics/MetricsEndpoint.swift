import FlyingFox
import FlyingSocks
import Foundation
import Logging

/// The HTTP endpoint Prometheus scrapes: `GET /metrics` answers the text exposition of the newest
/// snapshot (`HEAD` the same headers without the body), any other path 404. It serves on its own tasks; the engine never waits for it.
public actor MetricsEndpoint {
    private let metrics: SnapshotMetrics
    private let logger: Logger
    private var server: HTTPServer?
    private var serverLog: HTTPServerLog?
    private var serving: Task<Void, Never>?

    public init(metrics: SnapshotMetrics, logger: Logger) {
        self.metrics = metrics
        self.logger = logger
    }

    /// Listens on `address` and serves until `stop()`. Returns the address bound: with port 0,
    /// the port the system chose. Throws, saying why, when it cannot listen there.
    public func start(on address: MetricsAddress) async throws(MetricsEndpointError) -> MetricsAddress {
        precondition(server == nil, "the metrics endpoint is already started")
        let socketAddress: any SocketAddress
        do {
            switch address.family {
            case .ipv4: socketAddress = try sockaddr_in.inet(ip4: address.host, port: address.port)
            case .ipv6: socketAddress = try sockaddr_in6.inet6(ip6: address.host, port: address.port)
            }
        } catch {
            throw MetricsEndpointError(address: address, cause: error)
        }
        let serverLog = HTTPServerLog(logger: logger)
        // Generous timeouts: on a busy cooperative pool a timer can fire before quick work is scheduled.
        let server = HTTPServer(address: socketAddress, timeout: 60, logger: serverLog,
                                handler: MetricsRequestHandler(metrics: metrics))
        // Whichever comes first: listening, or `run` failing (a bind error ends it at once).
        let (outcomes, outcome) = AsyncStream.makeStream(of: (any Error)?.self)
        let serving = Task {
            do {
                try await server.run()
            } catch {
                outcome.yield(error)
            }
            outcome.finish()
        }
        let waiting = Task {
            do {
                try await server.waitUntilListening(timeout: 60)
                outcome.yield(nil)
            } catch {
                outcome.yield(error)
            }
        }
        var iterator = outcomes.makeAsyncIterator()
        let failure = await iterator.next() ?? CancellationError()
        waiting.cancel()
        if let failure {
            serving.cancel()
            throw MetricsEndpointError(address: address, cause: failure)
        }
        self.server = server
        self.serverLog = serverLog
        self.serving = serving
        switch await server.listeningAddress {
        case .ip4(let host, let port)?, .ip6(let host, let port)?:
            return (try? MetricsAddress(host: host, port: port)) ?? address
        case .unix?, nil:
            return address
        }
    }

    /// Closes the listening socket and gives a scrape in progress a quarter of a second to finish.
    public func stop() async {
        guard let server else { return }
        serverLog?.markStopping()
        await server.stop(timeout: 0.25)
        await serving?.value
        self.server = nil
        serverLog = nil
        serving = nil
    }
}

/// Routes a request: the exposition at `/metrics`, nothing anywhere else.
struct MetricsRequestHandler: HTTPHandler {
    let metrics: SnapshotMetrics

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard request.path == "/metrics" else {
            return HTTPResponse(statusCode: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: Data("not found: hedgetop serves metrics at /metrics\n".utf8))
        }
        guard request.method == .GET || request.method == .HEAD else {
            return HTTPResponse(statusCode: .methodNotAllowed, headers: [.contentType: "text/plain; charset=utf-8", HTTPHeader("Allow"): "GET, HEAD"],
                                body: Data("only GET or HEAD /metrics\n".utf8))
        }
        let exposition = Data(metrics.exposition())
        let contentType = "text/plain; version=0.0.4; charset=utf-8"
        // HEAD (curl -I, uptime checks) gets GET's headers, its length included, and no body.
        if request.method == .HEAD {
            return HTTPResponse(statusCode: .ok, headers: [.contentType: contentType, .contentLength: String(exposition.count)], body: Data())
        }
        return HTTPResponse(statusCode: .ok, headers: [.contentType: contentType], body: exposition)
    }
}

/// The endpoint could not listen: where, and why in words a person can act on.
public struct MetricsEndpointError: Error, Sendable, CustomStringConvertible {
    public var address: MetricsAddress
    public var reason: String

    init(address: MetricsAddress, cause: any Error) {
        self.address = address
        switch cause {
        case SocketError.failed(_, let code, let message) where code == EADDRINUSE:
            reason = "\(message.lowercased()): another program listens there; choose another port, or port 0 for a free one"
        case SocketError.failed(_, let code, let message) where code == EACCES:
            reason = "\(message.lowercased()): ports below 1024 need privileges; choose a port above 1024"
        case SocketError.failed(_, let code, let message) where code == EADDRNOTAVAIL:
            reason = "\(message.lowercased()): this machine has no interface with that address"
        case SocketError.failed(_, _, let message):
            reason = message.lowercased()
        case SocketError.timeout:
            reason = "not listening after 60 s"
        default:
            reason = "\(cause)"
        }
    }

    public var description: String { "cannot serve metrics on \(address): \(reason)" }
}
