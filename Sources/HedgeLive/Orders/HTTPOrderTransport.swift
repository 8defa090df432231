import AsyncHTTPClient
import Foundation
import NIOCore

/// The real transport: AsyncHTTPClient with the endpoint's TLS setup (the system's roots, or a
/// test exchange's CA file), as `RESTClient` uses for market data.
public final class HTTPOrderTransport: OrderTransport {
    private let client: HTTPClient
    private let baseURL: String
    private let timeout: Duration
    /// An order answer is small; larger ones are refused.
    static let maximumBody = 1 << 20

    /// - Parameter timeout: a request's whole deadline; past it the answer counts as lost.
    public init(endpoint: LiveEndpoint, timeout: Duration = .seconds(10)) throws {
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = try endpoint.tlsConfiguration()
        configuration.timeout = .init(connect: .seconds(5), read: .nanoseconds(timeout.nanosecondsClamped))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        baseURL = endpoint.restURL.hasSuffix("/") ? String(endpoint.restURL.dropLast()) : endpoint.restURL
        self.timeout = timeout
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    public func send(_ request: VenueHTTPRequest) async throws(TransportFailure) -> VenueHTTPResponse {
        let url = baseURL + request.target
        var outgoing = HTTPClientRequest(url: url)
        switch request.method {
        case .get: outgoing.method = .GET
        case .post: outgoing.method = .POST
        case .put: outgoing.method = .PUT
        case .delete: outgoing.method = .DELETE
        }
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if let body = request.body {
            outgoing.headers.add(name: "Content-Type", value: "application/json")
            outgoing.body = .bytes(ByteBuffer(string: body))
        }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(outgoing, timeout: .nanoseconds(timeout.nanosecondsClamped))
        } catch {
            throw Self.classify(error, url: url)
        }
        let body: ByteBuffer
        do { body = try await response.body.collect(upTo: Self.maximumBody) }
        catch { throw .answerLost("\(RESTClient.host(url)): answer cut off or larger than 1 MiB") }
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return VenueHTTPResponse(status: Int(response.status.code), headers: headers, body: Array(body.readableBytesView))
    }

    /// A failure before the connection was up is `notSent`; anything later may have reached the
    /// venue. The message names the host, never the query (it carries the signature).
    static func classify(_ error: any Error, url: String) -> TransportFailure {
        let text = String(describing: error)
        let host = RESTClient.host(url)
        let beforeSending = ["connectionRefused", "Connection refused", "ECONNREFUSED", "connectTimeout", "resolve", "DNS",
                             "getaddrinfo", "NXDOMAIN", "UnknownHost", "NIOSSL", "handshake", "certificate"]
        if beforeSending.contains(where: { text.contains($0) }) {
            return .notSent(RESTClient.describe(error, url: host))
        }
        return .answerLost("\(host) did not answer in time (\(String(describing: type(of: error))))")
    }
}
