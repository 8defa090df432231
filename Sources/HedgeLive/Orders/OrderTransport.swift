/// One HTTP request to a venue's REST API: the path and query string as signed, so what goes on
/// the wire is byte for byte what the signature covers.
public struct VenueHTTPRequest: Sendable, Hashable {
    public enum Method: String, Sendable { case get = "GET", post = "POST", put = "PUT", delete = "DELETE" }

    public var method: Method
    public var path: String
    /// Without the leading `?`; empty for none.
    public var query: String
    public var headers: [String: String]
    /// The raw body (Bybit's JSON); nil for none.
    public var body: String?

    public init(method: Method, path: String, query: String = "", headers: [String: String] = [:], body: String? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// Path and query, as in a request line.
    public var target: String { query.isEmpty ? path : path + "?" + query }
}

/// A venue's answer: status, headers (names lower-cased) and body.
public struct VenueHTTPResponse: Sendable, Hashable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8]) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        self.body = body
    }

    public init(status: Int, headers: [String: String] = [:], text: String) {
        self.init(status: status, headers: headers, body: Array(text.utf8))
    }
}

/// Why no answer came. The difference matters for orders: one `notSent` surely did not reach the
/// venue; one whose answer was lost may have been executed.
public enum TransportFailure: Error, Sendable, Hashable {
    /// The request never left (refused connection, DNS, TLS handshake).
    case notSent(String)
    /// Sent, or perhaps sent, and no answer in time: the venue may have acted on it.
    case answerLost(String)
}

/// Sends venue requests: AsyncHTTPClient in a run, a scripted fake in tests.
public protocol OrderTransport: Sendable {
    func send(_ request: VenueHTTPRequest) async throws(TransportFailure) -> VenueHTTPResponse
}
