import AsyncHTTPClient
import Foundation
import NIOCore

/// GETs of a venue's REST endpoints (depth snapshots, exchangeInfo, instruments-info), with the
/// answers a venue gives when it will not serve us turned into clear, typed failures.
public final class RESTClient: Sendable {
    private let client: HTTPClient
    /// Larger answers are refused (a full exchangeInfo is a few MiB).
    static let maximumBody = 32 << 20

    public init(endpoint: LiveEndpoint) throws {
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = try endpoint.tlsConfiguration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(20))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    /// The body of a successful GET of `url`.
    /// - Parameter timeout: the whole request's deadline (a refused connection is retried until it).
    public func get(_ url: String, timeout: Duration = .seconds(20)) async throws(LiveFailure) -> [UInt8] {
        let response: HTTPClientResponse
        do {
            response = try await client.execute(HTTPClientRequest(url: url), timeout: .nanoseconds(timeout.nanosecondsClamped))
        } catch {
            throw LiveFailure(Self.describe(error, url: url))
        }
        let body: ByteBuffer
        do { body = try await response.body.collect(upTo: Self.maximumBody) }
        catch { throw LiveFailure("\(url): answer larger than \(Self.maximumBody >> 20) MiB or cut off (\(error))") }
        let bytes = Array(body.readableBytesView)
        try Self.check(status: Int(response.status.code), body: bytes, url: url)
        return bytes
    }

    /// A refusal status as a failure: 451/403 (region blocked), 400 with Binance's -1121
    /// (invalid symbol), 418/429 (rate limit), others by number.
    static func check(status: Int, body: [UInt8], url: String) throws(LiveFailure) {
        guard status != 200 else { return }
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        switch status {
        case 451, 403:
            throw LiveFailure("HTTP \(status) from \(host(url)): the venue refuses service from this location (region blocked); use a venue or endpoint allowed here", fatal: true)
        case 400 where text.contains("-1121") || text.lowercased().contains("invalid symbol"):
            throw LiveFailure("unknown symbol at \(host(url)) (\(text)); check the symbol's spelling on the venue", fatal: true)
        case 418, 429:
            throw LiveFailure("HTTP \(status) from \(host(url)): rate limited; backing off")
        default:
            throw LiveFailure("HTTP \(status) from \(host(url)): \(text)")
        }
    }

    static func host(_ url: String) -> String { URL(string: url)?.host ?? url }

    /// DNS, TLS, refused connections and timeouts in words.
    static func describe(_ error: any Error, url: String) -> String {
        let text = String(describing: error)
        let host = host(url)
        if text.contains("NIOSSL") || text.contains("handshake") || text.contains("certificate") || text.contains("SSL") {
            return "TLS failure with \(host): \(text); check the certificate (ca_file) and the URL's scheme"
        }
        if text.contains("resolve") || text.contains("DNS") || text.contains("getaddrinfo") || text.contains("NXDOMAIN") || text.contains("UnknownHost") {
            return "cannot resolve \(host) (DNS failure: no such host, or no network)"
        }
        if text.contains("connectTimeout") || text.contains("deadlineExceeded") || text.contains("readTimeout") {
            return "\(host) did not answer in time"
        }
        if text.contains("connectionRefused") || text.contains("Connection refused") || text.contains("ECONNREFUSED") {
            return "\(host) refused the connection"
        }
        return "\(host): \(text)"
    }
}
