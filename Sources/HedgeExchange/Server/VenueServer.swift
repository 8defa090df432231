import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOSSL
import NIOWebSocket

/// How one port speaks: which WebSocket paths it upgrades (and to which venue's market), how it
/// frames and answers, and which REST paths it serves.
struct VenueDialect: Sendable {
    /// A WebSocket a path asks for.
    struct StreamRoute: Sendable {
        var market: VenueMarket
        var frame: @Sendable (TapeMessage, String) -> String
        /// Subscribes from the path (Binance `/stream?streams=`).
        var open: @Sendable (StreamConnection) -> Void
        /// Answers one text message from the client.
        var handle: @Sendable (String, StreamConnection) async throws -> Void
    }

    var markets: [VenueMarket]
    var route: @Sendable (String) -> StreamRoute?
    /// (status, JSON body) for a GET; nil: 404.
    var rest: @Sendable (String) -> (status: Int, body: String)?
    /// Server pings every this often (Binance: 3 min on futures, 20 s on spot); nil: none (Bybit's
    /// clients ping).
    var pingEvery: Duration?
    /// Connections are closed at this age (Binance: 24 h).
    var maxConnectionAge: Duration?
    /// The signed private endpoints (accounts and orders), any method; nil: not one of them.
    var trade: @Sendable (VenueRequest) async -> VenueAnswer? = { _ in nil }
    /// An account's private stream a WebSocket path asks for (Binance `/ws/<listenKey>`, Bybit
    /// `/v5/private`), made at the upgrade; nil: not one.
    var privateStream: @Sendable (String) -> PrivateStreamRoute? = { _ in nil }
}

/// A private WebSocket: the frames it sends, and what it does with a client's message (its
/// answers go out among the frames).
struct PrivateStreamRoute: Sendable {
    var frames: AsyncStream<String>
    var handle: @Sendable (String) async -> Void = { _ in }
}

/// One listening port of the exchange, serving one venue's dialect over Hummingbird.
struct VenueServer: Sendable {
    let dialect: VenueDialect
    let host: String
    let port: Int
    let tls: TLSConfiguration?
    let logger: Logger

    /// Serves until cancelled; `bound` is called with the port once listening.
    func run(bound: @escaping @Sendable (Int) async -> Void) async throws {
        let dialect = self.dialect
        let logger = self.logger
        let responder = CallbackResponder<VenueRequestContext> { request, context in
            await Self.respond(request, channel: context.channel, dialect: dialect)
        }
        let webSocket = WebSocketServerConfiguration(
            maxFrameSize: 1 << 20, autoPing: dialect.pingEvery.map { .enabled(timePeriod: $0) } ?? .disabled)
        let refusal = RefusalHandler.Gate(markets: dialect.markets)
        let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: [RefusalHandler(gate: refusal)])
        var server: HTTPServerBuilder = .http1WebSocketUpgrade(configuration: .init(http1: http1, ws: webSocket)) { request, channel, _ in
            // Refused: closed without an answer (HTTP requests meet `RefusalHandler` instead).
            if refusal.isRefusing {
                channel.close(mode: .all, promise: nil)
                return .dontUpgrade
            }
            // Subscribed here, before the handshake's answer: whatever happens once the client is
            // connected reaches it.
            if let stream = dialect.privateStream(request.path ?? "/") {
                return .upgrade([:]) { inbound, outbound, _ in
                    try await Self.serve(stream, inbound: inbound, outbound: outbound, logger: logger)
                }
            }
            guard let route = dialect.route(request.path ?? "/") else { return .dontUpgrade }
            return .upgrade([:]) { inbound, outbound, _ in
                try await Self.serve(route: route, inbound: inbound, outbound: outbound, channel: channel,
                                     maxAge: dialect.maxConnectionAge, logger: logger)
            }
        }
        if let tls { server = try .tls(server, tlsConfiguration: tls) }
        let application = Application(
            responder: responder, server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await bound(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await application.run()
    }

    /// One WebSocket from upgrade to close: the play loop, the client's requests, the age limit.
    static func serve(route: VenueDialect.StreamRoute, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                      channel: any Channel, maxAge: Duration?, logger: Logger) async throws {
        let connection = StreamConnection(market: route.market, outbound: outbound, channel: channel, frame: route.frame)
        // Registered before the clock starts, so a fault scheduled at some time after the start
        // finds it. The connection that starts the clock plays the tape from its first message
        // (due at the start, it would otherwise count as passed); later ones join at the clock.
        let id = route.market.register(connection)
        defer { route.market.unregister(id) }
        let start = route.market.clock.start() ? 0 : route.market.position
        route.open(connection)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await connection.play(from: start) }
            if let maxAge {
                group.addTask {
                    try await Task.sleep(for: maxAge)
                    await connection.close(code: .normalClosure, reason: "connection age limit")
                }
            }
            do {
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    guard case .text(let text) = message else { continue }
                    try await route.handle(text, connection)
                }
            } catch {
                logger.debug("connection ended", metadata: ["error": "\(error)"])
            }
            group.cancelAll()
        }
    }

    /// A private stream from upgrade to close: its frames out (one writer), the client's text
    /// messages to its session.
    static func serve(_ stream: PrivateStreamRoute, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                      logger: Logger) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await frame in stream.frames { try await outbound.write(.text(frame)) }
            }
            do {
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    guard case .text(let text) = message else { continue }
                    await stream.handle(text)
                }
            } catch {
                logger.debug("private stream ended", metadata: ["error": "\(error)"])
            }
            group.cancelAll()
        }
    }

    static func respond(_ request: Request, channel: any Channel, dialect: VenueDialect) async -> Response {
        let path = request.head.path ?? "/"
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        var request = request
        let body = (try? await request.collectBody(upTo: 1 << 20)).map { String(buffer: $0) } ?? ""
        let venueRequest = VenueRequest(method: request.method.rawValue, path: path, headers: headers, body: body)
        if let answer = await dialect.trade(venueRequest) {
            if answer.dropsConnection {
                // The work is done; the client never hears of it.
                try? await channel.close(mode: .all)
            }
            var fields: HTTPFields = [.contentType: "application/json"]
            for (name, value) in answer.headers {
                if let field = HTTPField.Name(name) { fields[field] = value }
            }
            return Response(status: HTTPResponse.Status(code: answer.status == 0 ? 500 : answer.status), headers: fields,
                            body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        guard request.method == .get || request.method == .head else {
            return json(405, #"{"code":-1000,"msg":"only GET is served by the local exchange"}"#)
        }
        guard let (status, body) = dialect.rest(path) else {
            return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "not found: \(HTTPPath.split(path).route)\n")))
        }
        return json(status, body)
    }

    static func json(_ status: Int, _ body: String) -> Response {
        Response(status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// Closes each new plain-HTTP connection at once while its venue refuses connections (the fault),
/// without an answer: the client sees the connection closed, as when a venue drops it at the edge.
/// (Hummingbird adds it once the first request is read; WebSocket upgrades are refused where
/// they are decided.)
final class RefusalHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    /// Whatever the HTTP decoder passes on: this handler reads nothing, it only closes.
    typealias InboundIn = Any

    struct Gate: Sendable {
        let markets: [VenueMarket]
        var isRefusing: Bool { markets.contains { $0.faults.isRefusing } }
    }

    let gate: Gate

    init(gate: Gate) { self.gate = gate }

    func handlerAdded(context: ChannelHandlerContext) {
        if gate.isRefusing { context.close(mode: .all, promise: nil) }
    }
}
