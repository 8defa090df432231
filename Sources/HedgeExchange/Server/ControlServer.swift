import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The loopback-only control endpoint: `POST /_fault/<fault>?venue=V[&arg]` puts a venue (or
/// all, without `venue`) under a fault now; `GET /_status` says where each venue stands.
///
/// `/_fault/close?code=1006`, `/_fault/silence?seconds=10`, `/_fault/skip?count=1`,
/// `/_fault/refuse?seconds=5`, `/_fault/throttle?rate=50` (0 lifts it), `/_fault/expire`; for
/// orders `/_fault/reject?count=1`, `/_fault/fail?count=1`, `/_fault/drop?count=1`,
/// `/_fault/ratelimit?seconds=10`.
struct ControlServer: Sendable {
    let exchange: LocalExchange
    let port: Int
    let logger: Logger

    func run(bound: @escaping @Sendable (Int) async -> Void) async throws {
        let exchange = self.exchange
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            await Self.respond(request, exchange: exchange)
        }
        let application = Application(
            responder: responder,
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil),
            onServerRunning: { channel in await bound(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await application.run()
    }

    static func respond(_ request: Request, exchange: LocalExchange) async -> Response {
        let (route, query) = HTTPPath.split(request.head.path ?? "/")
        if route == "/_status" && request.method == .get { return reply(200, exchange.statusJSON()) }
        guard route.hasPrefix("/_fault/") else { return reply(404, #"{"error":"not found: POST /_fault/<close|silence|skip|refuse|throttle|expire|reject|fail|drop|ratelimit>?venue=V or GET /_status"}"#) }
        guard request.method == .post else { return reply(405, #"{"error":"faults are set with POST"}"#) }
        let kind = String(route.dropFirst("/_fault/".count))
        let argument: String? = switch kind {
        case "close": query["code"] ?? "1000"
        case "silence", "refuse": query["seconds"]
        case "skip", "reject", "fail", "drop": query["count"] ?? "1"
        case "ratelimit": query["seconds"]
        case "throttle": query["rate"]
        default: nil
        }
        let venue: ExchangeVenue?
        if let name = query["venue"], name != "all" {
            guard let named = ExchangeVenue(rawValue: name), exchange.markets[named] != nil else {
                return reply(400, #"{"error":"unknown or unserved venue '\#(name)'"}"#)
            }
            venue = named
        } else {
            venue = nil
        }
        do {
            let fault = try ExchangeFault(parsing: argument.map { "\(kind)=\($0)" } ?? kind)
            let done = await exchange.apply(fault, to: venue)
            let lines = done.map { "\"\($0.replacingOccurrences(of: "\"", with: "'"))\"" }.joined(separator: ",")
            return reply(200, "{\"done\":[\(lines)]}")
        } catch {
            return reply(400, "{\"error\":\"\(error.description.replacingOccurrences(of: "\"", with: "'"))\"}")
        }
    }

    static func reply(_ status: Int, _ body: String) -> Response {
        Response(status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
