import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The HTTP endpoint Prometheus scrapes: `GET /metrics` answers the text exposition of the newest
/// snapshot (`HEAD` the same headers without the body), any other path 404. It serves on its own
/// tasks (Hummingbird, the project's one HTTP server stack); the engine never waits for it.
public actor MetricsEndpoint {
    private let metrics: SnapshotMetrics
    private let logger: Logger
    private var serving: Task<Void, Never>?

    public init(metrics: SnapshotMetrics, logger: Logger) {
        self.metrics = metrics
        self.logger = logger
    }

    /// Listens on `address` and serves until `stop()`. Returns the address bound: with port 0,
    /// the port the system chose. Throws, saying why, when it cannot listen there.
    public func start(on address: MetricsAddress) async throws(MetricsEndpointError) -> MetricsAddress {
        precondition(serving == nil, "the metrics endpoint is already started")
        let metrics = self.metrics
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            MetricsRequestHandler(metrics: metrics).response(to: request)
        }
        // Whichever comes first: listening, or `run` failing (a bind error ends it at once).
        let (outcomes, outcome) = AsyncStream.makeStream(of: Result<Int, any Error>.self)
        let application = Application(
            responder: responder,
            configuration: .init(address: .hostname(address.host, port: Int(address.port)), serverName: nil),
            onServerRunning: { channel in outcome.yield(.success(channel.localAddress?.port ?? Int(address.port))) },
            logger: HTTPServerLog.logger(from: logger))
        let serving = Task {
            do {
                try await application.run()
            } catch {
                outcome.yield(.failure(error))
            }
            outcome.finish()
        }
        var iterator = outcomes.makeAsyncIterator()
        switch await iterator.next() ?? .failure(CancellationError()) {
        case .success(let port):
            self.serving = serving
            return (try? MetricsAddress(host: address.host, port: UInt16(clamping: port))) ?? address
        case .failure(let error):
            serving.cancel()
            await serving.value
            throw MetricsEndpointError(address: address, cause: error)
        }
    }

    /// Closes the listening socket and lets a scrape in progress finish.
    public func stop() async {
        guard let serving else { return }
        serving.cancel()
        await serving.value
        self.serving = nil
    }
}

/// Routes a request: the exposition at `/metrics`, nothing anywhere else.
struct MetricsRequestHandler: Sendable {
    let metrics: SnapshotMetrics

    func response(to request: Request) -> Response {
        let textHeaders: HTTPFields = [.contentType: "text/plain; charset=utf-8"]
        guard request.uri.path == "/metrics" else {
            return Response(status: .notFound, headers: textHeaders,
                            body: .init(byteBuffer: ByteBuffer(string: "not found: hedgetop serves metrics at /metrics\n")))
        }
        guard request.method == .get || request.method == .head else {
            var headers = textHeaders
            headers[.allow] = "GET, HEAD"
            return Response(status: .methodNotAllowed, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "only GET or HEAD /metrics\n")))
        }
        let exposition = ByteBuffer(bytes: metrics.exposition())
        let contentType = "text/plain; version=0.0.4; charset=utf-8"
        // HEAD (curl -I, uptime checks) gets GET's headers, its length included, and no body.
        if request.method == .head {
            return Response(status: .ok, headers: [.contentType: contentType, .contentLength: String(exposition.readableBytes)])
        }
        return Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: exposition))
    }
}

/// The endpoint could not listen: where, and why in words a person can act on.
public struct MetricsEndpointError: Error, Sendable, CustomStringConvertible {
    public var address: MetricsAddress
    public var reason: String

    init(address: MetricsAddress, cause: any Error) {
        self.address = address
        let code = (cause as? IOError)?.errnoCode
        let message = code.map { String(cString: strerror($0)).lowercased() }
        switch (code, message) {
        case (EADDRINUSE?, let message?):
            reason = "\(message): another program listens there; choose another port, or port 0 for a free one"
        case (EACCES?, let message?):
            reason = "\(message): ports below 1024 need privileges; choose a port above 1024"
        case (EADDRNOTAVAIL?, let message?):
            reason = "\(message): this machine has no interface with that address"
        case (_, let message?):
            reason = message
        default:
            reason = "\(cause)"
        }
    }

    public var description: String { "cannot serve metrics on \(address): \(reason)" }
}
